/* The routes of concierge serve: one row a route (method, path, handler), as Redis keeps
 * its commands; adding an endpoint is adding a row. A path ending in "/" answers every path
 * under it; the method "*" takes any, the handler deciding. */
#ifndef CONCIERGE_ROUTES_H
#define CONCIERGE_ROUTES_H
#include "request.h"

struct store;
struct serve;

#define ROUTES(X)                                                                                            \
    X(SLACK_COMMANDS, "POST", "/slack/commands", slack_commands)                                             \
    X(SLACK_INTERACTIONS, "POST", "/slack/interactions", slack_interactions)                                 \
    X(SLACK_EVENTS, "POST", "/slack/events", slack_events)                                                   \
    X(MESSAGES, "POST", "/v1/messages", bot_messages)                                                        \
    X(CHECK, "POST", "/v1/check", bot_check)                                                                 \
    X(KEYS_VERIFY, "POST", "/v1/keys/verify", bot_keys_verify)                                               \
    X(HEALTHZ, "GET", "/healthz", route_healthz)                                                             \
    X(METRICS, "GET", "/metrics", route_metrics)                                                             \
    X(UI, "*", "/ui/", ui_route)

enum route_id {
#define X(id, method, path, fn) ROUTE_##id,
    ROUTES(X)
#undef X
        ROUTE_OTHER, /* unknown paths */
    ROUTE__COUNT
};

typedef void (*route_fn)(struct serve *sv, struct store *st, const struct http_request *rq,
                         struct http_response *rs);
#define X(id, method, path, fn)                                                                              \
    void fn(struct serve *sv, struct store *st, const struct http_request *rq, struct http_response *rs);
ROUTES(X)
#undef X

/* The route of a path (ROUTE_OTHER when none). */
enum route_id route_find(const char *path);
const char *route_path(enum route_id r);

/* Answers one request: 404 for an unknown path, 405 for a wrong method, else the route's
 * handler. st is this thread's store. */
void route_dispatch(struct serve *sv, struct store *st, const struct http_request *rq,
                    struct http_response *rs, enum route_id *route);

#endif
