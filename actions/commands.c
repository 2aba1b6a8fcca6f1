/* One handler per intent, and the table that maps intents to them (commands.h). */
#include "commands.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "../intent/describe.h"
#include "../intent/intent_json.h"
#include "../intent/distance.h"
#include "../intent/timecalc.h"
#include "authorise.h"
#include "digest.h"
#include "policy.h"
#include "requests.h"
#include "snapshot.h"
#include "weblink.h"

/* ---- Helpers shared by the handlers ------------------------------------------------------ */

void commands_subjects_json(const struct intent *it, struct text *out)
{
    json_t *a = json_array();
    for (int i = 0; a && i < it->n_principals; i++)
        json_array_append_new(a, json_string(it->principals[i].s));
    char *j = a ? json_dumps(a, JSON_COMPACT) : NULL;
    if (j)
        text_puts(out, j);
    else
        out->oom = 1;
    free(j);
    json_decref(a);
}

void commands_event(struct st_event *e, const struct exec_ctx *x, const struct intent *it,
                    const char *outcome, const char *summary, const char *subjects)
{
    memset(e, 0, sizeof *e);
    e->at = x->now;
    snprintf(e->actor, sizeof e->actor, "%s", x->actor);
    snprintf(e->intent, sizeof e->intent, "%s", intent_kind_name(it->kind));
    snprintf(e->outcome, sizeof e->outcome, "%s", outcome);
    e->subjects = subjects;
    e->summary = summary;
}

json_t *commands_instant_json(int has, int64_t t)
{
    char b[32];
    if (!has) return json_null();
    format_rfc3339(t, b);
    return json_string(b);
}

/* "Invite @bob …" said as done: "Invited @bob …". */
static void past_tense(struct reply *r, const char *verb, const char *done)
{
    size_t n = strlen(verb);
    if (strncmp(r->summary.s, verb, n) == 0) text_replace_head(&r->summary, n, done);
}

static json_t *str_or_null(const char *s) { return s && *s ? json_string(s) : json_null(); }

static int live(const struct st_grant *g, int64_t now) { return !g->has_expiry || g->expires_at > now; }

/* The owner can be neither invited, demoted nor revoked. */
static int reject_owner(const struct st_sandbox *sb, const struct intent *it, struct reply *r)
{
    for (int i = 0; i < it->n_principals; i++) {
        if (strcmp(it->principals[i].s, sb->owner) == 0) {
            reply_fail(r, C_OWNER_CANNOT_BE_REVOKED,
                       "%s owns %s: the owner cannot be invited, demoted or revoked", sb->owner, sb->name);
            return -1;
        }
    }
    return 0;
}

/* The closest project name to a misspelt one (at most two edits, the first found at the
 * least distance), for "did you mean". */
struct closest {
    const char *want;
    char name[NAME_MAX_LEN + 1];
    int distance;
};

static int closer(void *ctx, int n, const char *const *names, const char *const *values, const int *is_number)
{
    struct closest *c = ctx;
    (void)is_number;
    for (int k = 0; k < n; k++) {
        if (strcmp(names[k], "name") != 0 || !values[k]) continue;
        int d = edit_distance(c->want, (int)strlen(c->want), values[k], (int)strlen(values[k]), 2);
        if (d <= 2 && d < c->distance) {
            c->distance = d;
            snprintf(c->name, sizeof c->name, "%s", values[k]);
        }
    }
    return 0;
}

/* Whether the project exists. The actor was authorised before any name is resolved, and only
 * those who may know a sandbox's projects get this far with one (access.md), so a misspelt
 * one may be answered with the closest name. */
static int check_project(struct exec_ctx *x, const struct st_sandbox *sb, const char *project,
                         struct reply *r)
{
    if (!project[0]) return 0;
    int e = store_thing_exists(x->store, sb->id, "project", project);
    if (e < 0) {
        reply_fail(r, C_STORE_ERROR, "the access store failed: %s", store_errmsg(x->store));
        return -1;
    }
    if (!e) {
        struct text why = TEXT_INIT;
        commands_project_not_found(x->store, sb, project, &why);
        reply_fail(r, C_PROJECT_NOT_FOUND, "%s", why.s);
        text_free(&why);
        return -1;
    }
    return 0;
}

void commands_project_not_found(struct store *s, const struct st_sandbox *sb, const char *project,
                                struct text *out)
{
    struct closest c = {project, "", 3};
    if (store_list(s, store_listing("projects"), NULL, sb->name, closer, &c) != STORE_OK) c.name[0] = '\0';
    text_printf(out, "project \"%s\" not found in sandbox %s%s%s%s", project, sb->name,
                c.name[0] ? "; did you mean \"" : "", c.name, c.name[0] ? "\"?" : "");
}

static void describe(const struct intent *it, struct reply *r)
{
    reply_summary(r, "%s", "");
    describe_intent(it, &r->summary);
}

/* Intents with nothing to resolve: only described. */
static int no_check(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it, struct reply *r)
{
    (void)x;
    (void)sb;
    describe(it, r);
    return 0;
}

/* "a grant (role, scope, expiry)" in words, for descriptions of what changes. */
static void grant_words(const struct st_grant *g, char *buf, size_t size)
{
    char when[64] = "no expiry";
    if (g->has_expiry) {
        char t[48];
        describe_until(g->expires_at, t, sizeof t);
        snprintf(when, sizeof when, "until %s", t);
    }
    snprintf(buf, size, "%s%s%s, %s", role_name(g->role), g->project[0] ? " in project " : " sandbox-wide",
             g->project, when);
}

json_t *commands_grant_json(const struct st_grant *g)
{
    json_t *o = json_object();
    json_object_set_new(o, "principal", json_string(g->principal));
    json_object_set_new(o, "role", json_string(role_name(g->role)));
    json_object_set_new(o, "project", str_or_null(g->project));
    json_object_set_new(o, "expires_at", commands_instant_json(g->has_expiry, g->expires_at));
    json_object_set_new(o, "granted_by", json_string(g->granted_by));
    json_object_set_new(o, "granted_at", commands_instant_json(1, g->granted_at));
    return o;
}

/* What was there before (or is there after), whole, into the audit event. */
static void state_json(json_t *state, struct text *out)
{
    char *j = json_dumps(state, JSON_COMPACT);
    if (j)
        text_puts(out, j);
    else
        out->oom = 1;
    free(j);
}
static void before_json(json_t *before, struct audit_texts *au) { state_json(before, &au->before); }

int commands_store_fail(struct exec_ctx *x, struct reply *r)
{
    reply_fail(r, C_STORE_ERROR, "the access store failed: %s", store_errmsg(x->store));
    return -1;
}

/* ---- invite -------------------------------------------------------------------------------- */

/* The grant an invite gives principal p, as invite_run writes it. */
static void invited(const struct exec_ctx *x, const struct intent *it, const char *p, struct st_grant *g)
{
    memset(g, 0, sizeof *g);
    snprintf(g->principal, sizeof g->principal, "%s", p);
    g->role = it->role;
    snprintf(g->project, sizeof g->project, "%s", it->project);
    g->has_expiry = it->has_expires_at;
    g->expires_at = it->expires_at;
    snprintf(g->granted_by, sizeof g->granted_by, "%s", x->actor);
    g->granted_at = x->now;
}

