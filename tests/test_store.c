/* Tests of the SQLite access store (store/store.h) on real files in a temporary folder. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../store/store.h"
#include "check.h"
#include "pg_test.h"

static char dir[] = "/tmp/concierge-store-XXXXXX";

static void path_of(char *buf, size_t n, const char *name) { snprintf(buf, n, "%s/%s", dir, name); }

/* The databases made on PostgreSQL, dropped at the end. */
static char pg_made[8][512];
static int n_pg_made;

/* A new, empty store: a file of that name in the folder, or, when the tests run on
 * PostgreSQL (CONCIERGE_TEST_PG_FILE), a new database of the test cluster. */
static int open_fresh(const char *name, struct store **s, char *err, size_t errlen)
{
    char where[512];
    if (pg_test_enabled()) {
        if (n_pg_made >= (int)(sizeof pg_made / sizeof pg_made[0]) ||
            pg_test_create(where, sizeof where, err, errlen))
            return -1;
        snprintf(pg_made[n_pg_made++], sizeof pg_made[0], "%s", where);
        return store_open(where, 0, s, err, errlen) == STORE_OK ? 0 : -1;
    }
    path_of(where, sizeof where, name);
    return store_open(where, STORE_CREATE, s, err, errlen) == STORE_OK ? 0 : -1;
}

static int count_grant(void *ctx, const struct st_grant *g)
{
    (void)g;
    (*(int *)ctx)++;
    return 0;
}

/* The newest event, its summary copied (the store's texts live only during the call). */
struct seen_event {
    struct st_event e;
    char summary[256];
};

static int first_event(void *ctx, const struct st_event *e)
{
    struct seen_event *seen = ctx;
    seen->e = *e;
    snprintf(seen->summary, sizeof seen->summary, "%s", e->summary);
    seen->e.subjects = seen->e.before = NULL;
    seen->e.summary = seen->summary;
    return 1;
}

static void test_open_and_schema(void)
{
    char path[256], err[256];
    struct store *s;
    path_of(path, sizeof path, "a.db");
    CHECK(store_open(path, 0, &s, err, sizeof err) == STORE_ERROR && s == NULL,
          "a missing store is not created without STORE_CREATE");
    CHECK(store_open(path, STORE_CREATE, &s, err, sizeof err) == STORE_OK, "create a store");
    struct stat stt;
    CHECK(stat(path, &stt) == 0 && (stt.st_mode & 0777) == 0600, "the store file is 0600");
    store_close(s);
    CHECK(store_open(path, 0, &s, err, sizeof err) == STORE_OK, "reopen the store");
    store_close(s);

    /* A store written by a newer concierge is refused with a clear message. */
    sqlite3 *db;
    sqlite3_open(path, &db);
    sqlite3_exec(db, "PRAGMA user_version = 999", NULL, NULL, NULL);
    sqlite3_close(db);
    CHECK(store_open(path, 0, &s, err, sizeof err) == STORE_TOO_NEW, "a newer schema is refused");
    CHECK(strstr(err, "newer") != NULL, "the refusal says the schema is newer");
}

