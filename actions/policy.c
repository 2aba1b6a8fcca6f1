/* The max-duration policy: the rule, and the refusal it makes (policy.h). */
#include "policy.h"

#include <stdio.h>
#include <string.h>

#include "../intent/describe.h"
#include "../intent/timecalc.h"

int policy_duration_parse(const char *iso, struct duration *d)
{
    return duration_parse_iso(iso, d) || duration_is_zero(d) ? -1 : 0;
}

/* now + d as an expiry `for d` would be; a limit reaching past the last instant concierge
 * keeps allows any expiry (every expiry is before it), so it is that instant. */
static int64_t latest_of(int64_t now, const struct duration *d)
{
    int64_t t;
    return add_duration_checked(now, d, 1, &t) ? INSTANT_MAX : t;
}

/* One stored limit: 0 (with *has), -1 on a store failure, -2 when it cannot be read back. */
static int find(struct store *s, int64_t sandbox_id, int64_t workspace_id, enum role role, int *has,
                struct duration *d)
{
    char iso[POLICY_DURATION_MAX + 1];
    enum store_status st = store_policy_find(s, sandbox_id, workspace_id, role, iso, sizeof iso);
    *has = st == STORE_OK;
    if (st == STORE_NOT_FOUND) return 0;
    if (st != STORE_OK) return -1;
    return policy_duration_parse(iso, d) ? -2 : 0;
}

int policy_in_force(struct store *s, const struct st_sandbox *sb, enum role role, int64_t now,
                    struct policy_limit *out)
{
    memset(out, 0, sizeof *out);
    if (role != ROLE_EDITOR && role != ROLE_VIEWER) return 0;
    int rc = find(s, sb->id, 0, role, &out->has_own, &out->own);
    if (!rc) rc = find(s, 0, sb->workspace_id, role, &out->has_ceiling, &out->ceiling);
    if (rc) return rc;
    int64_t own = out->has_own ? latest_of(now, &out->own) : 0;
    int64_t ceiling = out->has_ceiling ? latest_of(now, &out->ceiling) : 0;
    /* Whichever ends sooner from now is in force: the ceiling holds whatever the sandbox says,
     * and in whichever order the two were set (a month is 28 to 31 days: the two are compared
     * as the instants they give now, as a grant is). A tie is the sandbox's own. */
    if (out->has_own && (!out->has_ceiling || own <= ceiling)) {
        out->has = 1;
        out->max = out->own;
        out->latest = own;
    } else if (out->has_ceiling) {
        out->has = 1;
        out->max = out->ceiling;
        out->latest = ceiling;
        out->from_workspace = 1;
    }
    return 0;
}

int policy_allows(const struct policy_limit *p, int has_expiry, int64_t expires_at)
{
    return !p->has || (has_expiry && expires_at <= p->latest);
}

int policy_failed(struct store *s, int rc, struct reply *r)
{
    if (rc == -2)
        reply_fail(r, C_STORE_ERROR,
                   "the access store holds a limit concierge cannot read (written by something else?); "
                   "nothing was changed");
    else
        reply_fail(r, C_STORE_ERROR, "the access store failed: %s", store_errmsg(s));
    return -1;
}

/* A principal as a phrase names it (a Slack user as its mention, <@U…>: the error's hint,
 * which a program may send back as it is), or as every sentence for people names it
 * (slack:U…, which each front end shows in its own way: a mention in Slack). */
static void said(struct text *out, const char *p, int phrase)
{
    if (phrase && strncmp(p, "slack:", 6) == 0)
        text_printf(out, "<@%s>", p + 6);
    else
        text_puts(out, p);
}

/* "@a", "@a and @b", "@a, @b and @c": the intent's principals (an invite's, a role change's:
 * one grant each, the same), else the one whose grant it is. */
static void whose(struct text *out, const struct intent *it, const struct st_grant *g, int all, int phrase)
{
    if (!all || it->n_principals == 0) {
        said(out, g->principal, phrase);
        return;
    }
    for (int i = 0; i < it->n_principals; i++) {
        if (i) text_puts(out, i == it->n_principals - 1 ? " and " : ", ");
        said(out, it->principals[i].s, phrase);
    }
}

/* Where the grant is, as a phrase says it: its project, and its sandbox when it is not the
 * one the person is in (a phrase without one would act there). */
