#define _GNU_SOURCE /* memrchr */
#include "render_slack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../intent/text.h"

static int id_char(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
static int word_char(char c)
{
    return (c >= 'a' && c <= 'z') || id_char(c) || c == '_' || c == '.' || c == '-' || c == '@' || c == ':';
}

/* Text for Slack's mrkdwn: &, < and > escaped, as Slack asks, and each Slack user
 * (`slack:U024BE7LH`, a principal standing alone) written as the mention Slack shows as a
 * name (`<@U024BE7LH>`), in sentences as in rows. */
static void mrkdwn(struct text *out, const char *in, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (n - i > 7 && memcmp(in + i, "slack:", 6) == 0 && (in[i + 6] == 'U' || in[i + 6] == 'W') &&
            (i == 0 || !word_char(in[i - 1]))) {
            size_t e = i + 6;
            while (e < n && id_char(in[e]))
                e++;
            text_puts(out, "<@");
            text_append(out, in + i + 6, e - i - 6);
            text_puts(out, ">");
            i = e - 1;
            continue;
        }
        const char *e = in[i] == '&' ? "&amp;" : in[i] == '<' ? "&lt;" : in[i] == '>' ? "&gt;" : NULL;
        if (e)
            text_puts(out, e);
        else
            text_append(out, in + i, 1);
    }
}

static void put(struct text *out, const char *s)
{
    if (s) mrkdwn(out, s, strlen(s));
}

/* An RFC 3339 instant of the result ("2027-01-01T08:27:11Z") as Slack's date token, which each
 * reader sees in their own zone; the instant itself is the fallback. */
static void put_instant(struct text *out, const char *at)
{
    struct tm tm = {0};
    char z = 0;
    if (at &&
        sscanf(at, "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
               &tm.tm_sec, &z) == 7 &&
        z == 'Z') {
        tm.tm_year -= 1900;
        tm.tm_mon -= 1;
        text_printf(out, "<!date^%lld^{date_short_pretty} {time}|%s>", (long long)timegm(&tm), at);
    } else {
        put(out, at);
    }
}

static const char *str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* The rows of a reply, each in mrkdwn already: what a person reads, one thing a row. */
struct rows {
    struct text *v;
    size_t n, cap;
    int oom;
};

static struct text *row_new(struct rows *rs)
{
    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? 2 * rs->cap : 32;
        struct text *v = realloc(rs->v, cap * sizeof *v);
        if (!v) {
            rs->oom = 1;
            return NULL;
        }
        rs->v = v;
        rs->cap = cap;
    }
    struct text *t = &rs->v[rs->n++];
    text_init(t);
    return t;
}

static void row_add(struct rows *rs, const char *s, size_t n)
{
    struct text *t = row_new(rs);
    if (t) mrkdwn(t, s, n);
}

static void rows_free(struct rows *rs)
{
    for (size_t i = 0; i < rs->n; i++)
        text_free(&rs->v[i]);
    free(rs->v);
}

static void member_row(struct text *t, const json_t *m)
{
    const char *proj = str(m, "project"), *exp = str(m, "expires_at");
    text_puts(t, "• ");
    put(t, str(m, "principal"));
    text_puts(t, " (");
    put(t, str(m, "role"));
    if (proj) text_puts(t, ", project "), put(t, proj);
    if (exp) text_puts(t, ", until "), put_instant(t, exp);
    text_puts(t, ")");
}

static void decision_row(struct text *t, const json_t *d)
{
    text_puts(t, "• ");
    put(t, str(d, "principal"));
    text_puts(t, " ");
    put(t, str(d, "action"));
    text_puts(t, ": *");
    put(t, str(d, "decision"));
    text_puts(t, "* (");
    put(t, str(d, "rule"));
    text_puts(t, ")");
    if (str(d, "reason")) text_puts(t, ": "), put(t, str(d, "reason"));
}

static void event_row(struct text *t, const json_t *e)
{
    const char *outcome = str(e, "outcome");
    text_puts(t, "• ");
    put_instant(t, str(e, "at"));
    text_puts(t, " ");
    put(t, str(e, "actor"));
    text_puts(t, ": ");
    put(t, str(e, "summary"));
    if (outcome && strcmp(outcome, "done") != 0) text_puts(t, " ("), put(t, outcome), text_puts(t, ")");
}

/* A listing of the result, a row an element; returns how many elements are not rows (the
 * audit log past its newest SLACK_AUDIT_MAX). */
static size_t data_rows(struct rows *rs, const json_t *list, void (*row)(struct text *, const json_t *),
                        size_t max)
{
    size_t i;
    json_t *m;
    json_array_foreach(list, i, m)
    {
        if (i == max) return json_array_size(list) - max;
        struct text *t = row_new(rs);
        if (t) row(t, m);
    }
    return 0;
}

