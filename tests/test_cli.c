/* test_cli: the real `concierge parse` binary against interfaces.md and language.md, over
 * pipes (fork/exec, no shell); at the end, access that ends, on a real store with `concierge
 * check`, `admin` and phrases.
 *
 *   test_cli /path/to/concierge
 *
 * With CONCIERGE_TEST_PG_FILE (ctest's pg.cli.parse) the parts that keep a store run on a
 * fresh PostgreSQL database each, and the rest, which keeps none, is left to the run on
 * SQLite, saying so; so is what is a SQLite file's alone (a missing store is made by a change,
 * never by a question).
 *
 * Prints "N passed, M failed" as its last line; exit 1 on any failure. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "../intent/codes.h"
#include "../store/store.h"
#include "check.h"
#include "pg_test.h"
#include "spawn.h"

#define TIMEOUT_MS       20000 /* a whole run; generous for sanitizer builds */
#define REPLY_TIMEOUT_MS 5000  /* one reply over a pipe */

#define CTX "--as", "@owner", "--sandbox", "demo", "--now", "2026-11-18T15:30:00Z", "--tz", "UTC"

static const char *bin;

/* ---- Running the binary ------------------------------------------------------------- */

/* The environment of every run: without CONCIERGE_AS, CONCIERGE_SANDBOX and TZ, then env
 * ("K=V", NULL-terminated, or NULL) on top. */
static void child_env(const char **out, const char *const *env)
{
    int n = 0;
    out[n++] = "CONCIERGE_AS";
    out[n++] = "CONCIERGE_SANDBOX";
    out[n++] = "TZ";
    for (int i = 0; env && env[i] && n < 15; i++)
        out[n++] = env[i];
    out[n] = NULL;
}

/* bin, then args (NULL-terminated). */
static void child_argv(const char **argv, const char *const *args)
{
    int n = 0;
    argv[n++] = bin;
    for (int i = 0; args[i] && n < 63; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
}

/* Runs the binary to the end, feeding it `in` (NULL: stdin closed at once). */
static void run(const char *const *args, const char *const *env, const char *in, size_t in_len,
                struct spawn_result *r)
{
    const char *argv[64], *envs[16];
    child_argv(argv, args);
    child_env(envs, env);
    spawn_run(argv, envs, in, in_len, TIMEOUT_MS, r);
}

/* The number of '\n'-terminated lines of its output. */
static int count_lines(const struct spawn_result *r)
{
    int n = 0;
    for (size_t i = 0; i < r->out_len; i++)
        n += r->out[i] == '\n';
    return n;
}

/* Line i (0-based) of its output, without its newline, into a new string (NULL when absent). */
static char *line_at(const struct spawn_result *r, int i)
{
    const char *s = r->out, *end = r->out + r->out_len;
    for (; i > 0 && s < end; i--) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        if (!nl) return NULL;
        s = nl + 1;
    }
    if (s >= end) return NULL;
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
    char *l = malloc(n + 1);
    if (!l) exit(1);
    memcpy(l, s, n);
    l[n] = '\0';
    return l;
}

/* A refusal line: a JSON object {"error": kind, "code": "...", "message": "...", "hint"?: "..."}
 * with no other key, "error" first, and a code from the closed list (codes.def). */
static int is_refusal(const char *line, const char *kind)
{
    if (!line) return 0;
    char prefix[64];
    snprintf(prefix, sizeof prefix, "{\"error\":\"%s\",", kind);
    if (strncmp(line, prefix, strlen(prefix)) != 0) return 0;
    json_error_t e;
    json_t *o = json_loads(line, 0, &e);
    int ok = json_is_object(o) && json_is_string(json_object_get(o, "message")) &&
             json_string_length(json_object_get(o, "message")) > 0 &&
             json_is_string(json_object_get(o, "code")) &&
             code_from_name(json_string_value(json_object_get(o, "code"))) != C_NONE;
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v)
    {
        if (strcmp(key, "error") && strcmp(key, "code") && strcmp(key, "message") && strcmp(key, "hint"))
            ok = 0;
        if (!json_is_string(v)) ok = 0;
    }
    json_decref(o);
    return ok;
}

/* ---- The language.md examples -------------------------------------------------------- */

static const struct example {
    const char *text, *json;
} examples[] = {
    {"Give @bob viewer access for the next 30 days",
     "{\"intent\":\"invite\",\"principals\":[\"@bob\"],\"role\":\"viewer\",\"sandbox\":\"demo\",\"project\":"
     "null,"
     "\"expires_at\":\"2026-12-18T15:30:00Z\"}"},
    {"Add @carol as editor, but only for the marketing project.",
     "{\"intent\":\"invite\",\"principals\":[\"@carol\"],\"role\":\"editor\",\"sandbox\":\"demo\","
     "\"project\":"
     "\"marketing\",\"expires_at\":null}"},
    {"invite <@U024BE7LH|bob> and dana@example.com to sandbox acme until friday",
     "{\"intent\":\"invite\",\"principals\":[\"slack:U024BE7LH\",\"dana@example.com\"],\"role\":\"viewer\","
     "\"sandbox\":\"acme\",\"project\":null,\"expires_at\":\"2026-11-21T00:00:00Z\"}"},
    {"extend @bob's access by a fortnight", "{\"intent\":\"set_expiry\",\"principals\":[\"@bob\"],"
                                            "\"sandbox\":\"demo\",\"project\":null,\"expires_at\":null,"
                                            "\"extend_by\":\"P14D\"}"},
    {"Who has access to this sandbox?",
     "{\"intent\":\"list_access\",\"sandbox\":\"demo\",\"project\":null,\"role\":null}"},
};
#define N_EXAMPLES (int)(sizeof examples / sizeof examples[0])

static void test_examples_as_args(void)
{
    for (int i = 0; i < N_EXAMPLES; i++) {
        const char *args[] = {"parse", "--json", CTX, examples[i].text, NULL};
        struct spawn_result r;
        run(args, NULL, NULL, 0, &r);
        char name[160];
        snprintf(name, sizeof name, "example as argument: %s", examples[i].text);
        char want[1024];
        snprintf(want, sizeof want, "%s\n", examples[i].json);
        CHECK_STR(r.out, want, name);
        CHECK_INT(r.status, 0, name);
        spawn_result_free(&r);
    }
    /* Several words on the command line are one command, joined by spaces. */
    const char *args[] = {"parse", "--json", CTX,    "Give", "@bob", "viewer", "access",
                          "for",   "the",    "next", "30",   "days", NULL};
    struct spawn_result r;
    run(args, NULL, NULL, 0, &r);
    char want[1024];
    snprintf(want, sizeof want, "%s\n", examples[0].json);
    CHECK_STR(r.out, want, "words as separate arguments are one command");
    CHECK_INT(r.status, 0, "words as separate arguments are one command");
    spawn_result_free(&r);
}

