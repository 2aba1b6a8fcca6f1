/* The outbox (outbox.h). */
#include "outbox.h"

#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "concierge_sig.h"
#include "log.h"
#include "metrics.h"

struct delivery {
    struct delivery *next;
    char *url, *body; /* NULL while a job has still to make them */
    size_t len;
    char *secret; /* signs each try (a bot's callback); NULL: unsigned */
    char *bearer; /* Authorization: Bearer (Slack's bot token); NULL: none */
    int slack_api;
    const char *what; /* for the log (a Slack method's name): static, or NULL */
    outbox_job_fn job;
    void *job_arg;
    int attempts;   /* made so far */
    int64_t due_ms; /* CLOCK_MONOTONIC */
};

struct outbox {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    struct delivery *queue; /* by due time */
    int queued, stopping;
    int64_t stop_by_ms;
    int first_delay_ms;
    struct metrics *m;
};

static int64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void delivery_free(struct delivery *d)
{
    if (d->job) d->job(d->job_arg, NULL, NULL, NULL); /* never run: it frees its argument */
    free(d->url);
    free(d->body);
    /* No copy of a secret left in freed memory. */
    if (d->secret) OPENSSL_cleanse(d->secret, strlen(d->secret));
    if (d->bearer) OPENSSL_cleanse(d->bearer, strlen(d->bearer));
    free(d->secret);
    free(d->bearer);
    free(d);
}

/* Inserts d in due order; the lock is held. */
static void enqueue(struct outbox *o, struct delivery *d)
{
    struct delivery **p = &o->queue;
    while (*p && (*p)->due_ms <= d->due_ms)
        p = &(*p)->next;
    d->next = *p;
    *p = d;
    o->queued++;
    pthread_cond_signal(&o->wake);
}

/* What a try heard back: the answer's body is kept only for Slack's Web API, whose 200 may
 * still say {"ok":false,"error":…}. */
struct answer {
    char *buf;
    size_t len;
    int too_long, oom;
    int keep;
};

static size_t take_answer(char *ptr, size_t size, size_t n, void *arg)
{
    struct answer *a = arg;
    size_t k = size * n;
    if (!a->keep || a->too_long || a->oom) return k;
    if (a->len + k > OUTBOX_ANSWER_MAX) {
        /* Not read cut: an answer this long is not understood at all (a failure, logged). */
        a->too_long = 1;
        return k;
    }
    char *b = realloc(a->buf, a->len + k + 1);
    if (!b) {
        a->oom = 1;
        return k;
    }
    memcpy(b + a->len, ptr, k);
    a->len += k;
    b[a->len] = '\0';
    a->buf = b;
    return k;
}

/* Slack's errors that a later try may not meet again (docs.slack.dev, Web API: errors). */
static int slack_error_passes(const char *e)
{
    static const char *const passing[] = {"internal_error", "fatal_error", "service_unavailable",
                                          "request_timeout", "ratelimited"};
    for (size_t i = 0; i < sizeof passing / sizeof passing[0]; i++)
        if (strcmp(e, passing[i]) == 0) return 1;
    return 0;
}

/* Slack's verdict on a 2xx answer: 1 ok, 0 worth retrying, -1 refused for good; *error gets
 * Slack's error, made safe for the log (malloc'd, or NULL). */
static int slack_verdict(const struct answer *a, char **error)
{
    *error = NULL;
    json_t *o = a->buf && !a->too_long && !a->oom ? json_loadb(a->buf, a->len, 0, NULL) : NULL;
    json_t *ok = json_object_get(o, "ok");
    const char *e = json_string_value(json_object_get(o, "error"));
    int verdict = json_is_true(ok) ? 1 : -1;
    if (!json_is_boolean(ok))
        e = a->too_long ? "(an answer too long to read)"
            : a->oom    ? "(no memory to read the answer)"
                        : "(not an answer of Slack's Web API)";
    else if (!e && verdict < 0)
        e = "(no error named)";
    if (verdict < 0 && e && slack_error_passes(e)) verdict = 0;
    if (verdict < 0 || (verdict == 0 && e)) {
        /* Slack's words are short snake_case; anything else in them is not copied to the log. */
        *error = strdup(e);
        for (char *p = *error; p && *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == ' ' ||
                  *p == '(' || *p == ')' || *p == '\'' || *p == '.'))
                *p = '?';
    }
    json_decref(o);
    return verdict;
}

