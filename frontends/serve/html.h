/* The pieces every page of the web page is made of (interfaces.md, Web page): a value
 * HTML-escaped, a value in a URL, the frame of a page (doctype, viewport, the stylesheet, the
 * header with the signed-in principal and Sign out) and a form carrying its CSRF token. Pure
 * functions writing into a growing text (intent/text.h): out of memory is the text's own
 * (text_failed), never a shorter page. No inline style and no script anywhere: the page is
 * served with `Content-Security-Policy: default-src 'self'` and works without JavaScript. */
#ifndef CONCIERGE_HTML_H
#define CONCIERGE_HTML_H
#include <stddef.h>
#include <stdint.h>

#include "../../intent/text.h"

/* s with & < > " ' written as entities, fit for text and for a quoted attribute alike: every
 * value a page shows goes through here, with no exceptions. NULL writes nothing. */
void html_escape(struct text *out, const char *s);
void html_escape_n(struct text *out, const char *s, size_t n);

/* s percent-encoded for a path segment or a query value (all but A-Z a-z 0-9 - . _ ~), so that
 * a name never changes the shape of a URL; the caller HTML-escapes the URL it makes. */
void url_encode(struct text *out, const char *s);

/* Who is looking: the signed-in principal (NULL on the pages of someone signed out), the
 * session's CSRF token that every form carries, and the instant "in 3 days" is counted from. */
struct html_viewer {
    const char *principal;
    const char *csrf;
    int64_t now;
};

/* Opens a page: the doctype, <head> (title "TITLE · concierge"), the header (the principal
 * and a Sign out form when v->principal is set) and <main>. */
void html_page_begin(struct text *out, const char *title, const struct html_viewer *v);
/* Closes <main>, <body> and <html>. */
void html_page_end(struct text *out);

/* <form method="post" action="ACTION" class="CLASS"> and its hidden csrf field; the caller
 * adds fields and closes it with </form>. */
void html_form_begin(struct text *out, const char *action, const char *cls, const struct html_viewer *v);
/* <input type="hidden" name="NAME" value="VALUE"> (nothing when value is NULL). */
void html_hidden(struct text *out, const char *name, const char *value);

/* An instant of the result (RFC 3339) for a person: <time datetime="…">the one format</time>
 * and how far from now ("(in 3 days)", as the terminal says it). until: an expiry (a local
 * midnight reads as the end of the day before). NULL or unreadable: the fallback text. */
void html_instant(struct text *out, const char *rfc3339, int until, int64_t now, const char *fallback);

#endif