static void test_refusals(void)
{
    static const struct {
        const char *text, *kind;
    } cases[] = {
        {"invte @bob", "not_understood"},
        {"delete this sandbox", "not_understood"},
        {"invite @bob as owner", "invalid"},
        {"invite @bob for 0 days", "invalid"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *args[] = {"parse", "--json", CTX, cases[i].text, NULL};
        struct spawn_result r;
        run(args, NULL, NULL, 0, &r);
        char name[160];
        snprintf(name, sizeof name, "refusal '%s' is %s", cases[i].text, cases[i].kind);
        char *l = line_at(&r, 0);
        CHECKF(is_refusal(l, cases[i].kind) && count_lines(&r) == 1 && r.out_len == strlen(l) + 1, name,
               "got %s", r.out);
        CHECK_INT(r.status, 2, name);
        free(l);
        spawn_result_free(&r);
    }
}

/* ---- Standard input ------------------------------------------------------------------ */

static void test_stdin_lines(void)
{
    /* Blank lines, comments and a CRLF line; the last line has no newline. */
    const char *in = "Give @bob viewer access for the next 30 days\n"
                     "\n"
                     "# a comment: invite @mallory\n"
                     "invte @bob\n"
                     "\r\n"
                     "#invite @eve\n"
                     "Who has access to this sandbox?\r\n"
                     "\n\n"
                     "extend @bob's access by a fortnight";
    const char *args[] = {"parse", "--json", CTX, NULL};
    struct spawn_result r;
    run(args, NULL, in, strlen(in), &r);
    const char *name = "stdin: one line per command, in order";
    CHECKF(count_lines(&r) == 4 && r.out_len > 0 && r.out[r.out_len - 1] == '\n', name,
           "want 4 lines, got:\n%s", r.out);
    char *l0 = line_at(&r, 0), *l1 = line_at(&r, 1), *l2 = line_at(&r, 2), *l3 = line_at(&r, 3);
    CHECK_STR(l0, examples[0].json, "stdin line 1");
    CHECKF(is_refusal(l1, "not_understood"), "stdin line 2 is a refusal", "got %s", l1 ? l1 : "(nothing)");
    CHECK_STR(l2, examples[4].json, "stdin line 3 (CRLF)");
    CHECK_STR(l3, examples[3].json, "stdin line 4 (no final newline)");
    CHECK_INT(r.status, 2, "stdin: the status of the first failure");
    free(l0);
    free(l1);
    free(l2);
    free(l3);
    spawn_result_free(&r);

    /* Every line understood: exit 0. */
    const char *ok_in =
        "Give @bob viewer access for the next 30 days\n# note\n\nWho has access to this sandbox?\n";
    run(args, NULL, ok_in, strlen(ok_in), &r);
    CHECKF(count_lines(&r) == 2, "stdin all understood: two lines", "got:\n%s", r.out);
    CHECK_INT(r.status, 0, "stdin all understood");
    spawn_result_free(&r);

    /* The first failure sets the status even when later lines are fine. */
    const char *first_bad = "invite @bob as owner\nWho has access to this sandbox?\n";
    run(args, NULL, first_bad, strlen(first_bad), &r);
    char *b0 = line_at(&r, 0), *b1 = line_at(&r, 1);
    CHECKF(is_refusal(b0, "invalid"), "stdin: first line invalid", "got %s", b0 ? b0 : "(nothing)");
    CHECK_STR(b1, examples[4].json, "stdin: later line still answered");
    CHECK_INT(r.status, 2, "stdin: a refusal first, then a success");
    free(b0);
    free(b1);
    spawn_result_free(&r);

    /* Nothing but comments and blank lines: no output, exit 0. */
    const char *none = "# only a comment\n\n\n# another\n";
    run(args, NULL, none, strlen(none), &r);
    CHECKF(r.out_len == 0, "stdin: comments only print nothing", "got:\n%s", r.out);
    CHECK_INT(r.status, 0, "stdin: comments only");
    spawn_result_free(&r);

    /* Bulk input through full pipes both ways: every line answered, in order. */
    struct spawn_buf bulk = {0};
    int n = 5000;
    for (int i = 0; i < n; i++) {
        const char *t = i % 3 == 2 ? "invte @bob\n"
                        : i % 3    ? "Who has access to this sandbox?\n"
                                   : "Give @bob viewer access for the next 30 days\n";
        spawn_buf_add(&bulk, t, strlen(t));
    }
    run(args, NULL, bulk.p, bulk.len, &r);
    int lines = count_lines(&r), in_order = lines == n;
    for (int i = 0; in_order && i < n; i += 997) {
        char *l = line_at(&r, i);
        in_order =
            i % 3 == 2 ? is_refusal(l, "not_understood") : strcmp(l, examples[i % 3 ? 4 : 0].json) == 0;
        free(l);
    }
    CHECKF(in_order, "stdin: 5000 lines, 5000 answers in order", "got %d lines", lines);
    CHECK_INT(r.status, 2, "stdin: 5000 lines");
    spawn_result_free(&r);
    spawn_buf_free(&bulk);
}

/* ---- Long lines ---------------------------------------------------------------------- */

/* "invite @bob", spaces, "as viewer": a phrase the grammar accepts, padded to `len` bytes. */
static char *padded_phrase(size_t len)
{
    const char *head = "invite @bob", *tail = "as viewer";
    char *s = malloc(len + 1);
    if (!s) exit(1);
    memset(s, ' ', len);
    memcpy(s, head, strlen(head));
    memcpy(s + len - strlen(tail), tail, strlen(tail));
    s[len] = '\0';
    return s;
}

static void test_long_lines(void)
{
    const char *want_ok =
        "{\"intent\":\"invite\",\"principals\":[\"@bob\"],\"role\":\"viewer\",\"sandbox\":\"demo\","
        "\"project\":null,\"expires_at\":null}";
    const char *args[] = {"parse", "--json", CTX, NULL};
    char *p1000 = padded_phrase(1000), *p1001 = padded_phrase(1001);
    struct spawn_buf in = {0};
    spawn_buf_add(&in, p1000, 1000);
    spawn_buf_add(&in, "\n", 1);
    spawn_buf_add(&in, p1001, 1001);
    spawn_buf_add(&in, "\n", 1);
    spawn_buf_add(&in, "Who has access to this sandbox?\n", 32);
    struct spawn_result r;
    run(args, NULL, in.p, in.len, &r);
    char *l0 = line_at(&r, 0), *l1 = line_at(&r, 1), *l2 = line_at(&r, 2);
    CHECKF(count_lines(&r) == 3, "long lines: one answer each", "got:\n%s", r.out);
    CHECK_STR(l0, want_ok, "a 1,000-byte line is parsed");
    CHECKF(is_refusal(l1, "not_understood") && strstr(l1, "long"), "a 1,001-byte line is refused as too long",
           "got %s", l1 ? l1 : "(nothing)");
    CHECK_STR(l2, examples[4].json, "the line after a too-long line parses");
    CHECK_INT(r.status, 2, "long lines");
    free(l0);
    free(l1);
    free(l2);
    spawn_result_free(&r);
    spawn_buf_free(&in);

    /* As a command-line argument too. */
    const char *a1[] = {"parse", "--json", CTX, p1001, NULL};
    run(a1, NULL, NULL, 0, &r);
    char *la = line_at(&r, 0);
    CHECKF(is_refusal(la, "not_understood") && strstr(la, "long") && count_lines(&r) == 1,
           "a 1,001-byte argument is refused as too long", "got %s", r.out);
    CHECK_INT(r.status, 2, "a 1,001-byte argument");
    free(la);
    spawn_result_free(&r);

    /* A line far longer than any read buffer (200 KB): one refusal, then the next line. */
    struct spawn_buf huge = {0};
    for (int i = 0; i < 200000 / 10; i++)
        spawn_buf_add(&huge, "invite @x ", 10);
    spawn_buf_add(&huge, "\nWho has access to this sandbox?\n", 33);
    run(args, NULL, huge.p, huge.len, &r);
    char *h0 = line_at(&r, 0), *h1 = line_at(&r, 1);
    CHECKF(count_lines(&r) == 2 && is_refusal(h0, "not_understood"), "a 200 KB line is one refusal",
           "got %d lines", count_lines(&r));
    CHECK_STR(h1, examples[4].json, "the line after a 200 KB line parses");
    free(h0);
    free(h1);
    spawn_result_free(&r);
    spawn_buf_free(&huge);
    free(p1000);
    free(p1001);
}

/* ---- Usage errors, --help, --version ----------------------------------------------- */

static void test_usage(void)
{
    struct spawn_result r;
    const char *tz[] = {"parse",
                        "--json",
                        "--as",
                        "@owner",
                        "--sandbox",
                        "demo",
                        "--now",
                        "2026-11-18T15:30:00Z",
                        "--tz",
                        "Mars/Olympus",
                        "Give @bob viewer access for the next 30 days",
                        NULL};
    run(tz, NULL, NULL, 0, &r);
    CHECKF(r.out_len == 0, "unknown --tz prints nothing on stdout", "got %s", r.out);
    CHECK(r.err_len > 0, "unknown --tz says why on stderr");
    CHECK_INT(r.status, 2, "unknown --tz is a usage error");
    spawn_result_free(&r);

    const char *tz_stdin[] = {"parse", "--json", "--tz", "Mars/Olympus", NULL};
    const char *line = "Who has access to this sandbox?\n";
    run(tz_stdin, NULL, line, strlen(line), &r);
    CHECKF(r.out_len == 0, "unknown --tz with stdin prints nothing on stdout", "got %s", r.out);
    CHECK_INT(r.status, 2, "unknown --tz with stdin is a usage error");
    spawn_result_free(&r);

    const char *now[] = {"parse",
                         "--json",
                         "--as",
                         "@owner",
                         "--sandbox",
                         "demo",
                         "--now",
                         "garbage",
                         "--tz",
                         "UTC",
                         "Who has access to this sandbox?",
                         NULL};
    run(now, NULL, NULL, 0, &r);
    CHECKF(r.out_len == 0, "--now garbage prints nothing on stdout", "got %s", r.out);
    CHECK_INT(r.status, 2, "--now garbage is a usage error");
    spawn_result_free(&r);

    const char *help[] = {"--help", NULL};
    run(help, NULL, NULL, 0, &r);
    CHECKF(r.out_len > 0 && strstr(r.out, "parse") != NULL, "--help prints the usage", "got %s", r.out);
    CHECK_INT(r.status, 0, "--help");
    spawn_result_free(&r);

    const char *version[] = {"--version", NULL};
    run(version, NULL, NULL, 0, &r);
    CHECKF(strncmp(r.out, "concierge ", 10) == 0 && count_lines(&r) == 1, "--version prints \"concierge \"",
           "got %s", r.out);
    CHECK_INT(r.status, 0, "--version");
    spawn_result_free(&r);
}

/* ---- Options anywhere, each --help (interfaces.md, Command line; issue 10, item 6) -------- */

/* Runs args; checks the status, that stdout is want (NULL: not checked) and that stderr holds
 * err_has (NULL: stderr is empty). */
static void expect(const char *const *args, const char *const *env, int status, const char *want,
                   const char *err_has, const char *name)
{
    struct spawn_result r;
    run(args, env, NULL, 0, &r);
    CHECKF(r.status == status, name, "status %d, want %d; stderr %s", r.status, status, r.err);
    if (want) CHECK_STR(r.out, want, name);
    if (err_has)
        CHECKF(strstr(r.err, err_has) != NULL, name, "stderr lacks '%s': %s", err_has, r.err);
    else
        CHECKF(r.err_len == 0, name, "stderr: %s", r.err);
    spawn_result_free(&r);
}

static void test_options_anywhere(void)
{
    char ex0[1024], ex4[1024];
    snprintf(ex0, sizeof ex0, "%s\n", examples[0].json);
    snprintf(ex4, sizeof ex4, "%s\n", examples[4].json);
    /* A store that cannot be made: were a phrase carried out instead of parsed, it would fail. */
    const char *no_store[] = {"CONCIERGE_DB=/dev/null/c.db", NULL};

    const char *after[] = {"parse", CTX, "Who has access to this sandbox?", "--json", NULL};
    expect(after, no_store, 0, ex4, NULL, "--json after the text");
    const char *between[] = {"parse",
                             "Give",
                             "@bob",
                             "--json",
                             "viewer",
                             "access",
                             "for",
                             "the",
                             "--as",
                             "@owner",
                             "next",
                             "30",
                             "days",
                             "--sandbox",
                             "demo",
                             "--now",
                             "2026-11-18T15:30:00Z",
                             "--tz",
                             "UTC",
                             NULL};
    expect(between, no_store, 0, ex0, NULL,
           "options between the words of the text, the words still one command");
    const char *eq[] = {
        "parse",    "--json",         "--as=@owner", "--sandbox=demo", "--now=2026-11-18T15:30:00Z",
        "--tz=UTC", examples[0].text, NULL};
    expect(eq, no_store, 0, ex0, NULL, "--opt=value is --opt value");
    const char *before[] = {"--json", CTX, "parse", "Who has access to this sandbox?", NULL};
    expect(before, no_store, 0, ex4, NULL, "options before the subcommand");
    const char *before_eq[] = {"--tz=UTC", "--as",   "@owner",
                               "-q",       "parse",  "--sandbox",
                               "demo",     "--json", "Who has access to this sandbox?",
                               NULL};
    expect(before_eq, no_store, 0, ex4, NULL, "options before and after the subcommand");

    /* A word that starts with - and a digit is text: the language refuses it, not the options. */
    const char *neg[] = {"parse", "--json", CTX, "invite", "@bob", "for", "-3", "days", NULL};
    struct spawn_result r;
    run(neg, no_store, NULL, 0, &r);
    CHECKF(r.status == 2 && strstr(r.out, "\"code\":\"not_positive\"") && r.err_len == 0,
           "'for -3 days' is not_positive, not an unknown option", "status %d: %s %s", r.status, r.out,
           r.err);
    spawn_result_free(&r);
    /* -- ends the options: what follows is text, even --json. */
    const char *dashes[] = {"parse", CTX, "--", "--json", "Who", "has", "access", NULL};
    run(dashes, no_store, NULL, 0, &r);
    CHECKF(r.status == 2 && strncmp(r.out, "not understood: ", 16) == 0 && r.err_len == 0,
           "after --, --json is text (one phrase, not understood)", "status %d: %s %s", r.status, r.out,
           r.err);
    spawn_result_free(&r);
    const char *dashes2[] = {"parse", "--json", CTX, "--", "Who has access to this sandbox?", NULL};
    expect(dashes2, no_store, 0, ex4, NULL, "-- then the text");
    const char *dash_sub[] = {"--", "parse", "x", NULL};
    run(dash_sub, no_store, NULL, 0, &r);
    CHECKF(r.status == 1 && r.out_len == 0 && strstr(r.err, "/dev/null/c.db"),
           "after --, a subcommand's name is text to carry out (so a store is needed)", "status %d: %s %s",
           r.status, r.out, r.err);
    spawn_result_free(&r);

    /* Short flags bundle. */
    const char *bundle[] = {"parse", "-yq", CTX, "Who has access to this sandbox?", NULL};
    expect(bundle, no_store, 0, "", NULL, "-yq is -y -q (quiet: nothing printed)");
    const char *bad_bundle[] = {"parse", "-yx", CTX, "Who has access to this sandbox?", NULL};
    expect(bad_bundle, no_store, 2, "", "unknown option '-x'", "-yx: the unknown letter is named");

    /* Usage errors wherever the option is. */
    const char *unknown_after[] = {"parse", CTX, "Who has access to this sandbox?", "--bogus", NULL};
    expect(unknown_after, no_store, 2, "", "unknown option '--bogus'", "an unknown option after the text");
    const char *flag_value[] = {"parse", CTX, "--json=yes", "Who has access to this sandbox?", NULL};
    expect(flag_value, no_store, 2, "", "--json=yes", "a flag given a value");
    const char *missing[] = {"parse", "Who has access to this sandbox?", "--now", NULL};
    expect(missing, no_store, 2, "", "missing value after '--now'", "a value missing at the end");
    const char *bad_now[] = {"parse", "Who has access to this sandbox?", "--now=garbage", NULL};
    expect(bad_now, no_store, 2, "", "--now takes an RFC 3339 instant",
           "--now=garbage is refused as --now is");

    /* serve is found after options too: the store is opened (and missing), so serve ran. */
    const char *serve_after[] = {"--db", "/dev/null/c.db", "serve", "--listen=127.0.0.1:0", NULL};
    run(serve_after, NULL, NULL, 0, &r);
    CHECKF(r.status == 1 && strstr(r.err, "concierge serve: "), "concierge --db X serve --listen=A:P",
           "status %d: %s", r.status, r.err);
    spawn_result_free(&r);
    const char *serve_bad[] = {"serve", "--threads=0", NULL};
    expect(serve_bad, NULL, 2, "", "--threads takes 1 to 64",
           "serve --threads=0 is refused as --threads 0 is");
    const char *serve_word[] = {"serve", "now", NULL};
    expect(serve_word, NULL, 2, "", "unexpected now", "serve takes no words");
    const char *serve_json[] = {"--json", "serve", NULL};
    expect(serve_json, NULL, 2, "", "concierge serve: unknown option '--json'",
           "serve refuses what it does not take");
}

static void test_help_version(void)
{
    /* Each subcommand's --help lists its own options, on stdout, whatever the environment
     * holds and wherever --help is. */
    static const struct {
        const char *args[5], *usage, *option;
    } helps[] = {
        {{"--help"}, "usage: concierge [OPTIONS] [TEXT...]", "  -y, --yes"},
        {{"who", "has", "access", "-h"}, "usage: concierge [OPTIONS] [TEXT...]", "--json"},
        {{"parse", "--help"}, "usage: concierge parse [OPTIONS] [TEXT...]", "--tz ZONE"},
        {{"--help", "parse"}, "usage: concierge parse [OPTIONS] [TEXT...]", "-q, --quiet"},
        {{"check", "@bob", "--help"}, "usage: concierge check [OPTIONS] PRINCIPAL ACTION", "--project NAME"},
        {{"admin", "--help"}, "usage: concierge admin [OPTIONS] COMMAND", "--owner P"},
        {{"admin", "sandbox", "add", "-h"}, "usage: concierge admin [OPTIONS] COMMAND", "slack map --team T"},
        {{"serve", "--help"}, "usage: concierge serve [OPTIONS]", "--listen ADDR:PORT"},
        {{"--db", "x", "serve", "-h"}, "usage: concierge serve [OPTIONS]", "--slack-signing-secret-file F"},
        {{"sweep", "--help"}, "usage: concierge sweep [OPTIONS]", "--now RFC3339"},
        {{"--json", "sweep", "-h"}, "usage: concierge sweep [OPTIONS]", "-q, --quiet"},
    };
    const char *bad_env[] = {"CONCIERGE_AS=not a principal", "CONCIERGE_DB=/dev/null/c.db", NULL};
    for (size_t i = 0; i < sizeof helps / sizeof helps[0]; i++) {
        struct spawn_result r;
        run(helps[i].args, bad_env, NULL, 0, &r);
        char name[160];
        snprintf(name, sizeof name, "help: %s %s %s", helps[i].args[0],
                 helps[i].args[1] ? helps[i].args[1] : "", helps[i].args[2] ? helps[i].args[2] : "");
        CHECKF(r.status == 0 && strncmp(r.out, helps[i].usage, strlen(helps[i].usage)) == 0 &&
                   strstr(r.out, helps[i].option) && strstr(r.out, "--version") && r.err_len == 0,
               name, "status %d: %s%s", r.status, r.out, r.err);
        spawn_result_free(&r);
    }
    /* --version: concierge's and SQLite's, one line, from every subcommand. */
    const char *const versions[][3] = {
        {"--version"}, {"parse", "--version"}, {"serve", "--version"}, {"who", "--version"}};
    for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++) {
        struct spawn_result r;
        run(versions[i], bad_env, NULL, 0, &r);
        CHECKF(r.status == 0 && strncmp(r.out, "concierge 0.", 12) == 0 && strstr(r.out, " (SQLite 3.") &&
                   count_lines(&r) == 1,
               "--version names concierge's version and SQLite's", "status %d: %s%s", r.status, r.out, r.err);
        spawn_result_free(&r);
    }
    /* admin --words: each admin command's words, a line each, as admin --help lists them. */
    const char *words[] = {"admin", "--words", NULL}, *help[] = {"admin", "--help", NULL};
    struct spawn_result w, h;
    run(words, NULL, NULL, 0, &w);
    run(help, NULL, NULL, 0, &h);
    const char *cmds = strstr(h.out, "\ncommands:\n");
    int listed = 0, all_in_help = cmds != NULL;
    for (int i = 0; all_in_help; i++) {
        char *l = line_at(&w, i), want[128];
        if (!l) break;
        listed++;
        snprintf(want, sizeof want, "\n  %s ", l);
        all_in_help =
            strstr(cmds, want) != NULL || (snprintf(want, sizeof want, "\n  %s\n", l), strstr(cmds, want));
        free(l);
    }
    CHECKF(w.status == 0 && listed >= 17 && all_in_help && strstr(w.out, "workspace member add\n"),
           "admin --words: every command's words, each in admin --help", "%d listed: %s", listed, w.out);
    spawn_result_free(&w);
    spawn_result_free(&h);
}

