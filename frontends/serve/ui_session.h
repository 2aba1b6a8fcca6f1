/* The web page's sessions (interfaces.md, Web page): who a request is signed in as, from its
 * cookie, and the CSRF token every form of the page carries. The cookie's value is 64 random
 * hex digits; the store keeps only its SHA-256 (store_web_session_*). */
#ifndef CONCIERGE_UI_SESSION_H
#define CONCIERGE_UI_SESSION_H
#include <stddef.h>
#include <stdint.h>

#include "../../intent/intent.h"
#include "../../store/store.h"
#include "request.h"

struct serve;

/* The cookie's name: __Host- prefixed where the page is served over https (the browser then
 * takes it only from a secure origin, for the whole host, with Path=/). */
#define UI_COOKIE_HTTPS "__Host-concierge"
#define UI_COOKIE_HTTP  "concierge"

struct ui_session {
    char principal[PRINCIPAL_MAX_LEN + 1]; /* canonical: @name or an e-mail address */
    char csrf[WEB_CSRF_LEN + 1];           /* the session's CSRF token, for every form */
    int64_t created_at, expires_at;
    unsigned char sha256[32]; /* the cookie's hash: what signing out ends */
};

/* The session the request's cookie belongs to: 0 signed in (*out filled), 1 not (no cookie, an
 * unknown, expired or revoked one), -1 the store failed. */
int ui_session_of(struct serve *sv, struct store *st, const struct http_request *rq, struct ui_session *out);
/* 1 when token is the session's CSRF token (compared in constant time), else 0. */
int ui_csrf_ok(const struct ui_session *s, const char *token);
/* The field key of a POST's form body (application/x-www-form-urlencoded), as form_get: its
 * length, -1 absent (or not a form), -2 malformed or too long for out. */
long ui_form_field(const struct http_request *rq, const char *key, char *out, size_t size);

/* The cookie's name and its attributes for this server (HttpOnly; Secure unless the public URL
 * is http:// to a loopback address; SameSite=Strict; Path=/). */
const char *ui_cookie_name(const struct serve *sv);
/* A Set-Cookie value (malloc'd): the session's value for max_age seconds, or (value NULL) the
 * cookie cleared. NULL when out of memory. */
char *ui_set_cookie(const struct serve *sv, const char *value, int64_t max_age);

#endif