static void test_model(void)
{
    char err[256];
    struct store *s;
    if (open_fresh("b.db", &s, err, sizeof err)) {
        CHECK(0, err);
        return;
    }
    int64_t ws, sb;
    enum mode dm;
    CHECK(store_workspace_add(s, "acme", MODE_PRIVATE, &ws) == STORE_OK, "add a workspace");
    CHECK(store_workspace_add(s, "acme", MODE_SHARED, NULL) == STORE_EXISTS, "a workspace name is unique");
    CHECK(store_workspace_find(s, "acme", NULL, &dm) == STORE_OK && dm == MODE_PRIVATE,
          "the default mode is kept");
    CHECK(store_sandbox_add(s, "demo", "@owner", ws, "/src/demo", MODE_NONE, &sb) == STORE_OK,
          "add a sandbox");
    struct st_sandbox box;
    CHECK(store_sandbox_find(s, "demo", &box) == STORE_OK && box.mode == MODE_PRIVATE &&
              strcmp(box.owner, "@owner") == 0 && strcmp(box.workspace, "acme") == 0,
          "a new sandbox takes the workspace's default mode");
    CHECK(store_sandbox_find(s, "nope", &box) == STORE_NOT_FOUND, "an unknown sandbox is not found");
    CHECK(store_sandbox_set_mode(s, sb, MODE_COLLABORATED) == STORE_OK &&
              store_sandbox_find(s, "demo", &box) == STORE_OK && box.mode == MODE_COLLABORATED,
          "set the sharing mode");
    CHECK(store_member_add(s, ws, "@bob") == STORE_OK && store_is_member(s, ws, "@bob") == 1 &&
              store_is_member(s, ws, "@eve") == 0,
          "workspace members");
    CHECK(store_thing_add(s, sb, "project", "apollo") == STORE_OK &&
              store_thing_exists(s, sb, "project", "apollo") == 1 &&
              store_thing_exists(s, sb, "agent", "apollo") == 0,
          "projects and agents are apart");

    struct st_grant g = {0}, got;
    snprintf(g.principal, sizeof g.principal, "@bob");
    g.role = ROLE_VIEWER;
    g.has_expiry = 1;
    g.expires_at = 2000000000;
    snprintf(g.granted_by, sizeof g.granted_by, "@owner");
    g.granted_at = 1700000000;
    CHECK(store_grant_put(s, sb, &g) == STORE_OK && g.id > 0, "store a grant");
    int64_t first_id = g.id;
    g.role = ROLE_EDITOR;
    g.has_expiry = 0;
    CHECK(store_grant_put(s, sb, &g) == STORE_OK && g.id == first_id,
          "a second grant for the same triple replaces it");
    CHECK(store_grant_find(s, sb, "@bob", "", &got) == STORE_OK && got.role == ROLE_EDITOR && !got.has_expiry,
          "the replaced grant reads back");
    snprintf(g.project, sizeof g.project, "apollo");
    CHECK(store_grant_put(s, sb, &g) == STORE_OK && g.id != first_id, "a project grant is its own row");
    int n = 0;
    CHECK(store_grant_each(s, sb, "@bob", count_grant, &n) == STORE_OK && n == 2, "two grants for @bob");
    CHECK(store_grant_delete(s, first_id) == STORE_OK &&
              store_grant_find(s, sb, "@bob", "", &got) == STORE_NOT_FOUND,
          "delete a grant");

    /* A rolled back transaction leaves nothing behind: what it wrote is there inside it (so
     * there is something to roll back), and gone after. */
    struct seen_event last = {0};
    CHECK(store_audit_each(s, sb, 0, NULL, 10, first_event, &last) == STORE_OK && last.e.id == 0,
          "no audit event before the transaction");
    CHECK(store_begin(s) == STORE_OK, "begin");
    struct st_grant h = {0};
    snprintf(h.principal, sizeof h.principal, "@carol");
    h.role = ROLE_VIEWER;
    snprintf(h.granted_by, sizeof h.granted_by, "@owner");
    CHECK(store_grant_put(s, sb, &h) == STORE_OK && h.id > 0, "inside the transaction: a grant for @carol");
    struct st_event e = {0};
    e.at = 1700000100;
    snprintf(e.actor, sizeof e.actor, "@owner");
    snprintf(e.intent, sizeof e.intent, "invite");
    e.subjects = "[\"@carol\"]";
    snprintf(e.outcome, sizeof e.outcome, "done");
    e.summary = "invited @carol";
    CHECK(store_audit_append(s, sb, &e, NULL) == STORE_OK, "inside the transaction: its audit event");
    CHECK(store_grant_find(s, sb, "@carol", "", &got) == STORE_OK && got.id == h.id,
          "inside the transaction: the grant is visible");
    CHECK(store_audit_each(s, sb, 0, NULL, 10, first_event, &last) == STORE_OK && last.e.id > 0,
          "inside the transaction: the audit event is visible");
    CHECK_STR(last.summary, "invited @carol", "inside the transaction: it is the event written");
    store_rollback(s);
    CHECK(store_grant_find(s, sb, "@carol", "", &got) == STORE_NOT_FOUND, "rolled back: no grant");
    memset(&last, 0, sizeof last);
    CHECK(store_audit_each(s, sb, 0, NULL, 10, first_event, &last) == STORE_OK && last.e.id == 0,
          "rolled back: no audit event");

    CHECK(store_begin(s) == STORE_OK && store_audit_append(s, sb, &e, NULL) == STORE_OK &&
              store_commit(s) == STORE_OK,
          "commit an audit event");
    CHECK(store_audit_each(s, sb, 0, "@carol", 10, first_event, &last) == STORE_OK &&
              strcmp(last.e.summary, "invited @carol") == 0,
          "the event is found by its subject");
    memset(&last, 0, sizeof last);
    CHECK(store_audit_each(s, sb, 0, "@dave", 10, first_event, &last) == STORE_OK && last.e.id == 0,
          "and not by a stranger");

    struct st_pending p = {0}, taken;
    snprintf(p.token, sizeof p.token, "K7Q2");
    snprintf(p.actor, sizeof p.actor, "@owner");
    snprintf(p.sandbox, sizeof p.sandbox, "demo");
    snprintf(p.intent_json, sizeof p.intent_json, "{\"intent\":\"revoke\"}");
    p.created_at = 1;
    p.expires_at = 601;
    CHECK(store_pending_put(s, &p) == STORE_OK, "keep a change pending");
    CHECK(store_pending_take(s, "K7Q2", &taken) == STORE_OK &&
              strcmp(taken.intent_json, p.intent_json) == 0 && taken.expires_at == 601,
          "take it");
    CHECK(store_pending_take(s, "K7Q2", &taken) == STORE_NOT_FOUND, "a pending change is single-use");
    store_close(s);
}