/* ---- Environment defaults ------------------------------------------------------------ */

static void test_env(void)
{
    const char *env[] = {"CONCIERGE_AS=@zed", "CONCIERGE_SANDBOX=zz", NULL};
    struct spawn_result r;
    const char *args[] = {"parse", "--json",           "--now", "2026-11-18T15:30:00Z", "--tz",
                          "UTC",   "remove my access", NULL};
    run(args, env, NULL, 0, &r);
    CHECK_STR(r.out,
              "{\"intent\":\"revoke\",\"principals\":[\"@zed\"],\"sandbox\":\"zz\",\"project\":null}\n",
              "CONCIERGE_AS and CONCIERGE_SANDBOX apply without flags");
    CHECK_INT(r.status, 0, "environment defaults");
    spawn_result_free(&r);

    const char *flags[] = {"parse", "--json", CTX, "remove my access", NULL};
    run(flags, env, NULL, 0, &r);
    CHECK_STR(r.out,
              "{\"intent\":\"revoke\",\"principals\":[\"@owner\"],\"sandbox\":\"demo\",\"project\":null}\n",
              "--as and --sandbox win over the environment");
    spawn_result_free(&r);

    /* Without either, the sandbox is "default". */
    const char *none[] = {"parse",  "--json", "--as",
                          "@owner", "--now",  "2026-11-18T15:30:00Z",
                          "--tz",   "UTC",    "Who has access to this sandbox?",
                          NULL};
    run(none, NULL, NULL, 0, &r);
    CHECK_STR(r.out, "{\"intent\":\"list_access\",\"sandbox\":\"default\",\"project\":null,\"role\":null}\n",
              "the sandbox defaults to \"default\"");
    spawn_result_free(&r);
}

