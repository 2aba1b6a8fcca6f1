#include "render_slack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../intent/text.h"

/* Text for Slack's mrkdwn: &, < and > escaped, as Slack asks. */
static void mrkdwn(struct text *out, const char *in, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *e = in[i] == '&' ? "&amp;" : in[i] == '<' ? "&lt;" : in[i] == '>' ? "&gt;" : NULL;
        if (e)
            text_puts(out, e);
        else
            text_append(out, in + i, 1);
    }
}

/* The rows of a reply, each escaped already: what a person reads, one thing a row. */
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

/* A summary in rows: its parts end at "; " (a revoke's grants, a check's decisions). */
static void summary_rows(struct rows *rs, const char *s)
{
    while (*s) {
        const char *end = strstr(s, "; ");
        size_t n = end ? (size_t)(end - s) + 1 : strlen(s);
        row_add(rs, s, n);
        s += n;
        while (*s == ' ')
            s++;
    }
}

static const char *str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* The headline of a listing: its summary up to the colon that opens the list. */
static void headline_row(struct rows *rs, const char *summary)
{
    const char *colon = strchr(summary, ':');
    row_add(rs, summary, colon ? (size_t)(colon - summary) + 1 : strlen(summary));
}

/* One row a part of the reply, a member or an event of the result; else the summary cut at
 * its "; " (replies whose parts are not kept yet). */
static void reply_rows(struct rows *rs, const struct reply *r)
{
    json_t *members = r->result ? json_object_get(r->result, "members") : NULL;
    json_t *events = r->result ? json_object_get(r->result, "events") : NULL;
    json_t *list = members ? members : events;
    if (r->n_parts && !r->parts_oom) {
        /* The reply's own rows (reply.h): its headline, a row a part, its tail. */
        size_t h = r->headline_len;
        while (h && r->summary.s[h - 1] == ' ')
            h--;
        if (h) row_add(rs, r->summary.s, h);
        for (size_t i = 0; i < r->n_parts; i++)
            row_add(rs, r->parts[i].s, r->parts[i].len);
        const char *tail = r->summary.s + r->parts_end;
        while (*tail == ' ')
            tail++;
        if (*tail) row_add(rs, tail, strlen(tail));
    } else if (r->status != RS_DONE || !json_is_array(list)) {
        summary_rows(rs, r->summary.s);
    } else {
        headline_row(rs, r->summary.s);
        size_t i;
        json_t *m;
        json_array_foreach(list, i, m)
        {
            struct text line = TEXT_INIT;
            if (members) {
                const char *proj = str(m, "project"), *exp = str(m, "expires_at");
                text_printf(&line, "• %s (%s%s%s%s%s)", str(m, "principal"), str(m, "role"),
                            proj ? ", project " : "", proj ? proj : "", exp ? ", until " : "",
                            exp ? exp : "");
            } else {
                text_printf(&line, "• %s %s %s: %s", str(m, "at"), str(m, "actor"), str(m, "outcome"),
                            str(m, "summary"));
            }
            if (text_failed(&line)) rs->oom = 1;
            row_add(rs, line.s, line.len);
            text_free(&line);
        }
    }
    json_t *keys = r->result ? json_object_get(r->result, "keys") : NULL;
    size_t i;
    json_t *k;
    json_array_foreach(keys, i, k)
    {
        const char *p = str(k, "principal"), *secret = str(k, "secret");
        if (!secret) continue;
        struct text line = TEXT_INIT;
        text_printf(&line, "secret%s%s: `%s`", p ? " for " : "", p ? p : "", secret);
        if (text_failed(&line)) rs->oom = 1;
        struct text *t = row_new(rs);
        if (t) text_append(t, line.s, line.len); /* a secret holds nothing to escape */
        text_free(&line);
    }
}

static json_t *section(const char *s)
{
    return json_pack("{s:s, s:{s:s, s:s}}", "type", "section", "text", "type", "mrkdwn", "text", s);
}

/* Adds a section holding piece (at most SLACK_SECTION_MAX bytes). */
static int add_section(json_t *blocks, const char *piece)
{
    return json_array_append_new(blocks, section(piece));
}

/* A row longer than a section alone goes over several, cut between words (between
 * bytes of one UTF-8 character never: a cut is moved back to a character's start). */
static int long_row(json_t *blocks, const struct text *row, size_t room)
{
    size_t at = 0;
    while (at < row->len) {
        if (json_array_size(blocks) >= room) return -1;
        size_t n = row->len - at;
        if (n > SLACK_SECTION_MAX) {
            n = SLACK_SECTION_MAX;
            size_t sp = n;
            while (sp > 0 && row->s[at + sp] != ' ')
                sp--;
            if (sp > 0)
                n = sp;
            else
                while (n > 0 && ((unsigned char)row->s[at + n] & 0xC0) == 0x80)
                    n--;
        }
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

json_t *render_slack(const struct reply *r)
{
    struct rows rs = {0};
    reply_rows(&rs, r);
    json_t *blocks = json_array();
    int pending = r->status == RS_NEEDS_CONFIRMATION;
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
        /* As many whole rows as one section holds, a line each. */
        text_reset(&cur);
        text_append(&cur, row->s, row->len);
        size_t next = shown + 1;
        while (next < rs.n && cur.len + 1 + rs.v[next].len <= SLACK_SECTION_MAX) {
            text_puts(&cur, "\n");
            text_append(&cur, rs.v[next].s, rs.v[next].len);
            next++;
        }
        oom = text_failed(&cur) || add_section(blocks, cur.s) != 0;
        shown = next;
    }
    if (!oom && shown < rs.n) {
        char more[160];
        snprintf(more, sizeof more,
                 "… and %zu more not shown here (Slack shows at most %d blocks); the command line or "
                 "the bot API (`--json`) shows all.",
                 rs.n - shown, SLACK_BLOCKS_MAX);
        oom = add_section(blocks, more) != 0;
    }
    if (!oom && pending)
        oom = json_array_append_new(blocks, json_pack("{s:s, s:s, s:[o, o]}", "type", "actions", "block_id",
                                                      "concierge_confirm", "elements",
                                                      button("Confirm", "confirm", r->token, "primary"),
                                                      button("Cancel", "cancel", r->token, NULL))) != 0;
    /* The top-level text is what notifications show: the first block's text. */
    json_t *first = json_object_get(json_object_get(json_array_get(blocks, 0), "text"), "text");
    json_t *msg =
        oom ? NULL : json_pack("{s:s, s:O}", "text", first ? json_string_value(first) : "", "blocks", blocks);
    text_free(&cur);
    json_decref(blocks);
    rows_free(&rs);
    return msg;
}
