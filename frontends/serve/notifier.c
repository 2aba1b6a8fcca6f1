/* serve's notifier (notifier.h). */
#include "notifier.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../intent/text.h"
#include "../../intent/timecalc.h"
#include "../../store/store.h"
#include "log.h"
#include "outbox.h"
#include "serve.h"
#include "ticker.h"

struct notifier {
    struct serve *sv;
    struct ticker *ticker;
    CURL *curl; /* the ticker thread's, made at the first delivery */
    int curl_ready;
};

/* A claimed notice, copied out of the store's callback. */
struct claimed {
    struct st_notice n;
    char *text, *extra, *url, *secret;
};

struct claims {
    struct claimed *items;
    size_t n;
    int oom;
};

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

static int take(void *ctx, const struct st_notice *n)
{
    struct claims *c = ctx;
    struct claimed *items = realloc(c->items, (c->n + 1) * sizeof *items);
    if (!items) {
        c->oom = 1;
        return 1;
    }
    c->items = items;
    struct claimed *k = &items[c->n++];
    k->n = *n;
    k->text = dup_or_null(n->text);
    k->extra = dup_or_null(n->extra);
    k->url = dup_or_null(n->url);
    k->secret = dup_or_null(n->secret);
    k->n.text = k->n.extra = k->n.url = k->n.secret = NULL;
    if (!k->text || !k->extra || (n->url && !k->url) || (n->secret && !k->secret)) c->oom = 1;
    return c->oom;
}

static void claims_free(struct claims *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->items[i].text);
        free(c->items[i].extra);
        free(c->items[i].url);
        free(c->items[i].secret);
    }
    free(c->items);
}

/* A reminder says only what still ends as it said: its grants revoked, extended or made
 * permanent since are left out (lifecycle.md). *text gets what is left (malloc'd), NULL when
 * nothing is; -1 on a store failure or out of memory. Any other notice is its text. */
static int text_now(struct store *st, const struct claimed *k, char **text)
{
    *text = NULL;
    json_t *extra = k->extra && k->extra[0] ? json_loads(k->extra, 0, NULL) : NULL;
    json_t *items = json_object_get(extra, "items");
    if (strcmp(k->n.kind, "reminder") != 0 || !json_is_array(items)) {
        json_decref(extra);
        *text = strdup(k->text);
        return *text ? 0 : -1;
    }
    struct text t = TEXT_INIT;
    int left = 0, rc = 0;
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        int still = store_grant_expires(st, json_integer_value(json_object_get(it, "grant")),
                                        json_integer_value(json_object_get(it, "expires_at")));
        if (still < 0) {
            rc = -1;
            break;
        }
        if (!still) continue;
        if (!left++) text_puts(&t, json_string_value(json_object_get(extra, "head")));
        text_printf(&t, "\n- %s", json_string_value(json_object_get(it, "line")));
    }
    if (left) text_printf(&t, "\n%s", json_string_value(json_object_get(extra, "foot")));
    json_decref(extra);
    if (rc || text_failed(&t)) {
        text_free(&t);
        return -1;
    }
    if (left) *text = text_take(&t);
    text_free(&t);
    return left && !*text ? -1 : 0;
}

/* Slack's mrkdwn reads &, < and > as its own: they are escaped, so a name or a note is shown
 * as it was written (docs.slack.dev, formatting: escaping text). */
static char *slack_escaped(const char *s)
{
    struct text t = TEXT_INIT;
    for (; *s; s++) {
        if (*s == '&')
            text_puts(&t, "&amp;");
        else if (*s == '<')
            text_puts(&t, "&lt;");
        else if (*s == '>')
            text_puts(&t, "&gt;");
        else
            text_printf(&t, "%c", *s);
    }
    char *out = text_failed(&t) ? NULL : text_take(&t);
    text_free(&t);
    return out;
}

/* The body of the POST, and where it goes: Slack or the webhook. NULL body: nowhere (why says
 * why). */
