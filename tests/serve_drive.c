/* Driving the real `concierge serve` from a test (serve_drive.h). */
#include "serve_drive.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "../frontends/serve/slack_sig.h"
#include "spawn.h"

/* ---- The listener --------------------------------------------------------------------- */

struct heard heard = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};
static struct MHD_Daemon *listener;

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
    int index = -1; /* the delivery's, when it is kept */
    pthread_mutex_lock(&heard.lock);
    if (heard.fail_next > 0) {
        heard.fail_next--;
        heard.failed++;
        code = heard.fail_code ? (unsigned)heard.fail_code : 500;
    } else if (heard.n < HEARD_MAX) {
        index = heard.n;
        heard.body[heard.n] = u->buf ? u->buf : strdup("");
        u->buf = NULL;
        snprintf(heard.path[heard.n], sizeof heard.path[0], "%s", url);
        const char *sig = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Concierge-Signature");
        const char *ts = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Concierge-Request-Timestamp");
        snprintf(heard.sig[heard.n], sizeof heard.sig[0], "%s", sig ? sig : "");
        snprintf(heard.ts[heard.n], sizeof heard.ts[0], "%s", ts ? ts : "");
        const char *id = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Concierge-Notice-Id");
        const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
        snprintf(heard.notice_id[heard.n], sizeof heard.notice_id[0], "%s", id ? id : "");
        snprintf(heard.auth[heard.n], sizeof heard.auth[0], "%s", auth ? auth : "");
        heard.n++;
        pthread_cond_broadcast(&heard.cond);
    } else {
        code = 507; /* more than the test keeps: refused, never dropped quietly */
    }
    pthread_mutex_unlock(&heard.lock);
    /* Slack's Web API answers ok, and a posted message's channel and ts (chat.update needs them):
     * the ts is the delivery's number, so a test can tell which message an update is of. */
    int slack_api = strncmp(url, "/slack-api/", 11) == 0;
    char answer[96];
    if (slack_api && strcmp(url, "/slack-api/chat.postMessage") == 0)
        snprintf(answer, sizeof answer, "{\"ok\":true,\"channel\":\"DTEST\",\"ts\":\"1700000000.%06d\"}",
                 index);
    else
        snprintf(answer, sizeof answer, "%s", slack_api ? "{\"ok\":true}" : "ok");
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(answer), answer, MHD_RESPMEM_MUST_COPY);
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

int listener_start(void)
{
    struct sockaddr_in la = {.sin_family = AF_INET};
    inet_pton(AF_INET, "127.0.0.1", &la.sin_addr);
    listener = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, on_listen, NULL,
                                MHD_OPTION_SOCK_ADDR, &la, MHD_OPTION_NOTIFY_COMPLETED, on_listen_done, NULL,
                                MHD_OPTION_END);
    return listener ? MHD_get_daemon_info(listener, MHD_DAEMON_INFO_BIND_PORT)->port : -1;
}

void listener_stop(void)
{
    if (listener) MHD_stop_daemon(listener);
    listener = NULL;
    pthread_mutex_lock(&heard.lock);
    for (int i = 0; i < heard.n; i++)
        free(heard.body[i]);
    heard.n = 0;
    pthread_mutex_unlock(&heard.lock);
}

const char *listener_delivery(int n)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 10;
    pthread_mutex_lock(&heard.lock);
    while (heard.n < n)
        if (pthread_cond_timedwait(&heard.cond, &heard.lock, &until) == ETIMEDOUT) break;
    const char *b = heard.n >= n ? heard.body[n - 1] : NULL;
    pthread_mutex_unlock(&heard.lock);
    return b;
}

int listener_count(void)
{
    pthread_mutex_lock(&heard.lock);
    int n = heard.n;
    pthread_mutex_unlock(&heard.lock);
    return n;
}

/* ---- Running things ------------------------------------------------------------------- */

int drive_admin(const char *bin, const char *db, char *out, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int st = drive_vadmin(bin, db, out, size, fmt, ap);
    va_end(ap);
    return st;
}

int drive_vadmin(const char *bin, const char *db, char *out, size_t size, const char *fmt, va_list ap)
{
    char args[2048];
    if (vsnprintf(args, sizeof args, fmt, ap) >= (int)sizeof args) abort(); /* the test itself is wrong */
    const char *argv[32] = {bin, "admin", "--db", db};
    int argc = 4;
    char *save = NULL, *w = strtok_r(args, " ", &save);
    for (; w && argc < 31; w = strtok_r(NULL, " ", &save))
        argv[argc++] = w;
    if (w) abort(); /* more words than argv holds: the test itself is wrong */
    argv[argc] = NULL;
    struct spawn_result r;
    int st = spawn_run(argv, NULL, NULL, 0, 30000, &r);
    if (out && r.out_len < size)
        memcpy(out, r.out, r.out_len + 1);
    else if (out)
        st = -1;
    if (st != 0) printf("admin %s: exit %d: %s%s", args, st, r.out, r.err);
    spawn_result_free(&r);
    return st;
}

