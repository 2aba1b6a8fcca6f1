/* A fleet (issue 11, item 3): two `concierge serve` on two loopback ports and one PostgreSQL
 * database, as behind a load balancer (interfaces.md, "The store"). A Slack command answered
 * by one and its Confirm click by the other; a bot conversation alternating between them;
 * 2 x 16 clients changing the same principals at once through both, some tokens confirmed on
 * both servers at the same moment; a server killed (SIGKILL) with a change waiting inside it,
 * and again mid-load. The database is then read directly: every acknowledged change is there
 * once with its one audit event, no token worked twice, no update was lost, nothing is half
 * done.
 *
 * The load's changes are `extend @pN's access by 1 day`: each adds exactly one day to what is
 * there (TZ=UTC: a day is 86,400 s), so whatever order they ran in, a principal's expiry must
 * be its first expiry plus one day per change carried out; two changes that read the same
 * expiry (a lost update) would leave it a day short, and give two audit events the same
 * `after`. A client tells each change's fate from its answers only, as a person would. */
#include <curl/curl.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "check.h"
#include "pg_test.h"
#include "serve_drive.h"
#include "spawn.h"

#define PRINCIPALS   4   /* the load changes these few, so that its changes collide */
#define LOAD_CLIENTS 32  /* 2 x 16: half on each server */
#define LOAD_PAIRS   4   /* changes each client asks for and confirms */
#define KILL_CLIENTS 16  /* the load during which a server is killed */
#define RETRIES      200 /* confirmations of one change, each after another moved its ground */
#define DAY          86400

static const char *bin;
static char db_uri[512];
static int lport;
static char bot_token[128];
static PGconn *db; /* the test's own look at the database (main thread only) */

/* The two servers: A is 0, B is 1. b_down is set just before B is killed, so that a request
 * to B that gets no answer after it is the kill's doing, and any other is a failure; b_gone
 * once the database has ended the transactions B left (its sessions are named fleet-b): what
 * they did is then settled, committed or not, and asking again on A finds it so. */
static struct {
    pid_t pid;
    int port;
} srv[2];
static atomic_int b_down, b_gone;

static void start(int i)
{
    char uri[600];
    snprintf(uri, sizeof uri, "%s%capplication_name=fleet-%c", db_uri, strchr(db_uri, '?') ? '&' : '?',
             "ab"[i]);
    const char *more[] = {"--threads", "8", NULL};
    srv[i].pid = drive_serve(bin, uri, lport, more, &srv[i].port, NULL, 0);
    if (i == 1) atomic_store(&b_down, 0), atomic_store(&b_gone, 0);
}

static void kill_b(void)
{
    atomic_store(&b_down, 1);
    kill(srv[1].pid, SIGKILL);
    CHECK_INT(spawn_wait(srv[1].pid, spawn_now_ms() + 10000), 128 + SIGKILL, "server B died of SIGKILL");
}

static long long q_int(const char *sql, const char *arg);

/* Waits (bounded) until none of B's sessions is left in the database. */
static void b_sessions_end(void)
{
    int64_t until = spawn_now_ms() + 20000;
    long long left;
    while ((left = q_int(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'fleet-b' AND datname = "
                "current_database()",
                NULL)) != 0 &&
           spawn_now_ms() < until) {
        struct timespec ms = {0, 2 * 1000000};
        nanosleep(&ms, NULL);
    }
    CHECK_INT(left, 0, "the database ended the killed server's sessions");
    atomic_store(&b_gone, 1);
}

/* ---- Reading the database ------------------------------------------------------------- */

/* The one number sql gives, with $1 = arg (NULL: no parameter); -1 when it fails. */
static long long q_int(const char *sql, const char *arg)
{
    PGresult *r = PQexecParams(db, sql, arg ? 1 : 0, NULL, arg ? &arg : NULL, NULL, NULL, 0);
    long long n = -1;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 && !PQgetisnull(r, 0, 0))
        n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    else if (PQresultStatus(r) != PGRES_TUPLES_OK)
        printf("query failed: %s: %s", sql, PQerrorMessage(db));
    PQclear(r);
    return n;
}

