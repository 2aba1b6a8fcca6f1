/* concierge [OPTIONS] [TEXT...]: carry commands out against the store; and concierge check,
 * the decision for the sandbox runtime without language (interfaces.md). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../actions/authorise.h"
#include "../../actions/execute.h"
#include "../../actions/runtime.h"
#include "../../grammar/canon.h"
#include "../../intent/intent_json.h"
#include "cli.h"
#include "context.h"
#include "lines.h"
#include "render_text.h"
#include "store_open.h"

struct run {
    struct cli_options *opt;
    struct exec_ctx x;
    int status; /* exit status of the first command that did not succeed */
    int tty;    /* /dev/tty, for asking; -1 when there is no terminal */
    int colour; /* colour is allowed: neither NO_COLOR nor TERM=dumb nor --json (a terminal is asked per
                   stream) */
};

/* Proceed? [y/N] on the terminal (/dev/tty, even when commands come on standard input). */
static int ask_tty(void *arg, const char *summary)
{
    struct run *run = arg;
    char answer[16];
    dprintf(run->tty, "%s\nProceed? [y/N] ", summary);
    ssize_t n = read(run->tty, answer, sizeof answer - 1);
    if (n <= 0) return 0;
    answer[n] = '\0';
    return answer[0] == 'y' || answer[0] == 'Y';
}

/* The store for this command, when the named one is not there yet: a change makes it; a
 * phrase that is not understood is refused without it; a question is told there is none.
 * 0 with x.store set, 1 with r answered. */
static int store_for(struct run *run, const char *text, size_t len, struct reply *r)
{
    if (run->x.store) return 0;
    struct parse_ctx pc = {run->x.actor, run->x.sandbox, run->x.now};
    struct intent it;
    struct parse_error err;
    if (parse_phrase(text, len, &pc, &it, &err) != PARSE_OK) {
        reply_refusal(r, &err);
        return 1;
    }
    if (!intent_kind_mutates(it.kind)) {
        char path[1024];
        if (cli_store_path(run->opt, 0, path, sizeof path)) path[0] = '\0';
        r->has_intent = 1;
        r->it = it;
        reply_fail(r, C_NO_STORE,
                   "no store at %s: a change or concierge admin makes one, a question never does", path);
        return 1;
    }
    struct store *s;
    if (cli_open_store(run->opt, 1, &s)) {
        reply_fail(r, C_STORE_ERROR, "the store could not be made");
        return 1;
    }
    run->x.store = s;
    return 0;
}

static int run_one(void *ctx, const char *text, size_t len)
{
    struct run *run = ctx;
    struct reply r;
    reply_init(&r);
    if (!store_for(run, text, len, &r)) execute_text(&run->x, text, len, &r);
    render_text(&r, run->opt->json, run->opt->quiet, run->colour);
    int code = reply_exit_code(r.status);
    if (code != EXIT_DONE && run->status == EXIT_DONE) run->status = code;
    reply_clear(&r);
    return 0;
}

static void run_more(FILE *f)
{
    fputs("\nOptions go anywhere, before or after a subcommand and the text; --opt=value is --opt value;\n"
          "-yq is -y -q; -- ends the options; a word such as -3 is text. Each subcommand has its --help.\n"
          "\nexit status: 0 done, 2 usage error, not understood or invalid, 3 needs confirmation or "
          "cancelled,\n"
          "4 denied, 5 rejected, 1 anything else; with several commands, that of the first that did not "
          "succeed\n",
          f);
}

static const struct cli_command run_command = {
    "usage: concierge [OPTIONS] [TEXT...]        interpret TEXT, or each line of standard input; confirm; "
    "execute\n"
    "       concierge parse [OPTIONS] [TEXT...]  print the intent of TEXT, or of each stdin line; execute "
    "nothing\n"
    "       concierge check [OPTIONS] PRINCIPAL ACTION   the decision for the sandbox runtime\n"
    "       concierge serve [OPTIONS]            the HTTP server for Slack and chat bots\n"
    "       concierge sweep [OPTIONS]            record the expiries that are due, once\n"
    "       concierge admin COMMAND ...          set-up the language does not cover\n"
    "       concierge --help | --version\n",
    cli_context_options, run_more};

