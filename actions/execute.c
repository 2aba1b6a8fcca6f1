/* The dispatcher (execute.h). What every intent shares happens here, by the flags of its
 * row in the command table (commands.c); a handler holds only its own logic. */
#include "execute.h"

#include <stdio.h>
#include <string.h>

#include "../intent/describe.h"
#include "../intent/intent_json.h"
#include "../intent/timecalc.h"
#include "authorise.h"
#include "commands.h"
#include "notices.h"
#include "requests.h"
#include "sweep.h"
#include "token.h"

static void store_failed(struct exec_ctx *x, struct reply *r)
{
    reply_fail(r, C_STORE_ERROR, "the access store failed: %s", store_errmsg(x->store));
}

/* Whether `confirm TOKEN` reads back as the confirmation of exactly that token: a token the
 * scanner would read as something else (`36AM` is a clock time, `5D` a length of time) is
 * never handed out, since the person could not say it back. */
static int token_reads_back(const char *token)
{
    char phrase[32];
    snprintf(phrase, sizeof phrase, "confirm %s", token);
    struct parse_ctx pc = {"@x", "x", 0};
    struct intent it;
    struct parse_error err;
    return parse_phrase(phrase, strlen(phrase), &pc, &it, &err) == PARSE_OK && it.kind == IK_CONFIRM &&
           strcmp(it.token, token) == 0;
}

/* A confirmation token (token.h): it never begins with R, a request's. */
static int new_token(char out[TOKEN_MAX_LEN + 1]) { return token_make(out, 0, token_reads_back); }

/* A write transaction: a new one, or the one already open (x->in_tx), which the change then
 * joins; its commit or rollback ends it either way. */
static enum store_status tx_begin(struct exec_ctx *x)
{
    if (x->in_tx) return STORE_OK;
    enum store_status st = store_begin(x->store);
    x->in_tx = st == STORE_OK;
    return st;
}

static enum store_status tx_commit(struct exec_ctx *x)
{
    x->in_tx = 0;
    return store_commit(x->store);
}

static void tx_rollback(struct exec_ctx *x)
{
    x->in_tx = 0;
    store_rollback(x->store);
}

/* Audits a denial in its own transaction (or in a confirmation's, whose token it then spends):
 * nothing else changes. A denial that cannot be recorded is an error, not a quiet denial
 * (nothing unaudited). */
static void audit_denial(struct exec_ctx *x, const struct st_sandbox *sb, const struct intent *it,
                         struct reply *r)
{
    struct text subjects = TEXT_INIT;
    commands_subjects_json(it, &subjects);
    struct st_event e;
    commands_event(&e, x, it, "denied", r->summary.s, subjects.s);
    int ok = !text_failed(&subjects) && tx_begin(x) == STORE_OK;
    if (ok && (store_audit_append(x->store, sb->id, &e, NULL) != STORE_OK || tx_commit(x) != STORE_OK)) {
        tx_rollback(x);
        ok = 0;
    }
    text_free(&subjects);
    if (!ok)
        reply_fail(r, C_STORE_ERROR, "the denial could not be recorded in the audit log: %s",
                   store_errmsg(x->store));
}

