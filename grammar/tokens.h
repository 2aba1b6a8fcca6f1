/* Tokens: what the scanner makes of normalised text, and the passes over them before the
 * sentence machines run (joining fixed phrases, dropping padding). */
#ifndef CONCIERGE_TOKENS_H
#define CONCIERGE_TOKENS_H
#include <stdint.h>
#include "words.h"

/* A phrase has at most this many tokens; a longer one is refused as not understood. */
#define TOK_MAX 96

enum tok_flag {
    TF_SLACK = 1,   /* a PRINC written as Slack's <@U…> mention */
    TF_EMAIL = 2,   /* a PRINC that is an e-mail address */
    TF_ORDINAL = 4, /* a NUM written 1st, 2nd, 31st … */
    TF_DECIMAL = 8, /* a NUM with a decimal point */
    TF_BOT = 16,    /* a Slack mention whose label is "concierge": the bot addressed */
    TF_HYPHEN = 32, /* a WORD holding a '-' (maybe twenty-one) */
};

struct token {
    uint16_t code;  /* enum tok_code */
    uint8_t flags;  /* enum tok_flag */
    uint16_t start; /* offset in the normalised text */
    uint16_t len;
    int32_t val; /* a keyword's value (units, numbers, months, …); for a chunked time
                    token, its index in the phrase's time table */
};

struct token_list {
    struct token t[TOK_MAX];
    int n;
    int overflow; /* more tokens than TOK_MAX */
};

/* Scans normalised text into tokens. Never fails: what it cannot read is T_OTHER. */
void scan_tokens(const char *text, int len, struct token_list *out);

/* Joins the fixed phrases of several words (`never mind`, `no longer`, `can you`, …) into
 * one token each, then drops polite padding (`please`, `thanks`, `hey concierge,`, a
 * leading `can you`, a leading mention of the bot). */
void tokens_join_and_strip(struct token_list *tl, const char *text);

#endif
