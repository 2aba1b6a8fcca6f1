/* bench_exec: what carrying commands out costs, against stores on this disk.
 *
 *   bench_exec [--grants N] [--seconds S] [--lines L] [--dir DIR] [--concierge PATH] [--keep]
 *
 * One run, single-threaded, every store in a new mkdtemp folder under DIR ($TMPDIR, else
 * /tmp), removed at the end unless --keep:
 *
 *  1. executed changes/s in-process: `invite @uK as viewer` and `revoke @uK`, alternating,
 *     through execute_text with yes set (each one transaction with its audit event; WAL,
 *     synchronous=FULL), on a small store;
 *  2. beside it, raw SQLite at the same durability, its own file: one transaction per change
 *     inserting a grant row and an audit row (deleting the grant for the revoke half),
 *     prepared statements. 1 and 2 run in alternating slices so that both see the same disk,
 *     S seconds each; the ratio concierge/raw follows (target >= 0.8);
 *  3. access checks over a store of N grants, filled with raw SQLite inside the store's own
 *     schema in one transaction: decide() for random principals and actions (target >=
 *     100,000/s), the same lookup in raw SQLite by index, "can @uK edit this sandbox?" through
 *     execute_text, and changes on that large store;
 *  4. L lines (default 20,000) of alternating invite/revoke written to
 *     `concierge --db DB --as @owner --yes -q` on a pipe (fork/exec).
 *
 * Each figure is printed on its own line with its unit. See bench/bench_exec.md. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../actions/authorise.h"
#include "../actions/execute.h"
#include "../frontends/cli/cli.h"
#include "../intent/timecalc.h"
#include "../tests/spawn.h"

#define SANDBOX "demo"
#define OWNER   "@owner"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t rng = 0x9E3779B97F4A7C15u;
static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void die(const char *what, const char *why)
{
    fprintf(stderr, "bench_exec: %s: %s\n", what, why);
    exit(1);
}

/* ---- Stores ----------------------------------------------------------------------------- */

/* admin_run with its "added" lines sent to /dev/null. */
static void admin_quiet(struct store *s, const char *command)
{
    char buf[256];
    char *argv[16];
    int argc = 0;
    snprintf(buf, sizeof buf, "%s", command);
    char *save = NULL, *t = strtok_r(buf, " ", &save);
    for (; t && argc < 16; t = strtok_r(NULL, " ", &save))
        argv[argc++] = t;
    if (t) die(command, "more than 16 words");
    fflush(stdout);
    int saved = dup(1), nul = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (saved >= 0 && nul >= 0) dup2(nul, 1);
    int rc = admin_run(s, argc, argv, 0);
    fflush(stdout);
    if (saved >= 0) {
        dup2(saved, 1);
        close(saved);
    }
    if (nul >= 0) close(nul);
    if (rc != 0) die(command, "admin command failed");
}

/* A new store with workspace "default" and sandbox "demo" owned by @owner. */
static struct store *new_store(const char *path)
{
    struct store *s;
    char err[512];
    if (store_open(path, STORE_CREATE, &s, err, sizeof err) != STORE_OK) die(path, err);
    admin_quiet(s, "workspace add default");
    admin_quiet(s, "sandbox add " SANDBOX " --owner " OWNER);
    return s;
}

static void must_sql(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) die(sql, msg ? msg : sqlite3_errmsg(db));
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
        die(sql, sqlite3_errmsg(db));
    return st;
}

static void step_done(sqlite3 *db, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) die(sqlite3_sql(st), sqlite3_errmsg(db));
    sqlite3_reset(st);
}

/* ---- 1. Changes through execute_text ------------------------------------------------------- */

struct exec_bench {
    struct store *store;
    long next;   /* the K of the next pair */
    long failed; /* replies other than done */
    char first_failure[1100];
};

