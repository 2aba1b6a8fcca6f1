/* libmicrohttpd glue: reads each request's body (at most BODY_LIMIT bytes), hands it to the
 * route table, queues the answer, and logs and counts it. A thread pool answers; each
 * worker has its own store connection. The deadline watch (deadline.h) cuts requests that
 * trickle in too slowly. */
#include "server.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <time.h>

#include "../../store/store.h"
#include "deadline.h"
#include "log.h"
#include "routes.h"
#include "serve.h"

struct server {
    struct MHD_Daemon *d;
    struct deadline_watch *watch;
};

struct pending_request {
    char *body;
    size_t len, cap;
    int too_large;
    uint64_t start_us;
};

static uint64_t mono_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000u + (uint64_t)t.tv_nsec / 1000u;
}

static enum MHD_Result send_response(struct MHD_Connection *c, struct http_response *rs)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(rs->len, rs->body ? rs->body : (void *)"", MHD_RESPMEM_MUST_COPY);
    if (!resp) return MHD_NO;
    if (rs->content_type) MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, rs->content_type);
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    if (rs->location) MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, rs->location);
    if (rs->set_cookie) MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, rs->set_cookie);
    if (rs->page) {
        /* interfaces.md, the web page's safety: nothing but its own stylesheet, in no frame. */
        MHD_add_response_header(resp, "Content-Security-Policy",
                                "default-src 'self'; frame-ancestors 'none'");
        MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
        MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
        MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    }
    enum MHD_Result r = MHD_queue_response(c, (unsigned int)rs->status, resp);
    MHD_destroy_response(resp);
    return r;
}

/* Each query-string argument (libmicrohttpd decodes them) into the request, up to its room: the
 * caller refuses a request with more. */
static enum MHD_Result take_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    struct http_request *rq = cls;
    if (rq->n_args < REQUEST_ARGS_MAX) rq->args[rq->n_args++] = (struct http_arg){key, value ? value : ""};
    return MHD_YES;
}

static void finish(struct serve *sv, const char *method, enum route_id route, struct http_response *rs,
                   uint64_t start_us)
{
    uint64_t us = mono_us() - start_us;
    metrics_count(&sv->metrics, route, rs, us);
    /* intent and outcome are names from fixed tables: nothing here needs escaping. */
    char extra[96] = "";
    if (rs->intent_kind >= 0)
        snprintf(extra, sizeof extra, ",\"intent\":\"%s\"",
                 intent_kind_name((enum intent_kind)rs->intent_kind));
    if (rs->reply_status >= 0)
        snprintf(extra + strlen(extra), sizeof extra - strlen(extra), ",\"outcome\":\"%s\"",
                 reply_status_name((enum reply_status)rs->reply_status));
    log_event("info", "request", "\"method\":\"%s\",\"route\":\"%s\",\"status\":%d,\"us\":%llu%s",
              strcmp(method, "GET") == 0 || strcmp(method, "POST") == 0 ? method : "other", route_path(route),
              rs->status, (unsigned long long)us, extra);
}

/* How many Content-Length and Transfer-Encoding headers a request has. */
struct framing {
    int content_length, transfer_encoding;
};

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind, (void)value;
    struct framing *f = cls;
    if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) f->content_length++;
    if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) f->transfer_encoding++;
    return MHD_YES;
}

/* Why a request's body framing is ambiguous, or NULL. libmicrohttpd reads the body by the
 * first Content-Length and ignores the rest, while a proxy in front may have read it by
 * another: the two would split the stream into different requests (request smuggling). */
