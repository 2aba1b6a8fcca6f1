/* Why a phrase was refused, and the closest thing the grammar accepts.
 *
 * Negations, broadcasts and two commands on one line are named first: they are refused on
 * purpose, and a repair that dropped the "don't" would be a dangerous hint. Otherwise a
 * one-token repair search (GRAMMAR-NOTES.md, Hints on refusal) tries, at the token where
 * the sentence machines stopped and the one before it: a keyword within two edits of a
 * misspelt word (`invte` → invite), `@word` for a bare name (`revoke bob` → @bob), a role
 * for an unknown role (`as admin` → editor), and dropping a stray word. The cheapest repair
 * that makes a sentence match becomes the hint, written out as the repaired phrase. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../intent/distance.h"
#include "phrase.h"

/* The keyword spellings grouped by first letter, so that a misspelt word is compared with
 * the few that start like it (a typo in the very first letter is not looked for). Built
 * once, by whichever thread refuses a phrase first: every spelling, however many start with
 * one letter (letter b's are grouped[start[b]] up to grouped[start[b + 1]]). Without memory
 * for it, no spelling hint is offered; the refusal stands without one. */
static int *grouped;
static int start[27];
static pthread_once_t by_letter_once = PTHREAD_ONCE_INIT;

static int letter_of(int k)
{
    unsigned char c = (unsigned char)tok_spellings[k].text[0];
    return c >= 'a' && c <= 'z' ? c - 'a' : -1;
}

static void build_by_letter(void)
{
    int count[26] = {0}, at[26];
    for (int k = 0; k < tok_spellings_count; k++)
        if (letter_of(k) >= 0) count[letter_of(k)]++;
    for (int b = 0; b < 26; b++)
        start[b + 1] = start[b] + count[b], at[b] = start[b];
    if (!(grouped = malloc(sizeof *grouped * (size_t)(start[26] ? start[26] : 1)))) {
        memset(start, 0, sizeof start);
        return;
    }
    for (int k = 0; k < tok_spellings_count; k++)
        if (letter_of(k) >= 0) grouped[at[letter_of(k)]++] = k;
}

struct repair {
    int cost; /* lower is better; 0 = none found */
    int pos;
    int op; /* 1 substitute, 2 delete */
    int code;
    char text[80]; /* what the substituted token reads as */
};

static int accepts(const uint16_t *codes, int n)
{
    uint8_t acc[IK__COUNT];
    int stop;
    return sentence_match_all(codes, n, acc, &stop) > 0;
}

static void try_sub(const struct phrase *ph, int pos, int code, const char *text, int cost,
                    struct repair *best)
{
    if (best->cost && best->cost <= cost) return;
    uint16_t codes[TOK_MAX];
    memcpy(codes, ph->codes, sizeof(uint16_t) * (size_t)ph->tl.n);
    codes[pos] = (uint16_t)code;
    if (!accepts(codes, ph->tl.n)) return;
    best->cost = cost;
    best->pos = pos;
    best->op = 1;
    best->code = code;
    snprintf(best->text, sizeof best->text, "%s", text);
}

static void try_delete(const struct phrase *ph, int pos, int cost, struct repair *best)
{
    if ((best->cost && best->cost <= cost) || ph->tl.n < 2) return;
    uint16_t codes[TOK_MAX];
    int n = 0;
    for (int i = 0; i < ph->tl.n; i++)
        if (i != pos) codes[n++] = ph->codes[i];
    if (!accepts(codes, n)) return;
    best->cost = cost;
    best->pos = pos;
    best->op = 2;
}

static int names_someone(const struct phrase *ph)
{
    for (int i = 0; i < ph->tl.n; i++)
        if (ph->codes[i] == T_PRINC) return 1;
    return 0;
}

