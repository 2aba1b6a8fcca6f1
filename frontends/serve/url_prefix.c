/* URL prefixes (url_prefix.h). */
#include "url_prefix.h"

#include <ctype.h>
#include <string.h>

/* %XX escapes that decode to a byte which changes how a path splits: '.', '/', '\', or a '%'
 * that a second decoding would turn into one of them. Any case mix of the hex digits. */
static int encoded_separator(const char *s)
{
    if (s[0] != '%' || !s[1] || !s[2]) return 0;
    char hi = s[1], lo = (char)tolower((unsigned char)s[2]);
    return (hi == '2' && (lo == 'e' || lo == 'f' || lo == '5')) || (hi == '5' && lo == 'c');
}

const char *url_prefix_refusal(const char *url, const char *prefix)
{
    size_t p = strlen(prefix), n = strlen(url);
    if (p == 0) return "no callback prefix is registered";
    if (n > URL_MAX) return "it is longer than 2047 bytes";
    if (strncmp(url, prefix, p) != 0) return "it does not start with the registered prefix";
    if (prefix[p - 1] != '/' && url[p] != '\0' && url[p] != '/' && url[p] != '?')
        return "it does not start with the registered prefix at a path boundary";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)url[i];
        if (c <= ' ' || c >= 0x7f) return "it holds a space, a control or a non-ASCII byte";
        if (c == '\\' || c == '#') return "it holds a backslash or a '#'";
        if (encoded_separator(url + i))
            return "it holds an encoded '.', '/', '\\' or '%' (%2e, %2f, %5c, %25)";
    }
    /* The path (up to the query): no ';' parameters, no "." or ".." segment ("/./", "/../",
     * and the same at its end). */
    const char *q = strchr(url, '?');
    size_t end = q ? (size_t)(q - url) : n;
    if (memchr(url, ';', end)) return "its path holds a ';'";
    for (size_t i = 0; i < end; i++) {
        if (url[i] != '/') continue;
        size_t j = i + 1;
        while (j < end && url[j] == '.')
            j++;
        size_t dots = j - i - 1;
        if ((dots == 1 || dots == 2) && (j == end || url[j] == '/'))
            return "its path holds a . or .. segment";
    }
    return NULL;
}

int url_under_prefix(const char *url, const char *prefix) { return url_prefix_refusal(url, prefix) == NULL; }
