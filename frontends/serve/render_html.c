/* The web page's pages (render_html.h). */
#include "render_html.h"

#include <string.h>

#include "../../intent/describe.h"
#include "../../intent/duration.h"

static const char *str(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

static int finish(struct text *out)
{
    html_page_end(out);
    return text_failed(out) ? -1 : 0;
}

/* An element holding one escaped value: <TAG>value</TAG>. */
static void tagged(struct text *out, const char *tag, const char *value)
{
    text_printf(out, "<%s>", tag);
    html_escape(out, value);
    text_printf(out, "</%s>", tag);
}

/* "/ui/s/NAME" and what follows, NAME url-encoded (the caller escapes the whole for HTML). */
static void sandbox_url(struct text *url, const char *sandbox, const char *rest)
{
    text_puts(url, "/ui/s/");
    url_encode(url, sandbox);
    text_puts(url, rest);
}

/* <a href="URL">label</a>, both escaped. */
static void link(struct text *out, const char *url, const char *label)
{
    text_puts(out, "<a href=\"");
    html_escape(out, url);
    text_puts(out, "\">");
    html_escape(out, label);
    text_puts(out, "</a>");
}

/* The trail above a sandbox's pages: Sandboxes › NAME [› here]. */
static void trail(struct text *out, const char *sandbox, const char *here)
{
    struct text url = TEXT_INIT;
    sandbox_url(&url, sandbox, "");
    text_puts(out, "<nav class=\"trail\" aria-label=\"Where you are\"><a href=\"/ui/\">Sandboxes</a> › ");
    if (here) {
        link(out, url.s, sandbox);
        text_puts(out, " › ");
        html_escape(out, here);
    } else {
        html_escape(out, sandbox);
    }
    text_puts(out, "</nav>\n");
    if (text_failed(&url)) out->oom = 1;
    text_free(&url);
}

/* A table cell with its column's name for narrow screens (the stylesheet stacks the cells and
 * shows data-label before each). The caller writes the content and closes it with </td>. */
static void cell(struct text *out, const char *label) { text_printf(out, "<td data-label=\"%s\">", label); }

static void cell_value(struct text *out, const char *label, const char *value, const char *none)
{
    cell(out, label);
    html_escape(out, value ? value : none);
    text_puts(out, "</td>\n");
}

static void table_head(struct text *out, const char *caption, const char *const *heads, int n)
{
    text_puts(out, "<div class=\"scroll\"><table class=\"stack\">\n");
    if (caption) tagged(out, "caption", caption), text_puts(out, "\n");
    text_puts(out, "<thead><tr>");
    for (int i = 0; i < n; i++)
        text_printf(out, "<th scope=\"col\">%s</th>", heads[i]);
    text_puts(out, "</tr></thead>\n<tbody>\n");
}

static void table_end(struct text *out) { text_puts(out, "</tbody>\n</table></div>\n"); }

static void scope(struct text *out, const char *project)
{
    if (project) {
        text_puts(out, "project ");
        html_escape(out, project);
    } else {
        text_puts(out, "whole sandbox");
    }
}

/* ---- /ui/ ---------------------------------------------------------------------------------- */

int html_page_sandboxes(struct text *out, const struct html_viewer *v, const json_t *sandboxes)
{
    html_page_begin(out, "Your sandboxes", v);
    text_puts(out, "<h1>Your sandboxes</h1>\n");
    size_t n = json_array_size(sandboxes), i;
    if (!n) {
        text_puts(out, "<p>You are not related to any sandbox yet: its owner can invite you.</p>\n");
        return finish(out);
    }
    text_printf(out, "<p>%zu sandbox%s you are related to.</p>\n", n, n == 1 ? "" : "es");
    static const char *const heads[] = {"Sandbox", "You are", "Owner", "Workspace"};
    table_head(out, NULL, heads, 4);
    json_t *s;
    struct text url = TEXT_INIT;
    json_array_foreach(sandboxes, i, s)
    {
        const char *name = str(s, "name");
        text_puts(out, "<tr>");
        cell(out, "Sandbox");
        if (name) {
            text_reset(&url);
            sandbox_url(&url, name, "");
            link(out, url.s, name);
        }
        text_puts(out, "</td>\n");
        cell_value(out, "You are", str(s, "relation"), "related");
        cell_value(out, "Owner", str(s, "owner"), "");
        cell_value(out, "Workspace", str(s, "workspace"), "");
        text_puts(out, "</tr>\n");
    }
    table_end(out);
    if (text_failed(&url)) out->oom = 1;
    text_free(&url);
    return finish(out);
}

/* ---- /ui/s/NAME ---------------------------------------------------------------------------- */

/* The start of a change's form on the sandbox's page: POST /ui/s/NAME/act, its csrf, its
 * action, and the grant or request it is about. */
static void act_form(struct text *out, const struct html_viewer *v, const char *sandbox, const char *action,
                     const char *cls)
{
    struct text url = TEXT_INIT;
    sandbox_url(&url, sandbox, "/act");
    html_form_begin(out, url.s, cls, v);
    html_hidden(out, "action", action);
    if (text_failed(&url)) out->oom = 1;
    text_free(&url);
}

/* The owner's changes to one grant (render_html.h lists the fields). */
static void grant_forms(struct text *out, const struct html_viewer *v, const char *sandbox, const json_t *m,
                        size_t row)
{
    const char *who = str(m, "principal"), *proj = str(m, "project"), *role = str(m, "role");
    const char *other = role && strcmp(role, "editor") == 0 ? "viewer" : "editor";
    text_puts(out, "<details><summary>Change ");
    html_escape(out, who);
    text_puts(out, "&#39;s access</summary>\n");

    act_form(out, v, sandbox, "revoke", "act");
    html_hidden(out, "principal", who);
    html_hidden(out, "project", proj);
    text_puts(out, "<button type=\"submit\">Revoke</button>\n</form>\n");

    /* A grant with no end has nothing to extend (the pipeline would refuse it). */
    if (str(m, "expires_at")) {
        act_form(out, v, sandbox, "extend", "act");
        html_hidden(out, "principal", who);
        html_hidden(out, "project", proj);
        text_printf(out,
                    "<label for=\"by-%zu\">Extend by</label>\n<select id=\"by-%zu\" name=\"by\">"
                    "<option value=\"day\">a day</option><option value=\"week\">a week</option>"
                    "<option value=\"month\">a month</option></select>\n"
                    "<button type=\"submit\">Extend</button>\n</form>\n",
                    row, row);
    }

    act_form(out, v, sandbox, "change_role", "act");
    html_hidden(out, "principal", who);
    html_hidden(out, "project", proj);
    html_hidden(out, "role", other);
    text_printf(out, "<button type=\"submit\">Change role to %s</button>\n</form>\n</details>\n", other);
}

static void members_section(struct text *out, const struct html_viewer *v, const char *sandbox,
                            const json_t *members, int change)
{
    size_t n = json_array_size(members), i;
    text_puts(out, "<section>\n<h2>Who has access</h2>\n");
    if (!n) {
        text_puts(out, "<p>Nobody has access.</p>\n</section>\n");
        return;
    }
    static const char *const heads[] = {"Principal",  "Role",    "Scope", "Expires",
                                        "Granted by", "Granted", "Change"};
    text_printf(out, "<p>%zu with access.</p>\n", n);
    table_head(out, NULL, heads, change ? 7 : 6);
    json_t *m;
    json_array_foreach(members, i, m)
    {
        const char *role = str(m, "role");
        int owner = role && strcmp(role, "owner") == 0;
        text_puts(out, "<tr>");
        cell_value(out, "Principal", str(m, "principal"), "");
        cell_value(out, "Role", role, "");
        cell(out, "Scope");
        scope(out, str(m, "project"));
        text_puts(out, "</td>\n");
        cell(out, "Expires");
        if (str(m, "expires_at"))
            html_instant(out, str(m, "expires_at"), 1, v->now, NULL);
        else
            text_puts(out, "never");
        text_puts(out, "</td>\n");
        cell_value(out, "Granted by", str(m, "granted_by"), "");
        cell(out, "Granted");
        html_instant(out, str(m, "granted_at"), 0, v->now, "");
        text_puts(out, "</td>\n");
        if (change) {
            cell(out, "Change");
            if (!owner) grant_forms(out, v, sandbox, m, i);
            text_puts(out, "</td>\n");
        }
        text_puts(out, "</tr>\n");
    }
    table_end(out);
    text_puts(out, "</section>\n");
}

/* What a request asks for how long: "1 week", "until …", or "no end". */
static void asked_length(struct text *out, const json_t *q, int64_t now)
{
    struct duration d;
    const char *iso = str(q, "duration"), *until = str(q, "expires_at");
    if (iso && duration_parse_iso(iso, &d) == 0) {
        struct text t = TEXT_INIT;
        describe_duration(&d, &t);
        html_escape(out, t.s);
        if (text_failed(&t)) out->oom = 1;
        text_free(&t);
    } else if (iso) {
        html_escape(out, iso);
    } else if (until) {
        text_puts(out, "until ");
        html_instant(out, until, 1, now, NULL);
    } else {
        text_puts(out, "no end");
    }
}

/* Requests: the owner's to answer (answer set: Approve / Deny forms) or the viewer's own. */
static void requests_section(struct text *out, const struct html_viewer *v, const char *sandbox,
                             const json_t *requests, int answer, const char *title)
{
    size_t n = json_array_size(requests), i;
    if (!n) return;
    text_puts(out, "<section>\n");
    tagged(out, "h2", title);
    text_printf(out, "\n<p>%zu waiting.</p>\n", n);
    static const char *const heads[] = {"Request", "Who",       "Role",   "Scope", "For",
                                        "Reason",  "Requested", "Lapses", "Answer"};
    table_head(out, NULL, heads, answer ? 9 : 8);
    json_t *q;
    json_array_foreach(requests, i, q)
    {
        const char *token = str(q, "token"), *who = str(q, "principal");
        text_puts(out, "<tr>");
        cell_value(out, "Request", token, "");
        cell_value(out, "Who", who, "");
        cell_value(out, "Role", str(q, "role"), "");
        cell(out, "Scope");
        scope(out, str(q, "project"));
        text_puts(out, "</td>\n");
        cell(out, "For");
        asked_length(out, q, v->now);
        text_puts(out, "</td>\n");
        cell_value(out, "Reason", str(q, "note"), "");
        cell(out, "Requested");
        html_instant(out, str(q, "requested_at"), 0, v->now, "");
        text_puts(out, "</td>\n");
        cell(out, "Lapses");
        html_instant(out, str(q, "lapses_at"), 0, v->now, "");
        text_puts(out, "</td>\n");
        if (answer) {
            cell(out, "Answer");
            act_form(out, v, sandbox, "approve", "act");
            html_hidden(out, "token", token);
            html_hidden(out, "principal", who);
            text_puts(out, "<button type=\"submit\">Approve</button>\n</form>\n");
            act_form(out, v, sandbox, "deny", "act");
            html_hidden(out, "token", token);
            html_hidden(out, "principal", who);
            text_printf(out,
                        "<label for=\"deny-reason-%zu\">Reason (optional)</label>\n"
                        "<input id=\"deny-reason-%zu\" name=\"reason\" type=\"text\" maxlength=\"%d\">\n"
                        "<button type=\"submit\">Deny</button>\n</form>\n",
                        i, i, NOTE_MAX_LEN);
            text_puts(out, "</td>\n");
        }
        text_puts(out, "</tr>\n");
    }
    table_end(out);
    text_puts(out, "</section>\n");
}

static void request_form(struct text *out, const struct html_viewer *v, const char *sandbox)
{
    text_puts(out, "<section>\n<h2>Request access</h2>\n<p>The owner is told and answers; you see the answer "
                   "here.</p>\n");
    act_form(out, v, sandbox, "request", "stacked");
    text_printf(out,
                "<label for=\"rq-role\">Role</label>\n<select id=\"rq-role\" name=\"role\">"
                "<option value=\"viewer\">viewer</option><option value=\"editor\">editor</option></select>\n"
                "<label for=\"rq-length\">For how long</label>\n<select id=\"rq-length\" name=\"length\">"
                "<option value=\"\">no end date</option><option value=\"day\">1 day</option>"
                "<option value=\"week\">1 week</option><option value=\"month\">1 month</option></select>\n"
                "<label for=\"rq-reason\">Reason (optional)</label>\n"
                "<input id=\"rq-reason\" name=\"reason\" type=\"text\" maxlength=\"%d\">\n"
                "<button type=\"submit\">Request access</button>\n</form>\n</section>\n",
                NOTE_MAX_LEN);
}

/* The sharing mode in access.md's words, as the terminal says it (render_text.c). */
static void mode_section(struct text *out, const json_t *mode)
{
    const char *m = str(mode, "mode"), *secrets = str(mode, "secrets");
    if (!m) return;
    int collaborated = strcmp(m, "collaborated") == 0;
    const char *who = strcmp(m, "private") == 0 ? "the owner alone"
                      : collaborated            ? "the owner and the collaborators"
                                     : "the owner, the workspace's members and sandbox-wide grant holders";
    text_puts(out, "<section>\n<h2>Sharing</h2>\n<dl>\n<dt>Mode</dt>");
    tagged(out, "dd", m);
    text_puts(out, "\n<dt>Workloads (exec, file, tunnel, proxy)</dt>");
    tagged(out, "dd", who);
    text_puts(out, "\n<dt>Collaborators</dt><dd>");
    size_t i, n = 0;
    json_t *p;
    json_array_foreach(json_object_get(mode, "collaborators"), i, p)
    {
        if (!json_is_string(p)) continue;
        if (n++) text_puts(out, ", ");
        html_escape(out, json_string_value(p));
    }
    if (!n) text_puts(out, "none");
    text_puts(out, "</dd>\n");
    if (secrets) {
        const char *mounted = strcmp(secrets, "all") == 0      ? "all mounted"
                              : strcmp(secrets, "listed") == 0 ? "only those the owner lists are mounted"
                              : strcmp(secrets, "none") == 0   ? "not mounted"
                                                               : secrets;
        text_puts(out, "<dt>The owner's private secrets</dt>");
        tagged(out, "dd", mounted);
        text_puts(out, "\n");
    }
    text_puts(out, "</dl>\n</section>\n");
}

/* Agents and their keys: who holds one, of what kind, until when; never a secret (only the
 * fields named here are read). */
static void agents_section(struct text *out, const struct html_viewer *v, const json_t *agents,
                           const json_t *keys)
{
    if (!agents && !keys) return;
    text_puts(out, "<section>\n<h2>Agents and keys</h2>\n");
    size_t i, k, nk = json_array_size(keys);
    json_t *a, *key;
    if (!json_array_size(agents) && !nk) {
        text_puts(out, "<p>No agents.</p>\n</section>\n");
        return;
    }
    if (nk) {
        static const char *const heads[] = {"Agent", "Key holder", "Kind", "Expires", "Made by", "Made"};
        text_printf(out, "<p>%zu key%s.</p>\n", nk, nk == 1 ? "" : "s");
        table_head(out, NULL, heads, 6);
        json_array_foreach(keys, k, key)
        {
            text_puts(out, "<tr>");
            cell_value(out, "Agent", str(key, "agent"), "");
            cell_value(out, "Key holder", str(key, "principal"), "(no person)");
            cell_value(out, "Kind", str(key, "kind"), "");
            cell(out, "Expires");
            if (str(key, "expires_at"))
                html_instant(out, str(key, "expires_at"), 1, v->now, NULL);
            else
                text_puts(out, "never");
            text_puts(out, "</td>\n");
            cell_value(out, "Made by", str(key, "created_by"), "");
            cell(out, "Made");
            html_instant(out, str(key, "created_at"), 0, v->now, "");
            text_puts(out, "</td>\n</tr>\n");
        }
        table_end(out);
    }
    /* Agents no key is for, named too: an agent is never left out because it has none. */
    size_t bare = 0;
    json_array_foreach(agents, i, a)
    {
        const char *name = str(a, "name");
        int has = 0;
        json_array_foreach(keys, k, key) has |=
            name && str(key, "agent") && strcmp(name, str(key, "agent")) == 0;
        if (has || !name) continue;
        text_puts(out, bare++ ? ", " : "<p>With no keys: ");
        html_escape(out, name);
    }
    if (bare) text_puts(out, ".</p>\n");
    text_puts(out, "</section>\n");
}

int html_page_access(struct text *out, const struct html_viewer *v, const char *sandbox,
                     const struct html_access *a, const struct html_may *may)
{
    struct text title = TEXT_INIT;
    text_printf(&title, "Sandbox %s", sandbox);
    html_page_begin(out, title.s, v);
    trail(out, sandbox, NULL);
    text_puts(out, "<h1>Sandbox ");
    html_escape(out, sandbox);
    text_puts(out, "</h1>\n");
    if (may->audit) {
        struct text url = TEXT_INIT;
        sandbox_url(&url, sandbox, "/audit");
        text_puts(out, "<p>");
        link(out, url.s, "The audit log");
        text_puts(out, "</p>\n");
        if (text_failed(&url)) out->oom = 1;
        text_free(&url);
    }
    members_section(out, v, sandbox, a->members, may->change);
    requests_section(out, v, sandbox, a->requests, may->change, "Access requests");
    requests_section(out, v, sandbox, a->my_requests, 0, "Your requests");
    if (may->request) request_form(out, v, sandbox);
    mode_section(out, a->mode);
    agents_section(out, v, a->agents, a->keys);
    if (text_failed(&title)) out->oom = 1;
    text_free(&title);
    return finish(out);
}

/* ---- /ui/s/NAME/audit ---------------------------------------------------------------------- */

/* The audit page's URL with the filter kept and before set (NULL: the newest page). */
static void audit_url(struct text *url, const char *sandbox, const struct html_audit_query *q,
                      const char *before)
{
    const char *sep = "?";
    sandbox_url(url, sandbox, "/audit");
    const char *names[] = {"who", "since", "before"}, *values[] = {q->who, q->since, before};
    for (int i = 0; i < 3; i++) {
        if (!values[i] || !*values[i]) continue;
        text_printf(url, "%s%s=", sep, names[i]);
        url_encode(url, values[i]);
        sep = "&";
    }
}

int html_page_audit(struct text *out, const struct html_viewer *v, const char *sandbox, const json_t *events,
                    const struct html_audit_query *q)
{
    struct text title = TEXT_INIT, url = TEXT_INIT;
    text_printf(&title, "Audit log of %s", sandbox);
    html_page_begin(out, title.s, v);
    trail(out, sandbox, "Audit log");
    text_puts(out, "<h1>Audit log of ");
    html_escape(out, sandbox);
    text_puts(out, "</h1>\n");

    /* The filter: a GET form (it changes nothing, so it carries no token: a token in a URL
     * would be kept in the history). */
    sandbox_url(&url, sandbox, "/audit");
    text_puts(out, "<form method=\"get\" action=\"");
    html_escape(out, url.s);
    text_puts(out, "\" class=\"filter\">\n<span class=\"field\"><label for=\"who\">Who</label>\n"
                   "<input id=\"who\" name=\"who\" type=\"text\" placeholder=\"@name\" value=\"");
    html_escape(out, q->who);
    text_puts(out, "\"></span>\n<span class=\"field\"><label for=\"since\">Since</label>\n"
                   "<input id=\"since\" name=\"since\" type=\"date\" value=\"");
    html_escape(out, q->since);
    text_puts(out, "\"></span>\n<button type=\"submit\">Show</button>\n");
    if ((q->who && *q->who) || (q->since && *q->since)) link(out, url.s, "Show all"), text_puts(out, "\n");
    text_puts(out, "</form>\n");

    size_t n = json_array_size(events), i;
    if (!n) {
        text_puts(out, q->before ? "<p>No older events.</p>\n" : "<p>No events match.</p>\n");
    } else {
        /* Never cut silently: a page that is not the last says there is more, and where. */
        text_printf(out, "<p>%zu event%s%s, newest first%s.</p>\n", n, n == 1 ? "" : "s",
                    q->before ? " before these" : "",
                    q->older_before ? "; older ones are on the next page (Older events, below)" : "");
        static const char *const heads[] = {"When", "Who", "Outcome", "What"};
        table_head(out, NULL, heads, 4);
        json_t *e;
        json_array_foreach(events, i, e)
        {
            /* "denied" once: the outcome column says it, the summary need not repeat it. */
            const char *outcome = str(e, "outcome") ? str(e, "outcome") : "", *what = str(e, "summary");
            size_t ol = strlen(outcome);
            if (what && ol && strncmp(what, outcome, ol) == 0 && strncmp(what + ol, ": ", 2) == 0)
                what += ol + 2;
            const char *cls = strcmp(outcome, "done") == 0     ? "ok"
                              : strcmp(outcome, "denied") == 0 ? "bad"
                                                               : NULL;
            text_puts(out, "<tr>");
            cell(out, "When");
            html_instant(out, str(e, "at"), 0, v->now, "");
            text_puts(out, "</td>\n");
            cell_value(out, "Who", str(e, "actor"), "");
            cell(out, "Outcome");
            if (cls) text_printf(out, "<span class=\"%s\">", cls);
            html_escape(out, outcome);
            if (cls) text_puts(out, "</span>");
            text_puts(out, "</td>\n");
            cell_value(out, "What", what, "");
            text_puts(out, "</tr>\n");
        }
        table_end(out);
    }
    if (q->older_before || q->before) {
        text_puts(out, "<nav class=\"pages\" aria-label=\"More events\">");
        if (q->before) {
            text_reset(&url);
            audit_url(&url, sandbox, q, NULL);
            link(out, url.s, "Newest events");
        }
        if (q->older_before) {
            text_reset(&url);
            audit_url(&url, sandbox, q, q->older_before);
            if (q->before) text_puts(out, " ");
            link(out, url.s, "Older events");
        }
        text_puts(out, "</nav>\n");
    }
    if (text_failed(&title) || text_failed(&url)) out->oom = 1;
    text_free(&title);
    text_free(&url);
    return finish(out);
}

/* ---- Confirmation and result ----------------------------------------------------------------- */

/* The part of a reply's summary in [at, end) as paragraphs: its headline, its rows as a list,
 * its tail (reply.h: the summary as data). */
static void sentence(struct text *out, const struct reply *r, size_t end)
{
    const char *s = r->summary.s;
    if (r->n_parts && !r->parts_oom && r->headline_len <= r->parts_end && r->parts_end <= end) {
        text_puts(out, "<p>");
        html_escape_n(out, s, r->headline_len);
        text_puts(out, "</p>\n<ul>\n");
        for (size_t i = 0; i < r->n_parts; i++)
            text_puts(out, "<li>"), html_escape_n(out, r->parts[i].s, r->parts[i].len),
                text_puts(out, "</li>\n");
        text_puts(out, "</ul>\n");
        s += r->parts_end;
        end -= r->parts_end;
    }
    while (end && *s == ' ')
        s++, end--;
    if (!end) return;
    text_puts(out, "<p>");
    html_escape_n(out, s, end);
    text_puts(out, "</p>\n");
}

int html_page_confirm(struct text *out, const struct html_viewer *v, const char *sandbox,
                      const struct reply *r)
{
    if (r->status != RS_NEEDS_CONFIRMATION || !r->token[0]) return html_page_result(out, v, sandbox, r);
    if (!sandbox && r->has_intent && r->it.sandbox[0]) sandbox = r->it.sandbox;
    html_page_begin(out, "Confirm the change", v);
    if (sandbox) trail(out, sandbox, "Confirm");
    text_puts(out, "<h1>Confirm the change</h1>\n<div class=\"describe\">\n");
    /* The description without the step a person would type ("To carry it out, say: confirm
     * K7Q2"): the buttons are that step here. What follows it (others waiting) is kept. */
    size_t len = r->summary.len;
    int step = r->step_end && r->step_at <= r->step_end && r->step_end <= len;
    sentence(out, r, step ? r->step_at : len);
    if (step) {
        const char *rest = r->summary.s + r->step_end;
        if (*rest == '.') rest++;
        while (*rest == ' ')
            rest++;
        if (*rest) tagged(out, "p", rest), text_puts(out, "\n");
    }
    text_puts(out, "</div>\n<div class=\"choices\">\n");
    const char *actions[] = {"confirm", "cancel"}, *labels[] = {"Confirm", "Cancel"};
    for (int i = 0; i < 2; i++) {
        if (sandbox) {
            act_form(out, v, sandbox, actions[i], i ? "choice" : "choice primary");
        } else {
            html_form_begin(out, "/ui/act", i ? "choice" : "choice primary", v);
            html_hidden(out, "action", actions[i]);
        }
        html_hidden(out, "token", r->token);
        text_printf(out, "<button type=\"submit\">%s</button>\n</form>\n", labels[i]);
    }
    text_puts(out, "</div>\n");
    return finish(out);
}

int html_page_result(struct text *out, const struct html_viewer *v, const char *sandbox,
                     const struct reply *r)
{
    const char *heading, *cls = "refused";
    switch (r->status) {
    case RS_DONE: heading = "Done", cls = "done"; break;
    case RS_DENIED: heading = "Denied"; break;
    case RS_CANCELLED: heading = "Cancelled", cls = "cancelled"; break;
    case RS_NEEDS_CONFIRMATION: heading = "Waiting for a confirmation", cls = "cancelled"; break;
    case RS_NOT_UNDERSTOOD:
    case RS_INVALID: heading = "Not understood"; break;
    case RS_ERROR: heading = "Something went wrong"; break;
    default: heading = "Not possible"; break;
    }
    html_page_begin(out, heading, v);
    if (sandbox) trail(out, sandbox, heading);
    text_printf(out, "<div class=\"status %s\">\n<h1>%s</h1>\n", cls, heading);
    if (text_failed(&r->summary))
        text_puts(out, "<p>The reply is incomplete (out of memory).</p>\n");
    else
        sentence(out, r, r->summary.len);
    if (r->status == RS_DENIED && r->rule[0]) {
        text_puts(out, "<p class=\"rule\">Rule: ");
        html_escape(out, r->rule);
        text_puts(out, "</p>\n");
    }
    text_puts(out, "</div>\n<p>");
    if (sandbox) {
        struct text url = TEXT_INIT, label = TEXT_INIT;
        sandbox_url(&url, sandbox, "");
        text_printf(&label, "Back to sandbox %s", sandbox);
        link(out, url.s, label.s);
        if (text_failed(&url) || text_failed(&label)) out->oom = 1;
        text_free(&url);
        text_free(&label);
    } else {
        link(out, "/ui/", "Your sandboxes");
    }
    text_puts(out, "</p>\n");
    return finish(out);
}

/* ---- Pages with no sandbox ------------------------------------------------------------------- */

int html_page_not_found(struct text *out, const struct html_viewer *v)
{
    /* One page for "no such sandbox" and "not related": it must not tell them apart. */
    html_page_begin(out, "Not found", v);
    text_puts(out, "<h1>Not found</h1>\n<p>There is nothing here that you can see.</p>\n<p>");
    link(out, "/ui/", "Your sandboxes");
    text_puts(out, "</p>\n");
    return finish(out);
}

int html_page_signed_out(struct text *out)
{
    html_page_begin(out, "Signed out", NULL);
    text_puts(out,
              "<h1>Signed out</h1>\n<p>You are signed out. To come back, ask for a new sign-in link.</p>\n"
              "<p>");
    link(out, "/ui/login", "How to sign in");
    text_puts(out, "</p>\n");
    return finish(out);
}

int html_page_sign_in_help(struct text *out, const char *why)
{
    html_page_begin(out, "Sign in", NULL);
    text_puts(out, "<h1>Sign in</h1>\n");
    if (why) tagged(out, "p", why), text_puts(out, "\n");
    text_puts(out, "<p>There are no passwords: ask concierge for a sign-in link.</p>\n<ul>\n"
                   "<li>On the command line: <code>concierge open</code></li>\n"
                   "<li>In Slack or to a chat bot: say <q>open the web page</q></li>\n</ul>\n"
                   "<p>A link works once, for 10 minutes, and only for the one who asked for it.</p>\n");
    return finish(out);
}
