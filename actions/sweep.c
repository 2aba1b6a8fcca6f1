/* The sweeper (sweep.h). */
#include "sweep.h"

#include "notices.h"
#include "requests.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../intent/describe.h"
#include "../intent/text.h"
#include "../intent/timecalc.h"
#include "authorise.h"
#include "commands.h"
#include "notices.h"

/* The expiries found due, however many: copied out of the store's walk, to be recorded after
 * it (a walk's rows are read while its statement runs). */
struct due {
    struct st_expiry *items;
    size_t n, cap;
    int oom;
};

static int take_due(void *ctx, const struct st_expiry *e)
{
    struct due *d = ctx;
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 16;
        struct st_expiry *items = realloc(d->items, cap * sizeof *items);
        if (!items) {
            d->oom = 1;
            return 1; /* stops the walk: the caller fails whole, never records "the first N" */
        }
        d->items = items;
        d->cap = cap;
    }
    d->items[d->n++] = *e;
    return 0;
}

static json_t *instant(int64_t t)
{
    char b[32];
    return format_rfc3339(t, b) == 0 ? json_string(b) : json_null();
}

static json_t *text_or_null(const char *s) { return s && *s ? json_string(s) : json_null(); }

/* What ended, as JSON text into out: {"grant": {…}} or {"key": {…}} (never a secret or its
 * hash), with "collaborator": true when the entry goes with it. */
static char *before_of(const struct st_expiry *e, int drops_collaborator)
{
    json_t *o = json_object();
    if (!e->is_key)
        json_object_set_new(o, "grant", commands_grant_json(&e->grant));
    else
        json_object_set_new(o, "key",
                            json_pack("{s:s, s:s, s:o, s:o, s:s, s:o}", "agent", e->agent, "kind",
                                      key_kind_name(e->kind), "principal", text_or_null(e->principal),
                                      "expires_at", instant(e->expires_at), "created_by", e->created_by,
                                      "created_at", instant(e->created_at)));
    if (drops_collaborator) json_object_set_new(o, "collaborator", json_true());
    char *j = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return j;
}

static char *subjects_of(const struct st_expiry *e)
{
    /* Whose access ended: the key's holder, or for a key bound to no one, its agent. */
    const char *who = e->is_key ? (e->principal[0] ? e->principal : e->agent) : e->grant.principal;
    json_t *a = json_pack("[s]", who);
    char *j = a ? json_dumps(a, JSON_COMPACT) : NULL;
    json_decref(a);
    return j;
}

static void summary_of(const struct st_expiry *e, const struct st_sandbox *sb, int drops_collaborator,
                       struct text *out)
{
    char when[64];
    describe_instant(e->expires_at, when, sizeof when);
    if (e->is_key) {
        text_printf(out, "Agent %s's %s key%s%s in sandbox %s expired at %s.", e->agent,
                    key_kind_name(e->kind), e->principal[0] ? " for " : " (bound to no one)", e->principal,
                    sb->name, when);
        return;
    }
    const struct st_grant *g = &e->grant;
    text_printf(out, "%s's %s access to %s%s%ssandbox %s expired at %s", g->principal, role_name(g->role),
                g->project[0] ? "project " : "", g->project, g->project[0] ? " of " : "", sb->name, when);
    if (drops_collaborator)
        text_printf(out,
                    "; %s is no longer a collaborator of %s (neither a workspace member nor holding a "
                    "live sandbox-wide grant)",
                    g->principal, sb->name);
    text_puts(out, ".");
}

/* What a batch recorded, added to the report only once it is committed. */
struct tally {
    int grants, keys, collaborators;
    json_t *events; /* NULL: not wanted */
};

/* Records one expiry with its event, and removes the collaborator entry it leaves with nothing
 * behind it; at is when (the sweep's horizon, or the change's now). What was recorded is
 * counted in t (NULL: not counted). 0, or -1 on a store failure or out of memory. */
