/* test_render_html: the web page's pages (frontends/serve/render_html.h) from fixed data,
 * each compared with its golden file in tests/golden/html/, and the checks that matter on
 * every page: a hostile value (a principal, a request's note, an audit summary, a query)
 * appears only escaped; no script and no inline style anywhere; every POST form carries the
 * CSRF token; the viewer's page has no change forms and the owner's has them all; a key's
 * secret is never shown; an audit page shows every event it is given. Then the same pages from
 * real replies (execute_text on a real SQLite store), so that the shapes read are the ones the
 * pipeline makes.
 *
 * Usage: test_render_html GOLDEN_DIR [1]     (1 rewrites the golden files; set UPDATE=1 too)
 * The pages (and style.css) are also written to $HTML_OUT when it is set, to look at them in a
 * browser (their link to /ui/style.css then needs pointing at the file beside them). */
#define _GNU_SOURCE /* strcasestr */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../actions/execute.h"
#include "../frontends/cli/cli.h"
#include "../frontends/serve/render_html.h"
#include "../frontends/serve/ui_style.h"
#include "../intent/timecalc.h"
#include "check.h"

#define CSRF "c5rf-T0KEN_abc123"

static const char *golden_dir;
static int update;
static int64_t now;

static json_t *load(const char *s)
{
    json_error_t e;
    json_t *j = json_loads(s, 0, &e);
    if (!j) {
        printf("bad fixture JSON: %s (line %d)\n", e.text, e.line);
        abort();
    }
    return j;
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    struct text t = TEXT_INIT;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        text_append(&t, buf, n);
    fclose(f);
    return text_take(&t);
}

static void write_all(const char *dir, const char *name, const char *s, size_t n)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    CHECKF(f && fwrite(s, 1, n, f) == n && fclose(f) == 0, "write a page", "%s: %s", path, strerror(errno));
}

/* ---- What every page must be ---- */

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

static int contains_ci(const char *hay, const char *needle) { return strcasestr(hay, needle) != NULL; }

/* Every POST form holds the session's token as its csrf field; a GET form (the audit filter)
 * holds none, so that the token never lands in a URL. Returns the number of POST forms. */
static int forms_checked(const char *page, const char *name)
{
    int posts = 0;
    for (const char *f = strstr(page, "<form"); f; f = strstr(f + 1, "<form")) {
        const char *end = strstr(f, "</form>");
        if (!CHECKF(end != NULL, "every form is closed", "%s", name)) return posts;
        size_t n = (size_t)(end - f);
        char *form = strndup(f, n);
        if (strncmp(form, "<form method=\"post\"", 19) == 0) {
            posts++;
            CHECKF(strstr(form, "<input type=\"hidden\" name=\"csrf\" value=\"" CSRF "\">") != NULL,
                   "a POST form carries the CSRF token", "%s: %.200s", name, form);
        } else {
            CHECKF(strncmp(form, "<form method=\"get\"", 18) == 0 && !strstr(form, "csrf"),
                   "any other form is a GET without the token", "%s: %.200s", name, form);
        }
        free(form);
    }
    return posts;
}

static void page_checks(const char *page, const char *name)
{
    CHECKF(strncmp(page, "<!DOCTYPE html>\n<html lang=\"en\">", 31) == 0,
           "a page starts with its doctype and lang", "%s", name);
    CHECKF(strstr(page, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">") != NULL,
           "a page sets its viewport (a phone)", "%s", name);
    CHECKF(strstr(page, "<link rel=\"stylesheet\" href=\"/ui/style.css\">") != NULL,
           "a page links the stylesheet", "%s", name);
    CHECKF(!contains_ci(page, "<script"), "no script", "%s", name);
    CHECKF(!contains_ci(page, "style="), "no style attribute", "%s", name);
    CHECKF(!contains_ci(page, "<style"), "no style element", "%s", name);
    CHECKF(!contains_ci(page, "javascript:"), "no javascript: URL", "%s", name);
    /* The tags a page opens are closed (a value that broke out of its element would not be). */
    static const char *const tags[] = {"form",    "table", "tr",  "td",     "th",    "details",
                                       "section", "p",     "a",   "select", "label", "ul",
                                       "li",      "nav",   "div", "dl",     "time",  "span"};
    for (size_t i = 0; i < sizeof tags / sizeof *tags; i++) {
        char open[16], attrs[16], close[16];
        snprintf(open, sizeof open, "<%s>", tags[i]);
        snprintf(attrs, sizeof attrs, "<%s ", tags[i]);
        snprintf(close, sizeof close, "</%s>", tags[i]);
        int opened = count(page, open) + count(page, attrs), closed = count(page, close);
        CHECKF(opened == closed, "tags are balanced", "%s: <%s> opened %d, closed %d", name, tags[i], opened,
               closed);
    }
    forms_checked(page, name);
}