/* Runs a change in one transaction with its audit event. */
static void change_in_transaction(struct exec_ctx *x, const struct command *cmd, const struct st_sandbox *sb,
                                  struct intent *it, struct reply *r)
{
    if (tx_begin(x) != STORE_OK || store_lock_sandbox(x->store, sb->id) != STORE_OK) {
        tx_rollback(x);
        store_failed(x, r);
        return;
    }
    /* What the change touches may have expired with its expiry not recorded yet (the sweeper
     * runs once a minute, or was down): that is recorded first, in this transaction
     * (lifecycle.md), so that a re-invite, an extension, a role change or a revoke never
     * writes over an expiry that has no event. The one place for every change. */
    if (sweep_before_change(x->store, sb, it, x->now)) {
        store_rollback(x->store);
        store_failed(x, r);
        return;
    }
    struct audit_texts au = {TEXT_INIT, TEXT_INIT, TEXT_INIT};
    if (cmd->run(x, sb, it, r, &au) != 0 || r->status != RS_DONE) {
        tx_rollback(x);
        if (r->status == RS_DONE) store_failed(x, r);
        goto out;
    }
    /* The handler may have said the subjects (a cross grant's sandbox) and what was before. */
    if (!au.subjects.len) commands_subjects_json(it, &au.subjects);
    if (text_failed(&au.subjects) || text_failed(&au.before) || text_failed(&au.after) ||
        text_failed(&r->summary)) {
        tx_rollback(x);
        reply_fail(r, C_OUT_OF_MEMORY, "out of memory: nothing was changed");
        goto out;
    }
    struct st_event e;
    commands_event(&e, x, it, "done", r->summary.s, au.subjects.s);
    e.before = au.before.s;
    e.after = au.after.s;
    /* Who is told, in the same transaction (lifecycle.md: a transactional outbox). */
    int64_t event_id = 0;
    if (store_audit_append(x->store, sb->id, &e, &event_id) != STORE_OK ||
        notices_for_change(x->store, sb, it->kind, x->actor, au.before.s, r->result, event_id, x->now) ||
        tx_commit(x) != STORE_OK) {
        tx_rollback(x);
        store_failed(x, r);
    }
out:
    text_free(&au.subjects);
    text_free(&au.before);
    text_free(&au.after);
}

/* The change, then the handler's part outside the store. */
static void run_change(struct exec_ctx *x, const struct command *cmd, const struct st_sandbox *sb,
                       struct intent *it, struct reply *r)
{
    x->after = NULL;
    change_in_transaction(x, cmd, sb, it, r);
    void (*after)(struct exec_ctx *, int, struct reply *) = x->after;
    x->after = NULL;
    if (after) after(x, r->status == RS_DONE, r);
}

/* How long a used token is remembered, to tell its asker it was used. */
#define USED_TOKEN_KEPT (24 * 3600)

/* The tokens of the actor's changes waiting in this conversation, "A, B and C". */
struct waiting {
    int n;
    char last[TOKEN_MAX_LEN + 1];
    struct text tokens;
};

static int add_waiting(void *ctx, const struct st_pending *p)
{
    struct waiting *w = ctx;
    text_printf(&w->tokens, "%s%s", w->n ? ", " : "", p->token);
    snprintf(w->last, sizeof w->last, "%s", p->token);
    w->n++;
    return 0;
}

static int waiting_of(struct exec_ctx *x, struct waiting *w)
{
    w->n = 0;
    w->last[0] = '\0';
    text_init(&w->tokens);
    if (store_pending_each(x->store, x->actor, x->conversation, x->now, add_waiting, w) != STORE_OK ||
        text_failed(&w->tokens)) {
        text_free(&w->tokens);
        return -1;
    }
    return 0;
}

/* What a change would touch, as it is now: the grants its principals hold in the sandbox.
 * Kept with a pending change and looked at again when it is confirmed (lifecycle.md: a
 * change whose ground moved is described afresh, never carried out blind). */
static int seen_grant(void *ctx, const struct st_grant *g)
{
    text_printf(ctx, "%s|%s|%s|%lld;", g->principal, g->project, role_name(g->role),
                g->has_expiry ? (long long)g->expires_at : -1LL);
    return 0;
}

static int grants_seen(struct exec_ctx *x, int64_t sandbox_id, const struct intent *it, struct text *out)
{
    for (int i = 0; i < it->n_principals; i++)
        if (store_grant_each(x->store, sandbox_id, it->principals[i].s, seen_grant, out) != STORE_OK)
            return -1;
    return text_failed(out) ? -1 : 0;
}

/* Keeps a change pending under a new token. The intent is kept with the duration it came
 * from, so that confirming recomputes the expiry from that moment. */