static int record_one(struct store *s, const struct st_sandbox *sb, const struct st_expiry *e, int64_t at,
                      struct tally *t)
{
    int drops = 0;
    if (!e->is_key) {
        /* An entry counts only with a membership or a live sandbox-wide grant behind it
         * (access.md): one that has neither once this grant ended is what it leaves behind. */
        int c = store_is_collaborator(s, sb->id, e->grant.principal);
        int backed = c > 0 ? collaborator_backed(s, sb, e->grant.principal, at) : 1;
        if (c < 0 || backed < 0) return -1;
        drops = c && !backed;
    }
    struct text summary = TEXT_INIT;
    summary_of(e, sb, drops, &summary);
    char *before = before_of(e, drops), *subjects = subjects_of(e);
    struct st_event ev;
    memset(&ev, 0, sizeof ev);
    ev.at = e->expires_at; /* the instant that was due, however late it is recorded */
    snprintf(ev.actor, sizeof ev.actor, "%s", SWEEP_ACTOR);
    snprintf(ev.intent, sizeof ev.intent, "expired");
    snprintf(ev.outcome, sizeof ev.outcome, "done");
    ev.subjects = subjects;
    ev.summary = summary.s;
    ev.before = before;
    ev.after = drops ? "{\"collaborator\":false}" : NULL;
    int rc = -1;
    enum store_status st = STORE_ERROR;
    if (before && subjects && !text_failed(&summary))
        st = store_expiry_record(s, e->is_key, e->id, e->expires_at, at, sb->id, &ev, &ev.id);
    if (st == STORE_EXISTS) {
        rc = 0; /* recorded already (by another sweeper, or a change): nothing more to do */
    } else if (st == STORE_OK &&
               (!drops || store_collaborator_remove(s, sb->id, e->grant.principal) == STORE_OK) &&
               (e->is_key || notices_for_expiry(s, sb, &e->grant, ev.id, at) == 0)) {
        rc = 0;
        if (t) {
            t->grants += !e->is_key;
            t->keys += e->is_key;
            t->collaborators += drops;
        }
        if (t && t->events) {
            snprintf(ev.sandbox, sizeof ev.sandbox, "%s", sb->name);
            json_t *o = commands_event_json(&ev);
            if (!o || json_object_set_new(o, "sandbox", json_string(sb->name)) ||
                json_array_append_new(t->events, o))
                rc = -1;
        }
    }
    free(before);
    free(subjects);
    text_free(&summary);
    return rc;
}

int sweep_due(struct store *s, const struct st_sandbox *sb, const char *principal, int64_t now)
{
    struct due d = {0};
    int rc = store_expiry_each(s, sb->id, principal, now, 0, take_due, &d) == STORE_OK && !d.oom ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < d.n; i++)
        rc = record_one(s, sb, &d.items[i], now, NULL);
    free(d.items);
    return rc;
}

int sweep_before_change(struct store *s, const struct st_sandbox *sb, const struct intent *it, int64_t now)
{
    if (it->n_principals == 0) return sweep_due(s, sb, NULL, now);
    for (int i = 0; i < it->n_principals; i++)
        if (sweep_due(s, sb, it->principals[i].s, now)) return -1;
    return 0;
}

static int failed(struct sweep_report *rep, const char *why)
{
    snprintf(rep->why, sizeof rep->why, "%s", why);
    return -1;
}

/* One batch of one sandbox's expiries, in one transaction with the sandbox held. *found gets
 * how many were due once it was held (0: another sweeper had recorded them). 0, or -1. */
static int sweep_batch(struct store *s, const struct st_expiry *first, struct sweep_report *rep,
                       size_t *found)
{
    struct st_sandbox sb;
    struct due d = {0};
    *found = 0;
    if (store_begin(s) != STORE_OK) return failed(rep, store_errmsg(s));
    enum store_status st = store_lock_sandbox(s, first->sandbox_id);
    if (st == STORE_OK) st = store_sandbox_find(s, first->sandbox, &sb);
    if (st == STORE_NOT_FOUND || (st == STORE_OK && sb.id != first->sandbox_id)) {
        store_rollback(s); /* removed meanwhile: its grants and keys went with it */
        return 0;
    }
    /* Listed again now that the sandbox is held: what another sweeper recorded meanwhile is
     * not listed (and were it, its record would refuse it: STORE_EXISTS). */
    if (st == STORE_OK) st = store_expiry_each(s, sb.id, NULL, rep->up_to, SWEEP_BATCH, take_due, &d);
    int want = rep->events || rep->on_event;
    struct tally t = {0, 0, 0, want ? json_array() : NULL};
    int rc = st == STORE_OK && !d.oom && (t.events || !want) ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < d.n; i++)
        rc = record_one(s, &sb, &d.items[i], rep->up_to, &t);
    if (rc == 0 && store_commit(s) != STORE_OK) rc = -1;
    if (rc != 0) {
        store_rollback(s);
        failed(rep, d.oom ? "out of memory" : store_errmsg(s));
    } else {
        /* Only what was committed is reported. */
        rep->grants += t.grants;
        rep->keys += t.keys;
        rep->collaborators += t.collaborators;
        if (rep->events && json_array_extend(rep->events, t.events)) rc = failed(rep, "out of memory");
        size_t i;
        json_t *ev;
        if (rep->on_event) json_array_foreach(t.events, i, ev) rep->on_event(rep->on_event_arg, ev);
    }
    json_decref(t.events);
    free(d.items);
    *found = d.n;
    return rc;
}

