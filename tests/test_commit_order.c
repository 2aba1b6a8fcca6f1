/* test_commit_order: nothing outside the store changes for good before the store does, and
 * nothing refused goes unaudited (issue 8, item 14). In-process, a real SQLite file and real
 * folders; a failing commit is made real with a SQLite trigger that aborts the audit insert.
 *
 *   test_commit_order
 *
 * Prints "N passed, M failed" as its last line. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "../actions/execute.h"
#include "check.h"

static char dir[256], dbpath[300], reader[300], source[300];
static struct store *st;

static void sql(const char *q)
{
    sqlite3 *db;
    char *msg = NULL;
    if (sqlite3_open(dbpath, &db) != SQLITE_OK || sqlite3_exec(db, q, NULL, NULL, &msg) != SQLITE_OK) {
        printf("sql failed: %s: %s\n", q, msg ? msg : sqlite3_errmsg(db));
        exit(1);
    }
    sqlite3_close(db);
}

static long long count(const char *q)
{
    sqlite3 *db;
    sqlite3_stmt *s;
    long long n = -1;
    if (sqlite3_open(dbpath, &db) == SQLITE_OK && sqlite3_prepare_v2(db, q, -1, &s, NULL) == SQLITE_OK) {
        if (sqlite3_step(s) == SQLITE_ROW) n = sqlite3_column_int64(s, 0);
        sqlite3_finalize(s);
    }
    sqlite3_close(db);
    return n;
}

static int exists(const char *path)
{
    struct stat sb;
    return lstat(path, &sb) == 0;
}

/* How many entries .shared holds besides the snapshot named keep (hidden leftovers). */
static int leftovers(const char *keep)
{
    char p[400];
    snprintf(p, sizeof p, "%s/.shared", reader);
    DIR *d = opendir(p);
    if (!d) return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && (!keep || strcmp(e->d_name, keep))) n++;
    closedir(d);
    return n;
}

static enum reply_status say(const char *actor, const char *sandbox, const char *text)
{
    struct exec_ctx x = {
        .store = st, .actor = actor, .sandbox = sandbox, .now = 1795000000, .yes = 1, .conversation = ""};
    struct reply r;
    reply_init(&r);
    execute_text(&x, text, strlen(text), &r);
    enum reply_status s = r.status;
    if (getenv("VERBOSE")) printf("%s: %s -> %s: %s\n", actor, text, reply_status_name(s), r.summary.s);
    reply_clear(&r);
    return s;
}

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/concierge-commit-XXXXXX");
    if (!mkdtemp(dir)) exit(1);
    snprintf(dbpath, sizeof dbpath, "%s/c.db", dir);
    snprintf(reader, sizeof reader, "%s/reader", dir);
    snprintf(source, sizeof source, "%s/source", dir);
    mkdir(reader, 0700);
    mkdir(source, 0700);
    char f[400];
    snprintf(f, sizeof f, "%s/main.c", source);
    FILE *fp = fopen(f, "w");
    if (!fp) exit(1);
    fputs("int main(void) { return 0; }\n", fp);
    fclose(fp);
    char err[256];
    int64_t ws, id;
    if (store_open(dbpath, STORE_CREATE, &st, err, sizeof err) != STORE_OK || store_begin(st) != STORE_OK ||
        store_workspace_add(st, "acme", MODE_SHARED, &ws) != STORE_OK ||
        store_sandbox_add(st, "client-app", "@owner", ws, reader, MODE_NONE, &id) != STORE_OK ||
        store_sandbox_add(st, "server-api", "@owner", ws, source, MODE_NONE, &id) != STORE_OK ||
        store_sandbox_add(st, "theirs", "@zoe", ws, source, MODE_NONE, &id) != STORE_OK ||
        store_commit(st) != STORE_OK) {
        printf("setup failed: %s\n", err);
        exit(1);
    }
}

int main(void)
{
    setup();
    char snap[400];
    snprintf(snap, sizeof snap, "%s/.shared/server-api/main.c", reader);

    CHECK(say("@owner", "client-app", "give sandbox client-app read access to server-api") == RS_DONE,
          "grant a read");
    CHECK(exists(snap), "the snapshot is there");

    /* The revocation's transaction fails at its audit event: the snapshot must survive. */
    sql("CREATE TRIGGER no_revoke BEFORE INSERT ON audit WHEN NEW.intent = 'revoke_cross' "
        "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;");
    CHECK(say("@owner", "client-app", "revoke client-app's access to server-api") == RS_ERROR,
          "a revocation whose commit fails is an error");
    CHECK(exists(snap), "and the snapshot is still in place (it was deleted before the commit)");
    CHECK(leftovers("server-api") == 0, "with nothing hidden left beside it");
    CHECK(count("SELECT count(*) FROM cross_grants") == 1, "and the read grant is still stored");

    sql("DROP TRIGGER no_revoke;");
    CHECK(say("@owner", "client-app", "revoke client-app's access to server-api") == RS_DONE,
          "the revocation, stored");
    CHECK(!exists(snap) && leftovers(NULL) == 0, "removes the snapshot, and nothing is left beside it");

    /* A grant whose commit fails leaves no snapshot. */
    sql("CREATE TRIGGER no_grant BEFORE INSERT ON audit WHEN NEW.intent = 'grant_cross' "
        "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;");
    CHECK(say("@owner", "client-app", "give sandbox client-app read access to server-api") == RS_ERROR,
          "a grant whose commit fails is an error");
    CHECK(!exists(snap) && leftovers(NULL) == 0, "and leaves no snapshot, staged or in place");
    sql("DROP TRIGGER no_grant;");

    /* A denial found on the source sandbox is audited on the reader. */
    long long before = count("SELECT count(*) FROM audit WHERE outcome = 'denied'");
    CHECK(say("@owner", "client-app", "give sandbox client-app read access to theirs") != RS_DONE,
          "reading a sandbox one does not own is refused");
    CHECK(say("@zoe", "theirs", "invite @owner as viewer") == RS_DONE, "@owner gets a view of theirs");
    before = count("SELECT count(*) FROM audit WHERE outcome = 'denied'");
    CHECK(say("@owner", "client-app", "give sandbox client-app read access to theirs") == RS_DENIED,
          "a viewer of the source is denied a cross grant");
    CHECK(count("SELECT count(*) FROM audit WHERE outcome = 'denied'") == before + 1,
          "and the denial is in the audit log");

    /* A denial that cannot be audited is an error, not a quiet denial. */
    sql("CREATE TRIGGER no_denial BEFORE INSERT ON audit WHEN NEW.outcome = 'denied' "
        "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;");
    CHECK(say("@owner", "client-app", "give sandbox client-app read access to theirs") == RS_ERROR,
          "an unrecordable denial is an error");
    sql("DROP TRIGGER no_denial;");

    store_close(st);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "chmod -R u+w %s && rm -rf %s", dir, dir);
    if (system(cmd) != 0) printf("could not remove %s\n", dir);
    return CHECK_SUMMARY();
}