static int sql_ok(const char *sql)
{
    PGresult *r = PQexec(db, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok) printf("%s: %s", sql, PQerrorMessage(db));
    PQclear(r);
    return ok;
}

/* Done changes to one principal, as the audit log holds them. */
static long long audited(const char *intent, const char *principal)
{
    char subjects[64], sql[160];
    snprintf(subjects, sizeof subjects, "[\"%s\"]", principal);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit WHERE intent = '%s' AND outcome = 'done' AND subjects = $1", intent);
    return q_int(sql, subjects);
}

static long long expiry_of(const char *principal)
{
    return q_int("SELECT expires_at FROM grants WHERE principal = $1 AND project = ''", principal);
}

/* ---- The ledger: what the clients were told ------------------------------------------- */

/* Per principal: changes acknowledged as done, and changes whose request got no answer from
 * the killed server but which that server had carried out (its token was used, nothing was
 * left waiting). Every acknowledged summary is kept, to be found once in the audit log. */
static struct {
    pthread_mutex_t lock;
    int acked[PRINCIPALS], unanswered_done[PRINCIPALS];
    char **summaries;
    size_t n, cap;
} ledger = {PTHREAD_MUTEX_INITIALIZER, {0}, {0}, NULL, 0, 0};
static int64_t first_expiry[PRINCIPALS];

static void ledger_ack(int p, const char *summary)
{
    pthread_mutex_lock(&ledger.lock);
    if (ledger.n == ledger.cap) {
        ledger.cap = ledger.cap ? 2 * ledger.cap : 256;
        ledger.summaries = realloc(ledger.summaries, ledger.cap * sizeof *ledger.summaries);
        if (!ledger.summaries) abort();
    }
    ledger.summaries[ledger.n++] = strdup(summary);
    ledger.acked[p]++;
    pthread_mutex_unlock(&ledger.lock);
}

static int ledger_total(void)
{
    pthread_mutex_lock(&ledger.lock);
    int n = (int)ledger.n;
    pthread_mutex_unlock(&ledger.lock);
    return n;
}

/* The database against the ledger (main thread, with no client running). */
static void check_ledger(const char *when)
{
    char what[256];
    for (int p = 0; p < PRINCIPALS; p++) {
        char who[16];
        snprintf(who, sizeof who, "@p%d", p + 1);
        long long n = audited("set_expiry", who), want = ledger.acked[p] + ledger.unanswered_done[p];
        snprintf(what, sizeof what, "%s: %s's done extensions in the audit log are the acknowledged ones",
                 when, who);
        CHECKF(n == want, what, "%lld audit events, %d acknowledged + %d carried out unanswered", n,
               ledger.acked[p], ledger.unanswered_done[p]);
        snprintf(what, sizeof what, "%s: %s's expiry is its first plus a day per audited extension", when,
                 who);
        CHECK_T(expiry_of(who), first_expiry[p] + n * DAY, what);
        char subjects[32];
        snprintf(subjects, sizeof subjects, "[\"%s\"]", who);
        snprintf(what, sizeof what, "%s: no two of %s's extensions read the same expiry (no lost update)",
                 when, who);
        CHECK_INT(q_int("SELECT count(DISTINCT after) FROM audit WHERE intent = 'set_expiry' AND outcome = "
                        "'done' AND subjects = $1",
                        subjects),
                  n, what);
    }
    size_t once = 0;
    for (size_t i = 0; i < ledger.n; i++) {
        long long k =
            q_int("SELECT count(*) FROM audit WHERE outcome = 'done' AND summary = $1", ledger.summaries[i]);
        if (k == 1)
            once++;
        else
            printf("  acknowledged \"%s\": %lld audit events\n", ledger.summaries[i], k);
    }
    snprintf(what, sizeof what, "%s: each of the %zu acknowledged changes has exactly one audit event", when,
             ledger.n);
    CHECK_INT(once, ledger.n, what);
}