/* The sandboxes with an expiry due, each once: a walk lists every expiry due (a catch-up may
 * list a hundred thousand), so they are kept in a set (open addressing on the id), never a
 * row each. */
struct due_sandbox {
    int64_t id; /* 0: a free slot */
    char name[NAME_MAX_LEN + 1];
};
struct due_sandboxes {
    struct due_sandbox *slots;
    size_t n, cap; /* cap a power of two, kept at most half full */
    int oom;
};

static int set_put(struct due_sandbox *slots, size_t cap, int64_t id, const char *name)
{
    size_t i = (size_t)((uint64_t)id * 0x9E3779B97F4A7C15ULL) & (cap - 1);
    for (; slots[i].id; i = (i + 1) & (cap - 1))
        if (slots[i].id == id) return 0;
    slots[i].id = id;
    snprintf(slots[i].name, sizeof slots[i].name, "%s", name);
    return 1;
}

static int take_sandbox(void *ctx, const struct st_expiry *e)
{
    struct due_sandboxes *d = ctx;
    if (2 * (d->n + 1) > d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 16;
        struct due_sandbox *slots = calloc(cap, sizeof *slots);
        if (!slots) {
            d->oom = 1;
            return 1; /* stops the walk: the sweep fails whole, never "the first N" */
        }
        for (size_t i = 0; i < d->cap; i++)
            if (d->slots[i].id) set_put(slots, cap, d->slots[i].id, d->slots[i].name);
        free(d->slots);
        d->slots = slots;
        d->cap = cap;
    }
    d->n += (size_t)set_put(d->slots, d->cap, e->sandbox_id, e->sandbox);
    return 0;
}

static int stopped(const struct sweep_report *rep) { return rep->stop && atomic_load(rep->stop); }

int sweep_run(struct store *s, int64_t now, struct sweep_report *rep)
{
    int64_t clock = store_clock(s);
    rep->now = now;
    rep->up_to = now < clock ? now : clock;
    rep->grants = rep->keys = rep->collaborators = rep->reminders = rep->lapsed = 0;
    rep->why[0] = '\0';
    /* Passes: the sandboxes with something due (one walk of what is due), then each of them a
     * batch at a time until its batch comes back short; again until a pass finds nothing (what
     * fell due or was added meanwhile). A sandbox another sweeper emptied meanwhile has nothing
     * due once it is held: it is left. */
    while (!stopped(rep)) {
        struct due_sandboxes d = {0};
        if (store_expiry_each(s, 0, NULL, rep->up_to, 0, take_sandbox, &d) != STORE_OK || d.oom) {
            free(d.slots);
            return failed(rep, d.oom ? "out of memory" : store_errmsg(s));
        }
        int recorded = 0;
        for (size_t i = 0; i < d.cap && !stopped(rep); i++) {
            if (!d.slots[i].id) continue;
            struct st_expiry first = {.sandbox_id = d.slots[i].id};
            memcpy(first.sandbox, d.slots[i].name, sizeof first.sandbox);
            size_t found;
            do {
                int before = rep->grants + rep->keys;
                if (sweep_batch(s, &first, rep, &found)) {
                    free(d.slots);
                    return -1;
                }
                recorded += rep->grants + rep->keys - before;
                /* Due once held, yet none recorded: never loop on it. */
                if (found && rep->grants + rep->keys == before) {
                    free(d.slots);
                    return failed(rep, "the store lists expiries as due that it will not record");
                }
            } while (found == SWEEP_BATCH && !stopped(rep));
        }
        free(d.slots);
        if (!recorded) break;
    }
    /* Stopped: what was committed stays, and the next sweep goes on from there. Else the
     * reminders due by the same horizon (lifecycle.md), written to the outbox. */
    if (!stopped(rep) && notices_remind(s, rep->up_to, &rep->reminders, rep->why, sizeof rep->why)) return -1;
    /* And the access requests whose 7 days ended, each with its event and notice. */
    if (!stopped(rep) && requests_lapse(s, rep->up_to, &rep->lapsed, rep->why, sizeof rep->why)) return -1;
    return 0;
}

json_t *sweep_report_json(const struct sweep_report *rep)
{
    return json_pack("{s:s, s:o, s:o, s:i, s:i, s:i, s:i, s:i, s:i, s:o}", "status", "done", "now",
                     instant(rep->now), "up_to", instant(rep->up_to), "recorded", rep->grants + rep->keys,
                     "grants", rep->grants, "keys", rep->keys, "collaborators_removed", rep->collaborators,
                     "reminders", rep->reminders, "requests_lapsed", rep->lapsed, "events",
                     rep->events ? json_incref(rep->events) : json_array());
}
