/* The handlers of the access requests (lifecycle.md, Access requests): request_access,
 * approve_request, deny_request, named by their rows in intent/intent_kinds.def. */
#ifndef CONCIERGE_REQUESTS_H
#define CONCIERGE_REQUESTS_H
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

#endif
