/* The JSON form of an intent, exactly as language.md gives it: "intent" first, then the
 * keys of its row in order, null for a key with nothing to say. */
#ifndef CONCIERGE_INTENT_JSON_H
#define CONCIERGE_INTENT_JSON_H
#include <jansson.h>
#include "intent.h"

/* A new JSON object (the caller owns the reference), or NULL when out of memory. */
json_t *intent_to_json(const struct intent *it);

/* {"error", "message", "hint"?}: a new reference. */
json_t *parse_error_to_json(const char *status_name, const char *message, const char *hint);

#endif
