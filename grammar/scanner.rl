/* The scanner: normalised text to tokens. A |* *| scanner (GRAMMAR-NOTES.md shape B):
 * longest match wins; on equal length the first pattern listed wins, so the compact
 * duration (30d, 1h30m) comes before the plain word. Keywords are words: which word a word
 * is comes from keywords.c, so this machine stays small. Each action only records where a
 * token is and what it is. */
#include <string.h>

#include "keywords.h"
#include "tokens.h"

%%{
    machine scanner;
    alphtype unsigned char;

    include names "names.rl";
    broadcast = '<!' [^>]* '>';
    channel = '<#' [^>]* '>';
    # Slack's e-mail link, <mailto:bob@example.com|bob@example.com>: the e-mail address.
    mailto = '<mailto:' email ('|' email)? '>';
    digits = [0-9]+;
    decimal = digits '.' digits;
    ordinal = digits ('st' | 'nd' | 'rd' | 'th');
    cunit = 's' | 'sec' | 'secs' | 'second' | 'seconds' | 'm' | 'min' | 'mins' | 'minute' | 'minutes'
          | 'h' | 'hr' | 'hrs' | 'hour' | 'hours' | 'd' | 'day' | 'days' | 'w' | 'wk' | 'wks' | 'week' | 'weeks'
          | 'mo' | 'month' | 'months' | 'y' | 'yr' | 'yrs' | 'year' | 'years';
    cdur = ((digits | decimal) cunit)+;
    clocknum = digits ':' digits (':' digits)? ('am' | 'pm')? | digits ('am' | 'pm');
    isodate = digit{4} '-' digit{2} '-' digit{2};
    slashdate = digits '/' digits ('/' digits)?;
    word = name;
    # don't, what's, who's, shouldn't: keywords with an apostrophe; bob's is a name and 's.
    contraction = [a-z]+ "'" [a-z]+;
    # Text outside ASCII (valid UTF-8: the normaliser checked) is one token a run, never
    # split inside a character, so that a hint quoting it stays valid UTF-8.
    utf8char = 0xC2..0xDF 0x80..0xBF | 0xE0..0xEF 0x80..0xBF 0x80..0xBF | 0xF0..0xF4 0x80..0xBF 0x80..0xBF 0x80..0xBF;

    main := |*
        crowd => { EMIT(T_BROADCAST, 0, 0); };
        handle => { EMIT(T_PRINC, 0, 0); };
        email => { EMIT(T_PRINC, 0, TF_EMAIL); };
        slack_user => { EMIT(T_PRINC, 0, TF_SLACK); };
        mailto => { emit_mailto(out, text, ts, te); };
        broadcast => { EMIT(T_BROADCAST, 0, 0); };
        channel => { EMIT(T_OTHER, 0, 0); };
        digits => { EMIT(T_NUM, 0, 0); };
        decimal => { EMIT(T_NUM, 0, TF_DECIMAL); };
        ordinal => { EMIT(T_NUM, 0, TF_ORDINAL); };
        clocknum => { EMIT(T_CLOCKNUM, 0, 0); };
        cdur => { EMIT(T_CDUR, 0, 0); };
        isodate => { EMIT(T_ISODATE, 0, 0); };
        slashdate => { EMIT(T_SLASHDATE, 0, 0); };
        word => { emit_word(out, text, ts, te); };
        contraction => { emit_contraction(out, text, ts, te); };
        "'s" | "'" => { EMIT(T_POSS, 0, 0); };
        '-' => { EMIT(T_MINUS, 0, 0); };
        ',' => { EMIT(T_COMMA, 0, 0); };
        '&' => { EMIT(T_AND, 0, 0); };
        ':' => { EMIT(T_COLON, 0, 0); };
        [;.!?]+ => { EMIT(T_SEP, 0, 0); };
        ' ';
        utf8char+ => { EMIT(T_OTHER, 0, 0); };
        any => { EMIT(T_OTHER, 0, 0); };
    *|;
}%%

%% write data nofinal noerror noprefix;

#define EMIT(code_, val_, flags_) emit(out, text, ts, te, (code_), (val_), (flags_))
#define EMIT_AT(code_, from_, to_) emit(out, text, (from_), (to_), (code_), 0, 0)

static void emit(struct token_list *out, const char *text, const unsigned char *ts, const unsigned char *te,
                 int code, int val, int flags)
{
    if (out->n >= TOK_MAX) {
        out->overflow = 1;
        return;
    }
    struct token *t = &out->t[out->n++];
    t->code = (uint16_t)code;
    t->val = val;
    t->start = (uint16_t)((const char *)ts - text);
    t->len = (uint16_t)(te - ts);
    t->flags = (uint8_t)flags;
    if ((flags & TF_SLACK) && t->len > 12 && memcmp(te - 11, "|concierge>", 11) == 0) t->flags |= TF_BOT;
}

/* Slack's e-mail link is the address it links to: the token is that address, so that it is
 * read, limited and written as an e-mail address typed plainly. A label that is another
 * address than the link's (Slack writes the same one) is not guessed at: not understood. */
static void emit_mailto(struct token_list *out, const char *text, const unsigned char *ts, const unsigned char *te)
{
    const unsigned char *addr = ts + 8, *end = addr; /* past "<mailto:" */
    while (end < te - 1 && *end != '|')
        end++;
    if (end < te - 1) {
        size_t n = (size_t)(end - addr);
        const unsigned char *label = end + 1;
        if ((size_t)(te - 1 - label) != n || memcmp(label, addr, n) != 0) {
            EMIT(T_OTHER, 0, 0);
            return;
        }
    }
    emit(out, text, addr, end, T_PRINC, 0, TF_EMAIL);
}

/* A word is a keyword of words.def, or a name. */
static void emit_word(struct token_list *out, const char *text, const unsigned char *ts, const unsigned char *te)
{
    int val, code = keyword_find((const char *)ts, (int)(te - ts), &val);
    if (code) {
        EMIT(code, val, 0);
        return;
    }
    EMIT(T_WORD, 0, memchr(ts, '-', (size_t)(te - ts)) ? TF_HYPHEN : 0);
}

/* don't is a keyword; bob's is the name bob and a possessive; anything else with an
 * apostrophe is not a word we know. */
static void emit_contraction(struct token_list *out, const char *text, const unsigned char *ts,
                             const unsigned char *te)
{
    int val, code = keyword_find((const char *)ts, (int)(te - ts), &val);
    if (code) {
        EMIT(code, val, 0);
        return;
    }
    if (te - ts >= 3 && te[-2] == '\'' && te[-1] == 's') {
        emit_word(out, text, ts, te - 2);
        EMIT_AT(T_POSS, te - 2, te);
        return;
    }
    EMIT(T_OTHER, 0, 0);
}

void scan_tokens(const char *text, int len, struct token_list *out)
{
    const unsigned char *p = (const unsigned char *)text, *pe = p + len, *eof = pe;
    const unsigned char *ts, *te;
    int cs, act;
    out->n = 0;
    out->overflow = 0;
    (void)act;
    %% write init;
    %% write exec;
}