static int invite_check(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it, struct reply *r)
{
    if (reject_owner(sb, it, r) || check_project(x, sb, it->project, r)) return -1;
    /* The policy before anything is offered for confirmation (policy.h). */
    for (int i = 0; i < it->n_principals; i++) {
        struct st_grant g;
        invited(x, it, it->principals[i].s, &g);
        if (policy_check_grant(x, sb, it, &g, r)) return -1;
    }
    describe(it, r);
    for (int i = 0; i < it->n_principals; i++) {
        struct st_grant g;
        enum store_status st = store_grant_find(x->store, sb->id, it->principals[i].s, it->project, &g);
        if (st == STORE_ERROR) return commands_store_fail(x, r);
        if (st == STORE_OK && live(&g, x->now)) {
            char w[160];
            grant_words(&g, w, sizeof w);
            reply_append(r, " This replaces %s's current grant (%s).", g.principal, w);
        }
    }
    return 0;
}

/* The end of a change that wrote grants: what was there before goes into the audit event,
 * the grants as they are now into the result. On a store failure both are dropped. */
static int grants_done(struct exec_ctx *x, struct reply *r, struct audit_texts *au, json_t *before,
                       json_t *after, int failed)
{
    if (failed) {
        json_decref(before);
        json_decref(after);
        return commands_store_fail(x, r);
    }
    before_json(before, au);
    state_json(after, &au->after);
    json_decref(before);
    r->result = json_pack("{s:o}", "grants", after);
    return 0;
}

static int invite_run(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it, struct reply *r,
                      struct audit_texts *au)
{
    json_t *before = json_array(), *granted = json_array();
    for (int i = 0; i < it->n_principals; i++) {
        struct st_grant g;
        enum store_status st = store_grant_find(x->store, sb->id, it->principals[i].s, it->project, &g);
        if (st == STORE_ERROR) goto fail;
        if (st == STORE_OK) json_array_append_new(before, commands_grant_json(&g));
        invited(x, it, it->principals[i].s, &g);
        /* Again as it is written, with the sandbox held: a policy set since it was described
         * (a change confirmed later) is in force now (policy.h). */
        if (policy_check_grant(x, sb, it, &g, r)) {
            json_decref(before);
            json_decref(granted);
            return -1;
        }
        if (store_grant_put(x->store, sb->id, &g) != STORE_OK) goto fail;
        json_array_append_new(granted, commands_grant_json(&g));
    }
    describe(it, r);
    past_tense(r, "Invite", "Invited");
    return grants_done(x, r, au, before, granted, 0);
fail:
    return grants_done(x, r, au, before, granted, 1);
}

/* ---- change_role and set_expiry: a live grant must be there ----------------------------------- */

static int need_live_grants(struct exec_ctx *x, const struct st_sandbox *sb, const struct intent *it,
                            struct reply *r)
{
    for (int i = 0; i < it->n_principals; i++) {
        struct st_grant g;
        enum store_status st = store_grant_find(x->store, sb->id, it->principals[i].s, it->project, &g);
        if (st == STORE_ERROR) return commands_store_fail(x, r);
        /* set_expiry may bring an expired grant back: it extends from the later of its
         * expiry and now (access.md). */
        if (st == STORE_NOT_FOUND || (it->kind != IK_SET_EXPIRY && !live(&g, x->now))) {
            reply_fail(r, C_MEMBER_NOT_FOUND, "%s has no access to %s%s%s", it->principals[i].s, sb->name,
                       it->project[0] ? " in project " : "", it->project);
            return -1;
        }
        if (it->kind == IK_SET_EXPIRY && it->has_extend_by && !g.has_expiry) {
            reply_fail(r, C_NO_EXPIRY_TO_EXTEND, "%s's access does not expire: there is nothing to extend",
                       g.principal);
            return -1;
        }
    }
    return 0;
}

/* The live project grants of one principal, when they hold no sandbox-wide one. */
struct project_grants {
    int64_t now;
    int n;
    char first[NAME_MAX_LEN + 1];
    struct text names; /* "a, b and c" */
    int sandbox_wide;
};

static int gather_project(void *ctx, const struct st_grant *g)
{
    struct project_grants *pg = ctx;
    if (!live(g, pg->now)) return 0;
    if (!g->project[0]) {
        pg->sandbox_wide = 1;
        return 0;
    }
    if (pg->n++ == 0) snprintf(pg->first, sizeof pg->first, "%s", g->project);
    text_printf(&pg->names, "%s%s", pg->names.len ? ", " : "", g->project);
    return 0;
}

/* `make @bob an editor` when @bob holds only a project grant changes that grant; with
 * several, which one is asked (issue 10: project-scoped answers that are right). */
static int scope_to_project(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it,
                            struct reply *r)
{
    if (it->project[0] || it->n_principals != 1) return 0;
    struct project_grants pg = {.now = x->now, .names = TEXT_INIT};
    if (store_grant_each(x->store, sb->id, it->principals[0].s, gather_project, &pg) != STORE_OK) {
        text_free(&pg.names);
        return commands_store_fail(x, r);
    }
    int rc = 0;
    if (!pg.sandbox_wide && pg.n == 1) {
        snprintf(it->project, sizeof it->project, "%s", pg.first);
    } else if (!pg.sandbox_wide && pg.n > 1) {
        reply_fail(r, C_WHICH_PROJECT,
                   "%s holds grants on the projects %s of %s: say which (make %s %s on the %s project)",
                   it->principals[0].s, pg.names.s, sb->name, it->principals[0].s,
                   it->role == ROLE_EDITOR ? "an editor" : "a viewer", pg.first);
        rc = -1;
    }
    text_free(&pg.names);
    return rc;
}

static int set_role(struct exec_ctx *x, struct intent *it, struct st_grant *g);
static int set_expiry_of(struct exec_ctx *x, struct intent *it, struct st_grant *g);

/* Each principal's grant as fn would rewrite it, before the change is offered for
 * confirmation: one that cannot be (an expiry out of range) or that the policy refuses
 * (policy.h) is said now. */
static int rewrites_allowed(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it,
                            struct reply *r, int (*fn)(struct exec_ctx *, struct intent *, struct st_grant *))
{
    for (int i = 0; i < it->n_principals; i++) {
        struct st_grant g;
        if (store_grant_find(x->store, sb->id, it->principals[i].s, it->project, &g) != STORE_OK)
            return commands_store_fail(x, r);
        if (fn(x, it, &g)) {
            reply_fail(r, C_OUT_OF_RANGE,
                       "extending %s's access by that much would end it after 9999-12-31T23:59:59Z, the "
                       "last instant concierge keeps",
                       it->principals[i].s);
            return -1;
        }
        if (policy_check_grant(x, sb, it, &g, r)) return -1;
    }
    return 0;
}

/* What change_role and set_expiry share: the grants are there, and the owner is not touched. */
static int live_grants_check(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it,
                             struct reply *r)
{
    return reject_owner(sb, it, r) || check_project(x, sb, it->project, r) ||
                   scope_to_project(x, sb, it, r) || need_live_grants(x, sb, it, r)
               ? -1
               : 0;
}

