/* Tokens (token.h). */
#include "token.h"

#include <openssl/rand.h>

int token_make(char out[TOKEN_MAX_LEN + 1], char prefix, int (*reads_back)(const char *token))
{
    static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"; /* no I O 0 1: read aloud */
    unsigned char b[4];
    for (int attempt = 0; attempt < 64; attempt++) {
        if (RAND_bytes(b, sizeof b) != 1) return -1;
        int digits = 0;
        for (int i = 0; i < 4; i++) {
            out[i] = i == 0 && prefix ? prefix : alphabet[b[i] & 31];
            digits += out[i] >= '0' && out[i] <= '9';
        }
        out[4] = '\0';
        if (!prefix && out[0] == 'R') continue; /* R… is a request's: never a confirmation's */
        if (digits && reads_back(out)) return 0;
    }
    return -1;
}
