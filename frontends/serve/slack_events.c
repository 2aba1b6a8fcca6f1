/* POST /slack/events (slack_events.h): verified like every Slack request, url_verification
 * answered with its challenge, and a person's message claimed in the store and queued, all
 * before the answer: Slack waits 3 seconds, then sends the event again. */
#include "slack_events.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "routes.h"
#include "serve.h"
#include "slack_request.h"

int64_t slack_event_clock_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static const char *str_of(json_t *o, const char *key) { return json_string_value(json_object_get(o, key)); }

/* A message ts ("1712345678.000100"): seconds, a dot, up to 6 digits of fraction. Its
 * microseconds in *us; 0, or -1 when it is not one. */
static int ts_parse(const char *ts, int64_t *us)
{
    const char *dot = ts ? strchr(ts, '.') : NULL;
    size_t sec = dot ? (size_t)(dot - ts) : 0, frac = dot ? strlen(dot + 1) : 0;
    if (sec < 1 || sec > 12 || frac < 1 || frac > 6) return -1;
    int64_t v = 0;
    for (size_t i = 0; i < sec; i++) {
        if (ts[i] < '0' || ts[i] > '9') return -1;
        v = v * 10 + (ts[i] - '0');
    }
    int64_t f = 0;
    for (size_t i = 0; i < 6; i++) {
        char c = i < frac ? dot[1 + i] : '0';
        if (c < '0' || c > '9') return -1;
        f = f * 10 + (c - '0');
    }
    *us = v * 1000000 + f;
    return 0;
}

/* Is id the bot's own user (one of authorizations[].user_id)? */
static int is_bot(json_t *auths, const char *id, size_t n)
{
    size_t i;
    json_t *a;
    json_array_foreach(auths, i, a)
    {
        const char *u = str_of(a, "user_id");
        if (u && strlen(u) == n && memcmp(u, id, n) == 0) return 1;
    }
    return 0;
}

static int has_bot_ids(json_t *auths)
{
    size_t i;
    json_t *a;
    json_array_foreach(auths, i, a) if (str_of(a, "user_id")) return 1;
    return 0;
}

/* The words of text without the mentions of the bot itself (`<@UBOT>`, `<@UBOT|name>`), into
 * out (len + 1 bytes at least): every one when the payload names the bot's user, else only a
 * mention that starts the text. Spaces at either end are dropped. Returns the length. */
static size_t strip_mentions(const char *text, size_t len, json_t *auths, char *out)
{
    int known = has_bot_ids(auths);
    size_t o = 0, i = 0;
    while (i < len && text[i] == ' ')
        i++;
    size_t start = i;
    while (i < len) {
        if (text[i] == '<' && i + 1 < len && text[i + 1] == '@') {
            const char *end = memchr(text + i, '>', len - i);
            size_t idn = 0;
            while (i + 2 + idn < len && text[i + 2 + idn] != '|' && text[i + 2 + idn] != '>')
                idn++;
            int bot = end && (known ? is_bot(auths, text + i + 2, idn) : i == start);
            if (bot) {
                i = (size_t)(end - text) + 1;
                continue;
            }
        }
        out[o++] = text[i++];
    }
    size_t b = 0;
    while (b < o && out[b] == ' ')
        b++;
    while (o > b && out[o - 1] == ' ')
        o--;
    memmove(out, out + b, o - b);
    out[o - b] = '\0';
    return o - b;
}

/* Acknowledged, nothing done: an event concierge does not act on. */
static void ignored(struct http_response *rs, const char *why)
{
    log_event("info", "slack_event", "\"ignored\":\"%s\"", why);
    rs->status = 200;
    rs->content_type = NULL;
}

/* Copies a Slack ID field into out; 0, or -1 when it is missing or not an ID. */
static int id_field(const char *v, char *out, size_t size)
{
    if (!v || !slack_id_ok(v) || strlen(v) >= size) return -1;
    memcpy(out, v, strlen(v) + 1);
    return 0;
}

/* The event's message, read into a new slack_event (NULL with a 400 set, or a 500). */
static struct slack_event *read_message(struct serve *sv, json_t *p, json_t *ev, json_t *auths, int dm,
                                        const struct http_request *rq, struct http_response *rs)
{
    const char *event_id = str_of(p, "event_id"), *text = str_of(ev, "text"), *ts = str_of(ev, "ts");
    const char *thread_ts = str_of(ev, "thread_ts"), *team = str_of(p, "team_id");
    if (!team) team = str_of(ev, "team");
    if (!team) team = str_of(json_array_get(auths, 0), "team_id");
    int64_t us = 0, thread_us = 0;
    size_t idlen = event_id ? strlen(event_id) : 0;
    int id_ok = idlen >= 1 && idlen <= SLACK_EVENT_ID_MAX;
    for (size_t i = 0; id_ok && i < idlen; i++)
        id_ok = (event_id[i] >= 'A' && event_id[i] <= 'Z') || (event_id[i] >= 'a' && event_id[i] <= 'z') ||
                (event_id[i] >= '0' && event_id[i] <= '9');
    if (!id_ok) {
        respond_error(rs, 400, "event_id must be Slack's event ID");
        return NULL;
    }
    if (!text || strlen(text) != json_string_length(json_object_get(ev, "text"))) {
        respond_error(rs, 400, "event.text must be a string without a NUL character");
        return NULL;
    }
    if (ts_parse(ts, &us) || (thread_ts && ts_parse(thread_ts, &thread_us))) {
        respond_error(rs, 400, "event.ts (and event.thread_ts) must be Slack's message timestamps");
        return NULL;
    }
    size_t n = strlen(text);
    struct slack_event *e = calloc(1, sizeof *e + n + 1);
    if (!e) {
        respond_error(rs, 500, "out of memory");
        return NULL;
    }
    if (id_field(team, e->team, sizeof e->team) ||
        id_field(str_of(ev, "channel"), e->channel, sizeof e->channel) ||
        id_field(str_of(ev, "user"), e->user, sizeof e->user)) {
        free(e);
        respond_error(rs, 400, "team_id, event.channel and event.user must be Slack IDs");
        return NULL;
    }
    for (const char *u = e->user; *u; u++)
        if (*u >= 'a' && *u <= 'z') { /* a principal slack:U… is upper case (canon.h) */
            free(e);
            respond_error(rs, 400, "event.user must be a Slack user ID (upper-case letters and digits)");
            return NULL;
        }
    e->sv = sv;
    e->dm = dm || e->channel[0] == 'D'; /* an app_mention says no channel_type: a DM's ID starts with D */
    e->ts_us = us;
    e->received_at = rq->now;
    snprintf(e->event_id, sizeof e->event_id, "%s", event_id);
    snprintf(e->ts, sizeof e->ts, "%s", ts);
    snprintf(e->thread_ts, sizeof e->thread_ts, "%s", thread_ts ? thread_ts : "");
    e->len = strip_mentions(text, n, auths, e->text);
    e->len = slack_unescape(e->text, e->len);
    return e;
}

