/* Authorisation, in one place, by rule (docs/decisions.md): the relation of a principal to
 * a sandbox, the decision on an action, and whether an actor may ask for an intent. */
#ifndef CONCIERGE_AUTHORISE_H
#define CONCIERGE_AUTHORISE_H
#include <stdint.h>

#include "../intent/intent.h"
#include "../store/store.h"

/* From none to most (docs/decisions.md). REL_KEY_HOLDER: only an agent key bound to P;
 * REL_EXPIRED: access that ended (only expired grants, or a collaborator entry with nothing
 * behind it). Everything but REL_STRANGER is related: told why, never "not found". */
enum relation {
    REL_STRANGER = 0,
    REL_KEY_HOLDER,
    REL_EXPIRED,
    REL_MEMBER,
    REL_COLLABORATOR,
    REL_GRANT,
    REL_OWNER
};

struct decision {
    int allow;
    const char *rule; /* a stable id: owner, grant:editor, no-grant, owner-only, … */
    char reason[640]; /* the rule in words, for a person (the longest, with a 254-byte principal, fits) */
};

/* What P is to the sandbox at now. -1 on a store error. */
int relation_of(struct store *s, const struct st_sandbox *sb, const char *principal, int64_t now,
                enum relation *out);

/* Could a collaborator entry of P count at now: is P a member of the sandbox's workspace or
 * the holder of a live sandbox-wide grant in it (access.md; a project grant is not enough)?
 * 1, 0, or -1 on a store error. */
int collaborator_backed(struct store *s, const struct st_sandbox *sb, const char *principal, int64_t now);

/* May P know the names of the sandbox's projects (access.md: its owner, members of its
 * workspace and holders of any grant in it, live or expired)? 1, 0, or -1 on a store error. */
int may_know_projects(struct store *s, const struct st_sandbox *sb, const char *principal, int64_t now);

/* May P perform action (in project, or sandbox-wide when project is "" or NULL) at now?
 * 0, or -1 on a store error. */
int decide(struct store *s, const struct st_sandbox *sb, const char *principal, enum action action,
           const char *project, int64_t now, struct decision *d);

/* May actor ask for the intent on this sandbox? (The actor is known not to be a stranger.)
 * 0, or -1 on a store error. */
int authorise_intent(struct store *s, const struct st_sandbox *sb, const char *actor, const struct intent *it,
                     int64_t now, struct decision *d);

#endif
