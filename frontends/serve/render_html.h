/* The web page's pages (interfaces.md, "Web page"): the reply data the other front ends use
 * (actions/reply.h, r->result's JSON) rendered a fourth way, as HTML. Pure functions: no
 * route, no store, no clock, no rule. What a viewer may do comes in as flags the caller
 * decided from the rules (struct html_may); the renderer only shows or hides the forms. Each
 * page is appended to out whole; 0, or -1 when out of memory (never a shorter page).
 *
 * Every value shown is HTML-escaped (html.h); no inline style or script; every form is a POST
 * carrying the session's CSRF token in the hidden field `csrf`.
 *
 * ---- The forms, and the phrase the caller makes of each -----------------------------------
 *
 * Every change on a sandbox's page posts to  POST /ui/s/NAME/act  (NAME url-encoded) with
 * `csrf` and `action`; the caller checks each field against its closed list or the language's
 * own rules (a principal, a project name, a token, a note) and makes the phrase a person would
 * type, which then goes through the pipeline like any other (authorise → describe → confirm):
 *
 *   action=revoke       principal, project?        revoke @bob [from the PROJECT project]
 *   action=extend       principal, project?,       extend @bob's access by 1 day|1 week|1 month
 *                       by=day|week|month            [on the PROJECT project]
 *   action=change_role  principal, project?,       make @bob an editor|a viewer
 *                       role=editor|viewer           [on the PROJECT project]
 *   action=approve      token (R7K2), principal    approve R7K2
 *   action=deny         token, principal,          deny R7K2 [because REASON]
 *                       reason? (free text)
 *   action=request      role=editor|viewer,        request editor access [to sandbox NAME]
 *                       length=|day|week|month,      [for 1 day|1 week|1 month]
 *                       reason? (free text)          [because REASON]
 *   action=confirm      token (K7Q2)               confirm K7Q2   (the confirmation page)
 *   action=cancel       token                      cancel K7Q2
 *
 * `project` is absent for a sandbox-wide grant. `principal` on approve / deny is what the
 * owner saw (the caller may check it against the request's). An empty `length` or `reason`
 * means none. Sign out: POST /ui/logout with `csrf`. The audit page's filter is a GET form
 * to /ui/s/NAME/audit with `who` (a principal) and `since` (YYYY-MM-DD, the browser's date
 * input); its "Older events" link adds `before` (given by the caller). */
#ifndef CONCIERGE_RENDER_HTML_H
#define CONCIERGE_RENDER_HTML_H
#include <jansson.h>

#include "../../actions/reply.h"
#include "html.h"

/* What the viewer may do on a sandbox's pages, decided by the caller from the rules. */
struct html_may {
    int change;  /* the owner: Revoke, Extend, Change role on grants; Approve / Deny requests */
    int request; /* a related non-owner: Request access */
    int audit;   /* the link to the audit log */
};

/* /ui/: the sandboxes the viewer is related to, an array of
 * {"name", "workspace", "owner", "relation"} (relation: "owner", "editor", "viewer" or any
 * word the caller gives, e.g. "member"), in the caller's order. */
int html_page_sandboxes(struct text *out, const struct html_viewer *v, const json_t *sandboxes);

/* What a sandbox's access page shows; any of it NULL is left out. */
struct html_access {
    const json_t *members;     /* list_access's result.members (the owner first) */
    const json_t *mode;        /* show_mode's result: {"mode", "collaborators", "secrets"} */
    const json_t *agents;      /* [{"name"}] (admin's agents listing) */
    const json_t *keys;        /* [{"agent", "kind", "principal", "expires_at", "created_by",
                                * "created_at"}] (admin's keys listing; a "secret" is never shown) */
    const json_t *requests;    /* list_pending's result.requests: waiting for the owner */
    const json_t *my_requests; /* list_pending's result.my_requests: the viewer's own */
};

/* /ui/s/NAME. */
int html_page_access(struct text *out, const struct html_viewer *v, const char *sandbox,
                     const struct html_access *a, const struct html_may *may);

/* The audit page's query, and the caller's paging: older_before, when set, is the `before`
 * value of the next (older) page; before is this page's (NULL on the newest). */
struct html_audit_query {
    const char *who, *since, *before;
    const char *older_before;
};

/* /ui/s/NAME/audit: show_audit's result.events (newest first), every one given, with the
 * filter form and the "Older events" link. */
int html_page_audit(struct text *out, const struct html_viewer *v, const char *sandbox, const json_t *events,
                    const struct html_audit_query *q);

/* A change waiting for its confirmation (r->status needs_confirmation, r->token set): its
 * description, then Confirm and Cancel forms carrying the token, posted to the sandbox's
 * /ui/s/NAME/act (sandbox NULL: the intent's; with neither, /ui/act). Any other reply: the
 * result page. */
int html_page_confirm(struct text *out, const struct html_viewer *v, const char *sandbox,
                      const struct reply *r);

/* What a change did, or why not (any other status): the status as a heading, the reply's
 * sentence (its rows as a list), the rule of a denial, and a way back to the sandbox. */
int html_page_result(struct text *out, const struct html_viewer *v, const char *sandbox,
                     const struct reply *r);

/* The one 404 page: "no such sandbox" and "not related" read the same (v may be signed out). */
int html_page_not_found(struct text *out, const struct html_viewer *v);

/* After Sign out. */
int html_page_signed_out(struct text *out);

/* How to get a sign-in link (a visitor with no session, or a used or lapsed link): why, when
 * set, is said first ("That link was used or has lapsed."). */
int html_page_sign_in_help(struct text *out, const char *why);

#endif
