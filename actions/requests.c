/* Access requests (requests.h; lifecycle.md, "Access requests"). */
#include "requests.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../intent/describe.h"
#include "../intent/duration.h"
#include "../intent/timecalc.h"
#include "notices.h"
#include "policy.h"
#include "sweep.h"
#include "token.h"

json_t *requests_json(const struct st_request *q)
{
    return json_pack(
        "{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "token", q->token, "principal", q->principal, "role",
        role_name(q->role), "project", q->project[0] ? json_string(q->project) : json_null(), "expires_at",
        commands_instant_json(q->has_expires_at, q->expires_at), "duration",
        q->duration[0] ? json_string(q->duration) : json_null(), "note",
        q->has_note ? json_string(q->note) : json_null(), "requested_at",
        commands_instant_json(1, q->requested_at), "lapses_at", commands_instant_json(1, q->lapses_at));
}

/* ---- Tokens: R and three letters or digits, their own namespace ------------------------------- */

/* Whether `approve T` and `cancel T` read back as that token (a token the scanner would read
 * as something else is never handed out: the person could not say it back). */
static int reads_back(const char *token)
{
    static const char *const verbs[] = {"approve", "cancel"};
    for (size_t v = 0; v < 2; v++) {
        char phrase[32];
        snprintf(phrase, sizeof phrase, "%s %s", verbs[v], token);
        struct parse_ctx pc = {"@x", "x", 0};
        struct intent it;
        struct parse_error err;
        if (parse_phrase(phrase, strlen(phrase), &pc, &it, &err) != PARSE_OK || strcmp(it.token, token) != 0)
            return 0;
    }
    return 1;
}

static int new_request_token(char out[TOKEN_MAX_LEN + 1]) { return token_make(out, 'R', reads_back); }

/* ---- request_access ------------------------------------------------------------------------------- */

/* The grant a request would give if approved at now: a length counts from approval. */
static int requested_grant(const struct exec_ctx *x, const struct st_request *q, const char *principal,
                           enum role role, const char *project, struct st_grant *g)
{
    memset(g, 0, sizeof *g);
    snprintf(g->principal, sizeof g->principal, "%s", principal);
    g->role = role;
    snprintf(g->project, sizeof g->project, "%s", project);
    snprintf(g->granted_by, sizeof g->granted_by, "%s", x->actor);
    g->granted_at = x->now;
    if (q->duration[0]) {
        struct duration d;
        if (duration_parse_iso(q->duration, &d) || add_duration_checked(x->now, &d, 1, &g->expires_at))
            return -1;
        g->has_expiry = 1;
    } else if (q->has_expires_at) {
        g->has_expiry = 1;
        g->expires_at = q->expires_at;
    }
    return 0;
}

/* The request an intent makes, as it would be kept (no token yet). */
static void request_of(const struct exec_ctx *x, const struct st_sandbox *sb, const struct intent *it,
                       struct st_request *q)
{
    memset(q, 0, sizeof *q);
    q->sandbox_id = sb->id;
    snprintf(q->sandbox, sizeof q->sandbox, "%s", sb->name);
    snprintf(q->principal, sizeof q->principal, "%s", x->actor);
    q->role = it->role == ROLE_NONE ? ROLE_VIEWER : it->role;
    snprintf(q->project, sizeof q->project, "%s", it->project);
    if (it->has_expires_in)
        duration_iso(&it->expires_in, q->duration, sizeof q->duration);
    else if (it->has_expires_at)
        q->has_expires_at = 1, q->expires_at = it->expires_at;
    q->has_note = it->note[0] != '\0';
    snprintf(q->note, sizeof q->note, "%s", it->note);
    q->requested_at = x->now;
    q->lapses_at = x->now + REQUEST_LIFETIME;
}

/* What every door of a request checks: not the owner's, a project that exists, within the
 * policy (lifecycle.md: a request the policy would refuse is rejected now, with a hint). */
static int request_allowed(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it,
                           const struct st_request *q, struct reply *r)
{
    if (strcmp(x->actor, sb->owner) == 0) {
        reply_fail(r, C_ALREADY_OWNER, "you own sandbox %s: there is no access to ask for", sb->name);
        return -1;
    }
    if (it->project[0]) {
        int e = store_thing_exists(x->store, sb->id, "project", it->project);
        if (e < 0) return commands_store_fail(x, r);
        if (!e) {
            struct text why = TEXT_INIT;
            commands_project_not_found(x->store, sb, it->project, &why);
            reply_fail(r, C_PROJECT_NOT_FOUND, "%s", why.s);
            text_free(&why);
            return -1;
        }
    }
    struct st_grant g;
    if (requested_grant(x, q, x->actor, q->role, q->project, &g)) {
        reply_fail(r, C_OUT_OF_RANGE, "%s: nothing was asked", OUT_OF_RANGE_MESSAGE);
        return -1;
    }
    return policy_check_grant(x, sb, it, &g, r);
}

