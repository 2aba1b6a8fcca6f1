#include "slack_blocks.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Slack counts characters: UTF-8 code points, not bytes. */
static size_t chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static int fail(char *why, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *why, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, size, fmt, ap);
    va_end(ap);
    return -1;
}

/* A key's secret (ck_ and 64 hex digits) anywhere in s. */
static int has_secret(const char *s)
{
    for (const char *p = strstr(s, "ck_"); p; p = strstr(p + 1, "ck_"))
        if (strspn(p + 3, "0123456789abcdef") >= 64) return 1;
    return 0;
}

/* A Slack user written as a principal rather than a mention. */
static int has_raw_user(const char *s)
{
    for (const char *p = strstr(s, "slack:"); p; p = strstr(p + 1, "slack:"))
        if ((p[6] == 'U' || p[6] == 'W') && p[7] >= '0' && p[7] <= 'Z') return 1;
    return 0;
}

/* A text object: {"type": "mrkdwn"|"plain_text" (or only plain_text), "text": 1..max}. */
static int text_obj(const json_t *t, int plain_only, size_t max, const char *where, int *secret, char *why,
                    size_t size)
{
    const char *type = json_string_value(json_object_get(t, "type"));
    const char *s = json_string_value(json_object_get(t, "text"));
    if (!json_is_object(t) || !type ||
        (strcmp(type, "plain_text") != 0 && (plain_only || strcmp(type, "mrkdwn") != 0)))
        return fail(why, size, "%s: not a %s text object", where, plain_only ? "plain_text" : "text");
    if (!s || !*s) return fail(why, size, "%s: empty text", where);
    if (chars(s) > max) return fail(why, size, "%s: %zu characters, over %zu", where, chars(s), max);
    if (has_raw_user(s)) return fail(why, size, "%s: a Slack user as slack:U…, not a mention", where);
    *secret |= has_secret(s);
    return 0;
}

#define TRY(x)                                                                                               \
    do {                                                                                                     \
        if ((x) != 0) return -1;                                                                             \
    } while (0)

int slack_blocks_check(const json_t *msg, char *why, size_t size)
{
    char where[64];
    int secret = 0;
    if (!json_is_object(msg)) return fail(why, size, "the message is not an object");
    const char *text = json_string_value(json_object_get(msg, "text"));
    if (!text || !*text) return fail(why, size, "no top-level text fallback");
    if (has_raw_user(text)) return fail(why, size, "text: a Slack user as slack:U…, not a mention");
    secret |= has_secret(text);
    const json_t *blocks = json_object_get(msg, "blocks");
    if (blocks && !json_is_array(blocks)) return fail(why, size, "blocks is not an array");
    if (json_array_size(blocks) > 50) return fail(why, size, "%zu blocks, over 50", json_array_size(blocks));
    const char *ids[50 * 25];
    size_t n_ids = 0;
    size_t i;
    json_t *b;
    json_array_foreach(blocks, i, b)
    {
        const char *type = json_string_value(json_object_get(b, "type"));
        if (!type) return fail(why, size, "block %zu has no type", i);
        if (strcmp(type, "section") == 0) {
            const json_t *t = json_object_get(b, "text"), *f = json_object_get(b, "fields");
            if (!t && !f) return fail(why, size, "block %zu: a section with neither text nor fields", i);
            snprintf(where, sizeof where, "block %zu (section) text", i);
            if (t) TRY(text_obj(t, 0, 3000, where, &secret, why, size));
            if (f && (!json_is_array(f) || json_array_size(f) > 10))
                return fail(why, size, "block %zu: fields not an array of at most 10", i);
            size_t k;
            json_t *e;
            json_array_foreach(f, k, e)
            {
                snprintf(where, sizeof where, "block %zu field %zu", i, k);
                TRY(text_obj(e, 0, 2000, where, &secret, why, size));
            }
        } else if (strcmp(type, "context") == 0) {
            const json_t *el = json_object_get(b, "elements");
            if (!json_is_array(el) || json_array_size(el) < 1 || json_array_size(el) > 10)
                return fail(why, size, "block %zu: a context of 1 to 10 elements, not %zu", i,
                            json_array_size(el));
            size_t k;
            json_t *e;
            json_array_foreach(el, k, e)
            {
                snprintf(where, sizeof where, "block %zu element %zu", i, k);
                TRY(text_obj(e, 0, 3000, where, &secret, why, size));
            }
        } else if (strcmp(type, "actions") == 0) {
            const json_t *el = json_object_get(b, "elements");
            if (!json_is_array(el) || json_array_size(el) < 1 || json_array_size(el) > 25)
                return fail(why, size, "block %zu: actions of 1 to 25 elements", i);
            size_t k;
            json_t *e;
            json_array_foreach(el, k, e)
            {
                const char *et = json_string_value(json_object_get(e, "type"));
                const char *id = json_string_value(json_object_get(e, "action_id"));
                const char *value = json_string_value(json_object_get(e, "value"));
                if (!et || strcmp(et, "button") != 0)
                    return fail(why, size, "block %zu element %zu: not a button", i, k);
                snprintf(where, sizeof where, "block %zu button %zu text", i, k);
                TRY(text_obj(json_object_get(e, "text"), 1, 75, where, &secret, why, size));
                if (!id || !*id || chars(id) > 255)
                    return fail(why, size, "block %zu button %zu: action_id missing or over 255", i, k);
                for (size_t j = 0; j < n_ids; j++)
                    if (strcmp(ids[j], id) == 0) return fail(why, size, "action_id \"%s\" used twice", id);
                ids[n_ids++] = id;
                if (value && chars(value) > 2000)
                    return fail(why, size, "block %zu button %zu: value over 2,000", i, k);
                if (value) secret |= has_secret(value);
            }
        } else if (strcmp(type, "header") == 0) {
            snprintf(where, sizeof where, "block %zu (header) text", i);
            TRY(text_obj(json_object_get(b, "text"), 1, 150, where, &secret, why, size));
        } else if (strcmp(type, "divider") != 0) {
            return fail(why, size,
                        "block %zu: type \"%s\" is not one of section, context, actions, divider, header", i,
                        type);
        }
    }
    const char *rt = json_string_value(json_object_get(msg, "response_type"));
    if (secret && (!rt || strcmp(rt, "ephemeral") != 0))
        return fail(why, size, "a key's secret in a message that is not ephemeral");
    return 0;
}
