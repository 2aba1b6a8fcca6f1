/* Principals and names given outside the language — --as, CONCIERGE_AS, concierge check,
 * admin, a chat bot's `user`, Slack's user_id, /v1/check — made canonical by the same
 * shapes the scanner reads in phrases (names.rl), so that @ED is @ed at every door. */
#ifndef CONCIERGE_CANON_H
#define CONCIERGE_CANON_H
#include <stddef.h>

/* @name (case-folded), an e-mail address (lower-cased), slack:UID, or Slack's <@UID|name>
 * (→ slack:UID). Writes the canonical form into out and returns NULL, or returns why not:
 * a sentence for a person, and out is left as it was. */
const char *principal_canon(const char *p, char *out, size_t size);

/* A sandbox, project, agent, workspace or bot name: [a-z0-9][a-z0-9_-]* after case folding,
 * at most NAME_MAX_LEN. NULL with out written, or why not. */
const char *name_canon(const char *s, char *out, size_t size);

#endif
