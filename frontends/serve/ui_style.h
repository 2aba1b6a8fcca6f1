/* The web page's one stylesheet, served from the binary at /ui/style.css (interfaces.md, Web
 * page: "one small stylesheet"; the pages carry no inline style, CSP `default-src 'self'`). */
#ifndef CONCIERGE_UI_STYLE_H
#define CONCIERGE_UI_STYLE_H
#include <stddef.h>

extern const char ui_style_css[];
extern const size_t ui_style_css_len; /* strlen(ui_style_css) */
#define UI_STYLE_CONTENT_TYPE "text/css; charset=utf-8"

#endif
