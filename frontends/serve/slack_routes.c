/* Slack's routes: slash commands and the clicks on Confirm and Cancel (interfaces.md). Every
 * request is verified first; the text then goes through the same execute_text as the
 * command line's. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "../../actions/execute.h"
#include "../../intent/intent.h"
#include "../../store/store.h"
#include "form.h"
#include "log.h"
#include "routes.h"
#include "serve.h"
#include "slack_sig.h"
#include "url_prefix.h"

#define SLACK_ID_MAX 32

/* 0 when the request carries Slack's signature; else a 401 is set. */
static int verified(struct serve *sv, const struct http_request *rq, struct http_response *rs)
{
    const char *why = NULL;
    if (slack_verify(sv->slack_secret, sv->slack_secret_len, rq->slack_timestamp, rq->slack_signature,
                     rq->body, rq->len, rq->now, &why) == 0)
        return 0;
    log_event("warn", "slack_refused", "\"path\":\"%s\",\"why\":\"%s\"", rq->path, why);
    /* The reason is logged; the caller hears only that the request is not Slack's. */
    respond_error(rs, 401, "the request is not signed by Slack (or too old)");
    return -1;
}

/* Slack's IDs (team, channel, user): letters and digits. */
static int slack_id_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > SLACK_ID_MAX) return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
            return 0;
    return 1;
}

/* The acting principal: the one linked to the Slack user, else slack:<user_id>. */
static int slack_actor(struct store *st, const char *user, char *actor, size_t size)
{
    char id[SLACK_ID_MAX + 8];
    snprintf(id, sizeof id, "slack:%s", user);
    enum store_status s = store_slack_principal(st, id, actor, size); /* links are kept as slack:UID */
    if (s == STORE_ERROR) return -1;
    if (s == STORE_NOT_FOUND) snprintf(actor, size, "%s", id);
    return 0;
}

/* Text for Slack's mrkdwn: &, < and > escaped, as Slack asks. */
static void mrkdwn(const char *in, char *out, size_t size)
{
    size_t o = 0;
    for (; *in && o + 6 < size; in++) {
        const char *e = *in == '&' ? "&amp;" : *in == '<' ? "&lt;" : *in == '>' ? "&gt;" : NULL;
        if (e) {
            size_t n = strlen(e);
            memcpy(out + o, e, n);
            o += n;
        } else {
            out[o++] = *in;
        }
    }
    out[o] = '\0';
}

static json_t *button(const char *label, const char *action, const char *token, const char *style)
{
    json_t *b = json_pack("{s:s, s:{s:s, s:s}, s:s, s:s}", "type", "button", "text", "type", "plain_text",
                          "text", label, "action_id", action, "value", token);
    if (b && style) json_object_set_new(b, "style", json_string(style));
    return b;
}

/* The Block Kit message for a reply: its summary, the secrets a share_agent made (ephemeral:
 * only the one who asked sees them), and Confirm / Cancel while a change waits. */
static json_t *slack_message(const struct reply *r)
{
    char text[4096];
    size_t o = 0;
    mrkdwn(r->summary, text, sizeof text);
    o = strlen(text);
    json_t *keys = r->result ? json_object_get(r->result, "keys") : NULL;
    size_t i;
    json_t *k;
    json_array_foreach(keys, i, k)
    {
        const char *p = json_string_value(json_object_get(k, "principal"));
        const char *secret = json_string_value(json_object_get(k, "secret"));
        if (secret && o + 128 < sizeof text)
            o += (size_t)snprintf(text + o, sizeof text - o, "\nsecret%s%s: `%s`", p ? " for " : "",
                                  p ? p : "", secret);
    }
    json_t *blocks =
        json_pack("[{s:s, s:{s:s, s:s}}]", "type", "section", "text", "type", "mrkdwn", "text", text);
    if (blocks && r->status == RS_NEEDS_CONFIRMATION)
        json_array_append_new(blocks, json_pack("{s:s, s:s, s:[o, o]}", "type", "actions", "block_id",
                                                "concierge_confirm", "elements",
                                                button("Confirm", "confirm", r->token, "primary"),
                                                button("Cancel", "cancel", r->token, NULL)));
    return json_pack("{s:s, s:o}", "text", text, "blocks", blocks);
}