int request_check(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it, struct reply *r)
{
    struct st_request q;
    request_of(x, sb, it, &q);
    if (request_allowed(x, sb, it, &q, r)) return -1;
    reply_summary(r, "%s", "");
    describe_intent(it, &r->summary);
    return 0;
}

int request_run(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it, struct reply *r,
                struct audit_texts *au)
{
    struct st_request q;
    request_of(x, sb, it, &q);
    if (request_allowed(x, sb, it, &q, r)) return 0; /* r says why; nothing written */
    char replaced[TOKEN_MAX_LEN + 1] = "";
    enum store_status st = STORE_EXISTS;
    for (int attempt = 0; st == STORE_EXISTS && attempt < 8; attempt++) {
        if (new_request_token(q.token)) {
            reply_fail(r, C_NO_RANDOMNESS, "no random bytes for a request token");
            return 0;
        }
        st = store_request_put(x->store, &q, replaced, sizeof replaced);
    }
    if (st != STORE_OK) return commands_store_fail(x, r);
    /* What it replaces is what was there before (the audit event's, and the owner's Slack
     * message of it is updated to say so: notices.c). */
    if (replaced[0]) {
        struct st_request was;
        if (store_request_find(x->store, replaced, &was) != STORE_OK) return commands_store_fail(x, r);
        json_t *w = requests_json(&was);
        char *before = w ? json_dumps(w, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
        json_decref(w);
        if (!before) return commands_store_fail(x, r);
        text_puts(&au->before, before);
        free(before);
    }
    /* The event's subject is the one who asks (a request names no one else). */
    json_t *subject = json_pack("[s]", x->actor);
    char *subjects = subject ? json_dumps(subject, JSON_COMPACT) : NULL;
    json_decref(subject);
    if (!subjects) return commands_store_fail(x, r);
    text_puts(&au->subjects, subjects);
    free(subjects);
    json_t *o = requests_json(&q);
    char *after = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    if (after) text_puts(&au->after, after);
    free(after);
    r->result = o ? json_pack("{s:o}", "request", o) : NULL;
    if (!r->result) return commands_store_fail(x, r);
    reply_summary(r, "Asked %s, the owner of sandbox %s, for %s access", sb->owner, sb->name,
                  role_name(q.role));
    if (q.project[0]) reply_append(r, " to project %s", q.project);
    if (q.duration[0]) {
        reply_append(r, " for ");
        describe_duration(&it->expires_in, &r->summary);
        reply_append(r, " from approval");
    } else if (q.has_expires_at) {
        char when[64];
        describe_until(q.expires_at, when, sizeof when);
        reply_append(r, " until %s", when);
    }
    reply_append(r, ": request %s", q.token);
    if (replaced[0]) reply_append(r, ", which replaces your request %s", replaced);
    reply_append(r, " (to withdraw it, say: cancel %s).", q.token);
    return 0;
}

/* ---- approve_request and deny_request -------------------------------------------------------------- */

struct waiting_of {
    int n;
    struct st_request first;
    struct text tokens;
};

static int one_waiting(void *ctx, const struct st_request *q)
{
    struct waiting_of *w = ctx;
    if (w->n++ == 0) w->first = *q;
    text_printf(&w->tokens, "%s%s", w->n > 1 ? ", " : "", q->token);
    return 0;
}

/* The waiting request an answer is about, by its token or its requester in this sandbox: 0
 * with *q, or -1 with r set (request_not_found, ambiguous_request, a store failure). */
static int resolve(struct exec_ctx *x, const struct st_sandbox *sb, const struct intent *it,
                   struct st_request *q, struct reply *r)
{
    if (it->token[0]) {
        enum store_status st = store_request_find(x->store, it->token, q);
        if (st == STORE_ERROR) return commands_store_fail(x, r);
        if (st == STORE_NOT_FOUND || q->sandbox_id != sb->id || strcmp(q->state, "waiting") != 0 ||
            q->lapses_at <= x->now || (it->n_principals && strcmp(it->principals[0].s, q->principal) != 0)) {
            reply_fail(
                r, C_REQUEST_NOT_FOUND,
                "no request %s is waiting in sandbox %s: it was answered, withdrawn, replaced or lapsed",
                it->token, sb->name);
            return -1;
        }
        return 0;
    }
    struct waiting_of w = {.tokens = TEXT_INIT};
    const char *who = it->n_principals ? it->principals[0].s : NULL;
    if (store_request_each(x->store, sb->id, who, x->now, one_waiting, &w) != STORE_OK) {
        text_free(&w.tokens);
        return commands_store_fail(x, r);
    }
    int rc = 0;
    if (w.n == 0) {
        reply_fail(r, C_REQUEST_NOT_FOUND, "no request of %s is waiting in sandbox %s", who ? who : "anyone",
                   sb->name);
        rc = -1;
    } else if (w.n > 1) {
        reply_fail(r, C_AMBIGUOUS_REQUEST, "%d requests%s%s are waiting in sandbox %s: %s; say which (%s %s)",
                   w.n, who ? " of " : "", who ? who : "", sb->name, w.tokens.s,
                   it->kind == IK_APPROVE_REQUEST ? "approve" : "deny", w.first.token);
        rc = -1;
    } else {
        *q = w.first;
    }
    text_free(&w.tokens);
    return rc;
}

/* The request as the answer will act on it, with the token and its requester put in the
 * intent (a pending answer is confirmed by that token, whoever else asks meanwhile). For an
 * approval: a date that has passed, and the policy at now, as an invite would meet them. */
static int answer_check(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it,
                        struct st_request *q, struct st_grant *g, struct reply *r)
{
    if (resolve(x, sb, it, q, r)) return -1;
    snprintf(it->token, sizeof it->token, "%s", q->token);
    it->n_principals = 1;
    snprintf(it->principals[0].s, sizeof it->principals[0].s, "%s", q->principal);
    if (it->kind != IK_APPROVE_REQUEST) return 0;
    if (q->has_expires_at && q->expires_at <= x->now) {
        char when[64];
        describe_until(q->expires_at, when, sizeof when);
        reply_fail(r, C_REQUEST_DATE_PASSED,
                   "%s asked for access until %s, which has passed: nothing was granted", q->principal, when);
        return -1;
    }
    if (q->project[0] && store_thing_exists(x->store, sb->id, "project", q->project) != 1) {
        struct text why = TEXT_INIT;
        commands_project_not_found(x->store, sb, q->project, &why);
        reply_fail(r, C_PROJECT_NOT_FOUND, "%s", why.s);
        text_free(&why);
        return -1;
    }
    if (requested_grant(x, q, q->principal, q->role, q->project, g)) {
        reply_fail(r, C_OUT_OF_RANGE, "%s: nothing was granted", OUT_OF_RANGE_MESSAGE);
        return -1;
    }
    return policy_check_grant(x, sb, it, g, r);
}

static void grant_words(const struct st_grant *g, struct reply *r)
{
    reply_append(r, "%s access, %s%s", role_name(g->role), g->project[0] ? "project " : "sandbox-wide",
                 g->project);
    if (g->has_expiry) {
        char when[64];
        describe_until(g->expires_at, when, sizeof when);
        reply_append(r, ", until %s", when);
    } else {
        reply_append(r, ", with no expiry");
    }
}

int approve_request_check(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it, struct reply *r)
{
    struct st_request q;
    struct st_grant g;
    if (answer_check(x, sb, it, &q, &g, r)) return -1;
    reply_summary(r, "Approve %s's request %s in sandbox %s: give ", q.principal, q.token, sb->name);
    grant_words(&g, r);
    if (q.duration[0]) reply_append(r, " (a length counted from approval)");
    reply_append(r, ".");
    return 0;
}

int deny_request_check(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it, struct reply *r)
{
    struct st_request q;
    struct st_grant g;
    if (answer_check(x, sb, it, &q, &g, r)) return -1;
    reply_summary(r, "Deny %s's request %s in sandbox %s (%s access)", q.principal, q.token, sb->name,
                  role_name(q.role));
    if (it->note[0]) reply_append(r, ", saying: %s", it->note);
    reply_append(r, ".");
    return 0;
}

/* The answer, in the change's transaction: the request answered once (another server's answer
 * a moment before wins, and this one says so), and for an approval the grant. */
static int answer_run(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it, struct reply *r,
                      struct audit_texts *au)
{
    struct st_request q;
    struct st_grant g, before;
    if (answer_check(x, sb, it, &q, &g, r)) return 0;
    int approve = it->kind == IK_APPROVE_REQUEST;
    enum store_status st =
        store_request_answer(x->store, q.id, approve ? "approved" : "denied", x->actor, x->now);
    if (st == STORE_NOT_FOUND) {
        reply_fail(r, C_REQUEST_NOT_FOUND, "request %s was answered a moment ago: nothing more was done",
                   q.token);
        return 0;
    }
    if (st != STORE_OK) return commands_store_fail(x, r);
    json_t *req = requests_json(&q), *grants = json_array();
    if (approve) {
        st = store_grant_find(x->store, sb->id, q.principal, q.project, &before);
        if (st == STORE_ERROR || store_grant_put(x->store, sb->id, &g) != STORE_OK) {
            json_decref(req);
            json_decref(grants);
            return commands_store_fail(x, r);
        }
        if (st == STORE_OK) {
            json_t *b = commands_grant_json(&before);
            char *bt = b ? json_dumps(b, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
            if (bt) text_printf(&au->before, "[%s]", bt);
            free(bt);
            json_decref(b);
        }
        json_array_append_new(grants, commands_grant_json(&g));
        char *at = json_dumps(grants, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (at) text_puts(&au->after, at);
        free(at);
        reply_summary(r, "Approved %s's request %s: %s now has ", q.principal, q.token, q.principal);
        grant_words(&g, r);
        reply_append(r, " in sandbox %s.", sb->name);
    } else {
        reply_summary(r, "Denied %s's request %s in sandbox %s%s%s.", q.principal, q.token, sb->name,
                      it->note[0] ? ", saying: " : "", it->note);
    }
    r->result = json_pack("{s:o, s:o, s:s*}", "request", req, "grants", grants, "reason",
                          it->note[0] ? it->note : NULL);
    return r->result ? 0 : commands_store_fail(x, r);
}

int approve_request_run(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it, struct reply *r,
                        struct audit_texts *au)
{
    return answer_run(x, sb, it, r, au);
}

int deny_request_run(struct exec_ctx *x, const struct st_sandbox *sb, struct intent *it, struct reply *r,
                     struct audit_texts *au)
{
    return answer_run(x, sb, it, r, au);
}

/* ---- Withdrawal, lapse, the lists ----------------------------------------------------------------- */

/* An event in the request's sandbox log, written in the open transaction. */
static enum store_status request_event(struct store *s, const struct st_request *q, const char *actor,
                                       const char *intent, const char *summary, int64_t at, int64_t *event_id)
{
    json_t *subjects = json_pack("[s]", q->principal), *req = requests_json(q);
    char *sj = subjects ? json_dumps(subjects, JSON_COMPACT) : NULL;
    char *rj = req ? json_dumps(req, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    struct st_event e = {.at = at, .outcome = "done", .subjects = sj, .summary = summary, .before = rj};
    snprintf(e.actor, sizeof e.actor, "%s", actor);
    snprintf(e.intent, sizeof e.intent, "%s", intent);
    enum store_status st = sj && rj ? store_audit_append(s, q->sandbox_id, &e, event_id) : STORE_ERROR;
    free(sj);
    free(rj);
    json_decref(subjects);
    json_decref(req);
    return st;
}

void requests_withdraw(struct exec_ctx *x, const char *token, struct reply *r)
{
    struct st_request q;
    if (store_begin(x->store) != STORE_OK) {
        commands_store_fail(x, r);
        return;
    }
    enum store_status st = store_request_find(x->store, token, &q);
    /* Another person's request is not found, exactly like one that never was. */
    if (st == STORE_OK &&
        (strcmp(q.principal, x->actor) != 0 || strcmp(q.state, "waiting") != 0 || q.lapses_at <= x->now))
        st = STORE_NOT_FOUND;
    if (st == STORE_OK) st = store_lock_sandbox(x->store, q.sandbox_id);
    if (st == STORE_OK) st = store_request_answer(x->store, q.id, "withdrawn", x->actor, x->now);
    char summary[400];
    snprintf(summary, sizeof summary, "Withdrew request %s (%s access to sandbox %s).", token,
             role_name(q.role), q.sandbox);
    if (st == STORE_OK) st = request_event(x->store, &q, x->actor, "cancel", summary, x->now, NULL);
    if (st == STORE_OK) st = store_commit(x->store);
    if (st != STORE_OK) store_rollback(x->store);
    if (st == STORE_NOT_FOUND) {
        reply_fail(r, C_REQUEST_NOT_FOUND, "no request %s of yours is waiting: nothing was changed", token);
    } else if (st != STORE_OK) {
        commands_store_fail(x, r);
    } else {
        r->status = RS_DONE;
        reply_summary(r, "%s", summary);
    }
}

struct lapsing {
    struct st_request *items;
    size_t n;
    int oom;
};

static int take_lapsing(void *ctx, const struct st_request *q)
{
    struct lapsing *l = ctx;
    struct st_request *items = realloc(l->items, (l->n + 1) * sizeof *items);
    if (!items) {
        l->oom = 1;
        return 1;
    }
    l->items = items;
    l->items[l->n++] = *q;
    return 0;
}

int requests_lapse(struct store *s, int64_t now, int *lapsed, char *why, size_t why_size)
{
    *lapsed = 0;
    struct lapsing l = {0};
    if (store_request_lapsed_each(s, now, take_lapsing, &l) != STORE_OK || l.oom) {
        snprintf(why, why_size, "%s", l.oom ? "out of memory" : store_errmsg(s));
        free(l.items);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < l.n && rc == 0; i++) {
        /* Each in a transaction of its own, its sandbox held: an answer a moment before wins. */
        const struct st_request *q = &l.items[i];
        char summary[400], text[600], dedup[NOTICE_DEDUP_MAX + 1];
        snprintf(summary, sizeof summary, "Request %s of %s (%s access) lapsed unanswered after 7 days.",
                 q->token, q->principal, role_name(q->role));
        snprintf(
            text, sizeof text,
            "Your request %s for %s access to sandbox %s lapsed: nobody answered it in 7 days. To ask again, "
            "say: request %s access to %s",
            q->token, role_name(q->role), q->sandbox, role_name(q->role), q->sandbox);
        int64_t event = 0;
        enum store_status st = store_begin(s);
        if (st == STORE_OK) st = store_lock_sandbox(s, q->sandbox_id);
        if (st == STORE_OK) st = store_request_answer(s, q->id, "lapsed", SWEEP_ACTOR, now);
        if (st == STORE_OK) st = request_event(s, q, SWEEP_ACTOR, "lapsed", summary, q->lapses_at, &event);
        snprintf(dedup, sizeof dedup, "e%lld:%s", (long long)event, q->principal);
        if (st == STORE_OK && notice_write(s, q->sandbox_id, q->principal, NK_LAPSED, q->lapses_at, event,
                                           text, NULL, dedup, now))
            st = STORE_ERROR;
        if (st == STORE_OK) st = store_commit(s);
        if (st != STORE_OK) store_rollback(s);
        if (st == STORE_OK)
            ++*lapsed;
        else if (st != STORE_NOT_FOUND) {
            snprintf(why, why_size, "%s", store_errmsg(s));
            rc = -1;
        }
    }
    free(l.items);
    return rc;
}

int requests_sandbox_of(struct store *s, const char *token, char *sandbox, size_t size)
{
    struct st_request q;
    enum store_status st = store_request_find(s, token, &q);
    if (st == STORE_ERROR) return -1;
    if (st == STORE_NOT_FOUND || strlen(q.sandbox) >= size) return 1;
    memcpy(sandbox, q.sandbox, strlen(q.sandbox) + 1);
    return 0;
}

static int list_one(void *ctx, const struct st_request *q)
{
    json_t *o = requests_json(q);
    return !o || json_array_append_new(ctx, o);
}

int requests_lists(struct exec_ctx *x, const struct st_sandbox *sb, json_t *result)
{
    json_t *waiting = json_array(), *mine = json_array();
    int ok = waiting && mine;
    /* The requests waiting for the actor as owner; a non-owner sees only their own. */
    if (ok && strcmp(x->actor, sb->owner) == 0)
        ok = store_request_each(x->store, sb->id, NULL, x->now, list_one, waiting) == STORE_OK;
    if (ok) ok = store_request_each(x->store, sb->id, x->actor, x->now, list_one, mine) == STORE_OK;
    if (ok)
        ok = !json_object_set(result, "requests", waiting) && !json_object_set(result, "my_requests", mine);
    json_decref(waiting);
    json_decref(mine);
    return ok ? 0 : -1;
}
