/* Slack's routes: slash commands and the clicks on Confirm and Cancel (interfaces.md). Every
 * request is verified first; the text then goes through the same execute_text as the
 * command line's. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../actions/execute.h"
#include "../../actions/identity.h"
#include "../../intent/intent.h"
#include "../../store/store.h"
#include "form.h"
#include "log.h"
#include "render_slack.h"
#include "routes.h"
#include "serve.h"
#include "slack_request.h"
#include "url_prefix.h"

/* POST /slack/commands */
void slack_commands(struct serve *sv, struct store *st, const struct http_request *rq,
                    struct http_response *rs)
{
    if (slack_verified(sv, rq, rs)) return;
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
    n = (long)slack_unescape(text, (size_t)n);
    char actor[PRINCIPAL_MAX_LEN + 1], sandbox[NAME_MAX_LEN + 1], conversation[128];
    int who = identity_slack_user(st, user, actor, sizeof actor), mapped = 0;
    if (who == 0) mapped = identity_slack_sandbox(st, team, channel, sandbox, sizeof sandbox);
    if (who < 0 || mapped < 0) {
        respond_error(rs, 500, "the access store failed");
        return;
    }
    if (who > 0) {
        respond_error(rs, 400, "user_id must be a Slack user ID (upper-case letters and digits)");
        return;
    }
    if (mapped > 0) {
        char msg[512];
        slack_not_connected(msg, sizeof msg, team, channel);
        json_t *o = json_pack("{s:s, s:s}", "response_type", "ephemeral", "text", msg);
        respond_json(rs, 200, o);
        json_decref(o);
        return;
    }
    identity_slack_conversation(team, channel, conversation,
                                sizeof conversation); /* IDs of 32 at most: fits */
    struct exec_ctx x = {
        .store = st, .actor = actor, .sandbox = sandbox, .now = rq->now, .conversation = conversation};
    struct reply r;
    reply_init(&r);
    /* A bare /concierge asks for help. */
    if (n == 0) n = snprintf(text, sizeof text, "help");
    execute_text(&x, text, (size_t)n, &r);
    json_t *o = render_slack(&r);
    if (o) json_object_set_new(o, "response_type", json_string("ephemeral"));
    respond_json(rs, 200, o);
    json_decref(o);
    respond_outcome(rs, &r);
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
        (strcmp(c->action, "confirm") != 0 && strcmp(c->action, "cancel") != 0 &&
         strcmp(c->action, "approve_request") != 0 && strcmp(c->action, "deny_request") != 0)) {
        respond_error(rs, 400,
                      "actions must hold one confirm, cancel, approve_request or deny_request action");
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

/* A click, carried out on the jobs' thread (serve_run): a change may copy a snapshot for longer than
 * Slack waits for the click's answer. */
struct click_job {
    struct serve *sv;
    int yes; /* the click is the confirmation (an owner's Approve or Deny of a request) */
    char actor[PRINCIPAL_MAX_LEN + 1], sandbox[NAME_MAX_LEN + 1], conversation[128], text[64];
    char response_url[2048];
};

static int click_run(void *arg, char **url, char **body, size_t *len)
{
    struct click_job *j = arg;
    if (!url) {
        log_event("error", "click", "\"dropped\":true,\"why\":\"the outbox is full or stopping\"");
        free(j);
        return -1;
    }
    struct reply r;
    reply_init(&r);
    struct store *st = serve_thread_store(j->sv);
    if (!st) {
        reply_fail(&r, C_STORE_ERROR, "the access store cannot be opened: nothing was changed");
    } else {
        struct exec_ctx x = {.store = st,
                             .actor = j->actor,
                             .sandbox = j->sandbox,
                             .now = store_clock(st), /* the database's on PostgreSQL */
                             .yes = j->yes,
                             .conversation = j->conversation};
        /* The same words a person would type: the one pipeline decides. */
        execute_text(&x, j->text, strlen(j->text), &r);
        metrics_outcome(&j->sv->metrics, r.has_intent ? (int)r.it.kind : -1, (int)r.status);
    }
    json_t *m = render_slack(&r);
    if (m) json_object_set_new(m, "replace_original", json_true());
    *body = m ? json_dumps(m, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    *url = strdup(j->response_url);
    *len = *body ? strlen(*body) : 0;
    json_decref(m);
    reply_clear(&r);
    free(j);
    return *body && *url ? 0 : -1;
}

/* POST /slack/interactions: the click is answered at once; it is carried out on the outbox's
 * thread, and the result replaces the original message through response_url. */
void slack_interactions(struct serve *sv, struct store *st, const struct http_request *rq,
                        struct http_response *rs)
{
    if (slack_verified(sv, rq, rs)) return;
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
    struct click_job *j = NULL;
    if (read_click(p, &c, rs)) goto out;
    if (!url_under_prefix(c.response_url, sv->slack_response_prefix) || strlen(c.response_url) >= 2048) {
        log_event("warn", "slack_refused", "\"path\":\"%s\",\"why\":\"response_url outside the prefix\"",
                  rq->path);
        respond_error(rs, 400, "response_url is not Slack's");
        goto out;
    }
    if (!(j = calloc(1, sizeof *j))) {
        respond_error(rs, 500, "out of memory");
        goto out;
    }
    j->sv = sv;
    snprintf(j->sandbox, sizeof j->sandbox, "default");
    int who = identity_slack_user(st, c.user, j->actor, sizeof j->actor);
    if (who > 0) {
        respond_error(rs, 400, "user.id must be a Slack user ID (upper-case letters and digits)");
        free(j);
        goto out;
    }
    if (who < 0 || identity_slack_sandbox(st, c.team, c.channel, j->sandbox, sizeof j->sandbox) < 0) {
        respond_error(rs, 500, "the access store failed");
        free(j);
        goto out;
    }
    identity_slack_conversation(c.team, c.channel, j->conversation, sizeof j->conversation);
    /* Approve and Deny on a request's message (lifecycle.md): the click is the confirmation, and
     * the token names its sandbox; the rules decide whether the clicker may answer it. */
    int answer = strcmp(c.action, "approve_request") == 0 || strcmp(c.action, "deny_request") == 0;
    j->yes = answer;
    snprintf(j->text, sizeof j->text, "%s %s", answer ? (c.action[0] == 'a' ? "approve" : "deny") : c.action,
             c.token);
    snprintf(j->response_url, sizeof j->response_url, "%s", c.response_url);
    serve_run(sv, click_run, j);
    rs->status = 200; /* Slack wants an empty 200 */
    rs->content_type = NULL;
out:
    json_decref(p);
}
