/* The scenario runner: each file of corpus/scenarios/ (see its README) against a fresh store
 * in a temporary folder, in-process, through execute_text as the command line runs it. Prints
 * a readable account of each failing step and "N passed, N failed" (steps). */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../actions/execute.h"
#include "../frontends/cli/cli.h"
#include "../intent/timecalc.h"
#include "check.h"

struct scenario {
    const char *file;
    struct store *store;
    char as[300], sandbox[80];
    int64_t now;
    char token[16];
    char dir[64]; /* the scenario's temporary folder: $DIR in setup and in exists/missing */
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

/* s with $DIR replaced by the scenario's folder. */
static void with_dir(const char *s, const char *dir, char *out, size_t size)
{
    const char *at = strstr(s, "$DIR");
    if (!at)
        snprintf(out, size, "%s", s);
    else
        snprintf(out, size, "%.*s%s%s", (int)(at - s), s, dir, at + 4);
}

static int setup(struct scenario *sc, json_t *first)
{
    json_t *cmds = json_object_get(first, "setup");
    size_t i;
    json_t *c;
    json_array_foreach(cmds, i, c)
    {
        char buf[512];
        char *argv[32];
        int argc = 0;
        with_dir(json_string_value(c) ? json_string_value(c) : "", sc->dir, buf, sizeof buf);
        for (char *t = strtok(buf, " "); t && argc < 32; t = strtok(NULL, " "))
            argv[argc++] = t;
        int rc = admin_run(sc->store, argc, argv, 0);
        if (rc != 0) {
            check_fmt_at(0, sc->file, 1, "setup", "\"%s\" exited %d", json_string_value(c), rc);
            return -1;
        }
    }
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
    return 0;
}

/* text with $TOKEN replaced by the last pending token */
static void expand(const char *text, const char *token, char *out, size_t size)
{
    const char *at = strstr(text, "$TOKEN");
    if (!at)
        snprintf(out, size, "%s", text);
    else
        snprintf(out, size, "%.*s%s%s", (int)(at - text), text, token, at + 6);
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
    if (!raw || !want) {
        check_at(0, sc->file, lineno, "a step needs text and status", NULL, NULL);
        return;
    }
    char text[2048];
    expand(raw, sc->token, text, sizeof text);
    struct exec_ctx x = {.store = sc->store,
                         .actor = as ? as : sc->as,
                         .sandbox = sb ? sb : sc->sandbox,
                         .now = sc->now,
                         .yes = json_is_true(json_object_get(st, "yes")),
                         .conversation = ""};
    struct reply r;
    reply_init(&r);
    execute_text(&x, text, strlen(text), &r);
    static char line[1 << 20];
    if (reply_write_json(&r, line, sizeof line) < 0) snprintf(line, sizeof line, "(reply too large)");
    if (r.token[0]) snprintf(sc->token, sizeof sc->token, "%s", r.token);

    char why[1024] = "";
    if (strcmp(reply_status_name(r.status), want) != 0)
        snprintf(why, sizeof why, "status %s, want %s", reply_status_name(r.status), want);
    /* Every answer that is not a plain success says why (codes.def), and the step asserts it. */
    const char *want_code = json_string_value(json_object_get(st, "code"));
    const char *got_code = code_name(r.code);
    if (!why[0] && !want_code && got_code)
        snprintf(why, sizeof why, "a %s step needs its \"code\" (got \"%s\")", want, got_code);
    if (!why[0] && want_code && (!got_code || strcmp(want_code, got_code) != 0))
        snprintf(why, sizeof why, "code %s, want %s", got_code ? got_code : "null", want_code);
    json_t *ex = json_object_get(st, "exit");
    if (!why[0] && ex && json_integer_value(ex) != reply_exit_code(r.status))
        snprintf(why, sizeof why, "exit %d, want %d", reply_exit_code(r.status), (int)json_integer_value(ex));
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(st, "contains"), i, s)
    {
        if (!why[0] && json_string_value(s) && !strstr(line, json_string_value(s)))
            snprintf(why, sizeof why, "the reply lacks %s", json_string_value(s));
    }
    json_array_foreach(json_object_get(st, "absent"), i, s)
    {
        if (!why[0] && json_string_value(s) && strstr(line, json_string_value(s)))
            snprintf(why, sizeof why, "the reply has %s", json_string_value(s));
    }
    json_array_foreach(json_object_get(st, "exists"), i, s)
    {
        char p[512];
        struct stat stt;
        with_dir(json_string_value(s) ? json_string_value(s) : "", sc->dir, p, sizeof p);
        if (!why[0] && lstat(p, &stt) != 0)
            snprintf(why, sizeof why, "%s is missing", p);
        else if (!why[0] && S_ISREG(stt.st_mode) && (stt.st_mode & 0222))
            snprintf(why, sizeof why, "%s is writable", p);
    }
    json_array_foreach(json_object_get(st, "missing"), i, s)
    {
        char p[512];
        struct stat stt;
        with_dir(json_string_value(s) ? json_string_value(s) : "", sc->dir, p, sizeof p);
        if (!why[0] && lstat(p, &stt) == 0) snprintf(why, sizeof why, "%s should not be there", p);
    }
    char what[2200];
    snprintf(what, sizeof what, "%s says \"%s\"", x.actor, text);
    check_fmt_at(!why[0], sc->file, lineno, what, "%s\n  reply: %s", why, line);
    reply_clear(&r);
}

static void run_file(const char *path)
{
    struct scenario sc;
    memset(&sc, 0, sizeof sc);
    sc.file = path;
    char dir[] = "/tmp/concierge-scenario-XXXXXX", db[64], err[256];
    if (!mkdtemp(dir)) {
        check_fmt_at(0, path, 0, "mkdtemp", "%s", strerror(errno));
        return;
    }
    snprintf(db, sizeof db, "%s/s.db", dir);
    snprintf(sc.dir, sizeof sc.dir, "%s", dir);
    make_trees(dir);
    FILE *f = fopen(path, "r");
    if (!f || store_open(db, STORE_CREATE, &sc.store, err, sizeof err) != STORE_OK) {
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
