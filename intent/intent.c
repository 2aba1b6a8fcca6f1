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
