/* A reply as a Slack message (Block Kit), within Slack's limits: a section's text holds at
 * most 3,000 characters and a message at most 50 blocks. A reply longer than that is
 * spread over several sections, each row whole; past the last block that fits, "… and N
 * more" says how many rows are not shown and where to see them all. Never a cut row. */
#ifndef CONCIERGE_RENDER_SLACK_H
#define CONCIERGE_RENDER_SLACK_H
#include <jansson.h>

#include "../../actions/reply.h"

#define SLACK_SECTION_MAX 3000 /* characters of a section block's text (Slack's limit) */
#define SLACK_BLOCKS_MAX  50   /* blocks in one message (Slack's limit) */

/* {"text": …, "blocks": [...]} for the reply, with Confirm / Cancel while a change waits
 * and the secrets a share_agent made (the message is ephemeral: only the one who asked
 * sees it). NULL when out of memory. */
json_t *render_slack(const struct reply *r);

#endif