/* Compares the page with its golden file (or rewrites it), then runs the checks. */
static void golden(struct text *page, int rc, const char *name)
{
    if (!CHECKF(rc == 0 && !text_failed(page), "the page is made", "%s", name)) return;
    page_checks(page->s, name);
    const char *out = getenv("HTML_OUT");
    if (out && *out) write_all(out, name, page->s, page->len);
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", golden_dir, name);
    if (update) {
        write_all(golden_dir, name, page->s, page->len);
        return;
    }
    char *want = read_all(path);
    if (!CHECKF(want != NULL, "a golden file", "%s missing: run test_render_html DIR 1 to write it", path))
        return;
    if (strcmp(want, page->s) != 0) {
        size_t at = 0;
        while (want[at] && want[at] == page->s[at])
            at++;
        size_t from = at > 80 ? at - 80 : 0;
        CHECKF(0, "the page is its golden file", "%s differs at byte %zu:\n  got:  …%.160s\n  want: …%.160s",
               name, at, page->s + from, want + from);
    } else {
        CHECK(1, "the page is its golden file");
    }
    free(want);
}

/* ---- Fixed data ---- */

static const char members_json[] =
    "[{\"principal\": \"@owner\", \"role\": \"owner\", \"project\": null, \"expires_at\": null,"
    "  \"granted_by\": null, \"granted_at\": null},"
    " {\"principal\": \"@bob\", \"role\": \"editor\", \"project\": null, \"expires_at\": "
    "\"2026-12-05T17:00:00Z\","
    "  \"granted_by\": \"@owner\", \"granted_at\": \"2026-11-30T09:15:00Z\"},"
    " {\"principal\": \"@carol\", \"role\": \"viewer\", \"project\": \"web\", \"expires_at\": null,"
    "  \"granted_by\": \"@owner\", \"granted_at\": \"2026-10-01T12:00:00Z\"},"
    " {\"principal\": \"slack:U024BE7LH\", \"role\": \"viewer\", \"project\": null,"
    "  \"expires_at\": \"2027-01-01T00:00:00Z\", \"granted_by\": \"@bob\", \"granted_at\": "
    "\"2026-12-02T16:58:00Z\"}]";

static const char mode_json[] = "{\"mode\": \"collaborated\", \"collaborators\": [\"@bob\", \"@dave\"], "
                                "\"secrets\": \"listed\"}";

static const char agents_json[] = "[{\"name\": \"builder\"}, {\"name\": \"reviewer\"}]";
static const char keys_json[] =
    "[{\"agent\": \"builder\", \"kind\": \"delegate\", \"principal\": \"@bob\","
    "  \"expires_at\": \"2026-12-09T17:00:00Z\", \"created_by\": \"@owner\", \"created_at\": "
    "\"2026-12-01T10:00:00Z\","
    "  \"secret\": \"ck_NEVERSHOWNNEVERSHOWN\"},"
    " {\"agent\": \"builder\", \"kind\": \"embed\", \"principal\": null, \"expires_at\": null,"
    "  \"created_by\": \"@owner\", \"created_at\": \"2026-11-20T10:00:00Z\"}]";

static const char requests_json[] =
    "[{\"token\": \"R7K2\", \"principal\": \"@erin\", \"role\": \"editor\", \"project\": null,"
    "  \"expires_at\": null, \"duration\": \"P7D\", \"note\": \"to fix the login bug\","
    "  \"requested_at\": \"2026-12-02T15:00:00Z\", \"lapses_at\": \"2026-12-09T15:00:00Z\"},"
    " {\"token\": \"Q4M8\", \"principal\": \"@frank\", \"role\": \"viewer\", \"project\": \"web\","
    "  \"expires_at\": \"2026-12-31T23:00:00Z\", \"duration\": null, \"note\": null,"
    "  \"requested_at\": \"2026-12-01T08:00:00Z\", \"lapses_at\": \"2026-12-08T08:00:00Z\"}]";