static void keep_pending(struct exec_ctx *x, const struct st_sandbox *sb, const struct intent *it,
                         struct reply *r)
{
    struct st_pending p;
    memset(&p, 0, sizeof p);
    snprintf(p.actor, sizeof p.actor, "%s", x->actor);
    snprintf(p.conversation, sizeof p.conversation, "%s", x->conversation ? x->conversation : "");
    snprintf(p.sandbox, sizeof p.sandbox, "%s", sb->name);
    char ij[INTENT_JSON_MAX], dur[64] = "";
    if (intent_write_json(it, ij, sizeof ij) < 0) {
        reply_fail(r, C_PENDING_TOO_LARGE, "the change is too large to keep pending");
        return;
    }
    if (it->has_expires_in) duration_iso(&it->expires_in, dur, sizeof dur);
    struct text seen = TEXT_INIT;
    if (grants_seen(x, sb->id, it, &seen)) {
        text_free(&seen);
        store_failed(x, r);
        return;
    }
    json_t *seen_json = json_string(seen.s);
    char *seen_text = seen_json ? json_dumps(seen_json, JSON_ENCODE_ANY) : NULL;
    json_decref(seen_json);
    text_free(&seen);
    int n = snprintf(p.intent_json, sizeof p.intent_json, "{\"intent\":%s,\"expires_in\":%s%s%s,\"seen\":%s}",
                     ij, dur[0] ? "\"" : "", dur[0] ? dur : "null", dur[0] ? "\"" : "",
                     seen_text ? seen_text : "null");
    free(seen_text);
    if (n < 0 || (size_t)n >= sizeof p.intent_json) {
        reply_fail(r, C_PENDING_TOO_LARGE, "the change is too large to keep pending");
        return;
    }
    p.created_at = x->now;
    p.expires_at = x->now + PENDING_LIFETIME;
    /* One transaction (one sync, and in the writers' queue rather than SQLite's busy wait):
     * lapsed changes are forgotten when a new one is kept (a read-only command never writes),
     * and the new one is kept beside the others waiting (lifecycle.md: they accumulate). */
    if (tx_begin(x) != STORE_OK) {
        store_failed(x, r);
        return;
    }
    enum store_status st = store_pending_purge(x->store, x->now);
    for (int attempt = 0; st == STORE_OK && attempt < 8; attempt++) {
        if (new_token(p.token)) {
            tx_rollback(x);
            reply_fail(r, C_NO_RANDOMNESS, "no random bytes for a confirmation token");
            return;
        }
        st = store_pending_put(x->store, &p);
        if (st == STORE_OK) break;
        if (st == STORE_EXISTS) st = STORE_OK, p.token[0] = '\0'; /* taken: another token */
    }
    if (st != STORE_OK || !p.token[0]) {
        tx_rollback(x);
        store_failed(x, r);
        return;
    }
    if (tx_commit(x) != STORE_OK) {
        store_failed(x, r);
        return;
    }
    memcpy(r->token, p.token, sizeof r->token);
    r->status = RS_NEEDS_CONFIRMATION;
    r->step_at = r->summary.len;
    reply_append(r, " To carry it out, say: confirm %s", p.token);
    r->step_end = r->summary.len;
    /* The reply says how many are waiting, and which (lifecycle.md). */
    struct waiting w;
    if (waiting_of(x, &w) == 0) {
        if (w.n > 1) reply_append(r, ". %d changes wait for your confirmation here: %s.", w.n, w.tokens.s);
        text_free(&w.tokens);
    }
}

int exec_find_sandbox(struct exec_ctx *x, const char *name, struct st_sandbox *sb, struct reply *r)
{
    enum store_status st = store_sandbox_find(x->store, name, sb);
    enum relation rel = REL_STRANGER;
    if (st == STORE_ERROR || (st == STORE_OK && relation_of(x->store, sb, x->actor, x->now, &rel))) {
        store_failed(x, r);
        return -1;
    }
    if (st == STORE_NOT_FOUND || rel == REL_STRANGER ||
        (x->workspace_id && sb->workspace_id != x->workspace_id)) {
        reply_fail(r, C_SANDBOX_NOT_FOUND, "sandbox \"%s\" not found", name);
        return -1;
    }
    return 0;
}

/* Does a carried-out intent of this kind make a secret (a key's, shown this once; a sign-in
 * link)? */
