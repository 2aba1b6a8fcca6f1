/* serve's sweeper (sweeper.h). */
#include "sweeper.h"

#include <errno.h>
#include <stdint.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "../../actions/sweep.h"
#include "../../intent/timecalc.h"
#include "../../store/store.h"
#include "log.h"
#include "serve.h"

struct sweeper {
    struct serve *sv;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    _Atomic int stopping; /* read by sweep_run between batches, too */
    int interval_ms;
};

/* One sweep on this thread's store, logged: what it recorded (at start-up also when nothing
 * was due, so the log says the sweeper runs), or why it failed. */
static void sweep_once(struct sweeper *w, int first)
{
    struct metrics *m = &w->sv->metrics;
    struct store *st = serve_thread_store(w->sv); /* it logs why when it cannot */
    struct sweep_report rep = {.stop = &w->stopping};
    if (!st || sweep_run(st, store_clock(st), &rep)) {
        atomic_fetch_add(&m->sweeps_failed, 1);
        json_t *why = json_string(st ? rep.why : "the access store could not be opened");
        char *quoted = why ? json_dumps(why, JSON_ENCODE_ANY) : NULL;
        log_event("error", "sweep", "\"why\":%s", quoted ? quoted : "\"(out of memory)\"");
        free(quoted);
        json_decref(why);
        /* A failed sweep may have committed batches before it failed: they are counted too. */
    } else {
        atomic_fetch_add(&m->sweeps_ok, 1);
    }
    atomic_fetch_add(&m->expiries_grants, (uint64_t)rep.grants);
    atomic_fetch_add(&m->expiries_keys, (uint64_t)rep.keys);
    atomic_fetch_add(&m->collaborators_removed, (uint64_t)rep.collaborators);
    char up_to[32] = "";
    if (st && (first || rep.grants || rep.keys) && format_rfc3339(rep.up_to, up_to) == 0)
        log_event("info", "sweep",
                  "\"recorded\":%d,\"grants\":%d,\"keys\":%d,\"collaborators_removed\":%d,\"up_to\":\"%s\"%s",
                  rep.grants + rep.keys, rep.grants, rep.keys, rep.collaborators, up_to,
                  first ? ",\"start\":true" : "");
}

static void *run(void *arg)
{
    struct sweeper *w = arg;
    int64_t swept_at = INT64_MIN;
    for (int first = 1; !atomic_load(&w->stopping); first = 0) {
        /* Every interval — with a test build's clock, only when it moved (it is looked at every
         * few milliseconds: sweeping each time would flood the log). */
        struct store *st = serve_thread_store(w->sv);
        int64_t now = st ? store_clock(st) : 0;
        if (w->interval_ms >= SWEEP_INTERVAL_MS || now != swept_at) {
            sweep_once(w, first);
            swept_at = now;
        }
        /* The next sweep an interval after this one ended, or at once to stop. */
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += w->interval_ms / 1000;
        until.tv_nsec += (long)(w->interval_ms % 1000) * 1000000;
        if (until.tv_nsec >= 1000000000) until.tv_sec++, until.tv_nsec -= 1000000000;
        pthread_mutex_lock(&w->lock);
        while (!atomic_load(&w->stopping) && pthread_cond_timedwait(&w->wake, &w->lock, &until) != ETIMEDOUT)
            ;
        pthread_mutex_unlock(&w->lock);
    }
    return NULL;
}

int sweeper_start(struct sweeper **out, struct serve *sv, int interval_ms)
{
    struct sweeper *w = calloc(1, sizeof *w);
    if (!w) return -1;
    w->sv = sv;
    w->interval_ms = interval_ms;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->wake, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&w->thread, NULL, run, w) != 0) {
        pthread_cond_destroy(&w->wake);
        pthread_mutex_destroy(&w->lock);
        free(w);
        return -1;
    }
    *out = w;
    return 0;
}

void sweeper_stop(struct sweeper *w)
{
    if (!w) return;
    pthread_mutex_lock(&w->lock);
    atomic_store(&w->stopping, 1);
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->wake);
    pthread_mutex_destroy(&w->lock);
    free(w);
}
