/* test_durability: the real `concierge` binary, driven over pipes and a pseudo-terminal
 * (fork/exec, no shell), against access.md "Executing an intent" and interfaces.md:
 *
 *   1. nothing acknowledged is lost when the process is killed (SIGKILL) mid-stream, and
 *      the change and its audit event are stored together or not at all, a change of 16
 *      grants whole or not at all;
 *   2. two writers on one store at once: every command done, never "database is locked" (nor,
 *      on PostgreSQL, a deadlock or a serialization failure); one of them killed mid-stream
 *      never stops the other;
 *   3. the terminal prompt (Proceed? [y/N]) and, without a terminal, the pending token;
 *   4. `concierge check`: exit 0 allow, 4 deny, and its --json object.
 *
 *   test_durability /path/to/concierge
 *
 * Every store lives in a mkdtemp folder, removed at the end; with CONCIERGE_TEST_PG_FILE
 * (ctest's pg.cli.durability) each is a fresh PostgreSQL database instead, dropped at the end,
 * and what is SQLite's alone (the file's integrity check, a store made by its first use) is
 * skipped, saying so. Every wait is bounded.
 * Prints one line per failing check and "N passed, M failed" as its last line; exit 1 on
 * any failure. */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "../store/store.h"
#include "check.h"
#include "pg_test.h"
#include "spawn.h"
#include "test_db.h"

#define GIVE_UP_MS 30000 /* any one wait: give up and fail after 30 s */
#define EXTRA      40    /* commands still being written when the process is killed */
#define WRITERS_N  300   /* principals per writer */
#define WINDOW     16    /* commands in flight per writer */
#define BATCH      16    /* principals per audit query (the language takes 16 at most) */

static const char *bin;
static char dir[64];
static int quiet; /* a passing query is not counted as a check (diagnostic queries) */
static int pg;    /* on PostgreSQL (pg_test_enabled) */

/* The PostgreSQL databases made, to drop at the end. */
static char made[16][512];
static int n_made;

/* A fresh store named name: dir/NAME.db on SQLite (made by its first use), a new database on
 * PostgreSQL whose default sandbox is @owner's, as the first use makes it on SQLite. */
static int fresh_store(char *db, size_t size, const char *name)
{
    char path[128], err[256];
    snprintf(path, sizeof path, "%s/%s.db", dir, name);
    if (!CHECKF(pg_test_store(db, size, path, "@owner", err, sizeof err) == 0, "a fresh store", "%s: %s",
                name, err))
        return -1;
    if (pg && n_made < 16) snprintf(made[n_made++], sizeof made[0], "%s", db);
    return 0;
}

/* What a backend says when two writers trip over each other, or NULL when s holds none of it. */
static const char *contention(const char *s)
{
    static const char *const said[] = {"database is locked", "deadlock detected", "could not serialize"};
    for (size_t i = 0; s && i < sizeof said / sizeof said[0]; i++)
        if (strstr(s, said[i])) return said[i];
    return NULL;
}

/* Says once, on PostgreSQL, that a part of the test is SQLite's alone and why. */
static void skip_on_pg(const char *what, const char *why)
{
    printf("skipped on PostgreSQL: %s (%s)\n", what, why);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        perror("test_durability");
        exit(1);
    }
    return p;
}

/* ---- Growing buffers ----------------------------------------------------------------- */

static const char *buf_str(struct spawn_buf *b)
{
    if (!b->p) spawn_buf_add(b, "", 0);
    return b->p;
}

/* ---- Reading replies ------------------------------------------------------------------- */

/* One reply line as JSON (jansson), or NULL when it is none (or there is no line). */
static json_t *jparse(const char *line) { return line ? json_loads(line, 0, NULL) : NULL; }

static int jstr_is(const json_t *v, const char *want)
{
    const char *s = json_string_value(v);
    return s && strcmp(s, want) == 0;
}

/* ---- Running the binary ------------------------------------------------------------- */

/* A running concierge with pipes on its standard input, output and error. */
struct proc {
    pid_t pid;
    int in, out, err;         /* parent's ends; -1 once closed */
    struct spawn_buf pending; /* still to write to its standard input */
    size_t sent;
    struct spawn_buf obuf, ebuf;
    size_t opos; /* start of the first line not yet taken from obuf */
    int status;  /* once reaped: exit status, 128 + signal; -1 before */
};

static void argv_fill(const char **argv, const char *const *args)
{
    int n = 0;
    argv[n++] = bin;
    for (int i = 0; args[i] && n < 63; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
}

/* Every child runs in UTC, with none of the defaults a developer's environment may hold. */
static const char *const child_env[] = {"CONCIERGE_DB", "CONCIERGE_AS", "CONCIERGE_SANDBOX",
                                        "NO_COLOR",     "TZ=UTC",       NULL};

static void proc_start(struct proc *p, const char *const *args)
{
    memset(p, 0, sizeof *p);
    p->status = -1;
    const char *argv[64];
    argv_fill(argv, args);
    struct spawn_child c;
    /* A session of its own: no controlling terminal, /dev/tty cannot be opened. */
    if (spawn_start(&c, argv, child_env, SPAWN_IN | SPAWN_OUT | SPAWN_ERR | SPAWN_SETSID)) {
        perror("test_durability: spawn");
        exit(1);
    }
    p->pid = c.pid;
    p->in = c.in;
    p->out = c.out;
    p->err = c.err;
    fcntl(p->in, F_SETFL, fcntl(p->in, F_GETFL) | O_NONBLOCK);
}

static void proc_send(struct proc *p, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n > 0) spawn_buf_add(&p->pending, line, (size_t)n);
}

