/* The signature on what concierge sends (concierge_sig.h): Slack's computation (slack_sig.c),
 * under concierge's own header names. */
#include "concierge_sig.h"

#include <stdio.h>

#include "slack_sig.h"

int concierge_sign(const char *secret, size_t secret_len, int64_t timestamp, const char *body, size_t len,
                   struct concierge_sig *out)
{
    char ts[24], sig[68];
    snprintf(ts, sizeof ts, "%lld", (long long)timestamp);
    if (slack_sign(secret, secret_len, ts, body, len, sig)) return -1;
    snprintf(out->timestamp_header, sizeof out->timestamp_header, CONCIERGE_TS_HEADER ": %s", ts);
    snprintf(out->signature_header, sizeof out->signature_header, CONCIERGE_SIG_HEADER ": %s", sig);
    return 0;
}