static int change_role_check(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it,
                             struct reply *r)
{
    if (live_grants_check(x, sb, it, r) || rewrites_allowed(x, sb, it, r, set_role)) return -1;
    describe(it, r);
    return 0;
}

/* Rewrites each principal's grant through fn, keeping the before in the audit event. fn
 * returns -1 for a grant it cannot rewrite (an expiry out of range): nothing is changed. */
static int rewrite_grants(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it, struct reply *r,
                          struct audit_texts *au,
                          int (*fn)(struct exec_ctx *, struct intent *, struct st_grant *))
{
    json_t *before = json_array(), *after = json_array();
    for (int i = 0; i < it->n_principals; i++) {
        struct st_grant g;
        if (store_grant_find(x->store, sb->id, it->principals[i].s, it->project, &g) != STORE_OK) goto fail;
        json_array_append_new(before, commands_grant_json(&g));
        if (fn(x, it, &g)) {
            json_decref(before);
            json_decref(after);
            reply_fail(r, C_OUT_OF_RANGE, "%s: nothing was changed", OUT_OF_RANGE_MESSAGE);
            return -1;
        }
        /* As it is written, with the sandbox held: the policy in force now (policy.h). */
        if (policy_check_grant(x, sb, it, &g, r)) {
            json_decref(before);
            json_decref(after);
            return -1;
        }
        if (store_grant_put(x->store, sb->id, &g) != STORE_OK) goto fail;
        json_array_append_new(after, commands_grant_json(&g));
    }
    return grants_done(x, r, au, before, after, 0);
fail:
    return grants_done(x, r, au, before, after, 1);
}

static int set_role(struct exec_ctx *x, struct intent *it, struct st_grant *g)
{
    (void)x;
    g->role = it->role; /* the expiry is kept */
    return 0;
}

static int change_role_run(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it,
                           struct reply *r, struct audit_texts *au)
{
    if (rewrite_grants(x, sb, it, r, au, set_role)) return -1;
    describe(it, r);
    past_tense(r, "Change", "Changed");
    return 0;
}

static int set_expiry_of(struct exec_ctx *x, struct intent *it, struct st_grant *g)
{
    if (it->has_extend_by) {
        /* From the later of the current expiry and now (access.md); never past INSTANT_MAX. */
        int64_t from = g->has_expiry && g->expires_at > x->now ? g->expires_at : x->now;
        if (add_duration_checked(from, &it->extend_by, 1, &g->expires_at)) return -1;
        g->has_expiry = 1;
    } else if (it->has_expires_at) {
        g->expires_at = it->expires_at;
        g->has_expiry = 1;
    } else {
        g->has_expiry = 0;
        g->expires_at = 0;
    }
    return 0;
}

/* An extension that would end after INSTANT_MAX, or run past the policy, is refused before
 * it is described. */
static int set_expiry_check(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it,
                            struct reply *r)
{
    if (live_grants_check(x, sb, it, r) || rewrites_allowed(x, sb, it, r, set_expiry_of)) return -1;
    describe(it, r);
    return 0;
}

static int set_expiry_run(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it, struct reply *r,
                          struct audit_texts *au)
{
    if (rewrite_grants(x, sb, it, r, au, set_expiry_of)) return -1;
    reply_summary(r, "Set the expiry of ");
    for (int i = 0; i < it->n_principals; i++)
        reply_append(r, "%s%s", i ? ", " : "", it->principals[i].s);
    reply_append(r, "'s access to sandbox %s%s%s", sb->name, it->project[0] ? ", project " : "", it->project);
    json_t *g0 = json_array_get(json_object_get(r->result, "grants"), 0);
    const char *exp = json_string_value(json_object_get(g0, "expires_at"));
    int64_t at;
    char when[64];
    if (exp && parse_rfc3339(exp, &at) == 0) {
        describe_until(at, when, sizeof when); /* one instant format for people everywhere */
        reply_append(r, ": now until %s.", when);
    } else if (exp)
        reply_append(r, ": now until %s.", exp);
    else
        reply_append(r, ": no expiry.");
    return 0;
}

/* ---- revoke ----------------------------------------------------------------------------------- */

/* The grants a revoke takes away: every one, however many (ids grow with them). */
struct gather {
    const char *project;
    json_t *grants; /* the grants that go */
    int64_t *ids;
    size_t n, cap;
    int oom;
};

static int gather_grant(void *ctx, const struct st_grant *g)
{
    struct gather *ga = ctx;
    if (ga->project[0] && strcmp(g->project, ga->project) != 0) return 0;
    if (ga->n == ga->cap) {
        size_t cap = ga->cap ? 2 * ga->cap : 16;
        int64_t *ids = realloc(ga->ids, cap * sizeof *ids);
        if (!ids) {
            ga->oom = 1;
            return 1; /* stops the walk: the revoke is refused whole */
        }
        ga->ids = ids;
        ga->cap = cap;
    }
    ga->ids[ga->n++] = g->id;
    if (json_array_append_new(ga->grants, commands_grant_json(g))) {
        ga->oom = 1;
        return 1;
    }
    return 0;
}

static int revoke_gather(struct exec_ctx *x, const struct st_sandbox *sb, const char *p, const char *project,
                         struct gather *ga, int *collaborator)
{
    ga->project = project;
    ga->n = 0;
    ga->oom = 0;
    if (store_grant_each(x->store, sb->id, p, gather_grant, ga) != STORE_OK || ga->oom) return -1;
    *collaborator = project[0] ? 0 : store_is_collaborator(x->store, sb->id, p);
    return *collaborator < 0 ? -1 : 0;
}

static int revoke_check(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it, struct reply *r)
{
    if (reject_owner(sb, it, r) || check_project(x, sb, it->project, r)) return -1;
    reply_summary(r, "Revoke in sandbox %s:", sb->name);
    struct gather ga = {0};
    int rc = 0;
    for (int i = 0; i < it->n_principals && rc == 0; i++) {
        int collab;
        ga.grants = json_array();
        if (!ga.grants || revoke_gather(x, sb, it->principals[i].s, it->project, &ga, &collab)) {
            rc = ga.oom || !ga.grants ? (reply_fail(r, C_OUT_OF_MEMORY, "out of memory"), -1)
                                      : commands_store_fail(x, r);
        } else if (ga.n == 0 && !collab) {
            reply_fail(r, C_MEMBER_NOT_FOUND, "%s has no access to %s%s%s", it->principals[i].s, sb->name,
                       it->project[0] ? " in project " : "", it->project);
            rc = -1;
        } else {
            size_t k;
            json_t *g;
            json_array_foreach(ga.grants, k, g)
            {
                const char *proj = json_string_value(json_object_get(g, "project"));
                reply_part(r, " ", "%s's %s grant %s%s;", it->principals[i].s,
                           json_string_value(json_object_get(g, "role")),
                           proj ? "in project " : "sandbox-wide", proj ? proj : "");
            }
            if (collab) reply_part(r, " ", "%s as a collaborator;", it->principals[i].s);
        }
        json_decref(ga.grants);
    }
    free(ga.ids);
    if (rc) return rc;
    if (r->summary.len && r->summary.s[r->summary.len - 1] == ';') r->summary.s[r->summary.len - 1] = '.';
    struct text *last = r->n_parts ? &r->parts[r->n_parts - 1] : NULL;
    if (last && last->len && last->s[last->len - 1] == ';') last->s[last->len - 1] = '.';
    return 0;
}

