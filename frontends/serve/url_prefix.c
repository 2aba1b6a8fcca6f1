/* URL prefixes (url_prefix.h). */
#include "url_prefix.h"

#include <string.h>
#include <strings.h>

int url_under_prefix(const char *url, const char *prefix)
{
    size_t p = strlen(prefix), n = strlen(url);
    if (p == 0 || n >= 2048 || strncmp(url, prefix, p) != 0) return 0;
    if (prefix[p - 1] != '/' && url[p] != '\0' && url[p] != '/' && url[p] != '?') return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)url[i];
        if (c <= ' ' || c >= 0x7f || c == '\\' || c == '#') return 0;
        if (c == '%' && i + 2 < n && url[i + 1] == '2' && (url[i + 2] == 'e' || url[i + 2] == 'E')) return 0;
    }
    /* Dot segments in the path (up to the query): "/./", "/../", and the same at its end. */
    const char *q = strchr(url, '?');
    size_t end = q ? (size_t)(q - url) : n;
    for (size_t i = 0; i < end; i++) {
        if (url[i] != '/') continue;
        size_t j = i + 1;
        while (j < end && url[j] == '.')
            j++;
        size_t dots = j - i - 1;
        if ((dots == 1 || dots == 2) && (j == end || url[j] == '/')) return 0;
    }
    return 1;
}
