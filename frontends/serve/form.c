/* Form decoding (form.h). */
#include "form.h"

#include <string.h>

static int hex(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes s[0..n) into out (when out is not NULL). Returns the decoded length, or -2. */
static long decode(const char *s, size_t n, char *out, size_t size)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)s[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            int hi = i + 1 < n ? hex(s[i + 1]) : -1, lo = i + 2 < n ? hex(s[i + 2]) : -1;
            if (hi < 0 || lo < 0) return -2;
            c = hi * 16 + lo;
            i += 2;
        }
        if (c == 0) return -2; /* a NUL would cut the value short for every C string after */
        if (out) {
            if (o + 1 >= size) return -2;
            out[o] = (char)c;
        }
        o++;
    }
    if (out) out[o] = '\0';
    return (long)o;
}

int form_check(const char *body, size_t len)
{
    size_t i = 0;
    while (i < len) {
        const char *amp = memchr(body + i, '&', len - i);
        size_t end = amp ? (size_t)(amp - body) : len;
        if (decode(body + i, end - i, NULL, 0) < 0) return -1;
        i = end + 1;
    }
    return 0;
}

long form_get(const char *body, size_t len, const char *key, char *out, size_t size)
{
    size_t klen = strlen(key), i = 0;
    while (i < len) {
        const char *amp = memchr(body + i, '&', len - i);
        size_t end = amp ? (size_t)(amp - body) : len;
        const char *eq = memchr(body + i, '=', end - i);
        /* Keys Slack sends are plain words: compared as they are, not decoded. */
        size_t kend = eq ? (size_t)(eq - body) : end;
        if (kend - i == klen && memcmp(body + i, key, klen) == 0) {
            if (size == 0) return -2;
            return eq ? decode(eq + 1, end - kend - 1, out, size) : (out[0] = '\0', 0);
        }
        i = end + 1;
    }
    return -1;
}