/* admin link: what the Slack ID held becomes the principal's, in one step. */
static void test_link(void)
{
    char err[256];
    struct store *s;
    if (open_fresh("link.db", &s, err, sizeof err)) {
        CHECK(0, err);
        return;
    }
    int64_t ws, sb, sb2;
    store_workspace_add(s, "acme", MODE_SHARED, &ws);
    store_sandbox_add(s, "demo", "@owner", ws, "", MODE_NONE, &sb);
    store_sandbox_add(s, "mine", "slack:U9", ws, "", MODE_NONE, &sb2);
    struct st_grant g = {0}, got;
    snprintf(g.principal, sizeof g.principal, "slack:U9");
    g.role = ROLE_EDITOR;
    snprintf(g.granted_by, sizeof g.granted_by, "@owner");
    store_grant_put(s, sb, &g);
    g.id = 0;
    snprintf(g.project, sizeof g.project, "web");
    store_grant_put(s, sb, &g);
    struct st_grant d = {0};
    snprintf(d.principal, sizeof d.principal, "@dan");
    snprintf(d.project, sizeof d.project, "web");
    d.role = ROLE_VIEWER;
    d.has_expiry = 1;
    d.expires_at = 2000000000;
    store_grant_put(s, sb, &d);
    store_collaborator_add(s, sb, "slack:U9");
    store_member_add(s, ws, "slack:U9");
    char linked[300];
    /* Both hold a grant on demo's web project: never one dropped (interfaces.md, link). */
    CHECK(store_slack_link(s, "slack:U9", "@dan", 0) == STORE_EXISTS &&
              strstr(store_errmsg(s), "slack:U9 and @dan both hold a grant on sandbox demo, project web"),
          "a link that would drop a grant is refused, naming both");
    CHECK(store_slack_principal(s, "slack:U9", linked, sizeof linked) == STORE_NOT_FOUND &&
              store_grant_find(s, sb, "slack:U9", "web", &got) == STORE_OK && got.role == ROLE_EDITOR,
          "and nothing moved");
    CHECK(store_slack_link(s, "slack:U9", "@dan", 1) == STORE_OK, "link --merge slack:U9 to @dan");
    CHECK(store_slack_principal(s, "slack:U9", linked, sizeof linked) == STORE_OK &&
              strcmp(linked, "@dan") == 0,
          "the link is kept");
    CHECK(store_grant_find(s, sb, "@dan", "", &got) == STORE_OK && got.role == ROLE_EDITOR,
          "the Slack ID's grant is @dan's");
    CHECK(store_grant_find(s, sb, "@dan", "web", &got) == STORE_OK && got.role == ROLE_EDITOR &&
              !got.has_expiry,
          "where both had a grant, the merge keeps the higher role and the later expiry (none)");
    CHECK(store_grant_find(s, sb, "slack:U9", "", &got) == STORE_NOT_FOUND &&
              store_grant_find(s, sb, "slack:U9", "web", &got) == STORE_NOT_FOUND,
          "the Slack ID holds nothing apart");
    CHECK(store_is_collaborator(s, sb, "@dan") == 1 && store_is_collaborator(s, sb, "slack:U9") == 0,
          "collaborator entries move");
    CHECK(store_is_member(s, ws, "@dan") == 1 && store_is_member(s, ws, "slack:U9") == 0, "memberships move");
    struct st_sandbox box;
    CHECK(store_sandbox_find(s, "mine", &box) == STORE_OK && strcmp(box.owner, "@dan") == 0,
          "ownership moves");
    CHECK(store_slack_principal(s, "slack:U8", linked, sizeof linked) == STORE_NOT_FOUND,
          "an unlinked ID is not found");
    store_close(s);
}

