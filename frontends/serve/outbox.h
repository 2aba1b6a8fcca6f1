/* The outbox: POSTs of JSON to Slack's response_url and Web API and to chat bots'
 * callback_url, made by one thread of its own with libcurl, so that no request thread ever
 * waits on another server. A failed delivery (no connection, a timeout, 429 or 5xx) is
 * retried with exponential back-off, or after a 429's Retry-After. */
#ifndef CONCIERGE_OUTBOX_H
#define CONCIERGE_OUTBOX_H
#include <stddef.h>

struct metrics;
struct outbox;

#define OUTBOX_ATTEMPTS  5    /* in all, the first included */
#define OUTBOX_QUEUE_MAX 1024 /* deliveries waiting at most; more are refused */
/* A 429's Retry-After is waited out up to this many seconds; a longer one gives the delivery up
 * (logged): a reply that late is no answer any more. */
#define OUTBOX_RETRY_AFTER_MAX 900
/* Bytes of an answer read, for Slack's Web API (chat.postMessage echoes the message: 50
 * blocks of 3,000 characters fit many times over); a longer answer is a failure, logged. */
#define OUTBOX_ANSWER_MAX (1024 * 1024)

/* Starts the thread. first_delay_ms is the wait before the first retry, doubled each time.
 * 0, or -1. */
int outbox_start(struct outbox **out, struct metrics *m, int first_delay_ms);
/* Queues a POST of body to url (both copied). 0, or -1 when the queue is full or stopping. */
int outbox_post(struct outbox *o, const char *url, const char *body, size_t len);
/* The same, signed with signing_secret (copied; NULL or "": unsigned) afresh at each try
 * (concierge_sig.h). A try whose signature cannot be made is not sent: it counts as failed. */
int outbox_post_signed(struct outbox *o, const char *url, const char *body, size_t len,
                       const char *signing_secret);
/* What a POST carries besides its body. */
struct outbox_opts {
    const char *signing_secret; /* signs each try (concierge_sig.h); NULL or "": unsigned */
    const char *bearer;         /* sent as Authorization: Bearer (copied, wiped when freed); NULL: none */
    /* The answer is Slack's Web API's, which says HTTP 200 even when it failed: the body must
     * be {"ok":true,…}; {"ok":false,"error":E} is a failure (logged with E), retried only for
     * Slack's passing errors (internal_error, ratelimited, …). */
    int slack_api;
    const char *what; /* named in the log (a Slack method): a static string, or NULL */
};
/* Queues a POST of body to url with opts (NULL: none). 0, or -1 when the queue is full or stopping. */
int outbox_send(struct outbox *o, const char *url, const char *body, size_t len,
                const struct outbox_opts *opts);

/* A job: work to do on the outbox's thread (a Slack click's change, which may copy a snapshot
 * for longer than Slack waits for an answer), which then says what to post. Called with
 * url, body and len: does the work, sets *url and *body (malloc'd, taken by the outbox) and
 * *len, frees arg, returns 0 (or -1: nothing to post). Called with NULL for them when it
 * will never run (a full queue, a stop): frees arg only. */
typedef int (*outbox_job_fn)(void *arg, char **url, char **body, size_t *len);
/* Queues a job. 0, or -1 when the queue is full or stopping (the job was told, and freed
 * its argument). */
int outbox_run(struct outbox *o, outbox_job_fn job, void *arg);
/* The same, run no sooner than delay_ms from now (a job that must wait for another may queue
 * itself again: it then hands its argument on instead of freeing it, and returns -1). */
int outbox_run_after(struct outbox *o, outbox_job_fn job, void *arg, int delay_ms);
/* One POST, as outbox_attempt makes it (the notifier's, too: notifier.h). */
struct outbox_post {
    const char *url;
    const char *body;
    size_t len;
    const char *secret; /* signs the try (concierge_sig.h); NULL: unsigned */
    const char *bearer; /* Authorization: Bearer; NULL: none */
    int slack_api;      /* the answer is Slack's Web API's (outbox_opts) */
    const char *header; /* one more header line ("X-Concierge-Notice-Id: n…"), or NULL */
    char **answer;      /* Slack's: when not NULL and the try delivered, the answer's body (malloc'd) */
};
/* One try of p with a libcurl easy handle (CURL *): 1 delivered, 0 worth retrying (no answer,
 * 408, 429, 5xx, Slack's passing errors), -1 refused for good (another 4xx, Slack's other
 * errors). A signed POST is signed here, at the time of this try; one whose signature or
 * headers cannot be made is not sent (0). *retry_after_s gets a 429's Retry-After (else 0);
 * *slack_error Slack's error, made safe for a log (malloc'd, or NULL). */
int outbox_attempt(void *curl, const struct outbox_post *p, long *code, long *retry_after_s,
                   char **slack_error);

/* Takes no more posts, delivers what is queued for at most grace_ms, drops the rest (counted
 * and logged), and frees everything. */
void outbox_stop(struct outbox *o, int grace_ms);

#endif
