/* test_limits: answers AT the limits, each checked whole, never by a prefix (issue 8,
 * "nothing is silently cut"; interfaces.md, Replies to people):
 *
 *   revoke        70 project grants, revoked: the confirmation names all 70, the store keeps
 *                 none, the audit event's `before` holds all 70;
 *   members       1,000 grant holders listed (text, --json), and in Slack's blocks (in-process,
 *                 render_slack): rows whole, none twice, "… and N more" adds up;
 *   audit         5,000 audit events shown, in --json and in text;
 *   email         a 250- and a 254-byte e-mail address end to end; 255 refused, never cut;
 *   principals    10 and PRINCIPALS_MAX principals in one phrase; one more refused whole;
 *   names         sandbox, project, agent names and @handles of NAME_MAX_LEN end to end; one
 *                 longer refused by the language, the options and admin;
 *   help          every help line, past 1,023 bytes;
 *   secret        a new agent key's secret in text mode is the one whose SHA-256 is stored;
 *   conversation  two people in one chat-bot conversation (in-process): pending changes are
 *                 each person's own;
 *   reasons       the longest decision reasons (254-byte principal, 64-byte names), whole.
 *
 *   test_limits /path/to/concierge [CASE...]      (no CASE: all of them)
 *
 * The command-line cases drive the given binary over files (stdin batches, one process for
 * many commands) and read its store behind its back (test_db.h); the Slack and conversation
 * cases link the libraries. Stores live in a mkdtemp folder on /dev/shm when there is one (each
 * change is a synced transaction: on a disk, 5,000 of them cost seconds of fsync that test
 * nothing here), removed at the end; with CONCIERGE_TEST_PG_FILE (ctest's pg.limits.*) each is a
 * fresh PostgreSQL database instead, dropped at the end. Prints "N passed, M failed" as its
 * last line. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <openssl/sha.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../actions/execute.h"
#include "../frontends/cli/cli.h"
#include "../frontends/serve/render_slack.h"
#include "../intent/intent.h"
#include "../intent/text.h"
#include "../store/store.h"
#include "check.h"
#include "pg_test.h"
#include "slack_blocks.h"
#include "spawn.h"
#include "test_db.h"

#define RUN_MS 110000 /* one run of the binary; ctest gives a case 120 s */

static const char *bin;
static char dir[200];

/* ---- Running the binary ------------------------------------------------------------------ */

struct out {
    int rc;
    char *out, *err;
};

static void out_free(struct out *o)
{
    free(o->out);
    free(o->err);
    memset(o, 0, sizeof *o);
}

/* Runs `bin WORDS` (fmt made like printf, then split at spaces: names hold none; phrases go
 * on stdin, one a line). Returns the exit status (-1 when it ran past its time). */
