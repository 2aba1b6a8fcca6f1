/* Executing a phrase: text → intent → resolve → authorise → describe → confirm → execute
 * (the change and its audit event in one transaction) → reply. Every front end calls this;
 * nothing about the language or the access rules is written twice. */
#ifndef CONCIERGE_EXECUTE_H
#define CONCIERGE_EXECUTE_H
#include <stddef.h>
#include <stdint.h>

#include "../store/store.h"
#include "reply.h"

/* A pending change lapses this long after it was asked (access.md). */
#define PENDING_LIFETIME 600

struct exec_ctx {
    struct store *store;
    const char *actor;   /* canonical principal */
    const char *sandbox; /* the current sandbox; "" for none (a phrase must name one: which_sandbox) */
    int64_t now;
    int yes; /* confirm without asking */
    /* Asks a person to confirm (a terminal's [y/N]): 1 yes, 0 no. NULL when there is no one
     * to ask, and a change is then kept pending under a token. */
    int (*ask)(void *arg, const char *summary);
    void *ask_arg;
    const char *conversation; /* "" on the command line */
    /* The reply is posted where it stays for others to read later (a Slack direct message):
     * a change that would make a key's secret is refused before anything is made, and a
     * confirmation of one leaves it pending (interfaces.md, Slack events: secret_not_here). */
    int secrets_hidden;
    /* A chat bot acts within one workspace: sandboxes outside it are not found. 0: any. */
    int64_t workspace_id;
    /* Set by a handler whose change has a part outside the store (a snapshot to put in place
     * only once its grant is stored): called once the transaction has ended, committed or
     * not, then cleared. */
    void (*after)(struct exec_ctx *x, int committed, struct reply *r);
    void *after_arg;
    /* The dispatcher's own (callers leave it 0): a write transaction is open, which the next
     * change joins instead of beginning its own. A confirmation takes its token in it, so
     * that the token is spent only together with its change (execute.c, answer_pending). */
    int in_tx;
};

/* Finds a sandbox the actor may be told of: one outside the context's workspace, missing,
 * or to which the actor is a stranger is "not found", all in the same words (access.md).
 * 0, or -1 with r set (rejected, or a store failure). */
int exec_find_sandbox(struct exec_ctx *x, const char *name, struct st_sandbox *sb, struct reply *r);

/* The principal p stands for: a Slack user linked with admin link is the principal it is
 * linked to ("two names, one principal", access.md); any other is itself. out may be p.
 * 0, or -1 on a store error or when it does not fit in out (never cut to fit). */
int principal_resolve(struct store *s, const char *p, char *out, size_t size);

/* Runs one command. r must be reply_init()ed; the caller reply_clear()s it. */
void execute_text(struct exec_ctx *x, const char *text, size_t len, struct reply *r);

#endif
