/* test_render_slack: Slack's rendering of a reply of every intent (interfaces.md, Replies to
 * people), each message checked against Block Kit's structure rules (slack_blocks.h), and the
 * long ones: 1,000 members, a revoke of 70 grants, 30 audit events, a key's secret. Replies
 * come from execute_text on a real SQLite store in a temporary folder; each rule of the
 * validator is shown to refuse a message that breaks it. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../actions/execute.h"
#include "../frontends/cli/cli.h"
#include "../frontends/serve/render_slack.h"
#include "check.h"
#include "slack_blocks.h"

static struct store *st;
static int messages; /* checked against the rules */

static void admin_in(const char *command)
{
    char buf[256];
    char *argv[16];
    int argc = 0;
    snprintf(buf, sizeof buf, "%s", command);
    for (char *save = NULL, *t = strtok_r(buf, " ", &save); t && argc < 16; t = strtok_r(NULL, " ", &save))
        argv[argc++] = t;
    fflush(stdout);
    int saved = dup(1), nul = open("/dev/null", O_WRONLY);
    if (saved < 0 || nul < 0 || dup2(nul, 1) < 0) abort();
    int rc = admin_run(st, argc, argv, 0);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    close(nul);
    CHECK(rc == 0, command);
}

static void exec_as(const char *actor, const char *sandbox, int yes, const char *text, struct reply *r)
{
    struct exec_ctx x = {.store = st,
                         .actor = actor,
                         .sandbox = sandbox,
                         .now = (int64_t)time(NULL),
                         .yes = yes,
                         .conversation = "slack:T1:C1"};
    reply_init(r);
    execute_text(&x, text, strlen(text), r);
}

/* Both renderings of r checked against every rule; the ephemeral one returned (the caller
 * frees it), and the public one's text kept in *pub when asked. */
static json_t *rendered(const struct reply *r, const char *what, char **pub)
{
    char why[256];
    json_t *m = render_slack(r), *p = render_slack_public(r);
    CHECKF(m && slack_blocks_check(m, why, sizeof why) == 0, what, "ephemeral: %s", m ? why : "NULL");
    CHECKF(p && slack_blocks_check(p, why, sizeof why) == 0, what, "public: %s", p ? why : "NULL");
    CHECK(m && json_string_value(json_object_get(m, "response_type")) &&
              strcmp(json_string_value(json_object_get(m, "response_type")), "ephemeral") == 0,
          "the reply to a person is ephemeral");
    messages += 2;
    if (pub) *pub = p ? json_dumps(p, JSON_COMPACT) : NULL;
    json_decref(p);
    return m;
}

/* Every text of the message's blocks, a line each (sections and contexts). */
static char *all_text(const json_t *m)
{
    struct text t = TEXT_INIT;
    size_t i, k;
    json_t *b, *e;
    json_array_foreach(json_object_get(m, "blocks"), i, b)
    {
        const char *s = json_string_value(json_object_get(json_object_get(b, "text"), "text"));
        if (s) text_printf(&t, "%s\n", s);
        json_array_foreach(json_object_get(b, "elements"), k, e)
        {
            s = json_string_value(json_object_get(e, "text"));
            if (s) text_printf(&t, "%s\n", s);
        }
    }
    return text_take(&t);
}

static size_t count_of(const char *s, const char *w)
{
    size_t n = 0, len = strlen(w);
    for (const char *p = s ? strstr(s, w) : NULL; p; p = strstr(p + len, w))
        n++;
    return n;
}

static json_t *blk(json_t *m, size_t i) { return json_array_get(json_object_get(m, "blocks"), i); }

/* ---- Every intent ------------------------------------------------------------------------ */

