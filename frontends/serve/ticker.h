/* A background thread that does one job at an interval until it is stopped (serve's sweeper and
 * notifier): the loop, the wait on CLOCK_MONOTONIC and the stop, written once. */
#ifndef CONCIERGE_TICKER_H
#define CONCIERGE_TICKER_H
#include <stdatomic.h>

struct ticker;

/* One turn of the job: 1 to run again at once (more is due), 0 to wait an interval. */
typedef int (*ticker_fn)(void *arg, struct ticker *t);

/* Starts the thread: fn at once, then an interval_ms after each turn ends. 0, or -1. */
int ticker_start(struct ticker **out, int interval_ms, ticker_fn fn, void *arg);
/* Non-zero once stopping began: a long turn may end early (read by the job between steps). */
_Atomic int *ticker_stopping(struct ticker *t);
/* Ends it after the turn in hand, and frees it. NULL is harmless. */
void ticker_stop(struct ticker *t);

#endif
