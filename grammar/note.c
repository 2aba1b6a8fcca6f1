/* The free text after `because` (note.h). Read on the raw bytes, so that nothing of the
 * grammar touches it: `request access because I don't want to wait` is not a negation. */
#include "note.h"

#include "../intent/intent.h"
#include "normalise.h"

static int is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* `because` starts a word here: not glued to a name before it (`@because`, `x.because`, the
 * label of a Slack mention `<@U1|because>`, an e-mail address) nor after it (`because-it`,
 * `because@x.com`, `becausey`). */
static int starts_word(const unsigned char *s, size_t at)
{
    if (at == 0) return 1;
    unsigned char c = s[at - 1];
    if (c == 0xA0 && at >= 2 && s[at - 2] == 0xC2) return 1; /* a non-breaking space */
    return c < 0x80 && !is_alnum(c) && c != '@' && c != '_' && c != '.' && c != '-' && c != '|' && c != '<' &&
           c != ':' && c != '/' && c != '\'';
}

static int ends_word(const unsigned char *s, size_t at, size_t len)
{
    if (at == len) return 1;
    unsigned char c = s[at];
    return c == ' ' || c == '\t' || c == ',' || c == ':' || c == ';' || c == '.' || c == '!' || c == '?';
}

static int is_because(const unsigned char *s, size_t at, size_t len)
{
    static const char word[] = "because";
    if (len - at < sizeof word - 1) return 0;
    for (size_t k = 0; k < sizeof word - 1; k++)
        if ((s[at + k] | 0x20) != word[k]) return 0;
    return starts_word(s, at) && ends_word(s, at + sizeof word - 1, len);
}

/* A note that says nothing (`because.`, `because ,`) is no note: punctuation and spaces only. */
static int says_something(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (is_alnum(s[i]) || s[i] >= 0x80) return 1;
    return 0;
}

enum code note_cut(const char *text, size_t len, struct note_cut *out, const char **message)
{
    const unsigned char *s = (const unsigned char *)text;
    *message = NULL;
    /* As normalise() reads a line: the newline, then a CR, are not part of it. */
    if (len > 0 && s[len - 1] == '\n') len--;
    if (len > 0 && s[len - 1] == '\r') len--;
    out->line_len = len;
    out->note = NULL;
    out->note_len = 0;
    /* The line-length limit is the whole line's, note and all. */
    if (len > NORM_MAX_INPUT) return C_TOO_LONG;
    size_t at = 0;
    while (at < len && !is_because(s, at, len))
        at++;
    if (at == len) return C_NONE;
    out->line_len = at;
    size_t b = at + 7, e = len;
    /* Trimmed of the spaces around it, and of the colon or comma that may follow the word
     * (`because: we use staging`). */
    while (b < e && (s[b] == ' ' || s[b] == '\t'))
        b++;
    if (b < e && (s[b] == ':' || s[b] == ',')) b++;
    while (b < e && (s[b] == ' ' || s[b] == '\t'))
        b++;
    while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t'))
        e--;
    out->note = text + b;
    if (!says_something(s + b, e - b)) return C_NONE;
    if (e - b > NOTE_MAX_LEN) {
        *message = "the reason after because is too long (more than 200 bytes); say it in fewer words";
        return C_TOO_LONG;
    }
    enum norm_status ns = normalise_check_text(text + b, e - b);
    if (ns != NORM_OK) return norm_status_code(ns);
    out->note_len = e - b;
    return C_NONE;
}
