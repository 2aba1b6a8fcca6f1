/* application/x-www-form-urlencoded, as Slack sends it: key=value pairs joined by &, with
 * + for a space and %XX for a byte. Strict: a malformed escape is an error, not a guess. */
#ifndef CONCIERGE_FORM_H
#define CONCIERGE_FORM_H
#include <stddef.h>

/* Is the whole body well-formed? 0, or -1. */
int form_check(const char *body, size_t len);

/* The decoded value of the first field named key, NUL-terminated in out. Returns its length,
 * -1 when the field is absent, -2 when it is malformed (a bad escape, a NUL byte) or does not
 * fit in size. */
long form_get(const char *body, size_t len, const char *key, char *out, size_t size);

#endif
