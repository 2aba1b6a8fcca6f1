/* Is a URL under a registered prefix? Used for bots' callback_url and Slack's response_url,
 * the two places where concierge POSTs to a URL it was given. */
#ifndef CONCIERGE_URL_PREFIX_H
#define CONCIERGE_URL_PREFIX_H

/* 1 when url starts with prefix at a boundary (the prefix ends in '/', or the url goes on
 * with '/', '?' or ends there), holds no space, control, backslash, '#' or '%2e' (an encoded
 * dot), and has no "." or ".." path segment, which an HTTP client folds away and so could
 * climb out of the prefix. An empty prefix takes nothing. */
int url_under_prefix(const char *url, const char *prefix);

#endif
