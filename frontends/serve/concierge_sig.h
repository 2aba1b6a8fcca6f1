/* The signature on what concierge sends (lifecycle.md, notices; interfaces.md, callbacks):
 * Slack's scheme with concierge's headers, so a receiver verifies it as it would verify Slack —
 *   X-Concierge-Request-Timestamp: T (Unix seconds)
 *   X-Concierge-Signature: v0=hex(HMAC-SHA256(secret, "v0:" T ":" body))
 * made afresh at each try (a retry carries its own timestamp). */
#ifndef CONCIERGE_CONCIERGE_SIG_H
#define CONCIERGE_CONCIERGE_SIG_H
#include <stddef.h>
#include <stdint.h>

#define CONCIERGE_SIG_HEADER "X-Concierge-Signature"
#define CONCIERGE_TS_HEADER  "X-Concierge-Request-Timestamp"

/* The two header lines for body signed with secret at timestamp, ready for libcurl. */
struct concierge_sig {
    char timestamp_header[64]; /* "X-Concierge-Request-Timestamp: 1764633600" */
    char signature_header[96]; /* "X-Concierge-Signature: v0=" and 64 hex digits */
};

/* 0, or -1 (OpenSSL failed: nothing is to be sent unsigned in its place). */
int concierge_sign(const char *secret, size_t secret_len, int64_t timestamp, const char *body, size_t len,
                   struct concierge_sig *out);

#endif
