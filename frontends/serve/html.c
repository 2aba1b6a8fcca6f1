/* The pieces of a web page (html.h). */
#include "html.h"

#include <string.h>

#include "../../intent/describe.h"
#include "../../intent/timecalc.h"

void html_escape_n(struct text *out, const char *s, size_t n)
{
    size_t run = 0; /* bytes before i that need no entity, written in one go */
    for (size_t i = 0; i < n; i++) {
        const char *e = NULL;
        switch (s[i]) {
        case '&': e = "&amp;"; break;
        case '<': e = "&lt;"; break;
        case '>': e = "&gt;"; break;
        case '"': e = "&quot;"; break;
        case '\'': e = "&#39;"; break;
        default: run++; continue;
        }
        text_append(out, s + i - run, run);
        run = 0;
        text_puts(out, e);
    }
    text_append(out, s + n - run, run);
}

void html_escape(struct text *out, const char *s)
{
    if (s) html_escape_n(out, s, strlen(s));
}

void url_encode(struct text *out, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
            c == '.' || c == '_' || c == '~') {
            text_append(out, s, 1);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            text_append(out, e, 3);
        }
    }
}

void html_page_begin(struct text *out, const char *title, const struct html_viewer *v)
{
    text_puts(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    html_escape(out, title);
    text_puts(out, " · concierge</title>\n<link rel=\"stylesheet\" href=\"/ui/style.css\">\n</head>\n<body>\n"
                   "<header>\n<a class=\"home\" href=\"/ui/\">concierge</a>\n");
    if (v && v->principal) {
        html_form_begin(out, "/ui/logout", "signout", v);
        text_puts(out, "<span class=\"who\">Signed in as <strong>");
        html_escape(out, v->principal);
        text_puts(out, "</strong></span>\n<button type=\"submit\">Sign out</button>\n</form>\n");
    }
    text_puts(out, "</header>\n<main>\n");
}

void html_page_end(struct text *out) { text_puts(out, "</main>\n</body>\n</html>\n"); }

void html_hidden(struct text *out, const char *name, const char *value)
{
    if (!value) return;
    text_puts(out, "<input type=\"hidden\" name=\"");
    html_escape(out, name);
    text_puts(out, "\" value=\"");
    html_escape(out, value);
    text_puts(out, "\">\n");
}

void html_form_begin(struct text *out, const char *action, const char *cls, const struct html_viewer *v)
{
    text_puts(out, "<form method=\"post\" action=\"");
    html_escape(out, action);
    text_puts(out, "\"");
    if (cls) {
        text_puts(out, " class=\"");
        html_escape(out, cls);
        text_puts(out, "\"");
    }
    text_puts(out, ">\n");
    /* Always there, even empty: a form without its token is refused (403) by the route. */
    html_hidden(out, "csrf", v && v->csrf ? v->csrf : "");
}

/* "(in 29 days)", "(3 hours ago)": the terminal's words (describe_relative), so that the page and
 * the table say the same. */
static void relative(struct text *out, int64_t t, int64_t now)
{
    if (!now) return;
    text_puts(out, " <span class=\"rel\">(");
    describe_relative(t, now, out);
    text_puts(out, ")</span>");
}

void html_instant(struct text *out, const char *rfc3339, int until, int64_t now, const char *fallback)
{
    int64_t t;
    char when[64];
    if (!rfc3339 || parse_rfc3339(rfc3339, &t)) {
        html_escape(out, rfc3339 ? rfc3339 : fallback);
        return;
    }
    if (until)
        describe_until(t, when, sizeof when);
    else
        describe_instant(t, when, sizeof when);
    text_puts(out, "<time datetime=\"");
    html_escape(out, rfc3339);
    text_puts(out, "\">");
    html_escape(out, when);
    text_puts(out, "</time>");
    relative(out, t, now);
}
