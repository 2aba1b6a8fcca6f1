/* The web page's pages (ui_pages.h; interfaces.md, Web page). Every page is made of the same
 * reply data the other front ends show, got through the same pipeline as a phrase (execute_text
 * as the signed-in principal), and rendered by render_html.c. Every change is a form whose fields
 * are checked and made into the phrase a person would type; it is then described, confirmed on
 * a page of its own, and decided by the rules again — a forged post is denied and audited like
 * any other. What a viewer may press is decided by the rules too (authorise_intent), never here. */
#include "ui_pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../actions/authorise.h"
#include "../../actions/commands.h"
#include "../../actions/execute.h"
#include "../../grammar/canon.h"
#include "../../intent/text.h"
#include "render_html.h"
#include "serve.h"

/* Events on one page of the audit timeline; an "Older events" link leads to the rest. */
#define UI_AUDIT_PAGE 50

static void page(struct http_response *rs, int status, struct text *t, int ok)
{
    if (!ok || text_failed(t)) {
        respond_text(rs, 500, "text/plain; charset=utf-8", "out of memory\n", 14);
    } else {
        respond_text(rs, status, "text/html; charset=utf-8", t->s, t->len);
        rs->page = 1;
    }
    text_free(t);
}

static void not_found(struct http_response *rs, const struct html_viewer *v)
{
    struct text t = TEXT_INIT;
    page(rs, 404, &t, html_page_not_found(&t, v) == 0);
}

/* A page that says the store failed (nothing changed). */
static void failed(struct http_response *rs, const struct html_viewer *v, const char *sandbox)
{
    struct reply r;
    reply_init(&r);
    reply_fail(&r, C_STORE_ERROR, "the access store failed: nothing was changed");
    struct text t = TEXT_INIT;
    page(rs, 500, &t, html_page_result(&t, v, sandbox, &r) == 0);
    reply_clear(&r);
}

/* The session's own conversation: its pending changes are its own (lifecycle.md). */
static void conversation_of(const struct ui_session *s, char out[40])
{
    snprintf(out, 40, "ui:");
    for (int i = 0; i < 8; i++)
        snprintf(out + 3 + 2 * i, 3, "%02x", s->sha256[i]);
}

/* phrase said by the session's principal in sandbox (NULL: none), as a person would type it. */
static void say(struct store *st, const struct ui_session *s, const char *sandbox, int64_t now,
                const char *phrase, struct reply *r)
{
    char conversation[40];
    conversation_of(s, conversation);
    struct exec_ctx x = {.store = st,
                         .actor = s->principal,
                         .sandbox = sandbox ? sandbox : "",
                         .now = now,
                         .conversation = conversation};
    reply_init(r);
    execute_text(&x, phrase, strlen(phrase), r);
}

/* The sandbox of the path, if the principal is related to it: 0, 1 (the one 404 for no such
 * sandbox and for one the principal is not related to), -1 the store failed. */
static int related_sandbox(struct store *st, const char *name, const char *principal, int64_t now,
                           struct st_sandbox *sb, enum relation *rel)
{
    char canon[NAME_MAX_LEN + 1];
    if (name_canon(name, canon, sizeof canon) || strcmp(canon, name) != 0) return 1;
    enum store_status s = store_sandbox_find(st, name, sb);
    if (s == STORE_NOT_FOUND) return 1;
    if (s != STORE_OK || relation_of(st, sb, principal, now, rel)) return -1;
    return *rel == REL_STRANGER ? 1 : 0;
}

/* Whether the rules let the principal ask for an intent of this kind in the sandbox: what
 * the page shows a button for. */
static int allowed(struct store *st, const struct st_sandbox *sb, const char *principal, int64_t now,
                   enum intent_kind kind)
{
    struct intent it;
    memset(&it, 0, sizeof it);
    it.kind = kind;
    snprintf(it.sandbox, sizeof it.sandbox, "%s", sb->name);
    struct decision d;
    return authorise_intent(st, sb, principal, &it, now, &d) == 0 && d.allow;
}

