/* Responses (request.h). */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../intent/text.h"
#include "../../actions/reply.h"
#include "request.h"

void response_clear(struct http_response *rs)
{
    free(rs->body);
    free(rs->location);
    free(rs->set_cookie);
    rs->body = rs->location = rs->set_cookie = NULL;
    rs->len = 0;
}

const char *request_arg(const struct http_request *rq, const char *name)
{
    for (int i = 0; i < rq->n_args; i++)
        if (strcmp(rq->args[i].name, name) == 0) return rq->args[i].value;
    return NULL;
}

void respond_text(struct http_response *rs, int status, const char *content_type, const char *buf, size_t len)
{
    response_clear(rs);
    rs->status = status;
    rs->content_type = content_type;
    rs->body = malloc(len + 1);
    if (!rs->body) {
        rs->status = 500;
        return;
    }
    memcpy(rs->body, buf, len);
    rs->body[len] = '\0';
    rs->len = len;
}

void respond_json(struct http_response *rs, int status, json_t *o)
{
    char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    if (!s) {
        static const char oom[] = "{\"error\":\"out of memory\"}";
        respond_text(rs, 500, "application/json", oom, sizeof oom - 1);
        return;
    }
    response_clear(rs);
    rs->status = status;
    rs->content_type = "application/json";
    rs->body = s;
    rs->len = strlen(s);
}

/* The length of the valid UTF-8 sequence at s (as JSON takes it: no overlong form, no surrogate,
 * nothing past U+10FFFF), or 0. */
static size_t utf8_at(const unsigned char *s)
{
    if (s[0] < 0x80) return 1;
    size_t n = s[0] >= 0xC2 && s[0] <= 0xDF   ? 2
               : s[0] >= 0xE0 && s[0] <= 0xEF ? 3
               : s[0] >= 0xF0 && s[0] <= 0xF4 ? 4
                                              : 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    if (n == 3 && ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0))) return 0;
    if (n == 4 && ((s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90))) return 0;
    return n;
}

void respond_error(struct http_response *rs, int status, const char *fmt, ...)
{
    struct text msg = TEXT_INIT;
    va_list ap;
    va_start(ap, fmt);
    text_vprintf(&msg, fmt, ap);
    va_end(ap);
    /* A message may quote what a client sent (jansson's "near '…'"): a byte that is not UTF-8
     * becomes '?', so the error is still told, never turned into a 500. */
    for (size_t i = 0; !text_failed(&msg) && i < msg.len;) {
        size_t n = utf8_at((const unsigned char *)msg.s + i);
        if (!n) msg.s[i] = '?', n = 1;
        i += n;
    }
    json_t *o = text_failed(&msg) ? NULL : json_pack("{s:s}", "error", msg.s);
    respond_json(rs, status, o); /* NULL: a 500 "out of memory" */
    json_decref(o);
    text_free(&msg);
}

void respond_outcome(struct http_response *rs, const struct reply *r)
{
    rs->intent_kind = r->has_intent ? (int)r->it.kind : -1;
    rs->reply_status = (int)r->status;
}