void drive_secret_after(const char *s, const char *label, char *out, size_t size)
{
    const char *p = strstr(s, label);
    p = p ? p + strlen(label) : "";
    while (*p == ' ')
        p++;
    snprintf(out, size, "%.*s", (int)strcspn(p, "\n"), p);
}

pid_t drive_serve(const char *bin, const char *db, int lport, const char *const *more, int *port, char *log,
                  size_t logsize)
{
    char prefix[64];
    snprintf(prefix, sizeof prefix, "http://127.0.0.1:%d/slack/", lport);
    const char *argv[32] = {bin,
                            "serve",
                            "--db",
                            db,
                            "--listen",
                            "127.0.0.1:0",
                            "--slack-response-prefix",
                            prefix,
                            "--retry-delay-ms",
                            "20",
                            "--log",
                            "warn"};
    int argc = 12;
    for (int i = 0; more && more[i]; i++) {
        if (argc == 31) abort(); /* the test itself is wrong */
        argv[argc++] = more[i];
    }
    argv[argc] = NULL;
    const char *env[] = {"CONCIERGE_SLACK_SIGNING_SECRET=" DRIVE_SLACK_SECRET, NULL};
    struct spawn_child c;
    if (spawn_start(&c, argv, env, SPAWN_ERR)) {
        perror("drive_serve: spawn");
        exit(2);
    }
    /* The first line that says where it listens; the rest of standard error is drained to
     * this process's own, so the server never blocks on a full pipe. */
    FILE *f = fdopen(c.err, "r");
    char line[1024];
    *port = 0;
    if (log && logsize) log[0] = '\0';
    while (fgets(line, sizeof line, f)) {
        const char *p = strstr(line, "\"port\":");
        if (strstr(line, "\"listening\"") && p) {
            *port = (int)strtol(p + 7, NULL, 10);
            break;
        }
        fputs(line, stderr);
        if (log && logsize) {
            size_t used = strlen(log);
            snprintf(log + used, logsize - used, "%s", line);
        }
    }
    if (!*port) {
        fprintf(stderr, "the server did not start\n");
        exit(1);
    }
    if (fork() == 0) {
        while (fgets(line, sizeof line, f))
            fputs(line, stderr);
        _exit(0);
    }
    fclose(f);
    return c.pid;
}

/* ---- HTTP ----------------------------------------------------------------------------- */

struct drive_resp *resp_new(void)
{
    struct drive_resp *r = calloc(1, sizeof *r);
    if (!r) exit(2);
    return r;
}

void resp_free(struct drive_resp *r)
{
    json_decref(r->json);
    free(r);
}

static size_t collect(char *p, size_t size, size_t n, void *arg)
{
    struct drive_resp *r = arg;
    size_t k = size * n;
    if (r->len + k >= sizeof r->body) k = sizeof r->body - 1 - r->len;
    memcpy(r->body + r->len, p, k);
    r->len += k;
    r->body[r->len] = '\0';
    return size * n;
}

static size_t collect_header(char *p, size_t size, size_t n, void *arg)
{
    struct drive_resp *r = arg;
    size_t k = size * n;
    if (r->hlen + k >= sizeof r->headers) k = sizeof r->headers - 1 - r->hlen;
    memcpy(r->headers + r->hlen, p, k);
    r->hlen += k;
    r->headers[r->hlen] = '\0';
    return size * n;
}

int drive_header(const struct drive_resp *r, const char *name, char *out, size_t size)
{
    size_t n = strlen(name);
    for (const char *l = r->headers; *l; l += strcspn(l, "\n"), l += *l == '\n') {
        if (strncasecmp(l, name, n) != 0 || l[n] != ':') continue;
        const char *v = l + n + 1;
        while (*v == ' ')
            v++;
        size_t vn = strcspn(v, "\r\n");
        if (vn >= size) return -1;
        memcpy(out, v, vn);
        out[vn] = '\0';
        return 0;
    }
    return -1;
}