static const char my_requests_json[] =
    "[{\"token\": \"W2P9\", \"principal\": \"@carol\", \"role\": \"editor\", \"project\": \"web\","
    "  \"expires_at\": null, \"duration\": null, \"note\": \"the release\","
    "  \"requested_at\": \"2026-12-02T10:00:00Z\", \"lapses_at\": \"2026-12-09T10:00:00Z\"}]";

static const char sandboxes_json[] =
    "[{\"name\": \"demo\", \"workspace\": \"acme\", \"owner\": \"@owner\", \"relation\": \"owner\"},"
    " {\"name\": \"billing\", \"workspace\": \"acme\", \"owner\": \"@zoe\", \"relation\": \"editor\"},"
    " {\"name\": \"handbook\", \"workspace\": \"acme\", \"owner\": \"@yan\", \"relation\": \"member\"}]";

static const char events_json[] =
    "[{\"event\": 12, \"at\": \"2026-12-02T16:58:00Z\", \"actor\": \"@bob\", \"outcome\": \"done\","
    "  \"summary\": \"Invited slack:U024BE7LH as viewer until the end of Thu 31 Dec 2026.\"},"
    " {\"event\": 11, \"at\": \"2026-12-02T11:00:00Z\", \"actor\": \"@mallory\", \"outcome\": \"denied\","
    "  \"summary\": \"denied: revoke @bob (owner-only)\"},"
    " {\"event\": 10, \"at\": \"2026-11-30T09:15:00Z\", \"actor\": \"@owner\", \"outcome\": \"done\","
    "  \"summary\": \"Invited @bob as editor for 5 days.\"},"
    " {\"event\": 9, \"at\": \"2026-11-29T00:00:00Z\", \"actor\": \"concierge\", \"outcome\": \"done\","
    "  \"summary\": \"@zed's viewer access expired.\"}]";

static const struct html_viewer owner = {"@owner", CSRF, 0};

static struct html_access access_data(json_t **keep)
{
    keep[0] = load(members_json), keep[1] = load(mode_json), keep[2] = load(agents_json);
    keep[3] = load(keys_json), keep[4] = load(requests_json), keep[5] = load(my_requests_json);
    struct html_access a = {keep[0], keep[1], keep[2], keep[3], keep[4], NULL};
    return a;
}

static void release(json_t **keep, int n)
{
    for (int i = 0; i < n; i++)
        json_decref(keep[i]);
}

/* ---- The pages ---- */

static void test_escape(void)
{
    struct text t = TEXT_INIT;
    html_escape(&t, "a&b<c>d\"e'f");
    CHECK_STR(t.s, "a&amp;b&lt;c&gt;d&quot;e&#39;f", "html_escape: & < > \" '");
    text_reset(&t);
    html_escape(&t, NULL);
    html_escape(&t, "plain é");
    CHECK_STR(t.s, "plain é", "html_escape leaves the rest (UTF-8 too), NULL writes nothing");
    text_reset(&t);
    url_encode(&t, "a b/c?d=e&f\"<é~");
    CHECK_STR(t.s, "a%20b%2Fc%3Fd%3De%26f%22%3C%C3%A9~", "url_encode: a value never shapes the URL");
    text_free(&t);
    CHECK_INT((long long)ui_style_css_len, (long long)strlen(ui_style_css), "the stylesheet's length");
    CHECK(strstr(ui_style_css, "@media (max-width: 40rem)") != NULL,
          "the stylesheet stacks tables on a phone");
}

static void test_sandboxes(void)
{
    json_t *s = load(sandboxes_json), *none = json_array();
    struct html_viewer v = owner;
    v.now = now;
    struct text p = TEXT_INIT;
    golden(&p, html_page_sandboxes(&p, &v, s), "sandboxes.html");
    CHECK(strstr(p.s, "<a href=\"/ui/s/billing\">billing</a>") != NULL, "each sandbox links its page");
    CHECK(strstr(p.s, "<strong>@owner</strong>") && strstr(p.s, "action=\"/ui/logout\""),
          "the header names who is signed in, and signs out by POST");
    text_reset(&p);
    golden(&p, html_page_sandboxes(&p, &v, none), "sandboxes_none.html");
    CHECK(strstr(p.s, "not related to any sandbox") != NULL, "no sandbox: said so");
    text_free(&p);
    json_decref(s);
    json_decref(none);
}

