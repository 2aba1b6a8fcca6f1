/* Prometheus metrics of concierge serve: requests by route and status, outcomes by intent,
 * a latency histogram, and the outbox's deliveries. Counters are atomics: every worker
 * thread adds to them without a lock. */
#ifndef CONCIERGE_METRICS_H
#define CONCIERGE_METRICS_H
#include <stdatomic.h>
#include <stdint.h>

#include "../../actions/reply.h"
#include "../../intent/intent.h"
#include "request.h"
#include "routes.h"

#define METRICS_CODES(X)   X(200) X(400) X(401) X(404) X(405) X(413) X(500) X(503)
#define METRICS_CODE_COUNT 9 /* the codes above and "other" */
#define METRICS_BUCKETS    12
#define METRICS_STATUSES   8 /* enum reply_status */

struct metrics {
    _Atomic uint64_t requests[ROUTE__COUNT][METRICS_CODE_COUNT];
    _Atomic uint64_t outcomes[IK__COUNT][METRICS_STATUSES];
    _Atomic uint64_t latency_bucket[METRICS_BUCKETS]; /* cumulative at render time, not here */
    _Atomic uint64_t latency_count;
    _Atomic uint64_t latency_sum_us;
    _Atomic uint64_t deliveries_ok, deliveries_failed, deliveries_retried, deliveries_dropped;
    /* The sweeper's (sweeper.h): sweeps by result, expiries it recorded, entries it removed. */
    _Atomic uint64_t sweeps_ok, sweeps_failed, expiries_grants, expiries_keys, collaborators_removed;
    /* The notifier's (notifier.h): notices by what became of a try. */
    _Atomic uint64_t notices_sent, notices_failed, notices_retried, notices_dropped;
    _Atomic int64_t in_flight;
};

/* Counts one command's outcome (intent kind and reply status; -1 for none: not counted). A
 * request's is counted by metrics_count; a Slack click's, carried out later, by itself. */
void metrics_outcome(struct metrics *m, int intent_kind, int reply_status);
/* Counts one answered request that took us microseconds. */
void metrics_count(struct metrics *m, enum route_id route, const struct http_response *rs, uint64_t us);
/* The text exposition format (version 0.0.4). */
void metrics_render(struct metrics *m, struct http_response *rs);

#endif
