/* The chat-bot API and the runtime's questions (interfaces.md): /v1/messages, /v1/check,
 * /v1/keys/verify. A bot's bearer token binds every request to the bot's workspace. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/sha.h>

#include "../../actions/execute.h"
#include "../../actions/identity.h"
#include "../../actions/runtime.h"
#include "../../grammar/canon.h"
#include "../../intent/intent.h"
#include "../../intent/text.h"
#include "../../store/store.h"
#include "../cli/render_text.h"
#include "log.h"
#include "routes.h"
#include "serve.h"
#include "url_prefix.h"

#define CONVERSATION_MAX 64
#define TEXT_MAX         4096

/* The bot of the request's bearer token. 0, or -1 with a 401 (or 500) set. The token itself
 * is never compared: only its SHA-256 is looked up, so how long the look-up takes can tell
 * something of the hash at most, never of the token. */
static int bot_auth(struct store *st, const struct http_request *rq, struct st_bot *bot,
                    struct http_response *rs)
{
    const char *a = rq->authorization;
    if (!a || strncasecmp(a, "Bearer ", 7) != 0) {
        respond_error(rs, 401, "a bearer token is required (Authorization: Bearer <token>)");
        return -1;
    }
    const char *token = a + 7;
    while (*token == ' ')
        token++;
    int found = identity_bot(st, token, bot);
    if (found < 0) {
        respond_error(rs, 500, "the access store failed");
        return -1;
    }
    if (found > 0) {
        respond_error(rs, 401, "unknown bearer token");
        return -1;
    }
    return 0;
}

/* The request's JSON object. NULL with a 400 set. */
static json_t *json_body(const struct http_request *rq, struct http_response *rs)
{
    json_error_t je;
    json_t *o = json_loadb(rq->body, rq->len, JSON_REJECT_DUPLICATES, &je);
    if (!o) {
        respond_error(rs, 400, "the body is not JSON: %s (line %d, column %d)", je.text, je.line, je.column);
        return NULL;
    }
    if (!json_is_object(o)) {
        json_decref(o);
        respond_error(rs, 400, "the body must be a JSON object");
        return NULL;
    }
    return o;
}

/* A string field: 1 present, 0 absent (or null when optional), -1 with a 400 set. */
static int field(json_t *o, const char *name, int required, const char **out, struct http_response *rs)
{
    json_t *v = json_object_get(o, name);
    *out = NULL;
    if (!v || (!required && json_is_null(v))) {
        if (!required) return 0;
        respond_error(rs, 400, "%s is missing", name);
        return -1;
    }
    if (!json_is_string(v)) {
        respond_error(rs, 400, "%s must be a string", name);
        return -1;
    }
    *out = json_string_value(v);
    if (strlen(*out) != json_string_length(v)) {
        respond_error(rs, 400, "%s must not hold a NUL character", name);
        return -1;
    }
    return 1;
}

static int principal_field(json_t *o, const char *name, char *out, size_t size, struct http_response *rs)
{
    const char *v;
    if (field(o, name, 1, &v, rs) < 0) return -1;
    const char *why = principal_canon(v, out, size);
    if (why) {
        respond_error(rs, 400, "%s must be a principal: %s", name, why);
        return -1;
    }
    return 0;
}

/* A name field (sandbox, project, agent): 1 present, 0 absent (optional), -1 with a 400 set. */
static int name_field(json_t *o, const char *name, int required, char *out, size_t size,
                      struct http_response *rs)
{
    const char *v;
    int got = field(o, name, required, &v, rs);
    if (got <= 0) return got;
    const char *why = name_canon(v, out, size);
    if (why) {
        respond_error(rs, 400, "%s must be a name: %s", name, why);
        return -1;
    }
    return 1;
}

/* A callback_url is taken only under the bot's registered prefix (url_prefix_refusal): NULL,
 * or why not. */
