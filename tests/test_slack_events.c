/* Slack's Events API end to end (issue 10, item 3): the real `concierge serve` on an
 * ephemeral loopback port, Slack's side played over real HTTP — events signed as Slack signs
 * them, and a local libmicrohttpd listener standing in for Slack's Web API (recording each
 * call's path, Authorization header and JSON body) and for a click's response_url. The store
 * is a real SQLite file, read back directly to prove what changed and what did not. Every
 * wait is on a condition with a deadline; "nothing was posted" is proved by a later message
 * whose reply comes next (one jobs' thread, one deliveries' thread: in order). */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../frontends/serve/slack_sig.h"
#include "check.h"
#include "pg_test.h"
#include "test_db.h"
#include "slack_blocks.h"
#include "spawn.h"

#define SECRET     "events-signing-secret"
#define TOKEN      "xoxb-events-test-token"
#define FILE_TOKEN "xoxb-from-a-file"
#define BOT        "UBOT0001" /* the bot's own user, as authorizations[].user_id says */
#define WAIT_MS    10000

static const char *bin;
static char dir[] = "/tmp/concierge-events-XXXXXX";
static char db[512];
static int lport; /* the listener's */

/* ---- The listener: Slack's Web API and response_url --------------------------------------- */

#define CALLS_MAX 512
struct call {
    char path[128];
    char auth[256]; /* the Authorization header, "" when absent */
    char *body;
    json_t *json;
    int64_t at_ms;
};

static struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int n;
    struct call c[CALLS_MAX];
    int ok_false;   /* answer this many Web API calls {"ok":false,"error":"channel_not_found"} */
    int rate_limit; /* answer this many with 429 and Retry-After: 1 */
} calls = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

struct upload {
    char *buf;
    size_t len;
};

static enum MHD_Result on_listen(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                 const char *version, const char *data, size_t *size, void **state)
{
    (void)cls, (void)method, (void)version;
    struct upload *u = *state;
    if (!u) {
        *state = calloc(1, sizeof *u);
        return MHD_YES;
    }
    if (*size) {
        u->buf = realloc(u->buf, u->len + *size + 1);
        memcpy(u->buf + u->len, data, *size);
        u->len += *size;
        u->buf[u->len] = '\0';
        *size = 0;
        return MHD_YES;
    }
    unsigned code = 200;
    const char *answer = "ok";
    int api = strncmp(url, "/api/", 5) == 0;
    pthread_mutex_lock(&calls.lock);
    if (api) answer = "{\"ok\":true}";
    if (api && calls.rate_limit > 0) {
        calls.rate_limit--;
        code = 429;
        answer = "{\"ok\":false,\"error\":\"ratelimited\"}";
    } else if (api && calls.ok_false > 0) {
        calls.ok_false--;
        answer = "{\"ok\":false,\"error\":\"channel_not_found\"}";
    }
    if (calls.n < CALLS_MAX) {
        struct call *k = &calls.c[calls.n];
        const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
        snprintf(k->path, sizeof k->path, "%s", url);
        snprintf(k->auth, sizeof k->auth, "%s", auth ? auth : "");
        k->body = u->buf ? u->buf : strdup("");
        u->buf = NULL;
        k->json = json_loads(k->body, 0, NULL);
        k->at_ms = spawn_now_ms();
        calls.n++;
        pthread_cond_broadcast(&calls.cond);
    }
    pthread_mutex_unlock(&calls.lock);
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(answer), (void *)answer, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "Content-Type", api ? "application/json" : "text/plain");
    if (code == 429) MHD_add_response_header(r, "Retry-After", "1");
    enum MHD_Result ret = MHD_queue_response(c, code, r);
    MHD_destroy_response(r);
    return ret;
}

static void on_listen_done(void *cls, struct MHD_Connection *c, void **state,
                           enum MHD_RequestTerminationCode t)
{
    (void)cls, (void)c, (void)t;
    struct upload *u = *state;
    if (u) free(u->buf), free(u);
    *state = NULL;
}

static int call_count(void)
{
    pthread_mutex_lock(&calls.lock);
    int n = calls.n;
    pthread_mutex_unlock(&calls.lock);
    return n;
}

/* Waits until the listener holds n calls; the n-th (1-based), or NULL after WAIT_MS. Calls
 * are never changed once recorded, so the pointer stays good. */
static const struct call *call_at(int n)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += WAIT_MS / 1000;
    pthread_mutex_lock(&calls.lock);
    while (calls.n < n)
        if (pthread_cond_timedwait(&calls.cond, &calls.lock, &until) == ETIMEDOUT) break;
    const struct call *k = calls.n >= n ? &calls.c[n - 1] : NULL;
    pthread_mutex_unlock(&calls.lock);
    return k;
}

static const char *jstr(json_t *o, const char *key) { return json_string_value(json_object_get(o, key)); }
static const char *nz(const char *s) { return s ? s : ""; }

/* ---- The server, and what it logs ------------------------------------------------------- */

struct server {
    pid_t pid;
    int port;
    int err; /* its standard error */
    pthread_t reader;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    struct spawn_buf log;
    int closed;
};

static void *read_log(void *arg)
{
    struct server *s = arg;
    char buf[4096];
    ssize_t n;
    while ((n = read(s->err, buf, sizeof buf)) > 0) {
        fwrite(buf, 1, (size_t)n, stderr);
        pthread_mutex_lock(&s->lock);
        spawn_buf_add(&s->log, buf, (size_t)n);
        pthread_cond_broadcast(&s->cond);
        pthread_mutex_unlock(&s->lock);
    }
    pthread_mutex_lock(&s->lock);
    s->closed = 1;
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

/* Waits until the server's log holds needle (after offset from); 1, or 0 after WAIT_MS. */
static int log_has_from(struct server *s, size_t from, const char *needle)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += WAIT_MS / 1000;
    pthread_mutex_lock(&s->lock);
    int found;
    while (!(found = s->log.len > from && strstr(s->log.p + from, needle) != NULL) && !s->closed)
        if (pthread_cond_timedwait(&s->cond, &s->lock, &until) == ETIMEDOUT) break;
    pthread_mutex_unlock(&s->lock);
    return found;
}