static void test_access_owner(void)
{
    json_t *keep[6];
    struct html_access a = access_data(keep);
    struct html_may may = {1, 0, 1};
    struct html_viewer v = owner;
    v.now = now;
    struct text p = TEXT_INIT;
    golden(&p, html_page_access(&p, &v, "demo", &a, &may), "access_owner.html");
    /* Three grants besides the owner's: each with Revoke and Change role, Extend where it ends. */
    CHECK_INT(count(p.s, "name=\"action\" value=\"revoke\""), 3,
              "the owner: Revoke on every grant but the owner's");
    CHECK_INT(count(p.s, "name=\"action\" value=\"change_role\""), 3,
              "the owner: Change role on every grant");
    CHECK_INT(count(p.s, "name=\"action\" value=\"extend\""), 2, "the owner: Extend where a grant ends");
    CHECK_INT(count(p.s, "name=\"action\" value=\"approve\""), 2, "the owner: Approve on each request");
    CHECK_INT(count(p.s, "name=\"action\" value=\"deny\""), 2, "the owner: Deny on each request");
    CHECK_INT(count(p.s, "name=\"action\" value=\"request\""), 0, "the owner does not request access");
    CHECK_INT(forms_checked(p.s, "access_owner"), 1 + 3 + 3 + 2 + 2 + 2, "every form counted (sign out too)");
    CHECK(strstr(p.s, "action=\"/ui/s/demo/act\"") != NULL, "changes post to /ui/s/NAME/act");
    CHECK(strstr(p.s, "<option value=\"day\">a day</option><option value=\"week\">a week</option>"
                      "<option value=\"month\">a month</option>") != NULL,
          "Extend by a day, a week or a month");
    CHECK(strstr(p.s, "<input type=\"hidden\" name=\"project\" value=\"web\">") != NULL,
          "a project grant's forms name its project");
    CHECK(strstr(p.s, "(in 3 days)") != NULL, "an expiry says how far it is, as the terminal does");
    CHECK(strstr(p.s, "<time datetime=\"2026-12-05T17:00:00Z\">Sat 05 Dec 2026 17:00 UTC</time>") != NULL,
          "an instant in the one format, machine-readable beside it");
    CHECK(strstr(p.s, "the end of Thu 31 Dec 2026") != NULL,
          "an expiry at midnight is the end of the day before");
    CHECK(strstr(p.s, ">7 days</td>") && strstr(p.s, "to fix the login bug"),
          "a request: its length and its reason");
    CHECK(strstr(p.s, "href=\"/ui/s/demo/audit\"") != NULL, "the audit log is linked");
    CHECK(strstr(p.s, "@dave") && strstr(p.s, "only those the owner lists are mounted"),
          "the sharing mode and its collaborators");
    CHECK(!strstr(p.s, "ck_NEVERSHOWN") && !contains_ci(p.s, "secret\""), "a key's secret is never shown");
    CHECK(strstr(p.s, "(no person)") && strstr(p.s, "With no keys: reviewer."),
          "a key of no person and an agent with no key are both shown");
    text_free(&p);
    release(keep, 6);
}

static void test_access_viewer(void)
{
    json_t *keep[6];
    struct html_access a = access_data(keep);
    /* The same data as the owner's page, given whole: the flags alone hide the changes. */
    struct html_may none = {0, 0, 0}, related = {0, 1, 1};
    struct html_viewer v = {"@carol", CSRF, now};
    struct text p = TEXT_INIT;
    golden(&p, html_page_access(&p, &v, "demo", &a, &none), "access_viewer.html");
    static const char *const changes[] = {"value=\"revoke\"",  "value=\"extend\"", "value=\"change_role\"",
                                          "value=\"approve\"", "value=\"deny\"",   "value=\"request\"",
                                          ">Revoke<",          ">Extend<",         "Change role",
                                          ">Approve<",         ">Deny<",           "/act\""};
    for (size_t i = 0; i < sizeof changes / sizeof *changes; i++)
        CHECKF(!strstr(p.s, changes[i]), "a viewer sees no change button (seed 001)", "found %s", changes[i]);
    CHECK_INT(forms_checked(p.s, "access_viewer"), 1, "a viewer's page: Sign out is its only form");
    CHECK(!strstr(p.s, "/audit"), "no audit link when it may not be seen");

    text_reset(&p);
    a.requests = NULL;
    a.my_requests = keep[5];
    golden(&p, html_page_access(&p, &v, "demo", &a, &related), "access_related.html");
    CHECK_INT(count(p.s, "name=\"action\" value=\"request\""), 1, "a related non-owner may request access");
    CHECK(strstr(p.s, "<select id=\"rq-role\" name=\"role\">") && strstr(p.s, "name=\"length\"") &&
              strstr(p.s, "<label for=\"rq-reason\">Reason (optional)</label>"),
          "Request access: role, length, reason, each labelled");
    CHECK(strstr(p.s, "Your requests") && strstr(p.s, "W2P9"), "the viewer's own requests are shown");
    CHECK(!strstr(p.s, "value=\"approve\"") && !strstr(p.s, "value=\"revoke\""), "and no owner's change");
    text_free(&p);
    release(keep, 6);
}

