/* From slots to a typed intent: read the marked tokens, apply the defaults, resolve days
 * and clock times against the context, and refuse what cannot be meant (`invalid`). */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "../intent/timecalc.h"
#include "phrase.h"

static const char *tok_text(const struct phrase *ph, int i, int *len)
{
    *len = ph->tl.t[i].len;
    return ph->text + ph->tl.t[i].start;
}

/* A sandbox, project or agent name: [a-z0-9][a-z0-9_-]*, at most 64 characters. */
static int copy_name(const struct phrase *ph, int i, char *dst, struct parse_error *err)
{
    int len;
    const char *s = tok_text(ph, i, &len);
    if (len > NAME_MAX_LEN) {
        set_error(err, C_NAME_TOO_LONG, NULL, NULL);
        return -1;
    }
    memcpy(dst, s, (size_t)len);
    dst[len] = '\0';
    return 0;
}

static int slot_name(const struct phrase *ph, int slot, const char *here, char *dst, struct parse_error *err)
{
    if (slot == SLOT_NONE || slot == SLOT_HERE) {
        size_t n = strnlen(here, NAME_MAX_LEN);
        memcpy(dst, here, n);
        dst[n] = '\0';
        return 0;
    }
    return copy_name(ph, slot, dst, err);
}

/* A principal token in canonical form: @name lower-cased (the normaliser did it), an
 * e-mail address, slack:UID from <@UID|name>, or the actor for me / I / my. */
static int add_principal(const struct phrase *ph, int i, const struct parse_ctx *ctx, struct intent *it,
                         struct parse_error *err)
{
    const struct token *t = &ph->tl.t[i];
    int len;
    const char *s = tok_text(ph, i, &len);
    char buf[PRINCIPAL_MAX_LEN + 8];
    if (t->code == T_ME || t->code == T_I || t->code == T_MY) {
        s = ctx->actor;
        len = (int)strlen(ctx->actor);
    } else if (t->flags & TF_SLACK) {
        int idl = 0;
        while (2 + idl < len && s[2 + idl] != '|' && s[2 + idl] != '>')
            idl++;
        if (idl > NAME_MAX_LEN) goto too_long;
        memcpy(buf, "slack:", 6);
        memcpy(buf + 6, s + 2, (size_t)idl);
        len = 6 + idl;
        s = buf;
    } else if (t->flags & TF_EMAIL) {
        if (len > PRINCIPAL_MAX_LEN) goto too_long;
    } else if (len - 1 > NAME_MAX_LEN) {
        goto too_long;
    }
    if (intent_add_principal(it, s, len) != 0) {
        set_error(err, C_TOO_MANY_PRINCIPALS, NULL, NULL);
        return -1;
    }
    return 0;
too_long:
    set_error(err, C_PRINCIPAL_TOO_LONG, NULL, NULL);
    return -1;
}

static int64_t day_start(int64_t days)
{
    struct civil c = {0};
    civil_from_days(days, &c.year, &c.month, &c.day);
    return from_local(&c);
}

/* The local date (as days since the epoch) a day phrase names. `forward` picks the
 * reading of an expiry (a date with no year is its next occurrence on or after today; a
 * weekday the first one strictly after today); otherwise the reading of `since` (the most
 * recent on or before today). */
static int day_of(const struct timephrase *tp, int64_t today, int forward, int64_t *out,
                  struct parse_error *err)
{
    int y, m, d;
    civil_from_days(today, &y, &m, &d);
    switch (tp->day) {
    case DK_TODAY: *out = today; return 0;
    case DK_TOMORROW: *out = today + 1; return 0;
    case DK_YESTERDAY: *out = today - 1; return 0;
    case DK_WEEKDAY: {
        int w = weekday_of_days(today);
        if (forward) {
            int ahead = (tp->weekday - w + 7) % 7;
            *out = today + (ahead == 0 ? 7 : ahead);
        } else {
            *out = today - (w - tp->weekday + 7) % 7;
        }
        return 0;
    }
    case DK_END_WEEK: *out = today + (7 - weekday_of_days(today)); return 0;
    case DK_END_MONTH: *out = days_from_civil(y, m, days_in_month(y, m)); return 0;
    case DK_END_YEAR: *out = days_from_civil(y, 12, 31); return 0;
    case DK_DATE:
        if (tp->year) {
            *out = days_from_civil(tp->year, tp->month, tp->mday);
            return 0;
        }
        /* No year: the next (or, looking back, the last) year that has this day, so that
         * Feb 29 is the next leap day. */
        for (int k = 0; k <= 8; k++) {
            int yy = forward ? y + k : y - k;
            if (tp->mday > days_in_month(yy, tp->month)) continue;
            int64_t cand = days_from_civil(yy, tp->month, tp->mday);
            if (forward ? cand >= today : cand <= today) {
                *out = cand;
                return 0;
            }
        }
        break;
    case DK_NONE: break;
    }
    set_error(err, C_NO_SUCH_DAY, NULL, NULL);
    return -1;
}

