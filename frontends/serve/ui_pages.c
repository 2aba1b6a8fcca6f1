/* The pages of the web page, at their least (ui_pages.h): "Signed in as P" with a sign-out
 * button at /ui/, and one 404 page for everything else. The pages proper replace this file. */
#include "ui_pages.h"

#include <stdio.h>
#include <string.h>

#include "../../intent/text.h"

/* s with &, <, >, " and ' escaped for HTML. */
static void put_escaped(struct text *t, const char *s)
{
    for (; *s; s++)
        switch (*s) {
        case '&': text_puts(t, "&amp;"); break;
        case '<': text_puts(t, "&lt;"); break;
        case '>': text_puts(t, "&gt;"); break;
        case '"': text_puts(t, "&quot;"); break;
        case '\'': text_puts(t, "&#39;"); break;
        default: text_append(t, s, 1);
        }
}

static void page(struct http_response *rs, int status, const struct text *body)
{
    if (text_failed(body)) {
        respond_text(rs, 500, "text/plain; charset=utf-8", "out of memory\n", 14);
        return;
    }
    respond_text(rs, status, "text/html; charset=utf-8", body->s, body->len);
    rs->page = 1;
}

void ui_pages(struct serve *sv, struct store *st, const struct http_request *rq, struct http_response *rs,
              const struct ui_session *session)
{
    (void)sv, (void)st;
    struct text t = TEXT_INIT;
    text_puts(&t, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    if (strcmp(rq->method, "GET") == 0 && strcmp(rq->path, "/ui/") == 0) {
        text_puts(&t, "<title>concierge</title></head><body><main><h1>concierge</h1><p>Signed in as ");
        put_escaped(&t, session->principal);
        text_puts(&t, ".</p><form method=\"post\" action=\"/ui/logout\"><input type=\"hidden\" name=\"csrf\" "
                      "value=\"");
        put_escaped(&t, session->csrf);
        text_puts(&t, "\"><button type=\"submit\">Sign out</button></form></main></body></html>\n");
        page(rs, 200, &t);
    } else {
        text_puts(&t, "<title>Not found</title></head><body><main><h1>Not found</h1><p>There is no such page."
                      "</p><p><a href=\"/ui/\">concierge</a></p></main></body></html>\n");
        page(rs, 404, &t);
    }
    text_free(&t);
}