static int log_has(struct server *s, const char *needle) { return log_has_from(s, 0, needle); }

static size_t log_len(struct server *s)
{
    pthread_mutex_lock(&s->lock);
    size_t n = s->log.len;
    pthread_mutex_unlock(&s->lock);
    return n;
}

/* Starts `concierge serve` with the Web API at the listener, extra options and environment;
 * 0 once it listens. */
static int start(struct server *s, const char *const *extra, const char *const *env)
{
    char api[64], prefix[64];
    snprintf(api, sizeof api, "http://127.0.0.1:%d/api", lport); /* no final /: serve adds it */
    snprintf(prefix, sizeof prefix, "http://127.0.0.1:%d/slack/", lport);
    const char *argv[32] = {bin,
                            "serve",
                            "--db",
                            db,
                            "--listen",
                            "127.0.0.1:0",
                            "--threads",
                            "4",
                            "--slack-api-base",
                            api,
                            "--slack-response-prefix",
                            prefix,
                            "--retry-delay-ms",
                            "20",
                            "--log",
                            "info",
                            "--public-url",
                            "https://concierge.example.com"};
    int argc = 18;
    for (int i = 0; extra && extra[i]; i++)
        argv[argc++] = extra[i];
    argv[argc] = NULL;
    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->cond, NULL);
    struct spawn_child c;
    if (spawn_start(&c, argv, env, SPAWN_ERR)) return -1;
    s->pid = c.pid;
    s->err = c.err;
    pthread_create(&s->reader, NULL, read_log, s);
    if (!log_has(s, "\"listening\"")) return -1;
    pthread_mutex_lock(&s->lock);
    const char *p = strstr(strstr(s->log.p, "\"listening\""), "\"port\":");
    s->port = p ? (int)strtol(p + 7, NULL, 10) : 0;
    pthread_mutex_unlock(&s->lock);
    return s->port ? 0 : -1;
}

static void stop(struct server *s)
{
    kill(s->pid, SIGTERM);
    CHECK_INT(spawn_wait(s->pid, spawn_now_ms() + 15000), 0, "the server exits 0 on SIGTERM");
    pthread_join(s->reader, NULL);
    close(s->err);
}

/* ---- Running admin, reading the store ----------------------------------------------------- */

