/* The text normaliser. One pass, no allocation: the prototypes showed a normaliser
 * written as several passes cost more than the whole parse (GRAMMAR-NOTES.md). */
#include "normalise.h"

#include <stdint.h>

const char *norm_status_message(enum norm_status st)
{
    switch (st) {
    case NORM_OK: return "ok";
    case NORM_EMPTY:
        return "there is nothing to do in an empty message; say what you would like, or ask for help";
    case NORM_TOO_LONG: return "the message is too long (more than 1,000 bytes); say one thing at a time";
    case NORM_BAD_UTF8: return "the message is not valid UTF-8 text";
    case NORM_CONTROL: return "the message holds a control character; send plain text";
    }
    return "unknown status";
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