static void count_outcome(struct http_response *rs, const struct reply *r)
{
    rs->intent_kind = r->has_intent ? (int)r->it.kind : -1;
    rs->reply_status = (int)r->status;
}

/* POST /slack/commands */
void slack_commands(struct serve *sv, struct store *st, const struct http_request *rq,
                    struct http_response *rs)
{
    if (verified(sv, rq, rs)) return;
    char team[SLACK_ID_MAX + 1], channel[SLACK_ID_MAX + 1], user[SLACK_ID_MAX + 1], text[4096];
    if (form_check(rq->body, rq->len)) {
        respond_error(rs, 400, "the body is not well-formed application/x-www-form-urlencoded");
        return;
    }
    if (form_get(rq->body, rq->len, "team_id", team, sizeof team) < 0 || !slack_id_ok(team) ||
        form_get(rq->body, rq->len, "channel_id", channel, sizeof channel) < 0 || !slack_id_ok(channel) ||
        form_get(rq->body, rq->len, "user_id", user, sizeof user) < 0 || !slack_id_ok(user)) {
        respond_error(rs, 400, "team_id, channel_id and user_id must be Slack IDs");
        return;
    }
    long n = form_get(rq->body, rq->len, "text", text, sizeof text);
    if (n == -2) {
        respond_error(rs, 400, "text is malformed or longer than %zu bytes", sizeof text - 1);
        return;
    }
    if (n < 0) {
        respond_error(rs, 400, "text is missing");
        return;
    }
    char actor[PRINCIPAL_MAX_LEN + 1], sandbox[NAME_MAX_LEN + 1], conversation[128];
    if (slack_actor(st, user, actor, sizeof actor)) {
        respond_error(rs, 500, "the access store failed");
        return;
    }
    enum store_status s = store_slack_sandbox(st, team, channel, sandbox, sizeof sandbox);
    if (s == STORE_ERROR) {
        respond_error(rs, 500, "the access store failed");
        return;
    }
    if (s == STORE_NOT_FOUND) {
        char msg[512];
        snprintf(msg, sizeof msg,
                 "This channel is not connected to a sandbox yet. An administrator can connect it with "
                 "`concierge admin slack map --team %s --channel %s --sandbox NAME`.",
                 team, channel);
        json_t *o = json_pack("{s:s, s:s}", "response_type", "ephemeral", "text", msg);
        respond_json(rs, 200, o);
        json_decref(o);
        return;
    }
    snprintf(conversation, sizeof conversation, "slack:%s:%s", team, channel);
    struct exec_ctx x = {
        .store = st, .actor = actor, .sandbox = sandbox, .now = rq->now, .conversation = conversation};
    struct reply r;
    reply_init(&r);
    /* A bare /concierge asks for help. */
    if (n == 0) n = snprintf(text, sizeof text, "help");
    execute_text(&x, text, (size_t)n, &r);
    json_t *o = slack_message(&r);
    if (o) json_object_set_new(o, "response_type", json_string("ephemeral"));
    respond_json(rs, 200, o);
    json_decref(o);
    count_outcome(rs, &r);
    reply_clear(&r);
}

/* The fields of a block_actions payload concierge needs. 0, or -1 with a 400 set. */
struct click {
    const char *user, *team, *channel, *action, *token, *response_url;
};

static const char *str_at(json_t *o, const char *a, const char *b)
{
    json_t *v = json_object_get(o, a);
    if (b) v = json_object_get(v, b);
    return json_string_value(v);
}

