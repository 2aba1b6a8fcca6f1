/* Admin changes with their audit events (admin.h). */
#include "admin.h"

#include <stdarg.h>
#include <stdio.h>

#include "../intent/describe.h"
#include "../intent/text.h"
#include "policy.h"
#include "sweep.h"

/* The event of a change made in the open transaction, then the commit; on any failure the
 * transaction is rolled back, so a change is never stored without its event. subject is a
 * canonical name or principal (no character of it needs escaping in JSON); before and after
 * (JSON, NULL for none) the state of what changed, where the event keeps it. */
static enum store_status vfinish(struct admin_ctx *a, enum store_status st, int64_t sandbox_id,
                                 const char *subject, const char *before, const char *after, const char *fmt,
                                 va_list ap)
{
    struct text subjects = TEXT_INIT, summary = TEXT_INIT;
    if (st == STORE_OK) {
        text_printf(&subjects, "[\"%s\"]", subject);
        text_vprintf(&summary, fmt, ap);
        struct st_event e = {.at = a->now,
                             .outcome = "done",
                             .subjects = subjects.s,
                             .summary = summary.s,
                             .before = before,
                             .after = after};
        snprintf(e.actor, sizeof e.actor, "%s", a->actor);
        snprintf(e.intent, sizeof e.intent, "admin"); /* interfaces.md: admin changes are intent admin */
        st = subjects.oom || summary.oom ? STORE_ERROR : store_audit_append(a->store, sandbox_id, &e, NULL);
    }
    if (st == STORE_OK) st = store_commit(a->store); /* rolls back itself when it fails */
    if (st != STORE_OK) store_rollback(a->store);
    text_free(&subjects);
    text_free(&summary);
    return st;
}

