/* A reply as a Slack message (Block Kit), within Slack's limits (interfaces.md, Replies to
 * people): a section for the summary, then one line a row (members, decisions and audit
 * events from the result's data), a context line for "… and N more" past the last block that
 * fits (never a cut row), and Confirm / Cancel buttons while a change waits. Slack users are
 * mentions (`<@U…>`), instants `<!date^…>` so each reader sees their own zone. */
#ifndef CONCIERGE_RENDER_SLACK_H
#define CONCIERGE_RENDER_SLACK_H
#include <jansson.h>

#include "../../actions/reply.h"

#define SLACK_SECTION_MAX 3000 /* characters of a section block's text (Slack's limit) */
#define SLACK_BLOCKS_MAX  50   /* blocks in one message (Slack's limit) */
#define SLACK_AUDIT_MAX   20   /* audit events shown in Slack; the rest are counted */

/* {"response_type": "ephemeral", "text": …, "blocks": [...]} for the reply: ephemeral, so a
 * new key's secret is shown only to the one who asked. NULL when out of memory. */
json_t *render_slack(const struct reply *r);

/* The same for a message others see (chat.postMessage): no response_type, and a key's secret
 * replaced by a line saying it was shown only to the one who asked. */
json_t *render_slack_public(const struct reply *r);

#endif