/* ---- A client: one bot conversation ----------------------------------------------------- */

enum outcome { O_NO_ANSWER, O_DONE, O_ASKED, O_USED, O_NOT_FOUND, O_NOTHING, O_CANCELLED, O_OTHER };

/* What an answer says; a change waiting for confirmation puts its token in token. */
static enum outcome outcome_of(const struct drive_resp *r, char token[16])
{
    if (r->status == 0) return O_NO_ANSWER;
    if (r->status != 200) return O_OTHER;
    const char *status = nz(jstr(r->json, "status")), *code = nz(jstr(r->json, "code"));
    if (strcmp(status, "needs_confirmation") == 0) {
        snprintf(token, 16, "%s", nz(jstr(r->json, "token")));
        return token[0] ? O_ASKED : O_OTHER;
    }
    if (strcmp(status, "done") == 0) return O_DONE;
    if (strcmp(status, "cancelled") == 0) return O_CANCELLED;
    if (strcmp(code, "token_used") == 0) return O_USED;
    if (strcmp(code, "token_not_found") == 0) return O_NOT_FOUND;
    if (strcmp(code, "nothing_pending") == 0) return O_NOTHING;
    return O_OTHER;
}

struct client {
    int id, server; /* which server it talks to (B's clients move to A when B is killed) */
    char conv[32];
    int pairs; /* changes to ask for; 0: until stop */
    int both;  /* confirm every both-th token on both servers at once (0: never) */
    atomic_int done_after_kill;
    int moved;
    int doubles, double_ok; /* tokens confirmed on both servers; of which exactly one worked */
    int afresh;             /* confirmations answered with the change described afresh */
    atomic_int failures;
    char why[512]; /* the first failure */
    struct drive_resp *r;
};

static atomic_int stop;

/* Keeps the first failure of a client, with the answer it got (CHECK is the main thread's). */
static void failed(struct client *c, const char *what, const char *text)
{
    const struct drive_resp *r = c->r;
    char server = c->server ? 'B' : 'A';
    if (!c->failures++)
        snprintf(c->why, sizeof c->why, "client %d (server %c) %s \"%s\": HTTP %ld %.300s", c->id, server,
                 what, text, r->status, r->body);
}

static enum outcome say_to(struct client *c, int server, const char *text, char token[16],
                           struct drive_resp *r)
{
    drive_msg(srv[server].port, bot_token, c->conv, "@ann", text, r);
    return outcome_of(r, token);
}

static enum outcome say(struct client *c, const char *text, char token[16])
{
    return say_to(c, c->server, text, token, c->r);
}

/* A request to B that got no answer once B was killed: the client goes to A, as a load
 * balancer would send it, and asks there once B's sessions are gone (a person asks again a
 * moment later). 0, or -1 (a failure) when no answer was to be expected. */
static int move_to_a(struct client *c, const char *text)
{
    if (c->server != 1 || !atomic_load(&b_down)) {
        failed(c, "got no answer to", text);
        return -1;
    }
    c->server = 0;
    c->moved = 1;
    int64_t until = spawn_now_ms() + 30000;
    while (!atomic_load(&b_gone) && spawn_now_ms() < until) {
        struct timespec ms = {0, 2 * 1000000};
        nanosleep(&ms, NULL);
    }
    if (atomic_load(&b_gone)) return 0;
    failed(c, "waited in vain for B's sessions to end, after", text);
    return -1;
}

/* The same `confirm TOKEN` to both servers at the same moment: exactly one may work (done, or
 * the change described afresh), the other must hear the token is gone. */
struct other_side {
    struct client *c;
    const char *text;
    struct drive_resp *r;
    enum outcome o;
    char token[16];
};

static void *confirm_on_other(void *arg)
{
    struct other_side *s = arg;
    s->o = say_to(s->c, 1 - s->c->server, s->text, s->token, s->r);
    return NULL;
}

