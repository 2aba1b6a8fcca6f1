/* Names of the intent's enumerations, from the one list in intent_kinds.def. */
#include "intent.h"

#include <string.h>

static const char *const kind_names[IK__COUNT] = {
    [IK_NONE] = "none",
#define INTENT(id, name, mutates, help) [IK_##id] = name,
#include "intent_kinds.def"
#undef INTENT
};

static const unsigned char kind_mutates[IK__COUNT] = {
#define INTENT(id, name, mutates, help) [IK_##id] = mutates,
#include "intent_kinds.def"
#undef INTENT
};

static const char *const kind_help[IK__COUNT] = {
    [IK_NONE] = "",
#define INTENT(id, name, mutates, help) [IK_##id] = help,
#include "intent_kinds.def"
#undef INTENT
};

const char *intent_kind_name(enum intent_kind k) { return k < IK__COUNT ? kind_names[k] : "none"; }
int intent_kind_mutates(enum intent_kind k) { return k < IK__COUNT ? kind_mutates[k] : 0; }
const char *intent_kind_help(enum intent_kind k) { return k < IK__COUNT ? kind_help[k] : ""; }

enum intent_kind intent_kind_from_name(const char *name)
{
    for (int k = 1; k < IK__COUNT; k++)
        if (strcmp(kind_names[k], name) == 0) return (enum intent_kind)k;
    return IK_NONE;
}

const char *role_name(enum role r)
{
    switch (r) {
    case ROLE_VIEWER: return "viewer";
    case ROLE_EDITOR: return "editor";
    case ROLE_OWNER: return "owner";
    default: return NULL;
    }
}

const char *mode_name(enum mode m)
{
    switch (m) {
    case MODE_SHARED: return "shared";
    case MODE_COLLABORATED: return "collaborated";
    case MODE_PRIVATE: return "private";
    default: return NULL;
    }
}

const char *action_name(enum action a)
{
    static const char *const names[ACT__COUNT] = {
        NULL, "read", "run", "build", "destroy", "manage", "exec", "file", "tunnel", "proxy",
    };
    return a < ACT__COUNT ? names[a] : NULL;
}

const char *key_kind_name(enum key_kind k) { return k == KEY_DELEGATE ? "delegate" : "invoke"; }

int intent_add_principal(struct intent *it, const char *p, int len)
{
    if (len <= 0 || len > PRINCIPAL_MAX_LEN) return -1;
    for (int i = 0; i < it->n_principals; i++)
        if ((int)strlen(it->principals[i].s) == len && memcmp(it->principals[i].s, p, (size_t)len) == 0)
            return 0;
    if (it->n_principals >= PRINCIPALS_MAX) return -1;
    memcpy(it->principals[it->n_principals].s, p, (size_t)len);
    it->principals[it->n_principals].s[len] = '\0';
    it->n_principals++;
    return 0;
}

int principal_canon(const char *p, char *out, size_t size)
{
    size_t n = strlen(p);
    if (n < 2 || n >= size || n > PRINCIPAL_MAX_LEN) return -1;
    int at = p[0] == '@', slack = strncmp(p, "slack:", 6) == 0, email = !at && !slack && strchr(p, '@');
    if (at && n > NAME_MAX_LEN + 1) return -1; /* an @handle is a name: at most 64 after the @ */
    if (!at && !slack && !email) return -1;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if ((unsigned char)c <= ' ' || (unsigned char)c >= 0x7f) return -1;
        out[i] = (!slack && c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    out[n] = '\0';
    return 0;
}

int name_canon(const char *s, char *out, size_t size)
{
    size_t n = strlen(s);
    if (n == 0 || n > NAME_MAX_LEN || n >= size) return -1;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (i > 0 && (c == '_' || c == '-'))))
            return -1;
        out[i] = c;
    }
    out[n] = '\0';
    return 0;
}