long drive_http(int port, const char *method, const char *path, const char *const *headers, const char *body,
                long len, struct drive_resp *r)
{
    r->hlen = 0;
    r->headers[0] = '\0';
    char url[512];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    if (r->json) json_decref(r->json);
    r->json = NULL;
    r->len = 0;
    r->body[0] = '\0';
    r->status = 0;
    CURL *c = curl_easy_init();
    struct curl_slist *h = NULL;
    for (int i = 0; headers && headers[i]; i++)
        h = curl_slist_append(h, headers[i]);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, len < 0 ? (long)strlen(body) : len);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L); /* threads may make requests at once */
    if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    r->json = json_loadb(r->body, r->len, 0, NULL);
    return r->status;
}

const char *jstr(json_t *o, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    json_t *v = o;
    for (char *save = NULL, *k = strtok_r(buf, ".", &save); v && k; k = strtok_r(NULL, ".", &save))
        v = (*k >= '0' && *k <= '9') ? json_array_get(v, (size_t)strtol(k, NULL, 10)) : json_object_get(v, k);
    return json_string_value(v);
}

const char *nz(const char *s) { return s ? s : ""; }

long drive_bot(int port, const char *path, const char *token, const char *json, struct drive_resp *r)
{
    char auth[256];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
    const char *h[] = {auth, "Content-Type: application/json", NULL};
    return drive_http(port, "POST", path, h, json, -1, r);
}

long drive_msg(int port, const char *token, const char *conv, const char *user, const char *text,
               struct drive_resp *r)
{
    json_t *o = json_pack("{s:s, s:s, s:s}", "conversation", conv, "user", user, "text", text);
    char *s = json_dumps(o, JSON_COMPACT);
    long st = drive_bot(port, "/v1/messages", token, s, r);
    free(s);
    json_decref(o);
    return st;
}

long drive_slack_signed(int port, const char *path, const char *body, int64_t skew, const char *secret,
                        struct drive_resp *r)
{
    char ts[32], sig[68], h1[64], h2[128];
    snprintf(ts, sizeof ts, "%lld", (long long)(time(NULL) + skew));
    slack_sign(secret, strlen(secret), ts, body, strlen(body), sig);
    snprintf(h1, sizeof h1, "X-Slack-Request-Timestamp: %s", ts);
    snprintf(h2, sizeof h2, "X-Slack-Signature: %s", sig);
    const char *h[] = {h1, h2, "Content-Type: application/x-www-form-urlencoded", NULL};
    return drive_http(port, "POST", path, h, body, -1, r);
}

long drive_slash(int port, const char *team, const char *channel, const char *user, const char *text,
                 struct drive_resp *r)
{
    char body[2048];
    char *t = curl_easy_escape(NULL, text, 0);
    snprintf(
        body, sizeof body,
        "token=x&team_id=%s&team_domain=acme&channel_id=%s&channel_name=general&user_id=%s&user_name=someone&"
        "command=%%2Fconcierge&text=%s&response_url=https%%3A%%2F%%2Fhooks.slack.com%%2Fcommands%%2F1&"
        "trigger_id=1.2.3",
        team, channel, user, t);
    curl_free(t);
    return drive_slack_signed(port, "/slack/commands", body, 0, DRIVE_SLACK_SECRET, r);
}

long drive_click(int port, const char *user, const char *action, const char *token, const char *url,
                 struct drive_resp *r)
{
    json_t *p = json_pack("{s:s, s:{s:s, s:s, s:s}, s:{s:s}, s:{s:s}, s:s, s:[{s:s, s:s, s:s, s:s}]}", "type",
                          "block_actions", "user", "id", user, "username", "someone", "team_id", "T1", "team",
                          "id", "T1", "channel", "id", "C1", "response_url", url, "actions", "action_id",
                          action, "block_id", "concierge_confirm", "value", token, "type", "button");
    char *s = json_dumps(p, JSON_COMPACT);
    char *e = curl_easy_escape(NULL, s, 0);
    size_t blen = strlen(e) + 16;
    char *body = malloc(blen);
    snprintf(body, blen, "payload=%s", e);
    long st = drive_slack_signed(port, "/slack/interactions", body, 0, DRIVE_SLACK_SECRET, r);
    free(body);
    curl_free(e);
    free(s);
    json_decref(p);
    return st;
}

const char *slack_button(json_t *m, size_t n, const char *key)
{
    size_t i;
    json_t *b;
    json_array_foreach(json_object_get(m, "blocks"), i, b)
    {
        const char *t = json_string_value(json_object_get(b, "type"));
        if (t && strcmp(t, "actions") == 0)
            return json_string_value(json_object_get(json_array_get(json_object_get(b, "elements"), n), key));
    }
    return NULL;
}
