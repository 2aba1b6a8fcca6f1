/* test_sweep: the sweeper's "exactly once" (lifecycle.md: one `expired` event per grant and
 * expiry instant, a constraint of the store) where it is hardest: several sweepers at once.
 * On a real SQLite file, and on PostgreSQL when the test cluster is there (CONCIERGE_TEST_PG,
 * CONCIERGE_TEST_PG_FILE):
 *
 *   - two connections both list the same expiry as due, then each records it in its own
 *     transaction: the second is refused (STORE_EXISTS) and writes no event;
 *   - several processes sweep one store at the same moment (released together from a pipe):
 *     each expiry has exactly one event, and the processes' counts add up to the whole;
 *   - an extension moves the instant: the next expiry is an event of its own.
 *
 * Prints "N passed, M failed"; exit 1 on any failure. No timed assertion. */
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../actions/sweep.h"
#include "../intent/timecalc.h"
#include "../store/store.h"
#include "check.h"
#include "pg_test.h"
#include "test_db.h"

#define SANDBOXES 12
#define GRANTS    40 /* a sandbox, due */
#define KEYS      5  /* a sandbox, due */
#define SWEEPERS  4  /* processes at once */

static int64_t base;  /* the first expiry: 2026-11-01T00:00:00Z */
static int64_t after; /* an instant after every expiry due (and before the clock) */

/* Opens the store at db (a file made here, or a PostgreSQL URI made by pg_test_create). */
static struct store *open_store(const char *db)
{
    char err[512];
    struct store *s;
    if (store_open(db, store_is_uri(db) ? 0 : STORE_CREATE, &s, err, sizeof err) != STORE_OK) {
        printf("cannot open %s: %s\n", db, err);
        return NULL;
    }
    return s;
}

/* SANDBOXES sandboxes, each with GRANTS grants and KEYS keys due before `after` (at instants
 * that differ), and one grant that is not due and one that never expires. */
static int populate(struct store *s)
{
    int64_t ws;
    if (store_begin(s) != STORE_OK || store_workspace_add(s, "acme", MODE_SHARED, &ws) != STORE_OK) return -1;
    for (int b = 0; b < SANDBOXES; b++) {
        char name[16];
        int64_t sb;
        snprintf(name, sizeof name, "s%d", b);
        if (store_sandbox_add(s, name, "@owner", ws, "", MODE_COLLABORATED, &sb) != STORE_OK ||
            store_thing_add(s, sb, "agent", "bot") != STORE_OK)
            return -1;
        for (int i = 0; i < GRANTS + 2; i++) {
            struct st_grant g = {0};
            snprintf(g.principal, sizeof g.principal, "@p%d", i);
            g.role = i % 2 ? ROLE_EDITOR : ROLE_VIEWER;
            g.has_expiry = i != GRANTS + 1;
            g.expires_at = i < GRANTS ? base + 60 * i + b : base + 4000000000LL; /* @pGRANTS: in 2153 */
            snprintf(g.granted_by, sizeof g.granted_by, "@owner");
            g.granted_at = base - 86400;
            if (store_grant_put(s, sb, &g) != STORE_OK ||
                (i % 3 == 0 && store_collaborator_add(s, sb, g.principal) != STORE_OK))
                return -1;
        }
        for (int k = 0; k < KEYS; k++) {
            char p[16];
            unsigned char sha[32] = {0};
            snprintf(p, sizeof p, "@k%d", k);
            sha[0] = (unsigned char)b;
            sha[1] = (unsigned char)k;
            if (store_agent_key_add(s, sb, "bot", KEY_INVOKE, p, 1, base + 30 + 60 * k, sha, "@owner",
                                    base - 86400) != STORE_OK)
                return -1;
        }
    }
    return store_commit(s) == STORE_OK ? 0 : -1;
}

/* The expired events of a sandbox: how many, and how many distinct subjects among them. */
struct tally {
    int events;
    json_t *subjects; /* subject -> count */
};

static int tally_event(void *ctx, const struct st_event *e)
{
    struct tally *t = ctx;
    if (strcmp(e->intent, "expired") != 0) return 0;
    t->events++;
    json_t *sub = json_object_get(t->subjects, e->subjects);
    json_object_set_new(t->subjects, e->subjects, json_integer(json_integer_value(sub) + 1));
    return 0;
}