static const char *callback_refusal(const char *url, const char *prefix)
{
    if (*prefix && strncmp(prefix, "http://", 7) != 0 && strncmp(prefix, "https://", 8) != 0)
        return "the registered prefix is not http or https";
    return url_prefix_refusal(url, prefix);
}

/* The bot API's reply object (interfaces.md, Replies to people): the --json reply object plus
 * `text`, the terminal's rendering without colour, for bots that only relay text; a callback's
 * also carries `conversation`, the bot's own id as it sent it. NULL when it cannot be made. */
static char *bot_reply_json(const struct reply *r, const char *conversation, size_t *len)
{
    size_t n = 0;
    char *line = reply_json(r, &n);
    json_t *o = line ? json_loadb(line, n, 0, NULL) : NULL;
    free(line);
    struct text t = TEXT_INIT;
    render_text_into(&t, r, 0, 0);
    char *out = NULL;
    if (o && !text_failed(&t) && json_object_set_new(o, "text", json_stringn(t.s, t.len)) == 0 &&
        (!conversation || json_object_set_new(o, "conversation", json_string(conversation)) == 0))
        out = json_dumps(o, JSON_COMPACT);
    text_free(&t);
    json_decref(o);
    *len = out ? strlen(out) : 0;
    return out;
}

/* ---- Idempotency-Key -------------------------------------------------------------------------------- */

enum idem { IDEM_GO, IDEM_ANSWERED };

/* The request's key claimed for it (*claimed), or the answer for a repeat made: the first
 * reply again; 422 for the key reused on another request; 409 while the first is still being
 * carried out (after waiting a while for it). A request without the header just goes. */
static enum idem idempotency_claim(struct store *st, const struct st_bot *bot, const struct http_request *rq,
                                   struct http_response *rs, int *claimed)
{
    const char *key = rq->idempotency_key;
    if (!key) return IDEM_GO;
    size_t n = strlen(key);
    int ok = n >= 1 && n <= IDEMPOTENCY_KEY_MAX;
    for (size_t i = 0; ok && i < n; i++)
        ok = (unsigned char)key[i] >= ' ' && (unsigned char)key[i] < 0x7f;
    if (!ok) {
        respond_error(rs, 400, "Idempotency-Key must be 1 to %d printable ASCII characters",
                      IDEMPOTENCY_KEY_MAX);
        return IDEM_ANSWERED;
    }
    unsigned char sha[32];
    SHA256((const unsigned char *)rq->body, rq->len, sha);
    /* The first request may still be running on this or another server: wait for its reply
     * a little (up to 5 s in all, well inside a client's patience), then say so. */
    for (int attempt = 0;; attempt++) {
        struct text first = TEXT_INIT;
        int same = 0;
        enum store_status r = store_idempotency_claim(st, bot->id, key, sha, rq->now, &first, &same);
        if (r == STORE_OK) {
            text_free(&first);
            *claimed = 1;
            return IDEM_GO;
        }
        if (r == STORE_ERROR) {
            text_free(&first);
            respond_error(rs, 500, "the access store failed");
            return IDEM_ANSWERED;
        }
        if (!same) {
            text_free(&first);
            respond_error(rs, 422, "this Idempotency-Key was used for another request");
            return IDEM_ANSWERED;
        }
        if (first.len) {
            respond_text(rs, 200, "application/json", first.s, first.len);
            text_free(&first);
            log_event("info", "idempotent_repeat", "\"bot_id\":%lld", (long long)bot->id);
            return IDEM_ANSWERED;
        }
        text_free(&first);
        if (attempt >= 50) {
            respond_error(rs, 409,
                          "a request with this Idempotency-Key is still being carried out; try again");
            return IDEM_ANSWERED;
        }
        usleep(100 * 1000);
    }
}

/* Blanks the reply's secrets: each new key's, and a sign-in link (sign_in). The text made from
 * the reply after it holds none either. */
