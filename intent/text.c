#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void text_init(struct text *t)
{
    t->s = (char *)"";
    t->len = t->cap = 0;
    t->oom = 0;
}

void text_free(struct text *t)
{
    if (t->cap) free(t->s);
    text_init(t);
}

void text_reset(struct text *t)
{
    if (t->cap) t->s[0] = '\0';
    t->len = 0;
    t->oom = 0;
}

/* Room for n more bytes and the NUL. 0, or -1 (and oom set). */
static int reserve(struct text *t, size_t n)
{
    if (t->oom) return -1;
    if (t->cap && n < t->cap - t->len) return 0;
    size_t want = t->len + n + 1, cap = t->cap ? t->cap : 64;
    while (cap < want) {
        if (cap > (size_t)-1 / 2) {
            t->oom = 1;
            return -1;
        }
        cap *= 2;
    }
    char *s = t->cap ? realloc(t->s, cap) : malloc(cap);
    if (!s) {
        t->oom = 1;
        return -1;
    }
    if (!t->cap) s[0] = '\0';
    t->s = s;
    t->cap = cap;
    return 0;
}

void text_append(struct text *t, const char *s, size_t n)
{
    if (reserve(t, n)) return;
    memcpy(t->s + t->len, s, n);
    t->len += n;
    t->s[t->len] = '\0';
}

void text_puts(struct text *t, const char *s) { text_append(t, s, strlen(s)); }

void text_vprintf(struct text *t, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n < 0) {
        t->oom = 1;
    } else if ((size_t)n < sizeof small) {
        text_append(t, small, (size_t)n);
    } else if (reserve(t, (size_t)n) == 0) {
        vsnprintf(t->s + t->len, (size_t)n + 1, fmt, again);
        t->len += (size_t)n;
    }
    va_end(again);
}

void text_printf(struct text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    text_vprintf(t, fmt, ap);
    va_end(ap);
}

void text_replace_head(struct text *t, size_t n, const char *s)
{
    size_t k = strlen(s);
    if (n > t->len) n = t->len;
    if (k > n && reserve(t, k - n)) return;
    if (!t->cap) return; /* empty, and nothing to write */
    memmove(t->s + k, t->s + n, t->len - n + 1);
    memcpy(t->s, s, k);
    t->len = t->len - n + k;
}

char *text_take(struct text *t)
{
    char *s = t->oom ? NULL : t->cap ? t->s : strdup("");
    if (t->oom && t->cap) free(t->s);
    text_init(t);
    return s;
}
