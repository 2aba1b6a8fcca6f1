/* A reply for the terminal or a pipe (render_text.h). */
#include "render_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../intent/describe.h"
#include "../../intent/timecalc.h"
#include "table.h"

/* The colour of a status on a terminal (ANSI SGR): green done, yellow waiting, red refused. */
static const char *status_colour(enum reply_status st)
{
    switch (st) {
    case RS_DONE: return "\033[32m";
    case RS_NEEDS_CONFIRMATION:
    case RS_CANCELLED: return "\033[33m";
    default: return "\033[31m";
    }
}

/* A new agent key's secret, in text: the store keeps only its hash, so this is the one
 * moment a person at a terminal can copy it (access.md, Agent key). A copy whose secrets were
 * blanked (a bot's callback) gets no warning about a secret it does not show. */
static void print_secrets(struct text *out, const struct reply *r)
{
    json_t *keys = r->result ? json_object_get(r->result, "keys") : NULL;
    size_t i, shown = 0;
    json_t *k;
    json_array_foreach(keys, i, k)
    {
        const char *p = json_string_value(json_object_get(k, "principal"));
        const char *secret = json_string_value(json_object_get(k, "secret"));
        if (secret) text_printf(out, "  secret%s%s: %s\n", p ? " for " : "", p ? p : "", secret), shown++;
    }
    if (shown) text_puts(out, "  Keep it now: it is not stored and cannot be shown again.\n");
}

/* ---- Tables (interfaces.md, Replies to people: the terminal) ---- */

/* "(in 29 days)", "(3 hours ago)": how far an instant is from the reply's now. */
static void relative(struct text *cell, int64_t t, int64_t now)
{
    if (!now) return;
    int64_t d = t - now, a = d < 0 ? -d : d;
    const char *unit = "minute";
    int64_t n = a / 60;
    if (a >= 2 * 86400) {
        unit = "day";
        n = a / 86400;
    } else if (a >= 2 * 3600) {
        unit = "hour";
        n = a / 3600;
    }
    if (a < 60)
        text_puts(cell, " (now)");
    else
        text_printf(cell, " (%s%lld %s%s%s)", d > 0 ? "in " : "", (long long)n, unit, n == 1 ? "" : "s",
                    d > 0 ? "" : " ago");
}

/* An instant of the result for a person: the one format, then how far from now. */
static void instant_cell(struct text *cell, const char *rfc3339, int until, int64_t now)
{
    int64_t t;
    char when[64];
    if (!rfc3339 || parse_rfc3339(rfc3339, &t)) return;
    if (until)
        describe_until(t, when, sizeof when);
    else
        describe_instant(t, when, sizeof when);
    text_puts(cell, when);
    relative(cell, t, now);
}