static void proc_close_in(struct proc *p)
{
    if (p->in >= 0) close(p->in);
    p->in = -1;
}

/* Wait up to wait_ms for any of procs to be able to make progress, and make it: write what
 * is pending, read what is there. Returns 0, or -1 when nothing is open any more. */
static int pump(struct proc **ps, int np, int wait_ms)
{
    struct pollfd fds[24];
    struct {
        struct proc *p;
        int which;
    } map[24];
    int n = 0;
    for (int i = 0; i < np && n < 21; i++) {
        struct proc *p = ps[i];
        if (p->in >= 0 && p->sent < p->pending.len) {
            fds[n] = (struct pollfd){p->in, POLLOUT, 0};
            map[n].p = p;
            map[n++].which = 0;
        }
        if (p->out >= 0) {
            fds[n] = (struct pollfd){p->out, POLLIN, 0};
            map[n].p = p;
            map[n++].which = 1;
        }
        if (p->err >= 0) {
            fds[n] = (struct pollfd){p->err, POLLIN, 0};
            map[n].p = p;
            map[n++].which = 2;
        }
    }
    if (n == 0) return -1;
    int k = poll(fds, (nfds_t)n, wait_ms);
    if (k <= 0) return 0;
    for (int i = 0; i < n; i++) {
        if (!fds[i].revents) continue;
        struct proc *p = map[i].p;
        if (map[i].which == 0) {
            ssize_t w = write(p->in, p->pending.p + p->sent, p->pending.len - p->sent);
            if (w > 0)
                p->sent += (size_t)w;
            else if (w < 0 && errno != EAGAIN && errno != EINTR)
                proc_close_in(p); /* EPIPE */
            continue;
        }
        int *fd = map[i].which == 1 ? &p->out : &p->err;
        struct spawn_buf *b = map[i].which == 1 ? &p->obuf : &p->ebuf;
        char chunk[65536];
        ssize_t got = read(*fd, chunk, sizeof chunk);
        if (got > 0) {
            spawn_buf_add(b, chunk, (size_t)got);
        } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
            close(*fd);
            *fd = -1;
        }
    }
    return 0;
}

/* The next complete line of p's output (a new string, without its newline), or NULL. */
static char *proc_take_line(struct proc *p)
{
    if (p->opos >= p->obuf.len) return NULL;
    const char *s = p->obuf.p + p->opos;
    const char *nl = memchr(s, '\n', p->obuf.len - p->opos);
    if (!nl) return NULL;
    char *l = strndup(s, (size_t)(nl - s));
    if (!l) exit(1);
    p->opos += (size_t)(nl - s) + 1;
    return l;
}

/* The next line of p's output, waiting at most until deadline; NULL on timeout or EOF. */
static char *proc_line(struct proc *p, int64_t deadline)
{
    for (;;) {
        char *l = proc_take_line(p);
        if (l) return l;
        int64_t left = deadline - spawn_now_ms();
        if (left <= 0 || (p->out < 0)) return NULL;
        struct proc *ps[1] = {p};
        if (pump(ps, 1, (int)(left < 100 ? left : 100)) < 0) return NULL;
    }
}

/* Close p's input, read its output to the end and reap it, all by deadline. */
static int proc_finish(struct proc *p, int64_t deadline)
{
    struct proc *ps[1] = {p};
    while ((p->in >= 0 && p->sent < p->pending.len) || p->out >= 0 || p->err >= 0) {
        if (p->in >= 0 && p->sent >= p->pending.len) proc_close_in(p);
        int64_t left = deadline - spawn_now_ms();
        if (left <= 0) break;
        if (pump(ps, 1, (int)(left < 100 ? left : 100)) < 0) break;
    }
    proc_close_in(p);
    p->status = spawn_wait(p->pid, deadline);
    if (p->out >= 0) close(p->out);
    if (p->err >= 0) close(p->err);
    p->out = p->err = -1;
    buf_str(&p->obuf);
    buf_str(&p->ebuf);
    return p->status;
}

static void proc_free(struct proc *p)
{
    proc_close_in(p);
    if (p->out >= 0) close(p->out);
    if (p->err >= 0) close(p->err);
    p->out = p->err = -1;
    spawn_buf_free(&p->pending);
    spawn_buf_free(&p->obuf);
    spawn_buf_free(&p->ebuf);
}

/* Runs the binary to the end with args and its standard input closed, in a session of its
 * own (no terminal). Returns the exit status, -1 on timeout; r holds what it wrote. */
static int run(struct spawn_result *r, const char *const *args)
{
    const char *argv[64];
    argv_fill(argv, args);
    return spawn_run(argv, child_env, NULL, 0, GIVE_UP_MS, r);
}

/* ---- Reading the store through the binary --------------------------------------------- */

/* Principals are @<prefix><k>, k in 1..n. */
struct people {
    const char *prefix;
    int n;
    char *listed;  /* listed by `who has access?` as a sandbox-wide viewer */
    char *audited; /* has a done invite event naming it in `show the audit log` */
    char *found;   /* has one in `show the audit log for @x, @y ...` (the fallback) */
};

static void people_init(struct people *pp, const char *prefix, int n)
{
    pp->prefix = prefix;
    pp->n = n;
    pp->listed = xmalloc((size_t)n + 1);
    pp->audited = xmalloc((size_t)n + 1);
    pp->found = xmalloc((size_t)n + 1);
    memset(pp->listed, 0, (size_t)n + 1);
    memset(pp->audited, 0, (size_t)n + 1);
    memset(pp->found, 0, (size_t)n + 1);
}

static void people_free(struct people *pp)
{
    free(pp->listed);
    free(pp->audited);
    free(pp->found);
}

