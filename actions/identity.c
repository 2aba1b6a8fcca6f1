/* Who is asking, and where (identity.h). */
#include "identity.h"

#include <stdio.h>
#include <string.h>

#include "../grammar/canon.h"
#include "digest.h"

int identity_bot(struct store *s, const char *token, struct st_bot *bot)
{
    unsigned char sha[32];
    size_t n = strlen(token);
    if (n == 0 || n > 256 || sha256_of(token, n, sha)) return 1; /* no token of ours is longer */
    enum store_status st = store_bot_find(s, sha, bot);
    return st == STORE_OK ? 0 : st == STORE_NOT_FOUND ? 1 : -1;
}

int identity_bot_sandbox(struct store *s, const struct st_bot *bot, char *sandbox, size_t size, int *count)
{
    *count = 0;
    if (store_workspace_only_sandbox(s, bot->workspace_id, sandbox, size, count) != STORE_OK) return -1;
    return *count == 1 ? 0 : 1;
}

int identity_slack_user(struct store *s, const char *user_id, char *actor, size_t size)
{
    char raw[PRINCIPAL_MAX_LEN + 8], id[PRINCIPAL_MAX_LEN + 1];
    if (snprintf(raw, sizeof raw, "slack:%s", user_id) >= (int)sizeof raw ||
        principal_canon(raw, id, sizeof id) || strncmp(id, "slack:", 6) != 0)
        return 1;
    enum store_status st = store_slack_principal(s, id, actor, size); /* links are kept as slack:UID */
    if (st == STORE_ERROR) return -1;
    if (st == STORE_NOT_FOUND) {
        if (strlen(id) >= size) return 1;
        memcpy(actor, id, strlen(id) + 1);
    }
    return 0;
}

int identity_slack_sandbox(struct store *s, const char *team, const char *channel, char *sandbox, size_t size)
{
    enum store_status st = store_slack_sandbox(s, team, channel, sandbox, size);
    return st == STORE_OK ? 0 : st == STORE_NOT_FOUND ? 1 : -1;
}

static int fits(int n, size_t size) { return n >= 0 && (size_t)n < size ? 0 : -1; }

int identity_slack_conversation(const char *team, const char *channel, char *out, size_t size)
{
    return fits(snprintf(out, size, "slack:%s:%s", team, channel), size);
}

int identity_bot_conversation(const struct st_bot *bot, const char *conversation, char *out, size_t size)
{
    return fits(snprintf(out, size, "bot:%lld:%s", (long long)bot->id, conversation), size);
}

int identity_first_run(struct store *s, const char *actor)
{
    int n = store_sandbox_count(s);
    if (n != 0) return n < 0 ? -1 : 0;
    int64_t ws;
    if (store_begin_exclusive(s) != STORE_OK) return -1;
    n = store_sandbox_count(s);
    if (n != 0) {
        store_rollback(s);
        return n < 0 ? -1 : 0;
    }
    if (store_workspace_add(s, "default", MODE_SHARED, &ws) != STORE_OK ||
        store_sandbox_add(s, "default", actor, ws, "", MODE_NONE, NULL) != STORE_OK ||
        store_commit(s) != STORE_OK) {
        store_rollback(s);
        return -1;
    }
    return 0;
}
