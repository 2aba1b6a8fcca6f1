/* Notices end to end (lifecycle.md, "Reminders and notices"; issue 12 item 2): the real
 * `concierge serve` on a test build's clock, a local listener standing in for Slack's Web API
 * and for a sandbox's webhook. A grant to a Slack-linked person and one to a person who is
 * not; the reminders a day before (one per recipient, the granter's listing both), nothing
 * more while the clock stays in that day, the expiry notices; each delivered once, the
 * webhook's signed with the secret admin printed; a failed try retried with back-off and then
 * delivered once; a refusal for good marked failed and listed by admin. Either backend:
 * CONCIERGE_TEST_PG_FILE names a PostgreSQL cluster. Usage: test_notices BIN */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../frontends/serve/slack_sig.h"
#include "check.h"
#include "pg_test.h"
#include "serve_drive.h"
#include "test_db.h"

static const char *bin;
static char db[512], clock_file[512];
static int lport;

#define T0 1796176800 /* 2026-12-02T02:00:00Z */

static void set_clock(int64_t t)
{
    FILE *f = fopen(clock_file, "w");
    if (!f) abort();
    fprintf(f, "%lld\n", (long long)t);
    fclose(f);
}

static int64_t rows(const char *sql) { return test_db_count(db, sql); }

/* Waits (at most 10 s) until the listener holds at least n deliveries; how many it holds. */
static int wait_for(int n)
{
    for (int i = 0; i < 1000 && listener_count() < n; i++)
        usleep(10000);
    return listener_count();
}

/* The deliveries to a path prefix, and their bodies' kinds and recipients. */
static int count_to(const char *prefix, const char *needle)
{
    int n = 0;
    pthread_mutex_lock(&heard.lock);
    for (int i = 0; i < heard.n; i++)
        if (strncmp(heard.path[i], prefix, strlen(prefix)) == 0 && (!needle || strstr(heard.body[i], needle)))
            n++;
    pthread_mutex_unlock(&heard.lock);
    return n;
}

/* The index of the first delivery whose body holds needle (and also, if not NULL), or -1. */
static int find2(const char *needle, const char *also)
{
    int at = -1;
    pthread_mutex_lock(&heard.lock);
    for (int i = 0; i < heard.n && at < 0; i++)
        if (strstr(heard.body[i], needle) && (!also || strstr(heard.body[i], also))) at = i;
    pthread_mutex_unlock(&heard.lock);
    return at;
}

static int find(const char *needle) { return find2(needle, NULL); }

