/* Driving the real `concierge serve` from a test (test_serve, test_fleet): starting it on an
 * ephemeral loopback port, requests to it over real HTTP with libcurl (a bot's message, a
 * Slack slash command and button click signed as Slack signs them), `concierge admin` to set
 * its store up, and a local listener (libmicrohttpd) standing in for Slack's response_url and
 * the bots' callback_url.
 *
 * Every function takes the port it talks to, so that one test may drive several servers; each
 * request is a connection of its own, so threads may make them at once (each with its own
 * struct drive_resp). */
#ifndef CONCIERGE_TEST_SERVE_DRIVE_H
#define CONCIERGE_TEST_SERVE_DRIVE_H
#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The Slack signing secret the servers are started with. */
#define DRIVE_SLACK_SECRET "test-signing-secret"

/* ---- The listener: records what it is sent; can fail the first requests ---------------- */

#define HEARD_MAX 64
struct heard {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int n;
    char *body[HEARD_MAX];
    char path[HEARD_MAX][256];
    /* The signature headers (lifecycle.md), "" when absent. */
    char sig[HEARD_MAX][128], ts[HEARD_MAX][32];
    /* X-Concierge-Notice-Id and Authorization (lifecycle.md, notices), "" when absent. */
    char notice_id[HEARD_MAX][64], auth[HEARD_MAX][128];
    int fail_next; /* answer this many with fail_code (0: 500) first */
    int fail_code;
    int failed;
};
/* A path under /slack-api/ stands for Slack's Web API: it answers {"ok":true}, as Slack does
 * (chat.postMessage with its channel DTEST and ts 1700000000.N, N the delivery's index). */
/* What the listener was sent (lock it to read or set fail_next). */
extern struct heard heard;

/* Starts the listener on an ephemeral loopback port; returns the port, or -1. */
int listener_start(void);
void listener_stop(void);
/* Waits (at most 10 s) until the listener holds n deliveries; the n-th body (1-based) or NULL. */
const char *listener_delivery(int n);
/* How many deliveries it holds. */
int listener_count(void);

/* ---- Running things ------------------------------------------------------------------- */

/* `bin admin --db DB WORDS` (fmt made like printf, split at spaces: no word may hold one);
 * its exit status. Its standard output is kept in out (when not NULL); an output that does not
 * fit, or a failure, is -1 with what it said printed. */
int drive_admin(const char *bin, const char *db, char *out, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
int drive_vadmin(const char *bin, const char *db, char *out, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 5, 0)));

/* The secret that follows label in what admin printed (a bot's token, its signing secret),
 * up to the end of its line; "" when there is none. */
void drive_secret_after(const char *s, const char *label, char *out, size_t size);

/* Starts `bin serve --db DB --listen 127.0.0.1:0 --slack-response-prefix
 * http://127.0.0.1:LPORT/slack/ --retry-delay-ms 20 --log warn` with more (NULL-terminated,
 * may be NULL) after, signing secret DRIVE_SLACK_SECRET; waits for its "listening" line.
 * Returns its pid and sets *port; what it logged before is in log (when not NULL). The rest of
 * its standard error goes to ours. Exits the test when it does not start. */
pid_t drive_serve(const char *bin, const char *db, int lport, const char *const *more, int *port, char *log,
                  size_t logsize);

/* ---- HTTP ----------------------------------------------------------------------------- */

struct drive_resp {
    long status; /* 0: no answer (the connection failed) */
    char body[1 << 17];
    size_t len;
    json_t *json;       /* the body parsed, or NULL */
    char headers[8192]; /* the response's header lines, as sent (\r\n each; cut at the size) */
    size_t hlen;
};

struct drive_resp *resp_new(void);
void resp_free(struct drive_resp *r);

/* One request to the server on port; headers is a NULL-terminated list, len -1 for strlen.
 * r->json is the parsed body (freed by the next call with the same r). Returns r->status. */
long drive_http(int port, const char *method, const char *path, const char *const *headers, const char *body,
                long len, struct drive_resp *r);

/* The value of the response's header name (case-insensitive; the first), into out without its
 * line's end; 0, or -1 when it is absent. */
int drive_header(const struct drive_resp *r, const char *name, char *out, size_t size);

/* The string at path (a.b.0.c: object keys and array indexes) of o, or NULL. */
const char *jstr(json_t *o, const char *path);
/* s, or "" for NULL. */
const char *nz(const char *s);

/* A bot's request to path with its bearer token; a chat message (POST /v1/messages). */
long drive_bot(int port, const char *path, const char *token, const char *json, struct drive_resp *r);
long drive_msg(int port, const char *token, const char *conv, const char *user, const char *text,
               struct drive_resp *r);

/* A request signed as Slack signs, at now + skew, with secret. */
long drive_slack_signed(int port, const char *path, const char *body, int64_t skew, const char *secret,
                        struct drive_resp *r);
/* A /concierge slash command. */
long drive_slash(int port, const char *team, const char *channel, const char *user, const char *text,
                 struct drive_resp *r);
/* A click on Confirm or Cancel (action) of token, as Slack posts it: the block_actions JSON
 * in a form field, with response_url url. */
long drive_click(int port, const char *user, const char *action, const char *token, const char *url,
                 struct drive_resp *r);
/* Field key of the n-th button of a Slack message's actions block, or NULL. */
const char *slack_button(json_t *m, size_t n, const char *key);

#endif