static int revoke_run(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it, struct reply *r,
                      struct audit_texts *au)
{
    json_t *gone = json_array();
    struct gather ga = {.grants = gone};
    size_t total = 0;
    for (int i = 0; gone && i < it->n_principals; i++) {
        int collab;
        if (revoke_gather(x, sb, it->principals[i].s, it->project, &ga, &collab)) goto fail;
        for (size_t k = 0; k < ga.n; k++)
            if (store_grant_delete(x->store, ga.ids[k]) != STORE_OK) goto fail;
        total += ga.n;
        if (collab && store_collaborator_remove(x->store, sb->id, it->principals[i].s) != STORE_OK) goto fail;
    }
    if (!gone || json_array_size(gone) != total) goto fail;
    before_json(gone, au);
    reply_summary(r, "Revoked ");
    for (int i = 0; i < it->n_principals; i++)
        reply_append(r, "%s%s", i ? ", " : "", it->principals[i].s);
    reply_append(r, "'s access to %s%s", it->project[0] ? "project " : "sandbox ",
                 it->project[0] ? it->project : sb->name);
    if (total > 1) reply_append(r, " (%zu grants)", total);
    reply_append(r, ".");
    r->result = json_pack("{s:o}", "revoked", gone);
    free(ga.ids);
    return 0;
fail:
    free(ga.ids);
    json_decref(gone);
    if (ga.oom || !gone) {
        reply_fail(r, C_OUT_OF_MEMORY, "out of memory: nothing was changed");
        return -1;
    }
    return commands_store_fail(x, r);
}

/* ---- list_access ---------------------------------------------------------------------------- */

struct listing {
    const struct intent *it;
    int64_t now;
    json_t *members;
};

static int list_grant(void *ctx, const struct st_grant *g)
{
    struct listing *l = ctx;
    if (!live(g, l->now)) return 0;
    if (l->it->role && g->role != l->it->role) return 0;
    /* For a project: its own grants and the sandbox-wide ones, which apply everywhere. */
    if (l->it->project[0] && g->project[0] && strcmp(g->project, l->it->project) != 0) return 0;
    json_array_append_new(l->members, commands_grant_json(g));
    return 0;
}

static int list_check(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it, struct reply *r)
{
    if (check_project(x, sb, it->project, r)) return -1;
    describe(it, r);
    return 0;
}

static int list_run(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it, struct reply *r,
                    struct audit_texts *au)
{
    (void)au;
    struct listing l = {it, x->now, json_array()};
    if (!it->role) {
        json_t *o = json_object();
        json_object_set_new(o, "principal", json_string(sb->owner));
        json_object_set_new(o, "role", json_string("owner"));
        json_object_set_new(o, "project", json_null());
        json_object_set_new(o, "expires_at", json_null());
        json_object_set_new(o, "granted_by", json_null());
        json_object_set_new(o, "granted_at", json_null());
        json_array_append_new(l.members, o);
    }
    if (store_grant_each(x->store, sb->id, NULL, list_grant, &l) != STORE_OK) {
        json_decref(l.members);
        return commands_store_fail(x, r);
    }
    size_t n = json_array_size(l.members);
    reply_summary(r, "%zu with access to sandbox %s%s%s:", n, sb->name, it->project[0] ? ", project " : "",
                  it->project);
    size_t k;
    json_t *m;
    json_array_foreach(l.members, k, m)
    {
        const char *proj = json_string_value(json_object_get(m, "project"));
        const char *exp = json_string_value(json_object_get(m, "expires_at"));
        char when[64] = "";
        int64_t at;
        if (exp && parse_rfc3339(exp, &at) == 0) describe_until(at, when, sizeof when);
        /* A row a member (reply.h's parts), its expiry as people read instants. */
        reply_part(r, k ? ", " : " ", "%s (%s%s%s%s%s)", json_string_value(json_object_get(m, "principal")),
                   json_string_value(json_object_get(m, "role")), proj ? ", project " : "", proj ? proj : "",
                   exp ? ", until " : "", exp ? when : "");
    }
    r->result = json_pack("{s:o}", "members", l.members);
    return 0;
}

/* ---- check_access ------------------------------------------------------------------------------ */

static int check_access_check(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it,
                              struct reply *r)
{
    if (check_project(x, sb, it->project, r)) return -1;
    describe(it, r);
    return 0;
}

static int check_access_run(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it,
                            struct reply *r, struct audit_texts *au)
{
    (void)au;
    json_t *decisions = json_array();
    reply_summary(r, "%s", "");
    for (int i = 0; i < it->n_principals; i++) {
        for (int a = ACT_READ; a < ACT__COUNT; a++) {
            if (it->action && a != (int)it->action) continue;
            struct decision d;
            if (decide(x->store, sb, it->principals[i].s, (enum action)a, it->project, x->now, &d)) {
                json_decref(decisions);
                return commands_store_fail(x, r);
            }
            json_array_append_new(decisions,
                                  json_pack("{s:s, s:s, s:s, s:s, s:s}", "principal", it->principals[i].s,
                                            "action", action_name((enum action)a), "decision",
                                            d.allow ? "allow" : "deny", "rule", d.rule, "reason", d.reason));
            reply_part(r, r->summary.len ? "; " : "", "%s %s: %s (%s)", it->principals[i].s,
                       action_name((enum action)a), d.allow ? "allow" : "deny", d.rule);
        }
    }
    r->result = json_pack("{s:o}", "decisions", decisions);
    return 0;
}

/* ---- show_audit ---------------------------------------------------------------------------------- */

struct audit_walk {
    const struct intent *it;
    json_t *events;
};

/* A stored text of JSON as a value: null for none. */
static json_t *state_of(const char *j)
{
    if (!j || !*j) return json_null();
    json_t *v = json_loads(j, JSON_DECODE_ANY, NULL);
    return v ? v : json_string(j); /* never dropped: kept as the text it is */
}

json_t *commands_event_json(const struct st_event *e)
{
    json_t *subjects = json_loads(e->subjects && *e->subjects ? e->subjects : "[]", 0, NULL);
    return json_pack("{s:I, s:o, s:s, s:s, s:o, s:s, s:s, s:o, s:o}", "event", (json_int_t)e->id, "at",
                     commands_instant_json(1, e->at), "actor", e->actor, "intent", e->intent, "subjects",
                     subjects ? subjects : json_array(), "outcome", e->outcome, "summary",
                     e->summary ? e->summary : "", "before", state_of(e->before), "after",
                     state_of(e->after));
}

static int audit_event(void *ctx, const struct st_event *e)
{
    struct audit_walk *w = ctx;
    if (w->it->n_principals) {
        int hit = 0;
        for (int i = 0; i < w->it->n_principals && !hit; i++) {
            char quoted[PRINCIPAL_MAX_LEN + 3];
            snprintf(quoted, sizeof quoted, "\"%s\"", w->it->principals[i].s);
            hit = strcmp(e->actor, w->it->principals[i].s) == 0 || strstr(e->subjects, quoted) != NULL;
        }
        if (!hit) return 0;
    }
    json_t *ev = commands_event_json(e);
    if (!ev || json_array_append_new(w->events, ev)) return -1; /* the store says it failed: never fewer */
    return 0;
}

