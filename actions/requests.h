/* Access requests (lifecycle.md, "Access requests"): the handlers of request_access,
 * approve_request and deny_request (their rows in intent/intent_kinds.def), a requester's
 * withdrawal (`cancel R7K2`), the sweeper's lapse after 7 days, and the lists of list_pending.
 * A request needs no confirmation (it changes nothing but the request list); an answer is
 * confirmed like any change and goes through every check of an invite, the policy included. */
#ifndef CONCIERGE_REQUESTS_H
#define CONCIERGE_REQUESTS_H
#include <jansson.h>

#include "commands.h"

int request_check(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it, struct reply *r);
int request_run(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it, struct reply *r,
                struct audit_texts *au);
int approve_request_check(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it,
                          struct reply *r);
int approve_request_run(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it, struct reply *r,
                        struct audit_texts *au);
int deny_request_check(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it, struct reply *r);
int deny_request_run(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it, struct reply *r,
                     struct audit_texts *au);

/* A request object of lifecycle.md: {"token", "principal", "role", "project", "expires_at",
 * "duration", "note", "requested_at", "lapses_at"}. NULL when out of memory. */
json_t *requests_json(const struct st_request *q);

/* `cancel R7K2`: the actor's own waiting request withdrawn, audited, in its own transaction.
 * Anyone else's, or one no longer waiting, is request_not_found. */
void requests_withdraw(struct exec_ctx *x, const char *token, struct reply *r);

/* The sweeper's part: each request still waiting whose 7 days ended by now lapses, with its
 * event and the requester's notice, once. *lapsed gets how many. 0, or -1 with why. */
int requests_lapse(struct store *s, int64_t now, int *lapsed, char *why, size_t why_size);

/* The sandbox a request token names (a token needs no channel map): 0, 1 when there is no such
 * request, -1 on a store failure. */
int requests_sandbox_of(struct store *s, const char *token, char *sandbox, size_t size);

/* list_pending's "requests" (waiting for the actor as the sandbox's owner) and "my_requests"
 * (the actor's own) into result. 0, or -1. */
int requests_lists(struct exec_ctx *x, const struct st_sandbox *sb, json_t *result);

#endif