/* Each sandbox has one expired event per grant and key due, no subject twice. */
static void check_once(struct store *s, const char *what)
{
    int total = 0, twice = 0, sandboxes_right = 0;
    for (int b = 0; b < SANDBOXES; b++) {
        char name[16];
        struct st_sandbox sb;
        snprintf(name, sizeof name, "s%d", b);
        struct tally t = {0, json_object()};
        if (store_sandbox_find(s, name, &sb) != STORE_OK ||
            store_audit_each(s, sb.id, 0, NULL, 0, tally_event, &t) != STORE_OK) {
            CHECKF(0, what, "reading sandbox %s: %s", name, store_errmsg(s));
            json_decref(t.subjects);
            return;
        }
        const char *k;
        json_t *v;
        json_object_foreach(t.subjects, k, v) twice += json_integer_value(v) != 1;
        total += t.events;
        sandboxes_right += t.events == GRANTS + KEYS && (int)json_object_size(t.subjects) == GRANTS + KEYS;
        json_decref(t.subjects);
    }
    CHECKF(sandboxes_right == SANDBOXES && twice == 0, what,
           "%d events in all (want %d), %d sandboxes right of %d, %d subjects recorded twice", total,
           SANDBOXES * (GRANTS + KEYS), sandboxes_right, SANDBOXES, twice);
}

static int first_due(void *ctx, const struct st_expiry *e)
{
    *(struct st_expiry *)ctx = *e;
    return 1;
}

/* Two connections see the same expiry due; the one that records second is refused. */
static void test_constraint(const char *db)
{
    struct store *a = open_store(db), *b = open_store(db);
    if (!CHECK(a && b, "two connections")) goto out;
    struct st_expiry ea = {0}, eb = {0};
    CHECK(store_expiry_each(a, 0, NULL, after, 1, first_due, &ea) == STORE_OK && ea.id,
          "the first connection finds an expiry due");
    CHECK(store_expiry_each(b, 0, NULL, after, 1, first_due, &eb) == STORE_OK && eb.id == ea.id &&
              eb.is_key == ea.is_key && eb.expires_at == ea.expires_at,
          "the second finds the same one");
    struct st_event e = {.at = ea.expires_at,
                         .actor = "concierge",
                         .intent = "expired",
                         .outcome = "done",
                         .subjects = "[\"@p0\"]",
                         .summary = "test"};
    int64_t id_a = 0, id_b = 0;
    enum store_status ra = STORE_ERROR, rb = STORE_ERROR;
    if (store_begin(a) == STORE_OK && store_lock_sandbox(a, ea.sandbox_id) == STORE_OK) {
        ra = store_expiry_record(a, ea.is_key, ea.id, ea.expires_at, after, ea.sandbox_id, &e, &id_a);
        if (store_commit(a) != STORE_OK) ra = STORE_ERROR;
    }
    if (store_begin(b) == STORE_OK && store_lock_sandbox(b, eb.sandbox_id) == STORE_OK) {
        rb = store_expiry_record(b, eb.is_key, eb.id, eb.expires_at, after, eb.sandbox_id, &e, &id_b);
        if (store_commit(b) != STORE_OK) rb = STORE_ERROR;
    }
    CHECKF(ra == STORE_OK && id_a > 0, "the first record is made, with its event", "status %d, event %lld",
           ra, (long long)id_a);
    CHECKF(rb == STORE_EXISTS && id_b == 0, "the second is refused by the store, and writes no event",
           "status %d, event %lld", rb, (long long)id_b);
    struct tally t = {0, json_object()};
    struct st_sandbox sb;
    CHECK(store_sandbox_find(a, ea.sandbox, &sb) == STORE_OK &&
              store_audit_each(a, sb.id, 0, NULL, 0, tally_event, &t) == STORE_OK && t.events == 1,
          "one expired event in the sandbox's log");
    json_decref(t.subjects);
    struct st_expiry again = {0};
    CHECK(store_expiry_each(b, ea.sandbox_id, NULL, after, 1, first_due, &again) == STORE_OK &&
              !(again.id == ea.id && again.is_key == ea.is_key),
          "a recorded expiry is no longer listed as due");
out:
    store_close(a);
    store_close(b);
}

