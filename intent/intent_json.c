#include "intent_json.h"

#include <string.h>

#include "timecalc.h"

/* A bounded writer: every put checks the room left; `over` records that something did
 * not fit, and the whole write then fails rather than print a truncated object. */
struct jw {
    char *buf;
    size_t size, len;
    int over;
};

static void raw(struct jw *w, const char *s, size_t n)
{
    if (w->over || n >= w->size - w->len) {
        w->over = 1;
        return;
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
    w->buf[w->len] = '\0';
}

static void lit(struct jw *w, const char *s) { raw(w, s, strlen(s)); }

/* A JSON string, escaped: quotes, backslashes and control characters; other bytes (valid
 * UTF-8 by the normaliser's check) as they are. */
static void str(struct jw *w, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    raw(w, "\"", 1);
    const char *run = s;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        raw(w, run, (size_t)(s - run));
        char esc[6] = {'\\', (char)c, 0, 0, 0, 0};
        size_t n = 2;
        if (c == '\n')
            esc[1] = 'n';
        else if (c == '\t')
            esc[1] = 't';
        else if (c == '\r')
            esc[1] = 'r';
        else if (c < 0x20)
            esc[1] = 'u', esc[2] = '0', esc[3] = '0', esc[4] = hex[c >> 4], esc[5] = hex[c & 15], n = 6;
        raw(w, esc, n);
        run = s + 1;
    }
    raw(w, run, (size_t)(s - run));
    raw(w, "\"", 1);
}

static void key(struct jw *w, const char *k)
{
    raw(w, ",", 1);
    str(w, k);
    raw(w, ":", 1);
}

static void str_or_null(struct jw *w, const char *k, const char *v)
{
    key(w, k);
    if (v && *v)
        str(w, v);
    else
        lit(w, "null");
}

static void instant_or_null(struct jw *w, const char *k, int has, int64_t t)
{
    char b[32];
    if (has) format_rfc3339(t, b);
    str_or_null(w, k, has ? b : NULL);
}

static void principals(struct jw *w, const struct intent *it)
{
    key(w, "principals");
    raw(w, "[", 1);
    for (int i = 0; i < it->n_principals; i++) {
        if (i) raw(w, ",", 1);
        str(w, it->principals[i].s);
    }
    raw(w, "]", 1);
}

/* One key of the intent, as its row names it (intent_kinds.def). */
static void write_key(struct jw *w, const struct intent *it, enum intent_key k)
{
    char dur[64];
    const char *name = intent_key_name(k);
    switch (k) {
    case K_PRINCIPALS: principals(w, it); break;
    case K_ROLE: str_or_null(w, name, role_name(it->role)); break;
    case K_SANDBOX:
    case K_READER: str_or_null(w, name, it->sandbox); break; /* a cross intent's reader is its sandbox */
    case K_PROJECT: str_or_null(w, name, it->project); break;
    case K_EXPIRES_AT: instant_or_null(w, name, it->has_expires_at, it->expires_at); break;
    case K_EXTEND_BY:
        if (it->has_extend_by) duration_iso(&it->extend_by, dur, sizeof dur);
        str_or_null(w, name, it->has_extend_by ? dur : NULL);
        break;
    case K_ACTION: str_or_null(w, name, action_name(it->action)); break;
    case K_SINCE: instant_or_null(w, name, it->has_since, it->since); break;
    case K_MODE: str_or_null(w, name, mode_name(it->mode)); break;
    case K_AGENT: str_or_null(w, name, it->agent); break;
    case K_KEY: str_or_null(w, name, key_kind_name(it->key)); break;
    case K_SOURCE: str_or_null(w, name, it->source); break;
    case K_TOPIC: str_or_null(w, name, it->topic ? intent_kind_name(it->topic) : NULL); break;
    case K_TOKEN: str_or_null(w, name, it->token); break;
    case K_MAX_DURATION:
        if (it->has_max_duration) duration_iso(&it->max_duration, dur, sizeof dur);
        str_or_null(w, name, it->has_max_duration ? dur : NULL);
        break;
    case K_NOTE: str_or_null(w, name, it->note); break; /* verbatim: escaped where it is shown */
    case K_END:
    case K__COUNT: break;
    }
}

int intent_write_json(const struct intent *it, char *buf, size_t size)
{
    struct jw w = {buf, size, 0, size == 0};
    if (size) buf[0] = '\0';
    lit(&w, "{\"intent\":");
    str(&w, intent_kind_name(it->kind));
    for (const enum intent_key *k = intent_kind_keys(it->kind); *k; k++)
        write_key(&w, it, *k);
    raw(&w, "}", 1);
    return w.over ? -1 : (int)w.len;
}

int parse_error_write_json(const char *status_name, const char *code, const char *message, const char *hint,
                           char *buf, size_t size)
{
    struct jw w = {buf, size, 0, size == 0};
    if (size) buf[0] = '\0';
    lit(&w, "{\"error\":");
    str(&w, status_name);
    key(&w, "code");
    str(&w, code ? code : "");
    key(&w, "message");
    str(&w, message);
    if (hint && *hint) {
        key(&w, "hint");
        str(&w, hint);
    }
    raw(&w, "}", 1);
    return w.over ? -1 : (int)w.len;
}

static json_t *load(const char *s, int n) { return n < 0 ? NULL : json_loadb(s, (size_t)n, 0, NULL); }

json_t *intent_to_json(const struct intent *it)
{
    static _Thread_local char buf[INTENT_JSON_MAX];
    return load(buf, intent_write_json(it, buf, sizeof buf));
}

json_t *parse_error_to_json(const char *status_name, const char *code, const char *message, const char *hint)
{
    static _Thread_local char buf[INTENT_JSON_MAX];
    return load(buf, parse_error_write_json(status_name, code, message, hint, buf, sizeof buf));
}

