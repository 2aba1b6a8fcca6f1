/* What every Slack route does first (interfaces.md): the request is verified as Slack's, and
 * the IDs it carries (team, channel, user) are checked for what Slack's IDs are. */
#ifndef CONCIERGE_SLACK_REQUEST_H
#define CONCIERGE_SLACK_REQUEST_H
#include <stddef.h>

#include "request.h"

struct serve;

#define SLACK_ID_MAX 32
/* "slack:TEAM:CHANNEL" (identity_slack_conversation) always fits a conversation's 128 bytes. */
_Static_assert(sizeof "slack::" + 2 * SLACK_ID_MAX <= 128, "a Slack conversation id fits its field");

/* 0 when the request carries Slack's signature; else a 401 is set (the reason is logged). */
int slack_verified(struct serve *sv, const struct http_request *rq, struct http_response *rs);

/* Slack's IDs (team, channel, user): 1 to SLACK_ID_MAX letters and digits. */
int slack_id_ok(const char *s);

/* Slack escapes the three characters &, < and > of what a person typed as &amp;, &lt; and &gt;
 * (docs.slack.dev: formatting, escaping text); they are turned back in place, so that a note says
 * what was typed and is escaped once, where it is shown. Slack's own markup (<@U…>) is not
 * escaped and is left as it is. Returns the new length. */
size_t slack_unescape(char *s, size_t n);

/* What a channel with no sandbox (no slack map for it or its team) is told, with the admin
 * command that connects it, into out (IDs of SLACK_ID_MAX at most: 512 bytes hold it). */
void slack_not_connected(char *out, size_t size, const char *team, const char *channel);

#endif
