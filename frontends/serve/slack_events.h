/* Slack's Events API (interfaces.md, Slack events): a person talks to the bot, with a mention
 * in a channel (app_mention) or in a direct message (message.im). The request is answered at
 * once (slack_events.c: verified, read, the event claimed in the store so that it is acted on
 * once); the command runs on the jobs' thread and its reply is posted with Slack's Web API
 * (slack_event_job.c). */
#ifndef CONCIERGE_SLACK_EVENTS_H
#define CONCIERGE_SLACK_EVENTS_H
#include <stddef.h>
#include <stdint.h>

#include "../../store/store.h"
#include "slack_request.h"

/* A claim is remembered this long: Slack retries an event for minutes, not days. */
#define SLACK_EVENT_KEPT (24 * 3600)
/* How long a message waits for an earlier one of its channel that was claimed (by any server
 * sharing the store) and has not run yet, and how often it looks again (docs/serve.md). */
#define SLACK_EVENT_ORDER_WAIT_MS 10000
#define SLACK_EVENT_ORDER_POLL_MS 20

/* One message to answer. */
struct slack_event {
    struct serve *sv;
    char team[SLACK_ID_MAX + 1], channel[SLACK_ID_MAX + 1], user[SLACK_ID_MAX + 1];
    char event_id[SLACK_EVENT_ID_MAX + 1];
    char ts[SLACK_EVENT_ID_MAX + 1];
    char thread_ts[SLACK_EVENT_ID_MAX + 1]; /* "" when the message is not in a thread */
    int64_t ts_us;                          /* ts in microseconds: orders the channel's messages */
    int64_t received_at;                    /* the clock when it came (seconds) */
    int64_t queued_ms;                      /* CLOCK_MONOTONIC when it was first queued: bounds its wait */
    int dm;                                 /* a direct message: posted with chat.postMessage, no secrets */
    size_t len;
    char text[]; /* the words, the bot's mention taken out; NUL-terminated */
};

/* The job (outbox.h) that runs the event's command and posts its reply; frees the event. */
int slack_event_run(void *arg, char **url, char **body, size_t *len);

/* Milliseconds on CLOCK_MONOTONIC. */
int64_t slack_event_clock_ms(void);

#endif
