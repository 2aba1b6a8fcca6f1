/* Metrics (metrics.h). */
#include "metrics.h"

#include "../../intent/text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const int codes[] = {
#define X(c) c,
    METRICS_CODES(X)
#undef X
};

/* Upper bounds of the latency buckets, in microseconds (the last bucket is +Inf). */
static const uint64_t bucket_us[METRICS_BUCKETS - 1] = {250,   500,   1000,   2500,   5000,   10000,
                                                        25000, 50000, 100000, 500000, 2500000};

static int code_slot(int status)
{
    for (int i = 0; i < METRICS_CODE_COUNT - 1; i++)
        if (codes[i] == status) return i;
    return METRICS_CODE_COUNT - 1;
}

void metrics_outcome(struct metrics *m, int intent_kind, int reply_status)
{
    if (intent_kind >= 0 && intent_kind < IK__COUNT && reply_status >= 0 && reply_status < METRICS_STATUSES)
        atomic_fetch_add_explicit(&m->outcomes[intent_kind][reply_status], 1, memory_order_relaxed);
}

void metrics_count(struct metrics *m, enum route_id route, const struct http_response *rs, uint64_t us)
{
    atomic_fetch_add_explicit(&m->requests[route][code_slot(rs->status)], 1, memory_order_relaxed);
    metrics_outcome(m, rs->intent_kind, rs->reply_status);
    int b = 0;
    while (b < METRICS_BUCKETS - 1 && us > bucket_us[b])
        b++;
    atomic_fetch_add_explicit(&m->latency_bucket[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->latency_count, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->latency_sum_us, us, memory_order_relaxed);
}

static uint64_t get(_Atomic uint64_t *v) { return atomic_load_explicit(v, memory_order_relaxed); }

void metrics_render(struct metrics *m, struct http_response *rs)
{
    struct text t = TEXT_INIT;
    text_printf(&t, "# HELP concierge_http_requests_total HTTP requests answered, by route and status code.\n"
                    "# TYPE concierge_http_requests_total counter\n");
    for (int r = 0; r < ROUTE__COUNT; r++)
        for (int c = 0; c < METRICS_CODE_COUNT; c++) {
            uint64_t v = get(&m->requests[r][c]);
            if (!v) continue;
            if (c < METRICS_CODE_COUNT - 1)
                text_printf(&t, "concierge_http_requests_total{route=\"%s\",code=\"%d\"} %llu\n",
                            route_path((enum route_id)r), codes[c], (unsigned long long)v);
            else
                text_printf(&t, "concierge_http_requests_total{route=\"%s\",code=\"other\"} %llu\n",
                            route_path((enum route_id)r), (unsigned long long)v);
        }
    text_printf(&t, "# HELP concierge_outcomes_total Commands answered, by intent and reply status.\n"
                    "# TYPE concierge_outcomes_total counter\n");
    for (int k = 0; k < IK__COUNT; k++)
        for (int s = 0; s < METRICS_STATUSES; s++) {
            uint64_t v = get(&m->outcomes[k][s]);
            if (v)
                text_printf(&t, "concierge_outcomes_total{intent=\"%s\",status=\"%s\"} %llu\n",
                            intent_kind_name((enum intent_kind)k), reply_status_name((enum reply_status)s),
                            (unsigned long long)v);
        }
    text_printf(
        &t, "# HELP concierge_http_request_duration_seconds Time from a request's arrival to its answer.\n"
            "# TYPE concierge_http_request_duration_seconds histogram\n");
    uint64_t cumulative = 0;
    for (int b = 0; b < METRICS_BUCKETS; b++) {
        cumulative += get(&m->latency_bucket[b]);
        if (b < METRICS_BUCKETS - 1)
            text_printf(&t, "concierge_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
                        bucket_us[b] / 1e6, (unsigned long long)cumulative);
        else
            text_printf(&t, "concierge_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
                        (unsigned long long)cumulative);
    }
    text_printf(&t, "concierge_http_request_duration_seconds_sum %.6f\n", get(&m->latency_sum_us) / 1e6);
    text_printf(&t, "concierge_http_request_duration_seconds_count %llu\n",
                (unsigned long long)get(&m->latency_count));
    text_printf(&t,
                "# HELP concierge_deliveries_total POSTs to response_url and callback_url, by result.\n"
                "# TYPE concierge_deliveries_total counter\n"
                "concierge_deliveries_total{result=\"ok\"} %llu\n"
                "concierge_deliveries_total{result=\"failed\"} %llu\n"
                "concierge_deliveries_total{result=\"retried\"} %llu\n"
                "concierge_deliveries_total{result=\"dropped\"} %llu\n",
                (unsigned long long)get(&m->deliveries_ok), (unsigned long long)get(&m->deliveries_failed),
                (unsigned long long)get(&m->deliveries_retried),
                (unsigned long long)get(&m->deliveries_dropped));
    text_printf(&t,
                "# HELP concierge_sweeps_total Runs of the sweeper, by result.\n"
                "# TYPE concierge_sweeps_total counter\n"
                "concierge_sweeps_total{result=\"ok\"} %llu\n"
                "concierge_sweeps_total{result=\"failed\"} %llu\n"
                "# HELP concierge_expiries_recorded_total Expiries this server recorded as events, by what "
                "expired.\n"
                "# TYPE concierge_expiries_recorded_total counter\n"
                "concierge_expiries_recorded_total{item=\"grant\"} %llu\n"
                "concierge_expiries_recorded_total{item=\"key\"} %llu\n"
                "# HELP concierge_collaborators_removed_total Collaborator entries the sweeper removed with "
                "nothing behind them.\n"
                "# TYPE concierge_collaborators_removed_total counter\n"
                "concierge_collaborators_removed_total %llu\n",
                (unsigned long long)get(&m->sweeps_ok), (unsigned long long)get(&m->sweeps_failed),
                (unsigned long long)get(&m->expiries_grants), (unsigned long long)get(&m->expiries_keys),
                (unsigned long long)get(&m->collaborators_removed));
    text_printf(
        &t,
        "# HELP concierge_notices_total Tries of notices (lifecycle.md) this server made, by result.\n"
        "# TYPE concierge_notices_total counter\n"
        "concierge_notices_total{result=\"sent\"} %llu\n"
        "concierge_notices_total{result=\"failed\"} %llu\n"
        "concierge_notices_total{result=\"retried\"} %llu\n"
        "concierge_notices_total{result=\"dropped\"} %llu\n",
        (unsigned long long)get(&m->notices_sent), (unsigned long long)get(&m->notices_failed),
        (unsigned long long)get(&m->notices_retried), (unsigned long long)get(&m->notices_dropped));
    text_printf(&t,
                "# HELP concierge_http_requests_in_flight Requests being answered now.\n"
                "# TYPE concierge_http_requests_in_flight gauge\n"
                "concierge_http_requests_in_flight %lld\n",
                (long long)atomic_load(&m->in_flight));
    size_t len = t.len;
    char *body = text_take(&t);
    if (!body) {
        respond_error(rs, 500, "out of memory");
        return;
    }
    response_clear(rs);
    rs->status = 200;
    rs->content_type = "text/plain; version=0.0.4; charset=utf-8";
    rs->body = body;
    rs->len = len;
}