static const char *str(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

/* The result's rows as a table, when it has rows of a kind laid out so. 1 when printed. */
static int result_table(struct text *out, const struct reply *r)
{
    static const char *const member_heads[] = {"principal", "role",       "scope",
                                               "expires",   "granted by", "granted"};
    /* The summary last, so a long one wraps alone. */
    static const char *const event_heads[] = {"when", "who", "outcome", "what"};
    static const char *const decision_heads[] = {"principal", "action", "decision", "rule"};
    json_t *members = r->result ? json_object_get(r->result, "members") : NULL;
    json_t *events = r->result ? json_object_get(r->result, "events") : NULL;
    json_t *decisions = r->result ? json_object_get(r->result, "decisions") : NULL;
    if (r->status != RS_DONE ||
        !(json_array_size(members) || json_array_size(events) || json_array_size(decisions)))
        return 0;
    struct table t;
    table_init(&t, members ? 6 : 4, members ? member_heads : events ? event_heads : decision_heads);
    size_t i;
    json_t *m;
    json_array_foreach(members ? members : events ? events : decisions, i, m)
    {
        struct text *row = table_row(&t, NULL);
        if (!row) break;
        if (members) {
            const char *proj = str(m, "project");
            text_puts(&row[0], str(m, "principal"));
            text_puts(&row[1], str(m, "role"));
            text_printf(&row[2], "%s%s", proj ? "project " : "sandbox", proj ? proj : "");
            instant_cell(&row[3], str(m, "expires_at"), 1, r->now);
            if (str(m, "granted_by")) text_puts(&row[4], str(m, "granted_by"));
            instant_cell(&row[5], str(m, "granted_at"), 0, r->now);
        } else if (events) {
            instant_cell(&row[0], str(m, "at"), 0, r->now);
            text_puts(&row[1], str(m, "actor"));
            /* "denied" once: the outcome column says it, the summary need not repeat it. */
            const char *outcome = str(m, "outcome") ? str(m, "outcome") : "", *what = str(m, "summary");
            size_t ol = strlen(outcome);
            if (what && ol && strncmp(what, outcome, ol) == 0 && strncmp(what + ol, ": ", 2) == 0)
                what += ol + 2;
            text_puts(&row[2], outcome);
            text_puts(&row[3], what);
        } else {
            text_puts(&row[0], str(m, "principal"));
            text_puts(&row[1], str(m, "action"));
            text_puts(&row[2], str(m, "decision"));
            text_puts(&row[3], str(m, "rule"));
        }
        for (int c = 0; c < t.n; c++)
            t.oom |= text_failed(&row[c]);
    }
    if (!t.oom) {
        /* The headline is the summary up to its rows (reply.h); a check has none of its own. */
        size_t h = r->n_parts ? r->headline_len : 0;
        while (h && (r->summary.s[h - 1] == ':' || r->summary.s[h - 1] == ' '))
            h--;
        if (h)
            text_printf(out, "%.*s:\n", (int)h, r->summary.s);
        else if (decisions)
            text_printf(out, "%zu decision%s:\n", json_array_size(decisions),
                        json_array_size(decisions) == 1 ? "" : "s");
        else
            text_printf(out, "%s\n", r->summary.s);
        table_text(&t, out, "  ");
    }
    int ok = !t.oom;
    table_free(&t);
    if (!ok) out->oom = 1; /* said as incomplete by the caller, never a shorter table */
    return 1;
}

void render_text_into(struct text *out, const struct reply *r, int quiet, int colour)
{
    /* --quiet still shows a new key's secret: it cannot be had again. */
    if (quiet && r->status == RS_DONE && !(r->result && json_object_get(r->result, "keys"))) return;
    const char *on = colour ? status_colour(r->status) : "", *off = colour ? "\033[0m" : "";
    const char *summary =
        text_failed(&r->summary) ? "(out of memory: the reply is incomplete)" : r->summary.s;
    switch (r->status) {
    case RS_NOT_UNDERSTOOD: text_printf(out, "%snot understood:%s %s\n", on, off, summary); break;
    case RS_INVALID: text_printf(out, "%sinvalid:%s %s\n", on, off, summary); break;
    case RS_ERROR: text_printf(out, "%serror:%s %s\n", on, off, summary); break;
    default:
        if (!result_table(out, r)) text_printf(out, "%s%s%s\n", on, summary, off);
        break;
    }
    if (r->status == RS_DONE) print_secrets(out, r);
}

void render_text(const struct reply *r, int json, int quiet, int colour)
{
    if (json) {
        size_t len = 0;
        char *line = reply_json(r, &len);
        if (line)
            fwrite(line, 1, len, stdout);
        else
            fputs("{\"status\":\"error\",\"summary\":\"out of memory\"}", stdout);
        putchar('\n');
        free(line);
    } else {
        /* In text mode refusals and errors go to standard error, results to standard output
         * (interfaces.md): a pipe of answers carries no refusal text. */
        FILE *out = r->status == RS_NOT_UNDERSTOOD || r->status == RS_INVALID || r->status == RS_ERROR
                        ? stderr
                        : stdout;
        struct text t = TEXT_INIT;
        /* Colour only where the reply goes to a terminal (refusals may go to a terminal while
         * results go to a pipe, or the other way round). */
        render_text_into(&t, r, quiet, colour && isatty(fileno(out)));
        if (text_failed(&t))
            fputs("error: out of memory: the reply could not be shown\n", stderr);
        else
            fwrite(t.s, 1, t.len, out);
        text_free(&t);
        fflush(out);
    }
    fflush(stdout); /* each reply as soon as its command is done */
}