/* An instant the phrase names is kept as it is or refused, never clamped (out_of_range). */
static int in_range(int64_t t, struct parse_error *err)
{
    if (instant_in_range(t)) return 0;
    set_error(err, C_OUT_OF_RANGE, t > INSTANT_MAX ? OUT_OF_RANGE_MESSAGE : OUT_OF_RANGE_BEFORE_MESSAGE,
              NULL);
    return -1;
}

/* `until DAY` / `until CLOCK`: the instant the access ends. */
static int resolve_until(const struct timephrase *tp, int is_clock, const struct parse_ctx *ctx, int64_t *at,
                         struct parse_error *err)
{
    struct civil now;
    to_local(ctx->now, &now);
    int64_t today = days_from_civil(now.year, now.month, now.day), day;
    if (!is_clock) {
        if (day_of(tp, today, 1, &day, err)) return -1;
        if (day < today) {
            set_error(err, C_PAST_DATE, NULL, NULL);
            return -1;
        }
        *at = day_start(day + 1); /* the end of that day: the next day's 00:00 local */
        return in_range(*at, err);
    }
    int has_day = tp->day != DK_NONE;
    if (has_day) {
        if (day_of(tp, today, 1, &day, err)) return -1;
    } else {
        day = today;
    }
    struct civil c = {0};
    if (tp->midnight) {
        *at = day_start(day + 1);
    } else {
        civil_from_days(day, &c.year, &c.month, &c.day);
        c.hour = tp->hour;
        c.minute = tp->minute;
        *at = from_local(&c);
        if (*at <= ctx->now && !has_day) { /* not ahead today: tomorrow */
            civil_from_days(day + 1, &c.year, &c.month, &c.day);
            *at = from_local(&c);
        }
    }
    if (*at <= ctx->now) {
        set_error(err, C_PAST_DATE, "that time is already past; an expiry must be ahead", NULL);
        return -1;
    }
    return in_range(*at, err);
}

static int resolve_since(const struct phrase *ph, const struct slots *s, const struct parse_ctx *ctx,
                         int64_t *at, struct parse_error *err)
{
    struct civil now;
    to_local(ctx->now, &now);
    int64_t today = days_from_civil(now.year, now.month, now.day), day;
    if (s->time_use == TU_SINCE_THIS) {
        int u = ph->tl.t[s->unit].val;
        if (u == U_WEEK)
            day = today - (weekday_of_days(today) - 1); /* Monday */
        else if (u == U_MONTH)
            day = days_from_civil(now.year, now.month, 1);
        else if (u == U_YEAR)
            day = days_from_civil(now.year, 1, 1);
        else if (u == U_DAY)
            day = today;
        else {
            set_error(err, C_SINCE_UNIT, NULL, NULL);
            return -1;
        }
        *at = day_start(day);
        return 0;
    }
    const struct token *t = &ph->tl.t[s->time];
    const struct timephrase *tp = &ph->tt.p[t->val];
    if (tp->invalid) {
        set_error(err, tp->invalid, NULL, NULL);
        return -1;
    }
    if (s->time_use == TU_SINCE_AGO) {
        if (add_duration_checked(ctx->now, &tp->dur, -1, at) == 0) return 0;
        set_error(err, C_OUT_OF_RANGE, OUT_OF_RANGE_BEFORE_MESSAGE, NULL);
        return -1;
    }
    if (tp->day != DK_NONE && day_of(tp, today, 0, &day, err)) return -1;
    if (tp->day == DK_NONE) day = today;
    if (t->code == T_CLOCK && !tp->midnight) {
        struct civil c = {0};
        civil_from_days(day, &c.year, &c.month, &c.day);
        c.hour = tp->hour;
        c.minute = tp->minute;
        *at = from_local(&c);
        if (*at > ctx->now && tp->day == DK_NONE) {
            civil_from_days(day - 1, &c.year, &c.month, &c.day);
            *at = from_local(&c);
        }
    } else {
        *at = day_start(day);
    }
    if (*at > ctx->now) {
        set_error(err, C_FUTURE_SINCE, NULL, NULL);
        return -1;
    }
    return in_range(*at, err);
}

