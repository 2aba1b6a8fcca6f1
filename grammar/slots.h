/* What the sentence machines mark: for each part of an intent, the token that holds it.
 * The machines only record positions and small codes; grammar/build.c reads the tokens
 * (GRAMMAR-NOTES.md: actions mark, C interprets). */
#ifndef CONCIERGE_SLOTS_H
#define CONCIERGE_SLOTS_H
#include <stdint.h>

#define SLOT_NONE (-1)
#define SLOT_HERE (-2) /* "this sandbox", "here": the context's sandbox */

enum time_use {
    TU_NONE = 0,
    TU_EXPIRES_IN, /* for 30 days: now + duration */
    TU_EXPIRES_AT, /* until DAY / CLOCK */
    TU_EXTEND_BY,  /* extend by 2 weeks */
    TU_SINCE_AGO,  /* in the last 7 days: now − duration */
    TU_SINCE_DAY,  /* since Monday, today */
    TU_SINCE_THIS, /* this week / month / year: the unit token */
    TU_MAX,        /* limit editor access to 30 days: the longest a grant may run */
};

struct slots {
    int8_t sandbox, project, agent, reader, source;
    int8_t time, token, unit;
    uint8_t time_use;
    uint8_t role, action, mode, key, topic;
    uint8_t permanent;    /* set_expiry with no expiry */
    uint8_t role_default; /* promote: editor, demote: viewer */
    uint8_t roles_said;   /* how many tokens said a role */
    uint8_t all;          /* cancel all: every waiting change (token "ALL") */
    uint8_t no_limit;     /* set_policy with no limit */
    int8_t role_at;
};

static inline void slot_role(struct slots *s, int role, int at)
{
    /* "read-only viewer" says one role in two adjacent words */
    if (s->role_at != at && !(s->role_at == at - 1 && s->role == role)) s->roles_said++;
    s->role_at = (int8_t)at;
    s->role = (uint8_t)role;
}

static inline void slots_clear(struct slots *s)
{
    s->sandbox = s->project = s->agent = s->reader = s->source = SLOT_NONE;
    s->time = s->token = s->unit = SLOT_NONE;
    s->time_use = TU_NONE;
    s->role = s->action = s->mode = s->key = s->topic = 0;
    s->permanent = 0;
    s->role_default = 0;
    s->roles_said = 0;
    s->all = 0;
    s->no_limit = 0;
    s->role_at = SLOT_NONE;
}

/* Runs the union of every intent's sentence machine over the token codes. Sets accepted[k]
 * for each intent k (enum intent_kind) whose sentence matches all n tokens; returns how
 * many did. *stop gets the index of the first token no machine could take (n when all
 * were taken). */
int sentence_match_all(const uint16_t *codes, int n, uint8_t *accepted, int *stop);

/* Runs intent k's own machine and fills its slots. 0 when it matches, -1 otherwise. */
int sentence_slots(int kind, const uint16_t *codes, int n, struct slots *s);

#endif