static int audit_run(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it, struct reply *r,
                     struct audit_texts *au)
{
    (void)au;
    struct audit_walk w = {it, json_array()};
    if (store_audit_each(x->store, sb->id, it->has_since ? it->since : 0, NULL, 0, audit_event, &w) !=
        STORE_OK) {
        json_decref(w.events);
        return commands_store_fail(x, r);
    }
    size_t n = json_array_size(w.events);
    reply_summary(r, "%zu event%s in the audit log of sandbox %s", n, n == 1 ? "" : "s", sb->name);
    size_t k;
    json_t *ev;
    json_array_foreach(w.events, k, ev)
    {
        /* Each with its actor; a denial's or rejection's summary says so itself, once. */
        const char *outcome = json_string_value(json_object_get(ev, "outcome")),
                   *summary = json_string_value(json_object_get(ev, "summary"));
        int said = strcmp(outcome, "done") == 0 || strncmp(summary, outcome, strlen(outcome)) == 0;
        reply_part(r, k ? "; " : ": ", "%s %s %s%s%s", json_string_value(json_object_get(ev, "at")),
                   json_string_value(json_object_get(ev, "actor")), said ? "" : outcome, said ? "" : ": ",
                   summary);
    }
    r->result = json_pack("{s:o}", "events", w.events);
    return 0;
}

/* ---- set_mode and show_mode ---------------------------------------------------------------------------- */

static int mode_check(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it, struct reply *r)
{
    /* Collaborators must be workspace members or live sandbox-wide grant holders (access.md):
     * the same rule, collaborator_backed, as the one that decides whether an entry counts, so
     * that nobody is listed who would count for nothing (a key holder, a project grant). */
    for (int i = 0; i < it->n_principals; i++) {
        int backed = collaborator_backed(x->store, sb, it->principals[i].s, x->now);
        if (backed < 0) return commands_store_fail(x, r);
        if (!backed) {
            reply_fail(r, C_COLLABORATOR_NOT_BACKED,
                       "%s is neither a member of workspace %s nor holds a live sandbox-wide grant on %s",
                       it->principals[i].s, sb->workspace, sb->name);
            return -1;
        }
    }
    describe(it, r);
    return 0;
}

static int mode_run(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it, struct reply *r,
                    struct audit_texts *au)
{
    text_printf(&au->before, "{\"mode\":\"%s\"}", mode_name(sb->mode));
    text_printf(&au->after, "{\"mode\":\"%s\"}", mode_name(it->mode));
    if (store_sandbox_set_mode(x->store, sb->id, it->mode) != STORE_OK) return commands_store_fail(x, r);
    for (int i = 0; i < it->n_principals; i++)
        if (store_collaborator_add(x->store, sb->id, it->principals[i].s) != STORE_OK)
            return commands_store_fail(x, r);
    reply_summary(r, "Sandbox %s is now %s", sb->name, mode_name(it->mode));
    for (int i = 0; i < it->n_principals; i++)
        reply_append(r, "%s%s", i ? ", " : "; collaborators added: ", it->principals[i].s);
    reply_append(r, ".");
    return 0;
}

/* ---- list_pending (lifecycle.md, Pending confirmations, honestly) ---------------------------------------
 */

/* Each waiting change as a row: its token, sandbox, intent, what it does and when it lapses. */
static int pending_row(void *ctx, const struct st_pending *p)
{
    json_t *o = json_loads(p->intent_json, 0, NULL);
    struct intent it;
    struct text said = TEXT_INIT;
    if (o && intent_from_json(json_object_get(o, "intent"), &it) == 0) describe_intent(&it, &said);
    json_t *row = json_pack("{s:s, s:s, s:O, s:s, s:o}", "token", p->token, "sandbox", p->sandbox, "intent",
                            o ? json_object_get(o, "intent") : json_null(), "description",
                            said.s ? said.s : "", "expires_at", commands_instant_json(1, p->expires_at));
    text_free(&said);
    json_decref(o);
    return !row || json_array_append_new(ctx, row) ? -1 : 0;
}

/* The asker's changes waiting in this conversation, each with its token and what it does:
 * the rows first, so that the headline can count them, then a part a row. */
static int list_pending_run(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it,
                            struct reply *r, struct audit_texts *au)
{
    (void)sb;
    (void)it;
    (void)au;
    json_t *rows = json_array();
    if (!rows ||
        store_pending_each(x->store, x->actor, x->conversation, x->now, pending_row, rows) != STORE_OK) {
        json_decref(rows);
        return commands_store_fail(x, r);
    }
    size_t n = json_array_size(rows), k;
    json_t *row;
    if (n == 0)
        reply_summary(r, "No change is waiting for your confirmation here.");
    else
        reply_summary(r, "%zu change%s wait%s for your confirmation here", n, n == 1 ? "" : "s",
                      n == 1 ? "s" : "");
    json_array_foreach(rows, k, row)
        reply_part(r, k ? "; " : ": ", "%s: %s", json_string_value(json_object_get(row, "token")),
                   json_string_value(json_object_get(row, "description")));
    r->result = json_pack("{s:o}", "pending", rows);
    /* And the access requests (lifecycle.md): those waiting for the actor as owner, their own. */
    if (!r->result || requests_lists(x, sb, r->result)) return commands_store_fail(x, r);
    static const char *const lists[] = {"requests", "my_requests"};
    for (int l = 0; l < 2; l++) {
        json_t *reqs = json_object_get(r->result, lists[l]);
        size_t n = json_array_size(reqs);
        if (n == 0) continue;
        const char *sep = r->summary.len && r->summary.s[r->summary.len - 1] == '.' ? " " : ". ";
        if (l == 0)
            reply_append(r, "%s%zu access request%s wait%s for your answer", sep, n, n == 1 ? "" : "s",
                         n == 1 ? "s" : "");
        else
            reply_append(r, "%sYour request%s waiting", sep, n == 1 ? "" : "s");
        json_array_foreach(reqs, k, row)
        {
            const char *project = json_string_value(json_object_get(row, "project"));
            const char *token = json_string_value(json_object_get(row, "token"));
            const char *role = json_string_value(json_object_get(row, "role"));
            if (l == 0)
                reply_part(r, k ? "; " : ": ", "%s: %s asks for %s access%s%s", token,
                           json_string_value(json_object_get(row, "principal")), role,
                           project ? " to project " : "", project ? project : "");
            else
                reply_part(r, k ? "; " : ": ", "%s: %s access%s%s", token, role,
                           project ? " to project " : "", project ? project : "");
        }
    }
    return 0;
}

/* ---- set_policy and show_policy (lifecycle.md, Max-duration policy; policy.h) ------------------------ */

/* A sandbox's limit may be shorter than its workspace's ceiling, never longer: compared as the
 * instants the two give now, as a grant is compared with a limit (docs/decisions.md). */