/* k when s is @<prefix><k> with 1 <= k <= n, else 0. */
static int person_of(const struct people *pp, const char *s)
{
    size_t pl = strlen(pp->prefix);
    if (!s || s[0] != '@' || strncmp(s + 1, pp->prefix, pl) != 0) return 0;
    const char *d = s + 1 + pl;
    if (!isdigit((unsigned char)*d) || *d == '0') return 0;
    char *end;
    long k = strtol(d, &end, 10);
    if (*end || k < 1 || k > pp->n) return 0;
    return (int)k;
}

/* Runs `concierge --db db --as @owner --json TEXT` and returns its parsed reply with
 * "status":"done", or NULL (after a failing check naming why). */
static json_t *query(const char *name, const char *db, const char *text)
{
    const char *args[] = {"--db", db, "--as", "@owner", "--json", text, NULL};
    struct spawn_result p;
    int st = run(&p, args);
    char *line = strndup(p.out, strcspn(p.out, "\n"));
    json_t *v = jparse(line);
    int ok = st == 0 && v && jstr_is(json_object_get(v, "status"), "done");
    if (!ok || !quiet)
        CHECKF(ok, name, "`%s`: exit %d, output %.300s%s stderr %.200s", text, st, p.out,
               p.out_len > 300 ? "…" : "", p.err);
    free(line);
    spawn_result_free(&p);
    if (!ok) {
        json_decref(v);
        return NULL;
    }
    return v;
}

/* Marks who `who has access?` lists as sandbox-wide viewers; returns the number of members,
 * -1 when the query failed. */
static int read_members(const char *name, const char *db, struct people **pps, int npp)
{
    json_t *v = query(name, db, "who has access?");
    if (!v) return -1;
    json_t *m = json_object_get(json_object_get(v, "result"), "members");
    int n = -1;
    if (CHECKF(json_is_array(m), name, "result.members is not an array")) {
        n = (int)json_array_size(m);
        size_t i;
        json_t *row;
        json_array_foreach(m, i, row)
        {
            const char *who = json_string_value(json_object_get(row, "principal"));
            for (int j = 0; j < npp; j++) {
                int k = person_of(pps[j], who);
                if (k && jstr_is(json_object_get(row, "role"), "viewer") &&
                    json_is_null(json_object_get(row, "project")))
                    pps[j]->listed[k] = 1;
            }
        }
    }
    json_decref(v);
    return n;
}

/* Marks, in flags of each people, those named by a done invite event of the reply. */
static void mark_events(const json_t *v, struct people **pps, int npp, int fallback)
{
    json_t *ev = json_object_get(json_object_get(v, "result"), "events");
    if (!json_is_array(ev)) return;
    for (size_t i = 0; i < json_array_size(ev); i++) {
        json_t *e = json_array_get(ev, i), *subjects = json_object_get(e, "subjects");
        if (!jstr_is(json_object_get(e, "intent"), "invite") ||
            !jstr_is(json_object_get(e, "outcome"), "done") || !json_is_array(subjects))
            continue;
        for (size_t s = 0; s < json_array_size(subjects); s++)
            for (int j = 0; j < npp; j++) {
                int k = person_of(pps[j], json_string_value(json_array_get(subjects, s)));
                if (k) (fallback ? pps[j]->found : pps[j]->audited)[k] = 1;
            }
    }
}

/* `show the audit log`, then, for those it does not show, `show the audit log for @x, @y,
 * @z` in batches (to tell a short listing from a lost event). Returns the number of events
 * in the whole log, -1 when the query failed. */
static int read_audit(const char *name, const char *db, struct people **pps, int npp)
{
    json_t *v = query(name, db, "show the audit log");
    if (!v) return -1;
    json_t *ev = json_object_get(json_object_get(v, "result"), "events");
    int n = -1;
    if (CHECKF(json_is_array(ev), name, "result.events is not an array")) {
        n = (int)json_array_size(ev);
        mark_events(v, pps, npp, 0);
    }
    json_decref(v);
    for (int j = 0; j < npp; j++) {
        struct people *pp = pps[j];
        for (int k = 1; k <= pp->n; k++)
            pp->found[k] = pp->audited[k];
        for (int k = 1; k <= pp->n;) {
            struct spawn_buf text = {0};
            int in_batch = 0;
            for (; k <= pp->n && in_batch < BATCH; k++)
                if (!pp->audited[k]) {
                    spawn_buf_printf(&text, "%s@%s%d", in_batch ? ", " : "show the audit log for ",
                                     pp->prefix, k);
                    in_batch++;
                }
            if (in_batch) {
                quiet = 1;
                json_t *b = query(name, db, buf_str(&text));
                quiet = 0;
                if (b) mark_events(b, pps, npp, 1);
                json_decref(b);
            }
            spawn_buf_free(&text);
        }
    }
    return n;
}

/* A short list of the k in 1..n (or lo..hi) where a[k] != want, for a message. */
static int list_where(struct spawn_buf *out, const struct people *pp, const char *a, int want, int lo, int hi)
{
    int count = 0;
    for (int k = lo; k <= hi; k++)
        if (!!a[k] != want) {
            if (count < 8) spawn_buf_printf(out, "%s@%s%d", count ? ", " : "", pp->prefix, k);
            count++;
        }
    if (count > 8) spawn_buf_printf(out, ", … (%d in all)", count);
    buf_str(out);
    return count;
}

/* How many k in lo..hi the whole log left out but a per-principal query found. */
static int found_elsewhere(const struct people *pp, int lo, int hi)
{
    int n = 0;
    for (int k = lo; k <= hi; k++)
        n += !pp->audited[k] && pp->found[k];
    return n;
}

