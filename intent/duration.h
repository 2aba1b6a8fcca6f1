/* A length of time as said: each component in its own unit (language.md, Time). */
#ifndef CONCIERGE_DURATION_H
#define CONCIERGE_DURATION_H
#include <stddef.h>
#include <stdint.h>

struct duration {
    int64_t years, months, days, hours, minutes, seconds;
};

/* Writes the ISO 8601 form (P1Y6M, P14D, PT90M, P1DT12H) into buf (at least 64 bytes).
 * Returns the length. A zero duration is written PT0S. */
int duration_iso(const struct duration *d, char *buf, size_t size);

/* Parses the ISO 8601 form written by duration_iso (weeks allowed). 0, or -1. */
int duration_parse_iso(const char *s, struct duration *d);

int duration_is_zero(const struct duration *d);
void duration_add(struct duration *acc, const struct duration *d);

#endif