static enum outcome confirm_on_both(struct client *c, char token[16], int *winner_is_other,
                                    struct drive_resp *other_r)
{
    char text[32], t2[16];
    snprintf(text, sizeof text, "confirm %s", token);
    struct other_side s = {c, text, other_r, O_OTHER, ""};
    pthread_t t;
    if (pthread_create(&t, NULL, confirm_on_other, &s)) abort();
    enum outcome mine = say(c, text, t2);
    pthread_join(t, NULL);
    int mine_won = mine == O_DONE || mine == O_ASKED, other_won = s.o == O_DONE || s.o == O_ASKED;
    int mine_lost = mine == O_USED || mine == O_NOT_FOUND, other_lost = s.o == O_USED || s.o == O_NOT_FOUND;
    c->doubles++;
    if ((mine_won && other_lost) || (other_won && mine_lost)) c->double_ok++;
    *winner_is_other = other_won && !mine_won;
    if (*winner_is_other) {
        memcpy(t2, s.token, sizeof t2);
        mine = s.o;
    }
    memcpy(token, t2, 16);
    return mine;
}

/* A change to principal p acknowledged done in the answer r. */
static void ack(struct client *c, int p, const struct drive_resp *r)
{
    ledger_ack(p, nz(jstr(r->json, "summary")));
    if (atomic_load(&b_down)) c->done_after_kill++;
}

/* One change asked for and confirmed (`yes`) until it is done: each time another change to
 * the principal came first, the answer describes it afresh under a new token. */
static void one_change(struct client *c, int k)
{
    int p = (c->id + k) % PRINCIPALS;
    char text[64], token[16] = "";
    snprintf(text, sizeof text, "extend @p%d's access by 1 day", p + 1);
    enum outcome o = say(c, text, token);
    if (o == O_NO_ANSWER) {
        /* Whether B kept it waiting is unknown: cancelled on A, whatever it was. */
        if (move_to_a(c, text) == 0 && say(c, "cancel all", token) != O_CANCELLED)
            failed(c, "after the failover, cancelling what B may have kept:", "cancel all");
        return;
    }
    if (o != O_ASKED) {
        failed(c, "asked", text);
        return;
    }
    struct drive_resp *other = NULL;
    for (int tries = 0; tries < RETRIES; tries++) {
        struct drive_resp *answer = c->r;
        if (c->both && tries == 0 && k % c->both == c->id % c->both) {
            int other_won = 0;
            if (!other) other = resp_new();
            o = confirm_on_both(c, token, &other_won, other);
            if (other_won) answer = other;
        } else {
            o = say(c, "yes", token);
        }
        if (o == O_NO_ANSWER) {
            /* The confirmation was in flight when B died: asked again on A, by its token. */
            char was[16];
            memcpy(was, token, sizeof was);
            if (move_to_a(c, "yes")) break;
            snprintf(text, sizeof text, "confirm %s", was);
            o = say(c, text, token);
            if (o == O_USED) {
                /* B used the token: it either carried the change out, or described it afresh
                 * under a new token, which is then the one waiting. */
                o = say(c, "yes", token);
                if (o == O_NOTHING) {
                    pthread_mutex_lock(&ledger.lock);
                    ledger.unanswered_done[p]++;
                    pthread_mutex_unlock(&ledger.lock);
                    break;
                }
            }
        }
        if (o == O_DONE) {
            ack(c, p, answer);
            break;
        }
        if (o != O_ASKED) {
            failed(c, "confirmed", text);
            break;
        }
        c->afresh++;
        if (tries == RETRIES - 1) failed(c, "ran out of retries confirming", text);
    }
    if (other) resp_free(other);
}

static void *client_run(void *arg)
{
    struct client *c = arg;
    for (int k = 0; (c->pairs ? k < c->pairs : !atomic_load(&stop)) && !c->failures; k++)
        one_change(c, k);
    return NULL;
}

/* Runs n clients, half on each server, each asking for pairs changes (0: until stop is set,
 * which watch does; it runs meanwhile on this thread). */