/* ---- Answers over a pipe, one at a time ---------------------------------------------- */

/* Reads one line from fd within timeout_ms into *line (a new string). pending keeps what
 * came after it. 0, or -1 on timeout or end of file. */
static int read_reply(int fd, struct spawn_buf *pending, char **line, int timeout_ms)
{
    int64_t deadline = spawn_now_ms() + timeout_ms;
    for (;;) {
        char *nl = pending->p ? memchr(pending->p, '\n', pending->len) : NULL;
        if (nl) {
            size_t n = (size_t)(nl - pending->p);
            *line = malloc(n + 1);
            if (!*line) exit(1);
            memcpy(*line, pending->p, n);
            (*line)[n] = '\0';
            memmove(pending->p, nl + 1, pending->len - n - 1);
            pending->len -= n + 1;
            pending->p[pending->len] = '\0';
            return 0;
        }
        int64_t left = deadline - spawn_now_ms();
        if (left <= 0) return -1;
        struct pollfd p = {fd, POLLIN, 0};
        int k = poll(&p, 1, (int)left);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return -1;
        char chunk[4096];
        ssize_t got = read(fd, chunk, sizeof chunk);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return -1;
        spawn_buf_add(pending, chunk, (size_t)got);
    }
}

static void test_interactive(void)
{
    const char *args[] = {"parse", "--json", CTX, NULL};
    const char *argv[64], *envs[16];
    child_argv(argv, args);
    child_env(envs, NULL);
    struct spawn_child c;
    if (!CHECKF(spawn_start(&c, argv, envs, SPAWN_IN | SPAWN_OUT) == 0, "pipe: start", "%s", strerror(errno)))
        return;
    int fin = c.in, fout = c.out;
    pid_t pid = c.pid;
    struct spawn_buf pending = {0};
    static const char *const steps[] = {
        "Give @bob viewer access for the next 30 days\n",
        "# a comment gets no answer\n\nWho has access to this sandbox?\n",
        "invte @bob\n",
        "extend @bob's access by a fortnight\n",
    };
    /* The answer each step must get; NULL: a not_understood refusal. */
    const char *wants[] = {examples[0].json, examples[4].json, NULL, examples[3].json};
    int ok = 1;
    for (size_t i = 0; ok && i < sizeof steps / sizeof steps[0]; i++) {
        const char *s = steps[i];
        size_t len = strlen(s);
        ok = write(fin, s, len) == (ssize_t)len;
        char *line = NULL;
        char name[128];
        snprintf(name, sizeof name, "pipe: answer %zu arrives before stdin is closed", i + 1);
        if (!CHECKF(ok && read_reply(fout, &pending, &line, REPLY_TIMEOUT_MS) == 0, name,
                    "no answer within %d ms (output not flushed before waiting for input?)",
                    REPLY_TIMEOUT_MS)) {
            ok = 0;
            break;
        }
        if (wants[i])
            ok = CHECK_STR(line, wants[i], name);
        else
            ok = CHECKF(is_refusal(line, "not_understood"), name, "got %s", line);
        free(line);
    }
    CHECKF(pending.len == 0, "pipe: nothing but the answers", "extra output: %s", pending.p);
    close(fin);
    /* After end of input, nothing more, and the status of the first failure. */
    struct spawn_buf rest = {0};
    char chunk[4096];
    ssize_t got;
    struct pollfd p = {fout, POLLIN, 0};
    while (poll(&p, 1, TIMEOUT_MS) > 0 && (got = read(fout, chunk, sizeof chunk)) > 0)
        spawn_buf_add(&rest, chunk, (size_t)got);
    close(fout);
    if (!ok) kill(pid, SIGKILL);
    int status = spawn_wait(pid, spawn_now_ms() + TIMEOUT_MS);
    if (ok) {
        CHECKF(rest.len == 0, "pipe: nothing more after end of input", "got %s", rest.p);
        CHECK_INT(status, 2, "pipe: exit status after end of input");
    }
    spawn_buf_free(&rest);
    spawn_buf_free(&pending);
}

/* ---- Invalid bytes ------------------------------------------------------------------- */