static int makes_secret(enum intent_kind k)
{
    return k != IK_NONE && (intent_kind_result(k) == R_KEYS || intent_kind_result(k) == R_LINK);
}

/* Everything after parsing, for an intent on the actor's behalf. */
static void execute_intent(struct exec_ctx *x, struct intent *it, int confirmed, struct reply *r)
{
    const struct command *cmd = command_for(it->kind);
    r->has_intent = 1;
    r->it = *it;
    if (!cmd) {
        reply_fail(r, C_NOT_SUPPORTED,
                   "%s is understood, but cannot be carried out by this version of concierge yet",
                   intent_kind_name(it->kind));
        return;
    }
    /* A request token names its sandbox (lifecycle.md): an answer by token needs no channel
     * map, and acts where the request is, wherever it is said. */
    if ((it->kind == IK_APPROVE_REQUEST || it->kind == IK_DENY_REQUEST) && it->token[0]) {
        int rc = requests_sandbox_of(x->store, it->token, it->sandbox, sizeof it->sandbox);
        if (rc < 0) {
            store_failed(x, r);
            return;
        }
        /* Only its sandbox's owner is told it is there (lifecycle.md: anyone else clicking its
         * buttons hears what a stranger would). */
        struct st_sandbox owner_of;
        if (rc == 0 && store_sandbox_find(x->store, it->sandbox, &owner_of) == STORE_OK &&
            strcmp(owner_of.owner, x->actor) != 0)
            rc = 1;
        if (rc > 0) {
            reply_fail(r, C_REQUEST_NOT_FOUND, "no request %s is waiting for your answer", it->token);
            return;
        }
        r->it = *it;
    }
    /* 0. No current sandbox (a Slack DM whose team has none mapped) and none named: ask which.
     *    help alone needs none: it is about the language, not a sandbox. */
    struct st_sandbox sb;
    if (!it->sandbox[0] || (intent_kind_has_key(it->kind, K_SOURCE) && !it->source[0])) {
        if (intent_kind_has_key(it->kind, K_SANDBOX) || intent_kind_has_key(it->kind, K_READER) ||
            intent_kind_mutates(it->kind)) {
            reply_fail(r, C_WHICH_SANDBOX, NULL);
            return;
        }
        memset(&sb, 0, sizeof sb);
        r->status = RS_DONE;
        if (cmd->run(x, &sb, it, r, NULL) != 0 && r->status == RS_DONE) store_failed(x, r);
        return;
    }
    /* 1. The actor is authorised on the sandbox before any name is resolved: a stranger
     *    hears exactly what a missing sandbox would say. */
    if (exec_find_sandbox(x, it->sandbox, &sb, r)) return;
    /* 2. The intent itself. */
    struct decision d;
    if (authorise_intent(x->store, &sb, x->actor, it, x->now, &d)) {
        store_failed(x, r);
        return;
    }
    if (!d.allow) {
        reply_fail(r, C_DENIED, "denied: %s (rule %s)", d.reason, d.rule);
        snprintf(r->rule, sizeof r->rule, "%s", d.rule);
        audit_denial(x, &sb, it, r);
        return;
    }
    /* A key's secret is shown once: never made where the reply cannot show it. */
    if (x->secrets_hidden && makes_secret(it->kind)) {
        if (it->kind == IK_SIGN_IN)
            reply_fail(r, C_SECRET_NOT_HERE,
                       "a sign-in link is never posted here, where it would stay: ask with the slash command "
                       "(`/concierge open the web page`), whose reply is shown only to you");
        else
            reply_fail(r, C_SECRET_NOT_HERE, NULL);
        return;
    }
    /* 3. Resolve and describe. */
    if (cmd->check(x, &sb, it, r) != 0) {
        /* A denial found while resolving (the source of a cross grant) is audited too. */
        if (r->status == RS_DENIED) audit_denial(x, &sb, it, r);
        return;
    }
    r->it = *it; /* as resolved: `make @bob an editor` may have become his one project's grant */
    if (!intent_kind_mutates(it->kind)) {
        /* Read-only intents run at once; their handler fills the result. */
        r->status = RS_DONE;
        if (cmd->run(x, &sb, it, r, NULL) != 0 && r->status == RS_DONE) store_failed(x, r);
        return;
    }
    /* 4. Confirm — all but a request, which changes nothing but the request list (access.md,
     *    step 4; lifecycle.md): the owner's answer is what is confirmed. */
    if (!confirmed && !x->yes && it->kind != IK_REQUEST_ACCESS) {
        if (!x->ask) {
            keep_pending(x, &sb, it, r);
            return;
        }
        if (!x->ask(x->ask_arg, r->summary.s)) {
            reply_fail(r, C_CANCELLED, "cancelled: nothing was changed");
            return;
        }
    }
    /* 5. Execute, with the audit event, in one transaction. */
    r->status = RS_DONE;
    run_change(x, cmd, &sb, it, r);
    /* interfaces.md gives a result to share_agent alone among the changes (its row's RESULT):
     * the others' details are in the summary and the audit log. */
    if (intent_kind_result(it->kind) == R_NONE) {
        json_decref(r->result);
        r->result = NULL;
    }
}