static char *body_of(const struct notifier *w, const struct claimed *k, const char *text, int *slack,
                     const char **why)
{
    const struct serve *sv = w->sv;
    *slack = k->n.slack_user[0] && sv->slack_bot_token[0];
    json_t *o;
    if (*slack) {
        char *esc = slack_escaped(text);
        /* The user's ID as the channel: the app's direct message with them. */
        const char *uid = strncmp(k->n.slack_user, "slack:", 6) == 0 ? k->n.slack_user + 6 : k->n.slack_user;
        o = esc ? json_pack("{s:s, s:s, s:b}", "channel", uid, "text", esc, "unfurl_links", 0) : NULL;
        /* A request for the owner: its Approve and Deny buttons (the click is the answer). */
        json_t *extra = k->extra && k->extra[0] ? json_loads(k->extra, 0, NULL) : NULL;
        const char *token = json_string_value(json_object_get(extra, "request"));
        if (o && esc && token && strcmp(k->n.kind, "requested") == 0) {
            json_t *blocks = json_pack(
                "[{s:s, s:{s:s, s:s}}, {s:s, s:[{s:s, s:{s:s, s:s}, s:s, s:s, s:s}, {s:s, s:{s:s, s:s}, s:s, "
                "s:s, "
                "s:s}]}]",
                "type", "section", "text", "type", "mrkdwn", "text", esc, "type", "actions", "elements",
                "type", "button", "text", "type", "plain_text", "text", "Approve", "action_id",
                "approve_request", "value", token, "style", "primary", "type", "button", "text", "type",
                "plain_text", "text", "Deny", "action_id", "deny_request", "value", token, "style", "danger");
            if (!blocks || json_object_set_new(o, "blocks", blocks)) {
                json_decref(o);
                o = NULL;
            }
        }
        json_decref(extra);
        free(esc);
    } else if (k->url) {
        char at[32];
        format_rfc3339(k->n.at, at);
        o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "id", k->n.id, "kind", k->n.kind, "sandbox",
                      k->n.sandbox, "principal", k->n.principal, "text", text, "at", at, "event",
                      k->n.event_id ? json_integer(k->n.event_id) : json_null());
    } else {
        *why = k->n.slack_user[0]
                   ? "no Slack bot token (CONCIERGE_SLACK_BOT_TOKEN) and no webhook for the sandbox"
                   : "the sandbox has no webhook any more (admin notify)";
        return NULL;
    }
    char *body = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(o);
    if (!body) *why = "out of memory";
    return body;
}

/* An owner's request notice posted to Slack: where it is kept (so that it can be updated), and
 * when it replaces an earlier request, that one's message updated to say so, its buttons gone
 * (lifecycle.md). The update is told once; when it fails it is logged, and a click on the old
 * buttons still finds that request answered. */
static void posted(struct notifier *w, struct store *st, const struct claimed *k, const char *answer)
{
    if (strcmp(k->n.kind, "requested") != 0) return;
    json_t *a = json_loads(answer, 0, NULL), *extra = json_loads(k->extra ? k->extra : "", 0, NULL);
    const char *channel = json_string_value(json_object_get(a, "channel"));
    const char *ts = json_string_value(json_object_get(a, "ts"));
    const char *token = json_string_value(json_object_get(extra, "request"));
    const char *old = json_string_value(json_object_get(extra, "replaces"));
    if (channel && ts && store_notice_posted(st, k->n.id, channel, ts) != STORE_OK)
        log_event("error", "notice", "\"id\":\"%s\",\"why\":\"where it was posted could not be kept\"",
                  k->n.id);
    char was_channel[SLACK_EVENT_ID_MAX + 1], was_ts[SLACK_EVENT_ID_MAX + 1];
    if (old && token &&
        store_notice_message(st, old, was_channel, sizeof was_channel, was_ts, sizeof was_ts) == STORE_OK) {
        char text[128], url[SLACK_API_BASE_MAX + 32];
        snprintf(text, sizeof text, "Request %s was replaced by request %s: answer that one.", old, token);
        json_t *o =
            json_pack("{s:s, s:s, s:s, s:[{s:s, s:{s:s, s:s}}]}", "channel", was_channel, "ts", was_ts,
                      "text", text, "blocks", "type", "section", "text", "type", "mrkdwn", "text", text);
        char *body = o ? json_dumps(o, JSON_COMPACT) : NULL;
        snprintf(url, sizeof url, "%schat.update", w->sv->slack_api_base);
        struct outbox_post post = {url,  body, body ? strlen(body) : 0, NULL, w->sv->slack_bot_token, 1,
                                   NULL, NULL};
        long code = 0, retry_after = 0;
        char *slack_error = NULL;
        if (!body || outbox_attempt(w->curl, &post, &code, &retry_after, &slack_error) != 1)
            log_event("warn", "notice",
                      "\"id\":\"%s\",\"why\":\"the replaced request's message was not updated\"", k->n.id);
        free(slack_error);
        free(body);
        json_decref(o);
    }
    json_decref(a);
    json_decref(extra);
}

static void finish(struct store *st, const struct claimed *k, const char *state, int attempts,
                   int64_t next_try, int64_t now, const char *error)
{
    if (store_notice_finish(st, k->n.id, state, attempts, next_try, now, error) != STORE_OK)
        /* The claim lapses and the notice is tried again: a repeat the receiver can drop by its id. */
        log_event("error", "notice", "\"id\":\"%s\",\"why\":\"its delivery could not be recorded\"", k->n.id);
}

