/* Slack request signatures (slack_sig.h), with OpenSSL's HMAC. */
#include "slack_sig.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <stdio.h>
#include <string.h>

int slack_sign(const char *secret, size_t secret_len, const char *timestamp, const char *body, size_t len,
               char out[68])
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    size_t maclen = 0;
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                           OSSL_PARAM_construct_end()};
    EVP_MAC *mac_alg = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *h = mac_alg ? EVP_MAC_CTX_new(mac_alg) : NULL;
    int ok = h && EVP_MAC_init(h, (const unsigned char *)secret, secret_len, params) == 1 &&
             EVP_MAC_update(h, (const unsigned char *)"v0:", 3) == 1 &&
             EVP_MAC_update(h, (const unsigned char *)timestamp, strlen(timestamp)) == 1 &&
             EVP_MAC_update(h, (const unsigned char *)":", 1) == 1 &&
             EVP_MAC_update(h, (const unsigned char *)body, len) == 1 &&
             EVP_MAC_final(h, mac, &maclen, sizeof mac) == 1 && maclen == 32;
    EVP_MAC_CTX_free(h);
    EVP_MAC_free(mac_alg);
    if (!ok) return -1;
    static const char digits[] = "0123456789abcdef";
    memcpy(out, "v0=", 3);
    for (int i = 0; i < 32; i++) {
        out[3 + 2 * i] = digits[mac[i] >> 4];
        out[4 + 2 * i] = digits[mac[i] & 15];
    }
    out[67] = '\0';
    return 0;
}

int slack_verify(const char *secret, size_t secret_len, const char *timestamp, const char *signature,
                 const char *body, size_t len, int64_t now, const char **why)
{
    if (!secret || !secret_len) return *why = "no signing secret is configured", -1;
    if (!timestamp || !signature) return *why = "unsigned request", -1;
    /* The timestamp: whole seconds, digits only (nothing for strtol to skip or wrap). */
    size_t n = strlen(timestamp);
    if (n == 0 || n > 12) return *why = "bad timestamp", -1;
    int64_t ts = 0;
    for (size_t i = 0; i < n; i++) {
        if (timestamp[i] < '0' || timestamp[i] > '9') return *why = "bad timestamp", -1;
        ts = ts * 10 + (timestamp[i] - '0');
    }
    if (ts < now - SLACK_WINDOW || ts > now + SLACK_WINDOW) return *why = "stale timestamp", -1;
    char want[68];
    if (slack_sign(secret, secret_len, timestamp, body, len, want)) return *why = "cannot compute HMAC", -1;
    if (strlen(signature) != 67 || CRYPTO_memcmp(want, signature, 67) != 0) return *why = "bad signature", -1;
    return 0;
}