/* PRAGMA integrity_check through the SQLite C API, read-only. */
static void integrity(const char *name, const char *db)
{
    if (store_is_uri(db)) {
        /* The killed process was a client: the server's files were never its to leave half
         * written. What a client can leave half done is a transaction: see the torn check. */
        static int said;
        if (!said++) skip_on_pg("PRAGMA integrity_check after SIGKILL", "a file check of SQLite's");
        return;
    }
    sqlite3 *h = NULL;
    struct spawn_buf got = {0};
    int rc = sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(h, 5000);
        sqlite3_stmt *s = NULL;
        rc = sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &s, NULL);
        while (rc == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
            const unsigned char *t = sqlite3_column_text(s, 0);
            spawn_buf_printf(&got, "%s%s", got.len ? "; " : "", t ? (const char *)t : "(null)");
        }
        if (rc != SQLITE_OK) spawn_buf_printf(&got, "error: %s", sqlite3_errmsg(h));
        sqlite3_finalize(s);
    } else {
        spawn_buf_printf(&got, "open: %s", h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
    }
    sqlite3_close(h);
    CHECKF(strcmp(buf_str(&got), "ok") == 0, name, "PRAGMA integrity_check gave %.300s", buf_str(&got));
    spawn_buf_free(&got);
}

/* ---- 1. Nothing lost (SIGKILL) ---------------------------------------------------------- */

/* "invite @<prefix><k> … as viewer" for phrase i (1-based) of per principals each. */
static void send_invite(struct proc *p, const char *prefix, int i, int per)
{
    struct spawn_buf t = {0};
    spawn_buf_printf(&t, "invite");
    for (int k = (i - 1) * per + 1; k <= i * per; k++)
        spawn_buf_printf(&t, " @%s%d", prefix, k);
    proc_send(p, "%s as viewer\n", buf_str(&t));
    spawn_buf_free(&t);
}

/* acks phrases acknowledged, EXTRA more in flight, then SIGKILL; each phrase invites per
 * principals in one change (its grants and its one audit event in one transaction). */
static void kill_round(int round, int acks, int per, unsigned seed)
{
    char db[512], name[160], prefix[16], store[16];
    snprintf(store, sizeof store, "kill%d", round);
    if (fresh_store(db, sizeof db, store)) return;
    snprintf(prefix, sizeof prefix, "r%du", round);
    snprintf(name, sizeof name, "SIGKILL round %d (%d acknowledged, %d principals a phrase)", round, acks,
             per);
    int64_t deadline = spawn_now_ms() + GIVE_UP_MS;

    const char *args[] = {"--db", db, "--as", "@owner", "--yes", "--json", NULL};
    struct proc p;
    proc_start(&p, args);
    int acked = 0;
    char *bad = NULL;
    for (int k = 1; k <= acks; k++) {
        send_invite(&p, prefix, k, per);
        char *line = proc_line(&p, deadline);
        json_t *v = jparse(line);
        int done = v && jstr_is(json_object_get(v, "status"), "done");
        json_decref(v);
        if (!done) {
            bad = line ? line : strdup("(no reply line in time)");
            break;
        }
        free(line);
        acked = k;
    }
    CHECKF(acked == acks, name, "reply %d of the stream was not \"status\":\"done\": %.300s (stderr %.200s)",
           acked + 1, bad ? bad : "", buf_str(&p.ebuf));
    free(bad);

    /* More commands on their way, then SIGKILL at a moment that moves from round to round. */
    for (int k = acked + 1; k <= acked + EXTRA; k++)
        send_invite(&p, prefix, k, per);
    struct proc *ps[1] = {&p};
    int64_t until = spawn_now_ms() + (int64_t)(seed % 4);
    do
        pump(ps, 1, 0);
    while (spawn_now_ms() < until && p.sent < p.pending.len);
    if (seed & 1) pump(ps, 1, 0);
    kill(p.pid, SIGKILL);
    int st = spawn_wait(p.pid, spawn_now_ms() + GIVE_UP_MS);
    p.status = st;
    CHECKF(st == 128 + SIGKILL, name, "the stream process ended with status %d before SIGKILL", st);
    proc_free(&p);

    /* The killed process is gone: the file as it left it. */
    integrity(name, db);

    struct people pp;
    people_init(&pp, prefix, (acked + EXTRA) * per);
    struct people *pps[1] = {&pp};
    read_members(name, db, pps, 1);
    read_audit(name, db, pps, 1);

    struct spawn_buf m = {0};
    acked *= per; /* from here on, principals */
    int missing = list_where(&m, &pp, pp.listed, 1, 1, acked);
    CHECKF(missing == 0, name, "%d acknowledged invites not listed by `who has access?`: %s", missing, m.p);
    spawn_buf_free(&m);
    missing = list_where(&m, &pp, pp.found, 1, 1, acked);
    CHECKF(missing == 0, name, "%d acknowledged invites have no audit event at all: %s", missing, m.p);
    spawn_buf_free(&m);
    missing = list_where(&m, &pp, pp.audited, 1, 1, acked);
    CHECKF(missing == 0, name,
           "%d acknowledged invites missing from `show the audit log` (%d of them %s): %s", missing,
           found_elsewhere(&pp, 1, acked), "found by `show the audit log for @…`", m.p);
    spawn_buf_free(&m);
    /* The change and its audit event are stored together or not at all. */
    int torn = 0;
    for (int k = 1; k <= pp.n; k++)
        if (pp.listed[k] != pp.found[k]) {
            if (torn < 8)
                spawn_buf_printf(&m, "%s@%s%d (%s)", torn ? ", " : "", prefix, k,
                                 pp.listed[k] ? "grant, no event" : "event, no grant");
            torn++;
        }
    CHECKF(torn == 0, name, "%d invites with the grant or the audit event alone: %s", torn, buf_str(&m));
    spawn_buf_free(&m);
    /* A change of several principals is stored whole or not at all. */
    int halves = 0;
    for (int i = 0; per > 1 && i < pp.n / per; i++) {
        int listed = 0;
        for (int k = i * per + 1; k <= (i + 1) * per; k++)
            listed += pp.listed[k];
        if (listed != 0 && listed != per) {
            if (halves < 8)
                spawn_buf_printf(&m, "%sphrase %d (%d of %d)", halves ? ", " : "", i + 1, listed, per);
            halves++;
        }
    }
    CHECKF(halves == 0, name, "%d changes stored in part: %s", halves, buf_str(&m));
    spawn_buf_free(&m);
    people_free(&pp);
}

