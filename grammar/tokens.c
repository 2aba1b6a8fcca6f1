/* Passes over the scanned tokens before the sentence machines: fixed phrases of several
 * words become one token, and polite padding goes. */
#include "tokens.h"

#include <string.h>

/* Two words that are one token. Joined only when both are there, in this order. */
static const struct {
    uint16_t first, second, joined;
} pairs[] = {
    {T_NEVER, T_MIND, T_NEVERMIND}, {T_NO, T_LONGER, T_NOLONGER}, {T_GO, T_AHEAD, T_GOAHEAD},
    {T_DO, T_IT, T_DOIT},           {T_CAN, T_YOU, T_CANYOU},     {T_COULD, T_YOU, T_CANYOU},
    {T_THANKS, T_YOU, T_THANKS}, /* "thank" alone is not a word we know; see below */
    {T_ANY, T_MORE, T_ANYMORE},     {T_ANY, T_LONGER, T_ANYMORE}, {T_READ, T_ONLY, T_READONLY},
    {T_SHOW, T_ME, T_SHOW},         {T_TELL, T_ME, T_TELL},
};

static int is_thank(const struct token *t, const char *text)
{
    return t->code == T_WORD && t->len == 5 && memcmp(text + t->start, "thank", 5) == 0;
}

void tokens_join_and_strip(struct token_list *tl, const char *text)
{
    /* The first words of the pairs above, and "thank": every other token is passed over. */
    static const uint8_t starts_pair[T__COUNT] = {
        [T_NEVER] = 1,  [T_NO] = 1,  [T_GO] = 1,   [T_DO] = 1,   [T_CAN] = 1,  [T_COULD] = 1,
        [T_THANKS] = 1, [T_ANY] = 1, [T_READ] = 1, [T_SHOW] = 1, [T_TELL] = 1,
    };
    /* One compacting pass: r reads, w writes. */
    int w = 0, n = tl->n;
    for (int r = 0; r < n; r++) {
        struct token t = tl->t[r];
        if ((starts_pair[t.code] || t.code == T_WORD) && r + 1 < n) {
            const struct token *next = &tl->t[r + 1];
            int joined = T_NONE;
            if (t.code == T_WORD && is_thank(&t, text) && next->code == T_YOU) joined = T_THANKS;
            for (size_t p = 0; !joined && t.code != T_WORD && p < sizeof pairs / sizeof pairs[0]; p++)
                if (t.code == pairs[p].first && next->code == pairs[p].second) joined = pairs[p].joined;
            if (joined) {
                t.code = (uint16_t)joined;
                t.len = (uint16_t)(next->start + next->len - t.start);
                r++;
            }
        }
        /* "this one" is this sandbox, where a sandbox is expected. */
        if (t.code == T_THIS && r + 1 < n && tl->t[r + 1].code == T_NUMWORD && tl->t[r + 1].val == 1 &&
            tl->t[r + 1].len == 3) {
            t.code = T_HERE;
            t.len = (uint16_t)(tl->t[r + 1].start + 3 - t.start);
            r++;
        }
        /* please, pls, thanks, thx: anywhere; with "so much", "a lot", "again" after thanks. */
        if (t.code == T_PLEASE) continue;
        if (t.code == T_THANKS) {
            if (r + 2 < n && ((tl->t[r + 1].code == T_SO && tl->t[r + 2].code == T_MUCH) ||
                              (tl->t[r + 1].code == T_A && tl->t[r + 2].code == T_LOT)))
                r += 2;
            else if (r + 1 < n && tl->t[r + 1].code == T_AGAIN)
                r++;
            continue;
        }
        /* "much appreciated" at the end. */
        if (t.code == T_MUCH && r + 1 < n && tl->t[r + 1].code == T_APPRECIATED) {
            r++;
            continue;
        }
        /* At the start: hey, hi, concierge, the bot's own mention, can you / could you, and
         * the commas between them ("hey concierge, …"). */
        if (w == 0 && (t.code == T_HEY || t.code == T_CONCIERGE || t.code == T_CANYOU || t.code == T_COMMA ||
                       t.code == T_SEP || t.code == T_TELL || (t.code == T_PRINC && (t.flags & TF_BOT))))
            continue;
        /* A greeting's addressee: "hi there", "hello team", "hey everyone". */
        if (w == 0 && r > 0 && tl->t[r - 1].code == T_HEY &&
            (t.code == T_THERE || t.code == T_TEAM || t.code == T_ALL || t.code == T_EVERYONE))
            continue;
        if (w != r || t.code != tl->t[r].code) tl->t[w] = t;
        w++;
    }
    /* At the end: a comma or a question mark left by the padding after it (`…? thanks`). */
    while (w > 0 && (tl->t[w - 1].code == T_COMMA || tl->t[w - 1].code == T_SEP))
        w--;
    tl->n = w;
}
