/* bench_store_raw: the baseline for bench/bench_store.sh. It writes to a concierge store what
 * a confirmed change through `concierge serve` writes, statement for statement, with nothing
 * of concierge around it: no HTTP, no language, no group commit. See bench/store.md.
 *
 *   bench_store_raw DB [--threads N] [--seconds S] [--sandbox NAME]
 *
 * DB is a SQLite file or a postgresql:// (postgres://) URI of a store already set up by
 * concierge (the schema, a workspace and the sandbox NAME, "demo" by default): the schema is
 * the product's, only the per-change statements are here.
 *
 * This is a bench tool holding its own SQL on purpose: it is the raw baseline the product is
 * measured against, so it must not go through store/. Its statements are copied from what the
 * store runs for one confirmed change (PostgreSQL's log_statement=all over an "invite" and a
 * "revoke" confirmed through serve; the same list on SQLite less the advisory locks, which
 * are no-ops there). A confirmed change through serve is two write transactions, and so it is
 * here:
 *   1. the change is kept pending: the lapsed pending rows purged, the pending row inserted;
 *   2. "yes": the token taken (DELETE ... RETURNING) and kept as used, the sandbox and the
 *      principal's grants read, the max-duration policies (invite), the due expiries of the
 *      principal, the grant inserted (invite) or deleted (revoke), the audit event inserted.
 * The read-only transactions of each request (the bot's token, the workspace's only sandbox,
 * the pending look-up) are left out: this baseline is the writes.
 *
 * Each of N threads (32) has its own connection and cycles over principals of its own, each
 * change flipping one: invited as viewer when it holds nothing, revoked when it holds the
 * grant, so every change inserts or deletes a grant row, as wrk_change.lua does through serve.
 *
 * SQLite: WAL, synchronous=FULL (each COMMIT waits for its own fsync of the log: no group
 * commit), foreign_keys on, a 10 s busy timeout; write transactions of the threads queue on
 * one mutex around BEGIN IMMEDIATE ... COMMIT, as serve's do (store/sqlite_store.c), so the
 * two differ in how commits reach the disk and not in how writers wait for each other.
 * PostgreSQL: libpq, prepared statements, READ COMMITTED, the store's and the sandbox's
 * advisory locks as the store takes them; durability is the server's (bench_store.sh runs
 * one with fsync and synchronous_commit on).
 *
 * Printed: confirmed changes, changes/s, transactions/s, p50 / p99 latency of a change
 * (both transactions) and of one transaction (comparable with one HTTP request through serve),
 * and the process's CPU time per change.
 * Exit status 1 when a statement failed (the first failure is printed), 2 on bad arguments. */
#include <errno.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

/* The store's advisory lock classes (store/pg_store.c): the same locks as the product. */
#define LOCK_CLASS_STORE   "1668247155"
#define LOCK_CLASS_SANDBOX "1668247156"

#define PRINCIPALS 100 /* per thread */

/* The statements, in both dialects. types: one letter a parameter, 't' text, 'i' integer
 * (SQLite binds it as one; PostgreSQL gets every value as text and casts it). */
enum stmt {
    S_LOCK_STORE_SHARED,
    S_LOCK_SANDBOX,
    S_SB_FIND,
    S_PENDING_PURGE,
    S_PENDING_PUT,
    S_PENDING_TAKE,
    S_GRANTS_OF,
    S_GRANT_FIND,
    S_POLICY_FIND,
    S_DUE_OF,
    S_COLLAB_IS,
    S_GRANT_PUT,
    S_GRANT_DELETE,
    S_AUDIT_ADD,
    S__COUNT
};

