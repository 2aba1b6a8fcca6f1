/* Group commit on SQLite (store/wal_sync.h, docs/group-commit.md): threads that change one
 * store through connections opened with STORE_GROUP all get their changes stored, with their
 * audit events, in fewer syncs of the log than commits; a change that fails rolls back alone. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../store/store.h"
#include "../store/wal_sync.h"
#include "check.h"

#define THREADS 8
#define CHANGES 150

static char dir[] = "/tmp/concierge-group-XXXXXX", db[300];
static int64_t sandbox_id;
static struct wal_sync *group;

struct worker {
    int n;
    int done, failed_as_meant, wrong;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    struct store *s;
    char err[256];
    if (store_open(db, STORE_GROUP, &s, err, sizeof err) != STORE_OK) {
        w->wrong++;
        return NULL;
    }
    for (int i = 0; i < CHANGES; i++) {
        struct st_grant g = {.role = ROLE_VIEWER, .granted_at = 1};
        snprintf(g.principal, sizeof g.principal, "@t%d-%d", w->n, i);
        snprintf(g.granted_by, sizeof g.granted_by, "@owner");
        /* Every tenth change of thread 0 fails half-way, its audit event written (a grant
         * for an owner, which the store refuses): it must roll back alone, its neighbours in
         * the batch untouched. */
        int fail = w->n == 0 && i % 10 == 0;
        if (fail) g.role = ROLE_OWNER;
        struct st_event e = {
            .at = 1, .actor = "@owner", .intent = "invite", .outcome = "done", .summary = "x"};
        if (store_begin(s) != STORE_OK) {
            w->wrong++;
            continue;
        }
        if (store_audit_append(s, sandbox_id, &e, NULL) != STORE_OK ||
            store_grant_put(s, sandbox_id, &g) != STORE_OK) {
            store_rollback(s);
            if (fail)
                w->failed_as_meant++;
            else
                w->wrong++;
            continue;
        }
        if (store_commit(s) != STORE_OK) {
            w->wrong++;
            continue;
        }
        w->done++;
    }
    store_close(s);
    return NULL;
}

static int count_grant(void *ctx, const struct st_grant *g)
{
    (void)g;
    (*(int *)ctx)++;
    return 0;
}

static int count_event(void *ctx, const struct st_event *e)
{
    (void)e;
    (*(int *)ctx)++;
    return 0;
}

int main(void)
{
    if (!mkdtemp(dir)) return 1;
    snprintf(db, sizeof db, "%s/g.db", dir);
    struct store *s;
    char err[256];
    int64_t ws;
    CHECK(store_open(db, STORE_CREATE, &s, err, sizeof err) == STORE_OK && store_begin(s) == STORE_OK &&
              store_workspace_add(s, "acme", MODE_SHARED, &ws) == STORE_OK &&
              store_sandbox_add(s, "demo", "@owner", ws, "", MODE_NONE, &sandbox_id) == STORE_OK &&
              store_commit(s) == STORE_OK,
          "set up a store");
    /* The group of the file, held so that its counts outlive the workers' connections. */
    char real[4096];
    CHECK(realpath(db, real) != NULL, "the store's full path");
    group = wal_sync_attach(real);

    pthread_t t[THREADS];
    struct worker w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (struct worker){.n = i};
        pthread_create(&t[i], NULL, work, &w[i]);
    }
    int done = 0, failed = 0, wrong = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        done += w[i].done;
        failed += w[i].failed_as_meant;
        wrong += w[i].wrong;
    }
    int want_failed = CHANGES / 10;
    CHECK(wrong == 0, "no change failed that should not have");
    CHECK(failed == want_failed, "every change meant to fail failed");
    CHECK(done == THREADS * CHANGES - want_failed, "every other change was acknowledged");

    uint64_t commits = 0, syncs = 0;
    wal_sync_counts(group, &commits, &syncs);
    char what[160];
    snprintf(what, sizeof what, "%llu commits in %llu syncs of the log: fewer syncs than commits",
             (unsigned long long)commits, (unsigned long long)syncs);
    CHECK(commits == (uint64_t)done && syncs >= 1 && syncs < commits, what);
    printf("group commit: %s (%.1f a sync)\n", what, syncs ? (double)commits / (double)syncs : 0.0);

    /* What is stored: each acknowledged change with its event, nothing of the failed ones. */
    int grants = 0, events = 0;
    CHECK(store_grant_each(s, sandbox_id, NULL, count_grant, &grants) == STORE_OK && grants == done,
          "every acknowledged grant is stored");
    CHECK(store_audit_each(s, sandbox_id, 0, NULL, 0, count_event, &events) == STORE_OK && events == done,
          "every acknowledged change has its audit event, and a failed one none");
    store_close(s);
    wal_sync_detach(group);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return CHECK_SUMMARY();
}
