/* A string that grows: what a person or the store gives us is never cut to a fixed size
 * (a reply's summary, an audit event's subjects and before, a listing of a thousand
 * members). Out of memory is remembered, not ignored: text_failed() says so, and the caller
 * answers with an error instead of a shortened text. */
#ifndef CONCIERGE_TEXT_H
#define CONCIERGE_TEXT_H
#include <stdarg.h>
#include <stddef.h>

struct text {
    char *s;    /* always a NUL-terminated string ("" until something is written) */
    size_t len; /* strlen(s) */
    size_t cap; /* bytes allocated, 0 while s is the shared "" */
    int oom;    /* an allocation failed: the text is incomplete */
};

#define TEXT_INIT                                                                                            \
    {                                                                                                        \
        (char *)"", 0, 0, 0                                                                                  \
    }

void text_init(struct text *t);
void text_free(struct text *t);  /* back to "", memory released */
void text_reset(struct text *t); /* back to "", memory kept */
void text_append(struct text *t, const char *s, size_t n);
void text_puts(struct text *t, const char *s);
void text_printf(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void text_vprintf(struct text *t, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Replaces the first n bytes with s (the past tense of a description: "Invite" → "Invited"). */
void text_replace_head(struct text *t, size_t n, const char *s);
/* Hands the string over (the caller free()s it; NULL when out of memory); t is reset. */
char *text_take(struct text *t);
static inline int text_failed(const struct text *t) { return t->oom; }

#endif