/* A principal, a request's note, an audit line, a sandbox name and a query holding markup and
 * quotes: each appears only escaped. */
static void test_hostile(void)
{
    static const char evil[] = "<script>alert(1)</script>\"q\" 'a'";
    static const char evil_escaped[] = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;q&quot; &#39;a&#39;";
    json_t *members =
        json_pack("[{s:s, s:s, s:n, s:s, s:s, s:s}]", "principal", evil, "role", "editor", "project",
                  "expires_at", "2026-12-05T17:00:00Z", "granted_by", evil, "granted_at", evil);
    json_t *requests =
        json_pack("[{s:s, s:s, s:s, s:s, s:s, s:s, s:s}]", "token", evil, "principal", evil, "role", "viewer",
                  "project", evil, "duration", evil, "note", evil, "lapses_at", evil);
    json_t *mode = json_pack("{s:s, s:[s], s:s}", "mode", evil, "collaborators", evil, "secrets", evil);
    json_t *keys = json_pack("[{s:s, s:s, s:s}]", "agent", evil, "kind", evil, "principal", evil);
    json_t *agents = json_pack("[{s:s}]", "name", evil);
    json_t *events =
        json_pack("[{s:s, s:s, s:s, s:s}]", "at", evil, "actor", evil, "outcome", evil, "summary", evil);
    json_t *sandboxes =
        json_pack("[{s:s, s:s, s:s, s:s}]", "name", evil, "workspace", evil, "owner", evil, "relation", evil);
    struct html_access a = {members, mode, agents, keys, requests, requests};
    struct html_may all = {1, 1, 1};
    struct html_viewer v = {evil, evil, now};
    struct html_audit_query q = {evil, evil, evil, evil};
    struct reply r;
    reply_init(&r);
    r.status = RS_NEEDS_CONFIRMATION;
    snprintf(r.token, sizeof r.token, "K7Q2");
    reply_summary(&r, "Revoke %s's access", evil);
    reply_part(&r, ": ", "%s", evil);
    r.step_at = r.summary.len;
    reply_append(&r, " To carry it out, say: confirm K7Q2");
    r.step_end = r.summary.len;
    reply_append(&r, ". %s", evil);

    struct text p = TEXT_INIT;
    for (int page = 0; page < 7; page++) {
        text_reset(&p);
        int rc = page == 0   ? html_page_access(&p, &v, evil, &a, &all)
                 : page == 1 ? html_page_audit(&p, &v, evil, events, &q)
                 : page == 2 ? html_page_sandboxes(&p, &v, sandboxes)
                 : page == 3 ? html_page_confirm(&p, &v, evil, &r)
                 : page == 4 ? (r.status = RS_DENIED, html_page_result(&p, &v, evil, &r))
                 : page == 5 ? html_page_not_found(&p, &v)
                             : html_page_sign_in_help(&p, evil);
        r.status = RS_NEEDS_CONFIRMATION;
        if (!CHECKF(rc == 0, "a hostile page is made", "page %d", page)) continue;
        CHECKF(!contains_ci(p.s, "<script"), "markup in a value is never markup", "page %d", page);
        CHECKF(!strstr(p.s, "\"q\"") && !strstr(p.s, "'a'"), "quotes in a value never end an attribute",
               "page %d", page);
        CHECKF(strstr(p.s, evil_escaped) != NULL, "the value is shown, escaped", "page %d", page);
        CHECKF(!contains_ci(p.s, "style="), "no style attribute", "page %d", page);
    }
    /* In a URL the name is percent-encoded; in a value attribute it is escaped. */
    text_reset(&p);
    html_page_audit(&p, &v, "a b\"c", events, &q);
    CHECK(strstr(p.s, "href=\"/ui/s/a%20b%22c/audit?who=%3Cscript%3E") != NULL,
          "a name in a link is url-encoded");
    text_free(&p);
    reply_clear(&r);
    json_decref(members), json_decref(requests), json_decref(mode), json_decref(keys), json_decref(agents);
    json_decref(events), json_decref(sandboxes);
}