/* ---- Reading back ---------------------------------------------------------------------- */

static int get_name(const json_t *o, const char *k, char *dst, size_t size)
{
    const json_t *v = json_object_get(o, k);
    dst[0] = '\0';
    if (!v || json_is_null(v)) return 0;
    const char *s = json_string_value(v);
    if (!s || strlen(s) >= size) return -1;
    memcpy(dst, s, strlen(s) + 1);
    return 0;
}

static int get_instant(const json_t *o, const char *k, int *has, int64_t *t)
{
    const json_t *v = json_object_get(o, k);
    *has = 0;
    if (!v || json_is_null(v)) return 0;
    const char *s = json_string_value(v);
    if (!s || parse_rfc3339(s, t)) return -1;
    *has = 1;
    return 0;
}

static int enum_of(const char *s, const char *(*name)(int), int count)
{
    for (int k = 0; k < count; k++)
        if (name(k) && strcmp(name(k), s) == 0) return k;
    return -1;
}

static const char *role_n(int r) { return role_name((enum role)r); }
static const char *mode_n(int m) { return mode_name((enum mode)m); }
static const char *action_n(int a) { return action_name((enum action)a); }

int intent_from_json(const json_t *o, struct intent *it)
{
    memset(it, 0, sizeof *it);
    const char *kind = json_string_value(json_object_get(o, "intent"));
    if (!kind || (it->kind = intent_kind_from_name(kind)) == IK_NONE) return -1;
    const json_t *ps = json_object_get(o, "principals");
    size_t i;
    const json_t *p;
    json_array_foreach(ps, i, p)
    {
        const char *s = json_string_value(p);
        if (!s || intent_add_principal(it, s, (int)strlen(s))) return -1;
    }
    const char *v;
    if ((v = json_string_value(json_object_get(o, "role"))) &&
        (int)(it->role = (enum role)enum_of(v, role_n, 4)) < 0)
        return -1;
    if ((v = json_string_value(json_object_get(o, "mode"))) &&
        (int)(it->mode = (enum mode)enum_of(v, mode_n, 4)) < 0)
        return -1;
    if ((v = json_string_value(json_object_get(o, "action"))) &&
        (int)(it->action = (enum action)enum_of(v, action_n, ACT__COUNT)) < 0)
        return -1;
    if ((v = json_string_value(json_object_get(o, "key"))))
        it->key = strcmp(v, "delegate") == 0 ? KEY_DELEGATE : KEY_INVOKE;
    if ((v = json_string_value(json_object_get(o, "topic")))) it->topic = intent_kind_from_name(v);
    const char *sb_key = json_object_get(o, "reader") ? "reader" : "sandbox";
    if (get_name(o, sb_key, it->sandbox, sizeof it->sandbox) ||
        get_name(o, "source", it->source, sizeof it->source) ||
        get_name(o, "project", it->project, sizeof it->project) ||
        get_name(o, "agent", it->agent, sizeof it->agent) ||
        get_name(o, "token", it->token, sizeof it->token) || get_name(o, "note", it->note, sizeof it->note) ||
        get_instant(o, "expires_at", &it->has_expires_at, &it->expires_at) ||
        get_instant(o, "since", &it->has_since, &it->since))
        return -1;
    if ((v = json_string_value(json_object_get(o, "extend_by")))) {
        if (duration_parse_iso(v, &it->extend_by)) return -1;
        it->has_extend_by = 1;
    }
    /* A kept set_policy comes back with its limit (null: no limit), as it was described. */
    if ((v = json_string_value(json_object_get(o, "max_duration")))) {
        if (duration_parse_iso(v, &it->max_duration) || duration_is_zero(&it->max_duration)) return -1;
        it->has_max_duration = 1;
    }
    return 0;
}

int json_string_write(const char *s, char *buf, size_t size)
{
    struct jw w = {buf, size, 0, 0};
    if (size == 0) return -1;
    buf[0] = '\0';
    str(&w, s);
    return w.over ? -1 : (int)w.len;
}

/* Any jansson value, compact, keys in the order they were set (jansson 2.13 and later keep
 * it): json_dumpb's callbacks and checks cost the server a tenth of a request. */
static void value(struct jw *w, const json_t *v)
{
    char num[40];
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        const char *k;
        json_t *item;
        int first = 1;
        raw(w, "{", 1);
        json_object_foreach((json_t *)v, k, item)
        {
            if (!first) raw(w, ",", 1);
            first = 0;
            str(w, k);
            raw(w, ":", 1);
            value(w, item);
        }
        raw(w, "}", 1);
        break;
    }
    case JSON_ARRAY: {
        size_t i;
        json_t *item;
        raw(w, "[", 1);
        json_array_foreach(v, i, item)
        {
            if (i) raw(w, ",", 1);
            value(w, item);
        }
        raw(w, "]", 1);
        break;
    }
    case JSON_STRING: str(w, json_string_value(v)); break;
    case JSON_INTEGER:
        raw(w, num, (size_t)snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v)));
        break;
    case JSON_REAL: raw(w, num, (size_t)snprintf(num, sizeof num, "%.17g", json_real_value(v))); break;
    case JSON_TRUE: lit(w, "true"); break;
    case JSON_FALSE: lit(w, "false"); break;
    case JSON_NULL: lit(w, "null"); break;
    }
}

int json_value_write(const json_t *v, char *buf, size_t size)
{
    struct jw w = {buf, size, 0, 0};
    if (size == 0) return -1;
    buf[0] = '\0';
    value(&w, v);
    return w.over ? -1 : (int)w.len;
}
