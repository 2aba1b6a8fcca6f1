/* /ui/: the web page's door (interfaces.md, Web page). Signing in by a one-time link
 * (GET /ui/login?t=TOKEN), signing out (POST /ui/logout with the session's CSRF token), the
 * page for those not signed in; every other path goes to the pages (ui_pages.h) with the
 * session. Sign-ins and sign-outs are events of the store's own audit log. */
#include <jansson.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../actions/digest.h"
#include "../../actions/weblink.h"
#include "../../grammar/canon.h"
#include "../../intent/text.h"
#include "html.h"
#include "log.h"
#include "routes.h"
#include "serve.h"
#include "ui_pages.h"
#include "ui_session.h"
#include "ui_style.h"
#include "render_html.h"

/* A plain page: a title and one paragraph (text, no markup: every value here is concierge's
 * own words or a canonical name, and escaped all the same, by html.h's one escaper). */
static void plain_page(struct http_response *rs, int status, const char *title, const char *para)
{
    struct text t = TEXT_INIT;
    text_printf(&t,
                "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                "<title>%s</title></head><body><main><h1>%s</h1><p>",
                title, title);
    html_escape(&t, para);
    text_puts(&t, "</p></main></body></html>\n");
    if (text_failed(&t))
        respond_text(rs, 500, "text/plain; charset=utf-8", "out of memory\n", 14);
    else
        respond_text(rs, status, "text/html; charset=utf-8", t.s, t.len);
    rs->page = 1;
    text_free(&t);
}

/* A page of render_html.c as the response (its text freed). */
static void html_response(struct http_response *rs, int status, struct text *t)
{
    if (text_failed(t))
        respond_text(rs, 500, "text/plain; charset=utf-8", "out of memory\n", 14);
    else
        respond_text(rs, status, "text/html; charset=utf-8", t->s, t->len);
    rs->page = 1;
    text_free(t);
}

static const char how_to_sign_in[] =
    "To sign in, get a link: run `concierge open` on the server's command line, or say "
    "\"open the web page\" to concierge in Slack. A link works once, for 10 minutes.";

static void store_failed(struct http_response *rs)
{
    plain_page(rs, 500, "Something went wrong", "The access store failed: nothing was changed. Try again.");
}

/* The event of a sign-in or sign-out in the store's own log, then the commit; rolled back on
 * any failure (a session is never made without its event). */
static enum store_status audit_and_commit(struct store *st, const char *principal, int64_t now,
                                          const char *what)
{
    struct text summary = TEXT_INIT;
    json_t *subjects = json_pack("[s]", principal);
    char *subj = subjects ? json_dumps(subjects, JSON_COMPACT) : NULL;
    text_printf(&summary, "%s %s the web page", principal, what);
    struct st_event e = {.at = now, .outcome = "done", .subjects = subj, .summary = summary.s};
    snprintf(e.actor, sizeof e.actor, "%s", principal);
    snprintf(e.intent, sizeof e.intent, "sign_in");
    snprintf(e.outcome, sizeof e.outcome, "done");
    enum store_status s = !subj || text_failed(&summary) ? STORE_ERROR : store_audit_append(st, 0, &e, NULL);
    if (s == STORE_OK) s = store_commit(st);
    if (s != STORE_OK) store_rollback(st);
    free(subj);
    json_decref(subjects);
    text_free(&summary);
    return s;
}

/* GET /ui/login?t=TOKEN[&s=SANDBOX]: a valid unused unexpired link makes a session. */
static void login(struct serve *sv, struct store *st, const struct http_request *rq, struct http_response *rs)
{
    const char *t = request_arg(rq, "t"), *to = request_arg(rq, "s");
    unsigned char link_sha[32], session_sha[32];
    char cookie[WEB_TOKEN_LEN + 1], csrf[WEB_TOKEN_LEN + 1], principal[PRINCIPAL_MAX_LEN + 1];
    char sandbox[NAME_MAX_LEN + 1] = "";
    /* The page it opens on: a sandbox's, named as the store names it, else the list. */
    if (to && (name_canon(to, sandbox, sizeof sandbox) || strcmp(sandbox, to) != 0)) sandbox[0] = '\0';
    if (!t || strlen(t) != WEB_TOKEN_LEN || sha256_of(t, strlen(t), link_sha)) {
        plain_page(rs, 403, "This sign-in link does not work", how_to_sign_in);
        return;
    }
    if (weblink_token(cookie) || weblink_token(csrf) || sha256_of(cookie, strlen(cookie), session_sha)) {
        store_failed(rs);
        return;
    }
    if (store_begin(st) != STORE_OK) {
        store_failed(rs);
        return;
    }
    enum store_status s = store_web_link_take(st, link_sha, rq->now, principal, sizeof principal);
    if (s == STORE_NOT_FOUND) {
        store_rollback(st);
        plain_page(rs, 403, "This sign-in link has expired or was already used",
                   "A sign-in link works once, for 10 minutes. Get a new one: run `concierge open` on the "
                   "server's command line, or say \"open the web page\" to concierge in Slack.");
        return;
    }
    if (s == STORE_OK)
        s = store_web_session_add(st, session_sha, principal, csrf, rq->now, rq->now + WEB_SESSION_TTL);
    if (s != STORE_OK) store_rollback(st);
    if (s != STORE_OK || audit_and_commit(st, principal, rq->now, "signed in to") != STORE_OK) {
        log_event("error", "store", "\"why\":\"a sign-in could not be recorded\"");
        store_failed(rs);
        return;
    }
    char where[NAME_MAX_LEN + 16];
    snprintf(where, sizeof where, sandbox[0] ? "/ui/s/%s" : "/ui/", sandbox);
    plain_page(rs, 303, "Signed in", "You are signed in.");
    rs->location = strdup(where);
    rs->set_cookie = ui_set_cookie(sv, cookie, WEB_SESSION_TTL);
    OPENSSL_cleanse(cookie, sizeof cookie);
    OPENSSL_cleanse(csrf, sizeof csrf);
    if (!rs->location || !rs->set_cookie) {
        /* The session stands, unknown to the browser: it lapses in 8 hours. */
        response_clear(rs);
        plain_page(rs, 500, "Something went wrong", "Out of memory: sign in again with a new link.");
    }
}

