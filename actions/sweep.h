/* The sweeper (lifecycle.md, "Expiry is an event, not only a comparison"): each grant or agent
 * key whose expiry is due becomes an `expired` audit event — actor `concierge`, the subject,
 * what ended, at the instant that was due — exactly once (the store's constraint:
 * store_expiry_record), and a collaborator entry that the ended grant leaves with nothing
 * behind it goes in the same transaction. A grant's row stays: a past holder is told
 * grant-expired whether or not the sweeper has run. concierge sweep runs it once, serve every
 * minute; a change runs the part of it that concerns what it touches (sweep_before_change). */
#ifndef CONCIERGE_SWEEP_H
#define CONCIERGE_SWEEP_H
#include <jansson.h>
#include <stdatomic.h>
#include <stdint.h>

#include "../intent/intent.h"
#include "../store/store.h"

/* The actor of the sweeper's events (interfaces.md, event objects). */
#define SWEEP_ACTOR "concierge"
/* Expiries recorded in one transaction at most: a long catch-up (a sweeper down for a week)
 * commits as it goes, and never holds the writers' lock for long. */
#define SWEEP_BATCH 256

struct sweep_report {
    int64_t now;       /* the instant asked for (--now, or the clock) */
    int64_t up_to;     /* what was swept: the earlier of now and the store's clock */
    int grants, keys;  /* expiries recorded */
    int collaborators; /* collaborator entries removed */
    int reminders;     /* reminder notices written (lifecycle.md: one per recipient, sandbox and kind) */
    int lapsed;        /* access requests lapsed after 7 days */
    /* The events recorded, a sandbox at a time, its earliest due first: interfaces.md's event objects with
     * their "sandbox"; NULL when the caller does not want them (serve only counts). */
    json_t *events;
    /* Called with each event once its batch is committed (NULL: not called): a long catch-up
     * said as it goes, without keeping every event. */
    void (*on_event)(void *arg, const json_t *event);
    void *on_event_arg;
    /* When it becomes non-zero the sweep ends after the batch in hand (a server stopping);
     * NULL: never. */
    _Atomic int *stop;
    char why[300]; /* on a failure: why, for a person */
};

/* Sweeps every sandbox up to the earlier of now and the store's clock: the sweeper never
 * records an expiry later than the real clock, whatever --now says. rep->events, when not
 * NULL, gets the events. 0, or -1 on a failure, rep->why saying why (what was committed
 * before it stays recorded, and the next sweep goes on from there). */
int sweep_run(struct store *s, int64_t now, struct sweep_report *rep);

/* Inside a change's transaction, its sandbox held: records the expiries due at now of the
 * grants and keys that the intent's principals hold in the sandbox (of all of the sandbox's
 * when it names no one), before the change touches them — a re-invite, an extension, a role
 * change or a revoke of an expired grant records its expiry first, in the same transaction.
 * now is the change's own instant. 0, or -1 on a store failure. */
int sweep_before_change(struct store *s, const struct st_sandbox *sb, const struct intent *it, int64_t now);

/* The same inside any write transaction that holds the sandbox: the expiries due at now of
 * principal's grants and keys in it (NULL: of everyone's). 0, or -1 on a store failure. */
int sweep_due(struct store *s, const struct st_sandbox *sb, const char *principal, int64_t now);

/* The report as `concierge sweep --json` prints it: {"status": "done", "now", "up_to",
 * "recorded", "grants", "keys", "collaborators_removed", "reminders", "requests_lapsed", "events"}. NULL when
 * out of memory. */
json_t *sweep_report_json(const struct sweep_report *rep);

#endif