int outbox_attempt(void *curl, const struct outbox_post *d, long *code, long *retry_after_s,
                   char **slack_error)
{
    CURL *c = curl;
    struct concierge_sig sg;
    *code = 0;
    *retry_after_s = 0;
    *slack_error = NULL;
    if (d->secret && concierge_sign(d->secret, strlen(d->secret), (int64_t)time(NULL), d->body, d->len, &sg))
        return 0;
    /* The bearer token goes in a header line of its own, wiped once sent. */
    char *auth = NULL;
    size_t auth_len = 0;
    if (d->bearer) {
        auth_len = strlen("Authorization: Bearer ") + strlen(d->bearer) + 1;
        if (!(auth = malloc(auth_len))) return 0;
        snprintf(auth, auth_len, "Authorization: Bearer %s", d->bearer);
    }
    /* A header that could not be added (out of memory) is a failed try, never a POST without
     * it: a signed delivery is never sent unsigned. */
    const char *lines[] = {
        d->slack_api ? "Content-Type: application/json; charset=utf-8" : "Content-Type: application/json",
        d->secret ? sg.timestamp_header : NULL, d->secret ? sg.signature_header : NULL, auth, d->header};
    struct curl_slist *h = NULL;
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        struct curl_slist *t = lines[i] ? curl_slist_append(h, lines[i]) : h;
        if (!t) {
            curl_slist_free_all(h);
            if (auth) OPENSSL_cleanse(auth, auth_len);
            free(auth);
            return 0;
        }
        h = t;
    }
    /* curl_slist_append copied the line: this copy is wiped now, the list's when it is freed. */
    if (auth) OPENSSL_cleanse(auth, auth_len);
    free(auth);
    struct answer ans = {.keep = d->slack_api};
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, d->url);
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, d->body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)d->len);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L); /* a redirect could lead anywhere */
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, take_answer);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &ans);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "concierge");
    CURLcode rc = curl_easy_perform(c);
    for (struct curl_slist *l = h; l; l = l->next)
        if (d->bearer && strncmp(l->data, "Authorization:", 14) == 0)
            OPENSSL_cleanse(l->data, strlen(l->data));
    curl_slist_free_all(h);
    *code = 0;
    int verdict;
    if (rc != CURLE_OK) {
        verdict = 0;
    } else {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, code);
        if (*code == 429) {
            curl_off_t after = 0;
            if (curl_easy_getinfo(c, CURLINFO_RETRY_AFTER, &after) == CURLE_OK && after > 0)
                *retry_after_s = after > LONG_MAX ? LONG_MAX : (long)after;
        }
        if (*code >= 200 && *code < 300)
            verdict = d->slack_api ? slack_verdict(&ans, slack_error) : 1;
        else
            verdict = *code == 408 || *code == 429 || *code >= 500 ? 0 : -1;
    }
    if (verdict == 1 && d->answer && ans.buf) {
        *d->answer = ans.buf; /* the caller's now */
        ans.buf = NULL;
    }
    free(ans.buf);
    return verdict;
}

/* The log's fields for a delivery: Slack's method, and Slack's error, when there are. */
static void log_delivery(const char *level, const struct delivery *d, long code, const char *slack_error,
                         const char *more)
{
    log_event(level, "delivery", "\"status\":%ld,\"attempt\":%d%s%s%s%s%s%s%s", code, d->attempts,
              d->what ? ",\"slack_method\":\"" : "", d->what ? d->what : "", d->what ? "\"" : "",
              slack_error ? ",\"slack_error\":\"" : "", slack_error ? slack_error : "",
              slack_error ? "\"" : "", more);
}

static void *run(void *arg)
{
    struct outbox *o = arg;
    /* libcurl (and the TLS library under it) is set up at the first delivery, not at start:
     * a server that never posts anything keeps it out of its memory. Only this thread uses
     * it. */
    CURL *c = NULL;
    int curl_ready = 0;
    pthread_mutex_lock(&o->lock);
    for (;;) {
        int64_t t = now_ms();
        if (o->stopping && (!o->queue || t >= o->stop_by_ms)) break;
        if (!o->queue || o->queue->due_ms > t) {
            int64_t until = o->queue ? o->queue->due_ms : t + 1000;
            if (o->stopping && until > o->stop_by_ms) until = o->stop_by_ms;
            struct timespec ts;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            int64_t wait = until - t;
            ts.tv_sec += wait / 1000;
            ts.tv_nsec += (wait % 1000) * 1000000;
            if (ts.tv_nsec >= 1000000000) ts.tv_sec++, ts.tv_nsec -= 1000000000;
            pthread_cond_timedwait(&o->wake, &o->lock, &ts);
            continue;
        }
        struct delivery *d = o->queue;
        o->queue = d->next;
        o->queued--;
        pthread_mutex_unlock(&o->lock);
        if (d->job) {
            /* The job's work happens here, off the request threads; it says what to post. */
            outbox_job_fn job = d->job;
            d->job = NULL;
            if (job(d->job_arg, &d->url, &d->body, &d->len) != 0 || !d->url || !d->body) {
                delivery_free(d);
                pthread_mutex_lock(&o->lock);
                continue;
            }
        }
        long code = 0, retry_after = 0;
        char *slack_error = NULL;
        if (!curl_ready) {
            curl_ready = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 1 : -1;
            if (curl_ready == 1) c = curl_easy_init();
        }
        struct outbox_post post = {d->url, d->body, d->len, d->secret, d->bearer, d->slack_api, NULL, NULL};
        int got = c ? outbox_attempt(c, &post, &code, &retry_after, &slack_error) : 0;
        d->attempts++;
        /* A 429 says how long to wait (Slack's rate limits): that long, not the back-off; a
         * wait past OUTBOX_RETRY_AFTER_MAX is not waited out, and the delivery given up. */
        int wait_too_long = got == 0 && retry_after > OUTBOX_RETRY_AFTER_MAX;
        pthread_mutex_lock(&o->lock);
        if (got == 1) {
            atomic_fetch_add(&o->m->deliveries_ok, 1);
            delivery_free(d);
        } else if (got == 0 && d->attempts < OUTBOX_ATTEMPTS && !wait_too_long) {
            atomic_fetch_add(&o->m->deliveries_retried, 1);
            char more[48] = "";
            if (retry_after) snprintf(more, sizeof more, ",\"retry_after\":%ld", retry_after);
            log_delivery("warn", d, code, slack_error, more);
            d->due_ms = now_ms() + (retry_after ? (int64_t)retry_after * 1000
                                                : ((int64_t)o->first_delay_ms << (d->attempts - 1)));
            enqueue(o, d);
        } else {
            atomic_fetch_add(&o->m->deliveries_failed, 1);
            char more[64];
            snprintf(more, sizeof more, "%s,\"gave_up\":true",
                     wait_too_long ? ",\"retry_after_too_long\":true" : "");
            log_delivery("error", d, code, slack_error, more);
            delivery_free(d);
        }
        free(slack_error);
    }
    /* Stopping, and out of time: what is left is dropped, and said. */
    while (o->queue) {
        struct delivery *d = o->queue;
        o->queue = d->next;
        atomic_fetch_add(&o->m->deliveries_dropped, 1);
        log_event("error", "delivery", "\"dropped\":true,\"attempt\":%d", d->attempts);
        delivery_free(d);
    }
    pthread_mutex_unlock(&o->lock);
    if (c) curl_easy_cleanup(c);
    if (curl_ready == 1) curl_global_cleanup();
    return NULL;
}