/* The secrets a share_agent made: a row each, or (public) a line saying where it was shown. */
static void key_rows(struct rows *rs, const struct reply *r, int public)
{
    json_t *keys = r->result ? json_object_get(r->result, "keys") : NULL;
    size_t i;
    json_t *k;
    json_array_foreach(keys, i, k)
    {
        const char *secret = str(k, "secret");
        if (!secret) continue;
        struct text *t = row_new(rs);
        if (!t) return;
        text_puts(t, public ? "The key for " : "Secret for ");
        put(t, str(k, "principal"));
        if (str(k, "kind")) text_puts(t, " ("), put(t, str(k, "kind")), text_puts(t, " key)");
        if (public)
            text_puts(t, " was shown only to the person who made it.");
        else
            text_puts(t, ": `"), put(t, secret), text_puts(t, "` (shown this once, only to you)");
    }
    /* A sign-in link (sign_in): only ever to the one it signs in. */
    const char *link = r->result ? str(r->result, "link") : NULL;
    struct text *t = link ? row_new(rs) : NULL;
    if (t && public)
        text_puts(t, "The sign-in link was shown only to the person who asked.");
    else if (t)
        text_puts(t, "<"), put(t, link),
            text_puts(t, "|Open the web page> (works once, for 10 minutes; only you see it)");
}

enum unit { U_ROWS, U_MEMBERS, U_EVENTS, U_DECISIONS };

/* The summary's headline, then the rows: the result's data where it has a list, else the
 * reply's parts (reply.h), else the summary whole. *unshown counts what is left out by rule
 * (the audit log's older events), not for room. */
static void reply_rows(struct rows *rs, const struct reply *r, int public, size_t *headline_rows,
                       enum unit *unit, size_t *unshown)
{
    const json_t *res = r->result;
    json_t *members = res ? json_object_get(res, "members") : NULL;
    json_t *events = res ? json_object_get(res, "events") : NULL;
    json_t *decisions = res ? json_object_get(res, "decisions") : NULL;
    const char *s = r->summary.s;
    *unshown = 0;
    *unit = U_ROWS;
    int data =
        r->status == RS_DONE && (json_is_array(members) || json_is_array(events) || json_is_array(decisions));
    if (data) {
        /* The headline: the summary up to the colon that opens its list (a check's has none). */
        size_t h = r->n_parts ? r->headline_len : strlen(s);
        const char *colon = memchr(s, ':', h);
        if (!r->n_parts && colon) h = (size_t)(colon - s) + 1;
        while (h && s[h - 1] == ' ')
            h--;
        if (json_is_array(decisions)) {
            size_t n = json_array_size(decisions);
            struct text *t = row_new(rs);
            if (t) text_printf(t, "%zu decision%s:", n, n == 1 ? "" : "s");
        } else {
            row_add(rs, s, h);
        }
        *headline_rows = rs->n;
        if (json_is_array(members)) *unit = U_MEMBERS, data_rows(rs, members, member_row, (size_t)-1);
        if (json_is_array(events))
            *unit = U_EVENTS, *unshown = data_rows(rs, events, event_row, SLACK_AUDIT_MAX);
        if (json_is_array(decisions)) *unit = U_DECISIONS, data_rows(rs, decisions, decision_row, (size_t)-1);
    } else if (r->n_parts && !r->parts_oom) {
        size_t h = r->headline_len;
        while (h && s[h - 1] == ' ')
            h--;
        if (h) row_add(rs, s, h);
        *headline_rows = rs->n;
        key_rows(rs, r, public);
        for (size_t i = 0; i < r->n_parts; i++)
            row_add(rs, r->parts[i].s, r->parts[i].len);
        const char *tail = s + r->parts_end;
        while (*tail == ' ')
            tail++;
        if (*tail) row_add(rs, tail, strlen(tail));
        return;
    } else {
        row_add(rs, s, strlen(s));
        *headline_rows = rs->n;
    }
    key_rows(rs, r, public);
}

static json_t *mrkdwn_obj(const char *s) { return json_pack("{s:s, s:s}", "type", "mrkdwn", "text", s); }

static int add_section(json_t *blocks, const char *s)
{
    return json_array_append_new(blocks, json_pack("{s:s, s:o}", "type", "section", "text", mrkdwn_obj(s)));
}

/* Bytes of row from at that end a piece of at most SLACK_SECTION_MAX: cut between words, or
 * else between UTF-8 characters, outside a `<…>` token (a mention, a date), never in one. */
static size_t piece_len(const struct text *row, size_t at)
{
    size_t n = row->len - at;
    if (n <= SLACK_SECTION_MAX) return n;
    const char *s = row->s + at;
    size_t cut = SLACK_SECTION_MAX, sp = cut;
    while (sp > 0 && s[sp] != ' ')
        sp--;
    if (sp > 0) {
        cut = sp;
    } else {
        while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
            cut--;
    }
    const char *open = memrchr(s, '<', cut), *close = memrchr(s, '>', cut);
    if (open && (!close || close < open) && open > s) cut = (size_t)(open - s);
    return cut;
}

