/* The command table: one row per intent, with its handler (redis's command table, git's
 * commands[]). The dispatcher (execute.c) does what rows share, by their flags. */
#ifndef CONCIERGE_COMMANDS_H
#define CONCIERGE_COMMANDS_H
#include <stddef.h>

#include "execute.h"

/* What a change's handler adds to its audit event, of any length (a revoke of seventy
 * grants keeps all seventy in before). */
struct audit_texts {
    struct text subjects; /* a JSON array; left empty: the intent's principals */
    struct text before;   /* JSON of what was there before the change; empty for none */
    struct text after;    /* JSON of what is there after it; empty for none */
};

struct command {
    enum intent_kind kind;
    /* Resolves the names of the intent and describes it in r->summary; on a rejection
     * sets r (status, summary) and returns -1. No writes. */
    int (*check)(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it, struct reply *r);
    /* Carries it out. For a change it runs inside the dispatcher's transaction and fills
     * the audit event's subjects and before (au is NULL for a read-only intent); it sets
     * r->summary to what was done and r->result. 0, or -1 on a store failure. A rejection
     * found only now sets r->status and returns 0. */
    int (*run)(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it, struct reply *r,
               struct audit_texts *au);
};

/* The row of an intent, or NULL for an intent this version cannot carry out. */
const struct command *command_for(enum intent_kind kind);

/* An audit event as interfaces.md's event object: {"event", "at", "actor", "intent",
 * "subjects", "outcome", "summary", "before", "after"}, before and after whole (null for
 * none). NULL when out of memory. */
json_t *commands_event_json(const struct st_event *e);

/* A grant as the events and results show it: {"principal", "role", "project", "expires_at",
 * "granted_by", "granted_at"} (project and expires_at null for none). NULL when out of memory. */
json_t *commands_grant_json(const struct st_grant *g);

/* `project "x" not found in sandbox demo`, with the closest name there is (`; did you mean
 * "web"?`): only for those who may know the sandbox's projects (access.md). */
void commands_project_not_found(struct store *s, const struct st_sandbox *sb, const char *project,
                                struct text *out);

/* An instant as the results show it: RFC 3339, or null when there is none (has 0). */
json_t *commands_instant_json(int has, int64_t t);

/* r says the store failed (store_error, with the store's reason); -1, for a handler to return. */
int commands_store_fail(struct exec_ctx *x, struct reply *r);

/* The intent's principals as a JSON array, for the audit event. */
void commands_subjects_json(const struct intent *it, struct text *out);

/* An audit event of the actor's intent at now, with this outcome, summary and subjects (a
 * JSON array), which e borrows. */
void commands_event(struct st_event *e, const struct exec_ctx *x, const struct intent *it,
                    const char *outcome, const char *summary, const char *subjects);

#endif
