/* The scenario runner: each file of corpus/scenarios/ (see its README) against a fresh store
 * in a temporary folder, in-process, through execute_text as the command line runs it. Prints
 * a readable account of each failing step and "N passed, N failed" (steps). */
#include <errno.h>
#include <fnmatch.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../actions/execute.h"
#include "../actions/sweep.h"
#include "../frontends/cli/cli.h"
#include "pg_test.h"
#include "../intent/text.h"
#include "../intent/timecalc.h"
#include "check.h"

struct scenario {
    const char *file;
    struct store *store;
    char as[300], sandbox[80];
    int64_t now;
    char token[16];
    char request[16]; /* the token of the last request made: $REQUEST */
    char dir[64];     /* the scenario's temporary folder: $DIR in setup and in exists/missing */
};

/* Two source trees for cross-sandbox scenarios: $DIR/a (main.c, .env, a link out of the
 * tree) and $DIR/b (empty). */
static void make_trees(const char *dir)
{
    char p[256];
    snprintf(p, sizeof p, "%s/a", dir);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/b", dir);
    mkdir(p, 0755);
    const char *files[][2] = {{"a/main.c", "int main(void) { return 0; }\n"}, {"a/.env", "SECRET=1\n"}};
    for (int i = 0; i < 2; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, files[i][0]);
        FILE *f = fopen(p, "w");
        if (f) {
            fputs(files[i][1], f);
            fclose(f);
        }
    }
    snprintf(p, sizeof p, "%s/a/leak", dir);
    if (symlink("/etc/passwd", p) != 0) perror("symlink");
}

/* s with its first var ("$DIR", "$TOKEN") replaced by value. */
static void replace_var(const char *s, const char *var, const char *value, char *out, size_t size)
{
    const char *at = strstr(s, var);
    if (!at)
        snprintf(out, size, "%s", s);
    else
        snprintf(out, size, "%.*s%s%s", (int)(at - s), s, value, at + strlen(var));
}

/* s with $DIR replaced by the scenario's folder. */
static void with_dir(const char *s, const char *dir, char *out, size_t size)
{
    replace_var(s, "$DIR", dir, out, size);
}

/* An admin command's words (split on spaces, $DIR replaced) into argv: how many, or -1 when
 * there are more than 32. */
static int admin_words(const struct scenario *sc, const char *cmd, char *buf, size_t size, char *argv[32])
{
    int argc = 0;
    with_dir(cmd ? cmd : "", sc->dir, buf, size);
    char *save = NULL, *t = strtok_r(buf, " ", &save);
    for (; t && argc < 32; t = strtok_r(NULL, " ", &save))
        argv[argc++] = t;
    return t ? -1 : argc;
}

static int setup(struct scenario *sc, json_t *first)
{
    static const char *const first_keys[] = {"setup", "as", "sandbox", "now", "tz", "note", NULL};
    const char *key;
    json_t *v;
    json_object_foreach(first, key, v)
    {
        int known = 0;
        for (int k = 0; first_keys[k]; k++)
            known |= strcmp(key, first_keys[k]) == 0;
        if (!known) {
            check_fmt_at(0, sc->file, 1, "the first line", "it has no key \"%s\"", key);
            return -1;
        }
    }
    /* The scenario's clock first: the set-up is audited at its now, never at the wall clock's. */
    const char *as = json_string_value(json_object_get(first, "as"));
    const char *sb = json_string_value(json_object_get(first, "sandbox"));
    const char *now = json_string_value(json_object_get(first, "now"));
    const char *tz = json_string_value(json_object_get(first, "tz"));
    snprintf(sc->as, sizeof sc->as, "%s", as ? as : "@owner");
    snprintf(sc->sandbox, sizeof sc->sandbox, "%s", sb ? sb : "demo");
    if (parse_rfc3339(now ? now : "2026-11-18T15:30:00Z", &sc->now) || tz_use(tz ? tz : "UTC")) {
        check_at(0, sc->file, 1, "bad now or tz in the first line", NULL, NULL);
        return -1;
    }
    json_t *cmds = json_object_get(first, "setup");
    size_t i;
    json_t *c;
    json_array_foreach(cmds, i, c)
    {
        char buf[512];
        char *argv[32];
        int argc = admin_words(sc, json_string_value(c), buf, sizeof buf, argv);
        if (argc < 0) {
            check_fmt_at(0, sc->file, 1, "setup", "\"%s\" has more than 32 words", json_string_value(c));
            return -1;
        }
        int rc = admin_run_at(sc->store, sc->now, argc, argv, 0);
        if (rc != 0) {
            check_fmt_at(0, sc->file, 1, "setup", "\"%s\" exited %d", json_string_value(c), rc);
            return -1;
        }
    }
    return 0;
}

