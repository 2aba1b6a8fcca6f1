/* The reply to one command: what the command line prints (`--json`: the object of
 * interfaces.md) and what the HTTP server will send. */
#ifndef CONCIERGE_REPLY_H
#define CONCIERGE_REPLY_H
#include <jansson.h>
#include <stddef.h>

#include "../grammar/parse.h"
#include "../intent/codes.h"
#include "../intent/intent.h"
#include "../intent/text.h"

struct reply {
    enum reply_status status;
    enum code code; /* why, when it is not a plain success (codes.def); C_NONE otherwise */
    int has_intent;
    struct intent it;
    struct text summary; /* whole, however long (a thousand members, seventy grants) */
    char rule[40];
    char token[TOKEN_MAX_LEN + 1];
    json_t *result; /* owned by the reply; NULL is null */
    int has_error;
    struct parse_error err;
};

void reply_init(struct reply *r);
void reply_clear(struct reply *r); /* frees the summary and the result */

/* The --json line (no newline). Returns its length, or -1 when it does not fit. */
int reply_write_json(const struct reply *r, char *buf, size_t size);
/* The same in a buffer of its own size (the caller frees it); NULL when out of memory. */
char *reply_json(const struct reply *r, size_t *len);

/* Answers with code (its status comes from codes.def) and a summary made like printf; a NULL
 * fmt says the code's own message. */
void reply_fail(struct reply *r, enum code code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Adds to the summary, like printf. */
void reply_append(struct reply *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
