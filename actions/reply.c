#include "reply.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../intent/intent_json.h"

void reply_init(struct reply *r)
{
    r->status = RS_ERROR;
    r->now = 0;
    r->code = C_NONE;
    r->headline_len = r->parts_end = r->n_parts = r->cap_parts = 0;
    r->step_at = r->step_end = 0;
    r->parts = NULL;
    r->parts_oom = 0;
    r->has_intent = 0;
    text_init(&r->summary);
    r->rule[0] = r->token[0] = '\0';
    r->result = NULL;
    r->has_error = 0;
    r->has_hint = 0;
}

static void parts_clear(struct reply *r)
{
    for (size_t i = 0; i < r->n_parts; i++)
        text_free(&r->parts[i]);
    free(r->parts);
    r->parts = NULL;
    r->n_parts = r->cap_parts = r->headline_len = r->parts_end = 0;
    r->step_at = r->step_end = 0;
}

void reply_clear(struct reply *r)
{
    json_decref(r->result);
    r->result = NULL;
    text_free(&r->summary);
    parts_clear(r);
}

void reply_refusal(struct reply *r, const struct parse_error *err)
{
    r->has_error = 1;
    r->err = *err;
    reply_fail(r, err->code, "%s%s%s", err->message, err->hint[0] ? "; " : "", err->hint);
}

void reply_summary(struct reply *r, const char *fmt, ...)
{
    text_reset(&r->summary);
    parts_clear(r);
    va_list ap;
    va_start(ap, fmt);
    text_vprintf(&r->summary, fmt, ap);
    va_end(ap);
}

void reply_part(struct reply *r, const char *sep, const char *fmt, ...)
{
    if (r->n_parts == 0) r->headline_len = r->summary.len;
    text_puts(&r->summary, sep);
    if (r->n_parts == r->cap_parts) {
        size_t cap = r->cap_parts ? 2 * r->cap_parts : 16;
        struct text *p = realloc(r->parts, cap * sizeof *p);
        if (!p) {
            r->parts_oom = r->summary.oom = 1; /* the reply says it is incomplete, never less */
            return;
        }
        r->parts = p;
        r->cap_parts = cap;
    }
    struct text *part = &r->parts[r->n_parts++];
    text_init(part);
    va_list ap;
    va_start(ap, fmt);
    text_vprintf(part, fmt, ap);
    va_end(ap);
    if (part->oom) r->parts_oom = 1;
    text_puts(&r->summary, part->s);
    r->parts_end = r->summary.len;
}

void reply_fail(struct reply *r, enum code code, const char *fmt, ...)
{
    r->status = code_status(code);
    r->code = code;
    r->has_hint = 0;
    text_reset(&r->summary);
    parts_clear(r);
    if (!fmt) {
        text_puts(&r->summary, code_message(code));
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    text_vprintf(&r->summary, fmt, ap);
    va_end(ap);
}

void reply_hint(struct reply *r, const char *hint)
{
    size_t n = strlen(hint);
    r->has_hint = n > 0 && n < sizeof r->err.hint;
    if (r->has_hint) memcpy(r->err.hint, hint, n + 1);
}

void reply_append(struct reply *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    text_vprintf(&r->summary, fmt, ap);
    va_end(ap);
}

/* Written straight into buf, as the intent is (intent_json.h): building a jansson tree for
 * each reply cost the server more than the command it answered. */
struct out {
    char *buf;
    size_t size, len;
    int over;
};

static void put(struct out *o, int n)
{
    if (n < 0 || (size_t)n >= o->size - o->len)
        o->over = 1;
    else
        o->len += (size_t)n;
}

static void lit(struct out *o, const char *s)
{
    size_t n = strlen(s);
    if (o->over || n >= o->size - o->len) {
        o->over = 1;
        return;
    }
    memcpy(o->buf + o->len, s, n + 1);
    o->len += n;
}

static void string_or_null(struct out *o, const char *s)
{
    if (o->over) return;
    if (s && *s)
        put(o, json_string_write(s, o->buf + o->len, o->size - o->len));
    else
        lit(o, "null");
}

int reply_write_json(const struct reply *r, char *buf, size_t size)
{
    struct out o = {buf, size, 0, size == 0};
    lit(&o, "{\"status\":\"");
    lit(&o, reply_status_name(r->status));
    lit(&o, "\",\"intent\":");
    if (!r->has_intent)
        lit(&o, "null");
    else if (!o.over)
        put(&o, intent_write_json(&r->it, o.buf + o.len, o.size - o.len));
    lit(&o, ",\"summary\":");
    if (!o.over) put(&o, json_string_write(r->summary.s, o.buf + o.len, o.size - o.len));
    lit(&o, ",\"rule\":");
    string_or_null(&o, r->rule);
    lit(&o, ",\"token\":");
    string_or_null(&o, r->token);
    lit(&o, ",\"result\":");
    if (!r->result) {
        lit(&o, "null");
    } else if (!o.over) {
        put(&o, json_value_write(r->result, o.buf + o.len, o.size - o.len));
    }
    /* The error object on a refusal (the grammar's, with its hint) or a rejection (the
     * summary is its message); `code` says why for every answer that is not a plain success
     * (interfaces.md). */
    lit(&o, ",\"error\":");
    if (r->has_error && !o.over)
        put(&o, parse_error_write_json(parse_status_name(r->err.status), code_name(r->err.code),
                                       r->err.message, r->err.hint, o.buf + o.len, o.size - o.len));
    else if (r->status == RS_REJECTED && !o.over)
        put(&o, parse_error_write_json(reply_status_name(r->status), code_name(r->code), r->summary.s,
                                       r->has_hint ? r->err.hint : NULL, o.buf + o.len, o.size - o.len));
    else
        lit(&o, "null");
    lit(&o, ",\"code\":");
    string_or_null(&o, code_name(r->code));
    lit(&o, "}");
    if (o.over) return -1;
    buf[o.len] = '\0';
    return (int)o.len;
}

char *reply_json(const struct reply *r, size_t *len)
{
    /* A summary escapes to at most 6 bytes a byte; the rest is measured by trying. */
    for (size_t size = 16384 + 6 * r->summary.len;; size *= 4) {
        char *buf = malloc(size);
        if (!buf) return NULL;
        int n = reply_write_json(r, buf, size);
        if (n >= 0) {
            *len = (size_t)n;
            return buf;
        }
        free(buf);
        if (size > (size_t)-1 / 8) return NULL;
    }
}