static void test_bytes(void)
{
    const char *args[] = {"parse", "--json", CTX, NULL};
    const char in[] = "invite @b\xff"
                      "b\nlist members\x01\nWho has access to this sandbox?\n";
    struct spawn_result r;
    run(args, NULL, in, sizeof in - 1, &r);
    char *l0 = line_at(&r, 0), *l1 = line_at(&r, 1), *l2 = line_at(&r, 2);
    CHECKF(count_lines(&r) == 3, "invalid bytes: one answer per line", "got:\n%s", r.out);
    CHECKF(is_refusal(l0, "not_understood"), "invalid UTF-8 is refused", "got %s", l0 ? l0 : "(nothing)");
    CHECKF(is_refusal(l1, "not_understood"), "a control character is refused", "got %s",
           l1 ? l1 : "(nothing)");
    CHECK_STR(l2, examples[4].json, "the line after invalid bytes parses");
    free(l0);
    free(l1);
    free(l2);
    spawn_result_free(&r);
}

/* ---- Access that ends: a lapsed collaborator entry, a removed agent (issue 8) ---------- */

static char lapse_dir[] = "/tmp/concierge-cli-XXXXXX";
static char lapse_db[512];
static int pg; /* on PostgreSQL (pg_test_enabled) */

/* A fresh store for a test into lapse_db: dir/c.db on SQLite, made by its first use; on
 * PostgreSQL a new database with the default sandbox that first use makes (pg_test_store). */
static int fresh_store(const char *dir)
{
    char path[128], err[256];
    snprintf(path, sizeof path, "%s/c.db", dir);
    return CHECKF(pg_test_store(lapse_db, sizeof lapse_db, path, "@owner", err, sizeof err) == 0,
                  "a fresh store", "%s", err)
               ? 0
               : -1;
}

/* Runs the binary on the test's store: sub (admin, check, or NULL for a phrase), then --db,
 * then the arguments up to NULL. */
static void lapse_run(struct spawn_result *r, const char *sub, ...)
{
    const char *args[32];
    int n = 0;
    if (sub) args[n++] = sub;
    args[n++] = "--db";
    args[n++] = lapse_db;
    va_list ap;
    va_start(ap, sub);
    for (const char *a; n < 31 && (a = va_arg(ap, const char *));)
        args[n++] = a;
    va_end(ap);
    args[n] = NULL;
    run(args, NULL, NULL, 0, r);
}

#define AT "--sandbox", "demo", "--now", "2026-11-18T15:30:00Z", "--tz", "UTC"

/* Removes the store c.db (and its WAL files) and the folder that held it, and the PostgreSQL
 * database of lapse_db. */
static void remove_store(const char *dir)
{
    pg_test_store_drop(lapse_db);
    const char *files[] = {"c.db", "c.db-wal", "c.db-shm"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char f[128];
        snprintf(f, sizeof f, "%s/%s", dir, files[i]);
        unlink(f);
    }
    rmdir(dir);
}

static void test_access_that_ends(void)
{
    struct spawn_result r;
    if (!mkdtemp(lapse_dir)) {
        CHECKF(0, "lapse: a temporary folder", "%s", strerror(errno));
        return;
    }
    if (fresh_store(lapse_dir)) return;
    lapse_run(&r, "admin", "workspace", "add", "acme", NULL);
    int ok = r.status == 0;
    spawn_result_free(&r);
    lapse_run(&r, "admin", "workspace", "member", "add", "acme", "@wes", NULL);
    ok = ok && r.status == 0;
    spawn_result_free(&r);
    lapse_run(&r, "admin", "sandbox", "add", "demo", "--owner", "@owner", "--workspace", "acme", NULL);
    ok = ok && r.status == 0;
    spawn_result_free(&r);
    lapse_run(&r, "admin", "project", "add", "demo", "marketing", NULL);
    ok = ok && r.status == 0;
    spawn_result_free(&r);
    lapse_run(&r, "admin", "agent", "add", "demo", "support", NULL);
    ok = ok && r.status == 0;
    spawn_result_free(&r);
    lapse_run(&r, NULL, "--as", "@owner", AT, "--yes", "only let @wes into this sandbox's workloads", NULL);
    ok = ok && r.status == 0;
    spawn_result_free(&r);
    lapse_run(&r, NULL, "--as", "@owner", AT, "--yes", "share the support agent with @kim", NULL);
    ok = ok && r.status == 0;
    spawn_result_free(&r);
    if (!CHECK(ok, "lapse: the store is set up")) return;

    /* A workspace member's collaborator entry counts while they are a member… */
    lapse_run(&r, "check", AT, "@wes", "exec", NULL);
    CHECKF(r.status == 0 && strstr(r.out, "(rule collaborator)"), "check: a member collaborator may exec",
           "status %d: %s", r.status, r.out);
    spawn_result_free(&r);
    lapse_run(&r, "admin", "workspace", "member", "remove", "acme", "@wes", NULL);
    CHECK_INT(r.status, 0, "admin workspace member remove");
    spawn_result_free(&r);
    /* …and not once they have left it (lifecycle.md), whichever way the runtime asks. */
    lapse_run(&r, "check", AT, "@wes", "exec", NULL);
    CHECKF(r.status == 4 && strncmp(r.out, "deny:", 5) == 0 && strstr(r.out, "(rule collaborator-lapsed)"),
           "check: a collaborator who left the workspace may not exec", "status %d: %s", r.status, r.out);
    spawn_result_free(&r);
    lapse_run(&r, "check", AT, "--json", "@wes", "tunnel", NULL);
    CHECKF(r.status == 4 && strstr(r.out, "\"decision\":\"deny\",\"rule\":\"collaborator-lapsed\""),
           "check --json: nor open a tunnel", "status %d: %s", r.status, r.out);
    spawn_result_free(&r);
    lapse_run(&r, NULL, "--json", "--as", "@owner", AT, "can @wes ssh?", NULL);
    CHECKF(r.status == 0 && strstr(r.out, "\"decision\":\"deny\",\"rule\":\"collaborator-lapsed\""),
           "check_access says what concierge check says", "status %d: %s", r.status, r.out);
    spawn_result_free(&r);
    /* The entry is still there: @wes is told why, but learns no project names. */
    lapse_run(&r, NULL, "--as", "@wes", AT, "--yes", "invite @x", NULL);
    CHECKF(r.status == 4 && strstr(r.out, "owner-only") && !strstr(r.out, "not found"),
           "a lapsed collaborator is denied, not told 'not found'", "status %d: %s", r.status, r.out);
    spawn_result_free(&r);
    lapse_run(&r, NULL, "--as", "@wes", AT, "what can I do in the sales project?", NULL);
    CHECKF(r.status == 4 && strstr(r.out, "projects-hidden") && !strstr(r.out, "not found"),
           "a lapsed collaborator learns no project names", "status %d: %s", r.status, r.out);
    spawn_result_free(&r);

    /* A key holder is related while the key is; removing the agent ends its keys. */
    lapse_run(&r, NULL, "--as", "@kim", AT, "--yes", "invite @x", NULL);
    CHECKF(r.status == 4 && strstr(r.out, "owner-only"), "a key holder is denied, not told 'not found'",
           "status %d: %s", r.status, r.out);
    spawn_result_free(&r);
    lapse_run(&r, "admin", "agent", "remove", "demo", "support", NULL);
    CHECKF(r.status == 0 && strstr(r.out, "1 key"), "admin agent remove says it removed the key",
           "status %d: %s", r.status, r.out);
    spawn_result_free(&r);
    lapse_run(&r, "admin", "agent", "add", "demo", "support", NULL);
    spawn_result_free(&r);
    lapse_run(&r, NULL, "--as", "@kim", AT, "--yes", "invite @x", NULL);
    CHECKF(r.status == 5 && strstr(r.out, "sandbox \"demo\" not found"),
           "once the agent is removed (even if one of that name is added again), @kim is a stranger",
           "status %d: %s", r.status, r.out);
    spawn_result_free(&r);
    lapse_run(&r, "admin", "agent", "remove", "demo", "nosuch", NULL);
    CHECKF(r.status == 5, "admin agent remove of a missing agent is refused", "status %d", r.status);
    spawn_result_free(&r);

    remove_store(lapse_dir);
}

/* ---- One canonicaliser at every door (issue 8, item 9) -------------------------------- */

