/* Names of the intent's enumerations, from the one list in intent_kinds.def. */
#include "intent.h"

#include <string.h>

/* The rows of intent_kinds.def, without their handlers (actions/commands.c takes those). */
static const struct {
    const char *name;
    int mutates;
    enum intent_key keys[INTENT_KEYS_MAX + 1];
    unsigned needs;
    enum intent_who who;
    enum intent_result result;
    const char *help;
} rows[IK__COUNT] = {
    [IK_NONE] = {"none", 0, {K_END}, 0, W_OWNER, R_NONE, ""},
#define KEYS(...)                                                                                            \
    {                                                                                                        \
        __VA_ARGS__                                                                                          \
    }
#define INTENT(id, name, mutates, keys, needs, who, result, check, run, help)                                \
    [IK_##id] = {name, mutates, keys, needs, who, result, help},
#include "intent_kinds.def"
#undef INTENT
#undef KEYS
};

static const char *const key_names[K__COUNT] = {[K_END] = NULL,
#define X(id, name) [K_##id] = name,
                                                INTENT_KEYS(X)
#undef X
};

#define ROW(k) rows[(unsigned)(k) < IK__COUNT ? (k) : IK_NONE]

const char *intent_kind_name(enum intent_kind k) { return ROW(k).name; }
int intent_kind_mutates(enum intent_kind k) { return ROW(k).mutates; }
const char *intent_kind_help(enum intent_kind k) { return ROW(k).help; }
const enum intent_key *intent_kind_keys(enum intent_kind k) { return ROW(k).keys; }
int intent_kind_needs(enum intent_kind k, enum intent_needs n) { return (ROW(k).needs & (unsigned)n) != 0; }
enum intent_who intent_kind_who(enum intent_kind k) { return ROW(k).who; }
enum intent_result intent_kind_result(enum intent_kind k) { return ROW(k).result; }
const char *intent_key_name(enum intent_key key) { return (unsigned)key < K__COUNT ? key_names[key] : NULL; }

int intent_kind_has_key(enum intent_kind k, enum intent_key key)
{
    for (const enum intent_key *p = ROW(k).keys; *p; p++)
        if (*p == key) return 1;
    return 0;
}

enum intent_kind intent_kind_from_name(const char *name)
{
    for (int k = 1; k < IK__COUNT; k++)
        if (strcmp(rows[k].name, name) == 0) return (enum intent_kind)k;
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