/* POST /slack/events */
void slack_events(struct serve *sv, struct store *st, const struct http_request *rq, struct http_response *rs)
{
    if (slack_verified(sv, rq, rs)) return;
    json_error_t je;
    json_t *p = json_loadb(rq->body, rq->len, JSON_REJECT_DUPLICATES, &je);
    struct slack_event *e = NULL;
    if (!p || !json_is_object(p) || !str_of(p, "type")) {
        respond_error(rs, 400, "the body must be a JSON object with a type%s%s", p ? "" : ": ",
                      p ? "" : je.text);
        goto out;
    }
    const char *type = str_of(p, "type");
    if (strcmp(type, "url_verification") == 0) {
        /* Slack checks the Request URL: the challenge back, as it was sent. */
        const char *c = str_of(p, "challenge");
        json_t *o = c ? json_pack("{s:s}", "challenge", c) : NULL;
        if (!c)
            respond_error(rs, 400, "challenge is missing");
        else
            respond_json(rs, 200, o);
        json_decref(o);
        goto out;
    }
    if (strcmp(type, "event_callback") != 0) {
        ignored(rs, "not an event_callback");
        goto out;
    }
    json_t *ev = json_object_get(p, "event"), *auths = json_object_get(p, "authorizations");
    const char *kind = str_of(ev, "type"), *user = str_of(ev, "user");
    if (!json_is_object(ev) || !kind) {
        respond_error(rs, 400, "event must be an object with a type");
        goto out;
    }
    /* Only a person's own words are commands: never a bot's (concierge's own replies
     * included), never an edit, a deletion or any other kind of message. */
    const char *ct = str_of(ev, "channel_type"), *skip = NULL;
    int dm = ct && strcmp(ct, "im") == 0;
    if (strcmp(kind, "app_mention") != 0 && strcmp(kind, "message") != 0)
        skip = "another event type";
    else if (json_object_get(ev, "bot_id") && !json_is_null(json_object_get(ev, "bot_id")))
        skip = "a bot's message";
    else if (json_object_get(ev, "subtype") && !json_is_null(json_object_get(ev, "subtype")))
        skip = "a message subtype";
    else if (strcmp(kind, "message") == 0 && !dm)
        skip = "a message outside a direct message";
    else if (user && is_bot(auths, user, strlen(user)))
        skip = "the bot's own message";
    if (skip) {
        ignored(rs, skip);
        goto out;
    }
    if (!(e = read_message(sv, p, ev, auths, dm, rq, rs))) goto out;
    if (!sv->slack_bot_token[0]) {
        /* Nothing could be said back: nothing is done (the start-up warning said so). */
        log_event("warn", "slack_event", "\"unanswerable\":true,\"why\":\"no Slack bot token\"");
        rs->status = 200;
        rs->content_type = NULL;
        goto out;
    }
    enum store_status claim = store_slack_event_claim(st, e->event_id, e->channel, e->ts, e->ts_us, rq->now,
                                                      rq->now - SLACK_EVENT_KEPT);
    if (claim == STORE_EXISTS) {
        /* A retry, another server's, or the same message under its other event: acted on once. */
        log_event("info", "slack_event", "\"repeat\":true");
        rs->status = 200;
        rs->content_type = NULL;
        goto out;
    }
    if (claim != STORE_OK) {
        /* Slack sends it again: nothing was claimed. */
        respond_error(rs, 500, "the access store failed");
        goto out;
    }
    e->queued_ms = slack_event_clock_ms();
    char event_id[SLACK_EVENT_ID_MAX + 1];
    snprintf(event_id, sizeof event_id, "%s", e->event_id);
    struct slack_event *queued = e;
    e = NULL; /* the job's now, whatever happens */
    if (serve_run(sv, slack_event_run, queued) != 0) {
        /* Not queued (the queue is full or the server stopping): the claim is given back and
         * Slack told to try again later, so the message is not lost. */
        if (store_slack_event_release(st, event_id) != STORE_OK)
            log_event("error", "store", "\"why\":\"a Slack event's claim could not be given back\"");
        respond_error(rs, 503, "busy: try again");
        goto out;
    }
    rs->status = 200; /* acknowledged: the command runs on the jobs' thread */
    rs->content_type = NULL;
out:
    free(e);
    json_decref(p);
}