/* ---- /ui/: the sandboxes ------------------------------------------------------------------ */

struct sandbox_list {
    struct store *st;
    const char *principal;
    int64_t now;
    json_t *rows;
    int failed;
};

static const char *relation_name(enum relation r)
{
    switch (r) {
    case REL_OWNER: return "owner";
    case REL_GRANT: return "grant";
    case REL_COLLABORATOR: return "collaborator";
    case REL_MEMBER: return "member";
    case REL_EXPIRED: return "expired grant";
    case REL_KEY_HOLDER: return "key holder";
    default: return "";
    }
}

static int one_sandbox(void *ctx, const char *name)
{
    struct sandbox_list *l = ctx;
    struct st_sandbox sb;
    enum relation rel = REL_STRANGER;
    if (store_sandbox_find(l->st, name, &sb) != STORE_OK ||
        relation_of(l->st, &sb, l->principal, l->now, &rel)) {
        l->failed = 1;
        return 1;
    }
    if (rel == REL_STRANGER) return 0; /* a candidate the rules do not relate */
    json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "name", sb.name, "workspace", sb.workspace, "owner",
                          sb.owner, "relation", relation_name(rel));
    if (!o || json_array_append_new(l->rows, o)) l->failed = 1;
    return l->failed;
}

static void sandboxes_page(struct store *st, const struct html_viewer *v, struct http_response *rs)
{
    struct sandbox_list l = {st, v->principal, v->now, json_array(), 0};
    if (!l.rows || store_sandboxes_of(st, v->principal, one_sandbox, &l) != STORE_OK || l.failed) {
        json_decref(l.rows);
        failed(rs, v, NULL);
        return;
    }
    struct text t = TEXT_INIT;
    page(rs, 200, &t, html_page_sandboxes(&t, v, l.rows) == 0);
    json_decref(l.rows);
}

/* ---- /ui/s/NAME: who has access --------------------------------------------------------------- */

/* An admin listing of the sandbox (agents, keys: no intent lists them) as JSON rows. */
static int listing_row(void *ctx, int n, const char *const *names, const char *const *values,
                       const int *is_number)
{
    json_t *o = json_object();
    for (int c = 0; o && c < n; c++)
        json_object_set_new(o, names[c],
                            !values[c]     ? json_null()
                            : is_number[c] ? json_integer(strtoll(values[c], NULL, 10))
                                           : json_string(values[c]));
    return !o || json_array_append_new(ctx, o);
}

static json_t *listing(struct store *st, const char *what, const char *sandbox)
{
    json_t *rows = json_array();
    if (rows && store_list(st, store_listing(what), NULL, sandbox, listing_row, rows) != STORE_OK) {
        json_decref(rows);
        return NULL;
    }
    return rows;
}

/* The viewer's own grants, as list_access shows grants: what a non-owner may see of the list
 * (access.md: anyone may ask about themselves). */
static int own_grant(void *ctx, const struct st_grant *g)
{
    json_t *o = commands_grant_json(g);
    return !o || json_array_append_new(ctx, o);
}