static void test_doors(void)
{
    struct spawn_result r;
    char dir[] = "/tmp/concierge-doors-XXXXXX";
    if (!mkdtemp(dir)) {
        CHECKF(0, "doors: a temporary folder", "%s", strerror(errno));
        return;
    }
    if (fresh_store(dir)) return;
    lapse_run(&r, "admin", "workspace", "add", "ACME", NULL);
    CHECKF(r.status == 0, "admin workspace add ACME", "status %d: %s", r.status, r.err);
    spawn_result_free(&r);
    lapse_run(&r, "admin", "sandbox", "add", "demo", "--owner", "Bob", "--workspace", "acme", NULL);
    CHECKF(r.status == 2 && strstr(r.err, "'Bob'") && strstr(r.err, "a principal is @name"),
           "admin: --owner Bob is refused (a bare name is never a principal)", "status %d: %s", r.status,
           r.err);
    spawn_result_free(&r);
    lapse_run(&r, "admin", "sandbox", "add", "Demo", "--owner", "@Owner", "--workspace", "Acme", NULL);
    CHECKF(r.status == 0, "admin: --owner @Owner is taken", "status %d: %s", r.status, r.err);
    spawn_result_free(&r);
    lapse_run(&r, "admin", "workspace", "member", "add", "acme", "@MixedCase", NULL);
    CHECKF(r.status == 0, "admin: a member @MixedCase is taken", "status %d: %s", r.status, r.err);
    spawn_result_free(&r);
    lapse_run(&r, "admin", "workspace", "member", "add", "acme", "@a\x1b[31m", NULL);
    CHECKF(r.status == 2 && strstr(r.err, "'@a\\x1b[31m'") && !strchr(r.err, 0x1b),
           "admin: raw escape bytes are refused, and echoed escaped, never obeyed", "status %d: %s", r.status,
           r.err);
    spawn_result_free(&r);
    lapse_run(&r, "admin", "workspace", "member", "add", "acme", "@here", NULL);
    CHECKF(r.status == 2 && strstr(r.err, "crowd"), "admin: @here is a crowd, refused", "status %d: %s",
           r.status, r.err);
    spawn_result_free(&r);
    lapse_run(&r, "admin", "link", "slack:U0MIXED1", "@MixedCase", NULL);
    CHECKF(r.status == 0, "admin: link slack:UID @MixedCase", "status %d: %s", r.status, r.err);
    spawn_result_free(&r);
    lapse_run(&r, "admin", "link", "slack:u0lower1", "@bob", NULL);
    CHECKF(r.status == 2, "admin: a lower-case Slack ID is not one", "status %d: %s", r.status, r.err);
    spawn_result_free(&r);

    /* What admin stored is what the language and the runtime name: all lower case. */
    lapse_run(&r, NULL, "--as", "@OWNER", AT, "--json", "--yes", "invite @ED as editor", NULL);
    CHECKF(r.status == 0, "--as @OWNER is the owner @owner", "status %d: %s", r.status, r.out);
    spawn_result_free(&r);
    lapse_run(&r, "check", AT, "@ED", "build", NULL);
    CHECKF(r.status == 0 && strstr(r.out, "allow: @ed "),
           "concierge check @ED build allows, as /v1/check does", "status %d: %s", r.status, r.out);
    spawn_result_free(&r);
    lapse_run(&r, "admin", "project", "add", "DEMO", "Marketing", NULL);
    CHECKF(r.status == 0, "admin project add DEMO Marketing", "status %d: %s", r.status, r.err);
    spawn_result_free(&r);
    lapse_run(&r, NULL, "--as", "@owner", AT, "--yes", "invite @pat as editor on the marketing project",
              NULL);
    CHECKF(r.status == 0, "a project grant for @pat", "status %d: %s", r.status, r.out);
    spawn_result_free(&r);
    lapse_run(&r, "check", AT, "--project", "MARKETING", "@Pat", "build", NULL);
    CHECKF(r.status == 0 && strstr(r.out, "allow"), "check --project MARKETING is the marketing project",
           "status %d: %s", r.status, r.out);
    spawn_result_free(&r);
    lapse_run(&r, "check", AT, "ED", "build", NULL);
    CHECKF(r.status == 2 && strstr(r.err, "check 'ED'"), "concierge check ED is refused, naming the door",
           "status %d: %s", r.status, r.err);
    spawn_result_free(&r);
    lapse_run(&r, "check", AT, "--as", "@owner", "@mixedcase", "exec", NULL);
    CHECKF(r.status == 0 && strstr(r.out, "allow"), "admin's @MixedCase member is @mixedcase (shared mode)",
           "status %d: %s", r.status, r.out);
    spawn_result_free(&r);
    lapse_run(&r, "check", AT, "<@U0MIXED1|mc>", "exec", NULL);
    CHECKF(r.status == 0 && strstr(r.out, "@mixedcase"), "the linked Slack user is @mixedcase at check",
           "status %d: %s", r.status, r.out);
    spawn_result_free(&r);
    char long_email[300];
    memset(long_email, 'e', 243);
    memcpy(long_email + 243, "@example.com", 13); /* 255 bytes and the NUL */
    lapse_run(&r, "check", AT, long_email, "read", NULL);
    CHECKF(r.status == 2 && r.out[0] == '\0',
           "a 255-byte principal is refused at check, never cut to one that fits", "status %d: %s", r.status,
           r.out);
    spawn_result_free(&r);

    /* The environment is a door as well: a bad value is an error, never a silent default. */
    const char *bad_as[] = {"CONCIERGE_AS=@x y", NULL};
    const char *who[] = {"--db", lapse_db, AT, "who has access?", NULL};
    run(who, bad_as, NULL, 0, &r);
    CHECKF(r.status == 2 && strstr(r.err, "CONCIERGE_AS '@x y'") && r.out[0] == '\0',
           "a bad CONCIERGE_AS is refused, not replaced by the login name", "status %d: %s", r.status, r.err);
    spawn_result_free(&r);
    const char *bad_sb[] = {"CONCIERGE_SANDBOX=bad name", NULL};
    const char *who2[] = {"--db", lapse_db, "--as", "@owner", "who has access?", NULL};
    run(who2, bad_sb, NULL, 0, &r);
    CHECKF(r.status == 2 && strstr(r.err, "CONCIERGE_SANDBOX 'bad name'"),
           "a bad CONCIERGE_SANDBOX is refused, not replaced by \"default\"", "status %d: %s", r.status,
           r.err);
    spawn_result_free(&r);

    remove_store(dir);
}

/* ---- Admin changes are audited (interfaces.md, admin; issue 9, item 5) ------------------- */