/* 1 when what the pending change would touch is not what it was when described, 0 when it
 * is (or nothing was recorded: a change kept by an older version), -1 on a store failure. */
static int changed_since(struct exec_ctx *x, const struct intent *it, const char *seen_then)
{
    if (!seen_then) return 0;
    struct st_sandbox sb;
    enum store_status st = store_sandbox_find(x->store, it->sandbox, &sb);
    if (st == STORE_NOT_FOUND) return 1;
    if (st != STORE_OK) return -1;
    struct text now = TEXT_INIT;
    int rc = grants_seen(x, sb.id, it, &now);
    if (rc == 0) rc = strcmp(now.s, seen_then) != 0;
    text_free(&now);
    return rc;
}

/* cancel all: every change of the actor's waiting in this conversation, at once. */
static int take_waiting(void *ctx, const struct st_pending *p)
{
    json_array_append_new(ctx, json_string(p->token));
    return 0;
}

static void cancel_all(struct exec_ctx *x, struct reply *r)
{
    json_t *tokens = json_array();
    if (!tokens || store_begin(x->store) != STORE_OK) {
        json_decref(tokens);
        store_failed(x, r);
        return;
    }
    enum store_status st =
        store_pending_each(x->store, x->actor, x->conversation, x->now, take_waiting, tokens);
    size_t i;
    json_t *t;
    struct st_pending *p = malloc(sizeof *p);
    if (!p) st = STORE_ERROR;
    json_array_foreach(tokens, i, t) if (st == STORE_OK) st =
        store_pending_take(x->store, json_string_value(t), p);
    free(p);
    if (st != STORE_OK || store_commit(x->store) != STORE_OK) {
        store_rollback(x->store);
        json_decref(tokens);
        store_failed(x, r);
        return;
    }
    size_t n = json_array_size(tokens);
    reply_summary(r, "cancelled %zu change%s", n, n == 1 ? "" : "s");
    json_array_foreach(tokens, i, t) reply_part(r, i ? ", " : ": ", "%s", json_string_value(t));
    reply_append(r, "; nothing was changed");
    r->status = RS_CANCELLED;
    r->code = C_CANCELLED;
    r->result = json_pack("{s:o}", "cancelled", tokens);
}

/* The kind of a pending change (IK_NONE when it cannot be read: confirming it says so). */
static enum intent_kind pending_kind(const struct st_pending *p)
{
    json_t *o = json_loads(p->intent_json, 0, NULL);
    const char *name = json_string_value(json_object_get(json_object_get(o, "intent"), "intent"));
    enum intent_kind k = name ? intent_kind_from_name(name) : IK_NONE;
    json_decref(o);
    return k;
}

/* confirm / cancel of the actor's pending change p, taken from the store by its token in the
 * transaction still open (x->in_tx): cancelled, refused, described afresh, or carried out. */
