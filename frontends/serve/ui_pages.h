/* The web page's pages (interfaces.md, Web page) for a signed-in principal: every /ui/ path
 * but those of signing in and out (ui_routes.c), which answer before these. */
#ifndef CONCIERGE_UI_PAGES_H
#define CONCIERGE_UI_PAGES_H
#include "request.h"
#include "ui_session.h"

struct serve;
struct store;

/* Answers rq (GET or POST) for the session's principal (never NULL: ui_routes.c answers
 * those not signed in). A POST's form carries the session's CSRF token (ui_csrf_ok). */
void ui_pages(struct serve *sv, struct store *st, const struct http_request *rq, struct http_response *rs,
              const struct ui_session *session);

#endif