int outbox_start(struct outbox **out, struct metrics *m, int first_delay_ms)
{
    struct outbox *o = calloc(1, sizeof *o);
    if (!o) return -1;
    o->m = m;
    o->first_delay_ms = first_delay_ms;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&o->lock, NULL);
    pthread_cond_init(&o->wake, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&o->thread, NULL, run, o) != 0) {
        free(o);
        return -1;
    }
    *out = o;
    return 0;
}

/* Queues d, due at due_ms; 0, or -1 (d freed) when the queue is full or stopping. */
static int queue_at(struct outbox *o, struct delivery *d, int64_t due_ms)
{
    d->due_ms = due_ms;
    pthread_mutex_lock(&o->lock);
    int full = o->stopping || o->queued >= OUTBOX_QUEUE_MAX;
    if (!full) enqueue(o, d);
    pthread_mutex_unlock(&o->lock);
    if (full) {
        atomic_fetch_add(&o->m->deliveries_dropped, 1);
        delivery_free(d);
        return -1;
    }
    return 0;
}

static int queue_now(struct outbox *o, struct delivery *d) { return queue_at(o, d, now_ms()); }

int outbox_run_after(struct outbox *o, outbox_job_fn job, void *arg, int delay_ms)
{
    struct delivery *d = calloc(1, sizeof *d);
    if (!d) {
        job(arg, NULL, NULL, NULL);
        return -1;
    }
    d->job = job;
    d->job_arg = arg;
    return queue_at(o, d, now_ms() + delay_ms);
}

int outbox_run(struct outbox *o, outbox_job_fn job, void *arg) { return outbox_run_after(o, job, arg, 0); }

int outbox_post(struct outbox *o, const char *url, const char *body, size_t len)
{
    return outbox_send(o, url, body, len, NULL);
}

int outbox_post_signed(struct outbox *o, const char *url, const char *body, size_t len,
                       const char *signing_secret)
{
    struct outbox_opts opts = {.signing_secret = signing_secret};
    return outbox_send(o, url, body, len, &opts);
}

int outbox_send(struct outbox *o, const char *url, const char *body, size_t len,
                const struct outbox_opts *opts)
{
    static const struct outbox_opts none = {0};
    if (!opts) opts = &none;
    struct delivery *d = calloc(1, sizeof *d);
    if (!d) return -1;
    d->url = strdup(url);
    d->body = malloc(len + 1);
    int want_secret = opts->signing_secret && *opts->signing_secret,
        want_bearer = opts->bearer && *opts->bearer;
    if (want_secret) d->secret = strdup(opts->signing_secret);
    if (want_bearer) d->bearer = strdup(opts->bearer);
    d->slack_api = opts->slack_api;
    d->what = opts->what;
    if (!d->url || !d->body || (want_secret && !d->secret) || (want_bearer && !d->bearer)) {
        delivery_free(d);
        return -1;
    }
    memcpy(d->body, body, len);
    d->body[len] = '\0';
    d->len = len;
    return queue_now(o, d);
}

void outbox_stop(struct outbox *o, int grace_ms)
{
    if (!o) return;
    pthread_mutex_lock(&o->lock);
    o->stopping = 1;
    o->stop_by_ms = now_ms() + grace_ms;
    pthread_cond_signal(&o->wake);
    pthread_mutex_unlock(&o->lock);
    pthread_join(o->thread, NULL);
    pthread_mutex_destroy(&o->lock);
    pthread_cond_destroy(&o->wake);
    free(o);
}