/* A value in the store longer than its field (a store written by something else) is an
 * error when read, never a shortened name that could be someone else's (issue 8). */
static void test_never_cut(void)
{
    char path[256], err[256];
    struct store *s;
    path_of(path, sizeof path, "cut.db");
    if (store_open(path, STORE_CREATE, &s, err, sizeof err) != STORE_OK) {
        CHECK(0, err);
        return;
    }
    int64_t ws, sb;
    store_workspace_add(s, "acme", MODE_SHARED, &ws);
    store_sandbox_add(s, "demo", "@owner", ws, "", MODE_NONE, &sb);
    struct st_grant g = {0}, got;
    snprintf(g.principal, sizeof g.principal, "@bob");
    g.role = ROLE_EDITOR;
    snprintf(g.granted_by, sizeof g.granted_by, "@owner");
    CHECK(store_grant_put(s, sb, &g) == STORE_OK, "a grant for @bob");
    store_close(s);
    /* Behind the store's back: a 300-byte granter, a 300-byte owner. */
    sqlite3 *db;
    sqlite3_open(path, &db);
    CHECK(sqlite3_exec(db,
                       "UPDATE grants SET granted_by = '@' || printf('%.299c', 'g');"
                       "INSERT INTO sandboxes (workspace_id, name, owner, mode) SELECT workspace_id, 'long', "
                       "'@' || printf('%.299c', 'o'), 'shared' FROM sandboxes WHERE name = 'demo';",
                       NULL, NULL, NULL) == SQLITE_OK,
          "long values written directly");
    sqlite3_close(db);
    if (store_open(path, 0, &s, err, sizeof err) != STORE_OK) {
        CHECK(0, err);
        return;
    }
    CHECK(store_grant_find(s, sb, "@bob", "", &got) == STORE_ERROR && strstr(store_errmsg(s), "longer"),
          "a grant whose granter does not fit is an error, not a cut name");
    int n = 0;
    CHECK(store_grant_each(s, sb, NULL, count_grant, &n) == STORE_ERROR && n == 0, "nor is it listed cut");
    struct st_sandbox box;
    CHECK(store_sandbox_find(s, "long", &box) == STORE_ERROR,
          "a sandbox whose owner does not fit is an error");
    CHECK(store_sandbox_find(s, "demo", &box) == STORE_OK && strcmp(box.owner, "@owner") == 0,
          "the others read as before");
    store_close(s);
}

