/* serve's sweeper (lifecycle.md: concierge serve runs the sweeper in the background, every
 * minute and at start-up): a thread of its own, with a store connection of its own, so that no
 * request thread ever waits for a sweep to run — a change waits at most for the batch in hand
 * to commit (actions/sweep.h, SWEEP_BATCH). It logs what it recorded and counts it in the
 * metrics. Several servers on one store may all run it: each expiry is still one event. */
#ifndef CONCIERGE_SWEEPER_H
#define CONCIERGE_SWEEPER_H

struct serve;
struct sweeper;

#define SWEEP_INTERVAL_MS 60000 /* every minute */
/* With a test build's clock (--test-clock): looked at this often, swept when it moved. */
#define SWEEP_TEST_INTERVAL_MS 20

/* Starts the thread: a sweep at once, then one every interval_ms. 0, or -1. */
int sweeper_start(struct sweeper **out, struct serve *sv, int interval_ms);
/* Ends it: a sweep in progress stops after its batch in hand (what was committed stays, and the
 * next start goes on from there); frees it. NULL is harmless. */
void sweeper_stop(struct sweeper *w);

#endif
