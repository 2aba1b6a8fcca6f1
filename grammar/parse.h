/* Text → typed intent: normalise, scan, join and strip, chunk time, match the sentence
 * machines, build and resolve the intent against the context. Allocates nothing. */
#ifndef CONCIERGE_PARSE_H
#define CONCIERGE_PARSE_H
#include <stddef.h>
#include <stdint.h>
#include "../intent/codes.h"
#include "../intent/intent.h"

struct parse_ctx {
    const char *actor;   /* canonical principal, "@owner" */
    const char *sandbox; /* the current sandbox */
    int64_t now;         /* seconds since the epoch; the zone is tz_use()'s */
};

enum parse_status {
    PARSE_OK = 0,
    PARSE_NOT_UNDERSTOOD, /* not in the language: refused, never guessed */
    PARSE_INVALID,        /* understood, but cannot be meant (owner grants, past dates) */
};

/* A hint may hold the whole phrase repaired: at most 1,000 bytes of text, a space between
 * any two of its tokens, and one replaced word. A hint that would not fit is not given at
 * all (never a cut phrase, which could name someone else). */
#define PARSE_HINT_MAX 2304

struct parse_error {
    enum parse_status status;
    enum code code;            /* why (codes.def) */
    char message[256];         /* messages are the grammar's own sentences, all shorter */
    char hint[PARSE_HINT_MAX]; /* "" when there is none */
};

const char *parse_status_name(enum parse_status st);

/* Parses text[0..len). On PARSE_OK fills *out; otherwise fills *err (err may not be
 * NULL). */
enum parse_status parse_phrase(const char *text, size_t len, const struct parse_ctx *ctx, struct intent *out,
                               struct parse_error *err);

#endif
