/* The text normaliser. One pass, no allocation: the prototypes showed a normaliser
 * written as several passes cost more than the whole parse (GRAMMAR-NOTES.md). */
#include "normalise.h"

#include <stdint.h>

enum code norm_status_code(enum norm_status st)
{
    switch (st) {
    case NORM_OK: return C_NONE;
    case NORM_EMPTY: return C_EMPTY;
    case NORM_TOO_LONG: return C_TOO_LONG;
    case NORM_BAD_UTF8: return C_INVALID_UTF8;
    case NORM_CONTROL: return C_CONTROL_CHARACTER;
    }
    return C_GRAMMAR_MISMATCH;
}

/* Length of the valid UTF-8 sequence at s (1 to 4), or 0 when it is not one. Overlong
 * forms, surrogates and code points past U+10FFFF are refused. */
static size_t utf8_seq(const unsigned char *s, size_t avail, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t n;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        v = c & 0x1F;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        v = c & 0x0F;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        v = c & 0x07;
        min = 0x10000;
    } else
        return 0;
    if (avail < n) return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
    *cp = v;
    return n;
}

/* The &…; entities Slack escapes in message text. Returns the bytes consumed, or 0. */
static size_t entity(const char *s, size_t avail, char *ch)
{
    if (avail >= 5 && s[1] == 'a' && s[2] == 'm' && s[3] == 'p' && s[4] == ';') {
        *ch = '&';
        return 5;
    }
    if (avail >= 4 && s[1] == 'l' && s[2] == 't' && s[3] == ';') {
        *ch = '<';
        return 4;
    }
    if (avail >= 4 && s[1] == 'g' && s[2] == 't' && s[3] == ';') {
        *ch = '>';
        return 4;
    }
    return 0;
}

/* Plain printable ASCII folded to lower case; 0 for what needs the careful path (controls,
 * bytes of UTF-8 sequences, & < > of Slack's escapes). One look-up a byte. */
static const unsigned char plain_fold[256] = {
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x00, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f,
    0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x00, 0x3d, 0x00, 0x3f,
    0x40, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
    0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f,
    0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
    0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x7b, 0x7c, 0x7d, 0x7e, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

enum norm_status normalise_check_text(const char *in, size_t len)
{
    const unsigned char *s = (const unsigned char *)in;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = utf8_seq(s + i, len - i, &cp);
        if (n == 0) return NORM_BAD_UTF8;
        if ((cp < 0x20 && cp != '\t') || (cp >= 0x7F && cp < 0xA0)) return NORM_CONTROL;
        i += n;
    }
    return NORM_OK;
}

static int is_end_punct(char c) { return c == '.' || c == '!' || c == '?' || c == ',' || c == ' '; }

enum norm_status normalise(const char *in, size_t len, char *out, size_t *out_len)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t o = 0;
    int in_escape = 0; /* inside Slack's <@U…|name>: IDs keep their case */
    *out_len = 0;
    out[0] = '\0';
    if (len > 0 && s[len - 1] == '\n') len--; /* a line as read, newline and all */
    if (len > 0 && s[len - 1] == '\r') len--; /* a trailing CR is dropped */
    if (len > NORM_MAX_INPUT) return NORM_TOO_LONG;

    for (size_t i = 0; i < len;) {
        if (!in_escape) {
            /* The common case, plain printable ASCII, in a tight loop: fold case, fold
             * spaces. Everything else goes one character at a time through the cases below. */
            unsigned char f;
            while (i < len && (f = plain_fold[s[i]]) != 0) {
                i++;
                if (f == ' ' && (o == 0 || out[o - 1] == ' ')) continue;
                out[o++] = (char)f;
            }
            if (i >= len) break;
        }
        unsigned char c = s[i];
        char put;
        if (c >= 0x80) {
            uint32_t cp;
            size_t n = utf8_seq(s + i, len - i, &cp);
            if (n == 0) return NORM_BAD_UTF8;
            if (cp == 0x2018 || cp == 0x2019 || cp == 0x2032)
                put = '\'';
            else if (cp == 0x201C || cp == 0x201D)
                put = '"';
            else if (cp == 0x00A0 || cp == 0x202F || cp == 0x2007)
                put = ' ';
            else if (cp == 0x2013 || cp == 0x2014)
                put = '-';
            else if (cp >= 0x80 && cp < 0xA0)
                return NORM_CONTROL;
            else { /* kept as it is: the scanner refuses it where it matters */
                for (size_t k = 0; k < n; k++)
                    out[o++] = (char)s[i + k];
                i += n;
                continue;
            }
            i += n;
        } else if (c == '\t') {
            put = ' ';
            i++;
        } else if (c < 0x20 || c == 0x7F) {
            return NORM_CONTROL;
        } else if (c == '&') {
            char ch;
            size_t n = entity(in + i, len - i, &ch);
            put = n ? ch : '&';
            i += n ? n : 1;
        } else {
            put = (char)c;
            /* Slack's escapes are <@U…>, <!here>, <#C…>: a lone '<' is just text. */
            if (put == '<' && i + 1 < len && (s[i + 1] == '@' || s[i + 1] == '!' || s[i + 1] == '#'))
                in_escape = 1;
            else if (put == '>')
                in_escape = 0;
            else if (!in_escape && put >= 'A' && put <= 'Z')
                put = (char)(put - 'A' + 'a');
            i++;
        }
        if (put == ' ' && (o == 0 || out[o - 1] == ' ')) continue;
        out[o++] = put;
    }
    while (o > 0 && is_end_punct(out[o - 1]))
        o--;
    out[o] = '\0';
    *out_len = o;
    return o == 0 ? NORM_EMPTY : NORM_OK;
}
