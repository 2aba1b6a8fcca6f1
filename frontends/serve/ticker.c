/* The ticker (ticker.h). */
#include "ticker.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

struct ticker {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    _Atomic int stopping;
    int interval_ms;
    ticker_fn fn;
    void *arg;
};

static void *run(void *arg)
{
    struct ticker *t = arg;
    while (!atomic_load(&t->stopping)) {
        if (t->fn(t->arg, t)) continue;
        /* The next turn an interval after this one ended, or at once to stop. */
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += t->interval_ms / 1000;
        until.tv_nsec += (long)(t->interval_ms % 1000) * 1000000;
        if (until.tv_nsec >= 1000000000) until.tv_sec++, until.tv_nsec -= 1000000000;
        pthread_mutex_lock(&t->lock);
        while (!atomic_load(&t->stopping) && pthread_cond_timedwait(&t->wake, &t->lock, &until) != ETIMEDOUT)
            ;
        pthread_mutex_unlock(&t->lock);
    }
    return NULL;
}

int ticker_start(struct ticker **out, int interval_ms, ticker_fn fn, void *arg)
{
    struct ticker *t = calloc(1, sizeof *t);
    if (!t) return -1;
    t->interval_ms = interval_ms;
    t->fn = fn;
    t->arg = arg;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&t->lock, NULL);
    pthread_cond_init(&t->wake, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&t->thread, NULL, run, t) != 0) {
        pthread_cond_destroy(&t->wake);
        pthread_mutex_destroy(&t->lock);
        free(t);
        return -1;
    }
    *out = t;
    return 0;
}

_Atomic int *ticker_stopping(struct ticker *t) { return &t->stopping; }

void ticker_stop(struct ticker *t)
{
    if (!t) return;
    pthread_mutex_lock(&t->lock);
    atomic_store(&t->stopping, 1);
    pthread_cond_signal(&t->wake);
    pthread_mutex_unlock(&t->lock);
    pthread_join(t->thread, NULL);
    pthread_cond_destroy(&t->wake);
    pthread_mutex_destroy(&t->lock);
    free(t);
}
