/* Slack's request signature (docs.slack.dev, "Verifying requests from Slack"):
 * v0=hex(HMAC-SHA256(signing secret, "v0:" timestamp ":" raw body)), compared in constant
 * time; a timestamp more than five minutes from now is a replay. */
#ifndef CONCIERGE_SLACK_SIG_H
#define CONCIERGE_SLACK_SIG_H
#include <stddef.h>
#include <stdint.h>

#define SLACK_WINDOW 300 /* seconds either side of now */

/* "v0=" and 64 hex digits, NUL-terminated, into out[68]. 0, or -1. */
int slack_sign(const char *secret, size_t secret_len, const char *timestamp, const char *body, size_t len,
               char out[68]);

/* 0 when the request is Slack's; else -1 and why (for the log, not for the caller). */
int slack_verify(const char *secret, size_t secret_len, const char *timestamp, const char *signature,
                 const char *body, size_t len, int64_t now, const char **why);

#endif