static void blank_secrets(struct reply *r)
{
    json_t *keys = r->result ? json_object_get(r->result, "keys") : NULL;
    size_t i;
    json_t *k;
    json_array_foreach(keys, i, k) json_object_set_new(k, "secret", json_null());
    if (r->result && json_object_get(r->result, "link")) json_object_set_new(r->result, "link", json_null());
}

/* Keeps the reply for repeats, without any secret (only a hash of a secret is ever stored): a
 * repeat of a key's creation hears it was done, and gets no secret twice; a repeated sign_in
 * gets no link (a new one is asked for anew). */
static void idempotency_finish(struct store *st, const struct st_bot *bot, const struct http_request *rq,
                               struct reply *r)
{
    size_t len = 0;
    blank_secrets(r);
    char *kept = bot_reply_json(r, NULL, &len);
    if (!kept || store_idempotency_finish(st, bot->id, rq->idempotency_key, kept) != STORE_OK)
        log_event("error", "idempotency", "\"why\":\"the reply could not be kept for repeats\"");
    free(kept);
}

/* POST /v1/messages */
void bot_messages(struct serve *sv, struct store *st, const struct http_request *rq, struct http_response *rs)
{
    struct st_bot bot;
    json_t *o = NULL;
    /* One read transaction for the whole request (a change ends it to take its own). */
    if (store_read_begin(st) != STORE_OK) {
        respond_error(rs, 500, "the access store failed");
        return;
    }
    if (bot_auth(st, rq, &bot, rs) || !(o = json_body(rq, rs))) goto out;
    const char *conv, *text, *callback;
    char user[PRINCIPAL_MAX_LEN + 1], sandbox[NAME_MAX_LEN + 1];
    int has_sandbox;
    if (field(o, "conversation", 1, &conv, rs) < 0 || principal_field(o, "user", user, sizeof user, rs) ||
        (has_sandbox = name_field(o, "sandbox", 0, sandbox, sizeof sandbox, rs)) < 0 ||
        field(o, "text", 1, &text, rs) < 0 || field(o, "callback_url", 0, &callback, rs) < 0)
        goto out;
    size_t clen = strlen(conv);
    int conv_ok = clen >= 1 && clen <= CONVERSATION_MAX;
    for (size_t i = 0; conv_ok && i < clen; i++)
        conv_ok = (unsigned char)conv[i] > ' ' && (unsigned char)conv[i] < 0x7f;
    if (!conv_ok) {
        respond_error(rs, 400, "conversation must be 1 to %d printable ASCII characters, no spaces",
                      CONVERSATION_MAX);
        goto out;
    }
    if (strlen(text) > TEXT_MAX) {
        respond_error(rs, 400, "text is longer than %d bytes", TEXT_MAX);
        goto out;
    }
    const char *why = callback ? callback_refusal(callback, bot.callback_prefix) : NULL;
    if (why) {
        log_event("warn", "callback_refused", "\"bot_id\":%lld", (long long)bot.id);
        respond_error(rs, 400, "callback_url is refused: %s", why);
        goto out;
    }
    if (!has_sandbox) {
        int count = 0, found = identity_bot_sandbox(st, &bot, sandbox, sizeof sandbox, &count);
        if (found < 0) {
            respond_error(rs, 500, "the access store failed");
            goto out;
        }
        if (found > 0) {
            respond_error(rs, 400, "sandbox is required: this bot's workspace has %d sandboxes", count);
            goto out;
        }
    }
    char conversation[128]; /* "bot:" and an id, ":" and at most CONVERSATION_MAX: it fits */
    if (identity_bot_conversation(&bot, conv, conversation, sizeof conversation)) {
        respond_error(rs, 400, "conversation is too long");
        goto out;
    }
    /* Idempotency-Key: a repeat gets the first reply and acts no more (interfaces.md). */
    int claimed = 0;
    switch (idempotency_claim(st, &bot, rq, rs, &claimed)) {
    case IDEM_GO: break;
    case IDEM_ANSWERED: goto out;
    }
    struct exec_ctx x = {.store = st,
                         .actor = user,
                         .sandbox = sandbox,
                         .now = rq->now,
                         .conversation = conversation,
                         .workspace_id = bot.workspace_id};
    struct reply r;
    reply_init(&r);
    execute_text(&x, text, strlen(text), &r);
    size_t len = 0;
    char *body = bot_reply_json(&r, NULL, &len);
    if (!body) {
        respond_error(rs, 500, "out of memory");
    } else {
        response_clear(rs);
        rs->status = 200;
        rs->content_type = "application/json";
        rs->body = body;
        rs->len = len;
    }
    respond_outcome(rs, &r);
    if (claimed) idempotency_finish(st, &bot, rq, &r);
    if (callback && body) {
        /* The callback never carries a key secret (access.md) or a sign-in link: they are
         * blanked first, in its text too. It is signed with the bot's signing secret; a bot made
         * before bots had one gets it unsigned (the server warned at start-up: admin bot rotate
         * gives it one). */
        blank_secrets(&r);
        char *cb = bot_reply_json(&r, conv, &len);
        serve_deliver_signed(sv, callback, cb, cb ? len : 0, bot.signing_secret);
        free(cb);
    }
    reply_clear(&r);
out:
    store_read_end(st);
    json_decref(o);
}