/* The value at path in v (a new reference), or NULL when there is none. The path is keys
 * and array indexes joined by '.'; "*" takes the rest of the path in every element of an
 * array and gives their values as an array (NULL when one of them has none). */
static json_t *json_at(json_t *v, const char *path)
{
    const char *dot = strchr(path, '.');
    size_t n = dot ? (size_t)(dot - path) : strlen(path);
    const char *rest = dot ? dot + 1 : NULL;
    if (n == 1 && path[0] == '*') {
        if (!json_is_array(v)) return NULL;
        json_t *all = json_array(), *e;
        size_t i;
        json_array_foreach(v, i, e)
        {
            json_t *x = rest ? json_at(e, rest) : json_incref(e);
            if (!x) {
                json_decref(all);
                return NULL;
            }
            json_array_append_new(all, x);
        }
        return all;
    }
    char *seg = strndup(path, n);
    if (!seg) abort();
    json_t *next = NULL;
    if (json_is_object(v)) {
        next = json_object_get(v, seg);
    } else if (json_is_array(v) && n > 0 && strspn(seg, "0123456789") == n) {
        next = json_array_get(v, strtoul(seg, NULL, 10));
    }
    free(seg);
    if (!next) return NULL;
    return rest ? json_at(next, rest) : json_incref(next);
}

/* The step's "json" (path: the value there) and "json_like" (path: a shell pattern the
 * string there matches) against the reply; the first that fails goes to why. */