static int within_ceiling(struct exec_ctx *x, const struct st_sandbox *sb, const struct intent *it,
                          const struct policy_limit *p, struct reply *r)
{
    int64_t want, ceiling;
    if (!it->has_max_duration || !p->has_ceiling) return 0;
    if (add_duration_checked(x->now, &it->max_duration, 1, &want)) want = INSTANT_MAX;
    if (add_duration_checked(x->now, &p->ceiling, 1, &ceiling)) ceiling = INSTANT_MAX;
    if (want <= ceiling) return 0;
    struct text said = TEXT_INIT, limit = TEXT_INIT, hint = TEXT_INIT;
    describe_duration(&it->max_duration, &said);
    describe_duration(&p->ceiling, &limit);
    text_printf(&hint, "limit %s access to %s", role_name(it->role), limit.s);
    if (!x->sandbox || strcmp(x->sandbox, sb->name) != 0) text_printf(&hint, " in sandbox %s", sb->name);
    if (text_failed(&said) || text_failed(&limit) || text_failed(&hint)) {
        reply_fail(r, C_OUT_OF_MEMORY, "out of memory: nothing was changed");
    } else {
        reply_fail(r, C_POLICY_OVER_CEILING,
                   "workspace %s allows %s access for at most %s in its sandboxes: sandbox %s's limit may be "
                   "shorter, never longer than that, and %s is; nothing was changed. Say instead: %s",
                   sb->workspace, role_name(it->role), limit.s, sb->name, said.s, hint.s);
        reply_hint(r, hint.s);
    }
    text_free(&said);
    text_free(&limit);
    text_free(&hint);
    return -1;
}

/* Grants already given are not cut (lifecycle.md): a new limit says how many run longer. */
static int over_note(struct exec_ctx *x, const struct st_sandbox *sb, const struct intent *it,
                     struct reply *r)
{
    int64_t latest;
    if (!it->has_max_duration) return 0;
    if (add_duration_checked(x->now, &it->max_duration, 1, &latest)) latest = INSTANT_MAX;
    int64_t over = store_grants_over(x->store, sb->id, it->role, latest);
    if (over < 0) return commands_store_fail(x, r);
    if (over)
        reply_append(r, " %lld current %s grant%s run%s longer, or with no expiry.", (long long)over,
                     role_name(it->role), over == 1 ? "" : "s", over == 1 ? "s" : "");
    return 0;
}

static int set_policy_check(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it,
                            struct reply *r)
{
    struct policy_limit p;
    int rc = policy_in_force(x->store, sb, it->role, x->now, &p);
    if (rc) return policy_failed(x->store, rc, r);
    if (within_ceiling(x, sb, it, &p, r)) return -1;
    struct text ceiling = TEXT_INIT;
    if (p.has_ceiling) describe_duration(&p.ceiling, &ceiling);
    if (!it->has_max_duration && !p.has_own) {
        reply_fail(r, C_NO_POLICY,
                   "sandbox %s has no limit of its own on %s access: there is nothing to remove", sb->name,
                   role_name(it->role));
        if (p.has_ceiling)
            reply_append(
                r,
                "; workspace %s's ceiling of %s applies to it, which an administrator sets (concierge "
                "admin workspace policy)",
                sb->workspace, ceiling.s);
        text_free(&ceiling);
        return -1;
    }
    describe(it, r);
    if (over_note(x, sb, it, r)) {
        text_free(&ceiling);
        return -1;
    }
    if (!it->has_max_duration && p.has_ceiling)
        reply_append(r, " Workspace %s's ceiling of %s still applies.", sb->workspace, ceiling.s);
    rc = text_failed(&ceiling) ? (reply_fail(r, C_OUT_OF_MEMORY, "out of memory"), -1) : 0;
    text_free(&ceiling);
    return rc;
}

/* {"role": "editor", "max_duration": "P30D"}: a sandbox's own limit, for the audit event. */
static void policy_state(enum role role, int has, const struct duration *d, struct text *out)
{
    char iso[64];
    if (!has) return; /* nothing there: the event says null */
    duration_iso(d, iso, sizeof iso);
    text_printf(out, "{\"role\":\"%s\",\"max_duration\":\"%s\"}", role_name(role), iso);
}

static int set_policy_run(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it, struct reply *r,
                          struct audit_texts *au)
{
    /* The ceiling again, inside the transaction: an administrator may have lowered it since
     * the change was described. */
    struct policy_limit p;
    int rc = policy_in_force(x->store, sb, it->role, x->now, &p);
    if (rc) return policy_failed(x->store, rc, r);
    if (within_ceiling(x, sb, it, &p, r)) return -1;
    char iso[64];
    if (it->has_max_duration) duration_iso(&it->max_duration, iso, sizeof iso);
    enum store_status st =
        store_policy_set(x->store, sb->id, 0, it->role, it->has_max_duration ? iso : NULL, x->actor, x->now);
    if (st == STORE_NOT_FOUND) {
        reply_fail(r, C_NO_POLICY,
                   "sandbox %s has no limit of its own on %s access: there is nothing to remove", sb->name,
                   role_name(it->role));
        return -1;
    }
    if (st != STORE_OK) return commands_store_fail(x, r);
    policy_state(it->role, p.has_own, &p.own, &au->before);
    policy_state(it->role, it->has_max_duration, &it->max_duration, &au->after);
    describe(it, r);
    past_tense(r, it->has_max_duration ? "Limit" : "Remove", it->has_max_duration ? "Limited" : "Removed");
    return over_note(x, sb, it, r);
}

/* The limit in force for each role (the sandbox's own or its workspace's ceiling, whichever
 * ends sooner), with how many current grants run past it (not cut: lifecycle.md). */
static int show_policy_run(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it,
                           struct reply *r, struct audit_texts *au)
{
    (void)it;
    (void)au;
    static const enum role roles[] = {ROLE_EDITOR, ROLE_VIEWER};
    json_t *policies = json_array();
    struct policy_limit p[2];
    int64_t over[2];
    for (int k = 0; k < 2; k++) {
        int rc = policy_in_force(x->store, sb, roles[k], x->now, &p[k]);
        if (rc) {
            json_decref(policies);
            return policy_failed(x->store, rc, r);
        }
        over[k] = p[k].has ? store_grants_over(x->store, sb->id, roles[k], p[k].latest) : 0;
        if (over[k] < 0) {
            json_decref(policies);
            return commands_store_fail(x, r);
        }
    }
    if (!p[0].has && !p[1].has)
        reply_summary(r, "Sandbox %s has no access policy: grants may run for any length of time.", sb->name);
    else
        reply_summary(r, "Sandbox %s's access policy", sb->name);
    for (int k = 0, n = 0; k < 2; k++) {
        if (!p[k].has) continue;
        char iso[64];
        duration_iso(&p[k].max, iso, sizeof iso);
        json_array_append_new(policies,
                              json_pack("{s:s, s:s, s:s, s:I}", "role", role_name(roles[k]), "max_duration",
                                        iso, "from", p[k].from_workspace ? "workspace" : "sandbox",
                                        "over_limit", (json_int_t)over[k]));
        struct text limit = TEXT_INIT;
        describe_duration(&p[k].max, &limit);
        reply_part(r, n++ ? "; " : ": ", "%s access at most %s (%s%s%s), %lld current grant%s over it",
                   role_name(roles[k]), limit.s,
                   p[k].from_workspace ? "workspace " : "the sandbox's own limit",
                   p[k].from_workspace ? sb->workspace : "", p[k].from_workspace ? "'s ceiling" : "",
                   (long long)over[k], over[k] == 1 ? "" : "s");
        if (text_failed(&limit)) r->summary.oom = 1;
        text_free(&limit);
    }
    if (p[0].has || p[1].has) reply_append(r, ".");
    r->result = json_pack("{s:o}", "policies", policies);
    return r->result ? 0 : -1;
}

