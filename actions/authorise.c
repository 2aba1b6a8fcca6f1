/* Authorisation (authorise.h). The rules are docs/decisions.md, in the same order; a test
 * suite tries to break each (tests/scenarios and tests/test_authorise.c). */
#include "authorise.h"

#include <stdio.h>
#include <string.h>

/* What P's grants in a sandbox say at now. */
struct grants_seen {
    const char *project; /* the project asked about, or "" */
    int64_t now;
    enum role sandbox_role; /* live sandbox-wide grant */
    enum role project_role; /* live grant for the project asked about */
    int other_projects;     /* live grants for other projects */
    int expired;            /* grants past their expiry */
};

static int see_grant(void *ctx, const struct st_grant *g)
{
    struct grants_seen *gs = ctx;
    if (g->has_expiry && g->expires_at <= gs->now) {
        gs->expired++;
        return 0;
    }
    if (!g->project[0])
        gs->sandbox_role = g->role;
    else if (gs->project[0] && strcmp(g->project, gs->project) == 0)
        gs->project_role = g->role;
    else
        gs->other_projects++;
    return 0;
}

static int read_grants(struct store *s, const struct st_sandbox *sb, const char *p, const char *project,
                       int64_t now, struct grants_seen *gs)
{
    memset(gs, 0, sizeof *gs);
    gs->project = project ? project : "";
    gs->now = now;
    return store_grant_each(s, sb->id, p, see_grant, gs) == STORE_OK ? 0 : -1;
}

int relation_of(struct store *s, const struct st_sandbox *sb, const char *p, int64_t now, enum relation *out)
{
    if (strcmp(sb->owner, p) == 0) {
        *out = REL_OWNER;
        return 0;
    }
    struct grants_seen gs;
    if (read_grants(s, sb, p, "", now, &gs)) return -1;
    if (gs.sandbox_role || gs.other_projects) {
        *out = REL_GRANT;
        return 0;
    }
    int m = store_is_member(s, sb->workspace_id, p), c = m < 0 ? 0 : store_is_collaborator(s, sb->id, p);
    if (m < 0 || c < 0) return -1;
    /* A collaborator entry with nothing behind it still relates P to the sandbox (access.md:
     * "no grant, collaborator entry or key in it"), but as access that ended. */
    if (m || gs.expired || c) {
        *out = m ? (c ? REL_COLLABORATOR : REL_MEMBER) : REL_EXPIRED;
        return 0;
    }
    int k = store_is_key_holder(s, sb->id, p);
    if (k < 0) return -1;
    *out = k ? REL_KEY_HOLDER : REL_STRANGER;
    return 0;
}

int collaborator_backed(struct store *s, const struct st_sandbox *sb, const char *p, int64_t now)
{
    if (strcmp(sb->owner, p) == 0) return 1;
    struct grants_seen gs;
    if (read_grants(s, sb, p, "", now, &gs)) return -1;
    return gs.sandbox_role ? 1 : store_is_member(s, sb->workspace_id, p);
}

int may_know_projects(struct store *s, const struct st_sandbox *sb, const char *p, int64_t now)
{
    enum relation rel;
    struct grants_seen gs;
    if (relation_of(s, sb, p, now, &rel)) return -1;
    if (rel != REL_EXPIRED) return rel >= REL_MEMBER;
    /* Ended access: a past grant holder may, a lapsed collaborator with no grant may not. */
    if (read_grants(s, sb, p, "", now, &gs)) return -1;
    return gs.expired > 0;
}

static void say(struct decision *d, int allow, const char *rule, const char *fmt, const char *a,
                const char *b)
{
    d->allow = allow;
    d->rule = rule;
    snprintf(d->reason, sizeof d->reason, fmt, a, b);
}

static int is_workload(enum action a)
{
    return a == ACT_EXEC || a == ACT_FILE || a == ACT_TUNNEL || a == ACT_PROXY;
}