static void run_clients(struct client *cs, int n, int pairs, int both, const char *tag,
                        void (*watch)(struct client *, int))
{
    pthread_t t[LOAD_CLIENTS];
    for (int i = 0; i < n; i++) {
        cs[i] = (struct client){.id = i, .server = i % 2, .pairs = pairs, .both = both, .r = resp_new()};
        snprintf(cs[i].conv, sizeof cs[i].conv, "%s-%d", tag, i);
    }
    for (int i = 0; i < n; i++)
        if (pthread_create(&t[i], NULL, client_run, &cs[i])) abort();
    if (watch) watch(cs, n);
    for (int i = 0; i < n; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < n; i++) {
        if (cs[i].failures) printf("%s (%d failures)\n", cs[i].why, cs[i].failures);
        resp_free(cs[i].r);
    }
}

/* ---- The tests -------------------------------------------------------------------------- */

static void set_up(void)
{
    char out[4096];
    int ok = drive_admin(bin, db_uri, NULL, 0, "workspace add acme") == 0 &&
             drive_admin(bin, db_uri, NULL, 0, "sandbox add demo --owner @ann --workspace acme") == 0 &&
             drive_admin(bin, db_uri, NULL, 0, "slack map --team T1 --channel C1 --sandbox demo") == 0 &&
             drive_admin(bin, db_uri, NULL, 0, "link slack:U1 @ann") == 0 &&
             drive_admin(bin, db_uri, NULL, 0, "workspace member add acme @rita") == 0 &&
             drive_admin(bin, db_uri, out, sizeof out, "bot add helper --workspace acme") == 0;
    drive_secret_after(out, "bearer token:", bot_token, sizeof bot_token);
    CHECK(ok && strncmp(bot_token, "cbt_", 4) == 0, "the store is set up with admin");
}

/* 1. A slash command answered by A, its Confirm click sent to B. */
static void test_slack_across(void)
{
    struct drive_resp *r = resp_new();
    CHECK(drive_slash(srv[0].port, "T1", "C1", "U1", "invite @bob as viewer for 30 days", r) == 200,
          "A answers the slash command");
    char token[16], url[128];
    snprintf(token, sizeof token, "%s", nz(slack_button(r->json, 0, "value")));
    CHECK(strlen(token) == 4, "A's answer has a Confirm button with the token");
    CHECK_INT(audited("invite", "@bob"), 0, "nothing is done before the click");
    int n0 = listener_count();
    snprintf(url, sizeof url, "http://127.0.0.1:%d/slack/across-1", lport);
    CHECK(drive_click(srv[1].port, "U1", "confirm", token, url, r) == 200, "B answers the click at once");
    const char *d = listener_delivery(n0 + 1);
    CHECK(d && strstr(d, "Invited @bob") && strstr(d, "\"replace_original\":true"),
          "B carried A's change out and posted the result to the response_url");
    CHECK_INT(audited("invite", "@bob"), 1, "the change is audited once");
    CHECK_INT(q_int("SELECT count(*) FROM grants WHERE principal = '@bob' AND role = 'viewer'", NULL), 1,
              "@bob is a viewer");
    snprintf(url, sizeof url, "http://127.0.0.1:%d/slack/across-2", lport);
    CHECK(drive_click(srv[0].port, "U1", "confirm", token, url, r) == 200, "the same click again, on A");
    d = listener_delivery(n0 + 2);
    CHECK(d && strstr(d, "already carried out or cancelled"), "A says it was carried out already");
    CHECK_INT(audited("invite", "@bob"), 1, "and it is still done once");
    resp_free(r);
}