/* SWEEPERS processes sweep db at once; their counts add up into *recorded. 0, or -1. */
static int sweep_at_once(const char *db, int64_t at, int *recorded, int *reminders)
{
    int go[2], counts[2];
    pid_t kids[SWEEPERS];
    if (pipe(go) || pipe(counts)) return -1;
    fflush(stdout);
    for (int k = 0; k < SWEEPERS; k++) {
        if ((kids[k] = fork()) < 0) return -1;
        if (kids[k] == 0) {
            close(go[1]);
            close(counts[0]);
            struct store *s = open_store(db);
            char c;
            /* Released together: the parent closes its end of the pipe. */
            if (read(go[0], &c, 1) < 0) _exit(2);
            struct sweep_report rep = {0};
            int n[2] = {-1, 0};
            if (s && sweep_run(s, at, &rep) == 0) n[0] = rep.grants + rep.keys, n[1] = rep.reminders;
            if (n[0] < 0) printf("a sweeper failed: %s\n", s ? rep.why : "no store");
            store_close(s);
            _exit(write(counts[1], n, sizeof n) == sizeof n && n[0] >= 0 ? 0 : 1);
        }
    }
    close(go[0]);
    close(counts[1]);
    close(go[1]);
    int ok = 1, n[2];
    *recorded = *reminders = 0;
    for (int k = 0; k < SWEEPERS; k++) {
        int status;
        ok &= waitpid(kids[k], &status, 0) == kids[k] && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    }
    printf("  the sweepers recorded");
    for (int k = 0; k < SWEEPERS; k++) {
        ok &= read(counts[0], n, sizeof n) == sizeof n;
        *recorded += n[0];
        *reminders += n[1];
        printf(" %d", n[0]);
    }
    printf(" (who recorded what varies from run to run; the sum may not)\n");
    close(counts[0]);
    return ok ? 0 : -1;
}

static void test_at_once(const char *db)
{
    int recorded = 0, reminders = 0;
    CHECK(sweep_at_once(db, after, &recorded, &reminders) == 0, "every sweeper ends well");
    /* The constraint test recorded one before. */
    CHECK_INT(recorded, SANDBOXES * (GRANTS + KEYS) - 1, "the sweepers' counts add up to the expiries due");
    struct store *s = open_store(db);
    if (!s) return;
    check_once(s, "each expiry has one event, whoever recorded it");
    struct sweep_report rep = {0};
    CHECK(sweep_run(s, after, &rep) == 0 && rep.grants + rep.keys == 0,
          "a sweep after them finds nothing due");
    /* The collaborator entries left behind went too (a third of each sandbox's grants had one;
     * s0's @p0, recorded by hand in test_constraint, keeps its own). */
    int left = 0;
    struct st_sandbox sb = {0};
    if (store_sandbox_find(s, "s0", &sb) == STORE_OK)
        for (int i = 3; i < GRANTS; i += 3) {
            char p[16];
            snprintf(p, sizeof p, "@p%d", i);
            left += store_is_collaborator(s, sb.id, p) != 0;
        }
    CHECK_INT(left, 0, "the collaborator entries with nothing behind them are gone");

    /* An extension moves the instant: its expiry is an event of its own. */
    struct st_grant g;
    if (store_grant_find(s, sb.id, "@p1", "", &g) == STORE_OK) {
        g.expires_at = after - 1;
        CHECK(store_begin(s) == STORE_OK && store_grant_put(s, sb.id, &g) == STORE_OK &&
                  store_commit(s) == STORE_OK,
              "extend one grant");
        CHECK(sweep_run(s, after, &rep) == 0 && rep.grants == 1, "its new expiry is recorded");
        CHECK(sweep_run(s, after, &rep) == 0 && rep.grants == 0, "once");
    }
    store_close(s);
}

/* Reminders (lifecycle.md): 70 project grants of one holder ending together are one notice to
 * the holder and one to the granter — 2, not 140 — whoever of several sweepers at once sends
 * them; once per grant, expiry instant and kind; an extension re-arms them. */
#define PROJECT_GRANTS 70