static enum store_status finish(struct admin_ctx *a, enum store_status st, int64_t sandbox_id,
                                const char *subject, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static enum store_status finish(struct admin_ctx *a, enum store_status st, int64_t sandbox_id,
                                const char *subject, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    st = vfinish(a, st, sandbox_id, subject, NULL, NULL, fmt, ap);
    va_end(ap);
    return st;
}

static enum store_status finish_state(struct admin_ctx *a, enum store_status st, int64_t sandbox_id,
                                      const char *subject, const char *before, const char *after,
                                      const char *fmt, ...) __attribute__((format(printf, 7, 8)));
static enum store_status finish_state(struct admin_ctx *a, enum store_status st, int64_t sandbox_id,
                                      const char *subject, const char *before, const char *after,
                                      const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    st = vfinish(a, st, sandbox_id, subject, before, after, fmt, ap);
    va_end(ap);
    return st;
}

#define BEGIN(a)                                                                                             \
    do {                                                                                                     \
        if (store_begin_exclusive((a)->store) != STORE_OK) return STORE_ERROR;                               \
    } while (0)

enum store_status admin_workspace_add(struct admin_ctx *a, const char *name, enum mode default_mode)
{
    BEGIN(a);
    return finish(a, store_workspace_add(a->store, name, default_mode, NULL), 0, name,
                  "workspace %s added (default mode %s)", name, mode_name(default_mode));
}

enum store_status admin_workspace_remove(struct admin_ctx *a, const char *name)
{
    BEGIN(a);
    return finish(a, store_workspace_remove(a->store, name), 0, name, "workspace %s removed", name);
}

enum store_status admin_member(struct admin_ctx *a, int64_t workspace_id, const char *workspace,
                               const char *principal, int add)
{
    BEGIN(a);
    enum store_status st = add ? store_member_add(a->store, workspace_id, principal)
                               : store_member_remove(a->store, workspace_id, principal);
    return finish(a, st, 0, principal, "%s %s workspace %s", principal, add ? "added to" : "removed from",
                  workspace);
}

enum store_status admin_sandbox_add(struct admin_ctx *a, const char *name, const char *owner,
                                    int64_t workspace_id, const char *source, enum mode mode)
{
    BEGIN(a);
    /* The store's own log: a sandbox whose own log holds anything is never removed. */
    return finish(a, store_sandbox_add(a->store, name, owner, workspace_id, source, mode, NULL), 0, name,
                  "sandbox %s added, owned by %s", name, owner);
}

enum store_status admin_sandbox_remove(struct admin_ctx *a, const char *name)
{
    BEGIN(a);
    return finish(a, store_sandbox_remove(a->store, name), 0, name, "sandbox %s removed", name);
}

enum store_status admin_thing(struct admin_ctx *a, const struct st_sandbox *sb, const char *kind,
                              const char *name, int add, int *keys_removed)
{
    int keys = 0;
    BEGIN(a);
    enum store_status st;
    if (add)
        st = store_thing_add(a->store, sb->id, kind, name);
    else if (keys_removed) /* an agent's keys end with it (lifecycle.md), their expiries recorded first */
        st = sweep_due(a->store, sb, NULL, a->now) ? STORE_ERROR
                                                   : store_agent_remove(a->store, sb->id, name, &keys);
    else
        st = store_thing_remove(a->store, sb->id, kind, name);
    if (keys_removed) *keys_removed = keys;
    return finish(a, st, sb->id, name, "%s %s %s sandbox %s%s", kind, name, add ? "added to" : "removed from",
                  sb->name, keys ? " (and its keys)" : "");
}

enum store_status admin_slack_map(struct admin_ctx *a, const char *team, const char *channel,
                                  const struct st_sandbox *sb)
{
    BEGIN(a);
    return finish(a, store_slack_map(a->store, team, channel ? channel : "", sb->id), sb->id, sb->name,
                  "Slack team %s%s%s mapped to sandbox %s", team, channel && *channel ? ", channel " : "",
                  channel ? channel : "", sb->name);
}

enum store_status admin_slack_unmap(struct admin_ctx *a, const char *team, const char *channel)
{
    BEGIN(a);
    return finish(a, store_slack_unmap(a->store, team, channel ? channel : ""), 0, team,
                  "Slack team %s%s%s unmapped", team, channel && *channel ? ", channel " : "",
                  channel ? channel : "");
}

enum store_status admin_notify(struct admin_ctx *a, const struct st_sandbox *sb, const char *url,
                               const char *secret)
{
    BEGIN(a);
    int had = store_notify_has(a->store, sb->id);
    enum store_status st =
        had < 0 ? STORE_ERROR : store_notify_set(a->store, sb->id, url, secret, a->actor, a->now);
    if (st == STORE_OK && !url && !had) {
        snprintf(a->why, sizeof a->why, "sandbox %s has no webhook: there is nothing to remove", sb->name);
        st = STORE_NOT_FOUND;
    }
    if (url)
        return finish(a, st, sb->id, sb->name,
                      "sandbox %s: notices go to the webhook %s (a new signing secret)", sb->name, url);
    return finish(a, st, sb->id, sb->name, "sandbox %s: notices go to no webhook", sb->name);
}

/* A grant a link would merge, against its sandbox's policy (policy.h): the first one the
 * policy refuses is said in a->why and stops the walk. */
struct merge_walk {
    struct admin_ctx *a;
    int refused, failed;
};

static int merge_within(void *ctx, const char *sandbox, const struct st_grant *g)
{
    struct merge_walk *w = ctx;
    struct st_sandbox sb;
    struct policy_limit p;
    if (store_sandbox_find(w->a->store, sandbox, &sb) != STORE_OK ||
        policy_in_force(w->a->store, &sb, g->role, w->a->now, &p)) {
        w->failed = 1;
        return 1;
    }
    if (policy_allows(&p, g->has_expiry, g->expires_at)) return 0;
    struct text limit = TEXT_INIT;
    char until[64] = "";
    describe_duration(&p.max, &limit);
    if (g->has_expiry) describe_until(g->expires_at, until, sizeof until);
    snprintf(
        w->a->why, sizeof w->a->why,
        "the merge would give %s %s access to sandbox %s%s%s%s %s%s, but the sandbox allows %s access for "
        "at most %s (%s); nothing was linked: shorten one of the two grants first",
        g->principal, role_name(g->role), sb.name, g->project[0] ? " (project " : "", g->project,
        g->project[0] ? ")" : "", g->has_expiry ? "until " : "with no expiry", until, role_name(g->role),
        text_failed(&limit) ? "its limit" : limit.s,
        p.from_workspace ? "its workspace's ceiling" : "its own limit");
    text_free(&limit);
    w->refused = 1;
    return 1;
}

enum store_status admin_link(struct admin_ctx *a, const char *slack_user, const char *principal, int merge)
{
    BEGIN(a);
    if (merge) {
        /* In the same transaction as the link: no policy set in between. */
        struct merge_walk w = {a, 0, 0};
        enum store_status st = store_link_merges_each(a->store, slack_user, principal, merge_within, &w);
        if (st != STORE_OK || w.failed || w.refused) {
            store_rollback(a->store);
            return w.refused ? STORE_EXISTS : STORE_ERROR;
        }
    }
    return finish(a, store_slack_link(a->store, slack_user, principal, merge), 0, principal,
                  "%s linked to %s%s", slack_user, principal,
                  merge ? " (grants held by both merged: the higher role and the later expiry kept)" : "");
}

enum store_status admin_unlink(struct admin_ctx *a, const char *slack_user)
{
    BEGIN(a);
    return finish(a, store_slack_unlink(a->store, slack_user), 0, slack_user, "%s unlinked", slack_user);
}

enum store_status admin_bot_add(struct admin_ctx *a, const char *name, int64_t workspace_id,
                                const unsigned char token_sha256[32], const char *callback_prefix,
                                const char *signing_secret)
{
    BEGIN(a);
    return finish(a,
                  store_bot_add(a->store, name, workspace_id, token_sha256, callback_prefix, signing_secret),
                  0, name, "bot %s added", name);
}

enum store_status admin_bot_rotate(struct admin_ctx *a, const char *name,
                                   const unsigned char token_sha256[32], const char *signing_secret)
{
    BEGIN(a);
    return finish(a, store_bot_rotate(a->store, name, token_sha256, signing_secret), 0, name,
                  "bot %s: new bearer token and signing secret (the old token no longer works)", name);
}

enum store_status admin_bot_remove(struct admin_ctx *a, const char *name)
{
    BEGIN(a);
    return finish(a, store_bot_remove(a->store, name), 0, name, "bot %s removed", name);
}

enum store_status admin_sessions_revoke(struct admin_ctx *a, const char *principal, int *count)
{
    BEGIN(a);
    enum store_status st = store_web_session_revoke(a->store, principal, a->now, count);
    if (st == STORE_OK && *count == 0) {
        store_rollback(a->store);
        return STORE_NOT_FOUND;
    }
    return finish(a, st, 0, principal, "%d web page session%s of %s revoked", *count, *count == 1 ? "" : "s",
                  principal);
}

enum store_status admin_workspace_policy(struct admin_ctx *a, int64_t workspace_id, const char *workspace,
                                         enum role role, const struct duration *max)
{
    char before_iso[POLICY_DURATION_MAX + 1], after_iso[64] = "";
    struct text before = TEXT_INIT, after = TEXT_INIT, said = TEXT_INIT;
    BEGIN(a);
    enum store_status st = store_policy_find(a->store, 0, workspace_id, role, before_iso, sizeof before_iso);
    int had = st == STORE_OK;
    if (st == STORE_NOT_FOUND) st = STORE_OK;
    if (had) text_printf(&before, "{\"role\":\"%s\",\"max_duration\":\"%s\"}", role_name(role), before_iso);
    if (max) {
        duration_iso(max, after_iso, sizeof after_iso);
        describe_duration(max, &said);
        text_printf(&after, "{\"role\":\"%s\",\"max_duration\":\"%s\"}", role_name(role), after_iso);
    }
    if (st == STORE_OK)
        st = store_policy_set(a->store, 0, workspace_id, role, max ? after_iso : NULL, a->actor, a->now);
    if (st == STORE_NOT_FOUND)
        snprintf(a->why, sizeof a->why, "workspace %s has no ceiling on %s access: there is nothing to clear",
                 workspace, role_name(role));
    if (text_failed(&before) || text_failed(&after) || text_failed(&said)) st = STORE_ERROR;
    if (max)
        st = finish_state(
            a, st, 0, workspace, before.len ? before.s : NULL, after.s,
            "workspace %s: %s access at most %s in its sandboxes (a ceiling: a sandbox's own limit "
            "may be shorter, never longer)",
            workspace, role_name(role), said.s);
    else
        st = finish_state(a, st, 0, workspace, before.len ? before.s : NULL, NULL,
                          "workspace %s: no ceiling on %s access any more", workspace, role_name(role));
    text_free(&before);
    text_free(&after);
    text_free(&said);
    return st;
}
