#include "describe.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "timecalc.h"

void describe_instant(int64_t t, char *buf, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!localtime_r(&tt, &tm) || !strftime(buf, size, "%a %d %b %Y %H:%M %Z", &tm)) snprintf(buf, size, "?");
}

void describe_until(int64_t t, char *buf, size_t size)
{
    /* An expiry at local midnight is the end of the day before (interfaces.md): `until Dec
     * 31` is stored as Jan 1 00:00 and read as "until the end of Thu 31 Dec 2026". */
    time_t tt = (time_t)t, before = (time_t)(t - 1);
    struct tm tm;
    if (localtime_r(&tt, &tm) && tm.tm_hour == 0 && tm.tm_min == 0 && tm.tm_sec == 0 &&
        localtime_r(&before, &tm) && strftime(buf, size, "the end of %a %d %b %Y", &tm))
        return;
    describe_instant(t, buf, size);
}

static void put(struct text *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct text *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    text_vprintf(o, fmt, ap);
    va_end(ap);
}

/* A length of time in words: "1 year 6 months", "14 days", "1 hour 30 minutes". */
static void duration_words(struct text *o, const struct duration *d)
{
    const struct {
        int64_t v;
        const char *unit;
    } parts[] = {{d->years, "year"}, {d->months, "month"},   {d->days, "day"},
                 {d->hours, "hour"}, {d->minutes, "minute"}, {d->seconds, "second"}};
    int first = 1;
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        if (!parts[i].v) continue;
        put(o, "%s%lld %s%s", first ? "" : " ", (long long)parts[i].v, parts[i].unit,
            parts[i].v == 1 ? "" : "s");
        first = 0;
    }
}

void describe_duration(const struct duration *d, struct text *o)
{
    const struct {
        int64_t v;
        const char *unit;
    } parts[] = {{d->years, "year"}, {d->months, "month"},   {d->days, "day"},
                 {d->hours, "hour"}, {d->minutes, "minute"}, {d->seconds, "second"}};
    int n = 0, said = 0;
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        n += parts[i].v != 0;
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        if (!parts[i].v) continue;
        put(o, "%s%lld %s%s",
            said == 0       ? ""
            : said == n - 1 ? " and "
                            : ", ",
            (long long)parts[i].v, parts[i].unit, parts[i].v == 1 ? "" : "s");
        said++;
    }
}

/* What an action lets one do, in words. */
static const char *action_words(enum action a)
{
    switch (a) {
    case ACT_READ: return "read";
    case ACT_RUN: return "run agents";
    case ACT_BUILD: return "build";
    case ACT_DESTROY: return "destroy (archive or delete)";
    case ACT_MANAGE: return "manage access";
    case ACT_EXEC: return "run commands (exec, SSH, terminal)";
    case ACT_FILE: return "read and write files";
    case ACT_TUNNEL: return "open tunnels";
    case ACT_PROXY: return "reach service URLs";
    default: return "do each thing";
    }
}

static void who(struct text *o, const struct intent *it)
{
    for (int i = 0; i < it->n_principals; i++)
        put(o, "%s%s", i == 0 ? "" : (i == it->n_principals - 1 ? " and " : ", "), it->principals[i].s);
}

static void scope(struct text *o, const struct intent *it)
{
    if (it->project[0])
        put(o, ", only in project %s", it->project);
    else
        put(o, ", sandbox-wide");
}

static void until(struct text *o, const struct intent *it)
{
    char when[64];
    if (it->has_expires_at) {
        describe_until(it->expires_at, when, sizeof when);
        put(o, ", until %s", when);
    } else {
        put(o, ", with no expiry");
    }
}

