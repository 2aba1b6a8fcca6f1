/* Is a URL under a registered prefix? Used for bots' callback_url and Slack's response_url,
 * the two places where concierge POSTs to a URL it was given. */
#ifndef CONCIERGE_URL_PREFIX_H
#define CONCIERGE_URL_PREFIX_H

#define URL_MAX 2047 /* bytes; a longer URL is refused, never cut */

/* NULL when url starts with prefix at a boundary (the prefix ends in '/', or the url goes on
 * with '/', '?' or ends there) and nothing in it could lead an HTTP client or the server
 * behind it out of the prefix; else why it is refused, as a phrase ("it holds ..."). Refused:
 * an empty prefix; more than URL_MAX bytes; a space, control, non-ASCII byte, backslash or
 * '#'; an encoded '.', '/', '\' or '%' (%2e %2f %5c %25, either case), which a server may
 * decode into a dot segment or a separator; a "." or ".." path segment, which clients fold
 * away; a ';' in the path (a path parameter: "..;/" climbs out on some servers). */
const char *url_prefix_refusal(const char *url, const char *prefix);

/* 1 when url_prefix_refusal finds nothing to refuse. */
int url_under_prefix(const char *url, const char *prefix);

#endif
