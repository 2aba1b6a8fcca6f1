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

static void drop(struct token_list *tl, int i)
{
    memmove(&tl->t[i], &tl->t[i + 1], sizeof(struct token) * (size_t)(tl->n - i - 1));
    tl->n--;
}

static int is_thank(const struct token *t, const char *text)
{
    return t->code == T_WORD && t->len == 5 && memcmp(text + t->start, "thank", 5) == 0;
}

void tokens_join_and_strip(struct token_list *tl, const char *text)
{
    /* The first words of the pairs above, and "thank": every other token is passed over. */
    static const uint8_t starts_pair[T__COUNT] = {
        [T_NEVER] = 1,  [T_NO] = 1,  [T_GO] = 1,   [T_DO] = 1,   [T_CAN] = 1,  [T_COULD] = 1,
        [T_THANKS] = 1, [T_ANY] = 1, [T_READ] = 1, [T_SHOW] = 1, [T_TELL] = 1, [T_WORD] = 1,
    };
    for (int i = 0; i + 1 < tl->n; i++) {
        if (!starts_pair[tl->t[i].code]) continue;
        if (is_thank(&tl->t[i], text) && tl->t[i + 1].code == T_YOU) {
            tl->t[i].code = T_THANKS;
            drop(tl, i + 1);
            continue;
        }
        for (size_t p = 0; p < sizeof pairs / sizeof pairs[0]; p++) {
            if (tl->t[i].code == pairs[p].first && tl->t[i + 1].code == pairs[p].second) {
                tl->t[i].len = (uint16_t)(tl->t[i + 1].start + tl->t[i + 1].len - tl->t[i].start);
                tl->t[i].code = pairs[p].joined;
                drop(tl, i + 1);
                break;
            }
        }
    }
    /* "this one" is this sandbox, where a sandbox is expected. */
    for (int i = 0; i + 1 < tl->n; i++) {
        if (tl->t[i].code == T_THIS && tl->t[i + 1].code == T_NUMWORD && tl->t[i + 1].val == 1 &&
            tl->t[i + 1].len == 3) {
            tl->t[i].code = T_HERE;
            tl->t[i].len = (uint16_t)(tl->t[i + 1].start + 3 - tl->t[i].start);
            drop(tl, i + 1);
        }
    }
    /* please, pls, thanks, thx: anywhere. */
    for (int i = 0; i < tl->n;) {
        if (tl->t[i].code == T_PLEASE || tl->t[i].code == T_THANKS)
            drop(tl, i);
        else
            i++;
    }
    /* At the start: hey, hi, concierge, the bot's own mention, can you / could you, and
     * the commas between them ("hey concierge, …"). */
    for (;;) {
        if (tl->n == 0) break;
        struct token *t = &tl->t[0];
        if (t->code == T_HEY || t->code == T_CONCIERGE || t->code == T_CANYOU ||
            (t->code == T_PRINC && (t->flags & TF_BOT)) || (t->code == T_COMMA))
            drop(tl, 0);
        else
            break;
    }
    /* At the end: a comma left by the padding after it. */
    while (tl->n > 0 && tl->t[tl->n - 1].code == T_COMMA)
        tl->n--;
}
