/* SHA-256 of a secret (agent keys, bot tokens): the store keeps only these. One place, with
 * OpenSSL's algorithm fetched once: OpenSSL 3 looks an algorithm up at every implicit use
 * (EVP_sha256() in EVP_Digest), under a lock, which cost the server a tenth of a request. */
#ifndef CONCIERGE_DIGEST_H
#define CONCIERGE_DIGEST_H
#include <stddef.h>

/* out gets the SHA-256 of s[0..n). 0, or -1 when OpenSSL fails. */
int sha256_of(const char *s, size_t n, unsigned char out[32]);

#endif
