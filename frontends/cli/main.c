/* concierge: the command line (interfaces.md). One row a subcommand; without one, the
 * text is a command to carry out. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage_text[] =
    "usage: concierge [OPTIONS] [TEXT...]        interpret TEXT, or each line of standard input; confirm; "
    "execute\n"
    "       concierge parse [OPTIONS] [TEXT...]  print the intent of TEXT, or of each stdin line; execute "
    "nothing\n"
    "       concierge check [--project NAME] PRINCIPAL ACTION   the decision for the sandbox runtime\n"
    "       concierge serve [OPTIONS]            the HTTP server for Slack and chat bots (concierge serve "
    "--help)\n"
    "       concierge admin COMMAND ...          set-up the language does not cover (concierge admin "
    "--help)\n"
    "       concierge --help | --version\n"
    "\n"
    "options:\n"
    "  --db PATH        the store (default $CONCIERGE_DB, else $XDG_DATA_HOME/concierge/concierge.db)\n"
    "  --as P           the acting principal (default $CONCIERGE_AS, else @$USER)\n"
    "  --sandbox NAME   the current sandbox (default $CONCIERGE_SANDBOX, else default)\n"
    "  --now RFC3339    the instant taken as now (default the clock)\n"
    "  --tz ZONE        the time zone of dates and clock times (default $TZ, else UTC)\n"
    "  -y, --yes        confirm changes without asking\n"
    "  --json           one JSON object per command (JSON Lines)\n"
    "  -q, --quiet      print nothing for commands that succeed\n"
    "\n"
    "exit status: 0 done, 2 usage error, not understood or invalid, 3 needs confirmation or cancelled,\n"
    "4 denied, 5 rejected, 1 anything else; with several commands, that of the first that did not succeed\n";

size_t cli_join_args(int argc, char **argv, int first, char *buf, size_t size)
{
    size_t o = 0;
    for (int i = first; i < argc; i++) {
        size_t n = strlen(argv[i]);
        if (o + n + 2 > size) {
            /* Longer than any command: the parser refuses it without reading it. */
            memset(buf, 'x', size - 1);
            return size - 1;
        }
        if (o) buf[o++] = ' ';
        memcpy(buf + o, argv[i], n);
        o += n;
    }
    return o;
}

static const struct {
    const char *name;
    int (*main)(int, char **);
} subcommands[] = {
    {"parse", parse_main},
    {"check", check_main},
    {"admin", admin_main},
    {"serve", serve_main},
};

int main(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(usage_text, stdout);
        return EXIT_DONE;
    }
    if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
        printf("concierge %s\n", CONCIERGE_VERSION);
        return EXIT_DONE;
    }
    for (size_t i = 0; argc >= 2 && i < sizeof subcommands / sizeof subcommands[0]; i++) {
        if (strcmp(argv[1], subcommands[i].name) != 0) continue;
        if (argc >= 3 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0) &&
            strcmp(argv[1], "admin") != 0 && strcmp(argv[1], "serve") != 0) {
            fputs(usage_text, stdout);
            return EXIT_DONE;
        }
        return subcommands[i].main(argc, argv);
    }
    return run_main(argc, argv);
}