/* A confirmation token: 4 to 8 letters and digits with at least one digit. */
static int copy_token(const struct phrase *ph, int i, char *dst)
{
    int len, digits = 0;
    const char *s = tok_text(ph, i, &len);
    if (len < 4 || len > TOKEN_MAX_LEN) return -1;
    for (int k = 0; k < len; k++) {
        char c = s[k];
        if (c >= '0' && c <= '9')
            digits++;
        else if (!(c >= 'a' && c <= 'z'))
            return -1;
        dst[k] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
    }
    dst[len] = '\0';
    return digits ? 0 : -1;
}

/* What every step of building an intent reads and writes: the phrase, its intent's row (by
 * kind), the slots its sentence marked, the context, the intent being built and the error. */
struct build {
    const struct phrase *ph;
    enum intent_kind k;
    const struct slots *s;
    const struct parse_ctx *ctx;
    struct intent *it;
    struct parse_error *err;
};

/* A refusal by code (codes.def): -1, with err set. */
static int refuse(struct build *b, enum code code, const char *hint)
{
    set_error(b->err, code, NULL, hint);
    return -1;
}

/* A request is always for the one who asks (language.md): a person named must be the asker.
 * Another is refused, with what the owner can say instead (the person as they were named). */
static int check_self(struct build *b)
{
    for (int i = 0; i < b->ph->tl.n; i++) {
        int c = b->ph->tl.t[i].code;
        if (c != T_PRINC && c != T_ME && c != T_I && c != T_MY) continue;
        if (add_principal(b->ph, i, b->ctx, b->it, b->err)) return -1;
        const char *p = b->it->principals[b->it->n_principals - 1].s;
        if (strcmp(p, b->ctx->actor) != 0) {
            char hint[PARSE_HINT_MAX];
            snprintf(hint, sizeof hint, "%s can ask for it themself; an owner can say: invite %s", p, p);
            b->it->n_principals = 0;
            return refuse(b, C_REQUEST_FOR_OTHER, hint);
        }
    }
    b->it->n_principals = 0; /* the asker is the request's principal, and no key of it */
    return 0;
}

/* The principals, where the row has the key; at least one where it needs them. */
static int read_principals(struct build *b)
{
    if (intent_kind_needs(b->k, N_SELF)) return check_self(b);
    if (!intent_kind_has_key(b->k, K_PRINCIPALS)) return 0;
    for (int i = 0; i < b->ph->tl.n; i++) {
        int c = b->ph->tl.t[i].code;
        if ((c == T_PRINC || c == T_ME || c == T_I || c == T_MY) &&
            add_principal(b->ph, i, b->ctx, b->it, b->err))
            return -1;
    }
    return b->it->n_principals == 0 && intent_kind_needs(b->k, N_PRINCIPALS) ? refuse(b, C_NO_PRINCIPAL, NULL)
                                                                             : 0;
}

/* The sandbox (a cross intent's reader and source), the project and the agent. */
static int read_places(struct build *b)
{
    const struct slots *s = b->s;
    struct intent *it = b->it;
    if (intent_kind_has_key(b->k, K_READER)) {
        if (slot_name(b->ph, s->reader, b->ctx->sandbox, it->sandbox, b->err) ||
            slot_name(b->ph, s->source, b->ctx->sandbox, it->source, b->err))
            return -1;
        if (strcmp(it->sandbox, it->source) == 0) return refuse(b, C_SELF_CROSS, NULL);
    } else if (slot_name(b->ph, s->sandbox, b->ctx->sandbox, it->sandbox, b->err)) {
        return -1;
    }
    if (s->project != SLOT_NONE && copy_name(b->ph, s->project, it->project, b->err)) return -1;
    if (s->agent != SLOT_NONE && copy_name(b->ph, s->agent, it->agent, b->err)) return -1;
    return 0;
}