/* POST /ui/logout with csrf=TOKEN in the form: ends the session. */
static void logout(struct serve *sv, struct store *st, const struct http_request *rq,
                   struct http_response *rs)
{
    struct ui_session session;
    int rc = ui_session_of(sv, st, rq, &session);
    if (rc < 0) {
        store_failed(rs);
        return;
    }
    char csrf[WEB_CSRF_LEN + 1];
    long n = rc == 0 ? ui_form_field(rq, "csrf", csrf, sizeof csrf) : -1;
    if (rc > 0 || n < 0 || !ui_csrf_ok(&session, csrf)) {
        plain_page(rs, 403, "Not signed out",
                   rc > 0 ? "You are not signed in."
                          : "The form did not come from this page (its token is "
                            "missing or wrong): nothing was changed.");
        return;
    }
    if (store_begin(st) != STORE_OK) {
        store_failed(rs);
        return;
    }
    enum store_status s = store_web_session_end(st, session.sha256, rq->now);
    if (s != STORE_OK && s != STORE_NOT_FOUND) store_rollback(st);
    if (s == STORE_NOT_FOUND) {
        store_rollback(st); /* ended at the same moment elsewhere: signed out all the same */
    } else if (s != STORE_OK ||
               audit_and_commit(st, session.principal, rq->now, "signed out of") != STORE_OK) {
        store_failed(rs);
        return;
    }
    plain_page(rs, 303, "Signed out", "You are signed out.");
    rs->location = strdup("/ui/signed-out");
    rs->set_cookie = ui_set_cookie(sv, NULL, 0);
    if (!rs->location || !rs->set_cookie) {
        response_clear(rs);
        plain_page(rs, 500, "Something went wrong", "Out of memory: you are signed out; close the page.");
    }
}

void ui_route(struct serve *sv, struct store *st, const struct http_request *rq, struct http_response *rs)
{
    int get = strcmp(rq->method, "GET") == 0, post = strcmp(rq->method, "POST") == 0;
    if (!get && !post) {
        plain_page(rs, 405, "Not allowed", "The web page takes GET and POST only.");
        return;
    }
    if (!st) {
        store_failed(rs);
        return;
    }
    if (strcmp(rq->path, "/ui/login") == 0) {
        if (get)
            login(sv, st, rq, rs);
        else
            plain_page(rs, 405, "Not allowed", "A sign-in link is opened, not posted to.");
        return;
    }
    if (strcmp(rq->path, "/ui/logout") == 0) {
        if (post)
            logout(sv, st, rq, rs);
        else
            plain_page(rs, 405, "Not allowed", "Sign out with the page's Sign out button.");
        return;
    }
    if (get && strcmp(rq->path, "/ui/signed-out") == 0) {
        struct text t = TEXT_INIT;
        html_page_signed_out(&t);
        html_response(rs, 200, &t);
        return;
    }
    /* The stylesheet, the one thing a page loads: from the binary, signed in or not. */
    if (get && strcmp(rq->path, "/ui/style.css") == 0) {
        respond_text(rs, 200, UI_STYLE_CONTENT_TYPE, ui_style_css, ui_style_css_len);
        return;
    }
    struct ui_session session;
    int rc = ui_session_of(sv, st, rq, &session);
    if (rc < 0) {
        store_failed(rs);
        return;
    }
    if (rc > 0) {
        /* Not signed in: a post changes nothing; a page says how to sign in. */
        struct text t = TEXT_INIT;
        html_page_sign_in_help(&t, NULL);
        html_response(rs, post ? 403 : strcmp(rq->path, "/ui/") == 0 ? 200 : 401, &t);
        return;
    }
    ui_pages(sv, st, rq, rs, &session);
}