static void test_every_intent(void)
{
    static const char *const phrases[] = {
        "invite <@U024BE7LH> and @bob as viewer for 30 days",
        "invite @carol as editor on the p1 project until 2030-01-01",
        "make @bob an editor",
        "extend @bob's access by 2 weeks",
        "make @carol's access permanent",
        "who has access?",
        "show editors",
        "can <@U024BE7LH> edit?",
        "what can @bob do?",
        "show the audit log",
        "who invited <@U024BE7LH>?",
        "make this sandbox private",
        "what's the sharing mode?",
        "share the builder agent with <@U024BE7LH>",
        "stop sharing the builder agent with <@U024BE7LH>",
        "give sandbox demo read access to src",
        "refresh the shared snapshot of src",
        "revoke demo's access to src",
        "limit editor access to 30 days",
        "what's the access policy?",
        "invite @dora as editor",
        "no limit for editors",
        "help",
        "how do I invite someone?",
        "revoke <@U024BE7LH>",
        "remove @carol from the p1 project",
        "confirm ZZZZ",
        "cancel ZZZZ",
        "cancel all",
        "invite @mallory as owner of nothing at all",
        "don't revoke @bob",
        "fly me to the moon",
    };
    for (size_t i = 0; i < sizeof phrases / sizeof phrases[0]; i++)
        for (int yes = 0; yes < 2; yes++) {
            struct reply r;
            exec_as("@ann", "demo", yes, phrases[i], &r);
            json_t *m = rendered(&r, phrases[i], NULL);
            char *t = all_text(m);
            CHECKF(t && !strstr(t, "slack:U"), "no Slack user as slack:U…", "%s: %s", phrases[i], t);
            if (r.status == RS_NEEDS_CONFIRMATION) {
                json_t *last = json_array_get(json_object_get(m, "blocks"),
                                              json_array_size(json_object_get(m, "blocks")) - 1);
                CHECKF(strcmp(json_string_value(json_object_get(last, "type")), "actions") == 0 &&
                           strcmp(json_string_value(json_object_get(
                                      json_array_get(json_object_get(last, "elements"), 0), "value")),
                                  r.token) == 0,
                       "a waiting change ends with Confirm / Cancel carrying its token", "%s", phrases[i]);
            } else {
                size_t k;
                json_t *b;
                int buttons = 0;
                json_array_foreach(json_object_get(m, "blocks"), k, b) buttons +=
                    strcmp(json_string_value(json_object_get(b, "type")), "actions") == 0;
                CHECKF(buttons == 0, "no buttons unless a change waits", "%s", phrases[i]);
            }
            free(t);
            json_decref(m);
            reply_clear(&r);
        }
    /* A (self) request from someone else, and a stranger. */
    struct reply r;
    exec_as("@bob", "demo", 0, "remove my access", &r);
    json_decref(rendered(&r, "remove my access", NULL));
    reply_clear(&r);
    exec_as("@nobody", "demo", 0, "who has access?", &r);
    json_decref(rendered(&r, "a stranger", NULL));
    reply_clear(&r);
}

/* A change the policy refuses: the phrase that would do is in what the person reads, and the
 * policy's rows are rows. */
static void test_policy(void)
{
    struct reply r;
    exec_as("@ann", "demo", 1, "limit viewer access to 2 weeks", &r);
    CHECK(r.status == RS_DONE, "a limit set");
    reply_clear(&r);
    exec_as("@ann", "demo", 1, "invite <@W0EVE1234> as viewer", &r);
    json_t *m = rendered(&r, "over the policy", NULL);
    char *t = all_text(m);
    CHECKF(r.code == C_POLICY_MAX_DURATION && t && strstr(t, "invite <@W0EVE1234> as viewer for 14 days") &&
               !strstr(t, "slack:"),
           "the refusal says the phrase that fits, the Slack user as a mention", "%s", t ? t : "");
    free(t);
    json_decref(m);
    reply_clear(&r);
    exec_as("@ann", "demo", 0, "what's the access policy?", &r);
    m = rendered(&r, "the policy", NULL);
    t = all_text(m);
    CHECKF(t && strstr(t, "viewer access at most 14 days"), "the policy's row", "%s", t ? t : "");
    free(t);
    json_decref(m);
    reply_clear(&r);
    exec_as("@ann", "demo", 1, "no limit for viewers", &r);
    reply_clear(&r);
}