/* The role: said, implied (promote), or viewer where the row says so; never two, never the
 * owner but as a filter. */
static int read_role(struct build *b)
{
    struct intent *it = b->it;
    it->role = (enum role)(b->s->role ? b->s->role : b->s->role_default);
    if (intent_kind_needs(b->k, N_VIEWER) && it->role == ROLE_NONE) it->role = ROLE_VIEWER;
    if (b->s->roles_said > 1 && intent_kind_needs(b->k, N_ONE_ROLE)) return refuse(b, C_TWO_ROLES, NULL);
    int times = 0;
    for (int i = 0; i < b->ph->tl.n; i++) {
        int c = b->ph->tl.t[i].code;
        times += c == T_DUR || c == T_DAY || c == T_CLOCK;
    }
    if (times > 1) return refuse(b, C_TWO_TIMES, NULL);
    if (it->role == ROLE_OWNER && !intent_kind_needs(b->k, N_OWNER_ROLE))
        return refuse(b, C_OWNER_GRANT, NULL);
    if (intent_kind_needs(b->k, N_ROLE) && it->role == ROLE_NONE) return refuse(b, C_NO_ROLE, NULL);
    return 0;
}

/* The time phrase is of the kind its place wants: a date for `until`, a length for `for`. */
static int check_time(struct build *b)
{
    const struct slots *s = b->s;
    if (s->time_use == TU_NONE || s->time_use == TU_SINCE_THIS) return 0;
    const struct token *t = &b->ph->tl.t[s->time];
    const struct timephrase *tp = &b->ph->tt.p[t->val];
    if (tp->ambiguous) return refuse(b, tp->ambiguous, "write the date as Jan 15 or 2027-01-15");
    if (tp->invalid) return refuse(b, tp->invalid, NULL);
    if (t->code == T_DUR && (s->time_use == TU_EXPIRES_AT || s->time_use == TU_SINCE_DAY))
        return refuse(b, C_WANT_DATE, NULL);
    if (t->code != T_DUR && (s->time_use == TU_EXPIRES_IN || s->time_use == TU_EXTEND_BY ||
                             s->time_use == TU_SINCE_AGO || s->time_use == TU_MAX))
        return refuse(b, C_WANT_DURATION, NULL);
    return 0;
}

/* The instants and lengths: an expiry, an extension, a `since`. */
static int read_time(struct build *b)
{
    const struct slots *s = b->s;
    struct intent *it = b->it;
    const struct timephrase *tp = s->time_use == TU_NONE || s->time_use == TU_SINCE_THIS
                                      ? NULL
                                      : &b->ph->tt.p[b->ph->tl.t[s->time].val];
    switch (s->time_use) {
    case TU_EXPIRES_IN:
        it->has_expires_in = 1;
        it->expires_in = tp->dur;
        it->has_expires_at = 1;
        if (add_duration_checked(b->ctx->now, &tp->dur, 1, &it->expires_at)) {
            set_error(b->err, C_OUT_OF_RANGE, OUT_OF_RANGE_MESSAGE, NULL);
            return -1;
        }
        break;
    case TU_EXPIRES_AT:
        if (resolve_until(tp, b->ph->tl.t[s->time].code == T_CLOCK, b->ctx, &it->expires_at, b->err))
            return -1;
        it->has_expires_at = 1;
        break;
    case TU_EXTEND_BY:
        it->has_extend_by = 1;
        it->extend_by = tp->dur;
        break;
    case TU_MAX: {
        /* A limit is kept as said (P1M stays a month); one that would end after the last
         * instant concierge keeps is refused as an expiry that far would be. */
        int64_t latest;
        it->has_max_duration = 1;
        it->max_duration = tp->dur;
        if (add_duration_checked(b->ctx->now, &tp->dur, 1, &latest)) {
            set_error(b->err, C_OUT_OF_RANGE, OUT_OF_RANGE_MESSAGE, NULL);
            return -1;
        }
        break;
    }
    case TU_SINCE_AGO:
    case TU_SINCE_DAY:
    case TU_SINCE_THIS:
        if (resolve_since(b->ph, s, b->ctx, &it->since, b->err)) return -1;
        it->has_since = 1;
        break;
    case TU_NONE: break;
    }
    if (intent_kind_needs(b->k, N_HOW_LONG) && !it->has_expires_at && !it->has_extend_by && !s->permanent)
        return refuse(b, C_NO_DURATION, NULL);
    /* A policy with neither a length nor "no limit" said would remove the limit: never. */
    if (intent_kind_needs(b->k, N_LIMIT) && !it->has_max_duration && !s->no_limit)
        return refuse(b, C_WANT_DURATION, NULL);
    if (intent_kind_has_key(b->k, K_EXTEND_BY) && it->has_expires_in) {
        /* `extend … for 2 weeks` is the same as `by 2 weeks` (language.md). */
        it->has_extend_by = 1;
        it->extend_by = it->expires_in;
        it->has_expires_in = it->has_expires_at = 0;
    }
    return 0;
}