/* POST /v1/check */
void bot_check(struct serve *sv, struct store *st, const struct http_request *rq, struct http_response *rs)
{
    (void)sv;
    struct st_bot bot;
    if (bot_auth(st, rq, &bot, rs)) return;
    json_t *o = json_body(rq, rs);
    if (!o) return;
    char principal[PRINCIPAL_MAX_LEN + 1], sandbox[NAME_MAX_LEN + 1], project[NAME_MAX_LEN + 1] = "";
    const char *action_text;
    struct decision d;
    if (principal_field(o, "principal", principal, sizeof principal, rs) ||
        name_field(o, "sandbox", 1, sandbox, sizeof sandbox, rs) < 0 ||
        field(o, "action", 1, &action_text, rs) < 0 ||
        name_field(o, "project", 0, project, sizeof project, rs) < 0)
        goto out;
    enum action action = runtime_action(action_text);
    if (action == ACT_NONE) {
        respond_error(rs, 400,
                      "action must be one of read, run, build, destroy, manage, exec, file, tunnel, proxy");
        goto out;
    }
    if (runtime_check(st, sandbox, principal, action, project, rq->now, bot.workspace_id, &d)) {
        respond_error(rs, 500, "the access store failed");
        goto out;
    }
    json_t *res = runtime_decision_json(&d);
    respond_json(rs, 200, res);
    json_decref(res);
out:
    json_decref(o);
}

/* POST /v1/keys/verify */
void bot_keys_verify(struct serve *sv, struct store *st, const struct http_request *rq,
                     struct http_response *rs)
{
    (void)sv;
    struct st_bot bot;
    if (bot_auth(st, rq, &bot, rs)) return;
    json_t *o = json_body(rq, rs);
    if (!o) return;
    char sandbox[NAME_MAX_LEN + 1], agent[NAME_MAX_LEN + 1];
    const char *secret;
    json_t *res = NULL;
    if (name_field(o, "sandbox", 1, sandbox, sizeof sandbox, rs) < 0 ||
        name_field(o, "agent", 1, agent, sizeof agent, rs) < 0 || field(o, "secret", 1, &secret, rs) < 0)
        goto out;
    if (runtime_key_verify(st, sandbox, agent, secret, rq->now, bot.workspace_id, &res)) {
        respond_error(rs, 500, "the access store failed");
        goto out;
    }
    respond_json(rs, 200, res);
    json_decref(res);
out:
    json_decref(o);
}
