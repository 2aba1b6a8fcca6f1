/* A reply for the terminal or a pipe (render_text.h). */
#include "render_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../../intent/describe.h"
#include "../../intent/timecalc.h"
#include "table.h"

/* ---- Tables (interfaces.md, Replies to people: the terminal) ---- */

/* "(in 29 days)", "(3 hours ago)": how far an instant is from the reply's now. */
static void relative(struct text *cell, int64_t t, int64_t now)
{
    if (!now) return;
    text_puts(cell, " (");
    describe_relative(t, now, cell);
    text_puts(cell, ")");
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

/* A cell from the result: a value that is not a string (null) leaves it empty ("-"). */
static void put(struct text *cell, const char *s)
{
    if (s) text_puts(cell, s);
}

/* ---- Lines for people ---- */

/* How a reply is laid out: whether colour may go on its status word, and how wide the terminal
 * is (0: a pipe or a bot's text, where lines are never folded). */
struct look {
    int colour;
    size_t width;
};

#define FOLD_MIN 20 /* less room than this, and the terminal folds lines itself */

/* s (n bytes), its spaces at either end left out, as a line: after indent spaces, folded
 * between words to the terminal's width, its further lines under its first. */
static void prose(struct text *out, const struct look *lk, size_t indent, const char *s, size_t n)
{
    while (n && *s == ' ')
        s++, n--;
    while (n && s[n - 1] == ' ')
        n--;
    if (!n) return;
    size_t room = lk->width >= indent + FOLD_MIN ? lk->width - indent : 0;
    text_printf(out, "%*s", (int)indent, "");
    table_wrap(out, s, n, room, room, indent);
    text_puts(out, "\n");
}

/* A line that starts with its status word ("not understood:", "denied:", "cancelled"), the
 * word alone in colour (interfaces.md), then rest (n bytes) folded as prose is. */
static void status_line(struct text *out, const struct look *lk, const char *colour, const char *word,
                        size_t word_len, const char *rest, size_t n)
{
    if (lk->colour)
        text_printf(out, "%s%.*s\033[0m", colour, (int)word_len, word);
    else
        text_append(out, word, word_len);
    size_t used = table_columns(word, word_len) + 1;
    while (n && *rest == ' ')
        rest++, n--;
    if (n) {
        size_t room = lk->width >= FOLD_MIN ? lk->width : 0;
        text_puts(out, " ");
        table_wrap(out, rest, n, room > used ? room - used : 0, room, 0);
    }
    text_puts(out, "\n");
}

/* The summary's headline: up to its rows, without the colon that opens them. */
static size_t headline(const struct reply *r)
{
    size_t h = r->n_parts ? r->headline_len : r->summary.len;
    while (h && (r->summary.s[h - 1] == ':' || r->summary.s[h - 1] == ' '))
        h--;
    return h;
}

/* ---- Tables (interfaces.md, Replies to people: the terminal) ---- */

enum rows_kind {
    ROWS_MEMBERS,
    ROWS_EVENTS,
    ROWS_DECISIONS,
    ROWS_PENDING,
    ROWS_KEYS,
    ROWS_POLICIES,
    ROWS__COUNT
};

static const struct {
    const char *key; /* the result's list */
    int n;
    const char *heads[6];
} row_kinds[ROWS__COUNT] = {
    [ROWS_MEMBERS] = {"members", 6, {"principal", "role", "scope", "expires", "granted by", "granted"}},
    /* The summary last, so that a long one folds alone. */
    [ROWS_EVENTS] = {"events", 4, {"when", "who", "outcome", "what"}},
    [ROWS_DECISIONS] = {"decisions", 4, {"principal", "action", "decision", "rule"}},
    [ROWS_PENDING] = {"pending", 3, {"token", "lapses", "what"}},
    [ROWS_KEYS] = {"keys", 3, {"principal", "kind", "expires"}},
    [ROWS_POLICIES] = {"policies", 4, {"role", "at most", "set by", "grants over it"}},
};

static void row_cells(enum rows_kind kind, struct text *row, const json_t *m, int64_t now)
{
    switch (kind) {
    case ROWS_MEMBERS: {
        const char *proj = str(m, "project");
        put(&row[0], str(m, "principal"));
        put(&row[1], str(m, "role"));
        text_printf(&row[2], "%s%s", proj ? "project " : "sandbox", proj ? proj : "");
        instant_cell(&row[3], str(m, "expires_at"), 1, now);
        put(&row[4], str(m, "granted_by"));
        instant_cell(&row[5], str(m, "granted_at"), 0, now);
        break;
    }
    case ROWS_EVENTS: {
        instant_cell(&row[0], str(m, "at"), 0, now);
        put(&row[1], str(m, "actor"));
        /* "denied" once: the outcome column says it, the summary need not repeat it. */
        const char *outcome = str(m, "outcome") ? str(m, "outcome") : "", *what = str(m, "summary");
        size_t ol = strlen(outcome);
        if (what && ol && strncmp(what, outcome, ol) == 0 && strncmp(what + ol, ": ", 2) == 0) what += ol + 2;
        put(&row[2], outcome);
        put(&row[3], what);
        break;
    }
    case ROWS_DECISIONS:
        put(&row[0], str(m, "principal"));
        put(&row[1], str(m, "action"));
        put(&row[2], str(m, "decision"));
        put(&row[3], str(m, "rule"));
        break;
    case ROWS_PENDING:
        put(&row[0], str(m, "token"));
        instant_cell(&row[1], str(m, "expires_at"), 0, now);
        put(&row[2], str(m, "description"));
        break;
    case ROWS_KEYS:
        /* A key bound to no person (an embedded widget's) says so, rather than an empty "-". */
        put(&row[0], str(m, "principal") ? str(m, "principal") : "(no person)");
        put(&row[1], str(m, "kind"));
        instant_cell(&row[2], str(m, "expires_at"), 1, now);
        break;
    case ROWS_POLICIES: {
        /* The limit as said ("30 days", "1 month"), and whose it is. */
        struct duration d;
        const char *iso = str(m, "max_duration"), *from = str(m, "from");
        put(&row[0], str(m, "role"));
        if (iso && duration_parse_iso(iso, &d) == 0)
            describe_duration(&d, &row[1]);
        else
            put(&row[1], iso);
        put(&row[2], !from                            ? NULL
                     : strcmp(from, "workspace") == 0 ? "the workspace (its ceiling)"
                                                      : "the sandbox");
        json_t *over = json_object_get(m, "over_limit");
        if (json_is_integer(over)) text_printf(&row[3], "%" JSON_INTEGER_FORMAT, json_integer_value(over));
        break;
    }
    case ROWS__COUNT: break;
    }
}

/* The result's list of that kind as a table under the line already written; 0, or -1 out of
 * memory (said as incomplete by the caller, never a shorter table). */
static int rows_table(struct text *out, const struct reply *r, enum rows_kind kind, const struct look *lk)
{
    json_t *list = json_object_get(r->result, row_kinds[kind].key);
    struct table t;
    table_init(&t, row_kinds[kind].n, row_kinds[kind].heads);
    size_t i;
    json_t *m;
    json_array_foreach(list, i, m)
    {
        struct text *row = table_row(&t, NULL);
        if (!row) break;
        row_cells(kind, row, m, r->now);
        for (int c = 0; c < t.n; c++)
            t.oom |= text_failed(&row[c]);
    }
    if (!t.oom) table_text_width(&t, out, "  ", lk->width);
    int rc = t.oom ? -1 : 0;
    table_free(&t);
    return rc;
}

/* ---- Replies of some intents ---- */

/* A sign-in link (sign_in): on a line of its own, to be copied or clicked whole. A copy whose
 * link was blanked (a repeated bot request) shows none. */
static void sign_in_link(struct text *out, const struct reply *r)
{
    const char *link = r->result ? str(r->result, "link") : NULL;
    if (link) text_printf(out, "%s\n", link);
}

/* A new agent key's secret: the store keeps only its hash, so this is the one moment a person
 * at a terminal can copy it (access.md, Agent key): each alone on its line, under the warning.
 * A copy whose secrets were blanked (a bot's callback) gets no warning about what it lacks. */
static void secrets(struct text *out, const struct reply *r, int first)
{
    json_t *keys = r->result ? json_object_get(r->result, "keys") : NULL;
    size_t i, n = 0;
    json_t *k;
    json_array_foreach(keys, i, k) n += str(k, "secret") != NULL;
    if (!n) return;
    if (!first) text_puts(out, "\n");
    text_puts(out, n == 1
                       ? "The key's secret is shown this once: keep it now, it is not stored and cannot be "
                         "shown again.\n"
                       : "The keys' secrets are shown this once: keep them now, they are not stored and "
                         "cannot be shown again.\n");
    json_array_foreach(keys, i, k)
    {
        const char *secret = str(k, "secret"), *p = str(k, "principal");
        if (!secret) continue;
        if (n > 1) text_printf(out, "%s%s:\n", p ? p : "the key bound to no person", p ? "'s key" : "");
        text_printf(out, "%s\n", secret);
    }
}

/* What a sharing mode means, in access.md's words ("Workload access (sharing modes)"). */
static void mode_lines(struct text *out, const struct reply *r, const struct look *lk)
{
    const char *mode = str(r->result, "mode"), *secret = str(r->result, "secrets");
    json_t *collab = json_object_get(r->result, "collaborators");
    int collaborated = mode && strcmp(mode, "collaborated") == 0;
    const char *who = !mode                          ? NULL
                      : strcmp(mode, "private") == 0 ? "the owner alone"
                      : collaborated                 ? "the owner and the collaborators"
                                                     : "the owner, the workspace's members and sandbox-wide "
                                                       "grant holders";
    const char *mounted = !secret                         ? NULL
                          : strcmp(secret, "all") == 0    ? "all mounted"
                          : strcmp(secret, "listed") == 0 ? "only those the owner lists are mounted"
                          : strcmp(secret, "none") == 0   ? "not mounted"
                                                          : secret;
    const char *label[3] = {"workloads (exec, file, tunnel, proxy):",
                            collaborated ? "collaborators:" : "collaborators (for collaborated mode):",
                            "the owner's private secrets:"};
    struct text names = TEXT_INIT;
    size_t i;
    json_t *p;
    json_array_foreach(collab, i, p) if (json_is_string(p))
        text_printf(&names, "%s%s", names.len ? ", " : "", json_string_value(p));
    const char *value[3] = {who, names.len ? names.s : collaborated ? "none yet" : NULL, mounted};
    size_t w = 0;
    for (int l = 0; l < 3; l++)
        if (value[l] && strlen(label[l]) > w) w = strlen(label[l]);
    for (int l = 0; l < 3; l++) {
        if (!value[l]) continue;
        text_printf(out, "  %-*s  ", (int)w, label[l]);
        size_t at = 2 + w + 2, room = lk->width >= at + FOLD_MIN ? lk->width - at : 0;
        table_wrap(out, value[l], strlen(value[l]), room, room, at);
        text_puts(out, "\n");
    }
    if (text_failed(&names)) out->oom = 1;
    text_free(&names);
}

/* A change kept waiting: what it would do (its rows a line each), then on lines of their own
 * the step that carries it out and which others are waiting (lifecycle.md). */
static void waiting(struct text *out, const struct reply *r, const struct look *lk)
{
    const char *s = r->summary.s;
    size_t len = r->summary.len;
    int step = r->step_end && r->step_at <= r->step_end && r->step_end <= len;
    size_t end = step ? r->step_at : len;
    if (r->n_parts > 1 && !r->parts_oom && r->parts_end <= end) {
        prose(out, lk, 0, s, r->headline_len);
        for (size_t i = 0; i < r->n_parts; i++)
            prose(out, lk, 2, r->parts[i].s, r->parts[i].len);
        prose(out, lk, 0, s + r->parts_end, end - r->parts_end);
    } else {
        prose(out, lk, 0, s, end);
    }
    if (!step) return;
    prose(out, lk, 0, s + r->step_at, r->step_end - r->step_at);
    const char *rest = s + r->step_end;
    if (*rest == '.') rest++;
    prose(out, lk, 0, rest, strlen(rest));
}

/* What to say next about the changes listed as waiting. */
static void pending_hint(struct text *out, const struct reply *r, const struct look *lk)
{
    json_t *pending = json_object_get(r->result, "pending");
    struct text hint = TEXT_INIT;
    if (json_array_size(pending) == 1) {
        const char *t = str(json_array_get(pending, 0), "token");
        text_printf(&hint, "To carry it out, say: confirm %s; to drop it: cancel %s.", t, t);
    } else {
        text_puts(&hint, "To carry one out, say: confirm TOKEN; to drop one: cancel TOKEN, or cancel all.");
    }
    prose(out, lk, 0, hint.s, hint.len);
    if (text_failed(&hint)) out->oom = 1;
    text_free(&hint);
}

/* A carried-out command: its sentence, then its rows as a table, its parts a line each, or
 * what its result means. */
static void done(struct text *out, const struct reply *r, const struct look *lk)
{
    const char *s = r->summary.s;
    for (int k = 0; k < ROWS__COUNT; k++) {
        json_t *list = r->result ? json_object_get(r->result, row_kinds[k].key) : NULL;
        if (!json_is_array(list)) continue;
        if (!json_array_size(list)) break; /* nothing to lay out: the sentence says so */
        if (k == ROWS_DECISIONS) {
            /* A check's summary is its rows alone: its headline is made here. */
            size_t n = json_array_size(list);
            text_printf(out, "%zu decision%s", n, n == 1 ? "" : "s");
            if (r->has_intent)
                text_printf(out, " in sandbox %s%s%s", r->it.sandbox, r->it.project[0] ? ", project " : "",
                            r->it.project);
            text_puts(out, ":\n");
        } else if (k == ROWS_KEYS) {
            prose(out, lk, 0, s, r->summary.len);
        } else {
            text_append(out, s, headline(r));
            text_puts(out, ":\n");
        }
        if (rows_table(out, r, (enum rows_kind)k, lk)) out->oom = 1;
        if (k == ROWS_PENDING) pending_hint(out, r, lk);
        if (k == ROWS_KEYS) secrets(out, r, 0);
        return;
    }
    if (r->n_parts && !r->parts_oom) {
        /* help's lines, and any reply made of rows with no table of its own */
        text_append(out, s, headline(r));
        text_puts(out, ":\n");
        for (size_t i = 0; i < r->n_parts; i++)
            prose(out, lk, 2, r->parts[i].s, r->parts[i].len);
        prose(out, lk, 0, s + r->parts_end, r->summary.len - r->parts_end);
        return;
    }
    /* An empty listing's headline ends in the colon that would have opened its rows. */
    size_t n = r->summary.len;
    if (n && s[n - 1] == ':') {
        text_append(out, s, headline(r));
        text_puts(out, ".\n");
    } else {
        prose(out, lk, 0, s, n);
    }
    if (r->result && json_object_get(r->result, "mode")) mode_lines(out, r, lk);
    sign_in_link(out, r);
}

static void render(struct text *out, const struct reply *r, int quiet, const struct look *lk)
{
    static const char red[] = "\033[31m", yellow[] = "\033[33m";
    /* --quiet still shows a new key's secret: it cannot be had again. */
    if (quiet && r->status == RS_DONE) {
        secrets(out, r, 1);
        sign_in_link(out, r);
        return;
    }
    if (text_failed(&r->summary)) {
        text_puts(out, "error: out of memory: the reply is incomplete\n");
        return;
    }
    const char *s = r->summary.s, *word = reply_status_name(r->status);
    size_t n = r->summary.len, w = strlen(word);
    switch (r->status) {
    case RS_NOT_UNDERSTOOD: status_line(out, lk, red, "not understood:", 15, s, n); break;
    case RS_INVALID: status_line(out, lk, red, "invalid:", 8, s, n); break;
    case RS_ERROR: status_line(out, lk, red, "error:", 6, s, n); break;
    case RS_DONE: done(out, r, lk); break;
    case RS_NEEDS_CONFIRMATION: waiting(out, r, lk); break;
    default:
        /* A denial or a cancellation says so first ("denied: …", "cancelled K7Q2: …"): that word
         * is its status word. A rejection has none: its sentence says what was not possible. */
        if ((r->status == RS_DENIED || r->status == RS_CANCELLED) && strncmp(s, word, w) == 0 &&
            (s[w] == ':' || s[w] == ' ' || !s[w])) {
            w += s[w] == ':';
            status_line(out, lk, r->status == RS_DENIED ? red : yellow, s, w, s + w, n - w);
        } else {
            prose(out, lk, 0, s, n);
        }
        break;
    }
}

void render_text_into(struct text *out, const struct reply *r, int quiet, int colour)
{
    struct look lk = {colour, 0};
    render(out, r, quiet, &lk);
}

/* The width of the terminal fd is, or 0 when it is none (a pipe, a file). */
static size_t terminal_width(int fd)
{
    struct winsize ws;
    if (!isatty(fd) || ioctl(fd, TIOCGWINSZ, &ws) != 0) return 0;
    return ws.ws_col;
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
         * results go to a pipe, or the other way round); lines folded to that terminal's
         * width, never in a pipe (a script reads each row whole). */
        struct look lk = {colour && isatty(fileno(out)), terminal_width(fileno(out))};
        render(&t, r, quiet, &lk);
        if (text_failed(&t))
            fputs("error: out of memory: the reply could not be shown\n", stderr);
        else
            fwrite(t.s, 1, t.len, out);
        text_free(&t);
        fflush(out);
    }
    fflush(stdout); /* each reply as soon as its command is done */
}
