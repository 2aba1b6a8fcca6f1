/* The tokens people say back (`confirm K7Q2`, `approve R7K2`): four letters and digits, read
 * aloud without doubt (no I, O, 0 or 1), with a digit, from OpenSSL's RAND_bytes. */
#ifndef CONCIERGE_TOKEN_H
#define CONCIERGE_TOKEN_H
#include "../intent/intent.h"

/* A new token into out: beginning with prefix ('R': a request's), or with prefix 0 never with R
 * (a confirmation's: the two namespaces never meet); reads_back(out) must say it reads back as
 * itself (a token the scanner would take for something else, `36AM` a clock time, is never
 * handed out). 0, or -1 when no random bytes came or none read back in 64 tries. */
int token_make(char out[TOKEN_MAX_LEN + 1], char prefix, int (*reads_back)(const char *token));

#endif
