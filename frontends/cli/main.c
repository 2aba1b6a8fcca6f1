/* concierge: the command line (interfaces.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../grammar/parse.h"
#include "../../intent/describe.h"
#include "../../intent/intent_json.h"
#include "context.h"

#define CONCIERGE_VERSION "0.1.0"

enum exit_code {
    EXIT_DONE = 0,
    EXIT_OTHER = 1,
    EXIT_USAGE = 2,
    EXIT_CONFIRM = 3,
    EXIT_DENIED = 4,
    EXIT_REJECTED = 5
};

static const char usage_text[] =
    "usage: concierge [OPTIONS] [TEXT...]        interpret TEXT, or each line of standard input\n"
    "       concierge parse [OPTIONS] [TEXT...]  print the intent of TEXT, or of each stdin line\n"
    "       concierge --help | --version\n"
    "\n"
    "options:\n"
    "  --as P           the acting principal (default $CONCIERGE_AS, else @$USER)\n"
    "  --sandbox NAME   the current sandbox (default $CONCIERGE_SANDBOX, else default)\n"
    "  --now RFC3339    the instant taken as now (default the clock)\n"
    "  --tz ZONE        the time zone of dates and clock times (default $TZ, else UTC)\n"
    "  --json           one JSON object per command (JSON Lines)\n"
    "  -q, --quiet      print nothing for successful parses\n"
    "\n"
    "exit status: 0 parsed, 2 usage error, not understood or invalid, 1 anything else\n";

struct parse_run {
    const struct cli_options *opt;
    struct parse_ctx ctx;
    int status; /* exit status of the first command that did not succeed */
};

/* Parses one command and prints its line. */
static void parse_one(struct parse_run *run, const char *text, size_t len)
{
    struct intent it;
    struct parse_error err;
    enum parse_status st = parse_phrase(text, len, &run->ctx, &it, &err);
    if (st != PARSE_OK && run->status == EXIT_DONE) run->status = EXIT_USAGE;
    if (run->opt->json) {
        char buf[INTENT_JSON_MAX];
        int n = st == PARSE_OK ? intent_write_json(&it, buf, sizeof buf - 1)
                               : parse_error_write_json(parse_status_name(st), err.message, err.hint, buf,
                                                        sizeof buf - 1);
        if (n < 0) {
            n = snprintf(buf, sizeof buf, "{\"error\":\"error\",\"message\":\"the reply does not fit\"}");
            run->status = EXIT_OTHER;
        }
        buf[n] = '\n';
        fwrite(buf, 1, (size_t)n + 1, stdout);
        return;
    }
    if (st == PARSE_OK) {
        if (run->opt->quiet) return;
        char buf[1024];
        describe_intent(&it, buf, sizeof buf);
        puts(buf);
    } else {
        printf("%s: %s%s%s\n", st == PARSE_INVALID ? "invalid" : "not understood", err.message,
               err.hint[0] ? "; " : "", err.hint);
    }
}

/* Each line of standard input is one command. The output is flushed only when reading is
 * about to wait, so a program on a pipe gets each answer at once and bulk input is not
 * slowed by a write per line (interfaces.md). */
static int parse_stdin(struct parse_run *run)
{
    static char buf[1 << 16];
    size_t start = 0, have = 0; /* unread bytes are buf[start .. have) */
    int eof = 0, skipping = 0;  /* skipping: the rest of an over-long line */
    while (!eof || start < have) {
        char *line = buf + start;
        char *nl = memchr(line, '\n', have - start);
        if (!nl && !eof && !(start == 0 && have == sizeof buf)) {
            /* Out of complete lines: move the partial one down, flush, and wait. */
            memmove(buf, line, have - start);
            have -= start;
            start = 0;
            fflush(stdout);
            ssize_t n = read(0, buf + have, sizeof buf - have);
            if (n < 0) {
                perror("concierge: reading standard input");
                return EXIT_OTHER;
            }
            if (n == 0) eof = 1;
            have += (size_t)n;
            continue;
        }
        size_t len = nl ? (size_t)(nl - line) : have - start;
        if (!skipping) {
            size_t l = len, k = 0;
            if (l > 0 && line[l - 1] == '\r') l--;
            while (k < l && (line[k] == ' ' || line[k] == '\t'))
                k++;
            if (!nl && !eof) {
                /* A line longer than the buffer: refused as too long, the rest skipped. */
                parse_one(run, line, l);
                skipping = 1;
            } else if (k < l && line[k] != '#') {
                parse_one(run, line, l);
            }
        }
        if (nl) skipping = 0;
        start += nl ? len + 1 : len;
    }
    fflush(stdout);
    return run->status;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
                      (strcmp(argv[1], "parse") == 0 && argc >= 3 && strcmp(argv[2], "--help") == 0))) {
        fputs(usage_text, stdout);
        return EXIT_DONE;
    }
    if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
        printf("concierge %s\n", CONCIERGE_VERSION);
        return EXIT_DONE;
    }
    int is_parse = argc >= 2 && strcmp(argv[1], "parse") == 0;
    struct cli_options opt;
    int first = 0, rc = cli_parse_options(argc, argv, &opt, &first);
    if (rc) return rc;
    if (!is_parse) {
        fprintf(stderr,
                "concierge: executing commands needs the access store, which this build does not have yet;\n"
                "use 'concierge parse' to see what a phrase means\n");
        return EXIT_OTHER;
    }
    struct parse_run run = {&opt, {opt.actor, opt.sandbox, opt.now}, EXIT_DONE};
    if (first < argc) {
        /* With text on the command line, it is one command. */
        char text[4096];
        size_t o = 0;
        int too_long = 0;
        for (int i = first; i < argc; i++) {
            size_t n = strlen(argv[i]);
            if (o + n + 2 > sizeof text) {
                too_long = 1;
                break;
            }
            if (o) text[o++] = ' ';
            memcpy(text + o, argv[i], n);
            o += n;
        }
        if (too_long) {
            /* Longer than any command: the parser refuses it without reading it. */
            static char big[1200];
            memset(big, 'x', sizeof big);
            parse_one(&run, big, sizeof big);
        } else {
            parse_one(&run, text, o);
        }
        fflush(stdout);
        return run.status;
    }
    return parse_stdin(&run);
}