static void access_page(struct store *st, const struct ui_session *s, const struct html_viewer *v,
                        const struct st_sandbox *sb, enum relation rel, struct http_response *rs)
{
    struct html_may may = {.change = allowed(st, sb, v->principal, v->now, IK_INVITE),
                           .request =
                               rel != REL_OWNER && allowed(st, sb, v->principal, v->now, IK_REQUEST_ACCESS),
                           .audit = allowed(st, sb, v->principal, v->now, IK_SHOW_AUDIT)};
    struct reply members, mode, pending;
    json_t *own = NULL, *agents = NULL, *keys = NULL;
    if (may.change) {
        say(st, s, sb->name, v->now, "who has access?", &members);
        agents = listing(st, "agents", sb->name);
        keys = listing(st, "keys", sb->name);
    } else {
        reply_init(&members);
        own = json_array();
        if (own && store_grant_each(st, sb->id, v->principal, own_grant, own) != STORE_OK) {
            json_decref(own);
            own = NULL;
        }
    }
    say(st, s, sb->name, v->now, "what's the sharing mode?", &mode);
    say(st, s, sb->name, v->now, "what's pending?", &pending);
    struct html_access a = {
        .members = may.change ? json_object_get(members.result, "members") : own,
        .mode = mode.status == RS_DONE ? mode.result : NULL,
        .agents = agents,
        .keys = keys,
        .requests = json_object_get(pending.result, "requests"),
        .my_requests = json_object_get(pending.result, "my_requests"),
    };
    int ok =
        (may.change ? members.status == RS_DONE && agents && keys : own != NULL) && pending.status == RS_DONE;
    if (!ok) {
        failed(rs, v, sb->name);
    } else {
        struct text t = TEXT_INIT;
        page(rs, 200, &t, html_page_access(&t, v, sb->name, &a, &may) == 0);
    }
    reply_clear(&members);
    reply_clear(&mode);
    reply_clear(&pending);
    json_decref(own);
    json_decref(agents);
    json_decref(keys);
}

/* ---- /ui/s/NAME/audit: the timeline ------------------------------------------------------------- */

/* A YYYY-MM-DD date, and nothing else (it becomes a word of a phrase). */
static int is_date(const char *s)
{
    if (!s || strlen(s) != 10) return 0;
    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? s[i] != '-' : s[i] < '0' || s[i] > '9') return 0;
    return 1;
}

static void audit_page(struct store *st, const struct ui_session *s, const struct html_viewer *v,
                       const struct st_sandbox *sb, const struct http_request *rq, struct http_response *rs)
{
    /* Decided by the rule of show_audit before anything is read (a page looked at is not a
     * command said: the refusal is shown, not audited). */
    if (!allowed(st, sb, v->principal, v->now, IK_SHOW_AUDIT)) {
        struct reply r;
        reply_init(&r);
        reply_fail(&r, C_DENIED, "only the owner of sandbox %s may read its audit log", sb->name);
        snprintf(r.rule, sizeof r.rule, "owner-only");
        struct text t = TEXT_INIT;
        page(rs, 403, &t, html_page_result(&t, v, sb->name, &r) == 0);
        reply_clear(&r);
        return;
    }
    const char *who_arg = request_arg(rq, "who"), *since = request_arg(rq, "since"),
               *before = request_arg(rq, "before");
    char who[PRINCIPAL_MAX_LEN + 1] = "", phrase[512];
    if (who_arg && *who_arg && principal_canon(who_arg, who, sizeof who)) who[0] = '\0';
    if (since && !*since) since = NULL;
    int has_since = is_date(since);
    int64_t before_id = before && *before ? strtoll(before, NULL, 10) : 0;
    /* The filters become the phrase a person would say; anything else in them is not used. */
    if (who[0])
        snprintf(phrase, sizeof phrase, "what did %s do%s%s?", who, has_since ? " since " : "",
                 has_since ? since : "");
    else
        snprintf(phrase, sizeof phrase, "show the audit log%s%s", has_since ? " since " : "",
                 has_since ? since : "");
    struct reply r;
    say(st, s, sb->name, v->now, phrase, &r);
    if (r.status != RS_DONE) {
        struct text t = TEXT_INIT;
        page(rs, r.status == RS_ERROR ? 500 : 200, &t, html_page_result(&t, v, sb->name, &r) == 0);
        reply_clear(&r);
        return;
    }
    /* Newest first, every one: this page shows UI_AUDIT_PAGE of those older than before, and
     * links to the rest. Nothing is cut without a link to it. */
    json_t *all = json_object_get(r.result, "events"), *shown = json_array();
    size_t i, n = 0;
    json_t *e;
    char older[32] = "";
    json_array_foreach(all, i, e)
    {
        json_int_t id = json_integer_value(json_object_get(e, "event"));
        if (before_id && id >= before_id) continue;
        if (n == UI_AUDIT_PAGE) {
            json_int_t last = json_integer_value(json_object_get(json_array_get(shown, n - 1), "event"));
            snprintf(older, sizeof older, "%lld", (long long)last);
            break;
        }
        json_array_append(shown, e);
        n++;
    }
    struct html_audit_query q = {who[0] ? who : NULL, has_since ? since : NULL, before_id ? before : NULL,
                                 older[0] ? older : NULL};
    struct text t = TEXT_INIT;
    page(rs, 200, &t, shown && html_page_audit(&t, v, sb->name, shown, &q) == 0);
    json_decref(shown);
    reply_clear(&r);
}

