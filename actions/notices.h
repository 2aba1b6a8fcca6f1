/* Notices (lifecycle.md, "Reminders and notices"): who is told of what happened, written into
 * the store's outbox in the transaction of what caused it, and delivered after the commit by
 * a server (frontends/serve/notifier.c). One notice per recipient per event, a constraint of
 * the store. A notice goes to the Slack user its recipient is or is linked to, else to the
 * sandbox's webhook (admin notify); with nowhere to go it is not written, and what happened
 * is only in the audit log. Nobody is told of their own doing. */
#ifndef CONCIERGE_NOTICES_H
#define CONCIERGE_NOTICES_H
#include <jansson.h>
#include <stdint.h>

#include "../intent/intent.h"
#include "../store/store.h"

/* The kinds of lifecycle.md, one row each: (id, "kind" as the webhook's body names it). */
#define NOTICE_KINDS(X)                                                                                      \
    X(NK_REMINDER, "reminder")                                                                               \
    X(NK_INVITED, "invited")                                                                                 \
    X(NK_ROLE_CHANGED, "role_changed")                                                                       \
    X(NK_SHORTENED, "shortened")                                                                             \
    X(NK_REVOKED, "revoked")                                                                                 \
    X(NK_REQUESTED, "requested")                                                                             \
    X(NK_APPROVED, "approved")                                                                               \
    X(NK_DENIED, "denied")                                                                                   \
    X(NK_LAPSED, "lapsed")                                                                                   \
    X(NK_EXPIRED, "expired")

enum notice_kind {
#define X(id, name) id,
    NOTICE_KINDS(X)
#undef X
};
const char *notice_kind_name(enum notice_kind k);

/* A notice to recipient about the audit event event_id (0: none) in sandbox sb, at at, with
 * text (and extra: JSON kept for the deliverer, or NULL), once per dedup. Inside a write
 * transaction. 0 (written, or nowhere to send it, or written before), -1 on a store failure. */
int notice_write(struct store *s, int64_t sandbox_id, const char *recipient, enum notice_kind kind,
                 int64_t at, int64_t event_id, const char *text, const char *extra, const char *dedup,
                 int64_t now);

/* The notices of a change just carried out by actor: the invitee when invited, role-changed,
 * shortened or revoked (lifecycle.md). before is the audit event's "before" (the grants as
 * they were), result the reply's result (the grants as they are, or those revoked). Inside
 * the change's transaction. 0, or -1 on a store failure (the change is then not made). */
int notices_for_change(struct store *s, const struct st_sandbox *sb, enum intent_kind kind, const char *actor,
                       const char *before, const json_t *result, int64_t event_id, int64_t now);

/* The holder's notice of a grant's expiry, recorded as event_id. Inside its transaction. */
int notices_for_expiry(struct store *s, const struct st_sandbox *sb, const struct st_grant *g,
                       int64_t event_id, int64_t now);

/* The reminders due at now (1 day and 1 hour before a grant that was longer ends): one notice
 * per recipient (holder and granter), sandbox and kind, listing every grant due together;
 * each recorded once (store_reminder_record). Its own transactions. *sent gets how many
 * notices were written. 0, or -1 with why set. */
int notices_remind(struct store *s, int64_t now, int *sent, char *why, size_t why_size);

#endif
