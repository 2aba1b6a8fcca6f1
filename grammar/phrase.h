/* The state of one parse, shared by parse.c, build.c and hint.c. */
#ifndef CONCIERGE_PHRASE_H
#define CONCIERGE_PHRASE_H
#include "normalise.h"
#include "parse.h"
#include "slots.h"
#include "timephrase.h"
#include "tokens.h"

struct phrase {
    char text[NORM_MAX_INPUT + 1];
    size_t len;
    struct token_list tl;
    struct time_table tt;
    uint16_t codes[TOK_MAX];
};

/* Fills the intent of `kind` from its slots; resolves names and times against ctx.
 * PARSE_OK, or an error in err. */
enum parse_status build_intent(const struct phrase *ph, int kind, const struct slots *s,
                               const struct parse_ctx *ctx, struct intent *out, struct parse_error *err);

/* Fills err for a phrase no sentence matched: why, and the closest accepted form. */
void explain_refusal(const struct phrase *ph, int stop, struct parse_error *err);

/* Refuses with code (its status comes from codes.def); a NULL msg says the code's message. */
void set_error(struct parse_error *err, enum code code, const char *msg, const char *hint);

#endif