static int con(struct out *o, const char *in, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int con(struct out *o, const char *in, const char *fmt, ...)
{
    struct text line = TEXT_INIT;
    va_list ap;
    va_start(ap, fmt);
    text_vprintf(&line, fmt, ap);
    va_end(ap);
    const char *argv[32] = {bin};
    int argc = 1;
    char *save = NULL, *w = strtok_r(line.s, " ", &save);
    for (; w && argc < 31; w = strtok_r(NULL, " ", &save))
        argv[argc++] = w;
    if (w) abort(); /* more words than argv holds: the test itself is wrong */
    argv[argc] = NULL;
    struct spawn_result r;
    spawn_run(argv, NULL, in, in ? strlen(in) : 0, RUN_MS, &r);
    text_free(&line);
    o->rc = r.status;
    o->out = r.out;
    o->err = r.err;
    return o->rc;
}

/* admin on a store; set-up that must work. */
static void admin(const char *db, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void admin(const char *db, const char *fmt, ...)
{
    char words[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(words, sizeof words, fmt, ap);
    va_end(ap);
    struct out o = {0};
    con(&o, "", "admin --db %s %s", db, words);
    if (o.rc != 0) printf("set-up failed: admin %s: %s%s", words, o.out, o.err);
    CHECK(o.rc == 0, "admin set-up");
    out_free(&o);
}

/* The PostgreSQL databases made, to drop at the end. */
static char made[16][256];
static int n_made;

/* A fresh store for a case: dir/NAME.db on SQLite, made by its first use; a new database on
 * PostgreSQL (pg_test_store), with the default sandbox that first use makes when first_use,
 * else empty as store_open leaves a new SQLite file (the in-process cases add their own). */
static void store_path(char *db, size_t size, const char *name, int first_use)
{
    char path[256], err[256];
    snprintf(path, sizeof path, "%s/%s.db", dir, name);
    if (!CHECK(pg_test_store(db, size, path, first_use ? "@owner" : NULL, err, sizeof err) == 0, err))
        abort();
    if (store_is_uri(db) && n_made < 16) snprintf(made[n_made++], sizeof made[0], "%s", db);
}

/* ---- Reading the store (read-only) ---------------------------------------------------------- */

/* The first column of the first row of sql (a number); -1 on failure. */
static long long db_int(const char *db, const char *sql) { return test_db_count(db, sql); }

/* The first column of the first row as a string (the caller frees it); NULL when none. */
static char *db_text(const char *db, const char *sql) { return test_db_text(db, sql); }

/* How many grants principal p holds (the test's own principals hold no quote). */
static long long grants_of(const char *db, const char *p)
{
    char sql[400];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM grants WHERE principal = '%s'", p);
    return db_int(db, sql);
}

/* ---- Reading answers ------------------------------------------------------------------------- */

static size_t count_of(const char *hay, const char *needle)
{
    size_t n = 0, len = strlen(needle);
    for (const char *p = hay; (p = strstr(p, needle)); p += len)
        n++;
    return n;
}

/* A byte that may continue a principal or a name: an occurrence followed by one is a prefix. */
static int name_byte(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.' || c == '@' || c == '+';
}

/* How many times word occurs whole in hay (not as the start or the end of a longer name). */
static size_t whole_count(const char *hay, const char *word)
{
    size_t n = 0, len = strlen(word);
    for (const char *p = hay; (p = strstr(p, word)); p += len)
        if ((p == hay || !name_byte(p[-1]) || word[0] == '@') && !name_byte(p[len]) &&
            !(p[len] == '.' && name_byte(p[len + 1])))
            n++;
    return n;
}

static json_t *json_of(const char *s)
{
    json_error_t e;
    json_t *j = json_loads(s, 0, &e);
    if (!j) printf("not JSON (%s): %.200s\n", e.text, s);
    return j;
}

static const char *jstr(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* The whole output, both streams (refusals may go to either, interfaces.md says stderr). */
static char *both(const struct out *o)
{
    struct text t = TEXT_INIT;
    text_puts(&t, o->out);
    text_puts(&t, o->err);
    return text_take(&t);
}

static void fill(char *s, char c, size_t n)
{
    memset(s, c, n);
    s[n] = '\0';
}

/* ---- 1. Seventy project grants, revoked --------------------------------------------------------- */

#define GRANTS 70

static void test_revoke(void)
{
    char db[256];
    store_path(db, sizeof db, "revoke", 1);
    admin(db, "sandbox add demo --owner @owner");
    struct text in = TEXT_INIT;
    for (int k = 1; k <= GRANTS; k++) {
        admin(db, "project add demo p%02d", k);
        text_printf(&in, "invite @bob as viewer on the p%02d project\n", k);
    }
    struct out o = {0};
    con(&o, in.s, "--db %s --as @owner --sandbox demo --yes -q", db);
    CHECK(o.rc == 0, "70 project grants to @bob");
    out_free(&o);

    /* No --yes and no terminal: kept pending, its description whole. */
    con(&o, "revoke @bob\n", "--db %s --as @owner --sandbox demo", db);
    CHECK(o.rc == 3, "revoke without --yes waits for a confirmation");
    int named = 0;
    for (int k = 1; k <= GRANTS; k++) {
        char what[64];
        snprintf(what, sizeof what, "@bob's viewer grant in project p%02d", k);
        named += count_of(o.out, what) == 1;
    }
    printf("revoke: the confirmation is %zu bytes and names %d of %d projects\n", strlen(o.out), named,
           GRANTS);
    CHECK(named == GRANTS, "the confirmation names each of the 70 projects once");
    CHECK(count_of(o.out, "\n  @bob's viewer grant in project ") == GRANTS, "and lists 70 grants, no more");
    const char *say = strstr(o.out, "To carry it out, say: confirm ");
    size_t tok = say ? strspn(say + 30, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") : 0;
    CHECK(say && tok >= 4 && tok <= TOKEN_MAX_LEN && strcmp(say + 30 + tok, "\n") == 0,
          "the confirmation ends whole: its last words give the token");
    CHECK(strncmp(o.out, "Revoke in sandbox demo:\n", 24) == 0 && count_of(o.out, "\n") == 1 + GRANTS + 1,
          "the headline, each grant on a line of its own (never folded in a pipe), then the token");
    out_free(&o);

    con(&o, "revoke @bob\n", "--db %s --as @owner --sandbox demo --yes", db);
    CHECK(o.rc == 0 && strstr(o.out, "(70 grants)"), "revoke --yes: done, all 70 grants");
    out_free(&o);
    CHECK(db_int(db, "SELECT count(*) FROM grants WHERE principal = '@bob'") == 0,
          "the store holds no grant of @bob");
    char *before = db_text(db, "SELECT before FROM audit WHERE intent = 'revoke' ORDER BY id DESC LIMIT 1");
    json_t *b = before ? json_of(before) : NULL;
    int projects = 0;
    size_t i;
    json_t *g;
    json_array_foreach(b, i, g)
    {
        const char *p = jstr(g, "project");
        int k = p && strlen(p) == 3 && p[0] == 'p' ? (p[1] - '0') * 10 + (p[2] - '0') : 0;
        projects +=
            k >= 1 && k <= GRANTS && strcmp(jstr(g, "principal") ? jstr(g, "principal") : "", "@bob") == 0;
    }
    printf("revoke: the audit event's before is %zu bytes, %zu entries\n", before ? strlen(before) : 0,
           json_array_size(b));
    CHECK(json_is_array(b) && json_array_size(b) == GRANTS && projects == GRANTS,
          "the audit event's before holds the 70 grants as JSON");
    json_decref(b);
    free(before);
    text_free(&in);
}

/* ---- 2. A thousand members ---------------------------------------------------------------------- */

#define MEMBERS 1000
#define BATCH   10 /* principals per phrase */

#define LONG_ROW 200 /* bytes of a long member's address: 1,000 rows then overflow Slack's blocks */

/* Member k: @m0001, or (long) an e-mail address of LONG_ROW bytes starting m0001. */
static void member_name(int k, int lng, char *out, size_t size)
{
    if (!lng) {
        snprintf(out, size, "@m%04d", k);
        return;
    }
    /* m0001.xxx…x@example.com */
    const char *domain = "@example.com";
    size_t pad = LONG_ROW - strlen("m0001.") - strlen(domain);
    if (size < LONG_ROW + 1) abort();
    snprintf(out, size, "m%04d.", k);
    memset(out + 6, 'x', pad);
    memcpy(out + 6 + pad, domain, strlen(domain) + 1);
}

/* "invite @m0001 … @m0010 as viewer" lines for members first..first+n-1. */
static void member_invites(struct text *in, int first, int n, int lng)
{
    char p[LONG_ROW + 1];
    int batch = lng ? 4 : BATCH; /* a phrase holds at most 1,000 bytes (language.md) */
    for (int k = first; k < first + n; k += batch) {
        text_puts(in, "invite");
        for (int j = k; j < k + batch && j < first + n; j++) {
            member_name(j, lng, p, sizeof p);
            text_printf(in, " %s", p);
        }
        text_puts(in, " as viewer\n");
    }
}

/* k of member k (1..MEMBERS), exactly as named; 0 for @owner; -1 for anything else. */
static int member_index(const char *p, int lng)
{
    if (p && strcmp(p, "@owner") == 0) return 0;
    const char *digits = p ? p + (lng ? 1 : 2) : NULL;
    if (!p || strlen(p) < 6 || strspn(digits, "0123456789") < 4) return -1;
    int k = (int)strtol(digits, NULL, 10);
    char again[LONG_ROW + 1];
    member_name(k, lng, again, sizeof again);
    return k >= 1 && k <= MEMBERS && strcmp(again, p) == 0 ? k : -1;
}

static void test_members_cli(void)
{
    char db[256];
    store_path(db, sizeof db, "members", 1);
    admin(db, "sandbox add demo --owner @owner");
    struct text in = TEXT_INIT;
    member_invites(&in, 1, MEMBERS, 0);
    struct out o = {0};
    con(&o, in.s, "--db %s --as @owner --sandbox demo --yes -q", db);
    CHECK(o.rc == 0, "1,000 invitations");
    out_free(&o);

    con(&o, "who has access?\n", "--db %s --as @owner --sandbox demo", db);
    int listed = 0;
    /* A row of the table a member (interfaces.md: the terminal), each whole and once. */
    for (int k = 1; k <= MEMBERS; k++) {
        char row[40];
        snprintf(row, sizeof row, "\n  @m%04d ", k);
        listed += count_of(o.out, row) == 1;
    }
    printf("members: text is %zu bytes, %d of %d members listed\n", strlen(o.out), listed, MEMBERS);
    CHECK(o.rc == 0 && listed == MEMBERS && count_of(o.out, " viewer  sandbox ") == MEMBERS &&
              count_of(o.out, "\n  @owner ") == 1,
          "text: every one of the 1,000 members, a row each, once, and the owner");
    CHECK(strncmp(o.out, "1001 with access", 16) == 0, "text: the count says 1001");
    out_free(&o);

    con(&o, "who has access?\n", "--db %s --as @owner --sandbox demo --json", db);
    json_t *j = json_of(o.out);
    json_t *members = json_object_get(json_object_get(j, "result"), "members");
    static char seen[MEMBERS + 1];
    memset(seen, 0, sizeof seen);
    int good = 0;
    size_t i;
    json_t *m;
    json_array_foreach(members, i, m)
    {
        int k = member_index(jstr(m, "principal"), 0);
        good += k >= 0 && !seen[k];
        if (k >= 0) seen[k] = 1;
    }
    printf("members: --json has %zu members\n", json_array_size(members));
    CHECK(json_array_size(members) == MEMBERS + 1 && good == MEMBERS + 1,
          "--json: result.members is exactly the owner and the 1,000 invited");
    CHECK_STR(jstr(json_array_get(members, 0), "role") ? jstr(json_array_get(members, 0), "role") : "",
              "owner", "--json: the owner first");
    json_decref(j);
    out_free(&o);
    text_free(&in);
}

/* admin_run on an open store, its "added" lines kept out of the test's output. */
static void admin_in(struct store *s, const char *command)
{
    char buf[256];
    char *argv[16];
    int argc = 0;
    snprintf(buf, sizeof buf, "%s", command);
    char *save = NULL, *t = strtok_r(buf, " ", &save);
    for (; t && argc < 16; t = strtok_r(NULL, " ", &save))
        argv[argc++] = t;
    if (t) abort(); /* more words than argv holds: the test itself is wrong */
    fflush(stdout);
    int saved = dup(1), nul = open("/dev/null", O_WRONLY);
    if (saved < 0 || nul < 0 || dup2(nul, 1) < 0) abort();
    int rc = admin_run(s, argc, argv, 0);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    close(nul);
    CHECK(rc == 0, command);
}

static void exec_as(struct store *s, const char *actor, const char *sandbox, int yes, const char *text,
                    struct reply *r)
{
    struct exec_ctx x = {.store = s,
                         .actor = actor,
                         .sandbox = sandbox,
                         .now = (int64_t)time(NULL),
                         .yes = yes,
                         .conversation = ""};
    reply_init(r);
    execute_text(&x, text, strlen(text), r);
}

/* Renders `who has access?` on sandbox for Slack and checks its blocks against the members
 * 1..n: every row whole, none twice, and the rows shown and "… and N more" add up. */
static void slack_members(struct store *s, const char *sandbox, int n, int lng, int expect_more)
{
    struct reply r;
    exec_as(s, "@owner", sandbox, 0, "who has access?", &r);
    CHECK(r.status == RS_DONE, "who has access? in-process");
    json_t *msg = render_slack(&r);
    json_t *blocks = json_object_get(msg, "blocks");
    static char seen[MEMBERS + 1];
    memset(seen, 0, sizeof seen);
    int shown = 0, bad_rows = 0, twice = 0, too_long = 0, not_section = 0, more_blocks = 0;
    long more = 0;
    size_t i;
    json_t *b;
    json_array_foreach(blocks, i, b)
    {
        const char *type = jstr(b, "type") ? jstr(b, "type") : "";
        if (strcmp(type, "context") == 0) {
            const char *t = jstr(json_array_get(json_object_get(b, "elements"), 0), "text");
            if (t && strncmp(t, "… and ", 8) == 0) {
                more_blocks++;
                more = strtol(t + 8, NULL, 10);
            }
            continue;
        }
        const char *t = jstr(json_object_get(b, "text"), "text");
        if (!t || strcmp(type, "section") != 0) {
            not_section++;
            continue;
        }
        too_long += strlen(t) > SLACK_SECTION_MAX;
        char *copy = strdup(t);
        for (char *save = NULL, *line = strtok_r(copy, "\n", &save); line;
             line = strtok_r(NULL, "\n", &save)) {
            char p[LONG_ROW + 1], role[16], tail;
            int k = -1;
            if (i == 0) {
                char head[64];
                snprintf(head, sizeof head, "%d with access to sandbox %s:", n + 1, sandbox);
                bad_rows += strcmp(line, head) != 0;
                continue;
            }
            /* "• @m0001 (viewer)": the whole row, nothing before or after it. */
            if (sscanf(line, "\xE2\x80\xA2 %200s (%15[a-z])%c", p, role, &tail) == 2) {
                char again[LONG_ROW + 32];
                snprintf(again, sizeof again, "\xE2\x80\xA2 %s (%s)", p, role);
                k = strcmp(again, line) == 0 ? member_index(p, lng) : -1;
                if (k > n || (k == 0) != (strcmp(role, "owner") == 0) ||
                    (k > 0 && strcmp(role, "viewer") != 0))
                    k = -1;
            }
            if (k < 0) {
                if (bad_rows++ < 3) printf("slack: not a whole row: \"%s\"\n", line);
                continue;
            }
            twice += seen[k];
            seen[k] = 1;
            shown++;
        }
        free(copy);
    }
    printf("slack, %d members: %zu blocks, %d rows shown, %ld more\n", n, json_array_size(blocks), shown,
           more);
    char why[256];
    CHECKF(msg && slack_blocks_check(msg, why, sizeof why) == 0, "the message keeps Block Kit's rules", "%s",
           why);
    CHECK(json_array_size(blocks) <= SLACK_BLOCKS_MAX, "at most 50 blocks");
    CHECK(too_long == 0 && not_section == 0, "every block a section of at most 3,000 bytes, or the context");
    CHECK(bad_rows == 0, "every line a whole row, in the row format");
    CHECK(twice == 0, "no principal shown twice");
    CHECK(seen[0], "the owner shown");
    if (expect_more) {
        const json_t *last = json_array_get(blocks, json_array_size(blocks) - 1);
        CHECK(more_blocks == 1 && json_array_size(blocks) >= 2 &&
                  strcmp(jstr(last, "type") ? jstr(last, "type") : "", "context") == 0,
              "one '… and N more' context line, the last block");
        CHECK(more > 0 && shown + more == n + 1, "the rows shown and the N more are all the members");
    } else {
        CHECK(more_blocks == 0 && shown == n + 1, "all shown, no 'more'");
    }
    json_decref(msg);
    reply_clear(&r);
}

/* A revoke of 70 grants asked in Slack: the reply's own rows (its parts, reply.h) are laid out
 * one a line — the headline, each grant whole on a line of its own, the token last. */
static void slack_revoke_rows(struct store *s)
{
    char cmd[128];
    admin_in(s, "sandbox add rows --owner @owner");
    int failed = 0;
    for (int k = 0; k < 70; k++) {
        snprintf(cmd, sizeof cmd, "project add rows p%02d", k);
        admin_in(s, cmd);
        struct reply r;
        snprintf(cmd, sizeof cmd, "invite @bob as viewer on the p%02d project", k);
        exec_as(s, "@owner", "rows", 1, cmd, &r);
        failed += r.status != RS_DONE;
        reply_clear(&r);
    }
    CHECK(failed == 0, "70 project grants in-process");
    struct reply r;
    exec_as(s, "@owner", "rows", 0, "revoke @bob", &r);
    CHECK(r.status == RS_NEEDS_CONFIRMATION && r.n_parts == 70,
          "the revoke's reply holds its 70 grants as parts");
    json_t *msg = render_slack(&r);
    char why[256];
    CHECKF(msg && slack_blocks_check(msg, why, sizeof why) == 0, "the message keeps Block Kit's rules", "%s",
           why);
    struct text all = TEXT_INIT;
    size_t i;
    json_t *b;
    json_array_foreach(json_object_get(msg, "blocks"), i, b)
    {
        const char *t = jstr(json_object_get(b, "text"), "text");
        if (t && strcmp(jstr(b, "type") ? jstr(b, "type") : "", "section") == 0) text_printf(&all, "%s\n", t);
    }
    int whole = 0;
    for (int k = 0; k < 70; k++) {
        char line[96];
        snprintf(line, sizeof line, "\n@bob's viewer grant in project p%02d%c\n", k, k == 69 ? '.' : ';');
        whole += count_of(all.s, line) == 1;
    }
    CHECK(all.s && strncmp(all.s, "Revoke in sandbox rows:\n", 24) == 0 && whole == 70 &&
              strstr(all.s, "\nTo carry it out, say: confirm "),
          "Slack: the headline with the sandbox, every grant on a line of its own, whole and once, then the "
          "token");
    text_free(&all);
    json_decref(msg);
    reply_clear(&r);
}

static void test_members_slack(void)
{
    static const struct {
        const char *sandbox;
        int n, lng, more;
    } cases[] = {
        {"small", 20, 0, 0},      /* one block */
        {"short", MEMBERS, 0, 0}, /* 1,000 short rows fit in a few sections */
        {"long", MEMBERS, 1, 1},  /* 1,000 rows of 200 bytes do not: "… and N more" */
    };
    char db[256], err[256], cmd[96];
    store_path(db, sizeof db, "slack", 0);
    struct store *s;
    if (store_open(db, STORE_CREATE, &s, err, sizeof err) != STORE_OK) {
        CHECK(0, err);
        return;
    }
    admin_in(s, "workspace add default");
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        snprintf(cmd, sizeof cmd, "sandbox add %s --owner @owner", cases[c].sandbox);
        admin_in(s, cmd);
        struct text in = TEXT_INIT;
        member_invites(&in, 1, cases[c].n, cases[c].lng);
        int failed = 0;
        for (char *save = NULL, *line = strtok_r(in.s, "\n", &save); line;
             line = strtok_r(NULL, "\n", &save)) {
            struct reply r;
            exec_as(s, "@owner", cases[c].sandbox, 1, line, &r);
            failed += r.status != RS_DONE;
            reply_clear(&r);
        }
        CHECK(failed == 0, "invitations in-process");
        text_free(&in);
        slack_members(s, cases[c].sandbox, cases[c].n, cases[c].lng, cases[c].more);
    }
    slack_revoke_rows(s);
    store_close(s);
}

/* ---- 3. Five thousand audit events -------------------------------------------------------------- */

#define PAIRS 2500 /* an invitation and a revocation each: two events */

static void test_audit(void)
{
    char db[256];
    store_path(db, sizeof db, "audit", 1);
    admin(db, "sandbox add demo --owner @owner");
    struct text in = TEXT_INIT;
    for (int k = 0; k < PAIRS; k++)
        text_printf(&in, "invite @e%04d as viewer\nrevoke @e%04d\n", k, k);
    struct out o = {0};
    con(&o, in.s, "--db %s --as @owner --sandbox demo --yes -q", db);
    CHECK(o.rc == 0, "5,000 changes");
    out_free(&o);
    long long stored = db_int(
        db, "SELECT count(*) FROM audit WHERE sandbox_id = (SELECT id FROM sandboxes WHERE name = 'demo')");
    CHECK(stored >= 2 * PAIRS, "the store holds 5,000 events at least");

    con(&o, "show the audit log\n", "--db %s --as @owner --sandbox demo --json", db);
    json_t *j = json_of(o.out);
    json_t *events = json_object_get(json_object_get(j, "result"), "events");
    size_t n = json_array_size(events);
    /* Each @eNNNN: one invitation and one revocation, each event once. */
    static unsigned char seen[PAIRS][2];
    memset(seen, 0, sizeof seen);
    size_t i, once = 0;
    json_t *e;
    json_array_foreach(events, i, e)
    {
        const char *p = json_string_value(json_array_get(json_object_get(e, "subjects"), 0)),
                   *in = jstr(e, "intent");
        long k = p && strncmp(p, "@e", 2) == 0 && strlen(p) == 6 ? strtol(p + 2, NULL, 10) : -1;
        int kind = in && strcmp(in, "invite") == 0 ? 0 : in && strcmp(in, "revoke") == 0 ? 1 : -1;
        if (k >= 0 && k < PAIRS && kind >= 0 && json_array_size(json_object_get(e, "subjects")) == 1)
            once += seen[k][kind]++ == 0;
    }
    printf("audit: %lld events stored, %zu in --json (%zu bytes)\n", stored, n, strlen(o.out));
    CHECK(o.rc == 0 && (long long)n == stored, "--json: as many events as the store holds");
    CHECK(once == 2 * PAIRS, "--json: every invitation and revocation, each once");
    json_decref(j);
    out_free(&o);

    con(&o, "show the audit log\n", "--db %s --as @owner --sandbox demo", db);
    int both_events = 0;
    for (int k = 0; k < PAIRS; k++) {
        char inv[32], rev[32];
        snprintf(inv, sizeof inv, "Invited @e%04d to", k);
        snprintf(rev, sizeof rev, "Revoked @e%04d's", k);
        both_events += count_of(o.out, inv) == 1 && count_of(o.out, rev) == 1;
    }
    char head[64];
    snprintf(head, sizeof head, "%lld events", stored);
    printf("audit: text is %zu bytes, %d of %d pairs shown\n", strlen(o.out), both_events, PAIRS);
    CHECK(o.rc == 0 && both_events == PAIRS, "text: every invitation and revocation");
    CHECK(strncmp(o.out, head, strlen(head)) == 0, "text: the count is every event");
    out_free(&o);
    text_free(&in);
}

/* ---- 4. Long e-mail addresses ------------------------------------------------------------------- */

/* An address of exactly n bytes: a long local part, a short domain. */
static void email(char *out, size_t n, char c)
{
    const char *domain = "@example.com";
    fill(out, c, n - strlen(domain));
    memcpy(out + n - strlen(domain), domain, strlen(domain) + 1);
}

static void test_email(void)
{
    char db[256], e250[260], e254[260], e255[260], cut[270], lines[1024];
    store_path(db, sizeof db, "email", 1);
    admin(db, "sandbox add demo --owner @owner");
    email(e250, 250, 'a');
    email(e254, 254, 'b');
    email(e255, 255, 'c');
    snprintf(lines, sizeof lines, "invite %s as viewer\ninvite %s as editor\n", e250, e254);
    struct out o = {0};
    con(&o, lines, "--db %s --as @owner --sandbox demo --yes", db);
    CHECK(o.rc == 0 && whole_count(o.out, e250) == 1 && whole_count(o.out, e254) == 1,
          "250- and 254-byte addresses invited, named whole");
    out_free(&o);

    con(&o, "who has access?\n", "--db %s --as @owner --sandbox demo", db);
    /* The table's first column is as wide as the longest address: each row holds it whole. */
    char row[300];
    snprintf(row, sizeof row, "\n  %s      viewer  sandbox ", e250);
    CHECK(o.rc == 0 && count_of(o.out, row) == 1, "who has access? (text) shows the 250-byte address whole");
    snprintf(row, sizeof row, "\n  %s  editor  sandbox ", e254);
    CHECK(count_of(o.out, row) == 1, "and the 254-byte one");
    out_free(&o);
    con(&o, "who has access?\n", "--db %s --as @owner --sandbox demo --json", db);
    json_t *j = json_of(o.out);
    int found = 0;
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(json_object_get(j, "result"), "members"), i, m)
    {
        const char *p = jstr(m, "principal");
        found += p && (strcmp(p, e250) == 0 || strcmp(p, e254) == 0);
    }
    CHECK(found == 2, "who has access? (--json) holds both addresses exactly");
    json_decref(j);
    out_free(&o);

    /* concierge check: the decision, and its reason naming the principal whole. */
    con(&o, "", "check --db %s --sandbox demo --json %s read", db, e250);
    j = json_of(o.out);
    const char *reason = jstr(j, "reason");
    CHECK(o.rc == 0 && strcmp(jstr(j, "decision") ? jstr(j, "decision") : "", "allow") == 0,
          "check: the 250-byte address may read");
    if (reason && whole_count(reason, e250) != 1)
        printf("check: reason \"%s\"\n", reason + strlen(e250) - 20);
    CHECK(reason && whole_count(reason, e250) == 1 && strstr(reason, "viewer"),
          "check --json: the reason names the address whole, and why");
    json_decref(j);
    out_free(&o);
    con(&o, "", "check --db %s --sandbox demo %s read", db, e250);
    CHECK(o.rc == 0 && whole_count(o.out, e250) == 1 && strstr(o.out, "(rule grant:viewer)\n"),
          "check (text): the whole address, the reason and the rule");
    out_free(&o);
    /* 255 bytes whose first 254 are a principal with a grant: never that principal. */
    snprintf(cut, sizeof cut, "%sm", e254);
    con(&o, "", "check --db %s --sandbox demo --json %s build", db, cut);
    CHECK(o.rc != 0 && !strstr(o.out, "\"allow\""),
          "check: a 255-byte principal is not cut to a granted one");
    out_free(&o);

    long long grants = db_int(db, "SELECT count(*) FROM grants");
    snprintf(lines, sizeof lines, "invite %s as viewer\n", e255);
    con(&o, lines, "--db %s --as @owner --sandbox demo --yes", db);
    char *said = both(&o);
    CHECK(o.rc == 2 && strstr(said, "too long") && strstr(said, "254"),
          "a 255-byte address is refused, saying the limit");
    CHECK(db_int(db, "SELECT count(*) FROM grants") == grants, "and nothing is granted (not cut to 254)");
    free(said);
    out_free(&o);

    snprintf(lines, sizeof lines, "revoke %s\n", e250);
    con(&o, lines, "--db %s --as @owner --sandbox demo --yes", db);
    CHECK(o.rc == 0 && whole_count(o.out, e250) == 1, "the 250-byte address revoked, named whole");
    CHECK(grants_of(db, e250) == 0 && grants_of(db, e254) == 1, "the store: its grant gone, the other kept");
    out_free(&o);
}

/* ---- 5. Many principals in one phrase ------------------------------------------------------------ */

/* "invite @<p>1 … @<p>n as viewer\n" */
static void invite_many(struct text *t, const char *prefix, int n)
{
    text_puts(t, "invite");
    for (int k = 1; k <= n; k++)
        text_printf(t, " @%s%d", prefix, k);
    text_puts(t, " as viewer\n");
}

static int granted(const char *db, const char *prefix, int n)
{
    int g = 0;
    for (int k = 1; k <= n; k++) {
        char p[32];
        snprintf(p, sizeof p, "@%s%d", prefix, k);
        g += grants_of(db, p) == 1;
    }
    return g;
}

static void test_principals(void)
{
    static const struct {
        const char *prefix;
        int n, done;
    } cases[] = {
        {"a", 10, 1},
        {"b", PRINCIPALS_MAX, 1},
        {"c", PRINCIPALS_MAX + 1, 0},
    };
    char db[256];
    store_path(db, sizeof db, "principals", 1);
    admin(db, "sandbox add demo --owner @owner");
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        struct text in = TEXT_INIT;
        invite_many(&in, cases[c].prefix, cases[c].n);
        struct out o = {0};
        con(&o, in.s, "--db %s --as @owner --sandbox demo --yes", db);
        char what[96];
        if (cases[c].done) {
            int named = 0;
            for (int k = 1; k <= cases[c].n; k++) {
                char p[32];
                snprintf(p, sizeof p, "@%s%d", cases[c].prefix, k);
                named += whole_count(o.out, p) == 1;
            }
            snprintf(what, sizeof what, "%d principals in one phrase: done, each named", cases[c].n);
            CHECK(o.rc == 0 && named == cases[c].n, what);
            snprintf(what, sizeof what, "%d principals: all granted", cases[c].n);
            CHECK(granted(db, cases[c].prefix, cases[c].n) == cases[c].n, what);
        } else {
            char *said = both(&o), limit[16];
            snprintf(limit, sizeof limit, "%d", PRINCIPALS_MAX);
            printf("principals: %d in one phrase: exit %d: %s", cases[c].n, o.rc, said);
            snprintf(what, sizeof what, "%d principals (PRINCIPALS_MAX + 1): refused, naming the limit",
                     cases[c].n);
            CHECK(o.rc == 2 && (strstr(said, "too many") || strstr(said, limit)), what);
            CHECK(granted(db, cases[c].prefix, cases[c].n) == 0, "none of them granted, not the first 16");
            free(said);
        }
        out_free(&o);
        text_free(&in);
    }
    struct out o = {0};
    con(&o, "who has access?\n", "--db %s --as @owner --sandbox demo --json", db);
    json_t *j = json_of(o.out);
    int listed = 0;
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(json_object_get(j, "result"), "members"), i, m)
    {
        const char *p = jstr(m, "principal");
        listed += p && p[0] == '@' && (p[1] == 'a' || p[1] == 'b') && strtol(p + 2, NULL, 10) >= 1;
    }
    CHECK(listed == 10 + PRINCIPALS_MAX, "who has access? lists all 10 and all 16");
    json_decref(j);
    out_free(&o);
}

/* ---- 6. The longest names ---------------------------------------------------------------------- */

/* One character more than NAME_MAX_LEN, in every door: refused, saying why. */
static const struct {
    const char *what, *fmt; /* a phrase (ends with \n), else the command line's words */
    int admin;
} longer[] = {
    {"language: an @handle", "invite @%s as viewer\n", 0},
    {"language: a project", "invite @x on the %s project\n", 0},
    {"language: an agent", "share the %s agent with @x\n", 0},
    {"language: a sandbox", "who has access to sandbox %s?\n", 0},
    {"--sandbox", "--db DB --as @owner --sandbox %s", 0},
    {"--as", "--db DB --as @%s --sandbox demo", 0},
    {"admin: a sandbox", "admin --db DB sandbox add %s --owner @owner", 1},
    {"admin: a project", "admin --db DB project add demo %s", 1},
    {"admin: an agent", "admin --db DB agent add demo %s", 1},
    {"admin: an owner", "admin --db DB sandbox add other --owner @%s", 1},
    {"admin: a workspace member", "admin --db DB workspace member add default @%s", 1},
};

static void refuse_longer(const char *db, int admin_doors)
{
    char n65[80], limit[16];
    fill(n65, 'n', NAME_MAX_LEN + 1);
    snprintf(limit, sizeof limit, "%d", NAME_MAX_LEN);
    for (size_t c = 0; c < sizeof longer / sizeof longer[0]; c++) {
        if (longer[c].admin != admin_doors) continue;
        char words[512], what[160];
        snprintf(words, sizeof words, longer[c].fmt, n65);
        int phrase = words[strlen(words) - 1] == '\n';
        struct text argv = TEXT_INIT;
        if (phrase) {
            text_printf(&argv, "--db %s --as @owner --sandbox demo --yes", db);
        } else {
            char *dbw = strstr(words, "DB");
            text_append(&argv, words, (size_t)(dbw - words));
            text_puts(&argv, db);
            text_puts(&argv, dbw + 2);
        }
        struct out o = {0};
        con(&o, phrase ? words : "who has access?\n", "%s", argv.s);
        char *said = both(&o);
        snprintf(what, sizeof what, "65 characters, %s: refused saying the limit (exit %d: %.90s)",
                 longer[c].what, o.rc, said);
        /* The language and the options refuse as usage (exit 2); admin by any failing status. */
        CHECK((admin_doors ? o.rc != 0 : o.rc == 2) && (strstr(said, limit) || strstr(said, "too long")),
              what);
        free(said);
        out_free(&o);
        text_free(&argv);
    }
}

static void test_names(void)
{
    char db[256], s64[80], p64[80], a64[80], h64[80], v64[80], lines[1024];
    store_path(db, sizeof db, "names", 1);
    fill(s64, 's', NAME_MAX_LEN);
    fill(p64, 'p', NAME_MAX_LEN);
    fill(a64, 'a', NAME_MAX_LEN);
    fill(h64, 'h', NAME_MAX_LEN);
    fill(v64, 'v', NAME_MAX_LEN);
    admin(db, "sandbox add demo --owner @owner");
    admin(db, "sandbox add %s --owner @%s", s64, h64);
    admin(db, "project add %s %s", s64, p64);
    admin(db, "agent add %s %s", s64, a64);
    snprintf(lines, sizeof lines,
             "invite @%s as editor on the %s project\nshare the %s agent with @%s\nwho has access to sandbox "
             "%s?\n",
             v64, p64, a64, v64, s64);
    struct out o = {0};
    con(&o, lines, "--db %s --as @%s --sandbox %s --yes", db, h64, s64);
    char at_v[96];
    snprintf(at_v, sizeof at_v, "@%s", v64);
    CHECK(o.rc == 0, "64-character sandbox, project, agent and @handles: every command done");
    /* @v: invited, given a key, its secret's line, listed; the project: invited, listed. */
    CHECK(whole_count(o.out, at_v) == 4 && whole_count(o.out, p64) == 2 && whole_count(o.out, a64) == 1 &&
              whole_count(o.out, s64) == 3,
          "each name shown whole");
    out_free(&o);
    con(&o, "", "check --db %s --sandbox %s --project %s %s build", db, s64, p64, at_v);
    CHECK(o.rc == 0 && whole_count(o.out, at_v) == 1,
          "check: the 64-character @handle may build in its project");
    out_free(&o);

    refuse_longer(db, 0);
}

/* Admin takes names by the language's rules (interfaces.md): one character more is refused,
 * and nothing of it is stored. */
static void test_admin_names(void)
{
    char db[256];
    store_path(db, sizeof db, "admin-names", 1);
    admin(db, "sandbox add demo --owner @owner");
    refuse_longer(db, 1);
    CHECK(db_int(db, "SELECT count(*) FROM sandboxes WHERE length(name) > 64 OR length(owner) > 65") == 0 &&
              db_int(db, "SELECT count(*) FROM things WHERE length(name) > 64") == 0 &&
              db_int(db, "SELECT count(*) FROM members WHERE length(principal) > 65") == 0,
          "admin: the store holds no name longer than 64");
}

/* ---- 7. help ----------------------------------------------------------------------------------- */

static void test_help(void)
{
    char db[256];
    store_path(db, sizeof db, "help", 1);
    admin(db, "sandbox add demo --owner @owner");
    struct out o = {0};
    con(&o, "help\n", "--db %s --as @owner --sandbox demo", db);
    int lines = 0, shown = 0;
    for (int k = IK_NONE + 1; k < IK__COUNT; k++) {
        const char *h = intent_kind_help((enum intent_kind)k);
        lines++;
        shown += h && count_of(o.out, h) == 1;
        if (h && count_of(o.out, h) != 1) printf("help: missing \"%s\"\n", h);
    }
    const char *last = intent_kind_help((enum intent_kind)(IK__COUNT - 1));
    size_t n = strlen(o.out), ln = strlen(last);
    printf("help: %zu bytes, %d of %d lines\n", n, shown, lines);
    CHECK(o.rc == 0 && shown == lines, "help shows every intent's help line");
    CHECK(n > 1023, "longer than 1,023 bytes");
    CHECK(n > ln + 1 && strncmp(o.out + n - ln - 1, last, ln) == 0 && o.out[n - 1] == '\n',
          "it ends with the last help line, whole");
    out_free(&o);
}

/* ---- 8. A new key's secret in text mode ---------------------------------------------------------- */

/* The ck_ secrets in s (each "ck_" and 64 hex digits, whole), at most max; returns how many. */
static int secrets_in(const char *s, char out[][68], int max)
{
    int n = 0;
    for (const char *p = s; (p = strstr(p, "ck_")) && n < max; p += 3) {
        size_t hex = strspn(p + 3, "0123456789abcdef");
        if (hex == 64 && (p == s || !name_byte(p[-1])) && !name_byte(p[67])) {
            memcpy(out[n], p, 67);
            out[n++][67] = '\0';
        }
    }
    return n;
}

static void test_secret(void)
{
    char db[256];
    store_path(db, sizeof db, "secret", 1);
    admin(db, "sandbox add demo --owner @owner");
    admin(db, "agent add demo support-bot");
    char shown[4][68];
    int n = 0;
    struct out o = {0};
    con(&o, "share the support-bot agent with @dave\ncreate an invoke key for agent support-bot\n",
        "--db %s --as @owner --sandbox demo --yes", db);
    n += secrets_in(o.out, shown + n, 4 - n);
    CHECK(o.rc == 0 && n == 2, "text mode shows each new key's ck_ secret (64 hex digits)");
    CHECK(strstr(o.out, "shown again") != NULL, "with a warning that it is not shown again");
    out_free(&o);
    con(&o, "give @erin an invoke key for the support-bot agent\n",
        "--db %s --as @owner --sandbox demo --yes -q", db);
    int q = secrets_in(o.out, shown + n, 4 - n);
    n += q;
    CHECK(o.rc == 0 && q == 1, "-q still shows a new key's secret");
    out_free(&o);

    int matched = 0;
    for (int i = 0; i < n; i++) {
        unsigned char sha[SHA256_DIGEST_LENGTH];
        char hex[2 * SHA256_DIGEST_LENGTH + 1], sql[200];
        SHA256((const unsigned char *)shown[i], strlen(shown[i]), sha);
        for (int b = 0; b < SHA256_DIGEST_LENGTH; b++)
            snprintf(hex + 2 * b, 3, "%02x", sha[b]);
        /* The hash's hex digits, in each backend's words. */
        snprintf(sql, sizeof sql, "SELECT count(*) FROM agent_keys WHERE %s = '%s'",
                 store_is_uri(db) ? "encode(secret_sha256, 'hex')" : "lower(hex(secret_sha256))", hex);
        matched += db_int(db, sql) == 1;
    }
    CHECK(n == 3 && matched == 3 && db_int(db, "SELECT count(*) FROM agent_keys") == 3,
          "the store's key hashes are the SHA-256 of exactly the secrets shown");
}

/* ---- 9. Two people in one chat-bot conversation (in-process) ------------------------------------- */

static void say_in(struct store *s, const char *actor, const char *text, struct reply *r)
{
    struct exec_ctx x = {
        .store = s, .actor = actor, .sandbox = "demo", .now = (int64_t)time(NULL), .conversation = "c1"};
    reply_init(r);
    execute_text(&x, text, strlen(text), r);
}

static int has_grant(struct store *s, const char *p)
{
    struct reply r;
    exec_as(s, "@a", "demo", 0, "who has access?", &r);
    int n = 0;
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(r.result, "members"), i, m) n +=
        strcmp(jstr(m, "principal") ? jstr(m, "principal") : "", p) == 0;
    reply_clear(&r);
    return n;
}