#define DUE_SQ(p, s, n)                                                                                      \
    "SELECT 0, g.id, g.sandbox_id, s.name, g.expires_at, g.principal, g.role, g.project, g.granted_by, "     \
    "g.granted_at FROM grants g JOIN sandboxes s ON s.id = g.sandbox_id WHERE g.principal = " p              \
    " AND g.sandbox_id = " s " AND +g.expires_at <= " n " AND NOT EXISTS (SELECT 1 FROM grant_expiries x "   \
    "WHERE x.grant_id = g.id AND x.expires_at = g.expires_at) UNION ALL SELECT 1, k.id, k.sandbox_id, "      \
    "s.name, k.expires_at, k.principal, k.kind, k.agent, k.created_by, k.created_at FROM agent_keys k "      \
    "JOIN sandboxes s ON s.id = k.sandbox_id WHERE k.principal = " p " AND k.sandbox_id = " s                \
    " AND +k.expires_at <= " n " AND NOT EXISTS (SELECT 1 FROM key_expiries x WHERE x.key_id = k.id AND "    \
    "x.expires_at = k.expires_at) LIMIT ?4"
#define DUE_PG                                                                                               \
    "SELECT 0, g.id, g.sandbox_id, s.name, g.expires_at, g.principal, g.role, g.project, g.granted_by, "     \
    "g.granted_at FROM grants g JOIN sandboxes s ON s.id = g.sandbox_id WHERE g.sandbox_id = $1::bigint "    \
    "AND g.principal = $2::text AND g.expires_at + 0 <= $3::bigint AND NOT EXISTS (SELECT 1 FROM "           \
    "grant_expiries x WHERE x.grant_id = g.id AND x.expires_at = g.expires_at) UNION ALL SELECT 1, k.id, "   \
    "k.sandbox_id, s.name, k.expires_at, k.principal, k.kind, k.agent, k.created_by, k.created_at FROM "     \
    "agent_keys k JOIN sandboxes s ON s.id = k.sandbox_id WHERE k.sandbox_id = $1::bigint AND k.principal "  \
    "= $2::text AND k.expires_at + 0 <= $3::bigint AND NOT EXISTS (SELECT 1 FROM key_expiries x WHERE "      \
    "x.key_id = k.id AND x.expires_at = k.expires_at) ORDER BY 5, 1, 2 LIMIT $4::bigint"
#define GRANT_COLS "SELECT id, principal, role, project, expires_at, granted_by, granted_at FROM grants "
#define PENDING_INS                                                                                          \
    "INSERT INTO pending (token, actor, conversation, sandbox, intent_json, created_at, expires_at) VALUES "
#define GRANT_INS                                                                                            \
    "INSERT INTO grants (sandbox_id, principal, role, project, expires_at, granted_by, granted_at) VALUES "
#define GRANT_UPSERT                                                                                         \
    " ON CONFLICT (sandbox_id, principal, project) DO UPDATE SET role = excluded.role, expires_at = "        \
    "excluded.expires_at, granted_by = excluded.granted_by, granted_at = excluded.granted_at RETURNING id"
#define AUDIT_INS                                                                                            \
    "INSERT INTO audit (sandbox_id, at, actor, intent, subjects, outcome, summary, before, after) VALUES "

