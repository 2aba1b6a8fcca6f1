/* concierge parse: the intent of each command, executing nothing (interfaces.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../grammar/parse.h"
#include "../../intent/describe.h"
#include "../../intent/intent_json.h"
#include "cli.h"
#include "context.h"
#include "lines.h"

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
                               : parse_error_write_json(parse_status_name(st), code_name(err.code),
                                                        err.message, err.hint, buf, sizeof buf - 1);
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
        struct text desc = TEXT_INIT;
        describe_intent(&it, &desc);
        puts(text_failed(&desc) ? "error: out of memory" : desc.s);
        text_free(&desc);
    } else {
        printf("%s: %s%s%s\n", st == PARSE_INVALID ? "invalid" : "not understood", err.message,
               err.hint[0] ? "; " : "", err.hint);
    }
}

/* Each line of standard input is one command. The output is flushed only when reading is
 * about to wait, so a program on a pipe gets each answer at once and bulk input is not
 * slowed by a write per line (interfaces.md). */
static int parse_line(void *ctx, const char *line, size_t len)
{
    parse_one(ctx, line, len);
    return 0;
}

static int parse_stdin(struct parse_run *run)
{
    if (cli_each_line(parse_line, run)) return EXIT_OTHER;
    return run->status;
}

static const struct cli_command parse_command = {
    "usage: concierge parse [OPTIONS] [TEXT...]\n"
    "print the intent of TEXT, or of each line of standard input; execute nothing, open no store\n",
    cli_context_options, NULL};

int parse_main(int argc, char **argv)
{
    struct cli_options opt;
    struct split_args a;
    int rc = cli_parse_options(argc, argv, 2, &parse_command, &opt, &a);
    if (rc != CLI_GO) return rc;
    struct parse_run run = {&opt, {opt.actor, opt.sandbox, opt.now}, EXIT_DONE};
    if (a.n_words > 0) {
        /* With text on the command line, it is one command. */
        char text[CLI_TEXT_MAX];
        size_t n = cli_join_args(a.n_words, a.words, 0, text, sizeof text);
        parse_one(&run, text, n);
        fflush(stdout);
    } else {
        run.status = parse_stdin(&run);
    }
    args_release(&a);
    return run.status;
}
