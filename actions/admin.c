/* Admin changes with their audit events (admin.h). */
#include "admin.h"

#include <stdarg.h>
#include <stdio.h>

#include "../intent/text.h"
#include "sweep.h"

/* The event of a change made in the open transaction, then the commit; on any failure the
 * transaction is rolled back, so a change is never stored without its event. subject is a
 * canonical name or principal (no character of it needs escaping in JSON). */
static enum store_status finish(struct admin_ctx *a, enum store_status st, int64_t sandbox_id,
                                const char *subject, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static enum store_status finish(struct admin_ctx *a, enum store_status st, int64_t sandbox_id,
                                const char *subject, const char *fmt, ...)
{
    struct text subjects = TEXT_INIT, summary = TEXT_INIT;
    if (st == STORE_OK) {
        text_printf(&subjects, "[\"%s\"]", subject);
        va_list ap;
        va_start(ap, fmt);
        text_vprintf(&summary, fmt, ap);
        va_end(ap);
        struct st_event e = {.at = a->now, .outcome = "done", .subjects = subjects.s, .summary = summary.s};
        snprintf(e.actor, sizeof e.actor, "%s", a->actor);
        snprintf(e.intent, sizeof e.intent, "admin"); /* interfaces.md: admin changes are intent admin */
        st = subjects.oom || summary.oom ? STORE_ERROR : store_audit_append(a->store, sandbox_id, &e);
    }
    if (st == STORE_OK) st = store_commit(a->store); /* rolls back itself when it fails */
    if (st != STORE_OK) store_rollback(a->store);
    text_free(&subjects);
    text_free(&summary);
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

enum store_status admin_link(struct admin_ctx *a, const char *slack_user, const char *principal, int merge)
{
    BEGIN(a);
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