static void test_conversation(void)
{
    char db[256], err[256], text[64];
    store_path(db, sizeof db, "conversation", 0);
    struct store *s;
    if (store_open(db, STORE_CREATE, &s, err, sizeof err) != STORE_OK) {
        CHECK(0, err);
        return;
    }
    /* @a owns demo; @b holds a grant there and may give it back ("remove my access"). */
    admin_in(s, "workspace add default");
    admin_in(s, "sandbox add demo --owner @a");
    struct reply r, ra, rb;
    exec_as(s, "@a", "demo", 1, "invite @b as viewer", &r);
    CHECK(r.status == RS_DONE, "@b invited");
    reply_clear(&r);

    say_in(s, "@a", "invite @carol as viewer", &ra);
    say_in(s, "@b", "remove my access", &rb);
    CHECK(ra.status == RS_NEEDS_CONFIRMATION && rb.status == RS_NEEDS_CONFIRMATION && ra.token[0] &&
              rb.token[0] && strcmp(ra.token, rb.token) != 0,
          "@a's change and @b's change both wait, each under its own token");
    CHECK(!strstr(rb.summary.s, ra.token) && !strstr(rb.summary.s, "@carol"),
          "@b's reply never shows @a's change");
    CHECK(!strstr(rb.summary.s, "wait for your confirmation"), "@b's reply counts nothing of @a's");

    snprintf(text, sizeof text, "confirm %s", ra.token);
    say_in(s, "@b", text, &r);
    CHECK(r.status != RS_DONE && has_grant(s, "@carol") == 0, "@b cannot confirm @a's token");
    reply_clear(&r);

    say_in(s, "@a", "confirm", &r);
    CHECK(r.status == RS_DONE && !strstr(r.summary.s, rb.token),
          "@a's bare confirm: done, never naming @b's");
    CHECK(has_grant(s, "@carol") == 1 && has_grant(s, "@b") == 1, "it carried out @a's change only");
    reply_clear(&r);

    say_in(s, "@b", "confirm", &r);
    CHECK(r.status == RS_DONE && has_grant(s, "@b") == 0 && !strstr(r.summary.s, ra.token),
          "@b's change was still waiting, and @b confirms it");
    reply_clear(&r);
    reply_clear(&ra);
    reply_clear(&rb);

    /* The same person asking twice: both wait (lifecycle.md, Pending confirmations,
     * honestly), the reply says how many and which; a bare confirm is then ambiguous, and
     * cancel all clears them. */
    struct reply r1, r2;
    say_in(s, "@a", "invite @dave as viewer", &r1);
    say_in(s, "@a", "invite @erin as viewer", &r2);
    CHECK(r1.status == RS_NEEDS_CONFIRMATION && r2.status == RS_NEEDS_CONFIRMATION &&
              strstr(r2.summary.s, "2 changes wait for your confirmation here") &&
              strstr(r2.summary.s, r1.token) && strstr(r2.summary.s, r2.token),
          "@a's second change waits beside the first, and the reply lists both tokens");
    say_in(s, "@a", "confirm", &r);
    CHECK(r.status == RS_REJECTED && r.code == C_AMBIGUOUS_PENDING && strstr(r.summary.s, r1.token) &&
              strstr(r.summary.s, r2.token) && has_grant(s, "@dave") == 0 && has_grant(s, "@erin") == 0,
          "a bare confirm with two waiting is ambiguous_pending, listing both, and does nothing");
    reply_clear(&r);
    snprintf(text, sizeof text, "confirm %s", r2.token);
    say_in(s, "@a", text, &r);
    CHECK(r.status == RS_DONE && has_grant(s, "@erin") == 1 && has_grant(s, "@dave") == 0,
          "confirm with a token carries out that one");
    reply_clear(&r);
    say_in(s, "@a", "invite @fay as viewer", &r);
    reply_clear(&r);
    say_in(s, "@a", "cancel all", &r);
    json_t *cancelled = r.result ? json_object_get(r.result, "cancelled") : NULL;
    CHECK(r.status == RS_CANCELLED && json_array_size(cancelled) == 2 && strstr(r.summary.s, r1.token),
          "cancel all clears @a's two waiting changes, listing them");
    reply_clear(&r);
    say_in(s, "@a", "confirm", &r);
    CHECK(r.status == RS_REJECTED && r.code == C_NOTHING_PENDING && has_grant(s, "@dave") == 0 &&
              has_grant(s, "@fay") == 0,
          "nothing is left waiting");
    reply_clear(&r);
    reply_clear(&r1);
    reply_clear(&r2);
    store_close(s);
}