static int admin(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int admin(const char *fmt, ...)
{
    char args[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    const char *argv[32] = {bin, "admin", "--db", db};
    int argc = 4;
    char *save = NULL;
    for (char *w = strtok_r(args, " ", &save); w && argc < 31; w = strtok_r(NULL, " ", &save))
        argv[argc++] = w;
    argv[argc] = NULL;
    struct spawn_result r;
    int st = spawn_run(argv, NULL, NULL, 0, 30000, &r);
    if (st != 0) printf("admin: exit %d: %s%s", st, r.out, r.err);
    spawn_result_free(&r);
    return st;
}

/* The store, read and written behind the server's back (either backend). */
static int64_t count_rows(const char *sql) { return test_db_count(db, sql); }
static int store_write(const char *sql) { return test_db_exec(db, sql); }

static int64_t changes(void) { return count_rows("SELECT count(*) FROM audit WHERE outcome = 'done'"); }
static int64_t pending(void) { return count_rows("SELECT count(*) FROM pending WHERE intent_json <> ''"); }
static int64_t keys(void) { return count_rows("SELECT count(*) FROM agent_keys"); }

/* ---- HTTP as Slack sends it ----------------------------------------------------------------- */

struct resp {
    long status;
    char body[1 << 16];
    size_t len;
    json_t *json;
};

static size_t collect(char *p, size_t size, size_t n, void *arg)
{
    struct resp *r = arg;
    size_t k = size * n;
    if (r->len + k >= sizeof r->body) k = sizeof r->body - 1 - r->len;
    memcpy(r->body + r->len, p, k);
    r->len += k;
    r->body[r->len] = '\0';
    return size * n;
}

static long http(int port, const char *path, const char *const *headers, const char *body, struct resp *r)
{
    char url[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    json_decref(r->json);
    r->json = NULL;
    r->len = 0;
    r->body[0] = '\0';
    r->status = 0;
    CURL *c = curl_easy_init();
    struct curl_slist *h = NULL;
    for (int i = 0; headers && headers[i]; i++)
        h = curl_slist_append(h, headers[i]);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    r->json = json_loadb(r->body, r->len, 0, NULL);
    return r->status;
}

/* A request signed as Slack signs, with secret, at now + skew. */
static long signed_post(int port, const char *path, const char *type, const char *body, const char *secret,
                        int64_t skew, struct resp *r)
{
    char ts[32], sig[68], h1[64], h2[128], h3[96];
    snprintf(ts, sizeof ts, "%lld", (long long)(time(NULL) + skew));
    slack_sign(secret, strlen(secret), ts, body, strlen(body), sig);
    snprintf(h1, sizeof h1, "X-Slack-Request-Timestamp: %s", ts);
    snprintf(h2, sizeof h2, "X-Slack-Signature: %s", sig);
    snprintf(h3, sizeof h3, "Content-Type: %s", type);
    const char *h[] = {h1, h2, h3, NULL};
    return http(port, path, h, body, r);
}

/* One event, as Slack posts it. */
struct event {
    const char *id;           /* NULL: a new one */
    const char *type;         /* app_mention or message */
    const char *channel;      /* C… or D… */
    const char *channel_type; /* "im" for a DM's message; NULL: none */
    const char *user;
    const char *text;
    const char *ts;    /* NULL: a new one, later than every one before */
    const char *extra; /* JSON object merged into the event (bot_id, subtype, thread_ts), or NULL */
    int no_auth;       /* without authorizations[] */
    const char *team;  /* NULL: T1 */
};

static int seq;
static int64_t base_s;

static void new_ts(char out[32]) { snprintf(out, 32, "%lld.%06d", (long long)base_s, ++seq); }

/* The body of e (malloc'd); its event_id and ts in id and ts. */
static char *event_body(const struct event *e, char id[32], char ts[32])
{
    if (e->id)
        snprintf(id, 32, "%s", e->id);
    else
        snprintf(id, 32, "Ev%06dX", ++seq);
    if (e->ts)
        snprintf(ts, 32, "%s", e->ts);
    else
        new_ts(ts);
    const char *team = e->team ? e->team : "T1";
    json_t *ev = json_pack("{s:s, s:s, s:s, s:s, s:s}", "type", e->type, "channel", e->channel, "text",
                           e->text, "ts", ts, "event_ts", ts);
    if (e->user) json_object_set_new(ev, "user", json_string(e->user));
    if (e->channel_type) json_object_set_new(ev, "channel_type", json_string(e->channel_type));
    if (e->extra) {
        json_t *x = json_loads(e->extra, 0, NULL);
        json_object_update(ev, x);
        json_decref(x);
    }
    json_t *p = json_pack("{s:s, s:s, s:s, s:o, s:s, s:s, s:I}", "token", "legacy", "team_id", team,
                          "api_app_id", "A1", "event", ev, "type", "event_callback", "event_id", id,
                          "event_time", (json_int_t)time(NULL));
    if (!e->no_auth)
        json_object_set_new(p, "authorizations",
                            json_pack("[{s:n, s:s, s:s, s:b}]", "enterprise_id", "team_id", team, "user_id",
                                      BOT, "is_bot", 1));
    char *s = json_dumps(p, JSON_COMPACT);
    json_decref(p);
    return s;
}

static long send_event(int port, const struct event *e, struct resp *r)
{
    char id[32], ts[32];
    char *body = event_body(e, id, ts);
    long st = signed_post(port, "/slack/events", "application/json", body, SECRET, 0, r);
    free(body);
    return st;
}

static struct server srv; /* the main server */

/* A mention of the bot in channel by user. */
static long mention(const char *channel, const char *user, const char *text, struct resp *r)
{
    char t[512];
    snprintf(t, sizeof t, "<@%s> %s", BOT, text);
    struct event e = {.type = "app_mention", .channel = channel, .user = user, .text = t};
    return send_event(srv.port, &e, r);
}

/* A direct message to the bot (message.im). */
static long dm_in(const char *team, const char *channel, const char *user, const char *text, struct resp *r)
{
    struct event e = {.type = "message",
                      .channel = channel,
                      .channel_type = "im",
                      .user = user,
                      .text = text,
                      .team = team};
    return send_event(srv.port, &e, r);
}

static long dm(const char *channel, const char *user, const char *text, struct resp *r)
{
    return dm_in(NULL, channel, user, text, r);
}

static long slash(const char *channel, const char *user, const char *text, struct resp *r)
{
    char body[2048];
    char *t = curl_easy_escape(NULL, text, 0);
    snprintf(
        body, sizeof body,
        "team_id=T1&channel_id=%s&user_id=%s&command=%%2Fconcierge&text=%s&response_url=https%%3A%%2F%%2F"
        "hooks.slack.com%%2Fcommands%%2F1",
        channel, user, t);
    curl_free(t);
    return signed_post(srv.port, "/slack/commands", "application/x-www-form-urlencoded", body, SECRET, 0, r);
}

/* A click on Confirm or Cancel in channel, its result to the listener's path. */
static long click(const char *channel, const char *user, const char *action, const char *token,
                  const char *path, struct resp *r)
{
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", lport, path);
    json_t *p =
        json_pack("{s:s, s:{s:s, s:s}, s:{s:s}, s:{s:s}, s:s, s:[{s:s, s:s, s:s}]}", "type", "block_actions",
                  "user", "id", user, "team_id", "T1", "team", "id", "T1", "channel", "id", channel,
                  "response_url", url, "actions", "action_id", action, "value", token, "type", "button");
    char *s = json_dumps(p, JSON_COMPACT);
    char *e = curl_easy_escape(NULL, s, 0);
    size_t n = strlen(e) + 16;
    char *body = malloc(n);
    snprintf(body, n, "payload=%s", e);
    long st =
        signed_post(srv.port, "/slack/interactions", "application/x-www-form-urlencoded", body, SECRET, 0, r);
    free(body);
    curl_free(e);
    free(s);
    json_decref(p);
    return st;
}

/* ---- What Slack is sent --------------------------------------------------------------------- */

/* A Web API call as concierge must make it: the method, the bot token, and a message that
 * keeps Block Kit's rules (a chat.postEphemeral is ephemeral by its method, so the validator
 * is told so: a secret is allowed there and only there). */
static int api_call_ok(const struct call *k, const char *method, const char *token)
{
    char path[64], auth[128], why[256] = "";
    snprintf(path, sizeof path, "/api/%s", method);
    snprintf(auth, sizeof auth, "Bearer %s", token);
    if (!k) return CHECK(0, "a call was made to Slack's Web API");
    int ok = CHECKF(strcmp(k->path, path) == 0, "the method called", "%s, not %s", k->path, path);
    ok &= CHECKF(strcmp(k->auth, auth) == 0, "the call carries the bot token", "%s", k->auth);
    json_t *m = k->json ? json_deep_copy(k->json) : NULL;
    if (m && strcmp(method, "chat.postEphemeral") == 0)
        json_object_set_new(m, "response_type", json_string("ephemeral"));
    ok &= CHECKF(m && slack_blocks_check(m, why, sizeof why) == 0, "the message keeps Block Kit's rules",
                 "%s: %s", method, m ? why : "not JSON");
    ok &= CHECK(!json_object_get(k->json, "response_type"), "no response_type: the method says who sees it");
    json_decref(m);
    return ok;
}

/* The value of the n-th button of the message's actions block, or NULL. */
static const char *button(const struct call *k, size_t n, const char *key)
{
    size_t i;
    json_t *b;
    json_array_foreach(json_object_get(k ? k->json : NULL, "blocks"), i, b)
    {
        const char *t = jstr(b, "type");
        if (t && strcmp(t, "actions") == 0)
            return jstr(json_array_get(json_object_get(b, "elements"), n), key);
    }
    return NULL;
}

static int says(const struct call *k, const char *what) { return k && strstr(k->body, what) != NULL; }

/* Proves that nothing was posted since call n: a DM whose reply must come next. */
static int nothing_posted_since(int n, const char *what)
{
    struct resp *r = calloc(1, sizeof *r);
    dm("DSENTINEL", "U1", "help", r);
    const struct call *k = call_at(n + 1);
    json_decref(r->json);
    free(r);
    return CHECKF(k && strcmp(nz(jstr(k->json, "channel")), "DSENTINEL") == 0, what, "call %d went to %s",
                  n + 1, k ? k->path : "(none)");
}

/* ---- The tests ------------------------------------------------------------------------------- */

static void set_up(void)
{
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
    int ok =
        admin("workspace add acme") == 0 && admin("sandbox add demo --owner @ann --workspace acme") == 0 &&
        admin("agent add demo builder") == 0 &&
        admin("sandbox add side --owner @ann --workspace acme") == 0 &&
        admin("slack map --team T1 --channel C1 --sandbox demo") == 0 &&
        admin("slack map --team T1 --channel C2 --sandbox demo") == 0 && admin("link slack:U1 @ann") == 0;
    CHECK(ok, "the store is set up with admin");
}

/* url_verification, and every refusal of a request that is not Slack's. */
static void test_verification(void)
{
    struct resp *r = calloc(1, sizeof *r);
    int64_t before = changes();
    int n0 = call_count();
    const char *challenge =
        "{\"token\":\"legacy\",\"challenge\":\"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7\","
        "\"type\":\"url_verification\"}";
    CHECK(signed_post(srv.port, "/slack/events", "application/json", challenge, SECRET, 0, r) == 200 &&
              strcmp(nz(jstr(r->json, "challenge")), "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7") == 0,
          "url_verification is answered with its challenge");
    const char *json = "Content-Type: application/json";
    const char *unsigned_h[] = {json, NULL};
    CHECK(http(srv.port, "/slack/events", unsigned_h, challenge, r) == 401 && jstr(r->json, "error"),
          "an unsigned event is 401");
    CHECK(signed_post(srv.port, "/slack/events", "application/json", challenge, "not-the-secret", 0, r) ==
              401,
          "a badly signed event is 401");
    CHECK(signed_post(srv.port, "/slack/events", "application/json", challenge, SECRET, -600, r) == 401,
          "a stale event is 401");
    /* A command, signed wrong: refused, and nothing runs. */
    char id[32], ts[32], t[128];
    snprintf(t, sizeof t, "<@%s> invite @mallory as editor", BOT);
    struct event e = {.type = "app_mention", .channel = "C1", .user = "U1", .text = t};
    char *body = event_body(&e, id, ts);
    CHECK(signed_post(srv.port, "/slack/events", "application/json", body, "not-the-secret", 0, r) == 401,
          "a forged mention is 401");
    free(body);
    CHECK(signed_post(srv.port, "/slack/events", "application/json", "[1]", SECRET, 0, r) == 400 &&
              jstr(r->json, "error"),
          "a body that is not an object is 400");
    CHECK(signed_post(srv.port, "/slack/events", "application/json", "{\"type\":\"event_callback\"}", SECRET,
                      0, r) == 400,
          "an event_callback without an event is 400");
    struct event bad[] = {
        {.id = "Ev-not-an-id", .type = "app_mention", .channel = "C1", .user = "U1", .text = t},
        {.type = "app_mention", .channel = "C1", .user = "U1", .text = t, .ts = "yesterday"},
        {.type = "app_mention", .channel = "C1", .user = "u1lower", .text = t},
        {.type = "app_mention", .channel = "C1\"", .user = "U1", .text = t},
    };
    int all_400 = 1;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        all_400 &= send_event(srv.port, &bad[i], r) == 400 && jstr(r->json, "error") != NULL;
    CHECK(all_400, "a malformed event_id, ts, user or channel is 400 with a JSON error");
    CHECK(count_rows("SELECT count(*) FROM slack_events") == 0, "and nothing was claimed");
    CHECK(log_has(&srv, "\"slack_refused\""), "the refusals are logged");
    nothing_posted_since(n0, "no refused request posted anything");
    CHECK(changes() == before && pending() == 0, "and none changed anything");
    json_decref(r->json);
    free(r);
}

/* A mention in a channel: an ephemeral reply to the speaker with Confirm / Cancel; the click
 * carries the change out; a `yes` in the same channel answers the next. */
static void test_mention(void)
{
    struct resp *r = calloc(1, sizeof *r);
    int64_t before = changes();
    int n0 = call_count();
    CHECK(mention("C1", "U1", "invite @bob as viewer", r) == 200 && r->len == 0,
          "the mention is acknowledged at once, with an empty 200");
    const struct call *k = call_at(n0 + 1);
    api_call_ok(k, "chat.postEphemeral", TOKEN);
    CHECK(k && strcmp(nz(jstr(k->json, "channel")), "C1") == 0 &&
              strcmp(nz(jstr(k->json, "user")), "U1") == 0,
          "it is posted in the channel, to the speaker alone");
    CHECK(says(k, "Invite @bob to sandbox demo as viewer") && !says(k, BOT),
          "it describes the change, read without the bot's mention");
    char token[16];
    snprintf(token, sizeof token, "%s", nz(button(k, 0, "value")));
    CHECK(strcmp(nz(button(k, 0, "action_id")), "confirm") == 0 &&
              strcmp(nz(button(k, 1, "action_id")), "cancel") == 0 && strlen(token) == 4 &&
              strcmp(nz(button(k, 1, "value")), token) == 0,
          "with Confirm and Cancel buttons carrying the pending token");
    CHECK(changes() == before, "nothing changes before Confirm");
    CHECK(click("C1", "U1", "confirm", token, "/slack/r1", r) == 200, "the Confirm click is answered");
    k = call_at(n0 + 2);
    CHECK(k && strcmp(k->path, "/slack/r1") == 0 && says(k, "Invited @bob") &&
              says(k, "\"replace_original\":true"),
          "the click's result replaces the message");
    CHECK(changes() == before + 1 &&
              count_rows("SELECT count(*) FROM grants WHERE principal = '@bob' AND role = 'viewer'") == 1,
          "Confirm carried the change out");

    /* A typed yes in the same channel answers the speaker's change waiting there. */
    mention("C1", "U1", "invite @carl as viewer", r);
    k = call_at(n0 + 3);
    CHECK(says(k, "Invite @carl"), "a second change waits");
    mention("C1", "U2", "yes", r);
    k = call_at(n0 + 4);
    api_call_ok(k, "chat.postEphemeral", TOKEN);
    CHECK(says(k, "no change waiting") && strcmp(nz(jstr(k->json, "user")), "U2") == 0 &&
              changes() == before + 1,
          "someone else's yes does not answer it");
    mention("C1", "U1", "yes", r);
    k = call_at(n0 + 5);
    CHECK(says(k, "Invited @carl") && changes() == before + 2, "the speaker's yes there carries it out");

    /* In a thread, the reply goes to the thread; a channel with no sandbox is told how to map one. */
    char t[128];
    snprintf(t, sizeof t, "<@%s> who has access?", BOT);
    struct event in_thread = {.type = "app_mention",
                              .channel = "C1",
                              .user = "U1",
                              .text = t,
                              .extra = "{\"thread_ts\":\"1.000001\"}"};
    send_event(srv.port, &in_thread, r);
    k = call_at(n0 + 6);
    CHECK(k && strcmp(nz(jstr(k->json, "thread_ts")), "1.000001") == 0 && says(k, "@bob"),
          "a mention in a thread is answered in the thread");
    mention("C9", "U1", "who has access?", r);
    k = call_at(n0 + 7);
    api_call_ok(k, "chat.postEphemeral", TOKEN);
    CHECK(says(k, "not connected") && says(k, "slack map --team T1 --channel C9"),
          "a channel with no sandbox is told how to connect it");
    /* Without authorizations[], a mention that starts the text is the bot's. */
    struct event no_auth = {.type = "app_mention", .channel = "C1", .user = "U1", .text = t, .no_auth = 1};
    send_event(srv.port, &no_auth, r);
    k = call_at(n0 + 8);
    CHECK(says(k, "@carl") && !says(k, "not understood"),
          "a leading mention is taken out when the bot is unnamed");
    json_decref(r->json);
    free(r);
}

/* A direct message: answered with chat.postMessage, in the DM. */
static void test_dm(void)
{
    struct resp *r = calloc(1, sizeof *r);
    int n0 = call_count();
    CHECK(dm("D1", "U1", "who has access to sandbox demo?", r) == 200, "a DM is acknowledged");
    const struct call *k = call_at(n0 + 1);
    api_call_ok(k, "chat.postMessage", TOKEN);
    CHECK(k && strcmp(nz(jstr(k->json, "channel")), "D1") == 0 && !json_object_get(k->json, "user") &&
              says(k, "@bob"),
          "it is answered in the DM with the result");
    /* A mention in a DM is a DM too. */
    char t[64];
    snprintf(t, sizeof t, "<@%s> what's the sharing mode of sandbox demo?", BOT);
    struct event e = {.type = "app_mention", .channel = "D1", .user = "U1", .text = t};
    send_event(srv.port, &e, r);
    k = call_at(n0 + 2);
    api_call_ok(k, "chat.postMessage", TOKEN);
    CHECK(says(k, "shared"), "a mention in a DM is answered there");
    json_decref(r->json);
    free(r);
}

/* Bots' messages (concierge's own among them), edits and other subtypes, a channel's plain
 * messages and the bot's own words: acknowledged, and nothing posted or changed. */
static void test_ignored(void)
{
    struct resp *r = calloc(1, sizeof *r);
    int64_t before = changes(), waiting = pending();
    int n0 = call_count();
    const char *text = "invite @eve as editor";
    struct event ignored[] = {
        {.type = "message",
         .channel = "D1",
         .channel_type = "im",
         .user = "U1",
         .text = text,
         .extra = "{\"bot_id\":\"B0CONCIERGE\",\"app_id\":\"A1\"}"},
        {.type = "message",
         .channel = "D1",
         .channel_type = "im",
         .text = text,
         .extra = "{\"bot_id\":\"B0OTHER\",\"subtype\":\"bot_message\"}"},
        {.type = "app_mention",
         .channel = "C1",
         .user = "U1",
         .text = text,
         .extra = "{\"bot_id\":\"B0OTHER\"}"},
        {.type = "message",
         .channel = "D1",
         .channel_type = "im",
         .user = "U1",
         .text = text,
         .extra = "{\"subtype\":\"message_changed\"}"},
        {.type = "message",
         .channel = "D1",
         .channel_type = "im",
         .user = "U1",
         .text = text,
         .extra = "{\"subtype\":\"message_deleted\"}"},
        {.type = "message", .channel = "C1", .channel_type = "channel", .user = "U1", .text = text},
        {.type = "message", .channel = "D1", .channel_type = "im", .user = BOT, .text = text},
        {.type = "reaction_added", .channel = "C1", .user = "U1", .text = text},
    };
    int all_200 = 1;
    for (size_t i = 0; i < sizeof ignored / sizeof ignored[0]; i++)
        all_200 &= send_event(srv.port, &ignored[i], r) == 200 && r->len == 0;
    CHECK(all_200, "each is acknowledged with an empty 200");
    nothing_posted_since(n0, "bots' messages, subtypes, channel messages and the bot's own: nothing posted");
    CHECK(changes() == before && pending() == waiting, "and nothing changed or waits");
    json_decref(r->json);
    free(r);
}

/* Acted on once: the same event_id twice (a retry), and one message as app_mention and as
 * message.im (two event_ids, one channel and ts). */
static void test_once(void)
{
    struct resp *r = calloc(1, sizeof *r);
    int n0 = call_count();
    int64_t waiting = pending();
    char ts[32];
    new_ts(ts);
    struct event first = {.id = "EvONCE0001",
                          .type = "message",
                          .channel = "D1",
                          .channel_type = "im",
                          .user = "U1",
                          .text = "invite @fay as viewer to sandbox demo",
                          .ts = ts};
    CHECK(send_event(srv.port, &first, r) == 200 && send_event(srv.port, &first, r) == 200,
          "the same event twice is acknowledged twice");
    nothing_posted_since(n0 + 1, "and answered once");
    CHECK(pending() == waiting + 1, "one change waits, not two");
    CHECK(log_has(&srv, "\"repeat\":true"), "the repeat is logged");

    n0 = call_count();
    new_ts(ts);
    char t[128];
    snprintf(t, sizeof t, "<@%s> invite @gus as viewer to sandbox demo", BOT);
    struct event as_mention = {
        .id = "EvTWICE001", .type = "app_mention", .channel = "D1", .user = "U1", .text = t, .ts = ts};
    struct event as_dm = {.id = "EvTWICE002",
                          .type = "message",
                          .channel = "D1",
                          .channel_type = "im",
                          .user = "U1",
                          .text = t,
                          .ts = ts};
    CHECK(send_event(srv.port, &as_mention, r) == 200 && send_event(srv.port, &as_dm, r) == 200,
          "one message as app_mention and as message.im: both acknowledged");
    const struct call *k = call_at(n0 + 1);
    CHECK(says(k, "Invite @gus"), "it is answered");
    nothing_posted_since(n0 + 1, "once");
    CHECK(pending() == waiting + 2, "one more change waits, not two");
    json_decref(r->json);
    free(r);
}

/* A conversation's commands run in the order they were said. */
static void test_order(void)
{
    struct resp *r = calloc(1, sizeof *r);
    int n0 = call_count();
    enum { N = 8 };
    for (int i = 0; i < N; i++) {
        char t[64];
        snprintf(t, sizeof t, "can @p%d edit?", i);
        mention("C2", "U1", t, r);
    }
    int in_order = 1;
    for (int i = 0; i < N; i++) {
        char want[16];
        snprintf(want, sizeof want, "@p%d ", i);
        in_order &= says(call_at(n0 + 1 + i), want);
    }
    CHECK(in_order, "eight questions in a channel are answered in the order they were asked");

    /* Another server sharing the store has claimed an earlier message of C2 and not run it
     * yet: a later one waits for it (the acknowledgement does not), while other channels go on. */
    char sql[256];
    snprintf(
        sql, sizeof sql,
        "INSERT INTO slack_events (event_id, channel, ts, ts_us, received_at) VALUES ('EvELSEWHERE', 'C2', "
        "'%lld.000000', %lld, %lld)",
        (long long)base_s - 1, (long long)(base_s - 1) * 1000000, (long long)time(NULL));
    CHECK(store_write(sql) == 0, "an earlier message of C2 is claimed elsewhere");
    n0 = call_count();
    CHECK(mention("C2", "U1", "can @later edit?", r) == 200, "a later message is acknowledged at once");
    nothing_posted_since(n0, "it waits for the earlier one, and other conversations go on");
    CHECK(store_write("UPDATE slack_events SET done = 1 WHERE event_id = 'EvELSEWHERE'") == 0,
          "the other server has run the earlier one");
    CHECK(says(call_at(n0 + 2), "@later "), "then the later one runs");
    json_decref(r->json);
    free(r);
}

/* A DM acts on the sandbox the phrase names, else the team's mapped one, else it asks which. */
static void test_dm_sandbox(void)
{
    struct resp *r = calloc(1, sizeof *r);
    const char *invite[] = {bin,         "--db", db,      "--as",        "@ann",
                            "--sandbox", "side", "--yes", "invite @zoe", NULL};
    struct spawn_result sr;
    CHECK(spawn_run(invite, NULL, NULL, 0, 30000, &sr) == 0, "@ann invites @zoe to side on the command line");
    spawn_result_free(&sr);
    int n0 = call_count();
    int64_t before = changes();
    dm_in("T2", "D2", "U1", "who has access?", r);
    const struct call *k = call_at(n0 + 1);
    api_call_ok(k, "chat.postMessage", TOKEN);
    CHECK(says(k, "say which sandbox") && says(k, "concierge admin slack map --team T2 --sandbox NAME"),
          "a team with no sandbox: the DM asks which, and says how one is mapped");
    dm_in("T2", "D2", "U1", "invite @hal as viewer", r);
    k = call_at(n0 + 2);
    CHECK(says(k, "say which sandbox") && changes() == before && !button(k, 0, "value"),
          "a change naming no sandbox is asked which, and nothing waits");
    dm_in("T2", "D2", "U1", "help", r);
    CHECK(says(call_at(n0 + 3), "You can say"), "help needs no sandbox");
    dm_in("T2", "D2", "U1", "who has access to sandbox side?", r);
    k = call_at(n0 + 4);
    CHECK(says(k, "@zoe"), "the sandbox the phrase names");
    CHECK(admin("slack map --team T2 --sandbox side") == 0, "admin maps the whole team (no channel)");
    dm_in("T2", "D2", "U1", "who has access?", r);
    k = call_at(n0 + 5);
    CHECK(says(k, "@zoe") && !says(k, "which sandbox"), "then a DM takes the team's sandbox");
    dm_in("T2", "D2", "U1", "who has access to sandbox demo?", r);
    k = call_at(n0 + 6);
    CHECK(says(k, "@bob") && !says(k, "@zoe"), "a sandbox named still wins over the team's");
    json_decref(r->json);
    free(r);
}

/* A key's secret is never posted in a DM: no key is made there, and the reply says where. */
static void test_no_secret_in_dm(void)
{
    struct resp *r = calloc(1, sizeof *r);
    /* The slash command in a DM takes the team's sandbox too. */
    CHECK(admin("slack map --team T1 --sandbox demo") == 0, "team T1 is mapped to demo");
    int n0 = call_count();
    dm("D1", "U1", "cancel all", r); /* what test_once left waiting here */
    CHECK(says(call_at(n0 + 1), "cancelled 2 changes"), "the DM's changes waiting are cancelled");
    int64_t before = keys(), waiting = pending();
    n0 = call_count();
    dm("D1", "U1", "share the builder agent of sandbox demo with @bob", r);
    const struct call *k = call_at(n0 + 1);
    api_call_ok(k, "chat.postMessage", TOKEN);
    CHECK(says(k, "never posted here") && says(k, "/concierge share the NAME agent") && !says(k, "ck_") &&
              !button(k, 0, "value"),
          "a DM asking for a key is told to use the slash command, without buttons");
    CHECK(keys() == before && pending() == waiting, "no key was made, nothing waits");

    /* One asked with the slash command in the DM, then a typed yes there: it stays pending. */
    CHECK(slash("D1", "U1", "share the builder agent of sandbox demo with @bob", r) == 200,
          "the slash command");
    char token[16];
    json_t *acts = NULL;
    size_t i;
    json_t *b;
    json_array_foreach(json_object_get(r->json, "blocks"), i,
                       b) if (strcmp(nz(jstr(b, "type")), "actions") == 0) acts = b;
    snprintf(token, sizeof token, "%s",
             nz(jstr(json_array_get(json_object_get(acts, "elements"), 0), "value")));
    CHECK(strlen(token) == 4 && pending() == waiting + 1, "a share waits under a token");
    char yes[32];
    snprintf(yes, sizeof yes, "confirm %s", token);
    dm("D1", "U1", yes, r);
    k = call_at(n0 + 2);
    api_call_ok(k, "chat.postMessage", TOKEN);
    CHECK(says(k, token) && says(k, "never posted here") && !says(k, "ck_"),
          "confirming it in the DM is refused");
    CHECK(keys() == before && pending() == waiting + 1, "no key was made, and it still waits");

    /* A sign-in link is a secret too (interfaces.md, Web page): never made in a DM, where the
     * reply stays; in a channel, shown to the speaker alone, and so is the slash command's. */
    int links = (int)count_rows("SELECT count(*) FROM web_links");
    dm("D1", "U1", "open the web page", r);
    k = call_at(n0 + 3);
    api_call_ok(k, "chat.postMessage", TOKEN);
    CHECK(says(k, "sign-in link is never posted here") && says(k, "/concierge open the web page") &&
              !says(k, "login?t=") && !says(k, "share the NAME agent"),
          "a DM asking for a sign-in link is told to use the slash command");
    CHECK_INT(count_rows("SELECT count(*) FROM web_links"), links, "no link was made");
    mention("C1", "U1", "open the web page", r);
    k = call_at(n0 + 4);
    api_call_ok(k, "chat.postEphemeral", TOKEN);
    CHECK(says(k, "https://concierge.example.com/ui/login?t=") &&
              strcmp(nz(jstr(k->json, "user")), "U1") == 0,
          "a mention in a channel: the link, posted to the speaker alone");
    CHECK(slash("C1", "U1", "open the web page", r) == 200 &&
              strcmp(nz(jstr(r->json, "response_type")), "ephemeral") == 0 &&
              strstr(r->body, "https://concierge.example.com/ui/login?t=") != NULL,
          "the slash command: the link, in an ephemeral reply");
    CHECK_INT(count_rows("SELECT count(*) FROM web_links"), links + 2, "two links were made");
    dm("D1", "U1", "yes", r);
    k = call_at(n0 + 3);
    CHECK(says(k, "never posted here") && keys() == before && pending() == waiting + 1, "nor by a bare yes");
    CHECK(slash("D1", "U1", yes, r) == 200 && strstr(r->body, "`ck_") &&
              strcmp(nz(jstr(r->json, "response_type")), "ephemeral") == 0 && keys() == before + 1,
          "the slash command's confirm makes it, its secret in the ephemeral reply");
    json_decref(r->json);
    free(r);
}

/* Slack's Web API saying ok:false is logged; a 429 waits its Retry-After. */
static void test_api_failures(void)
{
    struct resp *r = calloc(1, sizeof *r);
    size_t from = log_len(&srv);
    int n0 = call_count();
    pthread_mutex_lock(&calls.lock);
    calls.ok_false = 1;
    pthread_mutex_unlock(&calls.lock);
    mention("C1", "U1", "who has access?", r);
    CHECK(call_at(n0 + 1) != NULL, "the reply is posted");
    CHECK(log_has_from(&srv, from,
                       "\"slack_method\":\"chat.postEphemeral\",\"slack_error\":\"channel_not_found\""),
          "Slack's ok:false is logged with its error");
    CHECK(log_has_from(&srv, from, "\"gave_up\":true"), "as a delivery given up");
    nothing_posted_since(n0 + 1, "and not retried (channel_not_found will not pass)");

    from = log_len(&srv);
    n0 = call_count();
    pthread_mutex_lock(&calls.lock);
    calls.rate_limit = 1;
    pthread_mutex_unlock(&calls.lock);
    mention("C1", "U1", "what's the sharing mode?", r);
    const struct call *a = call_at(n0 + 1), *b = call_at(n0 + 2);
    CHECK(a && b && strcmp(a->body, b->body) == 0 && says(b, "shared"), "a 429 is tried again");
    CHECKF(a && b && b->at_ms - a->at_ms >= 900, "after Retry-After (1 s), not the back-off (20 ms)",
           "%lld ms later", a && b ? (long long)(b->at_ms - a->at_ms) : -1LL);
    CHECK(log_has_from(&srv, from, "\"retry_after\":1"), "the wait is logged");
    json_decref(r->json);
    free(r);
}

/* Without a bot token, events are acknowledged and logged as unanswerable, and the start-up
 * warns; a token from a file is the one sent. */
static void test_tokens(void)
{
    struct resp *r = calloc(1, sizeof *r);
    struct server s;
    const char *no_token[] = {"CONCIERGE_SLACK_SIGNING_SECRET=" SECRET, "CONCIERGE_SLACK_BOT_TOKEN", NULL};
    if (!CHECK(start(&s, NULL, no_token) == 0, "a server without a bot token starts")) return;
    CHECK(log_has(&s, "no Slack bot token"), "and warns at start-up");
    int n0 = call_count();
    int64_t waiting = pending();
    char t[64];
    snprintf(t, sizeof t, "<@%s> invite @ida as viewer", BOT);
    struct event e = {.type = "app_mention", .channel = "C1", .user = "U1", .text = t};
    CHECK(send_event(s.port, &e, r) == 200, "an event is acknowledged");
    CHECK(log_has(&s, "\"unanswerable\":true"), "and logged as unanswerable");
    CHECK(call_count() == n0 && pending() == waiting, "nothing posted, nothing run");
    stop(&s);
    spawn_buf_free(&s.log);

    char file[600];
    snprintf(file, sizeof file, "%s/bot-token", dir);
    FILE *f = fopen(file, "w");
    fprintf(f, "%s\n", FILE_TOKEN);
    fclose(f);
    const char *from_file[] = {"--slack-bot-token-file", file, NULL};
    const char *env[] = {"CONCIERGE_SLACK_SIGNING_SECRET=" SECRET, "CONCIERGE_SLACK_BOT_TOKEN=xoxb-not-this",
                         NULL};
    if (!CHECK(start(&s, from_file, env) == 0, "a server with --slack-bot-token-file starts")) return;
    struct event d = {.type = "message", .channel = "D3", .channel_type = "im", .user = "U1", .text = "help"};
    send_event(s.port, &d, r);
    api_call_ok(call_at(n0 + 1), "chat.postMessage", FILE_TOKEN);
    stop(&s);
    CHECK(!strstr(s.log.p, FILE_TOKEN), "the token is never logged");
    spawn_buf_free(&s.log);

    /* A token that would break its header line, and an API base that is not http, are refused. */
    f = fopen(file, "w");
    fprintf(f, "xoxb-two words\n");
    fclose(f);
    const char *argv[] = {bin, "serve", "--db", db, "--slack-bot-token-file", file, NULL};
    struct spawn_result sr;
    CHECK(spawn_run(argv, NULL, NULL, 0, 10000, &sr) == 2 &&
              strstr(sr.err, "printable ASCII without spaces") && !strstr(sr.err, "two words"),
          "a token with a space is a usage error, and not echoed");
    spawn_result_free(&sr);
    const char *argv2[] = {bin, "serve", "--db", db, "--slack-api-base", "ftp://slack.example/", NULL};
    CHECK(spawn_run(argv2, NULL, NULL, 0, 10000, &sr) == 2 && strstr(sr.err, "--slack-api-base"),
          "an API base that is not http or https is a usage error");
    spawn_result_free(&sr);
    json_decref(r->json);
    free(r);
}

/* Every message concierge sent Slack in these tests, through Block Kit's rules: Web API calls
 * (a chat.postEphemeral is ephemeral by its method) and the clicks' response_url posts. */
static void check_every_message(void)
{
    int bad = 0, n = call_count();
    char why[256];
    for (int i = 1; i <= n; i++) {
        const struct call *k = call_at(i);
        if (strncmp(k->path, "/api/", 5) != 0 && strncmp(k->path, "/slack/", 7) != 0) continue;
        json_t *m = k->json ? json_deep_copy(k->json) : NULL;
        if (m && strcmp(k->path, "/api/chat.postEphemeral") == 0)
            json_object_set_new(m, "response_type", json_string("ephemeral"));
        if (!m || slack_blocks_check(m, why, sizeof why) != 0) {
            printf("  %s: %s\n", k->path, m ? why : "not JSON");
            bad++;
        }
        json_decref(m);
    }
    CHECKF(bad == 0, "every message sent to Slack keeps Block Kit's rules", "%d of %d do not", bad, n);
    printf("%d Slack messages checked against Block Kit's rules\n", n);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_slack_events PATH-TO-CONCIERGE\n");
        return 2;
    }
    bin = argv[1];
    signal(SIGPIPE, SIG_IGN);
    if (!mkdtemp(dir)) return 2;
    base_s = (int64_t)time(NULL);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    struct sockaddr_in la = {.sin_family = AF_INET};
    inet_pton(AF_INET, "127.0.0.1", &la.sin_addr);
    struct MHD_Daemon *listener = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, on_listen, NULL, MHD_OPTION_SOCK_ADDR, &la,
        MHD_OPTION_NOTIFY_COMPLETED, on_listen_done, NULL, MHD_OPTION_END);
    if (!listener) return 2;
    lport = MHD_get_daemon_info(listener, MHD_DAEMON_INFO_BIND_PORT)->port;
    set_up();
    const char *env[] = {"CONCIERGE_SLACK_SIGNING_SECRET=" SECRET, "CONCIERGE_SLACK_BOT_TOKEN=" TOKEN, NULL};
    if (start(&srv, NULL, env) != 0) {
        fprintf(stderr, "the server did not start\n");
        return 1;
    }
    CHECK(!strstr(srv.log.p, "no Slack bot token"), "with a token, no warning about one");
    test_verification();
    test_mention();
    test_dm();
    test_ignored();
    test_once();
    test_order();
    test_dm_sandbox();
    test_no_secret_in_dm();
    test_api_failures();
    test_tokens();
    stop(&srv);
    CHECK(!strstr(srv.log.p, TOKEN), "the bot token is never logged");
    check_every_message();
    MHD_stop_daemon(listener);
    char cmd[600];
    if (pg_test_enabled()) pg_test_drop(db);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    curl_global_cleanup();
    return CHECK_SUMMARY();
}