static void test_audit(void)
{
    json_t *events = load(events_json);
    struct html_viewer v = owner;
    v.now = now;
    struct html_audit_query newest = {NULL, NULL, NULL, "9"}, filtered = {"@bob", "2026-11-01", "9", "5"};
    struct text p = TEXT_INIT;
    golden(&p, html_page_audit(&p, &v, "demo", events, &newest), "audit.html");
    CHECK_INT(count(p.s, "<tr>") - 1, 4, "every event given is a row (never cut)");
    CHECK(strstr(p.s, "4 events, newest first; older ones are on the next page") != NULL,
          "the count, in number, and that there are older ones");
    CHECK(strstr(p.s, "href=\"/ui/s/demo/audit?before=9\">Older events</a>") != NULL,
          "the older page's link");
    CHECK(strstr(p.s, "<td data-label=\"What\">revoke @bob (owner-only)</td>") != NULL,
          "a denial says denied once, in its outcome");
    CHECK(strstr(p.s, "<form method=\"get\" action=\"/ui/s/demo/audit\" class=\"filter\">") != NULL,
          "the filter is a GET form");
    text_reset(&p);
    golden(&p, html_page_audit(&p, &v, "demo", events, &filtered), "audit_filtered.html");
    CHECK(
        strstr(p.s, "href=\"/ui/s/demo/audit?who=%40bob&amp;since=2026-11-01&amp;before=5\">Older events") !=
            NULL,
        "the older link keeps the filter");
    CHECK(strstr(p.s, "href=\"/ui/s/demo/audit?who=%40bob&amp;since=2026-11-01\">Newest events") != NULL,
          "a later page links back to the newest");
    CHECK(strstr(p.s, "value=\"@bob\"") && strstr(p.s, "value=\"2026-11-01\""),
          "the filter shows what it holds");
    text_reset(&p);
    json_t *none = json_array();
    struct html_audit_query q = {"@nobody", NULL, NULL, NULL};
    golden(&p, html_page_audit(&p, &v, "demo", none, &q), "audit_none.html");
    CHECK(strstr(p.s, "No events match.") && !strstr(p.s, "Older events"), "no events: said so, no paging");
    json_decref(none);
    text_free(&p);
    json_decref(events);
}

static void test_confirm_and_result(void)
{
    struct html_viewer v = owner;
    v.now = now;
    struct reply r;
    reply_init(&r);
    r.status = RS_NEEDS_CONFIRMATION;
    snprintf(r.token, sizeof r.token, "K7Q2");
    reply_summary(&r, "Revoke @bob's access to sandbox demo (editor, until Sat 5 Dec 2026 17:00 UTC).");
    r.step_at = r.summary.len;
    reply_append(&r, " To carry it out, say: confirm K7Q2");
    r.step_end = r.summary.len;
    reply_append(&r, ". 2 changes wait for your confirmation here: K7Q2, M3X8.");
    struct text p = TEXT_INIT;
    golden(&p, html_page_confirm(&p, &v, "demo", &r), "confirm.html");
    CHECK(!strstr(p.s, "To carry it out"), "the typed step is replaced by the buttons");
    CHECK(strstr(p.s, "2 changes wait for your confirmation here: K7Q2, M3X8.") != NULL,
          "what else waits is kept");
    CHECK_INT(count(p.s, "<input type=\"hidden\" name=\"token\" value=\"K7Q2\">"), 2,
              "Confirm and Cancel both carry the token");
    CHECK(strstr(p.s, "value=\"confirm\"") && strstr(p.s, "value=\"cancel\""), "Confirm and Cancel");
    reply_clear(&r);

    /* A revoke of several grants: its rows as a list. */
    reply_init(&r);
    r.status = RS_DONE;
    reply_summary(&r, "Revoked @bob's access in sandbox demo");
    reply_part(&r, ": ", "editor on the whole sandbox");
    reply_part(&r, "; ", "viewer on project web");
    reply_append(&r, ".");
    text_reset(&p);
    golden(&p, html_page_result(&p, &v, "demo", &r), "result_done.html");
    CHECK(strstr(p.s, "<li>viewer on project web</li>") && strstr(p.s, "<h1>Done</h1>"),
          "done, with its rows");
    reply_clear(&r);

    reply_init(&r);
    reply_fail(&r, C_DENIED, "denied: only the owner of sandbox demo can revoke access");
    snprintf(r.rule, sizeof r.rule, "owner-only");
    text_reset(&p);
    golden(&p, html_page_result(&p, &v, "demo", &r), "result_denied.html");
    CHECK(strstr(p.s, "<h1>Denied</h1>") && strstr(p.s, "owner-only"), "a denial: said so, with its rule");
    reply_clear(&r);

    reply_init(&r);
    reply_fail(&r, C_NO_EXPIRY_TO_EXTEND, NULL);
    text_reset(&p);
    golden(&p, html_page_result(&p, &v, "demo", &r), "result_rejected.html");
    CHECK(strstr(p.s, "<h1>Not possible</h1>") != NULL, "a rejection: not possible, with its sentence");
    reply_clear(&r);
    text_free(&p);
}