/* A token that is not one. Where it names a request (approve_request, deny_request) and a
 * bare word stands alone in its place (`approve bob`), the person was meant: bare_name, with
 * the hint `approve @bob's request` (language.md: a bare word is never a principal). */
static int refuse_token(struct build *b)
{
    int len, digits = 0, noun = 0;
    const struct token *t = &b->ph->tl.t[b->s->token];
    const char *w = tok_text(b->ph, b->s->token, &len);
    for (int k = 0; k < len; k++)
        digits += w[k] >= '0' && w[k] <= '9';
    for (int i = 0; i < b->ph->tl.n; i++)
        noun |= b->ph->tl.t[i].code == T_REQUEST || b->ph->tl.t[i].code == T_REQUESTS;
    int about_request = b->k == IK_APPROVE_REQUEST || b->k == IK_DENY_REQUEST;
    if (about_request && t->code == T_WORD && !digits && !noun && len <= NAME_MAX_LEN) {
        int vlen;
        const char *verb = tok_text(b->ph, 0, &vlen);
        char hint[PARSE_HINT_MAX];
        snprintf(hint, sizeof hint, "did you mean: %.*s @%.*s's request", vlen, verb, len, w);
        return refuse(b, C_BARE_NAME, hint);
    }
    if (about_request) {
        set_error(b->err, C_BAD_TOKEN,
                  "a request token has 4 to 8 letters and digits, with at least one digit (R7K2)", NULL);
        return -1;
    }
    return refuse(b, C_BAD_TOKEN, NULL);
}

/* The sharing mode where the row needs one, and a confirmation token. */
static int read_rest(struct build *b)
{
    if (intent_kind_needs(b->k, N_MODE) && b->it->mode == MODE_NONE) return refuse(b, C_NO_MODE, NULL);
    if (b->s->token != SLOT_NONE && copy_token(b->ph, b->s->token, b->it->token)) return refuse_token(b);
    if (b->s->all) snprintf(b->it->token, sizeof b->it->token, "ALL");
    return 0;
}

/* The steps, in order: the first refusal ends the build. */
static int (*const build_steps[])(struct build *) = {
    read_principals, read_places, read_role, check_time, read_time, read_rest,
};

enum parse_status build_intent(const struct phrase *ph, int kind, const struct slots *s,
                               const struct parse_ctx *ctx, struct intent *it, struct parse_error *err)
{
    memset(it, 0, offsetof(struct intent, principals));
    it->kind = (enum intent_kind)kind;
    it->n_principals = 0;
    it->role = ROLE_NONE;
    it->sandbox[0] = it->source[0] = it->project[0] = it->agent[0] = it->token[0] = it->note[0] = '\0';
    it->action = (enum action)s->action;
    it->mode = (enum mode)s->mode;
    it->key = (enum key_kind)s->key;
    it->topic = (enum intent_kind)s->topic;
    it->has_expires_at = it->has_since = it->has_extend_by = it->has_expires_in = it->has_max_duration = 0;
    struct build b = {ph, (enum intent_kind)kind, s, ctx, it, err};
    for (size_t i = 0; i < sizeof build_steps / sizeof build_steps[0]; i++)
        if (build_steps[i](&b)) return err->status;
    return PARSE_OK;
}