/* ---- 10. The longest reasons ------------------------------------------------------------------ */

/* A decision's reason and its relation words are fixed arrays (actions/authorise.h), sized
 * for the longest sentence: a 254-byte principal and two 64-byte names. Both kinds whole. */
static void test_reasons(void)
{
    char db[256], ws[80], sb[80], e254[260];
    store_path(db, sizeof db, "reasons", 1);
    fill(ws, 'w', NAME_MAX_LEN);
    fill(sb, 's', NAME_MAX_LEN);
    email(e254, 254, 'r');
    admin(db, "workspace add %s", ws);
    admin(db, "workspace member add %s %s", ws, e254);
    admin(db, "sandbox add %s --owner @owner --workspace %s", sb, ws);
    struct out o = {0};
    char line[400];
    snprintf(line, sizeof line, "only let %s into this sandbox's workloads\n", e254);
    con(&o, line, "--db %s --as @owner --sandbox %s --yes", db, sb);
    CHECK(o.rc == 0, "reasons: a 254-byte collaborator in a 64-byte sandbox of a 64-byte workspace");
    out_free(&o);
    admin(db, "workspace member remove %s %s", ws, e254);
    con(&o, "", "check --db %s --sandbox %s --json %s exec", db, sb, e254);
    json_t *j = json_of(o.out);
    const char *reason = jstr(j, "reason");
    CHECK(o.rc == 4 && reason && whole_count(reason, e254) == 1 && whole_count(reason, sb) == 1 &&
              whole_count(reason, ws) == 1 && strstr(reason, "live sandbox-wide grant") &&
              strcmp(jstr(j, "rule") ? jstr(j, "rule") : "", "collaborator-lapsed") == 0,
          "collaborator-lapsed: the reason names the address, the sandbox and the workspace whole");
    json_decref(j);
    out_free(&o);
    snprintf(line, sizeof line, "check @x's access\n");
    con(&o, line, "--db %s --as %s --sandbox %s --json", db, e254, sb);
    j = json_of(o.out);
    const char *summary = jstr(j, "summary");
    CHECK(o.rc == 4 && summary && whole_count(summary, e254) == 1 && count_of(summary, sb) == 1 &&
              count_of(summary, ws) == 1 &&
              strstr(summary, "only the owner may check another person's access"),
          "owner-only: the relation words of a former collaborator and the rest, whole");
    if (summary && !strstr(summary, "only the owner may")) printf("reasons: summary \"%s\"\n", summary);
    json_decref(j);
    out_free(&o);
}