/* 2. A bot conversation alternating between the servers. */
static void test_bot_alternating(void)
{
    struct drive_resp *r = resp_new();
    struct client c = {.conv = "alternate", .r = r};
    char token[16];
    CHECK(say_to(&c, 0, "invite @carol as viewer for 30 days", token, r) == O_ASKED,
          "A keeps a change waiting");
    CHECK(say_to(&c, 1, "yes", token, r) == O_DONE, "yes on B carries it out");
    CHECK_INT(audited("invite", "@carol"), 1, "once, with its audit event");
    CHECK(say_to(&c, 1, "invite @dan as editor", token, r) == O_ASKED, "B keeps a second change waiting");
    char text[32], again[16];
    snprintf(text, sizeof text, "confirm %s", token);
    CHECK(say_to(&c, 0, text, again, r) == O_DONE, "confirm TOKEN on A carries it out");
    CHECK_INT(audited("invite", "@dan"), 1, "once, with its audit event");
    CHECK(say_to(&c, 1, text, again, r) == O_USED, "the token said again on B: token_used");
    CHECK(say_to(&c, 0, "yes", again, r) == O_NOTHING, "and nothing is left waiting");
    CHECK_INT(q_int("SELECT count(*) FROM grants WHERE principal IN ('@carol', '@dan')", NULL), 2,
              "@carol and @dan have their grants");
    resp_free(r);
}

/* 2b. An access request approved on both servers at once (lifecycle.md: two approvals at once,
 * on two servers, make one grant and one audit event). */
struct yes_on {
    int server;
    const char *conv;
    struct drive_resp *r;
};

static void *yes_thread(void *arg)
{
    struct yes_on *y = arg;
    drive_msg(srv[y->server].port, bot_token, y->conv, "@ann", "yes", y->r);
    return NULL;
}

static void test_request_approved_twice(void)
{
    struct drive_resp *r = resp_new(), *ra = resp_new(), *rb = resp_new();
    drive_msg(srv[0].port, bot_token, "rita", "@rita", "request editor access for 3 days", r);
    char req[16], text[32], t[16];
    snprintf(req, sizeof req, "%s", nz(jstr(r->json, "result.request.token")));
    CHECK(strcmp(nz(jstr(r->json, "status")), "done") == 0 && req[0] == 'R', "@rita's request, on A");
    snprintf(text, sizeof text, "approve %s", req);
    drive_msg(srv[0].port, bot_token, "own-a", "@ann", text, r);
    CHECK(outcome_of(r, t) == O_ASKED, "the owner asks to approve it on A");
    drive_msg(srv[1].port, bot_token, "own-b", "@ann", text, r);
    CHECK(outcome_of(r, t) == O_ASKED, "and on B");
    struct yes_on a = {0, "own-a", ra}, b = {1, "own-b", rb};
    pthread_t ta, tb;
    if (pthread_create(&ta, NULL, yes_thread, &a) || pthread_create(&tb, NULL, yes_thread, &b)) abort();
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    int done = (strcmp(nz(jstr(ra->json, "status")), "done") == 0) +
               (strcmp(nz(jstr(rb->json, "status")), "done") == 0);
    int lost = (strcmp(nz(jstr(ra->json, "code")), "request_not_found") == 0) +
               (strcmp(nz(jstr(rb->json, "code")), "request_not_found") == 0);
    CHECKF(done == 1 && lost == 1,
           "confirmed on both at once: one approval is done, the other finds it answered",
           "A: %.200s\n  B: %.200s", ra->body, rb->body);
    CHECK_INT(q_int("SELECT count(*) FROM grants WHERE principal = '@rita'", NULL), 1, "one grant");
    CHECK_INT(audited("approve_request", "@rita"), 1, "one audit event");
    resp_free(r);
    resp_free(ra);
    resp_free(rb);
}

/* The load's principals, each with an expiry to extend. */
static void set_up_principals(void)
{
    struct drive_resp *r = resp_new();
    struct client c = {.conv = "setup", .r = r};
    char token[16], text[64], who[16];
    for (int p = 0; p < PRINCIPALS; p++) {
        snprintf(text, sizeof text, "invite @p%d as viewer for 30 days", p + 1);
        int ok = say_to(&c, p % 2, text, token, r) == O_ASKED && say_to(&c, p % 2, "yes", token, r) == O_DONE;
        snprintf(who, sizeof who, "@p%d", p + 1);
        first_expiry[p] = expiry_of(who);
        CHECK(ok && first_expiry[p] > 0, "a principal of the load is invited with an expiry");
    }
    resp_free(r);
}

