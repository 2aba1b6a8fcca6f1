/* The time chunker: finds the spans of tokens that say a length of time, a day or a clock
 * time, and replaces each with one token (T_DUR, T_DAY, T_CLOCK) whose value indexes a
 * table of what was said. The sentence machines then read `for DUR`, `until DAY`, as the
 * language reads; resolving a day or clock time to an instant needs the context and is
 * done later (grammar/resolve.c). */
#ifndef CONCIERGE_TIMEPHRASE_H
#define CONCIERGE_TIMEPHRASE_H
#include "tokens.h"
#include "../intent/codes.h"
#include "../intent/duration.h"
#include "../intent/timecalc.h"

#define TIMEPHRASE_MAX 8

enum day_kind {
    DK_NONE = 0,
    DK_DATE, /* year (0 when not said), month, day */
    DK_TODAY,
    DK_TOMORROW,
    DK_YESTERDAY,
    DK_WEEKDAY,  /* weekday 1..7; `next`/`this` mean the same (language.md) */
    DK_END_WEEK, /* the coming Sunday */
    DK_END_MONTH,
    DK_END_YEAR,
};

/* The units of a length of time: the values grammar/words.def gives the UNIT words
 * (second:1 … year:9; a quarter has no word of its own there). */
enum time_unit { U_SEC = 1, U_MIN, U_HOUR, U_DAY, U_WEEK, U_FORTNIGHT, U_MONTH, U_QUARTER, U_YEAR };

struct timephrase {
    /* T_DUR */
    struct duration dur;
    int negative; /* `-3 days`: recognised so that the refusal can say why */
    /* T_DAY, or the day of a T_CLOCK */
    enum day_kind day;
    int year, month, mday, weekday;
    /* T_CLOCK */
    int hour, minute;
    int midnight; /* `until midnight` is the end of that day */
    /* Set when the phrase is understood but cannot be meant (Feb 30, 1.1 years, 25:00):
     * the parse is then `invalid` with this code (codes.def). C_NONE otherwise. */
    enum code invalid;
    /* Set for numeric dates (1/15): refused as C_NUMERIC_DATE. */
    enum code ambiguous;
};

struct time_table {
    struct timephrase p[TIMEPHRASE_MAX];
    int n;
};

/* Rewrites tl in place. text is the normalised text the tokens point into. */
void chunk_time(struct token_list *tl, const char *text, struct time_table *tt);

#endif
