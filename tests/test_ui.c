/* The web page's safety end to end (interfaces.md, Web page, "Safety"; issue 13 item 4): the
 * real `concierge serve`, sessions made by the real `concierge open`, pages and forms over real
 * HTTP, and the store looked at behind the server's back. A post without the session's own CSRF
 * token is refused and changes nothing; a value that holds markup (a request's note, an e-mail
 * principal with %-escapes in it) is shown escaped everywhere; a sandbox one is not related to
 * answers byte for byte as one that does not exist; an editor sees no owner's buttons and a
 * forged revoke by them is denied, audited and changes nothing; every page has the security
 * headers; the audit page refuses a non-owner without auditing the look.
 * Either backend: CONCIERGE_TEST_PG_FILE names a PostgreSQL cluster.
 * Usage: test_ui BIN */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "pg_test.h"
#include "serve_drive.h"
#include "spawn.h"
#include "test_db.h"

static const char *bin;
static char db[512];
static int port;

#define BASE "https://concierge.example.com"
/* An e-mail principal may hold % and + (names.rl): it must reach the page as typed, never
 * url-decoded into markup. */
#define ODD  "o%3cb%3e+x@evil.example"
#define NOTE "because <script>alert(1)</script> \"quoted\" & 'x'"

struct session {
    char cookie[256], csrf[65];
};

static long get(const struct session *s, const char *path, struct drive_resp *r)
{
    char h[300];
    snprintf(h, sizeof h, "Cookie: %s", s ? s->cookie : "");
    const char *headers[] = {h, NULL};
    return drive_http(port, "GET", path, s ? headers : NULL, NULL, 0, r);
}

/* A form posted to path with the session's cookie; body is already url-encoded. */
static long post(const struct session *s, const char *path, const char *body, struct drive_resp *r)
{
    char h[300];
    snprintf(h, sizeof h, "Cookie: %s", s->cookie);
    const char *headers[] = {h, "Content-Type: application/x-www-form-urlencoded", NULL};
    return drive_http(port, "POST", path, headers, body, -1, r);
}

static void csrf_of(const struct drive_resp *r, char out[65])
{
    const char *at = strstr(r->body, "name=\"csrf\" value=\"");
    snprintf(out, 65, "%.*s", at ? 64 : 0, at ? at + 19 : "");
}

/* `concierge open --as who` followed: a session with its cookie and its CSRF token. */
static int sign_in(const char *who, struct session *s, struct drive_resp *r)
{
    const char *argv[] = {bin, "open", "--db", db, "--as", who, NULL};
    struct spawn_result o;
    int st = spawn_run(argv, NULL, NULL, 0, 20000, &o);
    char link[1024], set_cookie[512] = "";
    snprintf(link, sizeof link, "%.*s", (int)strcspn(o.out, "\n"), o.out);
    spawn_result_free(&o);
    if (st != 0 || strncmp(link, BASE "/ui/login?t=", strlen(BASE) + 12) != 0) return -1;
    if (get(NULL, link + strlen(BASE), r) != 303 ||
        drive_header(r, "Set-Cookie", set_cookie, sizeof set_cookie))
        return -1;
    snprintf(s->cookie, sizeof s->cookie, "%.*s", (int)strcspn(set_cookie, ";"), set_cookie);
    if (get(s, "/ui/", r) != 200) return -1;
    csrf_of(r, s->csrf);
    return strlen(s->csrf) == 64 ? 0 : -1;
}

/* The three headers of the contract, and the type of a page. */
static int safe_headers(const struct drive_resp *r)
{
    char csp[256] = "", nosniff[64] = "", referrer[64] = "", type[64] = "";
    drive_header(r, "Content-Security-Policy", csp, sizeof csp);
    drive_header(r, "X-Content-Type-Options", nosniff, sizeof nosniff);
    drive_header(r, "Referrer-Policy", referrer, sizeof referrer);
    drive_header(r, "Content-Type", type, sizeof type);
    return strcmp(csp, "default-src 'self'; frame-ancestors 'none'") == 0 &&
           strcmp(nosniff, "nosniff") == 0 && strcmp(referrer, "no-referrer") == 0 &&
           strcmp(type, "text/html; charset=utf-8") == 0;
}