static void test_other_pages(void)
{
    struct html_viewer v = owner;
    v.now = now;
    struct text p = TEXT_INIT;
    golden(&p, html_page_not_found(&p, &v), "not_found.html");
    text_reset(&p);
    golden(&p, html_page_signed_out(&p), "signed_out.html");
    CHECK(!strstr(p.s, "Sign out") && !strstr(p.s, "<form"), "signed out: no header form");
    text_reset(&p);
    golden(&p, html_page_sign_in_help(&p, NULL), "sign_in.html");
    CHECK(strstr(p.s, "<code>concierge open</code>") && strstr(p.s, "open the web page"),
          "both ways to a link");
    text_reset(&p);
    golden(&p, html_page_sign_in_help(&p, "That link was used or has lapsed."), "sign_in_lapsed.html");
    text_free(&p);
}

/* ---- From real replies ---- */

static struct store *st;

static void admin_in(const char *command)
{
    char buf[256];
    char *argv[16], *save = NULL;
    int argc = 0;
    snprintf(buf, sizeof buf, "%s", command);
    for (char *t = strtok_r(buf, " ", &save); t && argc < 16; t = strtok_r(NULL, " ", &save))
        argv[argc++] = t;
    fflush(stdout);
    int saved = dup(1), nul = open("/dev/null", O_WRONLY);
    if (saved < 0 || nul < 0 || dup2(nul, 1) < 0) abort();
    int rc = admin_run(st, argc, argv, 0);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    close(nul);
    CHECK(rc == 0, command);
}

