/* Authorisation, in one place, by rule (docs/decisions.md): the relation of a principal to
 * a sandbox, the decision on an action, and whether an actor may ask for an intent. */
#ifndef CONCIERGE_AUTHORISE_H
#define CONCIERGE_AUTHORISE_H
#include <stdint.h>

#include "../intent/intent.h"
#include "../store/store.h"

enum relation { REL_STRANGER = 0, REL_EXPIRED, REL_MEMBER, REL_COLLABORATOR, REL_GRANT, REL_OWNER };

struct decision {
    int allow;
    const char *rule; /* a stable id: owner, grant:editor, no-grant, owner-only, … */
    char reason[256]; /* the rule in words, for a person */
};

/* What P is to the sandbox at now. -1 on a store error. */
int relation_of(struct store *s, const struct st_sandbox *sb, const char *principal, int64_t now,
                enum relation *out);

/* May P perform action (in project, or sandbox-wide when project is "" or NULL) at now?
 * 0, or -1 on a store error. */
int decide(struct store *s, const struct st_sandbox *sb, const char *principal, enum action action,
           const char *project, int64_t now, struct decision *d);

/* May actor ask for the intent on this sandbox? (The actor is known not to be a stranger.)
 * 0, or -1 on a store error. */
int authorise_intent(struct store *s, const struct st_sandbox *sb, const char *actor, const struct intent *it,
                     int64_t now, struct decision *d);

#endif
