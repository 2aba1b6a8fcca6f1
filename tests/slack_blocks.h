/* The structure rules every Slack message the tests produce is checked against
 * (interfaces.md, Replies to people): blocks only section, context, actions, divider,
 * header; at most 50 blocks; a section's text at most 3,000 characters and at most 10 fields
 * of at most 2,000; a context at most 10 elements; a button's text at most 75 characters,
 * its value at most 2,000, its action_id at most 255 and unique within the message; a
 * top-level text always. And concierge's own: no Slack user as `slack:U…` (a mention), and
 * a key's secret only in an ephemeral message. */
#ifndef CONCIERGE_SLACK_BLOCKS_H
#define CONCIERGE_SLACK_BLOCKS_H
#include <jansson.h>
#include <stddef.h>

/* 0 when msg keeps every rule; else -1, and why (the first rule broken) in why. */
int slack_blocks_check(const json_t *msg, char *why, size_t size);

#endif
