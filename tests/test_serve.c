/* concierge serve, end to end: the real binary on an ephemeral loopback port, driven over
 * real HTTP with libcurl, and a local HTTP listener (libmicrohttpd) standing in for Slack's
 * response_url and the bots' callback_url. The store is a real SQLite file, read back
 * directly to prove what changed and what did not. */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../frontends/serve/slack_sig.h"
#include "check.h"
#include "pg_test.h"
#include "test_db.h"
#include "slack_blocks.h"
#include "serve_drive.h"
#include "spawn.h"

#define SECRET DRIVE_SLACK_SECRET

static const char *bin;
static char dir[] = "/tmp/concierge-serve-XXXXXX";
static char db[512];
static int port;     /* the server's */
static int lport;    /* the listener's */
static pid_t server; /* the server's process */
static char bot_helper[128], bot_helper2[128], bot_globex[128];
static char sign_helper[128];   /* helper's signing secret, as admin printed it */
static char bot_legacy[128];    /* a bot made before bots had signing secrets */
static char startup_log[16384]; /* what the server logged before it listened */

/* ---- The listener (serve_drive.h) ----------------------------------------------------- */

static const char *delivery(int n) { return listener_delivery(n); }
static int deliveries(void) { return listener_count(); }

/* ---- Running things ------------------------------------------------------------------ */

