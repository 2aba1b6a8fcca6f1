/* concierge serve: what the server holds while it runs, shared by every worker thread. */
#ifndef CONCIERGE_SERVE_H
#define CONCIERGE_SERVE_H
#include <stddef.h>

#include "../../actions/weblink.h"
#include "metrics.h"
#include "outbox.h"
#include "request.h"

#define SLACK_SECRET_MAX    256
#define SLACK_BOT_TOKEN_MAX 256 /* Slack's bot tokens (xoxb-…) are far shorter */
#define SLACK_API_BASE_MAX  511

struct serve {
    char db_path[4096];
    char slack_secret[SLACK_SECRET_MAX + 1]; /* "" when Slack is not set up */
    size_t slack_secret_len;
    /* A response_url must start with this (Slack's own host by default), so a leaked signing
     * secret cannot make concierge POST anywhere else. */
    char slack_response_prefix[512];
    /* The bot token that posts replies to Slack events (chat.postMessage, chat.postEphemeral);
     * "" when none is given: events are then acknowledged and not answered. Never logged. */
    char slack_bot_token[SLACK_BOT_TOKEN_MAX + 1];
    char slack_api_base[SLACK_API_BASE_MAX + 1]; /* ends in "/": a method's name follows */
    struct outbox *outbox;                       /* deliveries; NULL: they are dropped (the fuzzer) */
    struct outbox *jobs; /* Slack clicks, carried out apart from deliveries; NULL: on outbox */
    struct metrics metrics;
    /* The web page's public URL (--public-url, else the one the store recorded; without a final
     * "/"), "" when none is known; public_http when it is http:// to a loopback address: the
     * session cookie then goes without Secure and without the __Host- prefix. */
    char public_url[WEB_PUBLIC_URL_MAX + 1];
    int public_http;
};

/* This thread's store, opened on first use and closed when the thread ends (SQLite
 * connections are not shared between threads). NULL when it cannot be opened; the reason
 * is logged. */
struct store *serve_thread_store(struct serve *sv);

/* POSTs body to url from the outbox's thread (never this one); a delivery that cannot be
 * queued is counted and logged as dropped. body may be NULL (it could not be made). */
void serve_deliver(struct serve *sv, const char *url, const char *body, size_t len);
/* The same, signed with signing_secret at each try (NULL or "": unsigned). */
void serve_deliver_signed(struct serve *sv, const char *url, const char *body, size_t len,
                          const char *signing_secret);

/* Calls Slack's Web API method (chat.postMessage: a static string) with the JSON body, with
 * the bot token, from the deliveries' thread; {"ok":false} is a failure, logged (outbox.h). */
void serve_deliver_slack(struct serve *sv, const char *method, const char *body, size_t len);

/* Runs job on the jobs' thread, then posts what it made from the deliveries' thread; without
 * a jobs outbox, on the deliveries' thread; with neither, here, dropping what it made. 0, or
 * -1 when it could not be queued (the job was told, and freed its argument). */
int serve_run(struct serve *sv, outbox_job_fn job, void *arg);
/* The same on the jobs' thread no sooner than delay_ms from now; -1 (the job told) when there
 * is no jobs' thread or its queue is full. */
int serve_run_after(struct serve *sv, outbox_job_fn job, void *arg, int delay_ms);

/* Reads a signing secret from a file (its first line). 0, or -1 with a message in err. */
int serve_read_secret(const char *path, char *out, size_t size, size_t *len, char *err, size_t errlen);

#endif
