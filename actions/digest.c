/* SHA-256 (digest.h). */
#include "digest.h"

#include <openssl/evp.h>
#include <pthread.h>

static EVP_MD *sha256_md;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;
static void fetch_sha256(void) { sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL); }

int sha256_of(const char *s, size_t n, unsigned char out[32])
{
    unsigned int len = 0;
    pthread_once(&sha256_once, fetch_sha256);
    return sha256_md && EVP_Digest(s, n, out, &len, sha256_md, NULL) == 1 && len == 32 ? 0 : -1;
}