/* A row longer than a section alone goes over several. 0, -1 when it does not fit in room
 * blocks, -2 out of memory. */
static int long_row(json_t *blocks, const struct text *row, size_t room)
{
    size_t at = 0;
    while (at < row->len) {
        if (json_array_size(blocks) >= room) return -1;
        size_t n = piece_len(row, at);
        char *piece = strndup(row->s + at, n);
        int bad = !piece || add_section(blocks, piece);
        free(piece);
        if (bad) return -2;
        at += n;
        while (at < row->len && row->s[at] == ' ')
            at++;
    }
    return 0;
}

static json_t *button(const char *label, const char *action, const char *token, const char *style)
{
    json_t *b = json_pack("{s:s, s:{s:s, s:s}, s:s, s:s}", "type", "button", "text", "type", "plain_text",
                          "text", label, "action_id", action, "value", token);
    if (b && style) json_object_set_new(b, "style", json_string(style));
    return b;
}

/* "… and N more": what is not shown, counted in its own unit, and how to see it. */
static int add_more(json_t *blocks, size_t n, enum unit u)
{
    static const char *const what[][2] = {
        {"line", "lines"}, {"member", "members"}, {"event", "events"}, {"decision", "decisions"}};
    static const char *const how[] = {
        "the command line or the bot API (`--json`) shows them all.",
        "narrow them (`who can edit the NAME project?`, `show editors`); the command line shows them all.",
        "narrow them (`show the audit log for the last 7 days`, `who invited @name?`); the command line "
        "shows "
        "them all.",
        "narrow them (`can @name edit?`); the command line shows them all."};
    char more[256];
    snprintf(more, sizeof more, "… and %zu more %s not shown here: %s", n, what[u][n != 1], how[u]);
    return json_array_append_new(blocks,
                                 json_pack("{s:s, s:[o]}", "type", "context", "elements", mrkdwn_obj(more)));
}

static json_t *render(const struct reply *r, int public)
{
    struct rows rs = {0};
    size_t headline = 0, unshown = 0;
    enum unit unit;
    reply_rows(&rs, r, public, &headline, &unit, &unshown);
    json_t *blocks = json_array();
    int pending = r->status == RS_NEEDS_CONFIRMATION && r->token[0];
    /* Blocks for rows: all of Slack's 50 but one for the buttons and one for "and N more". */
    size_t room = SLACK_BLOCKS_MAX - (size_t)pending - 1;
    int oom = rs.oom || text_failed(&r->summary) || !blocks;
    for (size_t i = 0; i < rs.n; i++)
        oom |= text_failed(&rs.v[i]);
    size_t shown = 0; /* rows put in blocks, in order */
    struct text cur = TEXT_INIT;
    while (!oom && shown < rs.n) {
        const struct text *row = &rs.v[shown];
        if (row->len > SLACK_SECTION_MAX) {
            size_t before = json_array_size(blocks);
            int rc = long_row(blocks, row, room);
            if (rc == -2) oom = 1;
            if (rc) {
                /* The row does not fit whole: none of it is shown. */
                while (json_array_size(blocks) > before)
                    json_array_remove(blocks, json_array_size(blocks) - 1);
                break;
            }
            shown++;
            continue;
        }
        if (json_array_size(blocks) >= room) break;
        /* The headline in a section of its own; then as many whole rows as a section holds. */
        text_reset(&cur);
        text_append(&cur, row->s, row->len);
        size_t next = shown + 1;
        while (shown >= headline && next < rs.n && cur.len + 1 + rs.v[next].len <= SLACK_SECTION_MAX) {
            text_puts(&cur, "\n");
            text_append(&cur, rs.v[next].s, rs.v[next].len);
            next++;
        }
        oom = text_failed(&cur) || add_section(blocks, cur.s) != 0;
        shown = next;
    }
    size_t more = rs.n - shown + unshown;
    if (!oom && more) oom = add_more(blocks, more, shown >= headline ? unit : U_ROWS) != 0;
    if (!oom && pending)
        oom = json_array_append_new(blocks, json_pack("{s:s, s:s, s:[o, o]}", "type", "actions", "block_id",
                                                      "concierge_confirm", "elements",
                                                      button("Confirm", "confirm", r->token, "primary"),
                                                      button("Cancel", "cancel", r->token, NULL))) != 0;
    /* The top-level text is what notifications show: the first block's text. */
    json_t *first = json_object_get(json_object_get(json_array_get(blocks, 0), "text"), "text");
    json_t *msg = oom ? NULL
                      : json_pack("{s:s, s:O}", "text", first ? json_string_value(first) : "(no reply)",
                                  "blocks", blocks);
    if (msg && !public) json_object_set_new(msg, "response_type", json_string("ephemeral"));
    text_free(&cur);
    json_decref(blocks);
    rows_free(&rs);
    return msg;
}

json_t *render_slack(const struct reply *r) { return render(r, 0); }

json_t *render_slack_public(const struct reply *r) { return render(r, 1); }
