/* The set-up the language does not cover (interfaces.md, admin), as changes with their audit
 * events: each runs in one transaction with its event — in the sandbox's log when it
 * changes a sandbox's insides (projects, agents, its Slack channel), else in the store's own
 * log (workspaces, members, links, bots, sandboxes made and removed). The actor is `admin:`
 * and the login name. Names arrive canonical (canon.h); the command line only parses. */
#ifndef CONCIERGE_ADMIN_H
#define CONCIERGE_ADMIN_H
#include <stdint.h>

#include "../store/store.h"

struct admin_ctx {
    struct store *store;
    const char *actor; /* "admin:LOGIN" */
    int64_t now;
    /* Why a change was refused by a rule of concierge's own rather than by the store (a link
     * whose merge would break a policy): "" when none. */
    char why[1024]; /* room for the longest: names are bounded (intent.h) */
};

/* Each returns the store's status: STORE_OK when done and audited; otherwise nothing was
 * changed (store_errmsg says why for STORE_ERROR). */
enum store_status admin_workspace_add(struct admin_ctx *a, const char *name, enum mode default_mode);
enum store_status admin_workspace_remove(struct admin_ctx *a, const char *name);
enum store_status admin_member(struct admin_ctx *a, int64_t workspace_id, const char *workspace,
                               const char *principal, int add);
enum store_status admin_sandbox_add(struct admin_ctx *a, const char *name, const char *owner,
                                    int64_t workspace_id, const char *source, enum mode mode);
enum store_status admin_sandbox_remove(struct admin_ctx *a, const char *name);
/* kind is "project" or "agent". Removing an agent removes its keys (*keys_removed). */
enum store_status admin_thing(struct admin_ctx *a, const struct st_sandbox *sb, const char *kind,
                              const char *name, int add, int *keys_removed);
enum store_status admin_slack_map(struct admin_ctx *a, const char *team, const char *channel,
                                  const struct st_sandbox *sb);
enum store_status admin_slack_unmap(struct admin_ctx *a, const char *team, const char *channel);
/* admin notify: the sandbox's webhook for notices (lifecycle.md) and the secret that signs
 * them, or none (url NULL). The event says the URL, never the secret. */
enum store_status admin_notify(struct admin_ctx *a, const struct st_sandbox *sb, const char *url,
                               const char *secret);
/* With merge, a grant the merge would leave longer than its sandbox's policy allows is
 * refused (a->why says which; lifecycle.md), nothing linked. */
enum store_status admin_link(struct admin_ctx *a, const char *slack_user, const char *principal, int merge);
enum store_status admin_unlink(struct admin_ctx *a, const char *slack_user);
/* The bearer token arrives as its hash; the signing secret as it is (the store keeps it to
 * sign the bot's callbacks). Neither is ever in the audit event. */
enum store_status admin_bot_add(struct admin_ctx *a, const char *name, int64_t workspace_id,
                                const unsigned char token_sha256[32], const char *callback_prefix,
                                const char *signing_secret);
/* A new token and signing secret for the bot; the old token is refused from then on. */
enum store_status admin_bot_rotate(struct admin_ctx *a, const char *name,
                                   const unsigned char token_sha256[32], const char *signing_secret);
enum store_status admin_bot_remove(struct admin_ctx *a, const char *name);
/* admin sessions revoke: ends every live web page session of principal (*count of them), with
 * an event in the store's own log; STORE_NOT_FOUND (nothing changed, no event) when none. */
enum store_status admin_sessions_revoke(struct admin_ctx *a, const char *principal, int *count);
/* The workspace's ceiling on how long a grant of role may run in its sandboxes (lifecycle.md,
 * Max-duration policy), set to max, or removed when max is NULL (STORE_NOT_FOUND, a->why set,
 * when there is none). The event keeps the ceiling before and after. */
enum store_status admin_workspace_policy(struct admin_ctx *a, int64_t workspace_id, const char *workspace,
                                         enum role role, const struct duration *max);

#endif
