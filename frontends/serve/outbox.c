/* The outbox (outbox.h). */
#include "outbox.h"

#include <curl/curl.h>
#include <errno.h>
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
    if (d->secret) OPENSSL_cleanse(d->secret, strlen(d->secret)); /* no copy left in freed memory */
    free(d->secret);
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

static size_t discard(char *ptr, size_t size, size_t n, void *arg)
{
    (void)ptr, (void)arg;
    return size * n;
}

/* One attempt: 1 delivered, 0 worth retrying, -1 refused for good. A signed delivery is signed
 * here, at the time of this try. */
static int attempt(CURL *c, const struct delivery *d, long *code)
{
    struct concierge_sig sg;
    *code = 0;
    if (d->secret && concierge_sign(d->secret, strlen(d->secret), (int64_t)time(NULL), d->body, d->len, &sg))
        return 0;
    /* A header that could not be added (out of memory) is a failed try, never a POST without
     * it: a signed delivery is never sent unsigned. */
    const char *lines[] = {"Content-Type: application/json", d->secret ? sg.timestamp_header : NULL,
                           d->secret ? sg.signature_header : NULL};
    struct curl_slist *h = NULL;
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        struct curl_slist *t = lines[i] ? curl_slist_append(h, lines[i]) : h;
        if (!t) {
            curl_slist_free_all(h);
            return 0;
        }
        h = t;
    }
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
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "concierge");
    CURLcode rc = curl_easy_perform(c);
    curl_slist_free_all(h);
    *code = 0;
    if (rc != CURLE_OK) return 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, code);
    if (*code >= 200 && *code < 300) return 1;
    return *code == 429 || *code >= 500 ? 0 : -1;
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
        long code = 0;
        if (!curl_ready) {
            curl_ready = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 1 : -1;
            if (curl_ready == 1) c = curl_easy_init();
        }
        int got = c ? attempt(c, d, &code) : 0;
        d->attempts++;
        pthread_mutex_lock(&o->lock);
        if (got == 1) {
            atomic_fetch_add(&o->m->deliveries_ok, 1);
            delivery_free(d);
        } else if (got == 0 && d->attempts < OUTBOX_ATTEMPTS) {
            atomic_fetch_add(&o->m->deliveries_retried, 1);
            log_event("warn", "delivery", "\"status\":%ld,\"attempt\":%d", code, d->attempts);
            d->due_ms = now_ms() + ((int64_t)o->first_delay_ms << (d->attempts - 1));
            enqueue(o, d);
        } else {
            atomic_fetch_add(&o->m->deliveries_failed, 1);
            log_event("error", "delivery", "\"status\":%ld,\"attempt\":%d,\"gave_up\":true", code,
                      d->attempts);
            delivery_free(d);
        }
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

/* Queues d now; 0, or -1 (d freed) when the queue is full or stopping. */
static int queue_now(struct outbox *o, struct delivery *d)
{
    d->due_ms = now_ms();
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

int outbox_run(struct outbox *o, outbox_job_fn job, void *arg)
{
    struct delivery *d = calloc(1, sizeof *d);
    if (!d) {
        job(arg, NULL, NULL, NULL);
        return -1;
    }
    d->job = job;
    d->job_arg = arg;
    return queue_now(o, d);
}

int outbox_post(struct outbox *o, const char *url, const char *body, size_t len)
{
    return outbox_post_signed(o, url, body, len, NULL);
}

int outbox_post_signed(struct outbox *o, const char *url, const char *body, size_t len,
                       const char *signing_secret)
{
    struct delivery *d = calloc(1, sizeof *d);
    if (!d) return -1;
    d->url = strdup(url);
    d->body = malloc(len + 1);
    int want_secret = signing_secret && *signing_secret;
    if (want_secret) d->secret = strdup(signing_secret);
    if (!d->url || !d->body || (want_secret && !d->secret)) {
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