static const struct {
    const char *types, *sqlite, *pg; /* sqlite NULL: nothing to run there */
} stmts[S__COUNT] = {
    [S_LOCK_STORE_SHARED] = {"i", NULL, "SELECT pg_advisory_xact_lock_shared($1::int, 0)"},
    [S_LOCK_SANDBOX] = {"ii", NULL, "SELECT pg_advisory_xact_lock($1::int, $2::bigint::int)"},
    [S_SB_FIND] = {"t",
                   "SELECT s.id, s.workspace_id, s.name, w.name, s.owner, s.mode, s.source_dir "
                   "FROM sandboxes s JOIN workspaces w ON w.id = s.workspace_id WHERE s.name = ?1",
                   "SELECT s.id, s.workspace_id, s.name, w.name, s.owner, s.mode, s.source_dir "
                   "FROM sandboxes s JOIN workspaces w ON w.id = s.workspace_id WHERE s.name = $1::text"},
    [S_PENDING_PURGE] = {"i", "DELETE FROM pending WHERE expires_at <= ?1",
                         "DELETE FROM pending WHERE expires_at <= $1::bigint"},
    [S_PENDING_PUT] = {"tttttii", PENDING_INS "(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                       PENDING_INS
                       "($1::text, $2::text, $3::text, $4::text, $5::text, $6::bigint, $7::bigint) "
                       "ON CONFLICT DO NOTHING"},
    [S_PENDING_TAKE] = {"t",
                        "DELETE FROM pending WHERE token = ?1 RETURNING actor, conversation, sandbox, "
                        "intent_json, created_at, expires_at",
                        "DELETE FROM pending WHERE token = $1::text RETURNING actor, conversation, sandbox, "
                        "intent_json, created_at, expires_at"},
    [S_GRANTS_OF] = {"it", GRANT_COLS "WHERE sandbox_id = ?1 AND principal = ?2 ORDER BY project",
                     GRANT_COLS "WHERE sandbox_id = $1::bigint AND principal = $2::text ORDER BY project"},
    [S_GRANT_FIND] = {"itt", GRANT_COLS "WHERE sandbox_id = ?1 AND principal = ?2 AND project = ?3",
                      GRANT_COLS
                      "WHERE sandbox_id = $1::bigint AND principal = $2::text AND project = $3::text"},
    [S_POLICY_FIND] = {"iit",
                       "SELECT max_duration FROM policies WHERE (sandbox_id = ?1 OR workspace_id = ?2) "
                       "AND role = ?3",
                       "SELECT max_duration FROM policies WHERE (sandbox_id = $1::bigint OR workspace_id = "
                       "$2::bigint) AND role = $3::text"},
    [S_DUE_OF] = {"itii", DUE_SQ("?2", "?1", "?3"), DUE_PG},
    [S_COLLAB_IS] = {"it", "SELECT 1 FROM collaborators WHERE sandbox_id = ?1 AND principal = ?2",
                     "SELECT 1 FROM collaborators WHERE sandbox_id = $1::bigint AND principal = $2::text"},
    [S_GRANT_PUT] =
        {"ittttti", GRANT_INS "(?1, ?2, ?3, ?4, ?5, ?6, ?7)" GRANT_UPSERT,
         GRANT_INS
         "($1::bigint, $2::text, $3::text, $4::text, $5::bigint, $6::text, $7::bigint)" GRANT_UPSERT},
    [S_GRANT_DELETE] = {"i", "DELETE FROM grants WHERE id = ?1", "DELETE FROM grants WHERE id = $1::bigint"},
    [S_AUDIT_ADD] = {"iittttttt", AUDIT_INS "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                     AUDIT_INS "($1::bigint, $2::bigint, $3::text, $4::text, $5::text, $6::text, $7::text, "
                               "$8::text, $9::text)"},
};

/* ---- Options and shared state ---------------------------------------------------------- */

static const char *db_arg;
static const char *sandbox = "demo";
static int is_pg;
static int n_threads = 32;
static double seconds = 10;
static volatile int stop;
static pthread_mutex_t writer_lock = PTHREAD_MUTEX_INITIALIZER; /* SQLite: one writer, as serve */
static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;
static char first_error[512];
static int errors;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void report_error(const char *what, const char *msg)
{
    pthread_mutex_lock(&report_lock);
    if (!errors++) snprintf(first_error, sizeof first_error, "%s: %s", what, msg);
    pthread_mutex_unlock(&report_lock);
    stop = 1;
}

/* A growing list of latencies (no fixed cap: a long run on a fast disk must not overflow). */
struct samples {
    double *v;
    size_t n, cap;
};

static int sample_add(struct samples *s, double x)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 4096;
        double *v = realloc(s->v, cap * sizeof *v);
        if (!v) return -1;
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = x;
    return 0;
}

/* ---- One connection ------------------------------------------------------------------- */

struct conn {
    sqlite3 *db;
    sqlite3_stmt *st[S__COUNT];
    PGconn *pg;
    char row0[64]; /* the first column of the first row of the last statement, "" if none */
};

