/* Slack requests, verified (slack_request.h). */
#include "slack_request.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "serve.h"
#include "slack_sig.h"

int slack_verified(struct serve *sv, const struct http_request *rq, struct http_response *rs)
{
    const char *why = NULL;
    /* Freshness against the machine's clock, as Slack signs with its own real time: not "now"
     * of the access rules (the database's, or a test build's clock). */
    if (slack_verify(sv->slack_secret, sv->slack_secret_len, rq->slack_timestamp, rq->slack_signature,
                     rq->body, rq->len, (int64_t)time(NULL), &why) == 0)
        return 0;
    log_event("warn", "slack_refused", "\"path\":\"%s\",\"why\":\"%s\"", rq->path, why);
    /* The reason is logged; the caller hears only that the request is not Slack's. */
    respond_error(rs, 401, "the request is not signed by Slack (or too old)");
    return -1;
}

int slack_id_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > SLACK_ID_MAX) return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
            return 0;
    return 1;
}

void slack_not_connected(char *out, size_t size, const char *team, const char *channel)
{
    snprintf(out, size,
             "This channel is not connected to a sandbox yet. An administrator can connect it with "
             "`concierge admin slack map --team %s --channel %s --sandbox NAME`.",
             team, channel);
}

size_t slack_unescape(char *s, size_t n)
{
    static const struct {
        const char *entity;
        size_t len;
        char c;
    } entities[] = {{"&amp;", 5, '&'}, {"&lt;", 4, '<'}, {"&gt;", 4, '>'}};
    size_t w = 0;
    for (size_t r = 0; r < n;) {
        size_t k = 0;
        for (; k < sizeof entities / sizeof entities[0]; k++)
            if (n - r >= entities[k].len && memcmp(s + r, entities[k].entity, entities[k].len) == 0) break;
        if (k < sizeof entities / sizeof entities[0]) {
            s[w++] = entities[k].c;
            r += entities[k].len;
        } else {
            s[w++] = s[r++];
        }
    }
    if (w < n) s[w] = '\0';
    return w;
}