/* `concierge admin --db DB WORDS` (serve_drive.h). */
static int concierge(char *out, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int concierge(char *out, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int st = drive_vadmin(bin, db, out, size, fmt, ap);
    va_end(ap);
    return st;
}

/* The store, read and written behind the server's back (either backend). */
static int64_t count_rows(const char *sql) { return test_db_count(db, sql); }
static int store_write(const char *sql) { return test_db_exec(db, sql); }

/* Everything that changes is audited with it: the audit log's size says whether anything did. */
static int64_t changes(void) { return count_rows("SELECT count(*) FROM audit WHERE outcome = 'done'"); }
static int64_t pending(void) { return count_rows("SELECT count(*) FROM pending"); }

static void start_server(void)
{
    server = drive_serve(bin, db, lport, NULL, &port, startup_log, sizeof startup_log);
}

/* ---- HTTP ---------------------------------------------------------------------------- */

/* One request to the server (serve_drive.h). */
static long http(const char *method, const char *path, const char *const *headers, const char *body, long len,
                 struct drive_resp *r)
{
    return drive_http(port, method, path, headers, body, len, r);
}

/* Every Slack message the server makes is checked against Block Kit's rules (slack_blocks.h). */
static int slack_messages;
static void slack_valid(const json_t *m, const char *what)
{
    char why[256] = "";
    CHECKF(m && slack_blocks_check(m, why, sizeof why) == 0, "a Slack message keeps Block Kit's rules",
           "%s: %s", what, m ? why : "not JSON");
    slack_messages++;
}

/* The n-th message POSTed to a response_url, checked as a Slack message. */
static const char *slack_delivery(int n)
{
    const char *d = delivery(n);
    json_t *m = d ? json_loads(d, 0, NULL) : NULL;
    slack_valid(m, "a message posted to response_url");
    json_decref(m);
    return d;
}

/* A JSON error body, as every refusal must have. */
static int is_error_body(const struct drive_resp *r)
{
    return r->json && json_is_string(json_object_get(r->json, "error")) && json_object_size(r->json) == 1;
}

static long bot_to(const char *path, const char *token, const char *json, struct drive_resp *r)
{
    return drive_bot(port, path, token, json, r);
}

/* A chat bot's message. */
static long bot(const char *token, const char *json, struct drive_resp *r)
{
    return bot_to("/v1/messages", token, json, r);
}

static long msg(const char *token, const char *conv, const char *user, const char *text, struct drive_resp *r)
{
    return drive_msg(port, token, conv, user, text, r);
}

/* A request signed as Slack signs, at now + skew, with secret. */
static long slack_signed(const char *path, const char *body, int64_t skew, const char *secret,
                         struct drive_resp *r)
{
    return drive_slack_signed(port, path, body, skew, secret, r);
}

static long slash(const char *team, const char *channel, const char *user, const char *text,
                  struct drive_resp *r)
{
    long st = drive_slash(port, team, channel, user, text, r);
    if (st == 200) slack_valid(r->json, text);
    return st;
}

/* A click on Confirm or Cancel, as Slack posts it: the block_actions JSON in a form field. */
static long click_url(const char *user, const char *action, const char *token, const char *url,
                      struct drive_resp *r)
{
    return drive_click(port, user, action, token, url, r);
}

/* A click whose response_url is the listener's response_path. */
static long click(const char *user, const char *action, const char *token, const char *response_path,
                  struct drive_resp *r)
{
    char url[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", lport, response_path);
    return click_url(user, action, token, url, r);
}

/* ---- The tests ------------------------------------------------------------------------ */

static void set_up(void)
{
    char out[4096];
    /* On PostgreSQL (CONCIERGE_TEST_PG_FILE) a fresh database of the test cluster. */
    char err[256];
    if (pg_test_enabled()) {
        if (pg_test_create(db, sizeof db, err, sizeof err)) {
            CHECK(0, err);
            return;
        }
    } else {
        snprintf(db, sizeof db, "%s/concierge.db", dir);
    }
    char prefix[128];
    snprintf(prefix, sizeof prefix, "http://127.0.0.1:%d/cb/", lport);
    int ok = concierge(NULL, 0, "workspace add acme") == 0 &&
             concierge(NULL, 0, "sandbox add demo --owner @ann --workspace acme") == 0 &&
             concierge(NULL, 0, "agent add demo builder") == 0 &&
             concierge(NULL, 0, "workspace add globex") == 0 &&
             concierge(NULL, 0, "sandbox add other --owner @zed --workspace globex") == 0 &&
             concierge(NULL, 0, "slack map --team T1 --channel C1 --sandbox demo") == 0 &&
             concierge(NULL, 0, "link slack:U1 @ann") == 0;
    CHECK(ok, "the store is set up with admin");
    CHECK(concierge(out, sizeof out, "bot add helper --workspace acme --callback-prefix %s", prefix) == 0,
          "bot helper added");
    drive_secret_after(out, "bearer token:", bot_helper, sizeof bot_helper);
    drive_secret_after(out, "signing secret:", sign_helper, sizeof sign_helper);
    CHECK(concierge(out, sizeof out, "bot add helper2 --workspace acme") == 0, "bot helper2 added");
    drive_secret_after(out, "bearer token:", bot_helper2, sizeof bot_helper2);
    CHECK(concierge(out, sizeof out, "bot add gbot --workspace globex") == 0, "bot gbot added");
    drive_secret_after(out, "bearer token:", bot_globex, sizeof bot_globex);
    CHECK(strncmp(bot_helper, "cbt_", 4) == 0 && strncmp(bot_globex, "cbt_", 4) == 0, "tokens were printed");
    CHECK(count_rows("SELECT count(*) FROM bots WHERE length(token_sha256) = 32") == 3,
          "the store keeps only hashes of bot tokens");
    CHECK(strncmp(sign_helper, "cbs_", 4) == 0 && strlen(sign_helper) == 68 && strstr(out, "cbs_") &&
              strcmp(sign_helper, bot_helper) != 0,
          "bot add printed a signing secret besides the token");
    CHECK(count_rows("SELECT count(*) FROM bots WHERE signing_secret LIKE 'cbs_%'") == 3,
          "the store keeps each bot's signing secret: it must sign");
    /* A bot as a store migrated from before signing secrets holds it: no secret. */
    CHECK(concierge(out, sizeof out, "bot add legacy --workspace acme --callback-prefix %s", prefix) == 0,
          "bot legacy added");
    drive_secret_after(out, "bearer token:", bot_legacy, sizeof bot_legacy);
    CHECK(store_write("UPDATE bots SET signing_secret = NULL WHERE name = 'legacy'") == 0,
          "bot legacy has no signing secret, as one made before migration 4");
    /* A grant that expired before the server ever ran, its expiry not recorded: the sweeper's
     * at start-up (test_sweep_at_start). */
    const char *argv[] = {bin,
                          "--db",
                          db,
                          "--as",
                          "@ann",
                          "--sandbox",
                          "demo",
                          "--now",
                          "2026-11-01T00:00:00Z",
                          "--yes",
                          "invite @old for 1 day",
                          NULL};
    struct spawn_result r;
    CHECK(spawn_run(argv, NULL, NULL, 0, 30000, &r) == 0, "a grant that expired long ago");
    spawn_result_free(&r);
}

/* The sweeper runs at start-up (and every minute after, on a thread of its own): the grant
 * that expired before the server ran becomes one expired event, at the instant that was due.
 * Waited for (at most 20 s) before anything counts the audit log's events. */
static void test_sweep_at_start(void)
{
    const char *q = "SELECT count(*) FROM audit WHERE intent = 'expired' AND actor = 'concierge' AND "
                    "at = 1793577600 AND subjects = '[\"@old\"]'"; /* 2026-11-02T00:00:00Z */
    int64_t deadline = spawn_now_ms() + 20000;
    while (count_rows(q) < 1 && spawn_now_ms() < deadline) {
        struct timespec t = {0, 20 * 1000000};
        nanosleep(&t, NULL);
    }
    CHECK_INT(count_rows(q), 1, "serve's sweep at start-up recorded the expiry, at the instant that was due");
    /* Counted once the sweep has ended, a moment after its commit. */
    struct drive_resp *r = resp_new();
    const char *counted = "concierge_expiries_recorded_total{item=\"grant\"} 1\n";
    while (http("GET", "/metrics", NULL, NULL, 0, r) == 200 && !strstr(r->body, counted) &&
           spawn_now_ms() < deadline) {
        struct timespec t = {0, 20 * 1000000};
        nanosleep(&t, NULL);
    }
    CHECKF(strstr(r->body, counted) && strstr(r->body, "concierge_sweeps_total{result=\"failed\"} 0\n") &&
               strstr(r->body, "concierge_sweeps_total{result=\"ok\"} 1\n"),
           "/metrics counts the sweep and what it recorded", "%s", r->body);
    resp_free(r);
}

static void test_slack_flow(void)
{
    struct drive_resp *r = resp_new();
    int64_t before = changes();
    CHECK(slash("T1", "C1", "U1", "invite @bob as viewer for 30 days", r) == 200,
          "a slash command is answered 200");
    CHECK(r->json && strcmp(nz(jstr(r->json, "response_type")), "ephemeral") == 0, "the answer is ephemeral");
    const char *confirm = slack_button(r->json, 0, "action_id");
    const char *cancel = slack_button(r->json, 1, "action_id");
    char token[16] = "";
    snprintf(token, sizeof token, "%s", nz(slack_button(r->json, 0, "value")));
    CHECK(confirm && strcmp(confirm, "confirm") == 0 && cancel && strcmp(cancel, "cancel") == 0,
          "the answer has Confirm and Cancel buttons");
    CHECK(strlen(token) == 4 && strcmp(nz(slack_button(r->json, 1, "value")), token) == 0,
          "both buttons carry the pending token");
    CHECK(strstr(nz(jstr(r->json, "blocks.0.text.text")), "Invite @bob to sandbox demo as viewer") != NULL,
          "the answer describes the change");
    CHECK(changes() == before, "nothing changes before Confirm");

    int n0 = deliveries();
    CHECK(click("U1", "confirm", token, "/slack/r1", r) == 200, "the click is answered 200 at once");
    const char *d = slack_delivery(n0 + 1);
    CHECK(d && strstr(d, "\"replace_original\":true") && strstr(d, "Invited @bob"),
          "the result replaces the original message through response_url");
    CHECK(changes() == before + 1, "Confirm carried the change out, once");
    CHECK(count_rows("SELECT count(*) FROM grants WHERE principal = '@bob' AND role = 'viewer'") == 1,
          "@bob is a viewer");

    CHECK(click("U1", "confirm", token, "/slack/r2", r) == 200, "a second click is answered too");
    d = slack_delivery(n0 + 2);
    CHECK(d && strstr(d, "already carried out or cancelled"),
          "a second click says the change is done already (token_used, to its own asker)");
    CHECK(changes() == before + 1, "a second click changes nothing");

    /* Someone else's click, then Cancel. */
    slash("T1", "C1", "U1", "invite @carol as editor", r);
    snprintf(token, sizeof token, "%s", nz(slack_button(r->json, 0, "value")));
    click("U2", "confirm", token, "/slack/r3", r);
    d = slack_delivery(n0 + 3);
    CHECK(d && strstr(d, "not found") && changes() == before + 1, "another Slack user cannot confirm it");
    click("U1", "cancel", token, "/slack/r4", r);
    d = slack_delivery(n0 + 4);
    CHECK(d && strstr(d, "cancelled") && changes() == before + 1, "Cancel cancels, and nothing changes");
    click("U1", "confirm", token, "/slack/r5", r);
    d = slack_delivery(n0 + 5);
    CHECK(d && strstr(d, "already carried out or cancelled") && changes() == before + 1,
          "a click after Cancel changes nothing, and says it was used");

    /* A read-only phrase is answered with its result at once, without buttons. */
    CHECK(slash("T1", "C1", "U1", "who has access?", r) == 200 && strstr(r->body, "@bob (viewer") &&
              !strstr(r->body, "\"actions\""),
          "who has access is answered at once");
    CHECK(slash("T1", "C1", "U1", "", r) == 200 && strstr(r->body, "invite") != NULL,
          "a bare /concierge answers with help");
    CHECK(slash("T1", "C1", "U2", "who has access?", r) == 200 &&
              strstr(r->body, "sandbox \\\"demo\\\" not found"),
          "an unlinked stranger hears not found");
    CHECK(slash("T1", "C9", "U1", "who has access?", r) == 200 && strstr(r->body, "not connected"),
          "an unmapped channel is told how to map it");
    CHECK(slash("T1", "C1", "U1", "don't revoke @bob", r) == 200 && !strstr(r->body, "\"actions\"") &&
              changes() == before + 1,
          "a negation is refused without buttons");

    /* The response_url fails twice: the outbox retries with back-off until it lands. */
    slash("T1", "C1", "U1", "invite @dora as viewer", r);
    snprintf(token, sizeof token, "%s", nz(slack_button(r->json, 0, "value")));
    pthread_mutex_lock(&heard.lock);
    heard.fail_next = 2;
    heard.failed = 0;
    pthread_mutex_unlock(&heard.lock);
    CHECK(click("U1", "confirm", token, "/slack/r6", r) == 200, "the click is answered before the delivery");
    d = slack_delivery(n0 + 6);
    CHECK(d && strstr(d, "Invited @dora") && heard.failed == 2,
          "a failed delivery is retried until it lands");
    CHECK(changes() == before + 2, "and the change was made once");

    /* Slack users as mentions, instants as date tokens, a key's secret only in the reply to
     * the one who confirmed (ephemeral: slack_valid refuses a secret in any other). */
    slash("T1", "C1", "U1", "invite <@U0BOB1234> as viewer for 30 days", r);
    snprintf(token, sizeof token, "%s", nz(slack_button(r->json, 0, "value")));
    CHECK(strstr(r->body, "<@U0BOB1234>") && !strstr(r->body, "slack:U"),
          "the description mentions the Slack user");
    click("U1", "confirm", token, "/slack/r8", r);
    d = slack_delivery(n0 + 7);
    CHECK(d && strstr(d, "Invited <@U0BOB1234>") && !strstr(d, "slack:U"), "so does the result");
    CHECK(slash("T1", "C1", "U1", "who has access?", r) == 200 &&
              strstr(r->body, "<@U0BOB1234> (viewer, until <!date^") &&
              strstr(r->body, "{date_short_pretty} {time}|"),
          "a member row: the mention, the expiry as Slack's date token");
    slash("T1", "C1", "U1", "share the builder agent with <@U0BOB1234>", r);
    snprintf(token, sizeof token, "%s", nz(slack_button(r->json, 0, "value")));
    click("U1", "confirm", token, "/slack/r9", r);
    d = slack_delivery(n0 + 8);
    CHECK(d && strstr(d, "`ck_") && strstr(d, "\"response_type\":\"ephemeral\"") &&
              strstr(d, "\"replace_original\":true"),
          "the new key's secret replaces the ephemeral message, for the one who confirmed");
    printf("%d Slack messages checked against Block Kit's rules\n", slack_messages);
    resp_free(r);
}

static void test_slack_refusals(void)
{
    struct drive_resp *r = resp_new();
    int64_t before = changes(), waiting = pending();
    const char *body = "team_id=T1&channel_id=C1&user_id=U1&text=invite+%40eve+as+owner+of+nothing";
    const char *form = "Content-Type: application/x-www-form-urlencoded";
    const char *unsigned_h[] = {form, NULL};
    CHECK(http("POST", "/slack/commands", unsigned_h, body, -1, r) == 401 && is_error_body(r),
          "an unsigned request is 401");
    CHECK(slack_signed("/slack/commands", body, 0, "not-the-secret", r) == 401 && is_error_body(r),
          "a forged signature is 401");
    CHECK(slack_signed("/slack/commands", body, -(SLACK_WINDOW + 60), SECRET, r) == 401 && is_error_body(r),
          "a stale request (a replay) is 401");
    CHECK(slack_signed("/slack/commands", body, SLACK_WINDOW + 60, SECRET, r) == 401,
          "a request from the future");
    /* A signature made for another body. */
    char ts[32], sig[68], h1[64], h2[128];
    snprintf(ts, sizeof ts, "%lld", (long long)time(NULL));
    slack_sign(SECRET, strlen(SECRET), ts, "team_id=T1", 10, sig);
    snprintf(h1, sizeof h1, "X-Slack-Request-Timestamp: %s", ts);
    snprintf(h2, sizeof h2, "X-Slack-Signature: %s", sig);
    const char *moved[] = {h1, h2, form, NULL};
    CHECK(http("POST", "/slack/commands", moved, body, -1, r) == 401, "a signature of another body is 401");
    CHECK(http("POST", "/slack/interactions", moved, "payload=%7B%7D", -1, r) == 401,
          "interactions are verified");
    CHECK(slack_signed("/slack/commands", "team_id=T1&text=%zz", 0, SECRET, r) == 400 && is_error_body(r),
          "bad form encoding is 400");
    CHECK(slack_signed("/slack/commands", "team_id=T1&channel_id=C1&text=hi", 0, SECRET, r) == 400,
          "a missing user_id is 400");
    CHECK(slack_signed("/slack/commands", "team_id=T1&channel_id=C1&user_id=U1", 0, SECRET, r) == 400,
          "a missing text is 400");
    CHECK(slack_signed("/slack/commands", "team_id=T1&channel_id=C1&user_id=U1%22&text=x", 0, SECRET, r) ==
              400,
          "a user_id that is not a Slack ID is 400");
    CHECK(slack_signed("/slack/interactions", "payload=not+json", 0, SECRET, r) == 400 && is_error_body(r),
          "a payload that is not JSON is 400");
    CHECK(slack_signed("/slack/interactions", "nothing=here", 0, SECRET, r) == 400, "no payload is 400");
    CHECK(slack_signed("/slack/interactions", "payload=%7B%22type%22%3A%22view_submission%22%7D", 0, SECRET,
                       r) == 400,
          "another kind of payload is 400");
    CHECK(slack_signed("/slack/interactions", "payload=%5B1%5D", 0, SECRET, r) == 400,
          "a payload array is 400");
    CHECK(changes() == before && pending() == waiting, "no refused Slack request changed anything");

    /* A response_url that is not Slack's: refused, and the change stays pending. */
    slash("T1", "C1", "U1", "invite @fay as viewer", r);
    char token[16];
    snprintf(token, sizeof token, "%s", nz(slack_button(r->json, 0, "value")));
    CHECK(click_url("U1", "confirm", token, "https://evil.example/steal", r) == 400 && changes() == before,
          "a response_url outside Slack's prefix is 400 and nothing runs");
    char climb[128];
    snprintf(climb, sizeof climb, "http://127.0.0.1:%d/slack/../cb/x", lport);
    CHECK(click_url("U1", "confirm", token, climb, r) == 400 && changes() == before,
          "nor one that climbs out of the prefix with a dot segment");
    int n0 = deliveries();
    click("U1", "confirm", token, "/slack/r7", r);
    const char *d = slack_delivery(n0 + 1);
    CHECK(d && strstr(d, "Invited @fay") && changes() == before + 1,
          "the change was still pending, for a good click");
    resp_free(r);
}

static void test_bot_flow(void)
{
    struct drive_resp *r = resp_new();
    int64_t before = changes();
    CHECK(msg(bot_helper, "c1", "@ann", "invite @carol as editor", r) == 200, "a bot's message is 200");
    CHECK(strcmp(nz(jstr(r->json, "status")), "needs_confirmation") == 0 && jstr(r->json, "token"),
          "a change waits for confirmation");
    CHECK(json_object_size(r->json) == 9 && json_object_get(r->json, "result") &&
              json_object_get(r->json, "error") && json_object_get(r->json, "rule") &&
              json_is_null(json_object_get(r->json, "code")) && json_object_get(r->json, "text"),
          "the reply object has interfaces.md's eight fields (code null while it waits) and text");
    char want[2048];
    /* The description, then the step that carries it out on a line of its own. */
    const char *summary = nz(jstr(r->json, "summary")), *step = strstr(summary, " To carry it out, say: ");
    snprintf(want, sizeof want, "%.*s\n%s\n", step ? (int)(step - summary) : 0, summary,
             step ? step + 1 : "");
    CHECK_STR(nz(jstr(r->json, "text")), want,
              "text is the terminal's rendering: the description and the step, no colour");
    CHECK(!json_object_get(r->json, "conversation"), "the reply itself has no conversation (callbacks do)");
    msg(bot_helper, "c1", "@bob", "yes", r);
    CHECK_STR(nz(jstr(r->json, "status")), "rejected", "another user's yes does not answer it");
    msg(bot_helper, "c2", "@ann", "yes", r);
    CHECK_STR(nz(jstr(r->json, "status")), "rejected", "a yes in another conversation does not");
    msg(bot_helper2, "c1", "@ann", "yes", r);
    CHECK_STR(nz(jstr(r->json, "status")), "rejected",
              "the same conversation name under another bot does not");
    CHECK(changes() == before, "nothing changed yet");
    msg(bot_helper, "c1", "@ann", "yes", r);
    CHECK(strcmp(nz(jstr(r->json, "status")), "done") == 0 && changes() == before + 1,
          "yes from that user in that conversation carries it out");
    msg(bot_helper, "c1", "@ann", "yes", r);
    CHECK(strcmp(nz(jstr(r->json, "status")), "rejected") == 0 && changes() == before + 1, "but only once");
    /* Pending changes accumulate in a conversation (lifecycle.md): the reply lists them, a bare
     * yes is then ambiguous, a token picks one, cancel all clears the rest. */
    msg(bot_helper, "c4", "@ann", "invite @ivy as viewer", r);
    char ivy[16];
    snprintf(ivy, sizeof ivy, "%s", nz(jstr(r->json, "token")));
    msg(bot_helper, "c4", "@ann", "invite @jon as viewer", r);
    char jon[16];
    snprintf(jon, sizeof jon, "%s", nz(jstr(r->json, "token")));
    CHECK(strstr(nz(jstr(r->json, "summary")), "2 changes wait for your confirmation here") &&
              strstr(nz(jstr(r->json, "summary")), ivy) && strstr(nz(jstr(r->json, "summary")), jon),
          "the second waits beside the first, and the reply lists both");
    msg(bot_helper, "c4", "@ann", "yes", r);
    CHECK(strcmp(nz(jstr(r->json, "code")), "ambiguous_pending") == 0 && changes() == before + 1,
          "a bare yes with two waiting is ambiguous_pending, and changes nothing");
    char confirm_jon[32];
    snprintf(confirm_jon, sizeof confirm_jon, "confirm %s", jon);
    msg(bot_helper, "c4", "@ann", confirm_jon, r);
    msg(bot_helper, "c4", "@ann", "cancel all", r);
    CHECK(strcmp(nz(jstr(r->json, "status")), "cancelled") == 0 &&
              strstr(nz(jstr(r->json, "summary")), ivy) &&
              count_rows("SELECT count(*) FROM grants WHERE principal = '@ivy'") == 0 &&
              count_rows("SELECT count(*) FROM grants WHERE principal = '@jon'") == 1 &&
              changes() == before + 2,
          "the token carried out @jon's, cancel all cleared @ivy's");
    msg(bot_helper, "c4", "@ann", "revoke @jon", r);
    msg(bot_helper, "c4", "@ann", "yes", r);
    before += 2;
    msg(bot_helper, "c1", "@ann", "revoke @carol", r);
    msg(bot_helper, "c1", "@ann", "no", r);
    CHECK(strcmp(nz(jstr(r->json, "status")), "cancelled") == 0 && changes() == before + 1, "no cancels it");
    msg(bot_helper, "c1", "@ann", "don't revoke @carol", r);
    CHECK(strcmp(nz(jstr(r->json, "status")), "not_understood") == 0 && changes() == before + 1,
          "a negation is not understood, and nothing changes");
    snprintf(want, sizeof want, "not understood: %s\n", nz(jstr(r->json, "summary")));
    CHECK_STR(nz(jstr(r->json, "text")), want, "text says not understood, as the terminal does");
    msg(bot_helper, "c1", "@bob", "invite @mallory as editor", r);
    CHECK(strcmp(nz(jstr(r->json, "status")), "denied") == 0 && jstr(r->json, "rule"),
          "a viewer asking for an owner's change is denied, with the rule");
    msg(bot_helper, "c1", "@ann", "who has access?", r);
    CHECK(strcmp(nz(jstr(r->json, "status")), "done") == 0 &&
              json_is_array(json_object_get(json_object_get(r->json, "result"), "members")),
          "a read-only phrase answers with its result");

    /* The runtime's question. */
    CHECK(bot_to("/v1/check", bot_helper,
                 "{\"principal\":\"@carol\",\"sandbox\":\"demo\",\"action\":\"build\"}", r) == 200 &&
              strcmp(nz(jstr(r->json, "decision")), "allow") == 0 &&
              strcmp(nz(jstr(r->json, "rule")), "grant:editor") == 0,
          "/v1/check allows an editor to build");
    CHECK(bot_to("/v1/check", bot_helper,
                 "{\"principal\":\"@carol\",\"sandbox\":\"demo\",\"action\":\"destroy\"}", r) == 200 &&
              strcmp(nz(jstr(r->json, "decision")), "deny") == 0,
          "and denies her destroying");
    resp_free(r);
}

static void test_workspace_bound(void)
{
    struct drive_resp *r = resp_new();
    int64_t before = changes();
    /* @zed owns sandbox other, in globex; acme's bot may not act there, even as @zed. */
    bot(bot_helper, "{\"conversation\":\"w\",\"user\":\"@zed\",\"sandbox\":\"other\",\"text\":\"invite @x\"}",
        r);
    CHECK(strcmp(nz(jstr(r->json, "status")), "rejected") == 0 &&
              strstr(nz(jstr(r->json, "summary")), "sandbox \"other\" not found"),
          "a bot cannot reach another workspace's sandbox: not found");
    bot(bot_helper,
        "{\"conversation\":\"w\",\"user\":\"@zed\",\"sandbox\":\"other\",\"text\":\"who has access?\"}", r);
    CHECK(strstr(nz(jstr(r->json, "summary")), "not found") != NULL, "not even to read it");
    bot(bot_globex,
        "{\"conversation\":\"w\",\"user\":\"@ann\",\"sandbox\":\"demo\",\"text\":\"who has access?\"}", r);
    CHECK(strstr(nz(jstr(r->json, "summary")), "sandbox \"demo\" not found") != NULL,
          "globex's bot cannot read acme's sandbox");
    bot(bot_globex, "{\"conversation\":\"w\",\"user\":\"@zed\",\"text\":\"who has access?\"}", r);
    CHECK_STR(nz(jstr(r->json, "status")), "done", "a workspace's only sandbox is the default");
    bot_to("/v1/check", bot_globex, "{\"principal\":\"@ann\",\"sandbox\":\"demo\",\"action\":\"read\"}", r);
    CHECK(strcmp(nz(jstr(r->json, "decision")), "deny") == 0 &&
              strcmp(nz(jstr(r->json, "rule")), "not-found") == 0,
          "/v1/check outside the bot's workspace is not found");
    CHECK(changes() == before, "nothing changed");
    resp_free(r);
}

/* One canonicaliser at every door (issue 8, item 9): the server's doors agree with the CLI's. */
static void test_doors(void)
{
    struct drive_resp *r = resp_new();
    int64_t before = changes();
    CHECK(bot_to("/v1/check", bot_helper,
                 "{\"principal\":\"@CAROL\",\"sandbox\":\"DEMO\",\"action\":\"build\"}", r) == 200 &&
              strcmp(nz(jstr(r->json, "decision")), "allow") == 0,
          "/v1/check: @CAROL in DEMO is @carol in demo, as concierge check says");
    const char *bad_users[] = {"@own<er>\"&", "slack:", "slack:u1", "@here", "Bob", "@a\x1b[31m", ""};
    for (size_t i = 0; i < sizeof bad_users / sizeof bad_users[0]; i++) {
        long st = msg(bot_helper, "doors", bad_users[i], "who has access?", r);
        char what[160];
        snprintf(what, sizeof what, "a bot's user '%s' is refused with a 400 naming the field", bad_users[i]);
        CHECK(st == 400 && is_error_body(r) && strstr(r->body, "user must be a principal"), what);
    }
    CHECK(msg(bot_helper, "doors", "<@U1|ann>", "who has access?", r) == 200,
          "a bot's user in Slack's own form is the Slack user");
    CHECK(bot_to("/v1/check", bot_helper,
                 "{\"principal\":\"@carol\",\"sandbox\":\"de mo\",\"action\":\"read\"}", r) == 400 &&
              strstr(r->body, "sandbox must be a name"),
          "/v1/check: a sandbox that is no name is a 400");
    CHECK(slash("T1", "C1", "u1lower", "who has access?", r) == 400 && is_error_body(r),
          "Slack: a user_id that is not a Slack user ID (lower case) is a 400");
    CHECK(changes() == before, "nothing changed");
    resp_free(r);
}

static void test_callbacks_and_keys(void)
{
    struct drive_resp *r = resp_new();
    char json[1024];
    int64_t before = changes();
    const char *outside[] = {"http://127.0.0.1:%d/cbx",
                             "http://127.0.0.1:%d/cb/../slack/x",
                             "http://127.0.0.1:%d/cb/%%2e%%2e/x",
                             "https://evil.example/cb/",
                             "http://127.0.0.1:%d/c",
                             "http://127.0.0.1:%d/cb/..%%2fslack/x",
                             "http://127.0.0.1:%d/cb/..;/slack/x",
                             "http://127.0.0.1:%d/cb/.%%2E/slack/x"};
    int d0 = deliveries();
    for (size_t i = 0; i < sizeof outside / sizeof outside[0]; i++) {
        char url[256];
        snprintf(url, sizeof url, outside[i], lport);
        snprintf(
            json, sizeof json,
            "{\"conversation\":\"cb\",\"user\":\"@ann\",\"text\":\"invite @gus\",\"callback_url\":\"%s\"}",
            url);
        CHECK(bot(bot_helper, json, r) == 400 && is_error_body(r) &&
                  strncmp(nz(jstr(r->json, "error")), "callback_url is refused: ", 25) == 0,
              url);
    }
    CHECK(deliveries() == d0, "nothing was posted to a refused callback_url");
    snprintf(json, sizeof json,
             "{\"conversation\":\"cb\",\"user\":\"@ann\",\"text\":\"invite @gus\",\"callback_url\":\"http://"
             "127.0.0.1:%d/cb/x\"}",
             lport);
    CHECK(bot(bot_helper2, json, r) == 400, "a bot with no registered prefix takes no callback");
    msg(bot_helper, "cb", "@ann", "yes", r);
    CHECK(strcmp(nz(jstr(r->json, "status")), "rejected") == 0 && changes() == before,
          "a refused callback left nothing pending");

    /* Inside the prefix: the reply is POSTed there too, without the key's secret. */
    int n0 = deliveries();
    msg(bot_helper, "keys", "@ann", "share the builder agent with @bob", r);
    CHECK_STR(nz(jstr(r->json, "status")), "needs_confirmation", "share_agent waits for yes");
    snprintf(json, sizeof json,
             "{\"conversation\":\"keys\",\"user\":\"@ann\",\"text\":\"yes\",\"callback_url\":\"http://"
             "127.0.0.1:%d/cb/keys?x=1\"}",
             lport);
    CHECK(bot(bot_helper, json, r) == 200, "yes with a callback");
    char secret[128];
    snprintf(secret, sizeof secret, "%s", nz(jstr(r->json, "result.keys.0.secret")));
    CHECK(strncmp(secret, "ck_", 3) == 0, "the secret is in the bot's reply, this once");
    const char *d = delivery(n0 + 1);
    CHECK(d && strstr(d, "\"status\":\"done\"") && strstr(d, "\"secret\":null") && !strstr(d, "ck_"),
          "the callback has the reply without the secret");
    CHECK_STR(heard.path[n0], "/cb/keys", "at the callback's path");
    CHECK(strstr(nz(jstr(r->json, "text")), secret) != NULL, "the reply's text shows the secret, this once");
    /* The callback carries the bot's conversation and the text, and is signed (interfaces.md). */
    json_t *cb = d ? json_loads(d, 0, NULL) : NULL;
    CHECK_STR(nz(jstr(cb, "conversation")), "keys", "the callback carries the bot's own conversation id");
    const char *text = nz(jstr(cb, "text"));
    CHECK(*text && strstr(text, nz(jstr(cb, "summary"))) && !strstr(text, "ck_") &&
              !strstr(text, "Keep it now"),
          "and the text, without the secret or a warning about it");
    json_decref(cb);
    const char *why = NULL;
    int64_t now = (int64_t)time(NULL);
    CHECK(d && strncmp(heard.sig[n0], "v0=", 3) == 0 && heard.ts[n0][0] &&
              slack_verify(sign_helper, strlen(sign_helper), heard.ts[n0], heard.sig[n0], d, strlen(d), now,
                           &why) == 0,
          "its X-Concierge-Signature verifies with the signing secret admin printed, over the exact body");
    CHECK(d && slack_verify("cbs_another", 11, heard.ts[n0], heard.sig[n0], d, strlen(d), now, &why) != 0,
          "and not with another secret");
    char *changed = d ? strdup(d) : NULL;
    if (changed) changed[strlen(changed) / 2] ^= 1;
    CHECK(changed && slack_verify(sign_helper, strlen(sign_helper), heard.ts[n0], heard.sig[n0], changed,
                                  strlen(changed), now, &why) != 0,
          "nor over a changed body");
    free(changed);
    CHECK(count_rows("SELECT count(*) FROM audit WHERE summary LIKE '%ck\\_%' ESCAPE '\\' OR before LIKE "
                     "'%ck\\_%' ESCAPE '\\'") == 0,
          "the audit log never holds a secret");

    snprintf(json, sizeof json, "{\"sandbox\":\"demo\",\"agent\":\"builder\",\"secret\":\"%s\"}", secret);
    CHECK(bot_to("/v1/keys/verify", bot_helper, json, r) == 200 &&
              json_is_true(json_object_get(r->json, "valid")) &&
              strcmp(nz(jstr(r->json, "kind")), "invoke") == 0 &&
              strcmp(nz(jstr(r->json, "principal")), "@bob") == 0 &&
              json_is_null(json_object_get(r->json, "expires_at")),
          "/v1/keys/verify knows the key");
    CHECK(bot_to("/v1/keys/verify", bot_globex, json, r) == 200 &&
              json_is_false(json_object_get(r->json, "valid")),
          "but not for another workspace's bot");
    snprintf(json, sizeof json, "{\"sandbox\":\"demo\",\"agent\":\"other\",\"secret\":\"%s\"}", secret);
    CHECK(bot_to("/v1/keys/verify", bot_helper, json, r) == 200 &&
              json_is_false(json_object_get(r->json, "valid")),
          "a key of another agent is not valid");
    CHECK(bot_to("/v1/keys/verify", bot_helper,
                 "{\"sandbox\":\"demo\",\"agent\":\"builder\",\"secret\":\"ck_00\"}", r) == 200 &&
              json_is_false(json_object_get(r->json, "valid")) &&
              json_is_null(json_object_get(r->json, "kind")),
          "a wrong secret is not valid");
    resp_free(r);
}

/* Signing secrets: the start-up warning, a bot without one, admin bot rotate. */
static void test_signing_secrets(void)
{
    struct drive_resp *r = resp_new();
    char json[512], out[1024], token[128], signing[128];
    CHECK(strstr(startup_log, "\"config\"") && strstr(startup_log, "1 bot without a signing secret") &&
              strstr(startup_log, "\"bots\":\"legacy\""),
          "the server warned at start-up of the bot without a signing secret, naming it");
    CHECK(!strstr(startup_log, "cbs_") && !strstr(startup_log, "cbt_"), "and logged no secret");
    snprintf(json, sizeof json,
             "{\"conversation\":\"old-1\",\"user\":\"@ann\",\"text\":\"who has access?\",\"callback_url\":"
             "\"http://127.0.0.1:%d/cb/legacy\"}",
             lport);
    int n0 = deliveries();
    CHECK(bot(bot_legacy, json, r) == 200, "the bot without a signing secret asks, with a callback");
    const char *d = delivery(n0 + 1);
    CHECK(d && strstr(d, "\"conversation\":\"old-1\"") && strstr(d, "\"text\":") && !heard.sig[n0][0] &&
              !heard.ts[n0][0],
          "its callback comes, unsigned");

    CHECK(concierge(out, sizeof out, "bot rotate legacy") == 0, "admin bot rotate legacy");
    drive_secret_after(out, "bearer token:", token, sizeof token);
    drive_secret_after(out, "signing secret:", signing, sizeof signing);
    CHECK(strncmp(token, "cbt_", 4) == 0 && strncmp(signing, "cbs_", 4) == 0 &&
              strcmp(token, bot_legacy) != 0,
          "rotate printed a new token and a signing secret");
    CHECK(bot(bot_legacy, json, r) == 401, "the old token is refused");
    n0 = deliveries();
    CHECK(bot(token, json, r) == 200, "the new token is taken");
    d = delivery(n0 + 1);
    const char *why = NULL;
    CHECK(d && slack_verify(signing, strlen(signing), heard.ts[n0], heard.sig[n0], d, strlen(d),
                            (int64_t)time(NULL), &why) == 0,
          "from then on its callbacks are signed with the new secret");

    /* A bot that had a secret gets a new one: the old secret no longer verifies. */
    CHECK(concierge(out, sizeof out, "bot rotate helper") == 0, "admin bot rotate helper");
    char old_token[128], old_signing[128];
    snprintf(old_token, sizeof old_token, "%s", bot_helper);
    snprintf(old_signing, sizeof old_signing, "%s", sign_helper);
    drive_secret_after(out, "bearer token:", bot_helper, sizeof bot_helper);
    drive_secret_after(out, "signing secret:", sign_helper, sizeof sign_helper);
    CHECK(strcmp(bot_helper, old_token) != 0 && strcmp(sign_helper, old_signing) != 0 &&
              strncmp(sign_helper, "cbs_", 4) == 0,
          "rotate changed both the token and the signing secret");
    CHECK(bot(old_token, json, r) == 401, "helper's old token is refused");
    n0 = deliveries();
    CHECK(bot(bot_helper, json, r) == 200, "its new token is taken");
    d = delivery(n0 + 1);
    int64_t now = (int64_t)time(NULL);
    CHECK(d &&
              slack_verify(sign_helper, strlen(sign_helper), heard.ts[n0], heard.sig[n0], d, strlen(d), now,
                           &why) == 0 &&
              slack_verify(old_signing, strlen(old_signing), heard.ts[n0], heard.sig[n0], d, strlen(d), now,
                           &why) != 0,
          "its callback verifies with the new secret, not the old");
    CHECK(count_rows("SELECT count(*) FROM store_audit WHERE intent = 'admin' AND "
                     "summary LIKE 'bot legacy: new bearer token and signing secret%'") == 1,
          "the rotation is audited");
    CHECK(count_rows(
              "SELECT count(*) FROM store_audit WHERE (summary || before || after) LIKE '%cbs\\_%' ESCAPE "
              "'\\' OR (summary || before || after) LIKE '%cbt\\_%' ESCAPE '\\'") == 0,
          "the audit log holds no token and no signing secret");
    resp_free(r);
}

static void test_bad_input(void)
{
    struct drive_resp *r = resp_new();
    int64_t before = changes(), waiting = pending();
    static const struct {
        const char *body;
        const char *what;
    } bad[] = {
        {"not json", "not JSON"},
        {"[1,2]", "not an object"},
        {"{}", "no fields"},
        {"{\"conversation\":5,\"user\":\"@ann\",\"text\":\"who has access?\"}", "a number for a string"},
        {"{\"conversation\":\"x\",\"user\":\"ann\",\"text\":\"who has access?\"}",
         "a user that is no principal"},
        {"{\"conversation\":\"x\",\"user\":\"@ann\"}", "no text"},
        {"{\"conversation\":\"x\",\"user\":\"@ann\",\"text\":null}", "a null text"},
        {"{\"conversation\":\"x\",\"user\":\"@ann\",\"text\":\"invite @bob\\u0000 as owner\"}",
         "a NUL in text"},
        {"{\"conversation\":\"x\",\"user\":\"@ann\",\"sandbox\":\"../x\",\"text\":\"hi\"}",
         "a bad sandbox name"},
        {"{\"conversation\":\"x\",\"user\":\"@ann\",\"sandbox\":7,\"text\":\"hi\"}", "a number for sandbox"},
        {"{\"conversation\":\"\",\"user\":\"@ann\",\"text\":\"hi\"}", "an empty conversation"},
        {"{\"conversation\":\"a b\",\"user\":\"@ann\",\"text\":\"hi\"}", "a space in the conversation"},
        {"{\"conversation\":\"x\",\"user\":\"@ann\",\"text\":\"hi\",\"text\":\"invite @bob\"}",
         "a duplicate key"},
        {"{\"conversation\":\"x\",\"user\":\"@ann\",\"text\":\"\xff\xfe\"}", "invalid UTF-8"},
        {"{\"conversation\":\"x\",\"user\":\"@ann\",\"text\":\"hi\",\"callback_url\":5}",
         "a number for a URL"},
        {"{\"conversation\":\"x\",\"user\":\"@ann\",\"text\":\"hi\"", "cut short"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(bot(bot_helper, bad[i].body, r) == 400 && is_error_body(r), bad[i].what);
    char *big = malloc(80000);
    memset(big, 'a', 79999);
    big[79999] = '\0';
    char *longtext = malloc(6000);
    snprintf(longtext, 6000, "{\"conversation\":\"x\",\"user\":\"@ann\",\"text\":\"%.*s\"}", 5000, big);
    CHECK(bot(bot_helper, longtext, r) == 400 && is_error_body(r), "a text over 4096 bytes is 400");
    char conv[200];
    snprintf(conv, sizeof conv, "{\"conversation\":\"%.*s\",\"user\":\"@ann\",\"text\":\"hi\"}", 65, big);
    CHECK(bot(bot_helper, conv, r) == 400, "a conversation over 64 characters is 400");
    CHECK(bot(bot_helper, big, r) == 413 && is_error_body(r), "a body over 64 KiB is 413");
    /* The same, sent in chunks with no length given up front. */
    char auth[256];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", bot_helper);
    const char *chunked[] = {auth, "Transfer-Encoding: chunked", NULL};
    CHECK(http("POST", "/v1/messages", chunked, big, 79999, r) == 413 && is_error_body(r),
          "a chunked body over 64 KiB is 413");
    free(big);
    free(longtext);
    const char *no_auth[] = {"Content-Type: application/json", NULL};
    const char *ok = "{\"conversation\":\"x\",\"user\":\"@ann\",\"text\":\"invite @hal\"}";
    CHECK(http("POST", "/v1/messages", no_auth, ok, -1, r) == 401 && is_error_body(r),
          "no bearer token is 401");
    CHECK(bot("cbt_0000", ok, r) == 401 && is_error_body(r), "an unknown token is 401");
    const char *basic[] = {"Authorization: Basic YTpi", NULL};
    CHECK(http("POST", "/v1/messages", basic, ok, -1, r) == 401, "another scheme is 401");
    CHECK(bot_to("/v1/check", "cbt_0000", "{}", r) == 401, "/v1/check needs a bot token");
    CHECK(bot_to("/v1/keys/verify", "", "{}", r) == 401, "/v1/keys/verify needs a bot token");
    CHECK(bot_to("/v1/check", bot_helper, "{\"principal\":\"@a\",\"sandbox\":\"demo\"}", r) == 400,
          "/v1/check without an action is 400");
    CHECK(bot_to("/v1/check", bot_helper, "{\"principal\":\"@a\",\"sandbox\":\"demo\",\"action\":\"fly\"}",
                 r) == 400,
          "an unknown action is 400");
    CHECK(bot_to("/v1/keys/verify", bot_helper, "{\"sandbox\":\"demo\",\"agent\":\"builder\"}", r) == 400,
          "verify without a secret is 400");
    CHECK(http("GET", "/v1/messages", NULL, NULL, 0, r) == 405 && is_error_body(r), "a wrong method is 405");
    CHECK(http("POST", "/healthz", NULL, "", 0, r) == 405, "POST /healthz is 405");
    CHECK(http("GET", "/nowhere", NULL, NULL, 0, r) == 404 && is_error_body(r), "an unknown path is 404");
    CHECK(changes() == before && pending() == waiting, "no bad request changed anything");
    resp_free(r);
}

static void test_operations(void)
{
    struct drive_resp *r = resp_new();
    CHECK(http("GET", "/healthz", NULL, NULL, 0, r) == 200 && strstr(r->body, "ok"), "/healthz is 200");
    CHECK(http("GET", "/metrics", NULL, NULL, 0, r) == 200, "/metrics is 200");
    CHECK(strstr(r->body, "concierge_http_requests_total{route=\"/v1/messages\",code=\"200\"}") &&
              strstr(r->body, "concierge_http_requests_total{route=\"/v1/messages\",code=\"400\"}") &&
              strstr(r->body, "concierge_http_requests_total{route=\"/slack/commands\",code=\"401\"}"),
          "requests are counted by route and status");
    CHECK(strstr(r->body, "concierge_outcomes_total{intent=\"invite\",status=\"done\"}") != NULL,
          "outcomes are counted by intent");
    CHECK(strstr(r->body, "concierge_http_request_duration_seconds_bucket{le=\"+Inf\"}") &&
              strstr(r->body, "# TYPE concierge_http_request_duration_seconds histogram"),
          "latency is a histogram");
    CHECK(strstr(r->body, "concierge_deliveries_total{result=\"retried\"} 2") != NULL,
          "the retried deliveries are counted");
    resp_free(r);
}

/* A connected socket to the server, or -1. */
static int connect_server(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) != 0) close(fd), fd = -1;
    return fd;
}

/* Sends raw bytes as one request and reads the answer until the server closes (or 10 s
 * pass); 0, or -1 when it could not be sent. */
static int raw_request(const char *req, char *out, size_t size)
{
    out[0] = '\0';
    int fd = connect_server();
    if (fd < 0) return -1;
    if (write(fd, req, strlen(req)) != (ssize_t)strlen(req)) return close(fd), -1;
    size_t n = 0;
    struct pollfd p = {fd, POLLIN, 0};
    while (n < size - 1 && poll(&p, 1, 10000) > 0) {
        ssize_t k = read(fd, out + n, size - 1 - n);
        if (k <= 0) break;
        n += (size_t)k;
    }
    out[n] = '\0';
    close(fd);
    return 0;
}

/* Two Content-Length headers (or one beside Transfer-Encoding) are refused with a JSON 400
 * before anything reads the body: a proxy may have framed it by the other one. */
static void test_framing(void)
{
    int64_t before = changes(), waiting = pending();
    const char *body = "{\"conversation\":\"dup\",\"user\":\"@ann\",\"text\":\"invite @dupe as viewer\"}";
    const struct {
        const char *headers;
        const char *what;
    } cases[] = {
        {"Content-Length: %zu\r\nContent-Length: 5\r\n", "two Content-Length headers that differ are 400"},
        {"Content-Length: %zu\r\ncontent-length: %zu\r\n", "two equal Content-Length headers are 400 too"},
        {"Content-Length: %zu\r\nTransfer-Encoding: chunked\r\n",
         "Content-Length with Transfer-Encoding is 400"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char framing[256], req[1024], answer[4096];
        snprintf(framing, sizeof framing, cases[i].headers, strlen(body), strlen(body));
        snprintf(req, sizeof req,
                 "POST /v1/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: "
                 "application/json\r\n%s\r\n%s",
                 bot_helper, framing, body);
        CHECK(raw_request(req, answer, sizeof answer) == 0, "a raw request is sent");
        const char *json = strstr(answer, "\r\n\r\n");
        json_t *o = json ? json_loads(json + 4, 0, NULL) : NULL;
        CHECK(strncmp(answer, "HTTP/1.1 400", 12) == 0 && o && json_object_size(o) == 1 &&
                  strstr(nz(json_string_value(json_object_get(o, "error"))), "Content-Length"),
              cases[i].what);
        json_decref(o);
    }
    CHECK(changes() == before && pending() == waiting, "no refused request reached a handler");
}

static double mono_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Slow clients (interfaces.md): SLOW_N connections each send a whole, valid change request,
 * a byte a second. The server must close every one of them (it must arrive whole within 10 s
 * of its first byte: asserted only as "before 20 s", and "still open after 4 s"), carry none
 * of them out, and meanwhile answer /healthz and a whole bot request. */
#define SLOW_N 1000
static void test_slow_clients(void)
{
    static int fd[SLOW_N];
    static double closed_at[SLOW_N];
    static struct pollfd pf[SLOW_N];
    /* This process needs a descriptor per slow connection: the soft limit is raised (the
     * server raises its own). */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < SLOW_N + 256) {
        rl.rlim_cur =
            rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= SLOW_N + 256 ? SLOW_N + 256 : rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    int64_t before = changes(), waiting = pending();
    const char *body =
        "{\"conversation\":\"slow\",\"user\":\"@ann\",\"text\":\"invite @slowpoke as viewer\"}";
    char req[1024];
    int len = snprintf(req, sizeof req,
                       "POST /v1/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: "
                       "application/json\r\nContent-Length: %zu\r\n\r\n%s",
                       bot_helper, strlen(body), body);
    /* At 1 byte a second the request would take minutes to arrive whole. */
    CHECK(len > 60, "the slow request is long enough");
    /* A keep-alive connection that is answered at once, then sits idle past the deadline: the
     * clock runs from a request's first byte, not from the last answer. */
    const char get[] = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    char answer[1024];
    int idle = connect_server();
    CHECK(idle >= 0 && write(idle, get, strlen(get)) == (ssize_t)strlen(get) &&
              read(idle, answer, sizeof answer) > 12 && strncmp(answer, "HTTP/1.1 200", 12) == 0,
          "a keep-alive connection is answered");
    int n = 0;
    double start = mono_s();
    for (; n < SLOW_N; n++) {
        if ((fd[n] = connect_server()) < 0) break;
        closed_at[n] = 0;
        if (write(fd[n], req, 1) != 1) break;
    }
    CHECK(n == SLOW_N, "every slow connection was opened (raise ulimit -n if not)");
    int sent = 1, open = n, checked_early = 0, healthy = 0;
    struct drive_resp *r = resp_new();
    while (open > 0 && mono_s() - start < 20) {
        struct timespec second = {1, 0};
        nanosleep(&second, NULL);
        for (int i = 0; i < n; i++)
            pf[i] = (struct pollfd){closed_at[i] ? -1 : fd[i], POLLIN, 0};
        poll(pf, (nfds_t)n, 0);
        char b[512];
        for (int i = 0; i < n; i++) {
            if (closed_at[i]) continue;
            if ((pf[i].revents && read(fd[i], b, sizeof b) <= 0) ||
                (sent < len && write(fd[i], req + sent, 1) != 1)) {
                closed_at[i] = mono_s() - start;
                open--;
            }
        }
        sent++;
        if (!checked_early && mono_s() - start >= 4) {
            checked_early = 1;
            CHECK(open == n, "no slow connection was closed in its first 4 s");
        }
        if (healthy < 2 && mono_s() - start >= 2 + 3 * healthy) {
            /* With every slow connection open, whole requests are answered. */
            double t0 = mono_s();
            CHECK(http("GET", "/healthz", NULL, NULL, 0, r) == 200, "/healthz beside the slow connections");
            double t1 = mono_s();
            CHECK(msg(bot_helper, "fast", "@ann", "who has access?", r) == 200 &&
                      strcmp(nz(jstr(r->json, "status")), "done") == 0,
                  "a whole bot request beside the slow connections");
            fprintf(stderr, "with %d slow connections open: /healthz %.3f s, a bot request %.3f s\n", open,
                    t1 - t0, mono_s() - t1);
            healthy++;
        }
    }
    CHECK(healthy == 2, "the whole requests were made while the slow ones were open");
    CHECK(open == 0, "the server closed every slow connection before 20 s");
    double last = 0;
    for (int i = 0; i < n; i++) {
        if (closed_at[i] > last) last = closed_at[i];
        close(fd[i]);
    }
    fprintf(stderr, "%d slow connections closed by %.1f s\n", n - open, last);
    while (mono_s() - start < 12) {
        struct timespec t = {0, 100 * 1000000};
        nanosleep(&t, NULL);
    }
    struct pollfd ip = {idle, POLLIN, 0};
    CHECK(write(idle, get, strlen(get)) == (ssize_t)strlen(get) && poll(&ip, 1, 10000) == 1 &&
              read(idle, answer, sizeof answer) > 12 && strncmp(answer, "HTTP/1.1 200", 12) == 0,
          "the keep-alive connection, idle for 12 s, is answered again");
    close(idle);
    CHECK(changes() == before && pending() == waiting, "no slow request was carried out");
    resp_free(r);
}

/* An option that does not fit is refused, never cut: a --slack-response-prefix cut short
 * would take more URLs than the one given. */
static void test_options(void)
{
    char prefix[600], cmd[1400];
    memset(prefix, 'a', sizeof prefix - 1);
    prefix[sizeof prefix - 1] = '\0';
    memcpy(prefix, "https://", 8);
    snprintf(cmd, sizeof cmd, "'%s' serve --db '%s/none.db' --slack-response-prefix '%s' 2>/dev/null", bin,
             dir, prefix);
    int st = system(cmd);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 2, "a --slack-response-prefix over 511 bytes is a usage error");
}

/* SIGTERM while a request is half sent: it is finished and answered, then the server exits 0. */
static void test_graceful_stop(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    CHECK(connect(fd, (struct sockaddr *)&a, sizeof a) == 0, "connect");
    const char *body = "{\"conversation\":\"s\",\"user\":\"@ann\",\"text\":\"who has access?\"}";
    char head[512];
    int n = snprintf(head, sizeof head,
                     "POST /v1/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: "
                     "application/json\r\nContent-Length: %zu\r\n\r\n%.10s",
                     bot_helper, strlen(body), body);
    CHECK(write(fd, head, (size_t)n) == n, "half a request sent");
    struct timespec t = {0, 200 * 1000000};
    nanosleep(&t, NULL);
    kill(server, SIGTERM);
    nanosleep(&t, NULL);
    CHECK(write(fd, body + 10, strlen(body) - 10) == (ssize_t)(strlen(body) - 10),
          "the rest sent after SIGTERM");
    char buf[8192];
    size_t got_n = 0;
    struct pollfd p = {fd, POLLIN, 0};
    while (got_n < sizeof buf - 1 && poll(&p, 1, 5000) > 0) {
        ssize_t k = read(fd, buf + got_n, sizeof buf - 1 - got_n);
        if (k <= 0) break;
        got_n += (size_t)k;
        buf[got_n] = '\0';
        if (strstr(buf, "\r\n\r\n") && strstr(buf, "\"error\":null")) break;
    }
    buf[got_n] = '\0';
    CHECK(strncmp(buf, "HTTP/1.1 200", 12) == 0 && strstr(buf, "\"status\":\"done\""),
          "the request in flight was answered");
    close(fd);
    CHECK_INT(spawn_wait(server, spawn_now_ms() + 15000), 0, "the server exits 0 on SIGTERM (within 15 s)");
    struct drive_resp *r = resp_new();
    CHECK(http("GET", "/healthz", NULL, NULL, 0, r) == 0, "and listens no more");
    resp_free(r);
}

/* ==== Access that ends (issue 8): keys of a removed agent, a lapsed collaborator ==========
 * A separate block, run while the server is up, after the others. */

/* Shares agent with @kim through the bot; the secret goes to secret. */
static void share_key(const char *agent, char *secret, size_t size, struct drive_resp *r)
{
    char text[128];
    snprintf(text, sizeof text, "share the %s agent with @kim", agent);
    msg(bot_helper, "k8", "@ann", text, r);
    msg(bot_helper, "k8", "@ann", "yes", r);
    snprintf(secret, size, "%s", nz(jstr(r->json, "result.keys.0.secret")));
}

static int key_valid(const char *agent, const char *secret, struct drive_resp *r)
{
    char json[512];
    snprintf(json, sizeof json, "{\"sandbox\":\"demo\",\"agent\":\"%s\",\"secret\":\"%s\"}", agent, secret);
    if (bot_to("/v1/keys/verify", bot_helper, json, r) != 200) return -1;
    return json_is_true(json_object_get(r->json, "valid"));
}

static void test_access_that_ends(void)
{
    struct drive_resp *r = resp_new();
    char secret[128], out[256];
    CHECK(concierge(NULL, 0, "agent add demo temp") == 0, "agent temp added");
    share_key("temp", secret, sizeof secret, r);
    CHECK(strncmp(secret, "ck_", 3) == 0 && key_valid("temp", secret, r) == 1, "temp's key is valid");
    CHECK(concierge(out, sizeof out, "agent remove demo temp") == 0, "admin agent remove temp");
    CHECK(key_valid("temp", secret, r) == 0 && json_is_null(json_object_get(r->json, "principal")),
          "/v1/keys/verify: a removed agent's key is not valid");
    CHECK(count_rows("SELECT count(*) FROM agent_keys WHERE agent = 'temp'") == 0,
          "removing the agent removed its keys in the store");
    CHECK(concierge(NULL, 0, "agent add demo temp") == 0 && key_valid("temp", secret, r) == 0,
          "an agent added again under that name does not bring the old key back");

    /* Defence in depth: a key row whose agent is gone (a store an older concierge wrote). */
    share_key("temp", secret, sizeof secret, r);
    CHECK(key_valid("temp", secret, r) == 1, "the new key of temp is valid");
    CHECK(store_write("DELETE FROM things WHERE kind = 'agent' AND name = 'temp'") == 0 &&
              count_rows("SELECT count(*) FROM agent_keys WHERE agent = 'temp'") == 1,
          "the agent's row is gone, its key's row is left");
    CHECK(key_valid("temp", secret, r) == 0, "/v1/keys/verify: a key whose agent is missing is not valid");

    /* /v1/check: a collaborator entry needs a membership behind it (lifecycle.md). */
    CHECK(concierge(NULL, 0, "workspace member add globex @wes") == 0, "@wes joins globex");
    msg(bot_globex, "k8", "@zed", "only let @wes into this sandbox's workloads", r);
    msg(bot_globex, "k8", "@zed", "yes", r);
    CHECK_STR(nz(jstr(r->json, "status")), "done", "sandbox other is collaborated, with @wes");
    const char *ask = "{\"principal\":\"@wes\",\"sandbox\":\"other\",\"action\":\"exec\"}";
    CHECK(bot_to("/v1/check", bot_globex, ask, r) == 200 &&
              strcmp(nz(jstr(r->json, "rule")), "collaborator") == 0,
          "/v1/check: a member collaborator may exec");
    CHECK(concierge(NULL, 0, "workspace member remove globex @wes") == 0, "@wes leaves globex");
    CHECK(bot_to("/v1/check", bot_globex, ask, r) == 200 &&
              strcmp(nz(jstr(r->json, "decision")), "deny") == 0 &&
              strcmp(nz(jstr(r->json, "rule")), "collaborator-lapsed") == 0,
          "/v1/check: not once they have left the workspace");
    resp_free(r);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_serve PATH-TO-CONCIERGE\n");
        return 2;
    }
    bin = argv[1];
    signal(SIGPIPE, SIG_IGN);
    if (!mkdtemp(dir)) return 2;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if ((lport = listener_start()) < 0) return 2;
    set_up();
    test_options();
    start_server();
    test_sweep_at_start();
    test_slack_flow();
    test_slack_refusals();
    test_bot_flow();
    test_workspace_bound();
    test_doors();
    test_callbacks_and_keys();
    test_signing_secrets();
    test_bad_input();
    test_framing();
    test_slow_clients();
    test_operations();
    test_access_that_ends();
    test_graceful_stop();
    if (server > 0 && waitpid(server, NULL, WNOHANG) == 0) kill(server, SIGKILL), waitpid(server, NULL, 0);
    listener_stop();
    char cmd[600];
    if (pg_test_enabled()) pg_test_drop(db);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    curl_global_cleanup();
    return CHECK_SUMMARY();
}