static const char *framing_refusal(struct MHD_Connection *c)
{
    struct framing f = {0, 0};
    MHD_get_connection_values(c, MHD_HEADER_KIND, count_framing, &f);
    if (f.content_length > 1) return "the request has more than one Content-Length header";
    if (f.content_length && f.transfer_encoding)
        return "the request has both Content-Length and Transfer-Encoding headers";
    return NULL;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **state)
{
    (void)version;
    struct serve *sv = cls;
    struct pending_request *pr = *state;
    if (!pr) {
        pr = calloc(1, sizeof *pr);
        if (!pr) return MHD_NO;
        pr->start_us = mono_us();
        atomic_fetch_add(&sv->metrics.in_flight, 1);
        *state = pr;
        /* An ambiguous body, or one declared too large, is refused before it is read (an
         * answer given now makes libmicrohttpd close the connection after it, unread). */
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        const char *ambiguous = framing_refusal(c);
        if (ambiguous || (cl && strtoull(cl, NULL, 10) > BODY_LIMIT)) {
            if (deadline_clock_stop(c)) return MHD_NO;
            struct http_response rs = {.intent_kind = -1, .reply_status = -1};
            if (ambiguous)
                respond_error(&rs, 400, "%s", ambiguous);
            else
                respond_error(&rs, 413, "the body is larger than %d bytes", BODY_LIMIT);
            enum MHD_Result r = send_response(c, &rs);
            finish(sv, method, route_find(url), &rs, pr->start_us);
            response_clear(&rs);
            pr->too_large = 2; /* answered */
            return r;
        }
        return MHD_YES;
    }
    if (*upload_size) {
        if (!pr->too_large && pr->len + *upload_size > BODY_LIMIT) {
            pr->too_large = 1;
            free(pr->body);
            pr->body = NULL;
        }
        if (!pr->too_large) {
            if (pr->len + *upload_size + 1 > pr->cap) {
                size_t cap = pr->cap ? pr->cap : 1024;
                while (cap < pr->len + *upload_size + 1)
                    cap *= 2;
                char *b = realloc(pr->body, cap);
                if (!b) return MHD_NO;
                pr->body = b;
                pr->cap = cap;
            }
            memcpy(pr->body + pr->len, upload, *upload_size);
            pr->len += *upload_size;
            pr->body[pr->len] = '\0';
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (pr->too_large == 2) return MHD_YES;
    /* The request is whole; one the deadline watch has already cut is not carried out. */
    if (deadline_clock_stop(c)) return MHD_NO;
    struct http_response rs = {.intent_kind = -1, .reply_status = -1};
    enum route_id route = route_find(url);
    if (pr->too_large) {
        respond_error(&rs, 413, "the body is larger than %d bytes", BODY_LIMIT);
    } else {
        struct store *st = serve_thread_store(sv);
        struct http_request rq = {
            .method = method,
            .path = url,
            .body = pr->body ? pr->body : "",
            .len = pr->len,
            .content_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE),
            .authorization = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION),
            .slack_timestamp = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Slack-Request-Timestamp"),
            .slack_signature = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Slack-Signature"),
            .idempotency_key = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Idempotency-Key"),
            .cookie = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_COOKIE),
            .now = st ? store_clock(st) : (int64_t)time(NULL), /* the database's on PostgreSQL */
        };
        int too_many = MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, take_arg, &rq) > REQUEST_ARGS_MAX;
        if (!st)
            respond_error(&rs, 503, "the access store cannot be opened");
        else if (too_many)
            respond_error(&rs, 400, "more than %d query-string arguments", REQUEST_ARGS_MAX);
        else
            route_dispatch(sv, st, &rq, &rs, &route);
    }
    enum MHD_Result r = send_response(c, &rs);
    finish(sv, method, route, &rs, pr->start_us);
    response_clear(&rs);
    return r;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **state,
                         enum MHD_RequestTerminationCode code)
{
    (void)c, (void)code;
    struct serve *sv = cls;
    struct pending_request *pr = *state;
    if (!pr) return;
    free(pr->body);
    free(pr);
    *state = NULL;
    atomic_fetch_sub(&sv->metrics.in_flight, 1);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    /* The message is as long as it is (it may quote what a client sent): measured, then
     * written whole. */
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *msg = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (msg) vsnprintf(msg, (size_t)n + 1, fmt, again);
    va_end(again);
    if (!msg) {
        log_event("warn", "http", "\"message\":\"(libmicrohttpd's message could not be formatted)\"");
        return;
    }
    for (char *p = msg; *p; p++)
        if (*p == '"' || *p == '\\' || (unsigned char)*p < ' ' || (unsigned char)*p >= 0x7f) *p = ' ';
    log_event("warn", "http", "\"message\":\"%s\"", msg);
    free(msg);
}

/* The connection limit the open-file limit allows: the soft limit is raised as far as
 * needed (up to the hard one); past the hard one the connection limit is lowered, loudly. */
static unsigned connection_limit(unsigned threads)
{
    struct rlimit rl;
    rlim_t want = (rlim_t)SERVER_CONNECTION_LIMIT + SERVER_SPARE_FDS + 4u * threads;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return SERVER_CONNECTION_LIMIT;
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
        struct rlimit raised = rl;
        raised.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want ? want : rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0) rl = raised;
    }
    if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= want) return SERVER_CONNECTION_LIMIT;
    rlim_t spare = SERVER_SPARE_FDS + 4u * threads;
    unsigned limit = rl.rlim_cur > spare + 16 ? (unsigned)(rl.rlim_cur - spare) : 16;
    log_event("warn", "config", "\"why\":\"open files are limited to %llu: at most %u connections, not %d\"",
              (unsigned long long)rl.rlim_cur, limit, SERVER_CONNECTION_LIMIT);
    return limit;
}

struct server *server_start(struct serve *sv, const struct sockaddr_in *addr, unsigned threads, int *port)
{
    struct server *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    unsigned limit = connection_limit(threads);
    if (!(s->watch = deadline_start())) {
        free(s);
        return NULL;
    }
    s->d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO | MHD_USE_ITC | MHD_USE_ERROR_LOG, 0,
        NULL, NULL, on_request, sv, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_SOCK_ADDR,
        (const struct sockaddr *)addr, MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_LIMIT,
        limit, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)SERVER_IDLE_TIMEOUT, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, sv, MHD_OPTION_NOTIFY_CONNECTION, deadline_on_connection, s->watch,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)SERVER_CONNECTION_MEMORY, MHD_OPTION_END);
    if (!s->d) {
        deadline_stop(s->watch);
        free(s);
        return NULL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    *port = info ? info->port : 0;
    return s;
}

void server_stop(struct serve *sv, struct server *s, int grace_ms)
{
    /* Stop taking connections, let the requests in flight finish, then close. */
    MHD_quiesce_daemon(s->d);
    for (int waited = 0; atomic_load(&sv->metrics.in_flight) > 0 && waited < grace_ms; waited += 10) {
        struct timespec t = {0, 10 * 1000000};
        nanosleep(&t, NULL);
    }
    MHD_stop_daemon(s->d);
    deadline_stop(s->watch);
    free(s);
}