/* ---- POST /ui/s/NAME/act: a form made into the phrase a person would type ------------------------ */

/* A token as the language writes them: 4 to 8 letters and digits. */
static int is_token(const char *s)
{
    size_t n = strlen(s);
    if (n < 4 || n > TOKEN_MAX_LEN) return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9'))) return 0;
    return 1;
}

/* A reason: free text after `because` (never parsed), on one line. */
static int is_reason(const char *s)
{
    if (strlen(s) > REQUEST_NOTE_BYTES) return 0;
    for (; *s; s++)
        if ((unsigned char)*s < ' ' || *s == 0x7f) return 0;
    return 1;
}

static long field(const struct http_request *rq, const char *key, char *out, size_t size)
{
    long n = ui_form_field(rq, key, out, size);
    if (n < 0) out[0] = '\0';
    return n;
}

/* The phrase of the form, into phrase: 0, or 1 when a field is not what the form sends. */
static int phrase_of(const struct http_request *rq, char *phrase, size_t size)
{
    char action[32], p_raw[320],
        principal[PRINCIPAL_MAX_LEN + 1] = "", proj_raw[128], project[NAME_MAX_LEN + 1] = "", by[16],
                                      role[16], token[16], length[16], reason[4 * REQUEST_NOTE_BYTES];
    /* A field too long for what it may hold refuses the form whole, never read as absent (a
     * project dropped would make a project's revoke a sandbox-wide one). */
    long np;
    if (field(rq, "action", action, sizeof action) < -1 || field(rq, "by", by, sizeof by) < -1 ||
        field(rq, "role", role, sizeof role) < -1 || field(rq, "token", token, sizeof token) < -1 ||
        field(rq, "length", length, sizeof length) < -1 || field(rq, "reason", reason, sizeof reason) < -1 ||
        !is_reason(reason))
        return 1;
    if ((np = field(rq, "principal", p_raw, sizeof p_raw)) < -1 ||
        (np > 0 && principal_canon(p_raw, principal, sizeof principal)))
        return 1;
    if ((np = field(rq, "project", proj_raw, sizeof proj_raw)) < -1 ||
        (np > 0 && name_canon(proj_raw, project, sizeof project)))
        return 1;
    char on[96] = "";
    if (project[0]) snprintf(on, sizeof on, " on the %s project", project);
    int want_principal =
        !strcmp(action, "revoke") || !strcmp(action, "extend") || !strcmp(action, "change_role");
    if (want_principal && !principal[0]) return 1;
    int role_ok = !strcmp(role, "editor") || !strcmp(role, "viewer");
    int n;
    if (!strcmp(action, "revoke"))
        n = snprintf(phrase, size, "revoke %s%s%s%s", principal, project[0] ? " from the " : "", project,
                     project[0] ? " project" : "");
    else if (!strcmp(action, "extend") && (!strcmp(by, "day") || !strcmp(by, "week") || !strcmp(by, "month")))
        n = snprintf(phrase, size, "extend %s's access by 1 %s%s", principal, by, on);
    else if (!strcmp(action, "change_role") && role_ok)
        n = snprintf(phrase, size, "make %s %s %s%s", principal, role[0] == 'e' ? "an" : "a", role, on);
    else if ((!strcmp(action, "approve") || !strcmp(action, "deny")) && is_token(token))
        n = snprintf(phrase, size, "%s %s%s%s", action, token,
                     reason[0] && action[0] == 'd' ? " because " : "", action[0] == 'd' ? reason : "");
    else if (!strcmp(action, "request") && role_ok &&
             (!length[0] || !strcmp(length, "day") || !strcmp(length, "week") || !strcmp(length, "month")))
        n = snprintf(phrase, size, "request %s access%s%s%s%s", role, length[0] ? " for 1 " : "", length,
                     reason[0] ? " because " : "", reason);
    else if ((!strcmp(action, "confirm") || !strcmp(action, "cancel")) && is_token(token))
        n = snprintf(phrase, size, "%s %s", action, token);
    else
        return 1;
    return n < 0 || (size_t)n >= size;
}

