/* A reply for the terminal or a pipe (render_text.h). */
#include "render_text.h"

#include <stdio.h>
#include <stdlib.h>

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
 * moment a person at a terminal can copy it (access.md, Agent key). */
static void print_secrets(const struct reply *r)
{
    json_t *keys = r->result ? json_object_get(r->result, "keys") : NULL;
    size_t i;
    json_t *k;
    json_array_foreach(keys, i, k)
    {
        const char *p = json_string_value(json_object_get(k, "principal"));
        const char *secret = json_string_value(json_object_get(k, "secret"));
        if (secret) printf("  secret%s%s: %s\n", p ? " for " : "", p ? p : "", secret);
    }
    if (json_array_size(keys)) printf("  Keep it now: it is not stored and cannot be shown again.\n");
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
    } else if (!(quiet && r->status == RS_DONE && !(r->result && json_object_get(r->result, "keys")))) {
        /* --quiet still shows a new key's secret: it cannot be had again. */
        const char *on = colour ? status_colour(r->status) : "", *off = colour ? "\033[0m" : "";
        const char *summary =
            text_failed(&r->summary) ? "(out of memory: the reply is incomplete)" : r->summary.s;
        switch (r->status) {
        case RS_NOT_UNDERSTOOD: printf("%snot understood:%s %s\n", on, off, summary); break;
        case RS_INVALID: printf("%sinvalid:%s %s\n", on, off, summary); break;
        case RS_ERROR: printf("%serror:%s %s\n", on, off, summary); break;
        default: printf("%s%s%s\n", on, summary, off); break;
        }
        if (r->status == RS_DONE) print_secrets(r);
    }
    fflush(stdout); /* each reply as soon as its command is done */
}
