#include "intent_json.h"

#include "timecalc.h"

static json_t *str_or_null(const char *s) { return (s && *s) ? json_string(s) : json_null(); }

static json_t *instant_or_null(int has, int64_t t)
{
    if (!has) return json_null();
    char buf[32];
    format_rfc3339(t, buf);
    return json_string(buf);
}

static json_t *duration_or_null(int has, const struct duration *d)
{
    if (!has) return json_null();
    char buf[64];
    duration_iso(d, buf, sizeof buf);
    return json_string(buf);
}

static json_t *principals(const struct intent *it)
{
    json_t *a = json_array();
    for (int i = 0; a && i < it->n_principals; i++)
        json_array_append_new(a, json_string(it->principals[i].s));
    return a;
}

/* Keys in order; json_object keeps insertion order when dumped with JSON_PRESERVE_ORDER. */
#define SET(key, value) json_object_set_new(o, key, value)

json_t *intent_to_json(const struct intent *it)
{
    json_t *o = json_object();
    if (!o) return NULL;
    SET("intent", json_string(intent_kind_name(it->kind)));
    switch (it->kind) {
    case IK_INVITE:
        SET("principals", principals(it));
        SET("role", str_or_null(role_name(it->role)));
        SET("sandbox", str_or_null(it->sandbox));
        SET("project", str_or_null(it->project));
        SET("expires_at", instant_or_null(it->has_expires_at, it->expires_at));
        break;
    case IK_CHANGE_ROLE:
        SET("principals", principals(it));
        SET("role", str_or_null(role_name(it->role)));
        SET("sandbox", str_or_null(it->sandbox));
        SET("project", str_or_null(it->project));
        break;
    case IK_REVOKE:
        SET("principals", principals(it));
        SET("sandbox", str_or_null(it->sandbox));
        SET("project", str_or_null(it->project));
        break;
    case IK_SET_EXPIRY:
        SET("principals", principals(it));
        SET("sandbox", str_or_null(it->sandbox));
        SET("project", str_or_null(it->project));
        SET("expires_at", instant_or_null(it->has_expires_at, it->expires_at));
        SET("extend_by", duration_or_null(it->has_extend_by, &it->extend_by));
        break;
    case IK_LIST_ACCESS:
        SET("sandbox", str_or_null(it->sandbox));
        SET("project", str_or_null(it->project));
        SET("role", str_or_null(role_name(it->role)));
        break;
    case IK_CHECK_ACCESS:
        SET("principals", principals(it));
        SET("action", str_or_null(action_name(it->action)));
        SET("sandbox", str_or_null(it->sandbox));
        SET("project", str_or_null(it->project));
        break;
    case IK_SHOW_AUDIT:
        SET("sandbox", str_or_null(it->sandbox));
        SET("principals", principals(it));
        SET("since", instant_or_null(it->has_since, it->since));
        break;
    case IK_SET_MODE:
        SET("sandbox", str_or_null(it->sandbox));
        SET("mode", str_or_null(mode_name(it->mode)));
        SET("principals", principals(it));
        break;
    case IK_SHOW_MODE: SET("sandbox", str_or_null(it->sandbox)); break;
    case IK_SHARE_AGENT:
        SET("sandbox", str_or_null(it->sandbox));
        SET("agent", str_or_null(it->agent));
        SET("key", json_string(key_kind_name(it->key)));
        SET("principals", principals(it));
        SET("expires_at", instant_or_null(it->has_expires_at, it->expires_at));
        break;
    case IK_UNSHARE_AGENT:
        SET("sandbox", str_or_null(it->sandbox));
        SET("agent", str_or_null(it->agent));
        SET("principals", principals(it));
        break;
    case IK_GRANT_CROSS:
    case IK_REFRESH_CROSS:
    case IK_REVOKE_CROSS:
        SET("reader", str_or_null(it->sandbox));
        SET("source", str_or_null(it->source));
        break;
    case IK_HELP: SET("topic", it->topic ? json_string(intent_kind_name(it->topic)) : json_null()); break;
    case IK_CONFIRM:
    case IK_CANCEL: SET("token", str_or_null(it->token)); break;
    default: break;
    }
    return o;
}

json_t *parse_error_to_json(const char *status_name, const char *message, const char *hint)
{
    json_t *o = json_object();
    if (!o) return NULL;
    SET("error", json_string(status_name));
    SET("message", json_string(message));
    if (hint && *hint) SET("hint", json_string(hint));
    return o;
}