static void answer_taken(struct exec_ctx *x, const struct intent *it, const char *token,
                         const struct st_pending *p, struct reply *r)
{
    if (it->kind == IK_CANCEL) {
        reply_fail(r, C_CANCELLED, "cancelled %s: nothing was changed", token);
        return;
    }
    json_error_t je;
    json_t *o = json_loads(p->intent_json, 0, &je);
    struct intent pending;
    const char *dur = o ? json_string_value(json_object_get(o, "expires_in")) : NULL;
    if (!o || intent_from_json(json_object_get(o, "intent"), &pending) != 0 ||
        (dur && duration_parse_iso(dur, &pending.expires_in) != 0)) {
        json_decref(o);
        reply_fail(r, C_PENDING_UNREADABLE, "the pending change %s could not be read back", token);
        return;
    }
    int moved = changed_since(x, &pending, json_string_value(json_object_get(o, "seen")));
    json_decref(o);
    if (moved < 0) {
        tx_rollback(x);
        store_failed(x, r);
        return;
    }
    if (moved) {
        /* Described afresh and kept under a new token: never carried out blind. */
        struct exec_ctx again = *x;
        again.yes = 0;
        again.ask = NULL;
        execute_intent(&again, &pending, 0, r);
        x->in_tx = again.in_tx;
        if (r->status == RS_NEEDS_CONFIRMATION) {
            /* The new description, said as such (its parts go with the old sentence). */
            struct text as_now = TEXT_INIT;
            text_puts(&as_now, r->summary.s);
            size_t step_at = r->step_at, step_end = r->step_end;
            if (!text_failed(&as_now)) {
                reply_summary(r,
                              "What change %s would touch has changed since it was described, so it was not "
                              "carried out. As it is now: ",
                              token);
                size_t said = r->summary.len; /* the step moves along with the description */
                reply_append(r, "%s", as_now.s);
                if (step_end) r->step_at = said + step_at, r->step_end = said + step_end;
            }
            text_free(&as_now);
            r->code = C_CHANGED_SINCE_DESCRIBED;
        }
        return;
    }
    if (dur) {
        /* A duration counts from the moment of confirmation (access.md). */
        pending.has_expires_in = 1;
        pending.has_expires_at = 1;
        if (add_duration_checked(x->now, &pending.expires_in, 1, &pending.expires_at)) {
            reply_fail(r, C_OUT_OF_RANGE, "%s: change %s was not carried out", OUT_OF_RANGE_MESSAGE, token);
            return;
        }
    }
    execute_intent(x, &pending, 1, r);
}

