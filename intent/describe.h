/* The plain-English sentence for an intent, as far as it needs no store: the
 * confirmation text (access.md, Executing an intent, step 3), defaults stated. */
#ifndef CONCIERGE_DESCRIBE_H
#define CONCIERGE_DESCRIBE_H
#include <stddef.h>
#include "intent.h"
#include "text.h"

/* Appends the sentence to out (whole: it grows as needed). */
void describe_intent(const struct intent *it, struct text *out);

/* An instant for a person, in the context zone: "Fri 18 Dec 2026 15:30 UTC". */
void describe_instant(int64_t t, char *buf, size_t size);
/* An expiry for a person: describe_instant, but an expiry at local midnight reads as "the end
 * of" the day before (`the end of Thu 31 Dec 2026`). */
void describe_until(int64_t t, char *buf, size_t size);

/* How far t is from now, as the terminal and the web page say it: "now", "in 29 days", "3 hours
 * ago" (to the nearest whole unit: minutes, hours from 2 hours, days from 2 days). */
void describe_relative(int64_t t, int64_t now, struct text *out);

/* A length of time as a person says it, in words the grammar reads back as the same length:
 * "30 days", "1 month", "1 year and 6 months", "1 day, 12 hours and 30 minutes". */
void describe_duration(const struct duration *d, struct text *out);

#endif