static void json_checks(json_t *st, const char *line, struct text *why)
{
    json_t *want_values = json_object_get(st, "json"), *like = json_object_get(st, "json_like");
    if (!want_values && !like) return;
    json_error_t je;
    json_t *reply = json_loads(line, 0, &je);
    if (!reply) {
        text_printf(why, "the reply is not JSON: %s", je.text);
        return;
    }
    const char *path;
    json_t *want;
    json_object_foreach(want_values, path, want)
    {
        json_t *got = json_at(reply, path);
        if (!why->len && !json_equal(got, want)) {
            char *g = got ? json_dumps(got, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
            char *w = json_dumps(want, JSON_COMPACT | JSON_ENCODE_ANY);
            text_printf(why, "%s is %s, want %s", path, g ? g : "absent", w ? w : "?");
            free(g);
            free(w);
        }
        json_decref(got);
    }
    json_object_foreach(like, path, want)
    {
        json_t *got = json_at(reply, path);
        const char *g = json_string_value(got), *w = json_string_value(want);
        if (!why->len && (!w || !g || fnmatch(w, g, 0) != 0)) {
            char *gs = got ? json_dumps(got, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
            text_printf(why, "%s is %s, want a string like %s", path, gs ? gs : "absent", w ? w : "?");
            free(gs);
        }
        json_decref(got);
    }
    json_decref(reply);
}

/* Every key a step may have: a misspelt assertion must fail, not pass unread. */
static const char *const step_keys[] = {"as",     "sandbox", "now",  "text",      "yes",      "status",
                                        "code",   "exit",    "json", "json_like", "contains", "absent",
                                        "exists", "missing", "note", "sweep",     NULL};

/* What a step's command answered, as its checks read it. */
struct answer {
    const char *status, *code; /* the status's and the code's names (code NULL for none) */
    int exit;
    char *line; /* the --json line */
};

/* A sweep step: the sweeper run once at the step's now, as concierge sweep --json says it
 * (the store's clock still caps it: a now after the clock sweeps up to the clock). */
static void run_sweep(struct scenario *sc, struct answer *a)
{
    struct sweep_report rep = {.events = json_array()};
    int rc = rep.events ? sweep_run(sc->store, sc->now, &rep) : -1;
    json_t *o = rc == 0 ? sweep_report_json(&rep)
                        : json_pack("{s:s, s:s, s:s}", "status", "error", "code", "store_error", "message",
                                    rep.events ? rep.why : "out of memory");
    json_decref(rep.events);
    char *j = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    snprintf(a->line, 1 << 20, "%s", j ? j : "(no memory for the report)");
    free(j);
    a->status = rc == 0 ? "done" : "error";
    a->code = rc == 0 ? NULL : "store_error";
    a->exit = rc == 0 ? 0 : 1;
}

/* An admin step, {"admin": "link slack:U1 @bob --merge", "exit": 5, "contains": ["…"]}: the
 * command run at the step's now as concierge admin runs it (set-up that must come after
 * changes: a ceiling lowered, a link merged), its exit code checked, and what it printed
 * (standard output and error together) against contains and absent, and its number of lines
 * against lines (`admin list notices --json`: how many notices). */
static void admin_step(struct scenario *sc, int lineno, json_t *st, const char *cmd)
{
    static const char *const keys[] = {"admin", "now", "exit", "contains", "absent", "lines", "note", NULL};
    struct text why = TEXT_INIT, out = TEXT_INIT;
    const char *key;
    json_t *v;
    json_object_foreach(st, key, v)
    {
        int known = 0;
        for (int k = 0; keys[k]; k++)
            known |= strcmp(key, keys[k]) == 0;
        if (!why.len && !known) text_printf(&why, "an admin step has no key \"%s\"", key);
    }
    json_t *ex = json_object_get(st, "exit");
    if (!why.len && !json_is_integer(ex)) text_printf(&why, "an admin step needs its \"exit\"");
    char buf[512];
    char *argv[32];
    int argc = admin_words(sc, cmd, buf, sizeof buf, argv);
    if (!why.len && argc < 0) text_printf(&why, "more than 32 words");
    if (!why.len) {
        /* Its output into a file for the checks, then the terminal's back. */
        FILE *f = tmpfile();
        fflush(stdout);
        fflush(stderr);
        int o = dup(1), e = dup(2);
        if (!f || o < 0 || e < 0 || dup2(fileno(f), 1) < 0 || dup2(fileno(f), 2) < 0) abort();
        int rc = admin_run_at(sc->store, sc->now, argc, argv, 0);
        fflush(stdout);
        fflush(stderr);
        if (dup2(o, 1) < 0 || dup2(e, 2) < 0) abort();
        close(o);
        close(e);
        char chunk[4096];
        size_t n;
        rewind(f);
        while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
            text_append(&out, chunk, n);
        fclose(f);
        if (rc != json_integer_value(ex))
            text_printf(&why, "exit %d, want %d", rc, (int)json_integer_value(ex));
    }
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(st, "contains"), i, s)
    {
        if (!why.len && json_string_value(s) && !strstr(out.s, json_string_value(s)))
            text_printf(&why, "the output lacks %s", json_string_value(s));
    }
    json_array_foreach(json_object_get(st, "absent"), i, s)
    {
        if (!why.len && json_string_value(s) && strstr(out.s, json_string_value(s)))
            text_printf(&why, "the output has %s", json_string_value(s));
    }
    /* How many lines it printed: with --json, how many rows (admin list notices: a count). */
    json_t *lines = json_object_get(st, "lines");
    if (!why.len && lines) {
        long long n = 0;
        for (size_t k = 0; k < out.len; k++)
            n += out.s[k] == '\n';
        if (n != json_integer_value(lines))
            text_printf(&why, "%lld lines, want %lld", n, (long long)json_integer_value(lines));
    }
    char what[600];
    snprintf(what, sizeof what, "admin %s", cmd);
    check_fmt_at(!why.len, sc->file, lineno, what, "%s\n  output: %s", why.s, out.s);
    text_free(&why);
    text_free(&out);
}

static void step(struct scenario *sc, int lineno, json_t *st)
{
    const char *as = json_string_value(json_object_get(st, "as"));
    const char *sb = json_string_value(json_object_get(st, "sandbox"));
    const char *now = json_string_value(json_object_get(st, "now"));
    const char *raw = json_string_value(json_object_get(st, "text"));
    const char *want = json_string_value(json_object_get(st, "status"));
    if (now && parse_rfc3339(now, &sc->now)) {
        check_at(0, sc->file, lineno, "bad now", NULL, NULL);
        return;
    }
    const char *admin = json_string_value(json_object_get(st, "admin"));
    if (admin) {
        admin_step(sc, lineno, st, admin);
        return;
    }
    int sweep = json_is_true(json_object_get(st, "sweep"));
    if ((!raw && !sweep) || (raw && sweep) || !want) {
        check_at(0, sc->file, lineno, "a step needs text (or \"sweep\": true) and status", NULL, NULL);
        return;
    }
    char text[2048] = "";
    static char line[1 << 20];
    struct answer a = {.line = line};
    struct exec_ctx x = {.store = sc->store,
                         .actor = as ? as : sc->as,
                         .sandbox = sb ? sb : sc->sandbox,
                         .now = sc->now,
                         .yes = json_is_true(json_object_get(st, "yes")),
                         .conversation = ""};
    struct reply r;
    reply_init(&r);
    if (sweep) {
        run_sweep(sc, &a);
    } else {
        char with_token[1100];
        replace_var(raw, "$TOKEN", sc->token, with_token, sizeof with_token); /* the last pending token */
        replace_var(with_token, "$REQUEST", sc->request, text, sizeof text);  /* the last request's */
        execute_text(&x, text, strlen(text), &r);
        const char *rq = json_string_value(json_object_get(json_object_get(r.result, "request"), "token"));
        if (rq && r.it.kind == IK_REQUEST_ACCESS) snprintf(sc->request, sizeof sc->request, "%s", rq);
        if (reply_write_json(&r, line, sizeof line) < 0) snprintf(line, sizeof line, "(reply too large)");
        if (r.token[0]) snprintf(sc->token, sizeof sc->token, "%s", r.token);
        a.status = reply_status_name(r.status);
        a.code = code_name(r.code);
        a.exit = reply_exit_code(r.status);
    }

    struct text why = TEXT_INIT;
    const char *key;
    json_t *v;
    json_object_foreach(st, key, v)
    {
        int known = 0;
        for (int k = 0; step_keys[k]; k++)
            known |= strcmp(key, step_keys[k]) == 0;
        if (!why.len && !known) text_printf(&why, "a step has no key \"%s\"", key);
    }
    if (!why.len && strcmp(a.status, want) != 0) text_printf(&why, "status %s, want %s", a.status, want);
    /* Every answer that is not a plain success says why (codes.def), and the step asserts it. */
    const char *want_code = json_string_value(json_object_get(st, "code"));
    const char *got_code = a.code;
    if (!why.len && !want_code && got_code)
        text_printf(&why, "a %s step needs its \"code\" (got \"%s\")", want, got_code);
    if (!why.len && want_code && (!got_code || strcmp(want_code, got_code) != 0))
        text_printf(&why, "code %s, want %s", got_code ? got_code : "null", want_code);
    json_t *ex = json_object_get(st, "exit");
    if (!why.len && ex && json_integer_value(ex) != a.exit)
        text_printf(&why, "exit %d, want %d", a.exit, (int)json_integer_value(ex));
    size_t i;
    json_t *s;
    json_checks(st, line, &why);
    json_array_foreach(json_object_get(st, "contains"), i, s)
    {
        if (!why.len && json_string_value(s) && !strstr(line, json_string_value(s)))
            text_printf(&why, "the reply lacks %s", json_string_value(s));
    }
    json_array_foreach(json_object_get(st, "absent"), i, s)
    {
        if (!why.len && json_string_value(s) && strstr(line, json_string_value(s)))
            text_printf(&why, "the reply has %s", json_string_value(s));
    }
    json_array_foreach(json_object_get(st, "exists"), i, s)
    {
        char p[512];
        struct stat stt;
        with_dir(json_string_value(s) ? json_string_value(s) : "", sc->dir, p, sizeof p);
        if (!why.len && lstat(p, &stt) != 0)
            text_printf(&why, "%s is missing", p);
        else if (!why.len && S_ISREG(stt.st_mode) && (stt.st_mode & 0222))
            text_printf(&why, "%s is writable", p);
    }
    json_array_foreach(json_object_get(st, "missing"), i, s)
    {
        char p[512];
        struct stat stt;
        with_dir(json_string_value(s) ? json_string_value(s) : "", sc->dir, p, sizeof p);
        if (!why.len && lstat(p, &stt) == 0) text_printf(&why, "%s should not be there", p);
    }
    char what[2200];
    char at[32];
    if (sweep && format_rfc3339(sc->now, at) == 0)
        snprintf(what, sizeof what, "the sweeper at %s", at);
    else
        snprintf(what, sizeof what, "%s says \"%s\"", x.actor, text);
    check_fmt_at(!why.len, sc->file, lineno, what, "%s\n  reply: %s", why.s, line);
    text_free(&why);
    reply_clear(&r);
}

static void run_file(const char *path)
{
    struct scenario sc;
    memset(&sc, 0, sizeof sc);
    sc.file = path;
    char dir[] = "/tmp/concierge-scenario-XXXXXX", db[512], err[256];
    if (!mkdtemp(dir)) {
        check_fmt_at(0, path, 0, "mkdtemp", "%s", strerror(errno));
        return;
    }
    snprintf(db, sizeof db, "%s/s.db", dir);
    snprintf(sc.dir, sizeof sc.dir, "%s", dir);
    make_trees(dir);
    FILE *f = fopen(path, "r");
    /* On PostgreSQL (CONCIERGE_TEST_PG), a fresh database of the test cluster. */
    int pg = pg_test_enabled();
    if (f && pg && pg_test_create(db, sizeof db, err, sizeof err)) {
        check_fmt_at(0, path, 0, "cannot make a PostgreSQL database", "%s", err);
        fclose(f);
        return;
    }
    if (!f || store_open(db, pg ? 0 : STORE_CREATE, &sc.store, err, sizeof err) != STORE_OK) {
        check_fmt_at(0, path, 0, "cannot start", "%s", f ? err : "cannot read the file");
        if (f) fclose(f);
        return;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int lineno = 0, ready = 0, steps = 0, set_up = 0;
    while ((n = getline(&line, &cap, f)) > 0) {
        lineno++;
        if (n <= 1) continue;
        json_error_t je;
        json_t *j = json_loadb(line, (size_t)n, 0, &je);
        if (!j) {
            check_fmt_at(0, path, lineno, "bad JSON", "%s", je.text);
            continue;
        }
        if (!ready) {
            ready = 1;
            if (setup(&sc, j)) {
                json_decref(j);
                break;
            }
            set_up = 1;
        } else {
            step(&sc, lineno, j);
            steps++;
        }
        json_decref(j);
    }
    free(line);
    fclose(f);
    store_close(sc.store);
    if (pg) pg_test_drop(db);
    /* A scenario that runs nothing must not pass (a failed setup has failed already). */
    if (!steps && (set_up || !ready))
        check_at(0, path, lineno, "no step in the file (a setup line, then one step a line)", NULL, NULL);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "chmod -R u+w '%s'; rm -rf '%s'", dir, dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: scenario_runner FILE.jsonl...\n");
        return 2;
    }
    for (int i = 1; i < argc; i++)
        run_file(argv[i]);
    return CHECK_SUMMARY();
}