/* One try of one notice, and what became of it, in the store. */
static void deliver(struct notifier *w, struct store *st, const struct claimed *k, int64_t now)
{
    struct metrics *m = &w->sv->metrics;
    char *text = NULL;
    if (text_now(st, k, &text)) return; /* the claim lapses: tried again then */
    if (!text) {
        atomic_fetch_add(&m->notices_dropped, 1);
        finish(st, k, "dropped", k->n.attempts, now, now,
               "every grant it reminded of changed or ended since");
        return;
    }
    int slack = 0;
    const char *why = NULL;
    char *body = body_of(w, k, text, &slack, &why);
    free(text);
    if (!body) {
        atomic_fetch_add(&m->notices_failed, 1);
        finish(st, k, "failed", k->n.attempts, now, now, why);
        return;
    }
    if (!w->curl_ready) {
        w->curl_ready = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 1 : -1;
        if (w->curl_ready == 1) w->curl = curl_easy_init();
    }
    char url[SLACK_API_BASE_MAX + 32], id_header[64], *answer = NULL;
    if (slack) snprintf(url, sizeof url, "%schat.postMessage", w->sv->slack_api_base);
    snprintf(id_header, sizeof id_header, "X-Concierge-Notice-Id: %s", k->n.id);
    struct outbox_post post = {slack ? url : k->url,
                               body,
                               strlen(body),
                               slack ? NULL : k->secret,
                               slack ? w->sv->slack_bot_token : NULL,
                               slack,
                               slack ? NULL : id_header,
                               slack ? &answer : NULL};
    long code = 0, retry_after = 0;
    char *slack_error = NULL;
    int got = w->curl ? outbox_attempt(w->curl, &post, &code, &retry_after, &slack_error) : 0;
    free(body);
    if (got == 1 && answer) posted(w, st, k, answer);
    free(answer);
    int attempts = k->n.attempts + 1;
    /* What went wrong, whole (Slack's error is as long as Slack made it): kept for admin. */
    struct text error = TEXT_INIT;
    if (slack_error)
        text_printf(&error, "Slack said %s", slack_error);
    else if (code)
        text_printf(&error, "HTTP %ld", code);
    else
        text_puts(&error, "no answer");
    free(slack_error);
    if (got == 1) {
        atomic_fetch_add(&m->notices_sent, 1);
        finish(st, k, "sent", attempts, now, now, "");
        text_free(&error);
        return;
    }
    int give_up = got < 0 || now - k->n.created_at >= NOTICE_GIVE_UP;
    log_event(give_up ? "error" : "warn", "notice",
              "\"id\":\"%s\",\"route\":\"%s\",\"attempt\":%d,\"status\":%ld%s", k->n.id,
              slack ? "slack" : "webhook", attempts, code, give_up ? ",\"gave_up\":true" : "");
    if (give_up) {
        atomic_fetch_add(&m->notices_failed, 1);
        if (got == 0) text_puts(&error, "; tried for 24 hours");
        finish(st, k, "failed", attempts, now, now, text_failed(&error) ? "(out of memory)" : error.s);
        text_free(&error);
        return;
    }
    atomic_fetch_add(&m->notices_retried, 1);
    int64_t wait = NOTICE_FIRST_RETRY;
    for (int i = 1; i < attempts && wait < NOTICE_RETRY_MAX; i++)
        wait *= 2;
    if (wait > NOTICE_RETRY_MAX) wait = NOTICE_RETRY_MAX;
    if (retry_after > 0) wait = retry_after; /* Slack's rate limits say how long */
    finish(st, k, "pending", attempts, now + wait, now, text_failed(&error) ? "(out of memory)" : error.s);
    text_free(&error);
}

/* One turn: claims what is due and delivers it; 1 when a whole batch was due (more may be). */
static int turn(void *arg, struct ticker *t)
{
    struct notifier *w = arg;
    struct store *st = serve_thread_store(w->sv);
    if (!st) return 0;
    int64_t now = store_clock(st);
    struct claims c = {0};
    if (store_begin(st) != STORE_OK) {
        log_event("error", "notice", "\"why\":\"the outbox could not be read\"");
        return 0;
    }
    if (store_notice_claim(st, now, now + NOTICE_LEASE, NOTICE_BATCH, take, &c) != STORE_OK || c.oom) {
        store_rollback(st);
        claims_free(&c);
        log_event("error", "notice", "\"why\":\"the notices due could not be claimed\"");
        return 0;
    }
    if (store_commit(st) != STORE_OK) {
        claims_free(&c);
        return 0;
    }
    for (size_t i = 0; i < c.n && !atomic_load(ticker_stopping(t)); i++)
        deliver(w, st, &c.items[i], now);
    int full = c.n == NOTICE_BATCH;
    claims_free(&c);
    return full;
}

int notifier_start(struct notifier **out, struct serve *sv, int interval_ms)
{
    struct notifier *w = calloc(1, sizeof *w);
    if (!w) return -1;
    w->sv = sv;
    if (ticker_start(&w->ticker, interval_ms, turn, w)) {
        free(w);
        return -1;
    }
    *out = w;
    return 0;
}

void notifier_stop(struct notifier *w)
{
    if (!w) return;
    ticker_stop(w->ticker); /* the thread has ended: its libcurl handle is this one's now */
    if (w->curl) curl_easy_cleanup(w->curl);
    if (w->curl_ready == 1) curl_global_cleanup();
    free(w);
}
