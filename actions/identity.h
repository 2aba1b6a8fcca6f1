/* Who is asking, and where, from what a front end carried (interfaces.md): a bot by its
 * bearer token and its workspace's sandbox, a Slack user as the principal it is linked to,
 * a Slack channel as the sandbox it is mapped to, and the first run's own sandbox. The rules
 * live here once; front ends only carry the bytes to them and the answers back. */
#ifndef CONCIERGE_IDENTITY_H
#define CONCIERGE_IDENTITY_H
#include <stddef.h>

#include "../store/store.h"

/* Each answers 0 (found, the out parameters written), 1 (not so: an unknown token, a value
 * that is no Slack ID, nothing mapped), or -1 (the store failed: store_errmsg says why). */

/* The bot whose bearer token this is (the store keeps only its SHA-256). */
int identity_bot(struct store *s, const char *token, struct st_bot *bot);

/* The sandbox of a bot's message that names none: its workspace's only one. 1 when the
 * workspace has none or several (*count says how many). */
int identity_bot_sandbox(struct store *s, const struct st_bot *bot, char *sandbox, size_t size, int *count);

/* The principal a Slack user is: the one `admin link` tied to slack:UID, else slack:UID
 * itself. 1 when user_id is not a Slack user ID (upper-case letters and digits, canon.h). */
int identity_slack_user(struct store *s, const char *user_id, char *actor, size_t size);

/* The sandbox a Slack channel is mapped to (`admin slack map`): the channel's own map, else
 * its team's. 1 when neither is. */
int identity_slack_sandbox(struct store *s, const char *team, const char *channel, char *sandbox,
                           size_t size);

/* Whose pending changes are whose (lifecycle.md: a pending change belongs to its
 * conversation and its asker): a Slack channel's conversation is its team and channel; a
 * bot's is the bot's own name for it, under the bot (another bot's conversation of the same
 * name is another). 0, or -1 when it does not fit in out (never cut). */
int identity_slack_conversation(const char *team, const char *channel, char *out, size_t size);
int identity_bot_conversation(const struct st_bot *bot, const char *conversation, char *out, size_t size);

/* The embedded store's first run: workspace and sandbox `default`, owned by the actor, made
 * once even when two first runs meet (looked at again inside the write transaction). 0 when
 * made or already there, -1 on a store failure. */
int identity_first_run(struct store *s, const char *actor);

#endif
