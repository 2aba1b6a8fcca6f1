/* Placeholders until access requests are carried out (lifecycle.md, Access requests): the
 * language reads request_access, approve_request and deny_request already, and each is
 * refused here, before anything is written, with a clear message. The real handlers replace
 * this file. */
#include "requests.h"

static int not_yet(struct reply *r)
{
    reply_fail(r, C_NOT_SUPPORTED, "access requests are not available yet: nothing was changed");
    return -1;
}

int request_check(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it, struct reply *r)
{
    (void)x, (void)sb, (void)it;
    return not_yet(r);
}

int request_run(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it, struct reply *r,
                struct audit_texts *au)
{
    (void)x, (void)sb, (void)it, (void)au;
    not_yet(r); /* a rejection found only now: its status set, nothing failed */
    return 0;
}

int approve_request_check(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it, struct reply *r)
{
    (void)x, (void)sb, (void)it;
    return not_yet(r);
}

int approve_request_run(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it, struct reply *r,
                        struct audit_texts *au)
{
    (void)x, (void)sb, (void)it, (void)au;
    not_yet(r);
    return 0;
}

int deny_request_check(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it, struct reply *r)
{
    (void)x, (void)sb, (void)it;
    return not_yet(r);
}

int deny_request_run(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it, struct reply *r,
                     struct audit_texts *au)
{
    (void)x, (void)sb, (void)it, (void)au;
    not_yet(r);
    return 0;
}
