/* One HTTP request as the routes see it, and the response they make: plain data, so that
 * the routes run the same under libmicrohttpd, in the tests and under the fuzzer. */
#ifndef CONCIERGE_REQUEST_H
#define CONCIERGE_REQUEST_H
#include <stddef.h>
#include <stdint.h>

#define BODY_LIMIT (64 * 1024) /* interfaces.md: a larger body is 413 */
/* Query-string arguments kept (the web page's: t, who, since, before); a request with more is
 * refused whole (400), never read in part. */
#define REQUEST_ARGS_MAX 16

struct http_arg {
    const char *name, *value;
};

struct http_request {
    const char *method;
    const char *path; /* without the query */
    const char *body; /* NUL-terminated; len bytes (it may hold other NULs) */
    size_t len;
    const char *content_type; /* the headers the routes read, or NULL */
    const char *authorization;
    const char *slack_timestamp;
    const char *slack_signature;
    const char *idempotency_key;
    const char *cookie;                     /* the Cookie header (the web page's session), or NULL */
    struct http_arg args[REQUEST_ARGS_MAX]; /* the query string's, decoded */
    int n_args;
    int64_t now; /* the clock when the request arrived */
};

/* The query-string argument of that name, or NULL. */
const char *request_arg(const struct http_request *rq, const char *name);

struct http_response {
    int status;
    char *body; /* malloc'd, owned by the response; NULL for none */
    size_t len;
    const char *content_type;
    /* What the request did, for the log and the metrics: the intent's kind and the reply's
     * status, or -1. */
    int intent_kind;
    int reply_status;
    char *location;   /* a redirect's Location (malloc'd, owned), or NULL */
    char *set_cookie; /* a Set-Cookie header's value (malloc'd, owned), or NULL */
    /* An HTML page of the web page (interfaces.md): sent with its security headers
     * (Content-Security-Policy, X-Content-Type-Options, Referrer-Policy, X-Frame-Options). */
    int page;
};

void response_clear(struct http_response *rs); /* frees the body, the location and the cookie */

/* Sets a JSON body (json_dumps of o, compact, in order; o is not taken). */
struct json_t;
void respond_json(struct http_response *rs, int status, struct json_t *o);
/* Sets a body held in buf (copied). */
void respond_text(struct http_response *rs, int status, const char *content_type, const char *buf,
                  size_t len);
/* Notes what the command of a reply did, for the log and the metrics. */
struct reply;
void respond_outcome(struct http_response *rs, const struct reply *r);
/* {"error": "…"} with the status. */
void respond_error(struct http_response *rs, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