static int decide_workload(struct store *s, const struct st_sandbox *sb, const char *p, int64_t now,
                           struct decision *d)
{
    if (sb->mode == MODE_PRIVATE) {
        say(d, 0, "mode-private", "%s is private: only its owner may use its workloads%s", sb->name, "");
        return 0;
    }
    struct grants_seen gs;
    if (sb->mode == MODE_COLLABORATED) {
        int c = store_is_collaborator(s, sb->id, p);
        if (c < 0) return -1;
        if (read_grants(s, sb, p, "", now, &gs)) return -1;
        if (!c) {
            /* A past holder whose entry went with the grant (the sweeper removes what an expiry
             * leaves behind) is told the grant expired, as before the sweep (lifecycle.md). */
            int m = gs.expired && !gs.sandbox_role && !gs.other_projects
                        ? store_is_member(s, sb->workspace_id, p)
                        : 1;
            if (m < 0) return -1;
            if (!m)
                say(d, 0, "grant-expired", "%s's access to %s has expired", p, sb->name);
            else
                say(d, 0, "not-a-collaborator", "%s is not a collaborator of %s, which is collaborated", p,
                    sb->name);
            return 0;
        }
        /* The entry counts only with a membership or a live sandbox-wide grant behind it. */
        int m = gs.sandbox_role ? 0 : store_is_member(s, sb->workspace_id, p);
        if (m < 0) return -1;
        if (gs.sandbox_role || m)
            say(d, 1, "collaborator", "%s is a collaborator of %s", p, sb->name);
        else if (gs.expired && !gs.other_projects)
            say(d, 0, "grant-expired", "%s's access to %s has expired, and their collaborator entry with it",
                p, sb->name);
        else {
            d->allow = 0;
            d->rule = "collaborator-lapsed";
            snprintf(
                d->reason, sizeof d->reason,
                "%s is listed as a collaborator of %s, but is neither a member of workspace %s nor holds a "
                "live sandbox-wide grant",
                p, sb->name, sb->workspace);
        }
        return 0;
    }
    if (read_grants(s, sb, p, "", now, &gs)) return -1;
    if (gs.sandbox_role) {
        say(d, 1, gs.sandbox_role == ROLE_EDITOR ? "grant:editor" : "grant:viewer",
            "%s has a sandbox-wide grant on %s", p, sb->name);
        return 0;
    }
    int m = store_is_member(s, sb->workspace_id, p);
    if (m < 0) return -1;
    if (m)
        say(d, 1, "workspace-member", "%s is a member of workspace %s, and the sandbox is shared", p,
            sb->workspace);
    else if (gs.expired && !gs.other_projects)
        say(d, 0, "grant-expired", "%s's access to %s has expired", p, sb->name);
    else
        say(d, 0, "no-grant", "%s has no sandbox-wide access to %s", p, sb->name);
    return 0;
}

int decide(struct store *s, const struct st_sandbox *sb, const char *p, enum action a, const char *project,
           int64_t now, struct decision *d)
{
    if (strcmp(sb->owner, p) == 0) {
        say(d, 1, "owner", "%s owns %s", p, sb->name);
        return 0;
    }
    if (is_workload(a)) return decide_workload(s, sb, p, now, d);
    struct grants_seen gs;
    if (read_grants(s, sb, p, project, now, &gs)) return -1;
    enum role r = gs.sandbox_role > gs.project_role ? gs.sandbox_role : gs.project_role;
    if (r == ROLE_NONE) {
        if (gs.other_projects)
            say(d, 0, "project-scope", "%s's access to %s is for other projects only", p, sb->name);
        else if (gs.expired)
            say(d, 0, "grant-expired", "%s's access to %s has expired", p, sb->name);
        else
            say(d, 0, "no-grant", "%s has no access to %s", p, sb->name);
        return 0;
    }
    const char *rn = r == ROLE_EDITOR ? "editor" : "viewer";
    const char *allow_rule = r == ROLE_EDITOR ? "grant:editor" : "grant:viewer";
    switch (a) {
    case ACT_READ:
    case ACT_RUN: say(d, 1, allow_rule, "%s is %s", p, r == ROLE_EDITOR ? "an editor" : "a viewer"); break;
    case ACT_BUILD:
        if (r == ROLE_EDITOR)
            say(d, 1, allow_rule, "%s is an editor of %s", p, sb->name);
        else
            say(d, 0, "viewer-read-only", "%s is a viewer of %s; viewers cannot build", p, sb->name);
        break;
    case ACT_DESTROY:
        if (r == ROLE_EDITOR)
            say(d, 0, "editor-cannot-destroy", "%s is an editor of %s; editors cannot destroy", p, sb->name);
        else
            say(d, 0, "viewer-read-only", "%s is a viewer of %s; viewers cannot destroy", p, sb->name);
        break;
    default: say(d, 0, "owner-only", "%s is %s; only the owner manages access", p, rn); break;
    }
    return 0;
}

