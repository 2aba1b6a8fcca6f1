/* The web page's sign-in (interfaces.md, Web page): the public URL it is served at, random
 * tokens, and one-time sign-in links `PUBLIC_URL/ui/login?t=TOKEN` — valid WEB_LINK_TTL,
 * single use, bound to one principal, kept in the store only as a SHA-256. The link is a
 * secret: it goes to the one it is for, never to an audit event or a kept reply. */
#ifndef CONCIERGE_WEBLINK_H
#define CONCIERGE_WEBLINK_H
#include <stddef.h>
#include <stdint.h>

#include "../store/store.h"

#define WEB_PUBLIC_URL_MAX 512 /* --public-url, without a final "/" */
#define WEB_TOKEN_LEN      64  /* hex digits of 32 random bytes */
#define WEB_LINK_MAX       (WEB_PUBLIC_URL_MAX + 24 + WEB_TOKEN_LEN + NAME_MAX_LEN)

/* NULL when url may be the web page's public URL (https://, or http:// to a loopback address;
 * no user name, password, query or fragment), else why not. */
const char *weblink_url_refused(const char *url);
/* 1 when url is http:// (a loopback address: cookies then go without Secure). */
int weblink_url_is_http(const char *url);
/* url without its final "/"s, into out (size WEB_PUBLIC_URL_MAX + 1). 0, or -1 when too long. */
int weblink_url_norm(const char *url, char *out, size_t size);

/* 32 bytes from RAND_bytes, as 64 hex digits. 0, or -1 when OpenSSL fails. */
int weblink_token(char out[WEB_TOKEN_LEN + 1]);

/* A new link for principal into link (WEB_LINK_MAX + 1), expiring at *expires_at; sandbox (a
 * canonical name, or NULL) is the page it opens on (&s=NAME). public_url NULL: the one serve
 * recorded in the store. 0 done; 1 no public URL is recorded (nothing made); -1 a store or
 * OpenSSL failure (store_errmsg, or none). In its own transaction. */
int weblink_make(struct store *s, const char *principal, const char *sandbox, const char *public_url,
                 int64_t now, char *link, size_t size, int64_t *expires_at);

#endif