int run_main(int argc, char **argv)
{
    struct cli_options opt;
    struct split_args a;
    int rc = cli_parse_options(argc, argv, 1, &run_command, &opt, &a);
    if (rc != CLI_GO) return rc;
    struct store *store = NULL;
    /* A named store that is not there is made by the first change, not by a question. */
    if (!cli_store_missing(&opt) && (rc = cli_open_store(&opt, 1, &store))) {
        args_release(&a);
        return rc;
    }
    struct run run = {&opt,
                      {.store = store,
                       .actor = opt.actor,
                       .sandbox = opt.sandbox,
                       .now = opt.now,
                       .yes = opt.yes,
                       .conversation = ""},
                      EXIT_DONE,
                      -1,
                      0};
    run.x.ask_arg = &run;
    const char *no_colour = getenv("NO_COLOR");
    const char *term = getenv("TERM");
    /* Colour only on a terminal that has it: never with NO_COLOR, TERM=dumb or a pipe. */
    run.colour = !(no_colour && *no_colour) && !(term && strcmp(term, "dumb") == 0) && !opt.json;
    if (!opt.yes && (isatty(0) || isatty(1)) && (run.tty = open("/dev/tty", O_RDWR | O_CLOEXEC)) >= 0)
        run.x.ask = ask_tty;
    if (a.n_words > 0) {
        char text[CLI_TEXT_MAX];
        run_one(&run, text, cli_join_args(a.n_words, a.words, 0, text, sizeof text));
    } else if (cli_each_line(run_one, &run)) {
        run.status = EXIT_OTHER;
    }
    if (run.tty >= 0) close(run.tty);
    store_close(run.x.store);
    args_release(&a);
    return run.status;
}

/* concierge check [--project NAME] PRINCIPAL ACTION */
const struct opt_spec cli_check_options[] = {
    {"project", 0, "NAME", "the project asked about (default the whole sandbox)"},
    CLI_CONTEXT_OPTIONS,
    CLI_HELP_OPTIONS,
    {NULL, 0, NULL, NULL},
};

static void check_more(FILE *f)
{
    fputs("\nACTION: read, run, build, destroy, manage, exec, file, tunnel, proxy.\n"
          "exit status: 0 allow, 4 deny, 2 usage error, 1 anything else\n",
          f);
}

static const struct cli_command check_command = {
    "usage: concierge check [OPTIONS] PRINCIPAL ACTION\n"
    "the decision for the sandbox runtime, without language; with --json, {\"decision\", \"rule\", "
    "\"reason\"}\n",
    cli_check_options, check_more};

/* The decision for words[0] (the principal) and words[1] (the action). */
static int check_words(const struct cli_options *opt, char **words)
{
    int rc;
    const char *action_text = words[1];
    char principal[PRINCIPAL_MAX_LEN + 1];
    /* The same canonical form as /v1/check and the language: @ED is @ed (canon.h). */
    const char *why = principal_canon(words[0], principal, sizeof principal);
    if (why) {
        cli_refuse_value("check", words[0], why);
        return EXIT_USAGE;
    }
    enum action action = runtime_action(action_text);
    if (action == ACT_NONE) {
        fprintf(
            stderr,
            "concierge: unknown action '%s' (read, run, build, destroy, manage, exec, file, tunnel, proxy)\n",
            action_text);
        return EXIT_USAGE;
    }
    struct store *store;
    if ((rc = cli_open_store(opt, 0, &store))) return rc;
    struct decision d;
    if (runtime_check(store, opt->sandbox, principal, action, opt->project, opt->now, 0, &d)) {
        fprintf(stderr, "concierge: %s\n", store_errmsg(store));
        store_close(store);
        return EXIT_OTHER;
    }
    store_close(store);
    if (opt->json) {
        json_t *o = runtime_decision_json(&d);
        char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
        puts(s ? s : "{}");
        free(s);
        json_decref(o);
    } else {
        printf("%s: %s (rule %s)\n", d.allow ? "allow" : "deny", d.reason, d.rule);
    }
    return d.allow ? EXIT_DONE : EXIT_DENIED;
}

int check_main(int argc, char **argv)
{
    struct cli_options opt;
    struct split_args a;
    int rc = cli_parse_options(argc, argv, 2, &check_command, &opt, &a);
    if (rc != CLI_GO) return rc;
    if (a.n_words != 2) {
        fprintf(
            stderr,
            "usage: concierge check [--project NAME] [--sandbox NAME] [--now T] [--json] PRINCIPAL ACTION\n");
        rc = EXIT_USAGE;
    } else {
        rc = check_words(&opt, a.words);
    }
    args_release(&a);
    return rc;
}
