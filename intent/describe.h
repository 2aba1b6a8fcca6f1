/* The plain-English sentence for an intent, as far as it needs no store: the
 * confirmation text (access.md, Executing an intent, step 3), defaults stated. */
#ifndef CONCIERGE_DESCRIBE_H
#define CONCIERGE_DESCRIBE_H
#include <stddef.h>
#include "intent.h"

/* Writes the sentence into buf; returns its length (truncated to size - 1). */
int describe_intent(const struct intent *it, char *buf, size_t size);

/* An instant for a person, in the context zone: "Fri 18 Dec 2026 15:30 UTC". */
void describe_instant(int64_t t, char *buf, size_t size);

#endif