void describe_intent(const struct intent *it, struct text *out)
{
    struct text *o = out;
    char when[64];
    switch (it->kind) {
    case IK_INVITE:
        put(o, "Invite ");
        who(o, it);
        put(o, " to sandbox %s as %s", it->sandbox, role_name(it->role));
        scope(o, it);
        until(o, it);
        put(o, ".");
        break;
    case IK_CHANGE_ROLE:
        put(o, "Change the role of ");
        who(o, it);
        put(o, " in sandbox %s%s%s to %s, keeping the expiry.", it->sandbox,
            it->project[0] ? ", project " : "", it->project, role_name(it->role));
        break;
    case IK_REVOKE:
        put(o, "Revoke ");
        who(o, it);
        if (it->project[0])
            put(o, "'s access to project %s in sandbox %s.", it->project, it->sandbox);
        else
            put(o, "'s access to sandbox %s (every grant, every project).", it->sandbox);
        break;
    case IK_SET_EXPIRY:
        put(o, "Set the expiry of ");
        who(o, it);
        put(o, "'s access to sandbox %s%s%s: ", it->sandbox, it->project[0] ? ", project " : "", it->project);
        if (it->has_extend_by) {
            put(o, "extend it by ");
            duration_words(o, &it->extend_by);
            put(o, ".");
        } else if (it->has_expires_at) {
            describe_until(it->expires_at, when, sizeof when);
            put(o, "until %s.", when);
        } else {
            put(o, "no expiry.");
        }
        break;
    case IK_LIST_ACCESS:
        put(o, "List %s with access to sandbox %s%s%s.",
            it->role ? (it->role == ROLE_EDITOR ? "the editors" : "the viewers") : "everyone", it->sandbox,
            it->project[0] ? ", project " : "", it->project);
        break;
    case IK_CHECK_ACCESS:
        put(o, "Check whether ");
        who(o, it);
        put(o, " may %s", action_words(it->action));
        put(o, " in sandbox %s%s%s.", it->sandbox, it->project[0] ? ", project " : "", it->project);
        break;
    case IK_SHOW_AUDIT:
        put(o, "Show the audit log of sandbox %s", it->sandbox);
        if (it->n_principals) {
            put(o, " about ");
            who(o, it);
        }
        if (it->has_since) {
            describe_instant(it->since, when, sizeof when);
            put(o, " since %s", when);
        }
        put(o, ".");
        break;
    case IK_SET_MODE:
        put(o, "Set the sharing mode of sandbox %s to %s", it->sandbox, mode_name(it->mode));
        if (it->n_principals) {
            put(o, ", adding ");
            who(o, it);
            put(o, " as collaborators");
        }
        put(o, ".");
        break;
    case IK_SHOW_MODE: put(o, "Show the sharing mode of sandbox %s.", it->sandbox); break;
    case IK_LIST_PENDING:
        put(o,
            "Show what is waiting here: your changes to confirm, the access requests for you to answer, and "
            "your own requests.");
        break;
    case IK_REQUEST_ACCESS:
        put(o, "Ask the owner of sandbox %s for %s access", it->sandbox, role_name(it->role));
        scope(o, it);
        if (it->has_expires_in) {
            put(o, ", for ");
            describe_duration(&it->expires_in, o);
            put(o, " from approval");
        } else {
            until(o, it);
        }
        if (it->note[0]) put(o, ", because \"%s\"", it->note);
        put(o, ".");
        break;
    case IK_APPROVE_REQUEST:
    case IK_DENY_REQUEST:
        put(o, "%s ", it->kind == IK_APPROVE_REQUEST ? "Approve" : "Deny");
        if (it->n_principals) {
            who(o, it);
            put(o, "'s ");
        }
        put(o, "access request%s%s%s in sandbox %s", it->n_principals > 1 ? "s" : "", it->token[0] ? " " : "",
            it->token, it->sandbox);
        if (it->kind == IK_APPROVE_REQUEST)
            put(o, ": grant what was asked.");
        else if (it->note[0])
            put(o, ", with the reason \"%s\".", it->note);
        else
            put(o, ".");
        break;
    case IK_SHOW_POLICY: put(o, "Show the access policy of sandbox %s.", it->sandbox); break;
    case IK_SIGN_IN: put(o, "Make a sign-in link to the web page for you (sandbox %s).", it->sandbox); break;
    case IK_SET_POLICY:
        if (it->has_max_duration) {
            put(o, "Limit %s access in sandbox %s to ", role_name(it->role), it->sandbox);
            describe_duration(&it->max_duration, o);
            put(o,
                ": a change that would give %s access for longer, or with no expiry, is refused from now "
                "on; grants already given are not cut.",
                role_name(it->role));
        } else {
            put(o, "Remove sandbox %s's own limit on %s access.", it->sandbox, role_name(it->role));
        }
        break;
    case IK_SHARE_AGENT:
        put(o, "Create %s %s key for agent %s in sandbox %s", it->key == KEY_DELEGATE ? "a" : "an",
            key_kind_name(it->key), it->agent, it->sandbox);
        if (it->n_principals) {
            put(o, " for ");
            who(o, it);
        } else
            put(o, ", bound to no person");
        until(o, it);
        put(o, ".");
        break;
    case IK_UNSHARE_AGENT:
        put(o, "Revoke ");
        if (it->n_principals) {
            who(o, it);
            put(o, "'s keys");
        } else
            put(o, "every key");
        put(o, " for agent %s in sandbox %s.", it->agent, it->sandbox);
        break;
    case IK_GRANT_CROSS:
        put(o, "Give sandbox %s a read-only snapshot of sandbox %s's source.", it->sandbox, it->source);
        break;
    case IK_REFRESH_CROSS:
        put(o, "Refresh sandbox %s's snapshot of sandbox %s.", it->sandbox, it->source);
        break;
    case IK_REVOKE_CROSS:
        put(o, "Revoke sandbox %s's read access to sandbox %s and remove its snapshot.", it->sandbox,
            it->source);
        break;
    case IK_HELP:
        if (it->topic)
            put(o, "Help on %s: %s", intent_kind_name(it->topic), intent_kind_help(it->topic));
        else
            put(o, "Help: what you can ask.");
        break;
    case IK_CONFIRM: put(o, it->token[0] ? "Confirm %s." : "Confirm the pending change.", it->token); break;
    case IK_CANCEL:
        if (strcmp(it->token, "ALL") == 0)
            put(o, "Cancel every change waiting for your confirmation here.");
        else
            put(o, it->token[0] ? "Cancel %s." : "Cancel the pending change.", it->token);
        break;
    default: break;
    }
}

void describe_relative(int64_t t, int64_t now, struct text *out)
{
    int64_t d = t - now, a = d < 0 ? -d : d;
    /* To the nearest unit: a 7-day grant looked at seconds after it was made ends "in 7 days". */
    const char *unit = "minute";
    int64_t n = (a + 30) / 60;
    if (a >= 2 * 86400) {
        unit = "day";
        n = (a + 43200) / 86400;
    } else if (a >= 2 * 3600) {
        unit = "hour";
        n = (a + 1800) / 3600;
    }
    if (a < 60)
        text_puts(out, "now");
    else
        text_printf(out, "%s%lld %s%s%s", d > 0 ? "in " : "", (long long)n, unit, n == 1 ? "" : "s",
                    d > 0 ? "" : " ago");
}
