/* A reply for the terminal or a pipe (render_text.h). */
#include "render_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

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
    default: text_printf(out, "%s%s%s\n", on, summary, off); break;
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