static void test_admin_audited(void)
{
    struct spawn_result r;
    char dir[] = "/tmp/concierge-admin-XXXXXX";
    if (!mkdtemp(dir)) {
        CHECKF(0, "admin audit: a temporary folder", "%s", strerror(errno));
        return;
    }
    if (fresh_store(dir)) return;
    const char *steps[][8] = {
        {"workspace", "add", "acme", NULL},
        {"workspace", "member", "add", "acme", "@mia", NULL},
        {"sandbox", "add", "demo", "--owner", "@owner", "--workspace", "acme", NULL},
        {"project", "add", "demo", "web", NULL},
        {"link", "slack:U0MIA", "@mia", NULL},
    };
    int ok = 1;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        const char *args[16] = {"admin", "--db", lapse_db, "--now", "2026-11-18T15:30:00Z"};
        int n = 5;
        for (int k = 0; steps[i][k]; k++)
            args[n++] = steps[i][k];
        run(args, NULL, NULL, 0, &r);
        ok = ok && r.status == 0;
        spawn_result_free(&r);
    }
    CHECK(ok, "admin: five changes");
    /* A refused change leaves no event. */
    lapse_run(&r, "admin", "workspace", "add", "acme", NULL);
    CHECKF(r.status != 0, "admin: a second workspace acme is refused", "status %d", r.status);
    spawn_result_free(&r);

    lapse_run(&r, "admin", "audit", "--json", NULL);
    /* interfaces.md's event objects: admin changes are intent admin, actor admin:LOGIN. */
    static const char *const want[] = {"slack:U0MIA linked to @mia", "sandbox demo added, owned by @owner",
                                       "@mia added to workspace acme",
                                       "workspace acme added (default mode shared)"};
    int lines = 0, right = 0;
    for (char *p = r.out, *nl; p && *p; p = nl ? nl + 1 : NULL) {
        nl = strchr(p, '\n');
        json_t *ev = json_loadb(p, nl ? (size_t)(nl - p) : strlen(p), 0, NULL);
        const char *actor = json_string_value(json_object_get(ev, "actor"));
        right += lines < 4 && json_integer_value(json_object_get(ev, "event")) == 4 - lines &&
                 strcmp(json_string_value(json_object_get(ev, "at")) ?: "", "2026-11-18T15:30:00Z") == 0 &&
                 actor && strncmp(actor, "admin:", 6) == 0 &&
                 strcmp(json_string_value(json_object_get(ev, "intent")) ?: "", "admin") == 0 &&
                 strcmp(json_string_value(json_object_get(ev, "summary")) ?: "", want[lines]) == 0 &&
                 json_is_null(json_object_get(ev, "before")) && json_is_null(json_object_get(ev, "after"));
        lines++;
        json_decref(ev);
    }
    CHECKF(r.status == 0 && lines == 4 && right == 4,
           "admin audit --json: the store's own log holds the four changes that belong to no sandbox, newest "
           "first, as event objects by admin:LOGIN at --now, and not the refused one",
           "status %d, %d lines, %d right: %s", r.status, lines, right, r.out);
    spawn_result_free(&r);
    lapse_run(&r, NULL, "--as", "@owner", AT, "--json", "show the audit log", NULL);
    CHECKF(r.status == 0 && strstr(r.out, "project web added to sandbox demo") && strstr(r.out, "admin:"),
           "the sandbox's own log holds its project's addition, by admin:LOGIN", "status %d: %s", r.status,
           r.out);
    spawn_result_free(&r);

    /* What admin set up, listed and shown (interfaces.md, admin): tables, JSON Lines. */
    lapse_run(&r, "admin", "list", "sandboxes", "--workspace", "acme", "--json", NULL);
    CHECK_STR(r.out,
              "{\"name\":\"demo\",\"workspace\":\"acme\",\"owner\":\"@owner\",\"mode\":\"shared\","
              "\"source_dir\":null}\n",
              "admin list sandboxes --workspace acme --json: one object a sandbox, keys the columns");
    spawn_result_free(&r);
    lapse_run(&r, "admin", "list", "projects", "--sandbox", "demo", NULL);
    CHECK_STR(r.out, "SANDBOX  NAME\ndemo     web\n", "admin list projects --sandbox demo: an aligned table");
    spawn_result_free(&r);
    lapse_run(&r, "admin", "list", "links", NULL);
    CHECK_STR(r.out, "SLACK_USER   PRINCIPAL\nslack:U0MIA  @mia\n", "admin list links");
    spawn_result_free(&r);
    lapse_run(&r, "admin", "list", "keys", NULL);
    CHECK_STR(r.out, "no keys\n", "admin list keys when there are none says so");
    spawn_result_free(&r);
    lapse_run(&r, "admin", "show", "sandbox", "demo", "--json", NULL);
    CHECKF(r.status == 0 && strstr(r.out, "\"projects\":\"web\"") && strstr(r.out, "\"grants\":0") &&
               !strstr(r.out, "sha256"),
           "admin show sandbox demo --json: the sandbox whole, counts as numbers, no hash", "%s", r.out);
    spawn_result_free(&r);
    lapse_run(&r, "admin", "list", "sandboxes", "--workspace", "nosuch", NULL);
    CHECKF(r.status == 5 && strstr(r.err, "workspace \"nosuch\" not found") && !*r.out,
           "a filter that names nothing says what is missing, never an empty table", "status %d: %s",
           r.status, r.err);
    spawn_result_free(&r);

    /* A question never makes a named store; a change does (interfaces.md, the store). */
    char missing[160];
    snprintf(missing, sizeof missing, "%s/none.db", dir);
    const char *ask[] = {"--db", missing, "--as", "@owner", "who has access?", NULL};
    if (!pg) {
        run(ask, NULL, NULL, 0, &r);
        CHECKF(r.status == 1 && strstr(r.err, "no store at ") && !*r.out && access(missing, F_OK) != 0,
               "a question on a missing named store: no store at PATH on stderr, exit 1, nothing made",
               "status %d: %s", r.status, r.err);
        spawn_result_free(&r);
    }
    /* Refusals and errors on stderr, results on stdout (interfaces.md); --json: all on stdout. */
    const char *refused[] = {"parse", "--as", "@owner", "invte @bob", NULL};
    run(refused, NULL, NULL, 0, &r);
    CHECKF(r.status == 2 && !*r.err, "parse keeps its refusals on stdout (its output is the refusal)", "%s",
           r.err);
    spawn_result_free(&r);
    /* On PostgreSQL, the store that is there: a refusal is said before anything is read. */
    char store2[512];
    snprintf(store2, sizeof store2, "%s", pg ? lapse_db : missing);
    const char *refused_run[] = {"--db", store2, "--as", "@owner", "invte @bob", NULL};
    run(refused_run, NULL, NULL, 0, &r);
    CHECKF(r.status == 2 && strstr(r.err, "not understood:") && !*r.out,
           "a refusal in text mode goes to standard error, nothing to standard output", "out %s / err %s",
           r.out, r.err);
    spawn_result_free(&r);
    const char *refused_json[] = {"--db", store2, "--as", "@owner", "--json", "invte @bob", NULL};
    run(refused_json, NULL, NULL, 0, &r);
    CHECKF(r.status == 2 && strstr(r.out, "\"code\":\"unknown_word\"") && !*r.err,
           "with --json a refusal is a line on standard output", "out %s / err %s", r.out, r.err);
    spawn_result_free(&r);
    if (pg) {
        printf(
            "skipped on PostgreSQL: a missing store is not made by a question, check or sweep, and is by a "
            "change (SQLite files: a PostgreSQL store is never made by its use)\n");
        remove_store(dir);
        return;
    }
    const char *chk[] = {"check", "--db", missing, "@bob", "read", NULL};
    run(chk, NULL, NULL, 0, &r);
    CHECKF(r.status == 1 && strstr(r.err, "no store at ") && access(missing, F_OK) != 0,
           "concierge check on a missing named store: no store at PATH", "status %d: %s", r.status, r.err);
    spawn_result_free(&r);
    const char *change[] = {"--db", missing, "--as", "@owner", "--yes", "invite @bob", NULL};
    run(change, NULL, NULL, 0, &r);
    CHECKF(r.status == 0 && access(missing, F_OK) == 0, "a change makes the named store", "status %d: %s",
           r.status, r.out);
    spawn_result_free(&r);
    const char *more[] = {"none.db-wal", "none.db-shm", "none.db"};
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++) {
        char f[200];
        snprintf(f, sizeof f, "%s/%s", dir, more[i]);
        unlink(f);
    }

    remove_store(dir);
}

/* ---- concierge sweep (lifecycle.md: expiry is an event) ------------------------------- */

/* The value at key of the JSON object that is the whole of out (a new reference, or NULL). */
static json_t *out_json(const struct spawn_result *r, const char *key)
{
    json_t *o = json_loads(r->out, 0, NULL), *v = json_incref(json_object_get(o, key));
    json_decref(o);
    return v;
}