static void exec_one(struct exec_bench *b, const char *text)
{
    struct exec_ctx x = {.store = b->store,
                         .actor = OWNER,
                         .sandbox = SANDBOX,
                         .now = (int64_t)time(NULL),
                         .yes = 1,
                         .conversation = ""};
    struct reply r;
    reply_init(&r);
    execute_text(&x, text, strlen(text), &r);
    if (r.status != RS_DONE && b->failed++ == 0)
        snprintf(b->first_failure, sizeof b->first_failure, "\"%s\": %s: %s", text,
                 reply_status_name(r.status), r.summary.s);
    reply_clear(&r);
}

/* Invite and revoke pairs until `slice` seconds have passed; returns the time taken and adds
 * the number of changes to *changes. prefix is "u" or "v" (names not in a filled store). */
static double exec_slice(struct exec_bench *b, const char *prefix, double slice, long max_pairs,
                         long *changes)
{
    char text[96];
    double t0 = now_s(), t;
    long pairs = 0;
    do {
        long k = b->next++;
        snprintf(text, sizeof text, "invite @%s%ld as viewer", prefix, k);
        exec_one(b, text);
        snprintf(text, sizeof text, "revoke @%s%ld", prefix, k);
        exec_one(b, text);
        *changes += 2;
        pairs++;
        t = now_s() - t0;
    } while (t < slice && (max_pairs <= 0 || pairs < max_pairs));
    return t;
}

/* ---- 2. The same rows in raw SQLite ---------------------------------------------------------- */

struct raw_bench {
    sqlite3 *db;
    sqlite3_stmt *begin, *commit, *ins_grant, *del_grant, *ins_audit;
    long next;
};