/* Mentions in the summary sentence and the rows; instants as Slack's date tokens. */
static void test_mentions_and_dates(void)
{
    struct reply r;
    exec_as("@ann", "demo", 1, "invite <@W0DORA123> as viewer until 2031-05-06", &r);
    json_t *m = rendered(&r, "invite a Slack user", NULL);
    char *t = all_text(m);
    CHECKF(t && strstr(t, "Invited <@W0DORA123> ") && !strstr(t, "slack:"),
           "the summary mentions the Slack user", "%s", t ? t : "");
    CHECK(strstr(json_string_value(json_object_get(m, "text")), "<@W0DORA123>") != NULL,
          "the fallback text mentions too");
    free(t);
    json_decref(m);
    reply_clear(&r);

    exec_as("@ann", "demo", 0, "who has access?", &r);
    m = rendered(&r, "who has access?", NULL);
    t = all_text(m);
    const char *want = "• <@W0DORA123> (viewer, until <!date^";
    CHECKF(t && strstr(t, want) && strstr(t, "^{date_short_pretty} {time}|2031-05-0"),
           "a member row: mention, date token", "%s", t ? t : "");
    const char *d = t ? strstr(t, want) : NULL;
    if (d) {
        long long secs = strtoll(d + strlen(want), NULL, 10);
        const char *fb = strchr(d + strlen(want), '|');
        struct tm tm = {0};
        char z = 0;
        int ok = fb && sscanf(fb + 1, "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                              &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &z) == 7;
        tm.tm_year -= 1900;
        tm.tm_mon -= 1;
        CHECK(ok && z == 'Z' && timegm(&tm) == secs, "the date token's seconds are the fallback's instant");
    }
    const char *head = json_string_value(json_object_get(json_object_get(blk(m, 0), "text"), "text"));
    CHECKF(head && strstr(head, " with access to sandbox demo:") && !strchr(head, '\n'),
           "the headline is a section of its own", "%s", head ? head : "");
    free(t);
    json_decref(m);
    reply_clear(&r);

    exec_as("@ann", "demo", 0, "escape <b>&amp; me", &r);
    m = rendered(&r, "markup in the phrase", NULL);
    t = json_dumps(m, 0);
    CHECK(t && !strstr(t, "<b>"), "< > & from the person are escaped for mrkdwn");
    free(t);
    json_decref(m);
    reply_clear(&r);
}

/* ---- The long ones ------------------------------------------------------------------------- */

static void test_members(void)
{
    admin_in("sandbox add big --owner @ann");
    for (int k = 1; k <= 1000; k += 10) {
        struct text p = TEXT_INIT;
        text_puts(&p, "invite");
        for (int j = k; j < k + 10; j++)
            text_printf(&p, j % 2 ? " @m%04d" : " <@U%04dX>", j);
        text_puts(&p, " as viewer for 90 days");
        struct reply r;
        exec_as("@ann", "big", 1, p.s, &r);
        if (r.status != RS_DONE) CHECKF(0, "1,000 invitations", "%s", r.summary.s);
        reply_clear(&r);
        text_free(&p);
    }
    struct reply r;
    exec_as("@ann", "big", 0, "who has access?", &r);
    json_t *m = rendered(&r, "1,000 members", NULL);
    char *t = all_text(m);
    size_t rows = count_of(t, "\n• "), mentions = count_of(t, "• <@U");
    const char *more = t ? strstr(t, "… and ") : NULL;
    long n_more = more ? strtol(more + strlen("… and "), NULL, 10) : 0;
    printf("1,000 members: %zu blocks, %zu rows, %ld more\n", json_array_size(json_object_get(m, "blocks")),
           rows, n_more);
    CHECK(rows + (size_t)n_more == 1001 && mentions > 0 && !strstr(t, "slack:"),
          "the rows and the N more are the 1,001 members, Slack users as mentions");
    if (more) {
        const json_t *b =
            json_array_get(json_object_get(m, "blocks"), json_array_size(json_object_get(m, "blocks")) - 1);
        CHECK(strcmp(json_string_value(json_object_get(b, "type")), "context") == 0 &&
                  strstr(more, "more members"),
              "\"… and N more members\" is the last block, a context");
    }
    free(t);
    json_decref(m);
    reply_clear(&r);
}

static void test_revoke70(void)
{
    char cmd[128];
    admin_in("sandbox add rows --owner @ann");
    for (int k = 0; k < 70; k++) {
        snprintf(cmd, sizeof cmd, "project add rows p%02d", k);
        admin_in(cmd);
        struct reply r;
        snprintf(cmd, sizeof cmd, "invite <@U0BOB1234> as viewer on the p%02d project", k);
        exec_as("@ann", "rows", 1, cmd, &r);
        reply_clear(&r);
    }
    struct reply r;
    exec_as("@ann", "rows", 0, "revoke <@U0BOB1234>", &r);
    json_t *m = rendered(&r, "a revoke of 70 grants", NULL);
    char *t = all_text(m);
    int whole = 0;
    for (int k = 0; k < 70; k++) {
        snprintf(cmd, sizeof cmd, "\n<@U0BOB1234>'s viewer grant in project p%02d%c\n", k,
                 k == 69 ? '.' : ';');
        whole += count_of(t, cmd) == 1;
    }
    CHECKF(r.n_parts == 70 && whole == 70, "every grant on a line of its own, the Slack user a mention", "%d",
           whole);
    free(t);
    json_decref(m);
    reply_clear(&r);
}

static void test_audit30(void)
{
    admin_in("sandbox add log --owner slack:U0ANN0000");
    for (int k = 0; k < 15; k++) {
        char cmd[64];
        struct reply r;
        snprintf(cmd, sizeof cmd, "invite <@U0E%04d> as viewer", k);
        exec_as("slack:U0ANN0000", "log", 1, cmd, &r);
        reply_clear(&r);
        snprintf(cmd, sizeof cmd, "revoke <@U0E%04d>", k);
        exec_as("slack:U0ANN0000", "log", 1, cmd, &r);
        reply_clear(&r);
    }
    struct reply r;
    exec_as("slack:U0ANN0000", "log", 0, "show the audit log", &r);
    size_t total = json_array_size(json_object_get(r.result, "events"));
    json_t *m = rendered(&r, "the audit log", NULL);
    char *t = all_text(m);
    size_t rows = count_of(t, "\n• <!date^");
    const char *more = t ? strstr(t, "… and ") : NULL;
    long n_more = more ? strtol(more + strlen("… and "), NULL, 10) : -1;
    printf("audit: %zu events, %zu rows, %ld more\n", total, rows, n_more);
    CHECK(total >= 30 && rows == SLACK_AUDIT_MAX && n_more == (long)(total - SLACK_AUDIT_MAX) &&
              strstr(more, "more events not shown here"),
          "the newest 20 events, then how many more, in a context line");
    CHECK(count_of(t, "Z> <@U0ANN0000>: ") == SLACK_AUDIT_MAX,
          "each event with its actor (a Slack actor as a mention)");
    free(t);
    json_decref(m);
    reply_clear(&r);
}

static void test_secret(void)
{
    struct reply r;
    exec_as("@ann", "demo", 1, "give <@U024BE7LH> a delegate key for the builder agent", &r);
    const char *secret =
        json_string_value(json_object_get(json_array_get(json_object_get(r.result, "keys"), 0), "secret"));
    char *pub = NULL;
    json_t *m = rendered(&r, "share_agent", &pub);
    char *t = json_dumps(m, 0);
    CHECK(secret && t && strstr(t, secret), "the secret is in the ephemeral reply");
    CHECK(secret && pub && !strstr(pub, secret) && !strstr(pub, "ck_") && strstr(pub, "was shown only to"),
          "and never in a message for the channel");
    free(t);
    free(pub);
    json_decref(m);
    reply_clear(&r);
}

/* ---- The validator refuses what breaks a rule ------------------------------------------------ */

static json_t *good(void)
{
    return json_pack(
        "{s:s, s:s, s:[{s:s, s:{s:s, s:s}}, {s:s, s:[{s:s, s:s}]}, {s:s}, {s:s, s:{s:s, s:s}}, {s:s, "
        "s:[{s:s, s:{s:s, s:s}, s:s, s:s}, {s:s, s:{s:s, s:s}, s:s, s:s}]}]}",
        "response_type", "ephemeral", "text", "fallback", "blocks", "type", "section", "text", "type",
        "mrkdwn", "text", "hello", "type", "context", "elements", "type", "mrkdwn", "text", "more", "type",
        "divider", "type", "header", "text", "type", "plain_text", "text", "head", "type", "actions",
        "elements", "type", "button", "text", "type", "plain_text", "text", "Confirm", "action_id", "confirm",
        "value", "K7Q2", "type", "button", "text", "type", "plain_text", "text", "Cancel", "action_id",
        "cancel", "value", "K7Q2");
}

static json_t *button(json_t *m, size_t i)
{
    return json_array_get(json_object_get(blk(m, 4), "elements"), i);
}

static char *repeat(const char *unit, size_t n)
{
    size_t u = strlen(unit);
    char *s = malloc(u * n + 1);
    for (size_t i = 0; i < n; i++)
        memcpy(s + i * u, unit, u);
    s[u * n] = 0;
    return s;
}

static void refused(json_t *m, const char *rule, const char *because)
{
    char why[256] = "";
    CHECKF(slack_blocks_check(m, why, sizeof why) != 0 && strstr(why, because), rule, "why: \"%s\"", why);
    json_decref(m);
}

static void test_validator(void)
{
    char why[256];
    json_t *m = good();
    CHECKF(slack_blocks_check(m, why, sizeof why) == 0, "a message keeping every rule passes", "%s", why);
    json_decref(m);
    char *s;

    m = good(), json_object_del(m, "text"), refused(m, "no text fallback", "text fallback");
    m = good(), json_object_set_new(m, "text", json_string("")),
    refused(m, "an empty text fallback", "text fallback");
    m = good();
    for (int i = 0; i < 46; i++)
        json_array_append_new(json_object_get(m, "blocks"), json_pack("{s:s}", "type", "divider"));
    refused(m, "51 blocks", "over 50");
    m = good(), json_object_set_new(blk(m, 2), "type", json_string("image")),
    refused(m, "an image block", "is not one of");
    m = good(), json_object_set_new(blk(m, 2), "type", json_string("input")),
    refused(m, "an input block", "is not one of");
    m = good(), s = repeat("é", 3001),
    json_object_set_new(json_object_get(blk(m, 0), "text"), "text", json_string(s)), free(s),
    refused(m, "a section of 3,001 characters", "3001 characters, over 3000");
    m = good(), s = repeat("é", 3000),
    json_object_set_new(json_object_get(blk(m, 0), "text"), "text", json_string(s)), free(s);
    CHECKF(slack_blocks_check(m, why, sizeof why) == 0, "3,000 characters (6,000 bytes) are within the limit",
           "%s", why);
    json_decref(m);
    m = good();
    json_t *f = json_array();
    for (int i = 0; i < 11; i++)
        json_array_append_new(f, json_pack("{s:s, s:s}", "type", "mrkdwn", "text", "x"));
    json_object_set_new(blk(m, 0), "fields", f);
    refused(m, "11 fields", "at most 10");
    m = good(), s = repeat("x", 2001);
    json_object_set_new(blk(m, 0), "fields", json_pack("[{s:s, s:s}]", "type", "mrkdwn", "text", s));
    free(s), refused(m, "a field of 2,001 characters", "over 2000");
    m = good();
    for (int i = 0; i < 10; i++)
        json_array_append_new(json_object_get(blk(m, 1), "elements"),
                              json_pack("{s:s, s:s}", "type", "mrkdwn", "text", "x"));
    refused(m, "a context of 11 elements", "1 to 10");
    m = good(), s = repeat("x", 76);
    json_object_set_new(json_object_get(button(m, 0), "text"), "text", json_string(s));
    free(s), refused(m, "a button text of 76", "over 75");
    m = good(), json_object_set_new(json_object_get(button(m, 0), "text"), "type", json_string("mrkdwn"));
    refused(m, "a button's text in mrkdwn", "plain_text");
    m = good(), s = repeat("x", 2001), json_object_set_new(button(m, 0), "value", json_string(s)), free(s);
    refused(m, "a value of 2,001", "value over 2,000");
    m = good(), s = repeat("x", 256), json_object_set_new(button(m, 0), "action_id", json_string(s)), free(s);
    refused(m, "an action_id of 256", "action_id missing or over 255");
    m = good(), json_object_set_new(button(m, 1), "action_id", json_string("confirm"));
    refused(m, "an action_id twice", "used twice");
    m = good(),
    json_object_set_new(json_object_get(blk(m, 0), "text"), "text", json_string("hi slack:U024BE7LH"));
    refused(m, "a Slack user as slack:U…", "not a mention");
    s = repeat("ab", 32);
    char secret[80];
    snprintf(secret, sizeof secret, "ck_%s", s);
    free(s);
    m = good(), json_object_set_new(json_object_get(blk(m, 0), "text"), "text", json_string(secret));
    json_object_del(m, "response_type");
    refused(m, "a secret in a message for the channel", "not ephemeral");
    m = good(), json_object_set_new(json_object_get(blk(m, 0), "text"), "text", json_string(secret));
    CHECKF(slack_blocks_check(m, why, sizeof why) == 0, "a secret in an ephemeral message is allowed", "%s",
           why);
    json_decref(m);
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

int main(void)
{
    char dir[] = "/tmp/render_slack.XXXXXX", db[64], err[256];
    if (!mkdtemp(dir)) return 1;
    snprintf(db, sizeof db, "%s/s.db", dir);
    if (store_open(db, STORE_CREATE, &st, err, sizeof err) != STORE_OK) {
        printf("store: %s\n", err);
        return 1;
    }
    admin_in("workspace add default");
    admin_in("sandbox add demo --owner @ann");
    admin_in("sandbox add src --owner @ann");
    admin_in("project add demo p1");
    admin_in("agent add demo builder");
    test_validator();
    test_every_intent();
    test_policy();
    test_mentions_and_dates();
    test_secret();
    test_members();
    test_revoke70();
    test_audit30();
    printf("%d messages checked against Block Kit's rules\n", messages);
    store_close(st);
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    return CHECK_SUMMARY();
}
