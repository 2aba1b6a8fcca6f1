/* concierge serve: what the server holds while it runs, shared by every worker thread. */
#ifndef CONCIERGE_SERVE_H
#define CONCIERGE_SERVE_H
#include <stddef.h>

#include "metrics.h"
#include "outbox.h"
#include "request.h"

#define SLACK_SECRET_MAX 256

struct serve {
    char db_path[4096];
    char slack_secret[SLACK_SECRET_MAX + 1]; /* "" when Slack is not set up */
    size_t slack_secret_len;
    /* A response_url must start with this (Slack's own host by default), so a leaked signing
     * secret cannot make concierge POST anywhere else. */
    char slack_response_prefix[512];
    struct outbox *outbox; /* deliveries; NULL: they are dropped (the fuzzer) */
    struct outbox *jobs;   /* Slack clicks, carried out apart from deliveries; NULL: on outbox */
    struct metrics metrics;
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

/* Runs job on the jobs' thread, then posts what it made from the deliveries' thread; without
 * a jobs outbox, on the deliveries' thread; with neither, here, dropping what it made. */
void serve_run(struct serve *sv, outbox_job_fn job, void *arg);

/* Reads a signing secret from a file (its first line). 0, or -1 with a message in err. */
int serve_read_secret(const char *path, char *out, size_t size, size_t *len, char *err, size_t errlen);

#endif