static void raw_open(struct raw_bench *b, const char *path)
{
    if (sqlite3_open_v2(path, &b->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK)
        die(path, sqlite3_errmsg(b->db));
    must_sql(b->db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
    /* The grants and audit tables of the store, without the foreign keys. */
    must_sql(b->db, "CREATE TABLE grants ("
                    "  id INTEGER PRIMARY KEY, sandbox_id INTEGER NOT NULL, principal TEXT NOT NULL,"
                    "  role TEXT NOT NULL CHECK (role IN ('editor', 'viewer')),"
                    "  project TEXT NOT NULL DEFAULT '', expires_at INTEGER, granted_by TEXT NOT NULL,"
                    "  granted_at INTEGER NOT NULL, UNIQUE (sandbox_id, principal, project));"
                    "CREATE INDEX grants_by_principal ON grants (principal, sandbox_id);"
                    "CREATE TABLE audit ("
                    "  id INTEGER PRIMARY KEY, sandbox_id INTEGER NOT NULL, at INTEGER NOT NULL,"
                    "  actor TEXT NOT NULL, intent TEXT NOT NULL, subjects TEXT NOT NULL DEFAULT '[]',"
                    "  outcome TEXT NOT NULL CHECK (outcome IN ('done', 'denied', 'rejected')),"
                    "  summary TEXT NOT NULL, before TEXT NOT NULL DEFAULT '');"
                    "CREATE INDEX audit_by_sandbox ON audit (sandbox_id, at);");
    b->begin = prepare(b->db, "BEGIN IMMEDIATE");
    b->commit = prepare(b->db, "COMMIT");
    b->ins_grant =
        prepare(b->db, "INSERT INTO grants (sandbox_id, principal, role, project, expires_at, "
                       "granted_by, granted_at) VALUES (1, ?1, 'viewer', '', NULL, '" OWNER "', ?2)");
    b->del_grant =
        prepare(b->db, "DELETE FROM grants WHERE sandbox_id = 1 AND principal = ?1 AND project = ''");
    b->ins_audit = prepare(b->db, "INSERT INTO audit (sandbox_id, at, actor, intent, subjects, outcome, "
                                  "summary, before) VALUES (1, ?1, '" OWNER "', ?2, ?3, 'done', ?4, ?5)");
}

static void raw_close(struct raw_bench *b)
{
    sqlite3_stmt *all[] = {b->begin, b->commit, b->ins_grant, b->del_grant, b->ins_audit};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        sqlite3_finalize(all[i]);
    sqlite3_close(b->db);
}

/* One change: its grant row (inserted, or deleted) and its audit row, in one transaction. */
static void raw_change(struct raw_bench *b, long k, int invite)
{
    char p[32], subjects[48], summary[160], before[256];
    int64_t at = (int64_t)time(NULL);
    snprintf(p, sizeof p, "@u%ld", k);
    snprintf(subjects, sizeof subjects, "[\"%s\"]", p);
    if (invite) {
        snprintf(summary, sizeof summary,
                 "Invited %s to sandbox " SANDBOX " as viewer, sandbox-wide, no expiry.", p);
        before[0] = '\0';
    } else {
        snprintf(summary, sizeof summary, "Revoked: %s's viewer sandbox-wide grant on " SANDBOX ".", p);
        snprintf(before, sizeof before,
                 "[{\"principal\":\"%s\",\"role\":\"viewer\",\"project\":null,\"expires_at\":null,"
                 "\"granted_by\":\"" OWNER "\"}]",
                 p);
    }
    step_done(b->db, b->begin);
    sqlite3_stmt *g = invite ? b->ins_grant : b->del_grant;
    sqlite3_bind_text(g, 1, p, -1, SQLITE_STATIC);
    if (invite) sqlite3_bind_int64(g, 2, at);
    step_done(b->db, g);
    sqlite3_bind_int64(b->ins_audit, 1, at);
    sqlite3_bind_text(b->ins_audit, 2, invite ? "invite" : "revoke", -1, SQLITE_STATIC);
    sqlite3_bind_text(b->ins_audit, 3, subjects, -1, SQLITE_STATIC);
    sqlite3_bind_text(b->ins_audit, 4, summary, -1, SQLITE_STATIC);
    sqlite3_bind_text(b->ins_audit, 5, before, -1, SQLITE_STATIC);
    step_done(b->db, b->ins_audit);
    step_done(b->db, b->commit);
}

static double raw_slice(struct raw_bench *b, double slice, long *changes)
{
    double t0 = now_s(), t;
    do {
        long k = b->next++;
        raw_change(b, k, 1);
        raw_change(b, k, 0);
        *changes += 2;
        t = now_s() - t0;
    } while (t < slice);
    return t;
}

/* ---- 3. Checks over a large store ---------------------------------------------------------------- */

/* Fills the store's own grants table with n sandbox-wide grants to @u0 .. @u(n-1) in one
 * transaction: a third editors, the rest viewers; one in five expired a day ago, one in five
 * expiring in 30 days, the rest without expiry. */
static void fill_grants(const char *path, int64_t sandbox_id, long n, int64_t now)
{
    sqlite3 *db;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
        die(path, sqlite3_errmsg(db));
    /* Bulk load: no journal to speak of (new pages of a rollback journal are not copied), no
     * syncs, a large cache; store_open puts WAL back on reopening. */
    must_sql(db, "PRAGMA journal_mode = DELETE; PRAGMA synchronous = OFF; PRAGMA cache_size = -524288;");
    sqlite3_stmt *ins = prepare(db, "INSERT INTO grants (sandbox_id, principal, role, project, expires_at, "
                                    "granted_by, granted_at) VALUES (?1, ?2, ?3, '', ?4, '" OWNER "', ?5)");
    must_sql(db, "BEGIN IMMEDIATE");
    char p[32];
    for (long k = 0; k < n; k++) {
        int len = snprintf(p, sizeof p, "@u%ld", k);
        sqlite3_bind_int64(ins, 1, sandbox_id);
        sqlite3_bind_text(ins, 2, p, len, SQLITE_STATIC);
        sqlite3_bind_text(ins, 3, k % 3 == 0 ? "editor" : "viewer", -1, SQLITE_STATIC);
        if (k % 5 == 3)
            sqlite3_bind_int64(ins, 4, now - 86400);
        else if (k % 5 == 4)
            sqlite3_bind_int64(ins, 4, now + 30 * 86400);
        else
            sqlite3_bind_null(ins, 4);
        sqlite3_bind_int64(ins, 5, now - 3600);
        step_done(db, ins);
    }
    must_sql(db, "COMMIT");
    sqlite3_finalize(ins);
    if (sqlite3_close(db) != SQLITE_OK) die(path, "cannot close after the fill");
}

static const char *random_principal(long n, char *buf, size_t size)
{
    snprintf(buf, size, "@u%ld", (long)(next_rand() % (uint64_t)n));
    return buf;
}

/* decide() for random principals and actions, for `seconds`. */
static void bench_decide(struct store *s, const struct st_sandbox *sb, long n, double seconds)
{
    struct decision d;
    char p[32];
    long calls = 0, allowed = 0;
    int64_t now = (int64_t)time(NULL);
    for (int i = 0; i < 3; i++) /* warm-up: statements prepared, pages cached */
        decide(s, sb, random_principal(n, p, sizeof p), ACT_READ, "", now, &d);
    double t0 = now_s(), t;
    do {
        enum action a = (enum action)(ACT_READ + (int)(next_rand() % (ACT__COUNT - ACT_READ)));
        if (decide(s, sb, random_principal(n, p, sizeof p), a, "", now, &d) != 0)
            die("decide", store_errmsg(s));
        allowed += d.allow;
        calls++;
        t = now_s() - t0;
    } while (t < seconds);
    printf("decide() checks:                         %.0f checks/s  (%ld in %.2f s, %.0f%% allowed; %.2f "
           "us/check; "
           "target >= 100000)\n",
           calls / t, calls, t, 100.0 * allowed / calls, 1e6 * t / calls);
}

/* The lookup decide() needs (one principal's grants in one sandbox) as raw SQLite by the
 * unique index, on its own connection to the same file: what the store could do. */
static void bench_raw_lookup(const char *path, int64_t sandbox_id, long n, double seconds)
{
    sqlite3 *db;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
        die(path, sqlite3_errmsg(db));
    sqlite3_stmt *st = prepare(db, "SELECT id, principal, role, project, expires_at, granted_by, granted_at "
                                   "FROM grants WHERE sandbox_id = ?1 AND principal = ?2 ORDER BY project");
    char p[32];
    long calls = 0, rows = 0;
    double t0 = now_s(), t;
    do {
        sqlite3_bind_int64(st, 1, sandbox_id);
        sqlite3_bind_text(st, 2, random_principal(n, p, sizeof p), -1, SQLITE_STATIC);
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
            rows++;
        if (rc != SQLITE_DONE) die("raw lookup", sqlite3_errmsg(db));
        sqlite3_reset(st);
        calls++;
        t = now_s() - t0;
    } while (t < seconds);
    sqlite3_finalize(st);
    sqlite3_close(db);
    printf("raw SQLite lookup, one principal:        %.0f lookups/s  (%ld in %.2f s, %ld rows; by the "
           "(sandbox_id, principal, project) index)\n",
           calls / t, calls, t, rows);
}

/* "can @uK edit this sandbox?" through execute_text, as the owner. */
static void bench_exec_check(struct store *s, long n, double seconds)
{
    char text[96], p[32];
    long calls = 0, failed = 0;
    double t0 = now_s(), t;
    do {
        snprintf(text, sizeof text, "can %s edit this sandbox?", random_principal(n, p, sizeof p));
        struct exec_ctx x = {
            .store = s, .actor = OWNER, .sandbox = SANDBOX, .now = (int64_t)time(NULL), .conversation = ""};
        struct reply r;
        reply_init(&r);
        execute_text(&x, text, strlen(text), &r);
        if (r.status != RS_DONE && failed++ == 0)
            fprintf(stderr, "bench_exec: \"%s\": %s: %s\n", text, reply_status_name(r.status), r.summary.s);
        reply_clear(&r);
        calls++;
        t = now_s() - t0;
    } while (t < seconds);
    printf("execute_text \"can @uK edit this sandbox?\": %.0f checks/s  (%ld in %.2f s, %.2f us/check%s)\n",
           calls / t, calls, t, 1e6 * t / calls, failed ? "; SOME FAILED" : "");
}

/* ---- 4. The command line on a pipe --------------------------------------------------------------- */

/* Runs argv with input on its standard input (tests/spawn.h); what it prints goes to out_path
 * (kept with --keep), what it says on standard error to ours. An hour at most. */
static int run_cli(char *const argv[], const char *input, size_t len, const char *out_path)
{
    struct spawn_result r;
    int rc = spawn_run((const char *const *)argv, NULL, input, len, 3600 * 1000, &r);
    FILE *f = fopen(out_path, "wb");
    if (!f || fwrite(r.out, 1, r.out_len, f) != r.out_len || fclose(f)) die(out_path, strerror(errno));
    fputs(r.err, stderr);
    spawn_result_free(&r);
    return rc;
}

static void bench_cli(const char *exe, const char *dir, long lines)
{
    char db[1100], out[1100];
    snprintf(db, sizeof db, "%s/cli.db", dir);
    snprintf(out, sizeof out, "%s/cli.out", dir);
    /* The first run creates the store (the default sandbox, owned by @owner): not timed. */
    char *first[] = {(char *)exe, "--db", db, "--as", OWNER, "-q", "who has access?", NULL};
    int rc = run_cli(first, "", 0, out);
    if (rc != 0) {
        printf("CLI on stdin:                            skipped (%s exited %d creating the store)\n", exe,
               rc);
        return;
    }
    size_t cap = (size_t)lines * 40 + 1, len = 0;
    char *input = malloc(cap);
    if (!input) die("input", "out of memory");
    for (long i = 0; i < lines; i++)
        len += (size_t)snprintf(input + len, cap - len, i % 2 ? "revoke @c%ld\n" : "invite @c%ld as viewer\n",
                                i / 2);
    char *argv[] = {(char *)exe, "--db", db, "--as", OWNER, "--yes", "-q", NULL};
    double t0 = now_s();
    rc = run_cli(argv, input, len, out);
    double t = now_s() - t0;
    free(input);
    struct stat st;
    long printed = stat(out, &st) == 0 ? (long)st.st_size : -1;
    printf("CLI on stdin (fork/exec, --yes -q):      %.0f changes/s  (%ld lines in %.2f s, %.1f us/change; "
           "exit %d%s)\n",
           lines / t, lines, t, 1e6 * t / lines, rc,
           printed ? ", SOME REPLIES NOT DONE (see --keep, cli.out)" : "");
}

/* ---- main ------------------------------------------------------------------------------------ */

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void default_concierge(char *buf, size_t size)
{
    char self[1024];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        snprintf(buf, size, "build/concierge");
        return;
    }
    self[n] = '\0';
    snprintf(buf, size, "%s/concierge", dirname(self));
}

static void usage(void)
{
    fprintf(stderr, "usage: bench_exec [--grants N] [--seconds S] [--lines L] [--dir DIR] [--concierge PATH] "
                    "[--keep]\n");
    exit(2);
}

/* A count given on the command line: digits only, else the usage. */
static long count_arg(const char *v)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || end == v || *end || n < 0) usage();
    return n;
}

