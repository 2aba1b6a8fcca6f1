/* The sandbox runtime's questions, without language: may P perform an action, and is an
 * agent key good. The command line's `concierge check` and the server's /v1/check and
 * /v1/keys/verify ask them here, so the answers come from the one decision code. */
#ifndef CONCIERGE_RUNTIME_H
#define CONCIERGE_RUNTIME_H
#include <jansson.h>
#include <stdint.h>

#include "../store/store.h"
#include "authorise.h"

/* Parses an action's name (read, run, …, proxy); ACT_NONE when it is none of them. */
enum action runtime_action(const char *name);

/* The decision on (principal, action, project) in the named sandbox at now. A sandbox that
 * is missing, or outside workspace_id (when not 0), is denied as not found. 0, or -1 on a
 * store error (store_errmsg says why). */
int runtime_check(struct store *s, const char *sandbox, const char *principal, enum action action,
                  const char *project, int64_t now, int64_t workspace_id, struct decision *d);
/* {"decision", "rule", "reason"} (new reference). */
json_t *runtime_decision_json(const struct decision *d);

/* Is secret a live key of that agent in that sandbox (inside workspace_id, when not 0)?
 * *out gets {"valid", "kind", "principal", "expires_at"} (new reference). 0, or -1 on a
 * store error. */
int runtime_key_verify(struct store *s, const char *sandbox, const char *agent, const char *secret,
                       int64_t now, int64_t workspace_id, json_t **out);

#endif
