/* serve's sweeper (sweeper.h). */
#include "sweeper.h"

#include <stdint.h>
#include <jansson.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "../../actions/sweep.h"
#include "../../intent/timecalc.h"
#include "../../store/store.h"
#include "log.h"
#include "serve.h"
#include "ticker.h"

struct sweeper {
    struct serve *sv;
    struct ticker *ticker;
    int interval_ms;
    int first;
    int64_t swept_at;
};

/* One sweep on this thread's store, logged: what it recorded (at start-up also when nothing
 * was due, so the log says the sweeper runs), or why it failed. */
static void sweep_once(struct sweeper *w, int first)
{
    struct metrics *m = &w->sv->metrics;
    struct store *st = serve_thread_store(w->sv);                   /* it logs why when it cannot */
    struct sweep_report rep = {.stop = ticker_stopping(w->ticker)}; /* read between batches */
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

/* One turn: every interval — with a test build's clock, only when it moved (it is looked at
 * every few milliseconds: sweeping each time would flood the log). */
static int turn(void *arg, struct ticker *t)
{
    struct sweeper *w = arg;
    w->ticker = t;
    struct store *st = serve_thread_store(w->sv);
    int64_t now = st ? store_clock(st) : 0;
    if (w->interval_ms >= SWEEP_INTERVAL_MS || now != w->swept_at) {
        sweep_once(w, w->first);
        w->swept_at = now;
    }
    w->first = 0;
    return 0;
}

int sweeper_start(struct sweeper **out, struct serve *sv, int interval_ms)
{
    struct sweeper *w = calloc(1, sizeof *w);
    if (!w) return -1;
    w->sv = sv;
    w->interval_ms = interval_ms;
    w->first = 1;
    w->swept_at = INT64_MIN;
    if (ticker_start(&w->ticker, interval_ms, turn, w)) {
        free(w);
        return -1;
    }
    *out = w;
    return 0;
}

void sweeper_stop(struct sweeper *w)
{
    if (!w) return;
    ticker_stop(w->ticker);
    free(w);
}
