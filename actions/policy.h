/* The max-duration policy (lifecycle.md): the longest a grant of a role may run in a sandbox,
 * set by its owner (set_policy), under a ceiling its workspace may set (admin workspace
 * policy). The rule is here and nowhere else: a change may give a role access until at most
 * the moment it is carried out plus the limit in force, counted as an expiry `for` that
 * length would be (calendar months and years, days in the context zone; docs/decisions.md),
 * and never with no expiry where there is a limit. Nothing is shortened to fit: a change
 * over the limit is refused whole, with a phrase that fits. Grants already given are not cut.
 *
 * Every door that gives a grant time asks policy_check_grant:
 *   - invite, change_role, set_expiry (actions/commands.c): when the change is described, so
 *     that one the policy refuses is never offered for confirmation, and again as each grant
 *     is written, inside the change's transaction with the sandbox held, so that a change
 *     confirmed after a policy was set (a pending one, on any front end) is refused too;
 *   - admin link --merge (actions/admin.c), for each grant the merge would make;
 *   - request_access and approve_request, when they come (lifecycle.md): the request when it
 *     is made, and the approval through the invite's path, which passes the write's check
 *     (policy_hint has the place for a request's hint). */
#ifndef CONCIERGE_POLICY_H
#define CONCIERGE_POLICY_H
#include <stdint.h>

#include "execute.h"

/* The limit in force for a role in a sandbox, at an instant. */
struct policy_limit {
    int has;             /* 0: grants of the role may run any length */
    struct duration max; /* the limit in force */
    int from_workspace;  /* it is the workspace's ceiling (else the sandbox's own) */
    int64_t latest;      /* the latest expiry a change carried out at now may give */
    int has_own, has_ceiling;
    struct duration own, ceiling; /* the sandbox's own limit, the workspace's ceiling */
};

/* The limit in force for role in sb at now: the sandbox's own or the workspace's ceiling,
 * whichever ends sooner from now (a sandbox's limit may be shorter than the ceiling, never
 * longer). 0, or -1 on a store failure (or a stored limit that cannot be read back). */
int policy_in_force(struct store *s, const struct st_sandbox *sb, enum role role, int64_t now,
                    struct policy_limit *out);

/* Is a grant with this expiry (has_expiry 0: none) within the limit? 1 yes, 0 no. */
int policy_allows(const struct policy_limit *p, int has_expiry, int64_t expires_at);

/* The one check of a change that gives grant g (as it would be once the change is made) in
 * sb, for intent it, carried out at x->now: 0 when the policy allows it; -1 with r set when
 * it does not (policy_max_duration, with a hint that fits) or on a store failure. */
int policy_check_grant(struct exec_ctx *x, const struct st_sandbox *sb, const struct intent *it,
                       const struct st_grant *g, struct reply *r);

/* A failure of policy_in_force (rc -1: the store's; -2: a stored limit that cannot be read
 * back) said in r as an error: -1. */
int policy_failed(struct store *s, int rc, struct reply *r);

/* An ISO 8601 limit as the store keeps it, read back: 0, or -1 when it is not one. */
int policy_duration_parse(const char *iso, struct duration *d);

#endif
