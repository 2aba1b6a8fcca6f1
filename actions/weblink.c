/* Sign-in links for the web page (weblink.h). */
#include "weblink.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

#include "digest.h"

const char *weblink_url_refused(const char *url)
{
    if (strlen(url) > WEB_PUBLIC_URL_MAX) return "the public URL is at most 512 bytes";
    for (const char *p = url; *p; p++)
        if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
            return "a URL has no spaces or control characters";
    int https = strncmp(url, "https://", 8) == 0, http = strncmp(url, "http://", 7) == 0;
    if (!https && !http) return "the public URL is https://, or http:// to a loopback address";
    const char *host = url + (https ? 8 : 7);
    size_t n = strcspn(host, "/?#");
    if (memchr(host, '@', n)) return "the public URL carries no user name or password";
    if (n == 0) return "the URL names no host";
    if (strpbrk(url, "?#")) return "the public URL has no query or fragment: links add their own";
    if (https) return NULL;
    /* The host without its port: [::1]:8080, 127.0.0.1:8080, localhost. */
    char h[256];
    size_t hn = host[0] == '[' ? strcspn(host, "]") + 1 : strcspn(host, ":/?#");
    if (hn >= sizeof h || hn > n) return "the URL's host is not one concierge reads";
    memcpy(h, host, hn);
    h[hn] = '\0';
    if (strcmp(h, "localhost") == 0 || strcmp(h, "[::1]") == 0 || strncmp(h, "127.", 4) == 0) return NULL;
    return "http:// is only for a loopback address (127.0.0.1, [::1], localhost): put the page behind "
           "https:// (docs/serve.md)";
}

int weblink_url_is_http(const char *url) { return strncmp(url, "http://", 7) == 0; }

int weblink_url_norm(const char *url, char *out, size_t size)
{
    size_t n = strlen(url);
    while (n && url[n - 1] == '/')
        n--;
    if (n >= size) return -1;
    memcpy(out, url, n);
    out[n] = '\0';
    return 0;
}

int weblink_token(char out[WEB_TOKEN_LEN + 1])
{
    unsigned char raw[32];
    if (RAND_bytes(raw, sizeof raw) != 1) return -1;
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", raw[i]);
    OPENSSL_cleanse(raw, sizeof raw);
    return 0;
}

int weblink_make(struct store *s, const char *principal, const char *sandbox, const char *public_url,
                 int64_t now, char *link, size_t size, int64_t *expires_at)
{
    char base[WEB_PUBLIC_URL_MAX + 1], token[WEB_TOKEN_LEN + 1];
    unsigned char sha[32];
    if (!public_url) {
        enum store_status st = store_setting_get(s, "public_url", base, sizeof base);
        if (st == STORE_NOT_FOUND) return 1;
        if (st != STORE_OK) return -1;
    } else if (weblink_url_norm(public_url, base, sizeof base)) {
        return -1;
    }
    if (weblink_token(token) || sha256_of(token, strlen(token), sha)) return -1;
    if (snprintf(link, size, "%s/ui/login?t=%s%s%s", base, token, sandbox ? "&s=" : "",
                 sandbox ? sandbox : "") >= (int)size)
        return -1;
    OPENSSL_cleanse(token, sizeof token);
    *expires_at = now + WEB_LINK_TTL;
    if (store_begin(s) != STORE_OK) return -1;
    enum store_status st = store_web_link_add(s, sha, principal, now, *expires_at);
    if (st == STORE_OK) st = store_commit(s);
    if (st != STORE_OK) {
        store_rollback(s);
        link[0] = '\0';
        return -1;
    }
    return 0;
}