static void test_sigkill(void)
{
    static const int acks[] = {50, 137, 311};
    for (int r = 0; r < 3; r++)
        kill_round(r + 1, acks[r], 1, (unsigned)(acks[r] * 2654435761u) >> 7);
    /* Changes of 16 grants each (the most one phrase names), killed with some in flight. */
    kill_round(4, 30, 16, 5);
    kill_round(5, 45, 16, 2);
}

/* ---- 2. Two writers at once ------------------------------------------------------------- */

static void test_two_writers(void)
{
    const char *name = "two writers";
    char db[512];
    if (fresh_store(db, sizeof db, "writers")) return;
    if (pg) {
        /* A database that is not there: said, exit 1, and never made (interfaces.md: a
         * PostgreSQL store is never set up implicitly). */
        char missing[600];
        snprintf(missing, sizeof missing, "%s_none", db);
        const char *args[] = {"--db", missing, "--as", "@owner", "--yes", "--json", "invite @x", NULL};
        struct spawn_result p;
        int st = run(&p, args);
        CHECKF(st == 1 && strstr(p.err, "does not exist") && !strstr(p.out, "\"done\""),
               "two writers: a change on a missing PostgreSQL database is refused, naming it",
               "exit %d: %.300s %.300s", st, p.out, p.err);
        spawn_result_free(&p);
        char sql[700];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM pg_database WHERE datname = '%s'",
                 strrchr(missing, '/') + 1);
        CHECKF(test_db_count(db, sql) == 0, "two writers: and no database is made", "%s", missing);
    } else {
        /* A question never makes a named store (interfaces.md): a change or admin does. */
        const char *args[] = {"--db", db, "--as", "@owner", "--json", "who has access?", NULL};
        struct spawn_result p;
        int st = run(&p, args);
        CHECKF(st == 1 && strstr(p.out, "\"code\":\"no_store\"") && access(db, F_OK) != 0,
               "two writers: a question on a missing named store says no_store and makes none",
               "exit %d: %.300s", st, p.out);
        spawn_result_free(&p);
    }
    {
        const char *args[] = {"admin", "--db", db, "--as", "@owner", "audit", NULL};
        struct spawn_result p;
        CHECKF(run(&p, args) == 0, "two writers: admin makes the store", "%.300s", p.err);
        spawn_result_free(&p);
    }

    const char *args[] = {"--db", db, "--as", "@owner", "--yes", "--json", NULL};
    struct proc a, b;
    proc_start(&a, args);
    proc_start(&b, args);
    struct proc *ps[2] = {&a, &b};
    const char *prefix[2] = {"a", "b"};
    int sent[2] = {0, 0}, got[2] = {0, 0}, not_done[2] = {0, 0};
    char *first_bad[2] = {NULL, NULL};
    int64_t deadline = spawn_now_ms() + GIVE_UP_MS;
    while ((got[0] < WRITERS_N || got[1] < WRITERS_N) && spawn_now_ms() < deadline) {
        /* Keep WINDOW commands in flight on each, fed alternately. */
        for (int i = 0; i < 2; i++)
            while (sent[i] < WRITERS_N && sent[i] - got[i] < WINDOW) {
                sent[i]++;
                proc_send(ps[i], "invite @%s%d as viewer\n", prefix[i], sent[i]);
            }
        pump(ps, 2, 50);
        for (int i = 0; i < 2; i++) {
            char *line;
            while ((line = proc_take_line(ps[i]))) {
                got[i]++;
                json_t *v = jparse(line);
                if (!(v && jstr_is(json_object_get(v, "status"), "done"))) {
                    if (!not_done[i]++) first_bad[i] = strdup(line);
                }
                json_decref(v);
                free(line);
            }
        }
        if (a.out < 0 && b.out < 0) break;
    }
    for (int i = 0; i < 2; i++) {
        proc_finish(ps[i], spawn_now_ms() + 5000);
        char *line;
        while ((line = proc_take_line(ps[i]))) { /* anything after the last one counted */
            got[i]++;
            free(line);
        }
        CHECKF(got[i] == WRITERS_N, name, "writer %s: %d replies, want %d", prefix[i], got[i], WRITERS_N);
        CHECKF(not_done[i] == 0, name, "writer %s: %d replies not \"status\":\"done\", the first: %.300s",
               prefix[i], not_done[i], first_bad[i] ? first_bad[i] : "");
        const char *c = contention(ps[i]->obuf.p) ? contention(ps[i]->obuf.p) : contention(ps[i]->ebuf.p);
        CHECKF(!c, name, "writer %s: \"%s\" in its output or standard error", prefix[i], c);
        CHECKF(ps[i]->status == 0, name, "writer %s: exit status %d, want 0 (stderr %.200s)", prefix[i],
               ps[i]->status, ps[i]->ebuf.p);
        free(first_bad[i]);
    }
    proc_free(&a);
    proc_free(&b);

    struct people pa, pb;
    people_init(&pa, "a", WRITERS_N);
    people_init(&pb, "b", WRITERS_N);
    struct people *pps[2] = {&pa, &pb};
    read_members(name, db, pps, 2);
    read_audit(name, db, pps, 2);
    for (int j = 0; j < 2; j++) {
        struct spawn_buf m = {0};
        int missing = list_where(&m, pps[j], pps[j]->listed, 1, 1, WRITERS_N);
        CHECKF(missing == 0, name, "%d not listed by `who has access?`: %s", missing, m.p);
        spawn_buf_free(&m);
        missing = list_where(&m, pps[j], pps[j]->found, 1, 1, WRITERS_N);
        CHECKF(missing == 0, name, "%d with no audit event at all: %s", missing, m.p);
        spawn_buf_free(&m);
        missing = list_where(&m, pps[j], pps[j]->audited, 1, 1, WRITERS_N);
        CHECKF(missing == 0, name, "%d missing from `show the audit log` (%d of them %s): %s", missing,
               found_elsewhere(pps[j], 1, WRITERS_N), "found by `show the audit log for @…`", m.p);
        spawn_buf_free(&m);
    }
    people_free(&pa);
    people_free(&pb);
}