static int read_click(json_t *p, struct click *c, struct http_response *rs)
{
    if (!json_is_object(p) || !json_is_string(json_object_get(p, "type"))) {
        respond_error(rs, 400, "payload must be a JSON object with a type");
        return -1;
    }
    if (strcmp(str_at(p, "type", NULL), "block_actions") != 0) {
        respond_error(rs, 400, "only block_actions payloads are handled");
        return -1;
    }
    json_t *acts = json_object_get(p, "actions");
    json_t *a = json_array_get(acts, 0);
    c->user = str_at(p, "user", "id");
    c->team = str_at(p, "team", "id");
    if (!c->team) c->team = str_at(p, "user", "team_id");
    c->channel = str_at(p, "channel", "id");
    c->action = str_at(a, "action_id", NULL);
    c->token = str_at(a, "value", NULL);
    c->response_url = str_at(p, "response_url", NULL);
    if (!c->user || !slack_id_ok(c->user) || !c->team || !slack_id_ok(c->team) || !c->channel ||
        !slack_id_ok(c->channel)) {
        respond_error(rs, 400, "user.id, team.id and channel.id must be Slack IDs");
        return -1;
    }
    if (!json_is_array(acts) || json_array_size(acts) != 1 || !c->action ||
        (strcmp(c->action, "confirm") != 0 && strcmp(c->action, "cancel") != 0)) {
        respond_error(rs, 400, "actions must hold one confirm or cancel action");
        return -1;
    }
    size_t n = c->token ? strlen(c->token) : 0;
    int ok = n >= 1 && n <= TOKEN_MAX_LEN;
    for (size_t i = 0; ok && i < n; i++)
        ok = (c->token[i] >= 'A' && c->token[i] <= 'Z') || (c->token[i] >= '0' && c->token[i] <= '9');
    if (!ok) {
        respond_error(rs, 400, "the action's value must be a confirmation token");
        return -1;
    }
    if (!c->response_url) {
        respond_error(rs, 400, "response_url is missing");
        return -1;
    }
    return 0;
}

/* POST /slack/interactions: the click is answered at once; the result replaces the original
 * message through response_url, from the outbox's thread. */
void slack_interactions(struct serve *sv, struct store *st, const struct http_request *rq,
                        struct http_response *rs)
{
    if (verified(sv, rq, rs)) return;
    static _Thread_local char payload[BODY_LIMIT + 1];
    long n =
        form_check(rq->body, rq->len) ? -2 : form_get(rq->body, rq->len, "payload", payload, sizeof payload);
    if (n < 0) {
        respond_error(rs, 400, n == -1 ? "payload is missing" : "the body is not well-formed form encoding");
        return;
    }
    json_error_t je;
    json_t *p = json_loadb(payload, (size_t)n, JSON_REJECT_DUPLICATES, &je);
    if (!p) {
        respond_error(rs, 400, "payload is not JSON: %s", je.text);
        return;
    }
    struct click c;
    if (read_click(p, &c, rs)) {
        json_decref(p);
        return;
    }
    if (!url_under_prefix(c.response_url, sv->slack_response_prefix)) {
        log_event("warn", "slack_refused", "\"path\":\"%s\",\"why\":\"response_url outside the prefix\"",
                  rq->path);
        respond_error(rs, 400, "response_url is not Slack's");
        json_decref(p);
        return;
    }
    char actor[PRINCIPAL_MAX_LEN + 1], sandbox[NAME_MAX_LEN + 1] = "default", conversation[128], text[64];
    if (slack_actor(st, c.user, actor, sizeof actor) ||
        store_slack_sandbox(st, c.team, c.channel, sandbox, sizeof sandbox) == STORE_ERROR) {
        respond_error(rs, 500, "the access store failed");
        json_decref(p);
        return;
    }
    snprintf(conversation, sizeof conversation, "slack:%s:%s", c.team, c.channel);
    /* The same words a person would type: the one pipeline decides. */
    snprintf(text, sizeof text, "%s %s", c.action, c.token);
    struct exec_ctx x = {
        .store = st, .actor = actor, .sandbox = sandbox, .now = rq->now, .conversation = conversation};
    struct reply r;
    reply_init(&r);
    execute_text(&x, text, strlen(text), &r);
    json_t *m = slack_message(&r);
    if (m) json_object_set_new(m, "replace_original", json_true());
    char *body = m ? json_dumps(m, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    serve_deliver(sv, c.response_url, body, body ? strlen(body) : 0);
    free(body);
    json_decref(m);
    json_decref(p);
    count_outcome(rs, &r);
    reply_clear(&r);
    rs->status = 200; /* Slack wants an empty 200 */
    rs->content_type = NULL;
}
