/* The route table (routes.h). */
#include "routes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../store/store.h"
#include "log.h"
#include "metrics.h"
#include "serve.h"

static const struct {
    const char *method, *path;
    route_fn fn;
} routes[] = {
#define X(id, method, path, fn) [ROUTE_##id] = {method, path, fn},
    ROUTES(X)
#undef X
};

/* A route's path ending in "/" is a prefix: the route answers every path under it (the web
 * page's /ui/…). */
enum route_id route_find(const char *path)
{
    for (int i = 0; i < ROUTE_OTHER; i++) {
        size_t n = strlen(routes[i].path);
        if (strcmp(routes[i].path, path) == 0 ||
            (routes[i].path[n - 1] == '/' && strncmp(routes[i].path, path, n) == 0))
            return (enum route_id)i;
    }
    return ROUTE_OTHER;
}

const char *route_path(enum route_id r) { return r < ROUTE_OTHER ? routes[r].path : "other"; }

void route_dispatch(struct serve *sv, struct store *st, const struct http_request *rq,
                    struct http_response *rs, enum route_id *route)
{
    rs->intent_kind = -1;
    rs->reply_status = -1;
    *route = route_find(rq->path);
    if (*route == ROUTE_OTHER) {
        respond_error(rs, 404,
                      "no such path (the API: /v1/messages, /v1/check, /v1/keys/verify, /slack/commands, "
                      "/slack/interactions, /slack/events, /healthz, /metrics)");
        return;
    }
    /* "*": the route takes GET and POST and says itself which of its paths takes which. */
    if (strcmp(routes[*route].method, "*") != 0 && strcmp(rq->method, routes[*route].method) != 0) {
        respond_error(rs, 405, "%s takes %s", routes[*route].path, routes[*route].method);
        return;
    }
    routes[*route].fn(sv, st, rq, rs);
}

void route_healthz(struct serve *sv, struct store *st, const struct http_request *rq,
                   struct http_response *rs)
{
    (void)sv, (void)rq;
    /* Alive means able to answer from the store: a quick read. */
    if (store_sandbox_count(st) < 0) {
        respond_error(rs, 503, "the access store cannot be read");
        return;
    }
    static const char ok[] = "{\"status\":\"ok\"}";
    respond_text(rs, 200, "application/json", ok, sizeof ok - 1);
}

void route_metrics(struct serve *sv, struct store *st, const struct http_request *rq,
                   struct http_response *rs)
{
    (void)st, (void)rq;
    metrics_render(&sv->metrics, rs);
}

void serve_deliver(struct serve *sv, const char *url, const char *body, size_t len)
{
    serve_deliver_signed(sv, url, body, len, NULL);
}

void serve_deliver_signed(struct serve *sv, const char *url, const char *body, size_t len,
                          const char *signing_secret)
{
    if (body && sv->outbox && outbox_post_signed(sv->outbox, url, body, len, signing_secret) == 0) return;
    /* outbox_post counts what it refuses itself. */
    if (!body || !sv->outbox) atomic_fetch_add(&sv->metrics.deliveries_dropped, 1);
    log_event("error", "delivery", "\"dropped\":true,\"why\":\"%s\"",
              !body         ? "no memory for the body"
              : !sv->outbox ? "no outbox"
                            : "the outbox is full or stopping");
}

/* A job on the jobs thread whose result goes to the deliveries' thread: a slow response_url
 * never holds up the next click. */
struct relay {
    struct serve *sv;
    outbox_job_fn job;
    void *arg;
};

static int relay_run(void *a, char **url, char **body, size_t *len)
{
    struct relay *rl = a;
    char *u = NULL, *b = NULL;
    size_t n = 0;
    if (!url)
        rl->job(rl->arg, NULL, NULL, NULL);
    else if (rl->job(rl->arg, &u, &b, &n) == 0)
        serve_deliver(rl->sv, u, b, n);
    free(u);
    free(b);
    free(rl);
    (void)body, (void)len;
    return -1; /* posted through the deliveries' outbox, not this one */
}

int serve_run_after(struct serve *sv, outbox_job_fn job, void *arg, int delay_ms)
{
    struct relay *rl = sv->jobs ? malloc(sizeof *rl) : NULL;
    if (!rl) {
        job(arg, NULL, NULL, NULL);
        return -1;
    }
    *rl = (struct relay){sv, job, arg};
    return outbox_run_after(sv->jobs, relay_run, rl, delay_ms); /* a refused job is told, and logs it */
}

int serve_run(struct serve *sv, outbox_job_fn job, void *arg)
{
    if (sv->jobs) return serve_run_after(sv, job, arg, 0);
    if (sv->outbox) return outbox_run(sv->outbox, job, arg);
    /* No outbox (the fuzzer): the job runs here, and what it would post is dropped. */
    char *url = NULL, *body = NULL;
    size_t len = 0;
    job(arg, &url, &body, &len);
    free(url);
    free(body);
    atomic_fetch_add(&sv->metrics.deliveries_dropped, 1);
    return 0;
}

void serve_deliver_slack(struct serve *sv, const char *method, const char *body, size_t len)
{
    char url[SLACK_API_BASE_MAX + 64];
    struct outbox_opts opts = {.bearer = sv->slack_bot_token, .slack_api = 1, .what = method};
    int fits = snprintf(url, sizeof url, "%s%s", sv->slack_api_base, method) < (int)sizeof url;
    if (fits && body && sv->outbox && outbox_send(sv->outbox, url, body, len, &opts) == 0) return;
    if (!body || !sv->outbox || !fits) atomic_fetch_add(&sv->metrics.deliveries_dropped, 1);
    log_event("error", "delivery", "\"dropped\":true,\"slack_method\":\"%s\",\"why\":\"%s\"", method,
              !body         ? "no memory for the body"
              : !fits       ? "the Slack API's address is too long"
              : !sv->outbox ? "no outbox"
                            : "the outbox is full or stopping");
}