/* Two writers, one killed (SIGKILL) with changes in flight while the other streams its own: the
 * dead one's locks go with it (SQLite's file lock, PostgreSQL's advisory locks with its
 * connection), so the other is done with every one of its changes in time; what the dead one
 * acknowledged stays, and nothing of either is half stored. */
static void test_writer_killed(void)
{
    const char *name = "a writer killed beside another";
    char db[512];
    if (fresh_store(db, sizeof db, "killed")) return;
    enum { A_ACKS = 20, B_N = 120 };
    const char *args[] = {"--db", db, "--as", "@owner", "--yes", "--json", NULL};
    struct proc a, b;
    proc_start(&a, args);
    proc_start(&b, args);
    int64_t deadline = spawn_now_ms() + GIVE_UP_MS;
    int acked = 0;
    for (int k = 1; k <= A_ACKS; k++) {
        proc_send(&a, "invite @ka%d as viewer\n", k);
        char *line = proc_line(&a, deadline);
        json_t *v = jparse(line);
        acked += v && jstr_is(json_object_get(v, "status"), "done");
        json_decref(v);
        free(line);
    }
    CHECKF(acked == A_ACKS, name, "writer a: %d of %d acknowledged before the kill", acked, A_ACKS);
    /* Both busy at once, then a dies. */
    for (int k = A_ACKS + 1; k <= A_ACKS + EXTRA; k++)
        proc_send(&a, "invite @ka%d as viewer\n", k);
    for (int k = 1; k <= B_N; k++)
        proc_send(&b, "invite @kb%d as viewer\n", k);
    struct proc *ps[2] = {&a, &b};
    for (int i = 0; i < 6; i++)
        pump(ps, 2, 1);
    kill(a.pid, SIGKILL);
    int st = spawn_wait(a.pid, spawn_now_ms() + GIVE_UP_MS);
    CHECKF(st == 128 + SIGKILL, name, "writer a ended with status %d before SIGKILL", st);
    proc_free(&a);
    st = proc_finish(&b, spawn_now_ms() + GIVE_UP_MS);
    int done = 0, lines = 0;
    char *line;
    while ((line = proc_take_line(&b))) {
        json_t *v = jparse(line);
        done += v && jstr_is(json_object_get(v, "status"), "done");
        lines++;
        json_decref(v);
        free(line);
    }
    CHECKF(st == 0 && lines == B_N && done == B_N, name,
           "writer b: exit %d, %d replies, %d done, want %d (stderr %.200s)", st, lines, done, B_N, b.ebuf.p);
    proc_free(&b);

    struct people pa, pb;
    people_init(&pa, "ka", A_ACKS + EXTRA);
    people_init(&pb, "kb", B_N);
    struct people *pps[2] = {&pa, &pb};
    read_members(name, db, pps, 2);
    read_audit(name, db, pps, 2);
    struct spawn_buf m = {0};
    int missing = list_where(&m, &pa, pa.listed, 1, 1, A_ACKS);
    CHECKF(missing == 0, name, "%d of a's acknowledged invites not listed: %s", missing, m.p);
    spawn_buf_free(&m);
    missing = list_where(&m, &pb, pb.listed, 1, 1, B_N);
    CHECKF(missing == 0, name, "%d of b's invites not listed: %s", missing, m.p);
    spawn_buf_free(&m);
    int torn = 0;
    for (int j = 0; j < 2; j++)
        for (int k = 1; k <= pps[j]->n; k++)
            torn += pps[j]->listed[k] != pps[j]->found[k];
    CHECKF(torn == 0, name, "%d invites with the grant or the audit event alone", torn);
    people_free(&pa);
    people_free(&pb);
}

/* Two processes whose first use of a store is at the same moment: both are done (the store is
 * created once, with its default sandbox, and neither sees it half made). */
