/* The typed intent: what a phrase means, with every field bounded so that a parse
 * allocates nothing. Its JSON form is intent_json.c; its sentence, describe.c. */
#ifndef CONCIERGE_INTENT_H
#define CONCIERGE_INTENT_H
#include <stdint.h>
#include "duration.h"

enum intent_kind {
    IK_NONE = 0,
#define INTENT(id, ...) IK_##id,
#include "intent_kinds.def"
#undef INTENT
    IK__COUNT
};

/* The keys of an intent's JSON object (language.md), named in each row of intent_kinds.def
 * in the order they are written. */
#define INTENT_KEYS(X)                                                                                       \
    X(PRINCIPALS, "principals")                                                                              \
    X(ROLE, "role")                                                                                          \
    X(SANDBOX, "sandbox")                                                                                    \
    X(PROJECT, "project")                                                                                    \
    X(EXPIRES_AT, "expires_at")                                                                              \
    X(EXTEND_BY, "extend_by")                                                                                \
    X(ACTION, "action")                                                                                      \
    X(SINCE, "since")                                                                                        \
    X(MODE, "mode")                                                                                          \
    X(AGENT, "agent")                                                                                        \
    X(KEY, "key")                                                                                            \
    X(READER, "reader")                                                                                      \
    X(SOURCE, "source")                                                                                      \
    X(TOPIC, "topic")                                                                                        \
    X(TOKEN, "token")                                                                                        \
    X(MAX_DURATION, "max_duration")                                                                          \
    X(NOTE, "note")

enum intent_key {
    K_END = 0, /* ends a row's list */
#define X(id, name) K_##id,
    INTENT_KEYS(X)
#undef X
        K__COUNT
};
#define INTENT_KEYS_MAX 8 /* the most keys a row names */

/* What a phrase of the intent must say, or what is said for it (intent_kinds.def). */
enum intent_needs {
    N_PRINCIPALS = 1 << 0,
    N_ROLE = 1 << 1,
    N_VIEWER = 1 << 2,
    N_ONE_ROLE = 1 << 3,
    N_OWNER_ROLE = 1 << 4,
    N_HOW_LONG = 1 << 5,
    N_MODE = 1 << 6,
    N_LIMIT = 1 << 7,
    N_SELF = 1 << 8,
};

/* Who may ask for it (access.md; actions/authorise.c decides by this). */
enum intent_who { W_OWNER = 0, W_SELF, W_RELATED, W_ASKER };

/* What a carried-out intent returns in the reply's result (interfaces.md). */
enum intent_result {
    R_NONE = 0,
    R_MEMBERS,
    R_DECISIONS,
    R_EVENTS,
    R_MODE,
    R_KEYS,
    R_USAGE,
    R_POLICIES,
    R_PENDING,
    R_REQUEST,
    R_LINK /* a sign-in link: a secret, shown only to the one it is for */
};

#define NAME_MAX_LEN      64  /* sandbox, project and agent names; @handles */
#define PRINCIPAL_MAX_LEN 254 /* e-mail addresses */
#define PRINCIPALS_MAX    16
#define TOKEN_MAX_LEN     8
#define NOTE_MAX_LEN      200 /* the free text after `because` (language.md) */

enum role { ROLE_NONE = 0, ROLE_VIEWER, ROLE_EDITOR, ROLE_OWNER };
enum mode { MODE_NONE = 0, MODE_SHARED, MODE_COLLABORATED, MODE_PRIVATE };
enum key_kind { KEY_INVOKE = 0, KEY_DELEGATE };
enum action {
    ACT_NONE = 0,
    ACT_READ,
    ACT_RUN,
    ACT_BUILD,
    ACT_DESTROY,
    ACT_MANAGE,
    ACT_EXEC,
    ACT_FILE,
    ACT_TUNNEL,
    ACT_PROXY,
    ACT__COUNT
};

struct principal {
    char s[PRINCIPAL_MAX_LEN + 1];
};

/* A null field is an empty string, ROLE_NONE, or has_* = 0. */
struct intent {
    enum intent_kind kind;
    int n_principals;
    struct principal principals[PRINCIPALS_MAX];
    enum role role;
    char sandbox[NAME_MAX_LEN + 1]; /* for the cross intents: the reader */
    char source[NAME_MAX_LEN + 1];  /* cross intents only */
    char project[NAME_MAX_LEN + 1];
    char agent[NAME_MAX_LEN + 1];
    enum action action;
    enum mode mode;
    enum key_kind key;
    enum intent_kind topic; /* help: IK_NONE for none */
    char token[TOKEN_MAX_LEN + 1];
    int has_expires_at;
    int64_t expires_at; /* seconds since the epoch, UTC */
    int has_since;
    int64_t since;
    int has_extend_by;
    struct duration extend_by;
    /* Kept so that a change confirmed later recomputes expires_at from the moment of
     * confirmation (access.md, Executing an intent). */
    int has_expires_in;
    struct duration expires_in;
    /* set_policy: the longest a grant of the role may run; has_max_duration 0 is "no limit"
     * (lifecycle.md, Max-duration policy). */
    int has_max_duration;
    struct duration max_duration;
    /* request_access, deny_request: the text after the first `because`, as typed (never
     * normalised or parsed; grammar/note.c); "" for none. */
    char note[NOTE_MAX_LEN + 1];
};

const char *intent_kind_name(enum intent_kind k);
enum intent_kind intent_kind_from_name(const char *name);
int intent_kind_mutates(enum intent_kind k);
const char *intent_kind_help(enum intent_kind k);
/* The row's JSON keys, in order, ended by K_END. */
const enum intent_key *intent_kind_keys(enum intent_kind k);
int intent_kind_has_key(enum intent_kind k, enum intent_key key);
int intent_kind_needs(enum intent_kind k, enum intent_needs n);
enum intent_who intent_kind_who(enum intent_kind k);
enum intent_result intent_kind_result(enum intent_kind k);
const char *intent_key_name(enum intent_key key);
const char *role_name(enum role r);
const char *mode_name(enum mode m);
const char *action_name(enum action a);
const char *key_kind_name(enum key_kind k);

/* Adds a principal unless it is there already (a principal named twice is kept once, in
 * first position). Returns 0, or -1 when the list is full. */
int intent_add_principal(struct intent *it, const char *p, int len);

#endif