static void settle(void) { usleep(300000); } /* a few of the notifier's looks (20 ms each) */

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_notices BIN\n");
        return 2;
    }
    bin = argv[1];
    char dir[] = "/tmp/concierge-notices-XXXXXX", err[256], out[8192], q[256];
    if (!mkdtemp(dir)) return 2;
    if (pg_test_enabled()) {
        if (pg_test_create(db, sizeof db, err, sizeof err)) {
            fprintf(stderr, "%s\n", err);
            return 1;
        }
    } else {
        snprintf(db, sizeof db, "%s/n.db", dir);
    }
    snprintf(clock_file, sizeof clock_file, "%s/clock", dir);
    set_clock(T0);
    lport = listener_start();
    if (lport < 0) return 2;
    char hook[128], api[128], secret[128] = "", token[128] = "";
    snprintf(hook, sizeof hook, "http://127.0.0.1:%d/hook/demo", lport);
    snprintf(api, sizeof api, "http://127.0.0.1:%d/slack-api/", lport);
    int ok = drive_admin(bin, db, NULL, 0, "workspace add acme") == 0 &&
             drive_admin(bin, db, NULL, 0, "sandbox add demo --owner @ann --workspace acme") == 0 &&
             drive_admin(bin, db, NULL, 0, "link slack:UCAROL @carol") == 0 &&
             drive_admin(bin, db, NULL, 0, "link slack:UANN @ann") == 0 &&
             drive_admin(bin, db, NULL, 0, "workspace member add acme @dave") == 0 &&
             drive_admin(bin, db, NULL, 0, "workspace member add acme @frank") == 0 &&
             drive_admin(bin, db, out, sizeof out, "bot add b --workspace acme") == 0;
    drive_secret_after(out, "bearer token:", token, sizeof token);
    ok = ok && drive_admin(bin, db, out, sizeof out, "notify demo --webhook %s", hook) == 0;
    drive_secret_after(out, "signing secret:", secret, sizeof secret);
    if (!CHECK(ok && token[0] && strncmp(secret, "nws_", 4) == 0,
               "set-up: admin notify prints its secret once"))
        return CHECK_SUMMARY();
    CHECK(drive_admin(bin, db, NULL, 0, "notify demo --webhook http://example.com/x") != 0,
          "admin notify refuses http:// to anything but a loopback address");

    setenv("CONCIERGE_SLACK_BOT_TOKEN", "xoxb-test-token", 1);
    const char *more[] = {"--test-clock", clock_file, "--slack-api-base", api, NULL};
    int port;
    pid_t pid = drive_serve(bin, db, lport, more, &port, NULL, 0);
    struct drive_resp *r = resp_new();

    /* Two grants of 2 days: @bob is on no Slack (the webhook), @carol is linked (a DM). */
    drive_msg(port, token, "c1", "@ann", "invite @bob as editor for 2 days", r);
    CHECK(drive_msg(port, token, "c1", "@ann", "yes", r) == 200 &&
              strcmp(nz(jstr(r->json, "status")), "done") == 0,
          "@ann invites @bob");
    drive_msg(port, token, "c1", "@ann", "invite @carol as viewer for 2 days", r);
    CHECK(drive_msg(port, token, "c1", "@ann", "yes", r) == 200 &&
              strcmp(nz(jstr(r->json, "status")), "done") == 0,
          "@ann invites @carol");
    wait_for(2);
    settle();
    CHECK_INT(listener_count(), 2, "two invitations, one notice each, nothing to @ann of her own doing");
    int b = find("\"kind\":\"invited\"");
    json_t *body = b >= 0 ? json_loads(heard.body[b], 0, NULL) : NULL;
    CHECK(b >= 0 && strcmp(heard.path[b], "/hook/demo") == 0, "@bob's goes to the sandbox's webhook");
    CHECK_STR(nz(jstr(body, "principal")), "@bob", "addressed to @bob");
    CHECK_STR(nz(jstr(body, "sandbox")), "demo", "of sandbox demo");
    CHECK_STR(nz(jstr(body, "at")), "2026-12-02T02:00:00Z", "at the test clock's instant");
    CHECK(json_is_integer(json_object_get(body, "event")) && strncmp(nz(jstr(body, "id")), "n", 1) == 0,
          "with its audit event's id and its own");
    CHECK(b >= 0 && strcmp(heard.notice_id[b], nz(jstr(body, "id"))) == 0, "X-Concierge-Notice-Id is its id");
    const char *why = NULL;
    CHECK(b >= 0 && slack_verify(secret, strlen(secret), heard.ts[b], heard.sig[b], heard.body[b],
                                 strlen(heard.body[b]), (int64_t)time(NULL), &why) == 0,
          "signed: X-Concierge-Signature verifies with admin notify's secret over the exact body");
    CHECK(b >= 0 && slack_verify("nws_other", 9, heard.ts[b], heard.sig[b], heard.body[b],
                                 strlen(heard.body[b]), (int64_t)time(NULL), &why) != 0,
          "and not with another secret");
    json_decref(body);
    int c = find("\"channel\":\"UCAROL\"");
    CHECK(c >= 0 && strcmp(heard.path[c], "/slack-api/chat.postMessage") == 0,
          "@carol's is a Slack direct message (chat.postMessage to her user ID)");
    CHECK(c >= 0 && strcmp(heard.auth[c], "Bearer xoxb-test-token") == 0, "with the bot token");
    CHECK(c >= 0 && strstr(heard.body[c], "@ann gave you access to sandbox demo"), "saying who gave what");

    /* A day and a minute later: in the last day of both grants. */
    set_clock(T0 + 86400 + 60);
    wait_for(5);
    settle();
    CHECK_INT(count_to("/", "ends in 1 day"), 3,
              "three reminders: @bob, @carol and @ann (the granter), one each");
    int g = find("Access you granted in sandbox demo ends in 1 day");
    CHECK(g >= 0 && strstr(heard.body[g], "@bob: editor") && strstr(heard.body[g], "@carol: viewer"),
          "the granter's one reminder lists both grants");
    CHECK(g >= 0 && strstr(heard.body[g], "extend @bob's access by a week"), "and says how to extend");
    int h = find2("Your access to sandbox demo ends in 1 day", "\"principal\":\"@bob\"");
    CHECK(h >= 0 && strstr(heard.body[h], "request editor access to demo for a week"),
          "the holder's says how to ask for more");
    CHECK_INT(rows("SELECT count(*) FROM reminders"), 2, "each grant's 1-day reminder recorded once");

    /* Later the same day: nothing more. */
    set_clock(T0 + 86400 + 3600);
    settle();
    CHECK_INT(listener_count(), 5, "no reminder twice while the clock stays in that day");

    /* A failing webhook: two 500s, then it takes it — delivered once, after back-off. */
    pthread_mutex_lock(&heard.lock);
    heard.fail_next = 2;
    heard.failed = 0;
    pthread_mutex_unlock(&heard.lock);
    drive_msg(port, token, "c1", "@ann", "make @bob a viewer", r);
    drive_msg(port, token, "c1", "@ann", "yes", r);
    settle();
    CHECK_INT(heard.failed, 1, "the first try failed");
    CHECK_INT(rows("SELECT count(*) FROM notices WHERE kind = 'role_changed' AND state = 'pending' AND "
                   "attempts = 1"),
              1, "it waits for its next try, in the store");
    set_clock(T0 + 86400 + 3600 + 31); /* the first back-off: 30 s */
    settle();
    set_clock(T0 + 86400 + 3600 + 31 + 61); /* the second: 60 s */
    wait_for(6);
    settle();
    CHECK_INT(heard.failed, 2, "tried again after its back-off, and failed again");
    CHECK_INT(count_to("/hook/", "\"kind\":\"role_changed\""), 1, "then delivered, once");
    CHECK_INT(
        rows("SELECT count(*) FROM notices WHERE kind = 'role_changed' AND state = 'sent' AND attempts = 3"),
        1, "sent on its third try");

    /* A refusal for good (a 4xx other than 408/429): failed at once, and listed as such. */
    pthread_mutex_lock(&heard.lock);
    heard.fail_next = 1;
    heard.fail_code = 404;
    pthread_mutex_unlock(&heard.lock);
    drive_msg(port, token, "c1", "@ann", "make @bob an editor", r);
    drive_msg(port, token, "c1", "@ann", "yes", r);
    settle();
    settle();
    CHECK_INT(rows("SELECT count(*) FROM notices WHERE state = 'failed' AND error = 'HTTP 404'"), 1,
              "a 404 is failed, not retried");
    CHECK(drive_admin(bin, db, out, sizeof out, "list notices --failed --json") == 0 &&
              strstr(out, "\"HTTP 404\"") && !strstr(out, "\"sent\""),
          "admin list notices --failed lists it, and only the failed");
    pthread_mutex_lock(&heard.lock);
    heard.fail_code = 0;
    pthread_mutex_unlock(&heard.lock);

    /* Two days and a minute after the grants: both expired, each holder told once. */
    int before = listener_count();
    set_clock(T0 + 2 * 86400 + 60);
    wait_for(before + 2);
    settle();
    CHECK_INT(count_to("/", "\"kind\":\"expired\""), 1, "@bob's expiry notice by the webhook, once");
    CHECK_INT(count_to("/slack-api/", "ended"), 1, "@carol's by Slack, once");
    CHECK_INT(listener_count(), before + 2,
              "and nothing else: the 1-hour reminders of a passed expiry are not sent");
    CHECK_INT(rows("SELECT count(*) FROM notices WHERE state = 'pending'"), 0, "nothing left in the outbox");

    /* A request (lifecycle.md): @dave asks, the owner's DM has Approve and Deny, a stranger's
     * click does nothing, the owner's click grants, a second click grants nothing more; then
     * the reminder a day before and the expiry, each delivered once. */
    int64_t t1 = T0 + 3 * 86400;
    set_clock(t1);
    before = listener_count();
    CHECK(drive_msg(port, token, "c2", "@dave",
                    "request editor access for 2 days because I'm on call & <away>", r) == 200 &&
              strcmp(nz(jstr(r->json, "status")), "done") == 0,
          "@dave's request is done at once: no confirmation");
    char req[16];
    snprintf(req, sizeof req, "%s", nz(jstr(r->json, "result.request.token")));
    CHECK(req[0] == 'R', "its token is a request's (R…)");
    CHECK_STR(nz(jstr(r->json, "result.request.duration")), "P2D", "a length, counted from approval");
    wait_for(before + 1);
    settle();
    CHECK_INT(listener_count(), before + 1, "one notice: the owner's");
    int o = find2("\"channel\":\"UANN\"", req);
    json_t *dm = o >= 0 ? json_loads(heard.body[o], 0, NULL) : NULL;
    CHECK(dm && strcmp(heard.path[o], "/slack-api/chat.postMessage") == 0, "a DM to the owner on Slack");
    CHECK_STR(nz(slack_button(dm, 0, "action_id")), "approve_request", "its first button approves");
    CHECK_STR(nz(slack_button(dm, 0, "value")), req, "this request");
    CHECK_STR(nz(slack_button(dm, 1, "action_id")), "deny_request", "its second denies");
    CHECK(o >= 0 && strstr(heard.body[o], "on call &amp; &lt;away&gt;"),
          "the note shown as written, escaped for Slack");
    json_decref(dm);

    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/slack/stranger", lport);
    CHECKF(drive_click(port, "UZED", "approve_request", req, url, r) == 200, "a stranger clicks Approve",
           "%ld %.*s", r->status, (int)r->len, r->body);
    wait_for(before + 2);
    settle();
    int z = find("\"replace_original\"");
    CHECK(z >= 0 && strcmp(heard.path[z], "/slack/stranger") == 0 &&
              strstr(heard.body[z], "request_not_found") == NULL && strstr(heard.body[z], "no request"),
          "and is told there is no such request, as for any");
    CHECK_INT(rows("SELECT count(*) FROM requests WHERE state = 'waiting'"), 1, "the request still waits");

    snprintf(url, sizeof url, "http://127.0.0.1:%d/slack/owner", lport);
    CHECK(drive_click(port, "UANN", "approve_request", req, url, r) == 200, "the owner clicks Approve");
    wait_for(before + 4);
    settle();
    CHECK_INT(count_to("/slack/owner", "Approved @dave's request"), 1, "the click's message says it is done");
    int a = find("\"kind\":\"approved\"");
    CHECK(a >= 0 && strstr(heard.body[a], "\"principal\":\"@dave\"") &&
              slack_verify(secret, strlen(secret), heard.ts[a], heard.sig[a], heard.body[a],
                           strlen(heard.body[a]), (int64_t)time(NULL), &why) == 0,
          "@dave is told by the webhook, signed");
    snprintf(
        q, sizeof q,
        "SELECT count(*) FROM grants WHERE principal = '@dave' AND role = 'editor' AND expires_at = %lld",
        (long long)(t1 + 2 * 86400));
    CHECK_INT(rows(q), 1, "the grant: what was asked, two days from approval");
    snprintf(url, sizeof url, "http://127.0.0.1:%d/slack/again", lport);
    CHECK(drive_click(port, "UANN", "approve_request", req, url, r) == 200, "a second click");
    wait_for(before + 5);
    settle();
    CHECK_INT(count_to("/slack/again", "no request"), 1, "is told the request is not waiting any more");
    CHECK_INT(rows("SELECT count(*) FROM audit WHERE intent = 'approve_request' AND outcome = 'done'"), 1,
              "one approval, one audit event");
    CHECK_INT(listener_count(), before + 5, "and nothing else was sent");

    before = listener_count();
    set_clock(t1 + 86400 + 60);
    wait_for(before + 2);
    settle();
    CHECK_INT(listener_count(), before + 2, "a day before: two reminders (@dave, and @ann who approved)");
    CHECK_INT(count_to("/hook/", "ends in 1 day"), 2,
              "@dave's by the webhook (with the earlier one to @bob)");
    before = listener_count();
    set_clock(t1 + 2 * 86400 + 60);
    wait_for(before + 1);
    settle();
    CHECK_INT(listener_count(), before + 1, "at its end: one notice");
    CHECK_INT(count_to("/hook/", "\"kind\":\"expired\",\"sandbox\":\"demo\",\"principal\":\"@dave\""), 1,
              "@dave's expiry, by the webhook, once");
    CHECK_INT(rows("SELECT count(*) FROM audit WHERE intent = 'expired' AND subjects LIKE '%@dave%'"), 1,
              "recorded once as an expired event");

    /* A request replaced: the owner's message of the first is updated to say so (chat.update of
     * that message, its buttons gone), and the new one comes with its own buttons. */
    before = listener_count();
    drive_msg(port, token, "c3", "@frank", "request viewer access", r);
    char first[16], second[16], ts[40];
    snprintf(first, sizeof first, "%s", nz(jstr(r->json, "result.request.token")));
    wait_for(before + 1);
    settle();
    int f = find2("\"channel\":\"UANN\"", first);
    snprintf(ts, sizeof ts, "\"ts\":\"1700000000.%06d\"", f);
    drive_msg(port, token, "c3", "@frank", "request editor access", r);
    snprintf(second, sizeof second, "%s", nz(jstr(r->json, "result.request.token")));
    CHECK(first[0] == 'R' && second[0] == 'R' && strcmp(first, second) != 0,
          "@frank asks twice: two requests");
    wait_for(before + 3);
    settle();
    int u = find("replaced by request");
    CHECK(u >= 0 && strcmp(heard.path[u], "/slack-api/chat.update") == 0 && strstr(heard.body[u], ts) &&
              strstr(heard.body[u], first) && strstr(heard.body[u], second) &&
              !strstr(heard.body[u], "approve_request"),
          "the first request's message is updated in place: replaced, its buttons gone");
    CHECK(find2("\"value\":\"", second) >= 0, "the second request's message has its own buttons");
    CHECK_INT(listener_count(), before + 3, "three posts: the first, the second, the update");

    /* A webhook down for a day: tried with back-off, then given up after 24 hours (failed). */
    pthread_mutex_lock(&heard.lock);
    heard.fail_next = 1000;
    heard.fail_code = 0;
    heard.failed = 0;
    pthread_mutex_unlock(&heard.lock);
    drive_msg(port, token, "c1", "@ann", "invite @erin as viewer", r);
    drive_msg(port, token, "c1", "@ann", "yes", r);
    settle();
    CHECK_INT(
        rows("SELECT count(*) FROM notices WHERE principal = '@erin' AND state = 'pending' AND attempts = 1"),
        1, "@erin's notice failed once and waits");
    set_clock(t1 + 2 * 86400 + 60 + 3600);
    settle();
    CHECK_INT(
        rows("SELECT count(*) FROM notices WHERE principal = '@erin' AND state = 'pending' AND attempts = 2"),
        1, "an hour later: tried again, still waiting");
    set_clock(t1 + 2 * 86400 + 60 + 25 * 3600);
    settle();
    CHECK_INT(
        rows("SELECT count(*) FROM notices WHERE principal = '@erin' AND state = 'failed' AND error LIKE "
             "'%tried for 24 hours'"),
        1, "a day later: failed, saying it was tried for 24 hours");
    pthread_mutex_lock(&heard.lock);
    CHECK_INT(heard.failed, 3, "three tries in all");
    heard.fail_next = 0;
    pthread_mutex_unlock(&heard.lock);

    resp_free(r);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    listener_stop();
    if (pg_test_enabled()) pg_test_drop(db);
    char rm[600];
    snprintf(rm, sizeof rm, "rm -rf %s", dir);
    if (system(rm) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return CHECK_SUMMARY();
}