static int conn_open(struct conn *c)
{
    memset(c, 0, sizeof *c);
    if (is_pg) {
        c->pg = PQconnectdb(db_arg);
        if (PQstatus(c->pg) != CONNECTION_OK) return report_error("connecting", PQerrorMessage(c->pg)), -1;
        for (int i = 0; i < S__COUNT; i++) {
            char name[16];
            snprintf(name, sizeof name, "s%d", i);
            PGresult *r = PQprepare(c->pg, name, stmts[i].pg, (int)strlen(stmts[i].types), NULL);
            int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
            PQclear(r);
            if (!ok) return report_error("preparing", PQerrorMessage(c->pg)), -1;
        }
        return 0;
    }
    if (sqlite3_open_v2(db_arg, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
        return report_error("opening", c->db ? sqlite3_errmsg(c->db) : "out of memory"), -1;
    sqlite3_busy_timeout(c->db, 10000);
    char *msg = NULL;
    if (sqlite3_exec(c->db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
                     NULL, NULL, &msg) != SQLITE_OK) {
        report_error("setting up", msg ? msg : sqlite3_errmsg(c->db));
        sqlite3_free(msg);
        return -1;
    }
    for (int i = 0; i < S__COUNT; i++)
        if (stmts[i].sqlite && sqlite3_prepare_v3(c->db, stmts[i].sqlite, -1, SQLITE_PREPARE_PERSISTENT,
                                                  &c->st[i], NULL) != SQLITE_OK)
            return report_error("preparing", sqlite3_errmsg(c->db)), -1;
    return 0;
}

static void conn_close(struct conn *c)
{
    for (int i = 0; i < S__COUNT; i++)
        sqlite3_finalize(c->st[i]);
    if (c->db) sqlite3_close(c->db);
    if (c->pg) PQfinish(c->pg);
}

/* A plain command: BEGIN, COMMIT, ROLLBACK. */
static int command(struct conn *c, const char *sqlite_sql, const char *pg_sql)
{
    if (is_pg) {
        PGresult *r = PQexec(c->pg, pg_sql);
        int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
        if (!ok) report_error(pg_sql, PQerrorMessage(c->pg));
        return ok ? 0 : -1;
    }
    char *msg = NULL;
    if (sqlite3_exec(c->db, sqlite_sql, NULL, NULL, &msg) == SQLITE_OK) return 0;
    report_error(sqlite_sql, msg ? msg : sqlite3_errmsg(c->db));
    sqlite3_free(msg);
    return -1;
}

/* Runs statement id with vals (NULL for SQL NULL), all rows read; the first column of the
 * first row goes to c->row0. */
static int run(struct conn *c, enum stmt id, const char *const *vals)
{
    int n = (int)strlen(stmts[id].types);
    c->row0[0] = 0;
    if (is_pg) {
        char name[16];
        snprintf(name, sizeof name, "s%d", (int)id);
        PGresult *r = PQexecPrepared(c->pg, name, n, vals, NULL, NULL, 0);
        ExecStatusType st = PQresultStatus(r);
        int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
        if (ok && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
            snprintf(c->row0, sizeof c->row0, "%s", PQgetvalue(r, 0, 0));
        if (!ok) report_error(stmts[id].pg, PQerrorMessage(c->pg));
        PQclear(r);
        return ok ? 0 : -1;
    }
    sqlite3_stmt *st = c->st[id];
    if (!st) return 0; /* a PostgreSQL lock: nothing on SQLite */
    for (int i = 0; i < n; i++) {
        if (!vals[i])
            sqlite3_bind_null(st, i + 1);
        else if (stmts[id].types[i] == 'i')
            sqlite3_bind_int64(st, i + 1, strtoll(vals[i], NULL, 10));
        else
            sqlite3_bind_text(st, i + 1, vals[i], -1, SQLITE_STATIC);
    }
    int rc, first = 1;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (first) {
            const unsigned char *v = sqlite3_column_text(st, 0);
            if (v) snprintf(c->row0, sizeof c->row0, "%s", (const char *)v);
            first = 0;
        }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc == SQLITE_DONE) return 0;
    report_error(stmts[id].sqlite, sqlite3_errmsg(c->db));
    return -1;
}

static int begin(struct conn *c)
{
    if (!is_pg) pthread_mutex_lock(&writer_lock);
    if (command(c, "BEGIN IMMEDIATE", "BEGIN") != 0) {
        if (!is_pg) pthread_mutex_unlock(&writer_lock);
        return -1;
    }
    return 0;
}

static int commit(struct conn *c, int ok)
{
    int r = ok ? command(c, "COMMIT", "COMMIT") : -1;
    if (r != 0) command(c, "ROLLBACK", "ROLLBACK");
    if (!is_pg) pthread_mutex_unlock(&writer_lock);
    return r;
}

/* ---- One confirmed change -------------------------------------------------------------- */

struct worker {
    pthread_t th;
    int id;
    struct samples change, tx; /* seconds */
    long changes;
    char holds[PRINCIPALS]; /* 1: the principal holds its viewer grant */
};

#define R(id, ...) (ok = ok && run(c, id, (const char *const[]){__VA_ARGS__}) == 0)

/* 1: the change kept pending under token. */
static int keep_pending(struct conn *c, const char *token, const char *conv, const char *intent_json,
                        const char *now, const char *lapse)
{
    if (begin(c) != 0) return -1;
    int ok = 1;
    R(S_LOCK_STORE_SHARED, LOCK_CLASS_STORE);
    R(S_PENDING_PURGE, now);
    R(S_PENDING_PUT, token, "@ann", conv, sandbox, intent_json, now, lapse);
    return commit(c, ok);
}

/* 2: "yes": the token taken and kept as used, the grant written, the event. */
static int confirm(struct conn *c, const char *token, const char *conv, const char *who, int revoke,
                   const char *now, const char *kept, const char *sb_id)
{
    char summary[256], grant_json[512], grant_id[64];
    snprintf(grant_json, sizeof grant_json,
             "[{\"principal\":\"%s\",\"role\":\"viewer\",\"project\":null,\"expires_at\":null,"
             "\"granted_by\":\"@ann\",\"granted_at\":\"2026-12-02T16:24:57Z\"}]",
             who);
    char subjects[128];
    snprintf(subjects, sizeof subjects, "[\"%s\"]", who);
    if (begin(c) != 0) return -1;
    int ok = 1;
    R(S_LOCK_STORE_SHARED, LOCK_CLASS_STORE);
    R(S_PENDING_TAKE, token);
    if (ok && !c->row0[0]) report_error("taking the pending change", "the token was not found"), ok = 0;
    R(S_PENDING_PUT, token, "@ann", conv, sandbox, "", now, kept);
    R(S_SB_FIND, sandbox);
    R(S_GRANTS_OF, sb_id, who);
    if (revoke) {
        R(S_SB_FIND, sandbox);
        R(S_GRANTS_OF, sb_id, who);
        R(S_COLLAB_IS, sb_id, who);
    } else {
        R(S_SB_FIND, sandbox);
        R(S_POLICY_FIND, sb_id, NULL, "viewer");
        R(S_POLICY_FIND, NULL, "1", "viewer");
        R(S_GRANT_FIND, sb_id, who, "");
    }
    R(S_LOCK_SANDBOX, LOCK_CLASS_SANDBOX, sb_id);
    R(S_DUE_OF, sb_id, who, now, is_pg ? NULL : "-1"); /* no limit, as the store asks */
    if (revoke) {
        R(S_GRANTS_OF, sb_id, who);
        snprintf(grant_id, sizeof grant_id, "%s", c->row0);
        if (ok && !grant_id[0]) report_error("revoking", "the grant to revoke is not there"), ok = 0;
        R(S_COLLAB_IS, sb_id, who);
        R(S_GRANT_DELETE, grant_id);
        snprintf(summary, sizeof summary, "Revoked %s's access to sandbox %s.", who, sandbox);
        R(S_AUDIT_ADD, sb_id, now, "@ann", "revoke", subjects, "done", summary, grant_json, "");
    } else {
        R(S_GRANT_FIND, sb_id, who, "");
        R(S_POLICY_FIND, sb_id, NULL, "viewer");
        R(S_POLICY_FIND, NULL, "1", "viewer");
        R(S_GRANT_PUT, sb_id, who, "viewer", "", NULL, "@ann", now);
        snprintf(summary, sizeof summary, "Invited %s to sandbox %s as viewer, sandbox-wide, with no expiry.",
                 who, sandbox);
        R(S_AUDIT_ADD, sb_id, now, "@ann", "invite", subjects, "done", summary, "[]", grant_json);
    }
    return commit(c, ok);
}

static char sandbox_id[64];

static void *work(void *arg)
{
    struct worker *w = arg;
    struct conn c;
    if (conn_open(&c) != 0) {
        conn_close(&c);
        return NULL;
    }
    unsigned pid = (unsigned)getpid();
    for (long n = 0; !stop; n++) {
        int k = (int)(n % PRINCIPALS), revoke = w->holds[k];
        char who[48], token[64], conv[64], intent_json[256], now[24], lapse[24], kept[24];
        snprintf(who, sizeof who, "@r%dx%d", w->id, k);
        snprintf(token, sizeof token, "R%u-%d-%ld", pid, w->id, n);
        snprintf(conv, sizeof conv, "bot:1:raw-%u-%d-%ld", pid, w->id, n);
        if (revoke)
            snprintf(intent_json, sizeof intent_json,
                     "{\"intent\":{\"intent\":\"revoke\",\"principals\":[\"%s\"],\"sandbox\":\"%s\","
                     "\"project\":null},\"expires_in\":null,\"seen\":\"\"}",
                     who, sandbox);
        else
            snprintf(
                intent_json, sizeof intent_json,
                "{\"intent\":{\"intent\":\"invite\",\"principals\":[\"%s\"],\"role\":\"viewer\","
                "\"sandbox\":\"%s\",\"project\":null,\"expires_at\":null},\"expires_in\":null,\"seen\":\"\"}",
                who, sandbox);
        long long t = (long long)time(NULL);
        snprintf(now, sizeof now, "%lld", t);
        snprintf(lapse, sizeof lapse, "%lld", t + 600);
        snprintf(kept, sizeof kept, "%lld", t + 86400);
        double t0 = now_s();
        if (keep_pending(&c, token, conv, intent_json, now, lapse) != 0) break;
        double t1 = now_s();
        if (confirm(&c, token, conv, who, revoke, now, kept, sandbox_id) != 0) break;
        double t2 = now_s();
        w->holds[k] = !revoke;
        w->changes++;
        if (sample_add(&w->change, t2 - t0) || sample_add(&w->tx, t1 - t0) || sample_add(&w->tx, t2 - t1)) {
            report_error("recording a latency", strerror(ENOMEM));
            break;
        }
    }
    conn_close(&c);
    return NULL;
}

/* ---- Main ----------------------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Merges every worker's samples of one kind, sorted; NULL when out of memory. */
static double *merged(struct worker *w, int kind, size_t *n)
{
    size_t total = 0;
    for (int i = 0; i < n_threads; i++)
        total += kind ? w[i].tx.n : w[i].change.n;
    double *v = malloc((total ? total : 1) * sizeof *v);
    if (!v) return NULL;
    size_t at = 0;
    for (int i = 0; i < n_threads; i++) {
        struct samples *s = kind ? &w[i].tx : &w[i].change;
        if (s->n) memcpy(v + at, s->v, s->n * sizeof *v);
        at += s->n;
    }
    qsort(v, total, sizeof *v, cmp_double);
    *n = total;
    return v;
}

static double pct(const double *v, size_t n, double p)
{
    if (!n) return 0;
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    return v[i] * 1000;
}

static int usage(void)
{
    fprintf(stderr,
            "usage: bench_store_raw DB|postgresql://URI [--threads N] [--seconds S] [--sandbox NAME]\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 2) return usage();
    db_arg = argv[1];
    for (int i = 2; i < argc; i++) {
        char *end = NULL;
        if (i + 1 >= argc) return usage();
        if (!strcmp(argv[i], "--threads")) {
            long v = strtol(argv[++i], &end, 10);
            if (*end || v < 1 || v > 1024)
                return fprintf(stderr, "bench_store_raw: --threads 1 to 1024\n"), 2;
            n_threads = (int)v;
        } else if (!strcmp(argv[i], "--seconds")) {
            seconds = strtod(argv[++i], &end);
            if (*end || !(seconds > 0) || seconds > 86400)
                return fprintf(stderr, "bench_store_raw: --seconds above 0, at most 86400\n"), 2;
        } else if (!strcmp(argv[i], "--sandbox")) {
            sandbox = argv[++i];
            if (strlen(sandbox) > 64)
                return fprintf(stderr, "bench_store_raw: a sandbox name is 64 at most\n"), 2;
        } else
            return usage();
    }
    is_pg = !strncmp(db_arg, "postgresql://", 13) || !strncmp(db_arg, "postgres://", 11);

    struct conn c;
    if (conn_open(&c) == 0 && run(&c, S_SB_FIND, (const char *const[]){sandbox}) == 0 && !c.row0[0])
        report_error("finding the sandbox", "no such sandbox in the store (set it up with concierge admin)");
    snprintf(sandbox_id, sizeof sandbox_id, "%s", c.row0);
    conn_close(&c);
    if (errors) {
        fprintf(stderr, "bench_store_raw: %s\n", first_error);
        return 1;
    }

    struct worker *w = calloc((size_t)n_threads, sizeof *w);
    if (!w) return fprintf(stderr, "bench_store_raw: out of memory\n"), 1;
    double t0 = now_s();
    int started = 0;
    for (int i = 0; i < n_threads; i++, started++) {
        w[i].id = i;
        if (pthread_create(&w[i].th, NULL, work, &w[i]) != 0) {
            report_error("starting a thread", strerror(errno));
            break;
        }
    }
    while (!stop && now_s() - t0 < seconds)
        usleep(10000);
    stop = 1;
    for (int i = 0; i < started; i++)
        pthread_join(w[i].th, NULL);
    double elapsed = now_s() - t0;

    long changes = 0;
    for (int i = 0; i < started; i++)
        changes += w[i].changes;
    size_t nc = 0, nt = 0;
    double *vc = merged(w, 0, &nc), *vt = merged(w, 1, &nt);
    if (!vc || !vt) return fprintf(stderr, "bench_store_raw: out of memory\n"), 1;
    printf("backend: %s\n", is_pg ? "postgresql (libpq, READ COMMITTED, the store's advisory locks)"
                                  : "sqlite (WAL, synchronous=FULL, writers queued on a mutex)");
    printf("threads: %d\n", n_threads);
    printf("seconds: %.2f\n", elapsed);
    printf("confirmed changes: %ld\n", changes);
    printf("changes/s: %.2f\n", (double)changes / elapsed);
    printf("transactions/s: %.2f\n", 2.0 * (double)changes / elapsed);
    printf("change p50 ms: %.3f\n", pct(vc, nc, 0.50));
    printf("change p99 ms: %.3f\n", pct(vc, nc, 0.99));
    printf("transaction p50 ms: %.3f\n", pct(vt, nt, 0.50));
    printf("transaction p99 ms: %.3f\n", pct(vt, nt, 0.99));
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
                 (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
    printf("cpu us/change: %.0f\n", changes ? cpu / (double)changes : 0);
    printf("errors: %d\n", errors);
    if (errors) fprintf(stderr, "bench_store_raw: %s\n", first_error);
    free(vc);
    free(vt);
    for (int i = 0; i < n_threads; i++)
        free(w[i].change.v), free(w[i].tx.v);
    free(w);
    return errors ? 1 : 0;
}
