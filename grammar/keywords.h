/* Keyword look-up: a word of the normalised text to its token class and value. */
#ifndef CONCIERGE_KEYWORDS_H
#define CONCIERGE_KEYWORDS_H
#include "words.h"

/* The token class of the keyword that is exactly word[0..len) (its value in *val), or 0
 * (T_NONE) when the word is not a keyword. */
int keyword_find(const char *word, int len, int *val);

#endif
