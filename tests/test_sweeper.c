/* test_sweeper: serve's sweeper thread (frontends/serve/sweeper.h) in-process, on a real
 * SQLite file, with an interval of milliseconds instead of a minute: it sweeps at start-up, then
 * again and again (a grant that expires after it started is recorded by a later sweep), it
 * counts what it did in the metrics, and it stops when asked. Each wait is bounded (a sweep that
 * never comes fails); nothing asserts how long anything took. */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../frontends/serve/log.h"
#include "../frontends/serve/serve.h"
#include "../frontends/serve/sweeper.h"
#include "../intent/timecalc.h"
#include "../store/store.h"
#include "check.h"

#define WAIT_MS 20000

static int64_t mono_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int count_expired(void *ctx, const struct st_event *e)
{
    *(int *)ctx += strcmp(e->intent, "expired") == 0;
    return 0;
}

/* The expired events in sandbox sb, read on a connection of the test's own. */
static int expired_events(const char *db, int64_t sb)
{
    char err[256];
    struct store *s;
    int n = 0;
    if (store_open(db, 0, &s, err, sizeof err) != STORE_OK) return -1;
    if (store_audit_each(s, sb, 0, NULL, 0, count_expired, &n) != STORE_OK) n = -1;
    store_close(s);
    return n;
}

/* Waits until sandbox sb has n expired events; what it has then. */
static int wait_for(const char *db, int64_t sb, int n)
{
    int64_t deadline = mono_ms() + WAIT_MS;
    int got;
    while ((got = expired_events(db, sb)) < n && mono_ms() < deadline)
        usleep(10000);
    return got;
}

static int grant(struct store *s, int64_t sb, const char *who, int64_t expires_at)
{
    struct st_grant g = {.role = ROLE_VIEWER, .has_expiry = 1, .expires_at = expires_at};
    snprintf(g.principal, sizeof g.principal, "%s", who);
    snprintf(g.granted_by, sizeof g.granted_by, "@owner");
    g.granted_at = expires_at - 86400;
    return store_begin(s) == STORE_OK && store_grant_put(s, sb, &g) == STORE_OK && store_commit(s) == STORE_OK
               ? 0
               : -1;
}

int main(void)
{
    static struct serve sv; /* as serve_main holds it: for the server's life */
    char dir[] = "/tmp/concierge-sweeper-XXXXXX", err[256];
    if (!mkdtemp(dir) || tz_use("UTC")) return 2;
    snprintf(sv.db_path, sizeof sv.db_path, "%s/s.db", dir);
    log_set_verbosity(0); /* the test's output is its checks; errors still show */
    struct store *s;
    int64_t ws = 0, sb = 0, past = 0;
    parse_rfc3339("2026-11-01T00:00:00Z", &past);
    if (!CHECKF(store_open(sv.db_path, STORE_CREATE, &s, err, sizeof err) == STORE_OK, "a store", "%s", err))
        return CHECK_SUMMARY();
    CHECK(store_begin(s) == STORE_OK && store_workspace_add(s, "acme", MODE_SHARED, &ws) == STORE_OK &&
              store_sandbox_add(s, "demo", "@owner", ws, "", MODE_SHARED, &sb) == STORE_OK &&
              store_commit(s) == STORE_OK,
          "a sandbox");
    CHECK(grant(s, sb, "@old", past) == 0, "a grant that expired before the server started");

    struct sweeper *w = NULL;
    if (!CHECK(sweeper_start(&w, &sv, 20) == 0, "the sweeper starts")) return CHECK_SUMMARY();
    CHECK_INT(wait_for(sv.db_path, sb, 1), 1, "it swept at start-up");
    /* A grant that expired (its instant in the past) only now that the sweeper runs: a later
     * sweep, not the first, records it. */
    CHECK(grant(s, sb, "@later", past + 3600) == 0, "another expired grant, added while it runs");
    CHECK_INT(wait_for(sv.db_path, sb, 2), 2, "a later sweep recorded it");
    int64_t deadline = mono_ms() + WAIT_MS;
    while (atomic_load(&sv.metrics.sweeps_ok) < 3 && mono_ms() < deadline)
        usleep(10000);
    CHECK(atomic_load(&sv.metrics.sweeps_ok) >= 3, "it goes on sweeping, interval after interval");
    CHECK_INT((long long)atomic_load(&sv.metrics.expiries_grants), 2, "each expiry counted once");
    CHECK_INT((long long)atomic_load(&sv.metrics.sweeps_failed), 0, "no sweep failed");
    sweeper_stop(w); /* joins the thread: returns only once it has ended */
    CHECK_INT(expired_events(sv.db_path, sb), 2, "and every expiry has one event");
    store_close(s);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) printf("could not remove %s\n", dir);
    return CHECK_SUMMARY();
}
