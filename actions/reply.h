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
    int64_t now;    /* the instant the reply was made at (relative times in tables); 0: unknown */
    enum code code; /* why, when it is not a plain success (codes.def); C_NONE otherwise */
    int has_intent;
    struct intent it;
    struct text summary; /* whole, however long (a thousand members, seventy grants) */
    /* The summary as data (issue 9: a reply is data): its headline is its first headline_len
     * bytes, then one part a row — a revoke's grants, a check's decisions, help's lines —
     * and after the last part (at parts_end) its tail. The sentence stays the summary;
     * renderers that lay rows out (Slack, later the terminal's tables) read the parts
     * instead of cutting the sentence up. No parts: the summary is one piece. */
    size_t headline_len, parts_end;
    /* A change kept pending: the step that carries it out ("To carry it out, say: confirm
     * K7Q2") is summary[step_at, step_end), after the description; what follows it says which
     * others are waiting. step_end 0: none. */
    size_t step_at, step_end;
    struct text *parts;
    size_t n_parts, cap_parts;
    int parts_oom;
    char rule[40];
    char token[TOKEN_MAX_LEN + 1];
    json_t *result; /* owned by the reply; NULL is null */
    int has_error;
    struct parse_error err;
    /* A rejection with a phrase that would do instead (policy_max_duration): its hint is
     * err.hint, written in the error object beside the summary. */
    int has_hint;
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
/* The refusal of a phrase the grammar did not take (err from parse_phrase), as a reply. */
void reply_refusal(struct reply *r, const struct parse_error *err);
/* Gives a rejection (after reply_fail) the phrase that would do instead, as its error's hint;
 * one too long to keep whole is not given at all (never a cut phrase). */
void reply_hint(struct reply *r, const char *hint);
/* Sets the summary anew, like printf (its parts go with the old one). */
void reply_summary(struct reply *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Adds sep and one part (a row) to the summary, like printf, and keeps the part as data. */
void reply_part(struct reply *r, const char *sep, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Adds to the summary, like printf. */
void reply_append(struct reply *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