static void act(struct store *st, const struct ui_session *s, const struct html_viewer *v,
                const struct st_sandbox *sb, const struct http_request *rq, struct http_response *rs)
{
    char csrf[128], phrase[1024];
    if (field(rq, "csrf", csrf, sizeof csrf) < 0 || !ui_csrf_ok(s, csrf)) {
        /* No change without the session's own token (interfaces.md, safety). */
        struct reply r;
        reply_init(&r);
        reply_fail(&r, C_DENIED,
                   "the form is not this session's (its CSRF token is missing or wrong): nothing "
                   "was changed");
        struct text t = TEXT_INIT;
        page(rs, 403, &t, html_page_result(&t, v, sb->name, &r) == 0);
        reply_clear(&r);
        return;
    }
    struct reply r;
    if (phrase_of(rq, phrase, sizeof phrase)) {
        reply_init(&r);
        reply_fail(&r, C_BAD_FORM,
                   "the form's fields are not those of a change this page makes: nothing was "
                   "changed");
        struct text t = TEXT_INIT;
        page(rs, 400, &t, html_page_result(&t, v, sb->name, &r) == 0);
        reply_clear(&r);
        return;
    }
    say(st, s, sb->name, v->now, phrase, &r);
    struct text t = TEXT_INIT;
    page(rs, r.status == RS_ERROR ? 500 : 200, &t, html_page_confirm(&t, v, sb->name, &r) == 0);
    reply_clear(&r);
}

void ui_pages(struct serve *sv, struct store *st, const struct http_request *rq, struct http_response *rs,
              const struct ui_session *session)
{
    (void)sv;
    struct html_viewer v = {session->principal, session->csrf, rq->now};
    int get = strcmp(rq->method, "GET") == 0;
    if (strcmp(rq->path, "/ui/") == 0) {
        if (get)
            sandboxes_page(st, &v, rs);
        else
            not_found(rs, &v);
        return;
    }
    /* /ui/s/NAME, /ui/s/NAME/audit, /ui/s/NAME/act */
    if (strncmp(rq->path, "/ui/s/", 6) != 0) {
        not_found(rs, &v);
        return;
    }
    const char *name = rq->path + 6, *rest = strchr(name, '/');
    char sandbox[NAME_MAX_LEN + 2];
    size_t n = rest ? (size_t)(rest - name) : strlen(name);
    if (n == 0 || n > NAME_MAX_LEN) {
        not_found(rs, &v);
        return;
    }
    memcpy(sandbox, name, n);
    sandbox[n] = '\0';
    struct st_sandbox sb;
    enum relation rel = REL_STRANGER;
    int found = related_sandbox(st, sandbox, session->principal, rq->now, &sb, &rel);
    if (found < 0) {
        failed(rs, &v, NULL);
        return;
    }
    if (found > 0) {
        not_found(rs, &v); /* no such sandbox, or one the principal is not related to: the same */
        return;
    }
    if (get && !rest)
        access_page(st, session, &v, &sb, rel, rs);
    else if (get && strcmp(rest, "/audit") == 0)
        audit_page(st, session, &v, &sb, rq, rs);
    else if (!get && strcmp(rest ? rest : "", "/act") == 0)
        act(st, session, &v, &sb, rq, rs);
    else
        not_found(rs, &v);
}