static int add_name(void *ctx, const char *name)
{
    json_array_append_new(ctx, json_string(name));
    return 0;
}

static int show_mode_run(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it, struct reply *r,
                         struct audit_texts *au)
{
    (void)it;
    (void)au;
    json_t *collab = json_array();
    if (store_collaborator_each(x->store, sb->id, add_name, collab) != STORE_OK) {
        json_decref(collab);
        return commands_store_fail(x, r);
    }
    const char *secrets = sb->mode == MODE_PRIVATE        ? "all"
                          : sb->mode == MODE_COLLABORATED ? "listed"
                                                          : "none";
    reply_summary(r, "Sandbox %s is %s", sb->name, mode_name(sb->mode));
    size_t nc = json_array_size(collab);
    if (sb->mode == MODE_COLLABORATED) reply_append(r, "; %zu collaborator%s", nc, nc == 1 ? "" : "s");
    reply_append(r, ".");
    r->result = json_pack("{s:s, s:o, s:s}", "mode", mode_name(sb->mode), "collaborators", collab, "secrets",
                          secrets);
    return 0;
}

/* ---- share_agent and unshare_agent ------------------------------------------------------------ */

static int check_agent(struct exec_ctx *x, const struct st_sandbox *sb, const char *agent, struct reply *r)
{
    int e = store_thing_exists(x->store, sb->id, "agent", agent);
    if (e < 0) return commands_store_fail(x, r);
    if (!e) {
        reply_fail(r, C_AGENT_NOT_FOUND, "agent \"%s\" not found in sandbox %s", agent, sb->name);
        return -1;
    }
    return 0;
}

static int agent_check(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it, struct reply *r)
{
    if (check_agent(x, sb, it->agent, r)) return -1;
    describe(it, r);
    return 0;
}

/* A new key secret: "ck_" and 64 hex digits from RAND_bytes; only its SHA-256 is kept. */
static int new_secret(char secret[70], unsigned char sha[32])
{
    unsigned char raw[32];
    if (RAND_bytes(raw, sizeof raw) != 1) return -1;
    memcpy(secret, "ck_", 3);
    for (int i = 0; i < 32; i++)
        snprintf(secret + 3 + 2 * i, 3, "%02x", raw[i]);
    return sha256_of(secret, strlen(secret), sha);
}

static int share_agent_run(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it,
                           struct reply *r, struct audit_texts *au)
{
    (void)au;
    json_t *keys = json_array();
    int n = it->n_principals ? it->n_principals : 1; /* no one named: one key bound to no person */
    for (int i = 0; i < n; i++) {
        const char *p = it->n_principals ? it->principals[i].s : "";
        char secret[70];
        unsigned char sha[32];
        if (new_secret(secret, sha)) {
            json_decref(keys);
            reply_fail(r, C_NO_RANDOMNESS, "no random bytes for a key");
            return -1;
        }
        if (store_agent_key_add(x->store, sb->id, it->agent, it->key, p, it->has_expires_at, it->expires_at,
                                sha, x->actor, x->now) != STORE_OK) {
            json_decref(keys);
            return commands_store_fail(x, r);
        }
        json_array_append_new(keys, json_pack("{s:o, s:s, s:o, s:s}", "principal", str_or_null(p), "kind",
                                              key_kind_name(it->key), "expires_at",
                                              commands_instant_json(it->has_expires_at, it->expires_at),
                                              "secret", secret));
    }
    /* The summary goes to the audit log: it never holds a secret, nor says where one is (each
     * front end says that beside the secret it shows: the audit log has none). */
    describe(it, r);
    past_tense(r, "Create", "Created");
    r->result = json_pack("{s:o}", "keys", keys);
    return 0;
}

static int unshare_agent_run(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it,
                             struct reply *r, struct audit_texts *au)
{
    (void)au;
    int total = 0;
    for (int i = 0; i < (it->n_principals ? it->n_principals : 1); i++) {
        int removed = 0;
        if (store_agent_key_remove(x->store, sb->id, it->agent, it->n_principals ? it->principals[i].s : NULL,
                                   &removed) != STORE_OK)
            return commands_store_fail(x, r);
        total += removed;
    }
    if (total == 0) {
        reply_fail(r, C_KEY_NOT_FOUND, "there are no such keys for agent %s in sandbox %s", it->agent,
                   sb->name);
        return 0;
    }
    describe(it, r);
    past_tense(r, "Revoke", "Revoked");
    /* "… in sandbox demo (2 keys).": the count inside the sentence. */
    if (r->summary.len && r->summary.s[r->summary.len - 1] == '.') r->summary.s[--r->summary.len] = '\0';
    reply_append(r, " (%d key%s).", total, total == 1 ? "" : "s");
    return 0;
}

/* ---- grant_cross, refresh_cross, revoke_cross --------------------------------------------------- */

#define SNAPSHOT_LIMIT (1ULL << 30) /* 1 GiB (access.md) */

/* The source sandbox: the actor must own it too. Strangers to it hear "not found". */
static int cross_source(struct exec_ctx *x, const struct st_sandbox *reader, const struct intent *it,
                        struct st_sandbox *src, struct reply *r)
{
    if (exec_find_sandbox(x, it->source, src, r)) return -1;
    /* The actor must own the source too: asked of the same rules as every intent. */
    struct decision d;
    if (authorise_intent(x->store, src, x->actor, it, x->now, &d)) return commands_store_fail(x, r);
    if (!d.allow) {
        reply_fail(r, C_DENIED, "denied: %s (rule %s)", d.reason, d.rule);
        snprintf(r->rule, sizeof r->rule, "%s", d.rule);
        return -1;
    }
    if (!reader->source_dir[0] || !src->source_dir[0]) {
        reply_fail(r, C_NO_SOURCE_FOLDER,
                   "sandbox %s has no source folder (concierge admin sandbox add … --source DIR)",
                   reader->source_dir[0] ? src->name : reader->name);
        return -1;
    }
    return 0;
}

static int cross_check(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it, struct reply *r)
{
    struct st_sandbox src;
    if (cross_source(x, sb, it, &src, r)) return -1;
    if (it->kind != IK_GRANT_CROSS) {
        enum store_status st = store_cross_find(x->store, sb->id, src.id, NULL);
        if (st == STORE_ERROR) return commands_store_fail(x, r);
        if (st == STORE_NOT_FOUND) {
            reply_fail(r, C_CROSS_NOT_FOUND, "sandbox %s has no read access to %s", sb->name, src.name);
            return -1;
        }
    }
    describe(it, r);
    return 0;
}

