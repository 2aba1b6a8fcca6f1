/* The reply to one command: what the command line prints (`--json`: the object of
 * interfaces.md) and what the HTTP server will send. */
#ifndef CONCIERGE_REPLY_H
#define CONCIERGE_REPLY_H
#include <jansson.h>
#include <stddef.h>

#include "../grammar/parse.h"
#include "../intent/intent.h"
#include "../intent/text.h"

#define REPLY_STATUSES(X)                                                                                    \
    X(DONE, "done", 0)                                                                                       \
    X(NEEDS_CONFIRMATION, "needs_confirmation", 3)                                                           \
    X(CANCELLED, "cancelled", 3)                                                                             \
    X(DENIED, "denied", 4)                                                                                   \
    X(REJECTED, "rejected", 5)                                                                               \
    X(NOT_UNDERSTOOD, "not_understood", 2)                                                                   \
    X(INVALID, "invalid", 2)                                                                                 \
    X(ERROR, "error", 1)

enum reply_status {
#define X(id, name, code) RS_##id,
    REPLY_STATUSES(X)
#undef X
};

struct reply {
    enum reply_status status;
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
const char *reply_status_name(enum reply_status st);
int reply_exit_code(enum reply_status st);

/* The --json line (no newline). Returns its length, or -1 when it does not fit. */
int reply_write_json(const struct reply *r, char *buf, size_t size);
/* The same in a buffer of its own size (the caller frees it); NULL when out of memory. */
char *reply_json(const struct reply *r, size_t *len);

/* Sets the status and a summary made like printf. */
void reply_set(struct reply *r, enum reply_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Adds to the summary, like printf. */
void reply_append(struct reply *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
