/* The JSON form of an intent, exactly as language.md gives it: "intent" first, then the
 * keys of its row in order, null for a key with nothing to say; compact, as
 * `concierge parse --json` prints it. Written directly into a caller's buffer (the command
 * line prints a line per phrase, and building a jansson tree for each cost more than the
 * parse); intent_to_json() gives the same text as a jansson value for callers that embed it. */
#ifndef CONCIERGE_INTENT_JSON_H
#define CONCIERGE_INTENT_JSON_H
#include <jansson.h>
#include <stddef.h>
#include "intent.h"

/* Big enough for any intent or error object (16 principals of 254 bytes, escaped). */
#define INTENT_JSON_MAX 16384

/* Writes the intent's JSON into buf (NUL-terminated). Returns its length, or -1 when it
 * does not fit in size. */
int intent_write_json(const struct intent *it, char *buf, size_t size);

/* {"error":…,"code":…,"message":…,"hint":…} (hint only when there is one; code is the
 * refusal's id, codes.def). Same contract. */
int parse_error_write_json(const char *status_name, const char *code, const char *message, const char *hint,
                           char *buf, size_t size);

/* A JSON string of s, quoted and escaped as the writers above do. Same contract. */
int json_string_write(const char *s, char *buf, size_t size);

/* Any jansson value, compact, keys in insertion order (as json_dumpb with
 * JSON_PRESERVE_ORDER, but without its cost). Same contract. A string holding a NUL is cut
 * there (the results concierge makes hold none). */
int json_value_write(const json_t *v, char *buf, size_t size);

/* The same objects as new jansson values (the caller owns the reference), or NULL. */
json_t *intent_to_json(const struct intent *it);
json_t *parse_error_to_json(const char *status_name, const char *code, const char *message, const char *hint);

/* Reads an intent back from its JSON form (a pending change kept in the store). 0, or -1
 * when the object is not an intent this program writes. */
int intent_from_json(const json_t *o, struct intent *it);

#endif