/* The change is audited on the source as well (the dispatcher audits it on the reader). */
static int audit_on_source(struct exec_ctx *x, const struct st_sandbox *src, const struct intent *it,
                           const struct reply *r)
{
    struct st_event e;
    char subjects[NAME_MAX_LEN + 8];
    snprintf(subjects, sizeof subjects, "[\"%s\"]", it->sandbox);
    commands_event(&e, x, it, "done", r->summary.s, subjects);
    return store_audit_append(x->store, src->id, &e, NULL) == STORE_OK ? 0 : -1;
}

/* A snapshot made beside (a grant or refresh) or withdrawn beside (a revoke), waiting for
 * its transaction to end: nothing on disk changes for good before the store does. */
struct staged_snapshot {
    char reader_dir[sizeof((struct st_sandbox *)0)->source_dir];
    char source[NAME_MAX_LEN + 1];
    char staged[SNAPSHOT_STAGED_MAX];
    int revoking;
};

static void snapshot_after(struct exec_ctx *x, int committed, struct reply *r)
{
    struct staged_snapshot *ss = x->after_arg;
    char err[512];
    x->after_arg = NULL;
    if (ss->revoking && !ss->staged[0]) {
        /* There was no snapshot to withdraw. */
    } else if (ss->revoking ? committed : !committed) {
        snapshot_discard(ss->reader_dir, ss->staged);
    } else if (snapshot_swap(ss->reader_dir, ss->source, ss->staged, err, sizeof err)) {
        if (ss->revoking)
            reply_fail(r, C_SNAPSHOT_ERROR,
                       "the revocation was not stored, and the snapshot could not be put back: %s", err);
        else
            reply_fail(r, C_SNAPSHOT_ERROR,
                       "the read grant is stored, but its snapshot could not be put in place: %s; say "
                       "refresh to try again",
                       err);
    }
    free(ss);
}

static int cross_run(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it, struct reply *r,
                     struct audit_texts *au)
{
    struct st_sandbox src;
    char err[512];
    if (store_sandbox_find(x->store, it->source, &src) != STORE_OK) return commands_store_fail(x, r);
    text_printf(&au->subjects, "[\"%s\"]", src.name);
    struct staged_snapshot *ss = calloc(1, sizeof *ss);
    if (!ss) {
        reply_fail(r, C_OUT_OF_MEMORY, "out of memory");
        return -1;
    }
    snprintf(ss->reader_dir, sizeof ss->reader_dir, "%s", sb->source_dir);
    snprintf(ss->source, sizeof ss->source, "%s", src.name);
    ss->revoking = it->kind == IK_REVOKE_CROSS;
    if (ss->revoking) {
        /* Withdrawn beside now, removed only once the revocation is stored (snapshot_after). */
        if (snapshot_withdraw(sb->source_dir, src.name, ss->staged, err, sizeof err)) {
            free(ss);
            reply_fail(r, C_SNAPSHOT_ERROR, "the snapshot could not be removed: %s", err);
            return -1;
        }
        x->after = snapshot_after;
        x->after_arg = ss;
        if (store_cross_delete(x->store, sb->id, src.id) != STORE_OK) return commands_store_fail(x, r);
        reply_summary(r, "Revoked sandbox %s's read access to %s and removed its snapshot.", sb->name,
                      src.name);
    } else {
        /* The copy is made first, beside; it is put in place only once the grant is stored
         * (snapshot_after), so a failed commit never leaves a snapshot without its grant. */
        if (snapshot_prepare(src.source_dir, sb->source_dir, src.name, SNAPSHOT_LIMIT, ss->staged, err,
                             sizeof err)) {
            free(ss);
            reply_fail(r, C_SNAPSHOT_FAILED, "the snapshot of %s was not made: %s", src.name, err);
            return 0;
        }
        x->after = snapshot_after;
        x->after_arg = ss;
        if (store_cross_put(x->store, sb->id, src.id, x->now, x->actor) != STORE_OK)
            return commands_store_fail(x, r);
        reply_summary(r, "%s sandbox %s's read-only snapshot of %s at %s/.shared/%s.",
                      it->kind == IK_GRANT_CROSS ? "Made" : "Refreshed", sb->name, src.name, sb->source_dir,
                      src.name);
    }
    return audit_on_source(x, &src, it, r) ? commands_store_fail(x, r) : 0;
}

/* ---- help -------------------------------------------------------------------------------------------- */

static int help_run(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it, struct reply *r,
                    struct audit_texts *au)
{
    (void)x;
    (void)sb;
    (void)au;
    json_t *lines = json_array();
    if (it->topic) {
        json_array_append_new(lines, json_string(intent_kind_help(it->topic)));
        /* Words for people: the phrases, never the intent's internal name (interfaces.md). */
        reply_summary(r, "You can say: %s", intent_kind_help(it->topic));
    } else {
        reply_summary(r, "You can say:");
        for (int k = 1; k < IK__COUNT; k++) {
            json_array_append_new(lines, json_string(intent_kind_help((enum intent_kind)k)));
            reply_part(r, k > 1 ? "; " : " ", "%s", intent_kind_help((enum intent_kind)k));
        }
    }
    r->result = json_pack("{s:o, s:o}", "topic",
                          it->topic ? json_string(intent_kind_name(it->topic)) : json_null(), "usage", lines);
    return 0;
}

/* ---- sign_in (interfaces.md, Web page) ------------------------------------------------------------------
 */

/* A one-time link to the web page for the one asking, and no one else (a link is never made
 * for another). It is a secret: it is in the result alone, never in the summary, which a
 * kept reply or a log could hold; front ends that keep replies blank it (bot_routes.c). */
static int sign_in_run(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it, struct reply *r,
                       struct audit_texts *au)
{
    (void)it;
    (void)au;
    char link[WEB_LINK_MAX + 1];
    int64_t expires = 0;
    int rc = weblink_make(x->store, x->actor, sb->name, NULL, x->now, link, sizeof link, &expires);
    if (rc > 0) {
        reply_fail(r, C_NO_PUBLIC_URL, NULL);
        return -1;
    }
    if (rc < 0) return commands_store_fail(x, r);
    reply_summary(r, "Your sign-in link to the web page: it works once, for 10 minutes, and signs in as you. "
                     "Keep it to yourself.");
    r->result = json_pack("{s:s, s:s, s:o}", "link", link, "sandbox", sb->name, "expires_at",
                          commands_instant_json(1, expires));
    OPENSSL_cleanse(link, sizeof link);
    return r->result ? 0 : -1;
}

/* ---- The table ------------------------------------------------------------------------------------------
 */

/* The handlers of intent_kinds.def's rows; confirm and cancel have none (execute.c answers
 * the pending change). */
static const struct command commands[IK__COUNT] = {
#define INTENT(id, name, mutates, keys, needs, who, result, check_fn, run_fn, help)                          \
    [IK_##id] = {IK_##id, check_fn, run_fn},
#include "../intent/intent_kinds.def"
#undef INTENT
};

const struct command *command_for(enum intent_kind kind)
{
    return (unsigned)kind < IK__COUNT && commands[kind].run ? &commands[kind] : NULL;
}