/* 3. 2 x 16 clients at once, every third token or so confirmed on both servers together. */
static void test_concurrent(void)
{
    static struct client cs[LOAD_CLIENTS];
    int64_t t0 = spawn_now_ms();
    run_clients(cs, LOAD_CLIENTS, LOAD_PAIRS, 3, "load", NULL);
    int failures = 0, doubles = 0, double_ok = 0, afresh = 0;
    for (int i = 0; i < LOAD_CLIENTS; i++)
        failures += cs[i].failures, doubles += cs[i].doubles, double_ok += cs[i].double_ok,
            afresh += cs[i].afresh;
    fprintf(stderr,
            "load: %d clients, %d changes acknowledged, %d confirmations answered with the change described "
            "afresh (another came first), %d tokens confirmed on both servers, %.1f s\n",
            LOAD_CLIENTS, ledger_total(), afresh, doubles, (double)(spawn_now_ms() - t0) / 1000);
    CHECK_INT(failures, 0, "every answer during the load was one a client could expect");
    CHECK_INT(ledger_total(), LOAD_CLIENTS * LOAD_PAIRS, "every change asked for was acknowledged done");
    CHECK(doubles > 0, "some tokens were confirmed on both servers at once");
    CHECK_INT(double_ok, doubles, "of two confirmations of one token at once, exactly one worked");
    check_ledger("after the load");
}

/* 4a. B is killed while changes confirmed on it wait inside it (the test holds the audit log's
 * lock meanwhile): asked again on A, each is carried out, once. A server that dies mid-change
 * leaves nothing half done, not even its token spent. */
struct in_flight {
    struct client c;
    char token[16];
    long status;
};

static void *confirm_in_flight(void *arg)
{
    struct in_flight *f = arg;
    char text[32], t[16];
    snprintf(text, sizeof text, "confirm %s", f->token);
    say_to(&f->c, 1, text, t, f->c.r);
    f->status = f->c.r->status;
    return NULL;
}

static void test_kill_in_flight(void)
{
    enum { K = 3 }; /* at most PRINCIPALS: one principal each */
    struct in_flight f[K];
    pthread_t t[K];
    char text[64];
    for (int i = 0; i < K; i++) {
        f[i] = (struct in_flight){.c = {.r = resp_new()}};
        snprintf(f[i].c.conv, sizeof f[i].c.conv, "in-flight-%d", i);
        snprintf(text, sizeof text, "extend @p%d's access by 1 day", i + 1);
        CHECK(say_to(&f[i].c, 0, text, f[i].token, f[i].c.r) == O_ASKED, "a change waits, asked on A");
    }
    CHECK(sql_ok("BEGIN") && sql_ok("LOCK TABLE audit IN ACCESS EXCLUSIVE MODE"),
          "the test holds the audit log");
    /* One at a time, each once the one before waits: a server thread that waits accepts no
     * other connection, so each confirmation is taken up by a thread of its own. */
    long long waiting = 0;
    int64_t until = spawn_now_ms() + 20000;
    for (int i = 0; i < K; i++) {
        if (pthread_create(&t[i], NULL, confirm_in_flight, &f[i])) abort();
        while ((waiting = q_int("SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                                "WHERE NOT l.granted "
                                "AND a.application_name = 'fleet-b' AND a.datname = current_database()",
                                NULL)) <= i &&
               spawn_now_ms() < until) {
            struct timespec ms = {0, 5 * 1000000};
            nanosleep(&ms, NULL);
        }
    }
    CHECK_INT(waiting, K, "B's confirmations wait inside their transactions");
    kill_b();
    sql_ok("ROLLBACK");
    b_sessions_end();
    for (int i = 0; i < K; i++) {
        pthread_join(t[i], NULL);
        CHECK_INT(f[i].status, 0, "the request in flight to B got no answer");
    }
    for (int i = 0; i < K; i++) {
        char t2[16];
        snprintf(text, sizeof text, "confirm %s", f[i].token);
        enum outcome o = say_to(&f[i].c, 0, text, t2, f[i].c.r);
        CHECKF(o == O_DONE, "asked again on A, the change B died in is carried out: its token was not spent",
               "%s: %.300s", text, f[i].c.r->body);
        if (o == O_DONE) ledger_ack(i, nz(jstr(f[i].c.r->json, "summary"))); /* @p(i+1) */
        resp_free(f[i].c.r);
    }
    check_ledger("after B died mid-change");
}