/* "an editor of demo", "a member of workspace acme", … for a denial's words. */
static void relation_words(struct store *s, const struct st_sandbox *sb, const char *p, int64_t now,
                           char *buf, size_t size)
{
    enum relation rel = REL_STRANGER;
    struct grants_seen gs = {0};
    relation_of(s, sb, p, now, &rel);
    if ((rel == REL_GRANT || rel == REL_EXPIRED) && read_grants(s, sb, p, "", now, &gs)) rel = REL_STRANGER;
    if (rel == REL_GRANT)
        snprintf(buf, size, "%s of %s",
                 gs.sandbox_role == ROLE_EDITOR ? "an editor"
                 : gs.sandbox_role              ? "a viewer"
                                                : "a project member",
                 sb->name);
    else if (rel == REL_COLLABORATOR)
        snprintf(buf, size, "a collaborator of %s", sb->name);
    else if (rel == REL_MEMBER)
        snprintf(buf, size, "a member of workspace %s", sb->workspace);
    else if (rel == REL_EXPIRED && gs.expired)
        snprintf(buf, size, "a former member of %s (the access expired)", sb->name);
    else if (rel == REL_EXPIRED)
        snprintf(buf, size,
                 "a former collaborator of %s (neither a member of workspace %s nor holding a grant)",
                 sb->name, sb->workspace);
    else if (rel == REL_KEY_HOLDER)
        snprintf(buf, size, "the holder of an agent key in %s", sb->name);
    else
        snprintf(buf, size, "not a member of %s", sb->name);
}

/* What only the owner may do, in words a person reads (interfaces.md: never an intent's
 * internal name). */
static const char *owner_doing(enum intent_kind k)
{
    switch (k) {
    case IK_INVITE: return "invite";
    case IK_CHANGE_ROLE: return "change someone's role";
    case IK_REVOKE: return "revoke another person's access";
    case IK_SET_EXPIRY: return "change how long access lasts";
    case IK_LIST_ACCESS: return "list who has access";
    case IK_SHOW_AUDIT: return "read the audit log";
    case IK_SET_MODE: return "change the sharing mode";
    case IK_SHARE_AGENT: return "share an agent";
    case IK_UNSHARE_AGENT: return "stop sharing an agent";
    case IK_GRANT_CROSS: return "give another sandbox read access";
    case IK_REFRESH_CROSS: return "refresh a shared snapshot";
    case IK_REVOKE_CROSS: return "take a sandbox's read access away";
    case IK_SET_POLICY: return "set the access policy";
    case IK_APPROVE_REQUEST: return "approve an access request";
    case IK_DENY_REQUEST: return "deny an access request";
    default: return "do that";
    }
}

int authorise_intent(struct store *s, const struct st_sandbox *sb, const char *actor, const struct intent *it,
                     int64_t now, struct decision *d)
{
    int owner = strcmp(sb->owner, actor) == 0;
    if (owner) {
        say(d, 1, "owner", "%s owns %s", actor, sb->name);
        return 0;
    }
    int about_self = it->n_principals > 0;
    for (int i = 0; i < it->n_principals; i++)
        if (strcmp(it->principals[i].s, actor) != 0) about_self = 0;
    /* By the intent's row (intent_kinds.def, WHO): the owner alone is the default. */
    switch (intent_kind_who(it->kind)) {
    case W_RELATED:
    case W_ASKER: say(d, 1, "related", "%s has access to %s", actor, sb->name); return 0;
    case W_SELF:
        if (about_self && it->project[0]) {
            /* Decided before the project is looked up, so the answer is the same whether it
             * exists or not: only members and grant holders may learn projects' names. */
            int k = may_know_projects(s, sb, actor, now);
            if (k < 0) return -1;
            if (!k) {
                say(d, 0, "projects-hidden",
                    "%s may not ask about projects here: only members of workspace %s and grant holders "
                    "may know their names",
                    actor, sb->workspace);
                return 0;
            }
        }
        if (about_self) {
            say(d, 1, "self", "%s may %s", actor,
                intent_kind_mutates(it->kind) ? "give their own access back" : "ask about themselves");
            return 0;
        }
        break;
    case W_OWNER: break;
    }
    char who[256]; /* the longest of relation_words fits */
    relation_words(s, sb, actor, now, who, sizeof who);
    d->allow = 0;
    d->rule = "owner-only";
    snprintf(d->reason, sizeof d->reason, "%s is %s; only the owner may %s", actor, who,
             intent_kind_who(it->kind) == W_SELF && !intent_kind_mutates(it->kind)
                 ? "check another person's access"
                 : owner_doing(it->kind));
    return 0;
}