static void test_two_creators(void)
{
    const char *name = "two writers creating the store at once";
    if (pg) {
        skip_on_pg(name, "a PostgreSQL store is never made by its first use: admin migrate makes it, and "
                         "pg.admin runs two at once");
        return;
    }
    int bad = 0, tries = 20;
    struct spawn_buf first = {0};
    for (int t = 0; t < tries; t++) {
        char db[128], who[2][16];
        snprintf(db, sizeof db, "%s/create%d.db", dir, t);
        struct proc p[2];
        for (int i = 0; i < 2; i++) {
            snprintf(who[i], sizeof who[i], "invite @%c%d", i ? 'y' : 'x', t);
            const char *args[] = {"--db", db, "--as", "@owner", "--yes", "--json", who[i], NULL};
            proc_start(&p[i], args);
        }
        int64_t deadline = spawn_now_ms() + GIVE_UP_MS;
        int ok = 1;
        for (int i = 0; i < 2; i++) {
            int st = proc_finish(&p[i], deadline);
            char *line = strndup(p[i].obuf.p, strcspn(p[i].obuf.p, "\n"));
            json_t *v = jparse(line);
            if (st != 0 || !v || !jstr_is(json_object_get(v, "status"), "done") ||
                strstr(p[i].ebuf.p, "database is locked")) {
                if (ok && !bad)
                    spawn_buf_printf(&first, "`%s` on a new store: exit %d, output %.200s stderr %.200s",
                                     who[i], st, p[i].obuf.p, p[i].ebuf.p);
                ok = 0;
            }
            free(line);
            json_decref(v);
            proc_free(&p[i]);
        }
        bad += !ok;
    }
    CHECKF(bad == 0, name, "%d of %d tries failed; the first: %s", bad, tries, buf_str(&first));
    spawn_buf_free(&first);
}

/* ---- 3. The terminal prompt, and no terminal ------------------------------------------- */

/* Is @who listed by `who has access?` on db? -1 when the query failed. */
static int is_listed(const char *name, const char *db, const char *who)
{
    json_t *v = query(name, db, "who has access?");
    if (!v) return -1;
    json_t *m = json_object_get(json_object_get(v, "result"), "members");
    int found = 0;
    for (size_t i = 0; json_is_array(m) && i < json_array_size(m); i++)
        if (jstr_is(json_object_get(json_array_get(m, i), "principal"), who)) found = 1;
    json_decref(v);
    return found;
}

static int contains_nocase(const char *hay, const char *needle)
{
    return hay && strcasestr(hay, needle) != NULL;
}

/* Runs args under a pseudo-terminal; waits for `Proceed? [y/N]`, then types answer.
 * Fills out with everything the terminal showed; returns the exit status (-1 on timeout);
 * *prompted says whether the prompt came. */
static int run_pty(const char *const *args, const char *answer, struct spawn_buf *out, int *prompted)
{
    const char *argv[64];
    argv_fill(argv, args);
    char **envp = spawn_env(child_env);
    *prompted = 0;
    int master = -1;
    struct winsize ws = {24, 80, 0, 0};
    fflush(stdout);
    pid_t pid = forkpty(&master, NULL, NULL, &ws);
    if (pid == 0) {
        execve(bin, (char *const *)argv, envp);
        _exit(127);
    }
    spawn_env_free(envp);
    if (pid < 0) {
        perror("test_durability: forkpty");
        return -1;
    }
    int64_t deadline = spawn_now_ms() + GIVE_UP_MS;
    int answered = 0;
    for (;;) {
        int64_t left = deadline - spawn_now_ms();
        if (left <= 0) break;
        struct pollfd pfd = {master, POLLIN, 0};
        int k = poll(&pfd, 1, (int)(left < 100 ? left : 100));
        if (k < 0 && errno != EINTR) break;
        if (k > 0) {
            char chunk[4096];
            ssize_t n = read(master, chunk, sizeof chunk);
            if (n > 0)
                spawn_buf_add(out, chunk, (size_t)n);
            else if (n == 0 || errno != EINTR)
                break; /* EIO: the terminal's other side closed */
        }
        if (!answered && out->p && strstr(out->p, "Proceed? [y/N]")) {
            *prompted = answered = 1;
            if (write(master, answer, strlen(answer)) < 0) break;
        }
    }
    int st = spawn_wait(pid, deadline);
    close(master);
    buf_str(out);
    return st;
}

static void test_prompt(void)
{
    char db[512];
    if (fresh_store(db, sizeof db, "prompt")) return;
    const char *args[] = {"--db", db, "--as", "@owner", "invite @carol", NULL};

    struct spawn_buf out = {0};
    int prompted;
    const char *name = "terminal: answering n";
    int st = run_pty(args, "n\n", &out, &prompted);
    CHECKF(prompted, name, "no `Proceed? [y/N]` on the terminal; it showed: %.300s", out.p);
    CHECKF(contains_nocase(out.p, "cancelled"), name, "the terminal does not say cancelled: %.300s", out.p);
    CHECK_INT(st, 3, name);
    CHECKF(is_listed(name, db, "@carol") == 0, name, "@carol is listed after answering n");
    spawn_buf_free(&out);

    name = "terminal: answering y";
    st = run_pty(args, "y\n", &out, &prompted);
    CHECKF(prompted, name, "no `Proceed? [y/N]` on the terminal; it showed: %.300s", out.p);
    const char *after = prompted ? strstr(out.p, "Proceed? [y/N]") : out.p;
    CHECKF(!contains_nocase(after, "cancel") && contains_nocase(after, "@carol"), name,
           "the terminal does not say it was done: %.300s", out.p);
    CHECK_INT(st, 0, name);
    CHECKF(is_listed(name, db, "@carol") == 1, name, "@carol is not listed after answering y");
    spawn_buf_free(&out);

    /* No terminal, no --yes: a token, exit 3, nothing changes until confirm. */
    if (fresh_store(db, sizeof db, "pending")) return;
    name = "no terminal: pending token";
    struct spawn_result p;
    st = run(&p, args);
    CHECKF(st == 3, name, "exit status %d, want 3 (needs confirmation); output %.300s", st, p.out);
    char token[16] = "";
    for (const char *s = p.out; (s = strcasestr(s, "confirm ")); s++) {
        const char *t = s + 8;
        size_t n = 0, digits = 0;
        while (isalnum((unsigned char)t[n]) && n < 9)
            digits += isdigit((unsigned char)t[n++]) != 0;
        if (n >= 4 && n <= 8 && digits) snprintf(token, sizeof token, "%.*s", (int)n, t);
    }
    CHECKF(token[0], name, "no token (4 to 8 letters and digits after `confirm`) in: %.300s", p.out);
    CHECKF(!contains_nocase(p.err, "Proceed?") && !contains_nocase(p.out, "Proceed?"), name,
           "asked `Proceed?` with no terminal");
    spawn_result_free(&p);
    CHECKF(is_listed(name, db, "@carol") == 0, name, "@carol is listed before the confirmation");
    if (token[0]) {
        char text[64];
        snprintf(text, sizeof text, "confirm %s", token);
        const char *cargs[] = {"--db", db, "--as", "@owner", text, NULL};
        st = run(&p, cargs);
        CHECKF(st == 0, name, "`%s`: exit status %d, want 0; output %.300s", text, st, p.out);
        spawn_result_free(&p);
        CHECKF(is_listed(name, db, "@carol") == 1, name, "@carol is not listed after `%s`", text);
    }
}