static void search_at(const struct phrase *ph, int pos, struct repair *best)
{
    const struct token *t = &ph->tl.t[pos];
    const char *w = ph->text + t->start;
    char buf[80];
    if (t->code == T_WORD) {
        if (t->len <= 64) {
            /* A bare word as @name, unless the phrase names someone already: then a stray
             * word is dropped rather than made a person (`revoke @bob maybe` hints
             * `revoke @bob`, never `revoke @bob @maybe`; language.md, Refusals). */
            snprintf(buf, sizeof buf, "@%.*s", (int)t->len, w);
            try_sub(ph, pos, T_PRINC, buf, names_someone(ph) ? 10 : 4, best);
        }
        if (t->len >= 3 && w[0] >= 'a' && w[0] <= 'z') {
            pthread_once(&by_letter_once, build_by_letter);
            int b = w[0] - 'a';
            for (int j = start[b]; j < start[b + 1]; j++) {
                int k = grouped[j];
                const char *sp = tok_spellings[k].text;
                int sl = tok_spellings[k].len, diff = sl > t->len ? sl - t->len : t->len - sl;
                int maxd = t->len >= 6 ? 2 : 1;
                if (diff > maxd) continue;
                int d = edit_distance(w, t->len, sp, sl, maxd);
                /* Costs are doubled so that, at one distance, a spelling at least as long as
                 * the typo wins (a typo drops a letter more often than it adds one:
                 * `viewr` is `viewer` rather than `view`). */
                if (d <= maxd) try_sub(ph, pos, tok_spellings[k].code, sp, 2 * d + (sl < t->len), best);
            }
        }
    }
    if (t->code == T_WORD || t->code == T_ADMIN) {
        try_sub(ph, pos, T_EDITOR, "editor", 6, best);
        try_sub(ph, pos, T_VIEWER, "viewer", 6, best);
    }
    if (pos == ph->tl.n - 1) try_delete(ph, pos, 8, best); /* a stray last word only */
}

/* Appends s[0..n) to out, keeping it terminated: 0, or -1 when it does not fit (nothing is
 * cut: the caller then gives no repaired phrase). */
static int append(char *out, size_t size, size_t *o, const char *s, size_t n)
{
    if (n >= size - *o) return -1;
    memcpy(out + *o, s, n);
    *o += n;
    out[*o] = '\0';
    return 0;
}

/* The phrase as the repair would have it, from the tokens (padding already gone). */
static int render(const struct phrase *ph, const struct repair *r, char *out, size_t size)
{
    size_t o = 0;
    int bad = 0;
    out[0] = '\0';
    for (int i = 0; i < ph->tl.n && !bad; i++) {
        if (r->op == 2 && i == r->pos) continue;
        const struct token *t = &ph->tl.t[i];
        int glued = t->code == T_COMMA || t->code == T_POSS; /* no space before , or 's */
        if (o && !(glued && !(r->op == 1 && i == r->pos))) bad |= append(out, size, &o, " ", 1);
        if (r->op == 1 && i == r->pos)
            bad |= append(out, size, &o, r->text, strlen(r->text));
        else
            bad |= append(out, size, &o, ph->text + t->start, t->len);
    }
    return bad ? -1 : 0;
}

static int is_verb(int c)
{
    switch (c) {
    case T_INVITE:
    case T_ADD:
    case T_GIVE:
    case T_GRANT:
    case T_REVOKE:
    case T_REMOVE:
    case T_KICK:
    case T_EXTEND:
    case T_MAKE:
    case T_CHANGE:
    case T_PROMOTE:
    case T_DEMOTE:
    case T_SHARE:
    case T_UNSHARE:
    case T_DELETE:
    case T_LIST:
    case T_SHOW:
    case T_REFRESH:
    case T_CONFIRM:
    case T_CANCEL:
    case T_SET:
    case T_SWITCH:
    case T_LIMIT:
    case T_REQUEST:
    case T_APPROVE:
    case T_DENY:
    case T_OPEN:
    case T_SIGN: return 1;
    }
    return 0;
}

/* The intent a first word points at, for a template hint when no repair is found. */
static int intent_of_verb(int c)
{
    switch (c) {
    case T_INVITE:
    case T_ADD:
    case T_GIVE:
    case T_GRANT:
    case T_LET: return IK_INVITE;
    case T_REVOKE:
    case T_REMOVE:
    case T_KICK:
    case T_TAKE: return IK_REVOKE;
    case T_MAKE:
    case T_CHANGE:
    case T_PROMOTE:
    case T_DEMOTE:
    case T_SWITCH: return IK_CHANGE_ROLE;
    case T_EXTEND:
    case T_RENEW: return IK_SET_EXPIRY;
    case T_LIST:
    case T_WHO: return IK_LIST_ACCESS;
    case T_CAN:
    case T_DOES:
    case T_CHECK: return IK_CHECK_ACCESS;
    case T_AUDIT: return IK_SHOW_AUDIT;
    case T_SHARE: return IK_SHARE_AGENT;
    case T_REFRESH: return IK_REFRESH_CROSS;
    case T_LIMIT: return IK_SET_POLICY;
    case T_REQUEST:
    case T_ASK: return IK_REQUEST_ACCESS;
    case T_APPROVE: return IK_APPROVE_REQUEST;
    case T_DENY: return IK_DENY_REQUEST;
    case T_SIGN: return IK_SIGN_IN;
    }
    return 0;
}