/* ---- main ------------------------------------------------------------------------------------- */

static const struct {
    const char *name;
    void (*fn)(void);
} cases[] = {
    {"revoke", test_revoke},
    {"members", test_members_cli},
    {"slack", test_members_slack},
    {"audit", test_audit},
    {"email", test_email},
    {"principals", test_principals},
    {"names", test_names},
    {"admin-names", test_admin_names},
    {"help", test_help},
    {"secret", test_secret},
    {"conversation", test_conversation},
    {"reasons", test_reasons},
};

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_limits /path/to/concierge [CASE...]\n");
        return 2;
    }
    bin = argv[1];
    printf("test_limits on %s\n", pg_test_enabled() ? "PostgreSQL" : "SQLite");
    struct stat st;
    snprintf(dir, sizeof dir, "%s/limits.XXXXXX",
             stat("/dev/shm", &st) == 0 && access("/dev/shm", W_OK) == 0 ? "/dev/shm"
             : getenv("TMPDIR")                                          ? getenv("TMPDIR")
                                                                         : "/tmp");
    if (!mkdtemp(dir)) {
        perror("test_limits: mkdtemp");
        return 1;
    }
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        int wanted = argc == 2;
        for (int i = 2; i < argc; i++)
            wanted |= strcmp(argv[i], cases[c].name) == 0;
        if (wanted) cases[c].fn();
    }
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    for (int i = 0; i < n_made; i++)
        pg_test_drop(made[i]);
    return CHECK_SUMMARY();
}