static void test_reminders(const char *db)
{
    struct store *s = open_store(db);
    if (!s) return;
    int64_t ws, sb, end = base + 10 * 86400;
    int ok = store_begin(s) == STORE_OK && store_workspace_find(s, "acme", &ws, NULL) == STORE_OK &&
             store_sandbox_add(s, "r", "@owner", ws, "", MODE_SHARED, &sb) == STORE_OK &&
             store_notify_set(s, sb, "http://127.0.0.1:9/hook", "nws_x", "@admin", base) == STORE_OK;
    for (int i = 0; ok && i < PROJECT_GRANTS; i++) {
        struct st_grant g = {0};
        snprintf(g.principal, sizeof g.principal, "@holder");
        snprintf(g.project, sizeof g.project, "p%d", i);
        g.role = ROLE_EDITOR;
        g.has_expiry = 1;
        g.expires_at = end;
        snprintf(g.granted_by, sizeof g.granted_by, "@owner");
        g.granted_at = base;
        ok = store_grant_put(s, sb, &g) == STORE_OK;
    }
    if (!CHECK(ok && store_commit(s) == STORE_OK, "70 project grants ending together")) {
        store_close(s);
        return;
    }
    char q[256];
    snprintf(q, sizeof q, "SELECT count(*) FROM notices WHERE kind = 'reminder' AND sandbox_id = %lld",
             (long long)sb);
    int recorded = 0, reminders = 0;
    CHECK(sweep_at_once(db, end - 2 * 86400, &recorded, &reminders) == 0 && reminders == 0,
          "two days before: no reminder yet");
    CHECK(sweep_at_once(db, end - 86400 + 60, &recorded, &reminders) == 0, "a day before: sweepers at once");
    CHECK_INT(reminders, 2, "two reminder notices between them");
    CHECK_INT(test_db_count(db, q), 2, "in the outbox: one to the holder, one to the granter (not 140)");
    CHECK_INT(test_db_count(db, "SELECT count(*) FROM reminders WHERE kind = '1d'"), PROJECT_GRANTS,
              "each grant's 1-day reminder recorded once");
    CHECK(sweep_at_once(db, end - 7200, &recorded, &reminders) == 0 && reminders == 0,
          "later that day: nothing more");
    CHECK(sweep_at_once(db, end - 1800, &recorded, &reminders) == 0 && reminders == 2,
          "in the last hour: the 1-hour reminders, again one a recipient");
    /* One grant extended by a day: its 1-day reminder is due again, alone. */
    struct st_grant g;
    if (store_grant_find(s, sb, "@holder", "p7", &g) == STORE_OK) {
        g.expires_at = end + 86400;
        CHECK(store_begin(s) == STORE_OK && store_grant_put(s, sb, &g) == STORE_OK &&
                  store_commit(s) == STORE_OK,
              "extend one of them by a day");
        struct sweep_report rep = {0};
        CHECK(sweep_run(s, end + 60, &rep) == 0 && rep.reminders == 2, "its own 1-day reminders, re-armed");
        CHECK_INT(test_db_count(db, q), 6, "two more notices, no repeat of the others");
    }
    store_close(s);
}

static void run_on(const char *db, const char *backend)
{
    printf("-- %s\n", backend);
    struct store *s = open_store(db);
    if (!CHECK(s && populate(s) == 0, "set up the store")) {
        if (s) printf("  %s\n", store_errmsg(s));
        store_close(s);
        return;
    }
    store_close(s);
    test_constraint(db);
    test_at_once(db);
    test_reminders(db);
}

int main(void)
{
    if (parse_rfc3339("2026-11-01T00:00:00Z", &base) || tz_use("UTC")) return 1;
    after = base + 60 * GRANTS + SANDBOXES + 3600;
    signal(SIGPIPE, SIG_IGN);
    if (pg_test_enabled()) {
        char uri[512], err[512];
        if (CHECKF(pg_test_create(uri, sizeof uri, err, sizeof err) == 0, "a PostgreSQL database", "%s",
                   err)) {
            run_on(uri, "PostgreSQL");
            pg_test_drop(uri);
        }
    } else {
        char dir[] = "/tmp/concierge-sweep-XXXXXX", db[64];
        if (!CHECKF(mkdtemp(dir) != NULL, "a temporary folder", "%s", strerror(errno)))
            return CHECK_SUMMARY();
        snprintf(db, sizeof db, "%s/s.db", dir);
        run_on(db, "SQLite, one file");
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0) printf("could not remove %s\n", dir);
    }
    return CHECK_SUMMARY();
}
