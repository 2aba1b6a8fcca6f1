#include "reply.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../intent/intent_json.h"

void reply_init(struct reply *r)
{
    r->status = RS_ERROR;
    r->has_intent = 0;
    r->summary[0] = r->rule[0] = r->token[0] = '\0';
    r->result = NULL;
    r->has_error = 0;
}

void reply_clear(struct reply *r)
{
    json_decref(r->result);
    r->result = NULL;
}

const char *reply_status_name(enum reply_status st)
{
    switch (st) {
#define X(id, name, code)                                                                                    \
    case RS_##id: return name;
        REPLY_STATUSES(X)
#undef X
    }
    return "error";
}

int reply_exit_code(enum reply_status st)
{
    switch (st) {
#define X(id, name, code)                                                                                    \
    case RS_##id: return code;
        REPLY_STATUSES(X)
#undef X
    }
    return 1;
}

void reply_set(struct reply *r, enum reply_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    r->status = st;
    vsnprintf(r->summary, sizeof r->summary, fmt, ap);
    va_end(ap);
}

int reply_write_json(const struct reply *r, char *buf, size_t size)
{
    json_t *o = json_object();
    if (!o) return -1;
    json_object_set_new(o, "status", json_string(reply_status_name(r->status)));
    json_object_set_new(o, "intent", r->has_intent ? intent_to_json(&r->it) : json_null());
    json_object_set_new(o, "summary", json_string(r->summary));
    json_object_set_new(o, "rule", r->rule[0] ? json_string(r->rule) : json_null());
    json_object_set_new(o, "token", r->token[0] ? json_string(r->token) : json_null());
    json_object_set_new(o, "result", r->result ? json_incref(r->result) : json_null());
    json_object_set_new(
        o, "error",
        r->has_error ? parse_error_to_json(parse_status_name(r->err.status), r->err.message, r->err.hint)
                     : json_null());
    size_t n = json_dumpb(o, buf, size, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (n == 0 || n >= size) return -1;
    buf[n] = '\0';
    return (int)n;
}