static void test_sweep(void)
{
    struct spawn_result r;
    char dir[] = "/tmp/concierge-sweep-cli-XXXXXX";
    if (!mkdtemp(dir)) {
        CHECKF(0, "sweep: a temporary folder", "%s", strerror(errno));
        return;
    }
    if (fresh_store(dir)) return;
    /* Nothing to sweep in a store that is not there: it is not made. */
    if (!pg) {
        lapse_run(&r, "sweep", NULL);
        CHECKF(r.status == 1 && strstr(r.err, "no store at") && access(lapse_db, F_OK) != 0,
               "sweep: a missing store is said, never made", "status %d: %s", r.status, r.err);
        spawn_result_free(&r);
    }
    int ok = 1;
    const char *const setup[][8] = {
        {"admin", "workspace", "add", "acme", NULL},
        {"admin", "sandbox", "add", "demo", "--owner", "@owner", "--workspace", "acme"},
        {"admin", "agent", "add", "demo", "support", NULL}};
    for (size_t i = 0; i < sizeof setup / sizeof setup[0]; i++) {
        lapse_run(&r, setup[i][0], setup[i][1], setup[i][2], setup[i][3], setup[i][4], setup[i][5],
                  setup[i][6], setup[i][7], NULL);
        ok = ok && r.status == 0;
        spawn_result_free(&r);
    }
    const char *const phrases[] = {"invite @bob for 1 day", "invite @amy for 3 days",
                                   "only let @bob into this sandbox's workloads",
                                   "share the support agent with @kim for 2 days"};
    for (size_t i = 0; i < sizeof phrases / sizeof phrases[0]; i++) {
        lapse_run(&r, NULL, "--as", "@owner", AT, "--yes", phrases[i], NULL);
        ok = ok && r.status == 0;
        spawn_result_free(&r);
    }
    if (!CHECK(ok, "sweep: the store is set up")) return;

    /* Before anything is due: said so, at the instant swept up to, in the zone asked for. */
    lapse_run(&r, "sweep", "--now", "2026-11-19T10:00:00Z", "--tz", "Europe/Berlin", NULL);
    CHECKF(r.status == 0 && strcmp(r.out, "No expiry was due up to Thu 19 Nov 2026 11:00 CET.\n") == 0,
           "sweep: nothing due", "status %d: %s%s", r.status, r.out, r.err);
    spawn_result_free(&r);
    /* @bob's expiry, with his collaborator entry, and @kim's key: a line each. */
    lapse_run(&r, "sweep", "--now", "2026-11-20T16:00:00Z", "--tz", "UTC", NULL);
    CHECKF(r.status == 0 &&
               strstr(r.out,
                      "@bob's viewer access to sandbox demo expired at Thu 19 Nov 2026 15:30 UTC; @bob is "
                      "no longer a collaborator of demo") == r.out &&
               strstr(r.out,
                      "\nAgent support's invoke key for @kim in sandbox demo expired at Fri 20 Nov 2026 "
                      "15:30 UTC.\nRecorded 2 expiries up to Fri 20 Nov 2026 16:00 UTC (1 collaborator "
                      "entry removed).\n") &&
               count_lines(&r) == 3,
           "sweep: what it recorded, a line an event, then the total", "status %d: %s%s", r.status, r.out,
           r.err);
    spawn_result_free(&r);
    lapse_run(&r, "sweep", "--json", "--now", "2026-11-20T16:00:00Z", NULL);
    json_t *n = out_json(&r, "recorded"), *events = out_json(&r, "events");
    CHECKF(r.status == 0 && json_integer_value(n) == 0 && json_array_size(events) == 0 &&
               count_lines(&r) == 1,
           "sweep --json: the same instant again records nothing", "status %d: %s%s", r.status, r.out, r.err);
    json_decref(n);
    json_decref(events);
    spawn_result_free(&r);
    /* A --now after the clock sweeps up to the clock, and says so. */
    lapse_run(&r, "sweep", "--json", "--now", "2300-01-01T00:00:00Z", NULL);
    json_t *up_to = out_json(&r, "up_to"), *asked = out_json(&r, "now");
    n = out_json(&r, "recorded");
    CHECKF(r.status == 0 && json_integer_value(n) == 1 && json_string_value(asked) &&
               strcmp(json_string_value(asked), "2300-01-01T00:00:00Z") == 0 && json_string_value(up_to) &&
               strncmp(json_string_value(up_to), "20", 2) == 0,
           "sweep --json: --now in the future sweeps up to the clock (@amy's expiry, in the past)",
           "status %d: %s", r.status, r.out);
    json_decref(n);
    json_decref(up_to);
    json_decref(asked);
    spawn_result_free(&r);
    lapse_run(&r, "sweep", "--now", "2300-01-01T00:00:00Z", NULL);
    CHECKF(r.status == 0 && strstr(r.out, "Swept up to the clock, not to Mon 01 Jan 2300 00:00 UTC"),
           "sweep: says it stopped at the clock", "status %d: %s", r.status, r.out);
    spawn_result_free(&r);
    lapse_run(&r, "sweep", "-q", NULL);
    CHECKF(r.status == 0 && r.out_len == 0 && r.err_len == 0, "sweep -q: nothing said", "status %d: %s%s",
           r.status, r.out, r.err);
    spawn_result_free(&r);
    lapse_run(&r, "sweep", "now", NULL);
    CHECKF(r.status == 2 && strstr(r.err, "unexpected 'now'"), "sweep: a word is a usage error",
           "status %d: %s", r.status, r.err);
    spawn_result_free(&r);
    lapse_run(&r, "sweep", "--as", "@bob", NULL);
    CHECKF(r.status == 2, "sweep: takes no --as", "status %d: %s", r.status, r.err);
    spawn_result_free(&r);

    /* admin agent remove records the expiries of the keys it removes first. */
    lapse_run(&r, NULL, "--as", "@owner", AT, "--yes", "share the support agent with @lee for 1 day", NULL);
    spawn_result_free(&r);
    lapse_run(&r, "admin", "--now", "2026-11-21T00:00:00Z", "agent", "remove", "demo", "support", NULL);
    CHECKF(r.status == 0, "admin agent remove", "status %d: %s", r.status, r.err);
    spawn_result_free(&r);
    lapse_run(&r, NULL, "--json", "--as", "@owner", "--sandbox", "demo", "--now", "2026-11-21T00:00:00Z",
              "show the audit log", NULL);
    CHECKF(r.status == 0 &&
               strstr(r.out, "Agent support's invoke key for @lee in sandbox demo expired at Thu 19 "
                             "Nov 2026 15:30 UTC."),
           "admin agent remove: the key's expiry recorded before it went", "status %d: %s", r.status, r.out);
    spawn_result_free(&r);
    remove_store(dir);
}

/* ---- One order on both backends ------------------------------------------------------ */

/* Listings sort names in byte order on either backend, whatever the PostgreSQL database's own
 * collation (pg_test makes them in ICU's en-US, where @a_b sorts before @a1). */
static void test_byte_order(void)
{
    struct spawn_result r;
    char dir[] = "/tmp/concierge-order-XXXXXX";
    if (!mkdtemp(dir)) {
        CHECKF(0, "order: a temporary folder", "%s", strerror(errno));
        return;
    }
    if (fresh_store(dir)) return;
    const char *const setup[][8] = {
        {"admin", "workspace", "add", "acme", NULL},
        {"admin", "sandbox", "add", "demo", "--owner", "@owner", "--workspace", "acme"},
        {"admin", "project", "add", "demo", "p_x", NULL},
        {"admin", "project", "add", "demo", "p-x", NULL},
        {"admin", "project", "add", "demo", "p1", NULL}};
    int ok = 1;
    for (size_t i = 0; i < sizeof setup / sizeof setup[0]; i++) {
        lapse_run(&r, setup[i][0], setup[i][1], setup[i][2], setup[i][3], setup[i][4], setup[i][5],
                  setup[i][6], setup[i][7], NULL);
        ok = ok && r.status == 0;
        spawn_result_free(&r);
    }
    lapse_run(&r, NULL, "--as", "@owner", AT, "--yes", "-q", "invite @a_b @a-c @a1 as viewer", NULL);
    ok = ok && r.status == 0;
    spawn_result_free(&r);
    if (!CHECK(ok, "order: the store is set up")) return;

    lapse_run(&r, NULL, "--as", "@owner", AT, "--json", "who has access?", NULL);
    json_t *members = out_json(&r, "result");
    const char *want[] = {"@owner", "@a-c", "@a1", "@a_b"}, *got[4] = {0};
    json_t *m = json_object_get(members, "members");
    for (size_t i = 0; i < 4 && i < json_array_size(m); i++)
        got[i] = json_string_value(json_object_get(json_array_get(m, i), "principal"));
    int in_order = json_array_size(m) == 4;
    for (int i = 0; in_order && i < 4; i++)
        in_order = got[i] && strcmp(got[i], want[i]) == 0;
    CHECKF(in_order, "who has access? lists @a-c, @a1, @a_b in byte order", "%s", r.out);
    json_decref(members);
    spawn_result_free(&r);
    lapse_run(&r, "admin", "list", "projects", "--sandbox", "demo", NULL);
    CHECK_STR(r.out, "SANDBOX  NAME\ndemo     p-x\ndemo     p1\ndemo     p_x\n",
              "admin list projects: p-x, p1, p_x in byte order");
    spawn_result_free(&r);
    lapse_run(&r, "admin", "show", "sandbox", "demo", "--json", NULL);
    CHECKF(strstr(r.out, "\"projects\":\"p-x, p1, p_x\""), "admin show sandbox: its projects in byte order",
           "%s", r.out);
    spawn_result_free(&r);
    remove_store(dir);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_cli /path/to/concierge\n");
        return 2;
    }
    bin = argv[1];
    if (access(bin, X_OK) != 0) {
        fprintf(stderr, "test_cli: '%s' is not an executable\n", bin);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    pg = pg_test_enabled();
    printf("test_cli on %s\n", pg ? "PostgreSQL" : "SQLite");

    if (pg) {
        printf(
            "skipped on PostgreSQL: parse, options, help, environment, pipes and bytes (they keep no store: "
            "the run on SQLite has them)\n");
    } else {
        test_examples_as_args();
        test_refusals();
        test_stdin_lines();
        test_long_lines();
        test_usage();
        test_options_anywhere();
        test_help_version();
        test_env();
        test_interactive();
        test_bytes();
    }
    test_access_that_ends();
    test_doors();
    test_admin_audited();
    test_sweep();
    test_byte_order();

    return CHECK_SUMMARY();
}