static void place(struct text *out, const struct exec_ctx *x, const struct st_sandbox *sb,
                  const struct st_grant *g)
{
    if (g->project[0]) text_printf(out, " on the %s project", g->project);
    if (!x->sandbox || strcmp(x->sandbox, sb->name) != 0) text_printf(out, " in sandbox %s", sb->name);
}

/* A phrase that does what was asked within the limit, for the person to say instead: a
 * changed expiry set to the last day the limit allows (when a whole day fits), else the grant
 * given again for the longest the limit allows (an invite replaces the grant; access.md); a
 * request asked again for the longest (`request editor access for 30 days`). */
static void hint_phrase(struct text *h, const struct exec_ctx *x, const struct st_sandbox *sb,
                        const struct intent *it, const struct st_grant *g, const struct policy_limit *p,
                        int phrase)
{
    if (it->kind == IK_SET_EXPIRY) {
        /* `until DAY` ends at the end of DAY: the last one whose end is not after latest. */
        struct civil c, n;
        to_local(p->latest, &c);
        to_local(x->now, &n);
        int64_t last = days_from_civil(c.year, c.month, c.day) - 1;
        if (last >= days_from_civil(n.year, n.month, n.day)) {
            int y, m, d;
            civil_from_days(last, &y, &m, &d);
            text_puts(h, "extend ");
            said(h, g->principal, phrase);
            text_puts(h, "'s access");
            place(h, x, sb, g);
            text_printf(h, " until %04d-%02d-%02d", y, m, d);
            return;
        }
    }
    if (it->kind == IK_REQUEST_ACCESS) {
        /* A request is always for oneself: the hint asks again, within the limit. */
        text_printf(h, "request %s access", role_name(g->role));
        if (g->project[0]) text_printf(h, " to the %s project", g->project);
        if (!x->sandbox || strcmp(x->sandbox, sb->name) != 0) text_printf(h, " in sandbox %s", sb->name);
        text_puts(h, " for ");
        describe_duration(&p->max, h);
        return;
    }
    text_puts(h, "invite ");
    whose(h, it, g, it->kind != IK_SET_EXPIRY, phrase);
    text_printf(h, " as %s", role_name(g->role));
    place(h, x, sb, g);
    text_puts(h, " for ");
    describe_duration(&p->max, h);
}

int policy_check_grant(struct exec_ctx *x, const struct st_sandbox *sb, const struct intent *it,
                       const struct st_grant *g, struct reply *r)
{
    struct policy_limit p;
    int rc = policy_in_force(x->store, sb, g->role, x->now, &p);
    if (rc) return policy_failed(x->store, rc, r);
    if (policy_allows(&p, g->has_expiry, g->expires_at)) return 0;
    struct text who = TEXT_INIT, limit = TEXT_INIT, hint = TEXT_INIT, told = TEXT_INIT;
    char would[64] = "", latest[64];
    whose(&who, it, g, it->kind == IK_INVITE, 0); /* an invite gives each the same grant */
    describe_duration(&p.max, &limit);
    if (g->has_expiry) describe_until(g->expires_at, would, sizeof would);
    describe_until(p.latest, latest, sizeof latest);
    hint_phrase(&hint, x, sb, it, g, &p, 1);
    hint_phrase(&told, x, sb, it, g, &p, 0);
    if (text_failed(&who) || text_failed(&limit) || text_failed(&hint) || text_failed(&told)) {
        reply_fail(r, C_OUT_OF_MEMORY, "out of memory: nothing was changed");
    } else {
        const char *role = role_name(g->role);
        reply_fail(
            r, C_POLICY_MAX_DURATION,
            "%s would have %s access%s%s%s %s%s, but sandbox %s allows %s access for at most %s (%s%s%s)",
            who.s, role, g->project[0] ? " on the " : "", g->project, g->project[0] ? " project" : "",
            g->has_expiry ? "until " : "with no expiry", would, sb->name, role, limit.s,
            p.from_workspace ? "workspace " : "its own limit", p.from_workspace ? sb->workspace : "",
            p.from_workspace ? "'s ceiling" : "");
        if (g->has_expiry) reply_append(r, ", that is until %s", latest);
        reply_append(r, "; nothing was changed. To stay within it, say: %s", told.s);
        reply_hint(r, hint.s);
    }
    text_free(&who);
    text_free(&limit);
    text_free(&hint);
    text_free(&told);
    return -1;
}
