/* Sessions of the web page (ui_session.h). */
#include "ui_session.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../actions/digest.h"
#include "../../actions/weblink.h"
#include "form.h"
#include "serve.h"

const char *ui_cookie_name(const struct serve *sv)
{
    return sv->public_http ? UI_COOKIE_HTTP : UI_COOKIE_HTTPS;
}

char *ui_set_cookie(const struct serve *sv, const char *value, int64_t max_age)
{
    static const char fmt[] = "%s=%s; HttpOnly;%s SameSite=Strict; Path=/; Max-Age=%lld";
    const char *name = ui_cookie_name(sv), *v = value ? value : "",
               *secure = sv->public_http ? "" : " Secure;";
    long long age = value ? (long long)max_age : 0;
    int n = snprintf(NULL, 0, fmt, name, v, secure, age);
    char *out = n < 0 ? NULL : malloc((size_t)n + 1);
    if (out) snprintf(out, (size_t)n + 1, fmt, name, v, secure, age);
    return out;
}

static int is_hex64(const char *s, size_t n)
{
    if (n != WEB_TOKEN_LEN) return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return 0;
    return 1;
}

/* The value of this server's cookie in the Cookie header ("a=1; b=2"), into out; 0, or -1 when
 * it is not there or is not one of concierge's values. A cookie of the other name (http's on
 * an https page) is not this page's and never read. */
static int cookie_value(const struct serve *sv, const char *header, char out[WEB_TOKEN_LEN + 1])
{
    const char *name = ui_cookie_name(sv);
    size_t nlen = strlen(name);
    for (const char *p = header; p && *p;) {
        while (*p == ' ' || *p == ';')
            p++;
        size_t len = strcspn(p, ";");
        if (len > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
            const char *v = p + nlen + 1;
            size_t vlen = len - nlen - 1;
            while (vlen && v[vlen - 1] == ' ')
                vlen--;
            if (!is_hex64(v, vlen)) return -1;
            memcpy(out, v, vlen);
            out[vlen] = '\0';
            return 0;
        }
        p += len;
    }
    return -1;
}

int ui_session_of(struct serve *sv, struct store *st, const struct http_request *rq, struct ui_session *out)
{
    char value[WEB_TOKEN_LEN + 1];
    memset(out, 0, sizeof *out);
    if (!rq->cookie || cookie_value(sv, rq->cookie, value)) return 1;
    int bad = sha256_of(value, strlen(value), out->sha256);
    OPENSSL_cleanse(value, sizeof value);
    if (bad || !st) return -1;
    struct st_web_session row;
    enum store_status s = store_web_session_find(st, out->sha256, rq->now, &row);
    if (s == STORE_NOT_FOUND) return 1;
    if (s != STORE_OK) return -1;
    memcpy(out->principal, row.principal, sizeof out->principal);
    memcpy(out->csrf, row.csrf, sizeof out->csrf);
    out->created_at = row.created_at;
    out->expires_at = row.expires_at;
    return 0;
}

int ui_csrf_ok(const struct ui_session *s, const char *token)
{
    size_t n = strlen(s->csrf);
    if (!token || n != WEB_CSRF_LEN || strlen(token) != n) return 0;
    return CRYPTO_memcmp(s->csrf, token, n) == 0;
}

long ui_form_field(const struct http_request *rq, const char *key, char *out, size_t size)
{
    if (!rq->body || !rq->content_type ||
        strncmp(rq->content_type, "application/x-www-form-urlencoded", 33) != 0)
        return -1;
    return form_get(rq->body, rq->len, key, out, size);
}