/* ---- 4. concierge check ----------------------------------------------------------------- */

static void check_json(const char *name, const char *db, const char *who, const char *want, int want_st)
{
    const char *args[] = {"check", "--db", db, "--sandbox", "demo", "--json", who, "read", NULL};
    struct spawn_result p;
    int st = run(&p, args);
    CHECKF(st == want_st, name, "exit status %d, want %d", st, want_st);
    json_t *v = jparse(p.out);
    /* Exactly these keys, in this order (jansson keeps the order it read). */
    static const char *const keys[] = {"decision", "rule", "reason"};
    int shape = json_is_object(v) && json_object_size(v) == 3;
    void *it = json_object_iter(v);
    for (int i = 0; shape && i < 3; i++, it = json_object_iter_next(v, it))
        shape = it && strcmp(json_object_iter_key(it), keys[i]) == 0;
    const char *rule = json_string_value(json_object_get(v, "rule"));
    const char *reason = json_string_value(json_object_get(v, "reason"));
    shape = shape && rule && *rule && reason && *reason;
    CHECKF(shape, name, "want one object {\"decision\",\"rule\",\"reason\"}, got: %.300s", p.out);
    CHECKF(jstr_is(json_object_get(v, "decision"), want), name, "decision is not \"%s\": %.300s", want,
           p.out);
    json_decref(v);
    spawn_result_free(&p);
}

static void test_check(void)
{
    char db[512];
    if (fresh_store(db, sizeof db, "check")) return;
    struct spawn_result p;
    const char *admin[] = {"admin", "--db", db, "sandbox", "add", "demo", "--owner", "@owner", NULL};
    int st = run(&p, admin);
    CHECKF(st == 0, "check: admin sandbox add demo", "exit %d: %s", st, p.err);
    spawn_result_free(&p);
    const char *invite[] = {"--db", db, "--as", "@owner", "--sandbox", "demo", "--yes", "invite @bob", NULL};
    st = run(&p, invite);
    CHECKF(st == 0, "check: invite @bob to demo", "exit %d: %s %s", st, p.out, p.err);
    spawn_result_free(&p);

    const char *bob[] = {"check", "--db", db, "--sandbox", "demo", "@bob", "read", NULL};
    st = run(&p, bob);
    CHECKF(st == 0, "check: a grant holder may read", "exit status %d, want 0; output %.200s", st, p.out);
    CHECKF(contains_nocase(p.out, "allow"), "check: a grant holder may read", "no allow in: %.200s", p.out);
    spawn_result_free(&p);
    const char *zed[] = {"check", "--db", db, "--sandbox", "demo", "@stranger", "read", NULL};
    st = run(&p, zed);
    CHECKF(st == 4, "check: a stranger may not read", "exit status %d, want 4; output %.200s", st, p.out);
    spawn_result_free(&p);
    check_json("check --json: grant holder", db, "@bob", "allow", 0);
    check_json("check --json: stranger", db, "@stranger", "deny", 4);
}

/* ---- Main ----------------------------------------------------------------------------- */

static void remove_dir(const char *path)
{
    DIR *d = opendir(path);
    if (!d) return;
    struct dirent *e;
    char sub[512];
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
        if (unlink(sub) && errno == EISDIR) remove_dir(sub);
    }
    closedir(d);
    rmdir(path);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_durability /path/to/concierge\n");
        return 2;
    }
    bin = argv[1];
    signal(SIGPIPE, SIG_IGN);
    pg = pg_test_enabled();
    printf("test_durability on %s\n", pg ? "PostgreSQL" : "SQLite");
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/concierge-durability-XXXXXX",
             tmp && *tmp && strlen(tmp) < 30 ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        perror("test_durability: mkdtemp");
        return 1;
    }
    int64_t t0 = spawn_now_ms();
    test_sigkill();
    test_two_writers();
    test_writer_killed();
    test_two_creators();
    test_prompt();
    test_check();
    remove_dir(dir);
    for (int i = 0; i < n_made; i++)
        pg_test_drop(made[i]);
    fprintf(stderr, "test_durability: %.1f s\n", (double)(spawn_now_ms() - t0) / 1000.0);
    return CHECK_SUMMARY();
}