/* What a change would touch, as one string: the grants (how many, and a sum over their
 * principal, role, project, end and id, as SQLite and PostgreSQL both compute it), the audit
 * events and the requests. */
static char *state_of(void)
{
    return test_db_text(
        db, "SELECT (SELECT count(*) FROM grants) || '/' || "
            "(SELECT coalesce(sum(length(principal || role || project) + coalesce(expires_at, 0) + "
            "id), 0) FROM grants) || '/' || (SELECT count(*) FROM audit) || '/' || "
            "(SELECT count(*) FROM requests)");
}

static int same_state(const char *before)
{
    char *now = state_of();
    int same = now && before && strcmp(now, before) == 0;
    if (!same) fprintf(stderr, "  store was %s, is %s\n", before ? before : "?", now ? now : "?");
    free(now);
    return same;
}

/* The token of a confirmation page's Confirm form, or "". */
static void token_of(const struct drive_resp *r, char out[16])
{
    const char *at = strstr(r->body, "name=\"token\" value=\"");
    snprintf(out, 16, "%.*s", at ? (int)strcspn(at + 20, "\"") : 0, at ? at + 20 : "");
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_ui BIN\n");
        return 2;
    }
    bin = argv[1];
    char dir[] = "/tmp/concierge-ui-XXXXXX", err[256], body[1024];
    if (!mkdtemp(dir)) return 2;
    if (pg_test_enabled()) {
        if (pg_test_create(db, sizeof db, err, sizeof err)) {
            fprintf(stderr, "%s\n", err);
            return 1;
        }
    } else {
        snprintf(db, sizeof db, "%s/ui.db", dir);
    }
    int ok = drive_admin(bin, db, NULL, 0, "workspace add acme") == 0 &&
             drive_admin(bin, db, NULL, 0, "workspace add beta") == 0 &&
             drive_admin(bin, db, NULL, 0, "sandbox add demo --owner @ann --workspace acme") == 0 &&
             drive_admin(bin, db, NULL, 0, "sandbox add other --owner @zed --workspace beta") == 0 &&
             drive_admin(bin, db, NULL, 0, "workspace member add acme %s", ODD) == 0;
    const char *bob[] = {
        bin, "--db", db, "--as", "@ann", "--sandbox", "demo", "-y", "invite @bob as an editor", NULL};
    const char *carol[] = {
        bin, "--db", db, "--as", "@ann", "--sandbox", "demo", "-y", "invite @carol as a viewer", NULL};
    struct spawn_result o;
    ok = ok && spawn_run(bob, NULL, NULL, 0, 20000, &o) == 0;
    spawn_result_free(&o);
    ok = ok && spawn_run(carol, NULL, NULL, 0, 20000, &o) == 0;
    spawn_result_free(&o);
    if (!CHECK(ok, "set-up: sandboxes demo (@ann's, @bob editor, @carol viewer) and other (@zed's)"))
        return CHECK_SUMMARY();

    const char *more[] = {"--public-url", BASE "/", NULL};
    pid_t pid = drive_serve(bin, db, 0, more, &port, NULL, 0);
    struct drive_resp *r = resp_new(), *r2 = resp_new();
    struct session ann, bobs, odd;
    CHECK(sign_in("@ann", &ann, r) == 0, "@ann signs in");
    CHECK(sign_in("@bob", &bobs, r) == 0, "@bob signs in");
    CHECK(sign_in(ODD, &odd, r) == 0, "the e-mail principal " ODD " signs in");
    CHECK(strcmp(ann.csrf, bobs.csrf) != 0, "each session has its own CSRF token");

    /* ---- CSRF: without the token, with another session's: 403 and nothing changed ---- */
    char *before = state_of();
    CHECK(before != NULL, "the store's state can be read");
    CHECK(post(&ann, "/ui/s/demo/act", "action=revoke&principal=%40carol", r) == 403 && safe_headers(r),
          "a revoke posted without csrf: 403");
    CHECK(same_state(before), "… and nothing changed: grants, audit, requests");
    snprintf(body, sizeof body, "csrf=%s&action=revoke&principal=%%40carol", bobs.csrf);
    CHECK(post(&ann, "/ui/s/demo/act", body, r) == 403, "a revoke posted with another session's csrf: 403");
    CHECK(same_state(before), "… and nothing changed");
    snprintf(body, sizeof body, "csrf=%.63sx&action=revoke&principal=%%40carol", ann.csrf);
    CHECK(post(&ann, "/ui/s/demo/act", body, r) == 403, "a revoke posted with a token one digit off: 403");
    CHECK(post(&ann, "/ui/s/demo/act", "csrf=&action=revoke&principal=%40carol", r) == 403,
          "a revoke posted with an empty csrf: 403");
    CHECK(same_state(before), "… and nothing changed");
    snprintf(body, sizeof body, "csrf=%s&action=revoke&principal=%%40carol", ann.csrf);
    CHECK(post(&bobs, "/ui/s/demo/act", body, r) == 403 && same_state(before),
          "@ann's token in @bob's session: 403, nothing changed");
    CHECK_INT(test_db_count(db, "SELECT count(*) FROM pending"), 0,
              "no change waits for a confirmation either");
    /* A field too long for what it may hold refuses the form: a project dropped would have made a
     * project's revoke a sandbox-wide one, a length dropped a request with no end. */
    char longer[400];
    memset(longer, 'p', 300);
    longer[300] = '\0';
    snprintf(body, sizeof body, "csrf=%s&action=revoke&principal=%%40carol&project=%s", ann.csrf, longer);
    CHECK(post(&ann, "/ui/s/demo/act", body, r) == 400 && same_state(before),
          "a revoke whose project is too long: 400, nothing asked, nothing changed");
    snprintf(body, sizeof body, "csrf=%s&action=request&role=viewer&length=%s", bobs.csrf, longer);
    CHECK(post(&bobs, "/ui/s/demo/act", body, r) == 400 && same_state(before),
          "a request whose length is too long: 400, not a request with no end");
    CHECK_INT(test_db_count(db, "SELECT count(*) FROM pending"), 0, "and nothing waits");
    free(before);

    /* ---- Markup in a value: escaped wherever it is shown ---------------------------------- */
    snprintf(body, sizeof body,
             "csrf=%s&action=request&role=viewer&length=week&reason=%%3Cscript%%3Ealert(1)%%3C%%2Fscript%%3E+"
             "%%22quoted%%22+%%26+%%27x%%27",
             odd.csrf);
    long st = post(&odd, "/ui/s/demo/act", body, r);
    char token[16] = "";
    token_of(r, token);
    if (st == 200 && token[0] && strstr(r->body, "Confirm the change")) {
        snprintf(body, sizeof body, "csrf=%s&action=confirm&token=%s", odd.csrf, token);
        st = post(&odd, "/ui/s/demo/act", body, r);
    }
    CHECKF(st == 200 && test_db_count(db, "SELECT count(*) FROM requests WHERE state = 'waiting'") == 1,
           "the e-mail principal requests access through the page, with markup in the reason",
           "status %ld: %.600s", st, r->body);
    char *note = test_db_text(db, "SELECT note FROM requests");
    CHECKF(note && strstr(note, "<script>alert(1)</script>"), "the note is kept as written", "got '%s'",
           note ? note : "(none)");
    free(note);
    const char *raw[] = {"<script", "alert(1)</", "<b>", "\"quoted\"", "'x'", "& '", NULL};
    struct {
        struct session *s;
        const char *path, *what;
    } looks[] = {{&ann, "/ui/s/demo", "the owner's access page"},
                 {&ann, "/ui/s/demo/audit", "the owner's audit page"},
                 {&ann, "/ui/", "the owner's list"},
                 {&odd, "/ui/s/demo", "the requester's own page"},
                 {&odd, "/ui/", "the requester's list"}};
    for (size_t i = 0; i < sizeof looks / sizeof looks[0]; i++) {
        CHECKF(get(looks[i].s, looks[i].path, r) == 200, looks[i].what, "status %ld", r->status);
        for (int k = 0; raw[k]; k++)
            CHECKF(!strstr(r->body, raw[k]), "nothing raw on the page", "%s holds '%s'", looks[i].what,
                   raw[k]);
    }
    get(&ann, "/ui/s/demo", r);
    CHECKF(strstr(r->body, "&lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot; &amp; &#39;x&#39;"),
           "the owner's page shows the reason escaped, whole", "%.3000s", r->body);
    CHECK(strstr(r->body, ODD) != NULL, "… and the principal as it is, %-escapes not decoded");
    CHECK(strstr(r->body, "Approve</button>") && strstr(r->body, "Revoke</button>"),
          "the owner sees Approve and Revoke");
    get(&ann, "/ui/s/demo/audit", r);
    CHECK(strstr(r->body, "<td data-label=\"Who\">" ODD "</td>") != NULL,
          "the audit page names the requester as written (its summary leaves the reason out)");

    /* ---- One 404 for no such sandbox and for one not related ------------------------------ */
    long s1 = get(&ann, "/ui/s/nosuch", r), s2 = get(&ann, "/ui/s/other", r2);
    CHECK(s1 == 404 && s2 == 404 && r->len == r2->len && memcmp(r->body, r2->body, r->len) == 0,
          "/ui/s/nosuch and /ui/s/other (@zed's, @ann unrelated): the same 404, byte for byte");
    CHECK(safe_headers(r) && safe_headers(r2), "… with the security headers");
    s1 = get(&ann, "/ui/s/nosuch/audit", r);
    s2 = get(&ann, "/ui/s/other/audit", r2);
    CHECK(s1 == 404 && s2 == 404 && r->len == r2->len && memcmp(r->body, r2->body, r->len) == 0,
          "their audit pages: the same 404");
    snprintf(body, sizeof body, "csrf=%s&action=revoke&principal=%%40zed", ann.csrf);
    s1 = post(&ann, "/ui/s/nosuch/act", body, r);
    s2 = post(&ann, "/ui/s/other/act", body, r2);
    CHECK(s1 == 404 && s2 == 404 && r->len == r2->len && memcmp(r->body, r2->body, r->len) == 0,
          "a post to either: the same 404");

    /* ---- An editor: no owner's buttons; a forged revoke is denied, audited, changes nothing ---- */
    CHECK(get(&bobs, "/ui/s/demo", r) == 200 && strstr(r->body, "Signed in as <strong>@bob</strong>"),
          "@bob (editor) sees demo's page");
    const char *owners[] = {"Revoke</button>", "Extend</button>",  "Change role",       "Approve</button>",
                            "Deny</button>",   "value=\"revoke\"", "value=\"approve\"", NULL};
    for (int k = 0; owners[k]; k++)
        CHECKF(!strstr(r->body, owners[k]), "the editor sees no owner's form", "found '%s'", owners[k]);
    CHECK(!strstr(r->body, "@carol"), "… nor others' grants");
    before = state_of();
    long denied0 =
        test_db_count(db, "SELECT count(*) FROM audit WHERE actor = '@bob' AND outcome = 'denied'");
    snprintf(body, sizeof body, "csrf=%s&action=revoke&principal=%%40carol", bobs.csrf);
    st = post(&bobs, "/ui/s/demo/act", body, r);
    token_of(r, token);
    CHECKF(st != 200 || !strstr(r->body, "Confirm the change"),
           "a forged revoke by the editor is not offered", "status %ld: %.600s", st, r->body);
    if (token[0]) { /* were it offered, its confirmation must still be refused */
        snprintf(body, sizeof body, "csrf=%s&action=confirm&token=%s", bobs.csrf, token);
        post(&bobs, "/ui/s/demo/act", body, r);
    }
    CHECKF(strstr(r->body, "enied") != NULL, "… the page says it is denied", "%.600s", r->body);
    CHECK_INT(test_db_count(db, "SELECT count(*) FROM grants WHERE principal = '@carol'"), 1,
              "@carol keeps her grant");
    CHECK_INT(test_db_count(db, "SELECT count(*) FROM audit WHERE actor = '@bob' AND outcome = 'denied' AND "
                                "intent = 'revoke'"),
              denied0 + 1, "the denied revoke is audited");
    char *after = state_of();
    CHECK(after && before && strncmp(after, before, strcspn(before, "/") + 1) == 0,
          "no grant changed (the audit alone grew)");
    free(after);
    free(before);

    /* ---- The audit page: the owner's; refused to others, unaudited ------------------------ */
    long events = test_db_count(db, "SELECT count(*) FROM audit");
    CHECK(get(&bobs, "/ui/s/demo/audit", r) == 403 && safe_headers(r), "@bob's GET of the audit page: 403");
    CHECK(strstr(r->body, "only the owner") != NULL, "… saying only the owner may read it");
    CHECK(get(&odd, "/ui/s/demo/audit?who=%40ann", r) == 403, "a member's (filtered): 403");
    CHECK_INT(test_db_count(db, "SELECT count(*) FROM audit"), events, "… and neither look is audited");
    CHECK(get(&ann, "/ui/s/demo/audit", r) == 200 && strstr(r->body, "@bob"), "the owner reads it");

    /* ---- The headers on every page, signed in or not -------------------------------------- */
    const char *paths[] = {"/ui/", "/ui/s/demo", "/ui/s/demo/audit", "/ui/s/nosuch", "/ui/nowhere", NULL};
    for (int k = 0; paths[k]; k++) {
        get(&ann, paths[k], r);
        CHECKF(safe_headers(r), "security headers (signed in)", "on %s: %.1000s", paths[k], r->headers);
        get(NULL, paths[k], r);
        CHECKF(safe_headers(r), "security headers (signed out)", "on %s: %.1000s", paths[k], r->headers);
    }
    get(NULL, "/ui/login?t=abc", r);
    CHECK(r->status == 403 && safe_headers(r), "security headers on a refused sign-in link");
    get(NULL, "/ui/signed-out", r);
    CHECK(safe_headers(r), "security headers on the signed-out page");
    snprintf(body, sizeof body, "csrf=%s&action=extend&principal=%%40carol&by=fortnight", ann.csrf);
    CHECK(post(&ann, "/ui/s/demo/act", body, r) == 400 && safe_headers(r), "… on a bad form's 400");
    snprintf(body, sizeof body, "csrf=%s&action=revoke&principal=%%40carol", ann.csrf);
    CHECK(post(&ann, "/ui/s/demo/act", body, r) == 200 && strstr(r->body, "Confirm the change") &&
              safe_headers(r),
          "… on a confirmation page");
    token_of(r, token);
    snprintf(body, sizeof body, "csrf=%s&action=cancel&token=%s", ann.csrf, token);
    CHECK(post(&ann, "/ui/s/demo/act", body, r) == 200 && safe_headers(r), "… on a result page (cancelled)");
    CHECK_INT(test_db_count(db, "SELECT count(*) FROM grants WHERE principal = '@carol'"), 1,
              "a cancelled revoke leaves @carol's grant");

    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    resp_free(r);
    resp_free(r2);
    if (pg_test_enabled()) pg_test_drop(db);
    char rm[600];
    snprintf(rm, sizeof rm, "rm -rf %s", dir);
    if (system(rm) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return CHECK_SUMMARY();
}