/* 4b. B is killed mid-load: its clients move to A; A answers all along. */
static void kill_mid_load(struct client *cs, int n)
{
    int at_start = ledger_total();
    int64_t until = spawn_now_ms() + 30000;
    while (ledger_total() < at_start + 2 * n && spawn_now_ms() < until) {
        struct timespec ms = {0, 2 * 1000000};
        nanosleep(&ms, NULL);
    }
    fprintf(stderr, "killing B after %d changes of this load\n", ledger_total() - at_start);
    kill_b();
    b_sessions_end();
    /* Every client, those of B moved to A among them, has changes done after the kill. */
    until = spawn_now_ms() + 30000;
    for (int i = 0; i < n && spawn_now_ms() < until; i += cs[i].done_after_kill >= 2 || cs[i].failures) {
        struct timespec ms = {0, 2 * 1000000};
        nanosleep(&ms, NULL);
    }
    atomic_store(&stop, 1);
}

static void test_kill_mid_load(void)
{
    static struct client cs[KILL_CLIENTS];
    start(1);
    int before = ledger_total();
    int64_t t0 = spawn_now_ms();
    run_clients(cs, KILL_CLIENTS, 0, 0, "kill", kill_mid_load);
    int failures = 0, moved = 0, after = 0;
    for (int i = 0; i < KILL_CLIENTS; i++) {
        failures += cs[i].failures;
        moved += cs[i].moved;
        after += cs[i].done_after_kill >= 2;
    }
    fprintf(stderr, "kill: %d changes acknowledged, %d clients moved to A, %.1f s\n", ledger_total() - before,
            moved, (double)(spawn_now_ms() - t0) / 1000);
    CHECK_INT(failures, 0, "A answered every request, during the kill and after it");
    CHECK_INT(moved, KILL_CLIENTS / 2, "B's clients all moved to A");
    CHECK_INT(after, KILL_CLIENTS, "every client had changes done after the kill");
    check_ledger("after B was killed mid-load");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_fleet PATH-TO-CONCIERGE\n");
        return 2;
    }
    bin = argv[1];
    if (!pg_test_enabled()) {
        fprintf(stderr, "test_fleet: no PostgreSQL (CONCIERGE_TEST_PG or CONCIERGE_TEST_PG_FILE)\n");
        return 1;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    setenv("TZ", "UTC", 1); /* the servers' too: a day is 86,400 s */
    char err[512];
    if (pg_test_create(db_uri, sizeof db_uri, err, sizeof err)) {
        fprintf(stderr, "test_fleet: %s\n", err);
        return 1;
    }
    db = PQconnectdb(db_uri);
    if (PQstatus(db) != CONNECTION_OK || (lport = listener_start()) < 0) return 2;
    int64_t t0 = spawn_now_ms();
    set_up();
    start(0);
    start(1);
    test_slack_across();
    test_bot_alternating();
    test_request_approved_twice();
    set_up_principals();
    test_concurrent();
    test_kill_in_flight();
    test_kill_mid_load();
    fprintf(stderr, "test_fleet: %.1f s in all\n", (double)(spawn_now_ms() - t0) / 1000);
    for (int i = 0; i < 2; i++)
        if (waitpid(srv[i].pid, NULL, WNOHANG) == 0) kill(srv[i].pid, SIGKILL), waitpid(srv[i].pid, NULL, 0);
    listener_stop();
    PQfinish(db);
    pg_test_drop(db_uri);
    curl_global_cleanup();
    return CHECK_SUMMARY();
}