int main(int argc, char **argv)
{
    long grants = 1000000, lines = 20000;
    double seconds = 3;
    int keep = 0;
    const char *base = getenv("TMPDIR");
    char exe[1100];
    default_concierge(exe, sizeof exe);
    for (int i = 1; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(argv[i], "--keep") == 0) {
            keep = 1;
            continue;
        }
        if (!v) usage();
        if (strcmp(argv[i], "--grants") == 0)
            grants = count_arg(v);
        else if (strcmp(argv[i], "--seconds") == 0)
            seconds = atof(v);
        else if (strcmp(argv[i], "--lines") == 0)
            lines = count_arg(v);
        else if (strcmp(argv[i], "--dir") == 0)
            base = v;
        else if (strcmp(argv[i], "--concierge") == 0)
            snprintf(exe, sizeof exe, "%s", v);
        else
            usage();
        i++;
    }
    if (grants < 1 || seconds <= 0 || lines < 0) usage();
    if (tz_use("UTC")) die("UTC", "not in the zone database");
    signal(SIGPIPE, SIG_IGN);

    char dir[1024], path[1100];
    snprintf(dir, sizeof dir, "%s/concierge-bench-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(dir)) die(dir, strerror(errno));
    printf("store folder %s; SQLite %s; WAL, synchronous=FULL; %.1f s a phase\n", dir, sqlite3_libversion(),
           seconds);
    fflush(stdout);

    /* 1 and 2, in alternating slices. */
    struct exec_bench eb = {0};
    struct raw_bench rb = {0};
    snprintf(path, sizeof path, "%s/exec.db", dir);
    eb.store = new_store(path);
    snprintf(path, sizeof path, "%s/raw.db", dir);
    raw_open(&rb, path);
    long nc = 0, nr = 0, warm = 0;
    exec_slice(&eb, "u", 0, 20, &warm); /* warm-up: statements prepared, files grown */
    raw_slice(&rb, 0, &warm);
    double tc = 0, tr = 0, slice = seconds / 6 < 0.5 ? seconds / 6 : 0.5;
    while (tc < seconds || tr < seconds) {
        if (tc < seconds) tc += exec_slice(&eb, "u", slice, 0, &nc);
        if (tr < seconds) tr += raw_slice(&rb, slice, &nr);
    }
    store_close(eb.store);
    raw_close(&rb);
    if (eb.failed)
        fprintf(stderr, "bench_exec: %ld changes not done, first %s\n", eb.failed, eb.first_failure);
    double cps = nc / tc, rps = nr / tr;
    printf("executed changes (execute_text, --yes):  %.0f changes/s  (%ld in %.2f s, %.0f us/change; "
           "invite/revoke "
           "@uK, each one transaction with its audit event%s)\n",
           cps, nc, tc, 1e6 * tc / nc, eb.failed ? "; SOME NOT DONE" : "");
    printf(
        "raw SQLite (grant row + audit row):      %.0f row-transactions/s  (%ld in %.2f s, %.0f us each)\n",
        rps, nr, tr, 1e6 * tr / nr);
    printf("ratio concierge/raw:                     %.2f  (target >= 0.8)\n", cps / rps);
    fflush(stdout);

    /* 3. A store of N grants. */
    snprintf(path, sizeof path, "%s/grants.db", dir);
    struct store *s = new_store(path);
    struct st_sandbox sb;
    if (store_sandbox_find(s, SANDBOX, &sb) != STORE_OK) die("sandbox " SANDBOX, store_errmsg(s));
    store_close(s);
    double t0 = now_s();
    fill_grants(path, sb.id, grants, (int64_t)time(NULL));
    double tf = now_s() - t0;
    char err[512];
    t0 = now_s();
    if (store_open(path, 0, &s, err, sizeof err) != STORE_OK) die(path, err);
    double to = now_s() - t0;
    struct stat st;
    printf(
        "fill:                                    %ld grants in %.2f s (%.0f rows/s; one transaction), store "
        "%.0f MB, reopened in %.3f s\n",
        grants, tf, grants / tf, stat(path, &st) == 0 ? st.st_size / 1e6 : -1.0, to);
    fflush(stdout);
    bench_decide(s, &sb, grants, seconds);
    fflush(stdout);
    bench_raw_lookup(path, sb.id, grants, seconds / 2);
    fflush(stdout);
    bench_exec_check(s, grants, seconds);
    fflush(stdout);
    struct exec_bench big = {.store = s};
    long nb = 0;
    double tb = exec_slice(&big, "v", seconds / 2, 0, &nb);
    if (big.failed)
        fprintf(stderr, "bench_exec: %ld changes not done, first %s\n", big.failed, big.first_failure);
    printf("executed changes on the %ld-grant store: %.0f changes/s  (%ld in %.2f s)\n", grants, nb / tb, nb,
           tb);
    store_close(s);
    fflush(stdout);

    /* 4. The command line. */
    if (lines > 0) {
        if (access(exe, X_OK) == 0)
            bench_cli(exe, dir, lines);
        else
            printf("CLI on stdin:                            skipped (no %s; --concierge PATH)\n", exe);
    }

    if (keep)
        printf("kept %s\n", dir);
    else if (nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
        fprintf(stderr, "bench_exec: could not remove %s\n", dir);
    return 0;
}