/* confirm / cancel: the actor's pending change, by token or the only one. */
static void answer_pending(struct exec_ctx *x, const struct intent *it, struct reply *r)
{
    char token[TOKEN_MAX_LEN + 1];
    r->has_intent = 1;
    r->it = *it;
    if (it->kind == IK_CANCEL && strcmp(it->token, "ALL") == 0) {
        cancel_all(x, r);
        return;
    }
    /* Request tokens are their own namespace (confirmation tokens never begin with R). */
    if (it->kind == IK_CANCEL && it->token[0] == 'R') {
        requests_withdraw(x, it->token, r);
        return;
    }
    if (it->token[0]) {
        snprintf(token, sizeof token, "%s", it->token);
    } else {
        struct waiting w;
        if (waiting_of(x, &w)) {
            store_failed(x, r);
            return;
        }
        if (w.n == 0)
            reply_fail(r, C_NOTHING_PENDING, "there is no change waiting for your confirmation");
        else if (w.n > 1)
            reply_fail(r, C_AMBIGUOUS_PENDING, "%d changes are waiting: %s; say which (%s %s)", w.n,
                       w.tokens.s, it->kind == IK_CONFIRM ? "confirm" : "cancel", w.last);
        snprintf(token, sizeof token, "%s", w.last);
        text_free(&w.tokens);
        if (w.n != 1) return;
    }
    /* The token is taken in the transaction that carries its change out (or keeps the change's
     * new description): a token is spent only together with what it led to, once, and a
     * server that dies in between leaves it waiting, to be confirmed again (docs/postgresql.md,
     * "Failover"). */
    struct st_pending p;
    if (tx_begin(x) != STORE_OK) {
        store_failed(x, r);
        return;
    }
    enum store_status st = store_pending_take(x->store, token, &p);
    int mine = st == STORE_OK && strcmp(p.actor, x->actor) == 0 &&
               strcmp(p.conversation, x->conversation ? x->conversation : "") == 0;
    if (st == STORE_ERROR) {
        tx_rollback(x);
        store_failed(x, r);
        return;
    }
    /* A used token is kept for a day as a record with no change in it, so that its own asker
     * hears it was used (token_used); anyone else hears not found, as for any token. */
    if (mine && !p.intent_json[0]) {
        tx_rollback(x);
        reply_fail(r, C_TOKEN_USED, "change %s was already carried out or cancelled; nothing was changed now",
                   token);
        return;
    }
    if (mine && p.expires_at > x->now && it->kind == IK_CONFIRM && x->secrets_hidden &&
        makes_secret(pending_kind(&p))) {
        /* Its secret could not be shown here: it stays pending, for where it can be. */
        tx_rollback(x);
        reply_fail(r, C_SECRET_NOT_HERE, "change %s makes a key, and %s", token,
                   code_message(C_SECRET_NOT_HERE));
        return;
    }
    if (mine && p.expires_at > x->now) {
        struct st_pending used = p;
        used.intent_json[0] = '\0';
        used.expires_at = x->now + USED_TOKEN_KEPT;
        if (store_pending_put(x->store, &used) != STORE_OK) {
            tx_rollback(x);
            store_failed(x, r);
            return;
        }
    }
    if (!mine || p.expires_at <= x->now) {
        /* Someone else's token stays theirs; a lapsed one is gone for good. */
        if (!mine) {
            tx_rollback(x);
        } else if (tx_commit(x) != STORE_OK) {
            store_failed(x, r);
            return;
        }
        if (mine)
            reply_fail(r, C_TOKEN_LAPSED, "change %s has lapsed (changes wait 10 minutes); ask again", token);
        else
            reply_fail(r, C_TOKEN_NOT_FOUND,
                       "change %s not found: it was carried out or cancelled already, it lapsed, or it is "
                       "not yours; nothing was changed",
                       token);
        return;
    }
    answer_taken(x, it, token, &p, r);
    /* What ended without a change (cancelled, or refused on the way) spends the token now; a
     * change that failed rolled the taking back with it. */
    if (x->in_tx && tx_commit(x) != STORE_OK) store_failed(x, r);
}

int principal_resolve(struct store *s, const char *p, char *out, size_t size)
{
    char linked[PRINCIPAL_MAX_LEN + 1];
    if (strncmp(p, "slack:", 6) == 0) {
        enum store_status st = store_slack_principal(s, p, linked, sizeof linked);
        if (st == STORE_ERROR) return -1;
        if (st == STORE_OK) p = linked;
    }
    /* Whole or not at all: a principal cut to fit would be someone else. */
    size_t n = strlen(p);
    if (n >= size) return -1;
    memmove(out, p, n + 1);
    return 0;
}

void execute_text(struct exec_ctx *x, const char *text, size_t len, struct reply *r)
{
    r->now = x->now;
    /* A linked Slack user is the principal it is linked to, as actor and as subject. */
    char actor[PRINCIPAL_MAX_LEN + 1];
    if (principal_resolve(x->store, x->actor, actor, sizeof actor)) {
        store_failed(x, r);
        return;
    }
    struct exec_ctx linked = *x;
    linked.actor = actor;
    x = &linked;
    struct parse_ctx pc = {x->actor, x->sandbox, x->now};
    struct intent it;
    enum parse_status ps = parse_phrase(text, len, &pc, &it, &r->err);
    if (ps != PARSE_OK) {
        struct parse_error err = r->err;
        reply_refusal(r, &err);
        return;
    }
    for (int i = 0; i < it.n_principals; i++)
        if (principal_resolve(x->store, it.principals[i].s, it.principals[i].s, sizeof it.principals[i].s)) {
            store_failed(x, r);
            return;
        }
    if (intent_kind_who(it.kind) == W_ASKER) {
        answer_pending(x, &it, r);
        return;
    }
    execute_intent(x, &it, 0, r);
}
