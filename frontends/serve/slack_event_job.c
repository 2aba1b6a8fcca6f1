/* A Slack event's command, on the jobs' thread (slack_events.h): it waits for an earlier
 * message of its channel still to run, runs through the same execute_text as every front
 * end, as the speaker in the channel's conversation, and its reply is posted with Slack's Web
 * API: in a channel ephemerally to the speaker (chat.postEphemeral), in a direct message with
 * chat.postMessage, where it stays — so no key's secret is ever made there (secrets_hidden). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../actions/execute.h"
#include "../../actions/identity.h"
#include "log.h"
#include "render_slack.h"
#include "serve.h"
#include "slack_events.h"

/* 1 when an earlier message of the channel, claimed lately by any server, has not run yet and
 * this one has not waited its fill: it is queued again, a little later (the jobs' thread is
 * not held: other channels' messages go on). -1 when it could not be queued again (it was
 * told, and is freed). 0: run it now. */
static int wait_for_earlier(struct slack_event *e, struct store *st)
{
    /* Without a jobs' thread (the fuzzer) there is no later. */
    if (!st || !e->sv->jobs) return 0;
    int64_t waited = slack_event_clock_ms() - e->queued_ms;
    if (waited >= SLACK_EVENT_ORDER_WAIT_MS) return 0;
    int64_t earlier = store_slack_events_before(st, e->channel, e->ts_us,
                                                e->received_at - SLACK_EVENT_ORDER_WAIT_MS / 1000);
    if (earlier <= 0) return 0; /* none, or the store failed: the command says so itself */
    return serve_run_after(e->sv, slack_event_run, e, SLACK_EVENT_ORDER_POLL_MS) == 0 ? 1 : -1;
}

/* The command, into r. */
static void run_command(struct slack_event *e, struct store *st, struct reply *r)
{
    char actor[PRINCIPAL_MAX_LEN + 1], sandbox[NAME_MAX_LEN + 1] = "", conversation[128];
    int who = identity_slack_user(st, e->user, actor, sizeof actor), mapped = 1;
    if (who == 0) mapped = identity_slack_sandbox(st, e->team, e->channel, sandbox, sizeof sandbox);
    if (who < 0 || mapped < 0) {
        reply_fail(r, C_STORE_ERROR, "the access store failed: nothing was changed");
        return;
    }
    if (who > 0) { /* slack_events.c lets only Slack user IDs through: never here */
        reply_fail(r, C_SANDBOX_NOT_FOUND,
                   "this Slack user cannot be told apart from others: nothing was done");
        return;
    }
    if (mapped > 0 && !e->dm) {
        /* A channel without a sandbox is told how to connect one, as the slash command does. */
        char msg[512];
        slack_not_connected(msg, sizeof msg, e->team, e->channel);
        reply_summary(r, "%s", msg);
        r->status = RS_REJECTED;
        r->code = C_SANDBOX_NOT_FOUND;
        return;
    }
    /* In a DM with no sandbox for the team, sandbox stays "": the phrase must name one. */
    identity_slack_conversation(e->team, e->channel, conversation, sizeof conversation); /* it fits */
    struct exec_ctx x = {.store = st,
                         .actor = actor,
                         .sandbox = sandbox,
                         .now = store_clock(st), /* the database's on PostgreSQL */
                         .conversation = conversation,
                         .secrets_hidden = e->dm};
    /* A bare mention asks for help, as a bare /concierge does. */
    execute_text(&x, e->len ? e->text : "help", e->len ? e->len : 4, r);
    if (r->code == C_WHICH_SANDBOX)
        reply_append(r,
                     " An administrator can give this team a sandbox for direct messages: `concierge admin "
                     "slack map --team %s --sandbox NAME`.",
                     e->team);
    if (r->code == C_SECRET_NOT_HERE && !(r->has_intent && r->it.kind == IK_SIGN_IN))
        reply_append(r, ". Use the slash command for it (`/concierge share the NAME agent with @name`, or "
                        "`/concierge confirm TOKEN`): its reply is shown only to you.");
}

/* The Web API call's body: the rendered reply, addressed. NULL when out of memory. */
static char *message_body(const struct slack_event *e, const struct reply *r)
{
    /* A DM's message stays there: rendered as for others to read (no secret, by
     * secrets_hidden and again here). In a channel, only the speaker sees it. */
    json_t *m = e->dm ? render_slack_public(r) : render_slack(r);
    if (!m) return NULL;
    json_object_del(m, "response_type"); /* the method says who sees it */
    int bad = json_object_set_new(m, "channel", json_string(e->channel));
    if (!e->dm) bad |= json_object_set_new(m, "user", json_string(e->user));
    if (e->thread_ts[0]) bad |= json_object_set_new(m, "thread_ts", json_string(e->thread_ts));
    char *body = bad ? NULL : json_dumps(m, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(m);
    return body;
}

int slack_event_run(void *arg, char **url, char **body, size_t *len)
{
    struct slack_event *e = arg;
    (void)body, (void)len;
    if (!url) {
        /* Never run. Refused at the door (a full queue), slack_events gives its claim back and
         * Slack is told to send it again; still queued at a stop, its claim stays: Slack had
         * its 200 and will not. */
        log_event("error", "slack_event", "\"dropped\":true,\"why\":\"the jobs' queue is full or stopping\"");
        free(e);
        return -1;
    }
    struct store *st = serve_thread_store(e->sv);
    int waiting = wait_for_earlier(e, st);
    if (waiting) return -1; /* queued again (or told and freed) */
    struct reply r;
    reply_init(&r);
    if (!st)
        reply_fail(&r, C_STORE_ERROR, "the access store cannot be opened: nothing was changed");
    else
        run_command(e, st, &r);
    metrics_outcome(&e->sv->metrics, r.has_intent ? (int)r.it.kind : -1, (int)r.status);
    /* Run: a later message of the channel need not wait for it any more. */
    if (st && store_slack_event_done(st, e->channel, e->ts) != STORE_OK)
        log_event("error", "store", "\"why\":\"a Slack event could not be marked done\"");
    char *msg = message_body(e, &r);
    serve_deliver_slack(e->sv, e->dm ? "chat.postMessage" : "chat.postEphemeral", msg, msg ? strlen(msg) : 0);
    free(msg);
    reply_clear(&r);
    free(e);
    return -1; /* posted to the Web API already, not to a URL of the job's */
}