/* A password in a PostgreSQL URI is never shown (interfaces.md, "The store"). */
static void test_uri_shown(void)
{
    static const struct {
        const char *db, *shown;
    } cases[] = {
        {"/var/lib/concierge/c.db", "/var/lib/concierge/c.db"},
        {"postgresql://ops@db:5432/concierge", "postgresql://ops@db:5432/concierge"},
        {"postgresql://ops:hunter2@db:5432/concierge", "postgresql://ops:***@db:5432/concierge"},
        {"postgres://ops:p%40ss@db/c?sslmode=require", "postgres://ops:***@db/c?sslmode=require"},
        {"postgresql://db/c?user=ops&password=hunter2&sslmode=require",
         "postgresql://db/c?user=ops&password=***&sslmode=require"},
        {"postgresql://db:5432/c", "postgresql://db:5432/c"},
        {"postgresql://ops:a@b@db/c", "postgresql://ops:***@db/c"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[256];
        store_uri_shown(cases[i].db, out, sizeof out);
        CHECK_STR(out, cases[i].shown, cases[i].db);
    }
    CHECK(store_is_uri("postgresql://x/y") && store_is_uri("postgres://x/y") && !store_is_uri("x.db") &&
              !store_is_uri("postgresql:x"),
          "postgresql:// and postgres:// are URIs, anything else a path");
    /* A server that is not there: the error names the URI without its password. */
    struct store *s;
    char err[512];
    CHECK(store_open("postgresql://ops:hunter2@127.0.0.1:1/c?connect_timeout=2", 0, &s, err, sizeof err) ==
                  STORE_ERROR &&
              s == NULL,
          "no server: an error");
    CHECK(strstr(err, "hunter2") == NULL && strstr(err, "ops:***@127.0.0.1:1") != NULL, err);
}

/* Slack events are claimed once: by event_id, and by channel and message ts (one message can come as
 * app_mention and as message.im); a channel's earlier messages not run yet are counted; old claims
 * are forgotten when a new one is made. */
static void test_slack_events(void)
{
    char err[256];
    struct store *s;
    if (open_fresh("events.db", &s, err, sizeof err)) {
        CHECK(0, err);
        return;
    }
    int64_t now = 1800000000, keep = now - 86400;
    CHECK(store_slack_event_claim(s, "Ev1", "C1", "1800000000.000100", 1800000000000100, now, keep) ==
              STORE_OK,
          "a new event is claimed");
    CHECK(store_slack_event_claim(s, "Ev1", "C1", "1800000000.000100", 1800000000000100, now, keep) ==
              STORE_EXISTS,
          "the same event_id again is a repeat");
    CHECK(store_slack_event_claim(s, "Ev2", "C1", "1800000000.000100", 1800000000000100, now, keep) ==
              STORE_EXISTS,
          "the same message under another event_id (app_mention and message.im) is a repeat");
    CHECK(store_slack_event_claim(s, "Ev1", "C2", "1800000000.000200", 1800000000000200, now, keep) ==
              STORE_EXISTS,
          "an event_id seen before is a repeat whatever it carries");
    CHECK(store_slack_event_claim(s, "Ev3", "C1", "1800000001.000000", 1800000001000000, now, keep) ==
              STORE_OK,
          "a later message of the channel is new");
    CHECK_INT(store_slack_events_before(s, "C1", 1800000001000000, now - 60), 1,
              "the earlier message has not run yet");
    CHECK_INT(store_slack_events_before(s, "C1", 1800000000000100, now - 60), 0, "nothing before the first");
    CHECK_INT(store_slack_events_before(s, "C2", 1900000000000000, now - 60), 0, "other channels are apart");
    CHECK_INT(store_slack_events_before(s, "C1", 1800000001000000, now + 1), 0,
              "a claim older than the wait is not waited for");
    CHECK(store_slack_event_done(s, "C1", "1800000000.000100") == STORE_OK &&
              store_slack_events_before(s, "C1", 1800000001000000, now - 60) == 0,
          "once run, it is not waited for");
    CHECK(store_slack_event_release(s, "Ev3") == STORE_OK &&
              store_slack_event_claim(s, "Ev3", "C1", "1800000001.000000", 1800000001000000, now, keep) ==
                  STORE_OK,
          "a claim given back can be claimed again (Slack sends it again)");
    /* A day later, the old claims are forgotten as a new one is made. */
    int64_t later = now + 86400 + 1;
    CHECK(store_slack_event_claim(s, "Ev9", "C9", "1800090000.000000", 1800090000000000, later,
                                  later - 86400) == STORE_OK &&
              store_slack_event_claim(s, "Ev1", "C1", "1800000000.000100", 1800000000000100, later,
                                      later - 86400) == STORE_OK,
          "claims older than a day are forgotten");
    char longer[80];
    memset(longer, 'E', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    CHECK(store_slack_event_claim(s, longer, "C1", "1.000000", 1000000, later, later - 86400) ==
                  STORE_ERROR &&
              strstr(store_errmsg(s), "longer"),
          "an event id longer than the store keeps is refused, never cut");
    store_close(s);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    /* On PostgreSQL the tests of what every backend must do; the file's own on SQLite. */
    int pg = pg_test_enabled();
    if (!pg) test_open_and_schema();
    test_model();
    test_link();
    if (!pg) test_never_cut();
    test_uri_shown();
    test_slack_events();
    for (int i = 0; i < n_pg_made; i++)
        pg_test_drop(pg_made[i]);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return CHECK_SUMMARY();
}