static void exec_as(const char *actor, int yes, const char *text, struct reply *r)
{
    struct exec_ctx x = {
        .store = st, .actor = actor, .sandbox = "demo", .now = now, .yes = yes, .conversation = "web:test"};
    reply_init(r);
    execute_text(&x, text, strlen(text), r);
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

static void test_real_replies(void)
{
    char dir[] = "/tmp/render_html.XXXXXX", db[64], err[256];
    if (!CHECK(mkdtemp(dir) != NULL, "a work folder")) return;
    snprintf(db, sizeof db, "%s/s.db", dir);
    if (!CHECKF(store_open(db, STORE_CREATE, &st, err, sizeof err) == STORE_OK, "a store", "%s", err)) return;
    admin_in("workspace add default");
    admin_in("sandbox add demo --owner @ann");
    admin_in("project add demo web");
    admin_in("workspace member add default @erin");
    static const char *const changes[] = {
        "invite @bob as editor for 3 days", "invite @carol as viewer on the web project",
        "switch to collaborated mode", "only let @bob into this sandbox's workloads"};
    struct reply r, list, mode, pending, audit;
    for (size_t i = 0; i < sizeof changes / sizeof *changes; i++) {
        exec_as("@ann", 1, changes[i], &r);
        CHECKF(r.status == RS_DONE, "a change for the page", "%s: %s", changes[i], r.summary.s);
        reply_clear(&r);
    }
    /* A request whose reason holds markup and quotes, as a person may type it. */
    exec_as("@erin", 0, "request editor access for 1 week because \"<b>urgent</b>\" it's the release", &r);
    CHECKF(r.status == RS_DONE, "a request", "%s", r.summary.s);
    reply_clear(&r);
    exec_as("@ann", 0, "who has access?", &list);
    exec_as("@ann", 0, "what's the sharing mode?", &mode);
    exec_as("@ann", 0, "what's pending?", &pending);
    exec_as("@ann", 0, "show the audit log", &audit);
    CHECK(list.status == RS_DONE && mode.status == RS_DONE && pending.status == RS_DONE &&
              audit.status == RS_DONE,
          "the readings for the page");

    struct html_viewer v = {"@ann", CSRF, now};
    struct html_access a = {json_object_get(list.result, "members"),     mode.result, NULL, NULL,
                            json_object_get(pending.result, "requests"), NULL};
    struct html_may owner_may = {1, 0, 1}, none = {0, 0, 0};
    struct text p = TEXT_INIT;
    CHECK(html_page_access(&p, &v, "demo", &a, &owner_may) == 0, "the owner's page from real replies");
    page_checks(p.s, "real access (owner)");
    size_t members = json_array_size(a.members);
    CHECK_INT((long long)members, 3, "the owner, @bob and @carol");
    CHECK_INT(count(p.s, "name=\"action\" value=\"revoke\""), (int)members - 1, "Revoke on each real grant");
    CHECK(strstr(p.s, "<input type=\"hidden\" name=\"project\" value=\"web\">") != NULL, "@carol's project");
    CHECK(strstr(p.s, "(in 3 days)") != NULL, "@bob's grant ends in 3 days");
    CHECK_INT(count(p.s, "name=\"action\" value=\"approve\""), 1, "@erin's request, to approve");
    CHECK(strstr(p.s, "&quot;&lt;b&gt;urgent&lt;/b&gt;&quot; it&#39;s the release") != NULL,
          "the request's real note, escaped");
    CHECK(!strstr(p.s, "<b>urgent"), "its markup never markup");
    CHECK(strstr(p.s, ">collaborated</dd>") && strstr(p.s, "@bob</dd>"), "the real mode and collaborators");
    text_reset(&p);
    CHECK(html_page_access(&p, &v, "demo", &a, &none) == 0, "the same, flags off");
    CHECK(!strstr(p.s, "/act\""), "no change form with the flags off, whatever the data");

    text_reset(&p);
    struct html_audit_query q = {0};
    json_t *events = json_object_get(audit.result, "events");
    CHECK(html_page_audit(&p, &v, "demo", events, &q) == 0, "the audit page from a real reply");
    page_checks(p.s, "real audit");
    CHECK(json_array_size(events) >= 5, "the changes and the request are audited");
    CHECK_INT(count(p.s, "<tr>") - 1, (int)json_array_size(events), "every real event a row");

    /* A change kept waiting (no --yes, no one to ask): the confirmation page. */
    exec_as("@ann", 0, "revoke @bob", &r);
    if (CHECKF(r.status == RS_NEEDS_CONFIRMATION && r.token[0], "revoke waits", "%s", r.summary.s)) {
        text_reset(&p);
        CHECK(html_page_confirm(&p, &v, NULL, &r) == 0, "the confirmation page from a real reply");
        page_checks(p.s, "real confirm");
        char field[64];
        snprintf(field, sizeof field, "name=\"token\" value=\"%s\"", r.token);
        CHECK_INT(count(p.s, field), 2, "Confirm and Cancel carry the real token");
        CHECK(strstr(p.s, "action=\"/ui/s/demo/act\"") != NULL, "the intent's sandbox when none is given");
        CHECK(!strstr(p.s, "To carry it out"), "the typed step left out");
    }
    reply_clear(&r);
    text_free(&p);
    reply_clear(&list), reply_clear(&mode), reply_clear(&pending), reply_clear(&audit);
    store_close(st);
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_render_html GOLDEN_DIR [1]\n");
        return 2;
    }
    golden_dir = argv[1];
    update =
        (argc > 2 && strcmp(argv[2], "1") == 0) || (getenv("UPDATE") && strcmp(getenv("UPDATE"), "1") == 0);
    if (update) mkdir(golden_dir, 0755);
    tz_use("UTC");
    if (parse_rfc3339("2026-12-02T17:00:00Z", &now)) return 1;
    test_escape();
    test_sandboxes();
    test_access_owner();
    test_access_viewer();
    test_hostile();
    test_audit();
    test_confirm_and_result();
    test_other_pages();
    test_real_replies();
    const char *out = getenv("HTML_OUT");
    if (out && *out) write_all(out, "style.css", ui_style_css, ui_style_css_len);
    if (update) printf("golden files written to %s\n", golden_dir);
    return CHECK_SUMMARY();
}