void explain_refusal(const struct phrase *ph, int stop, struct parse_error *err)
{
    const struct token_list *tl = &ph->tl;
    int verbs = 0, joiner = 0;
    for (int i = 0; i < tl->n; i++) {
        int c = tl->t[i].code;
        if (c == T_NOT || c == T_DONT || c == T_NEVER || c == T_CANT || c == T_NEG || c == T_SHOULDNT) {
            set_error(err, C_NEGATION, NULL, NULL);
            return;
        }
        if (c == T_BROADCAST) {
            set_error(err, C_CROWD, NULL, NULL);
            return;
        }
        if (i > 0 && is_verb(c) &&
            (tl->t[i - 1].code == T_AND || tl->t[i - 1].code == T_THEN || tl->t[i - 1].code == T_COMMA ||
             tl->t[i - 1].code == T_SEP))
            joiner = 1;
        verbs += is_verb(c);
    }
    if (verbs >= 2 && joiner) {
        set_error(err, C_TWO_COMMANDS, NULL, NULL);
        return;
    }
    /* A choice (`as editor or viewer`, `@bob or @carol`) is never made for the person. */
    for (int i = 0; i < tl->n; i++) {
        if (tl->t[i].code != T_OR) continue;
        int k = intent_of_verb(tl->t[0].code);
        char hint[PARSE_HINT_MAX];
        snprintf(hint, sizeof hint, "try: %s", intent_kind_help((enum intent_kind)k));
        set_error(err, C_EITHER_OR, NULL, k ? hint : NULL);
        return;
    }
    for (int i = 0; i < ph->tt.n; i++) {
        if (ph->tt.p[i].ambiguous) {
            set_error(err, ph->tt.p[i].ambiguous, NULL, "write the date as Jan 15 or 2027-01-15");
            return;
        }
    }
    struct repair best = {0};
    if (tl->n <= 24) {
        if (stop < tl->n) search_at(ph, stop, &best);
        if (stop > 0) search_at(ph, stop - 1, &best);
        /* A bare name read as a sandbox can carry the machines well past it
         * (`revoke bob's access to the marketing project`): try @name for every bare word. */
        for (int i = 0; i < tl->n && !best.cost; i++) {
            const struct token *t = &tl->t[i];
            if (t->code != T_WORD || t->len > 64 || i == stop || i == stop - 1) continue;
            char buf[80];
            buf[0] = '@';
            memcpy(buf + 1, ph->text + t->start, t->len);
            buf[t->len + 1] = '\0';
            try_sub(ph, i, T_PRINC, buf, 4, &best);
        }
    }
    char hint[PARSE_HINT_MAX];
    char fixed[PARSE_HINT_MAX - 64];
    if (best.cost && render(ph, &best, fixed, sizeof fixed) == 0) {
        snprintf(hint, sizeof hint, "did you mean: %s", fixed);
        if (best.op == 1 && (best.code == T_EDITOR || best.code == T_VIEWER))
            snprintf(hint, sizeof hint, "roles are editor and viewer; did you mean: %s", fixed);
        /* `revoke bob`: the repair names the person as @bob (language.md, bare_name). */
        int bare = best.op == 1 && best.code == T_PRINC && tl->t[best.pos].code == T_WORD;
        set_error(err, bare ? C_BARE_NAME : C_UNKNOWN_WORD, NULL, hint);
        return;
    }
    int k = intent_of_verb(tl->t[0].code);
    if (k) {
        snprintf(hint, sizeof hint, "try: %s", intent_kind_help((enum intent_kind)k));
        set_error(err, C_UNKNOWN_WORD, NULL, hint);
        return;
    }
    set_error(err, C_UNKNOWN_WORD, NULL, "say help to see what I understand");
}
