/* The command line's subcommands and what they share. */
#ifndef CONCIERGE_CLI_H
#define CONCIERGE_CLI_H
#include <stddef.h>
#include <stdint.h>

#include "../../intent/codes.h"

#define CONCIERGE_VERSION "0.2.0"

/* Exit statuses (interfaces.md): the reply statuses' own (intent/codes.h), written once
 * there; a usage error exits as an invalid phrase does, a failure as an error. */
enum exit_code {
#define X(id, name, code) EXIT_##id = code,
    REPLY_STATUSES(X)
#undef X
        EXIT_USAGE = EXIT_INVALID,
    EXIT_OTHER = EXIT_ERROR,
    EXIT_CONFIRM = EXIT_NEEDS_CONFIRMATION,
};

/* Room for the text of one command given as arguments: anything longer is refused. */
#define CLI_TEXT_MAX 4096

/* Joins argv[first..] with spaces into buf. When they do not fit, buf gets a text the
 * parser refuses as too long. Returns the length. */
size_t cli_join_args(int argc, char **argv, int first, char *buf, size_t size);

int parse_main(int argc, char **argv);
int run_main(int argc, char **argv);
int check_main(int argc, char **argv);
int admin_main(int argc, char **argv);
int serve_main(int argc, char **argv);
int sweep_main(int argc, char **argv);
int open_main(int argc, char **argv);

struct store;
/* Runs one admin command (argv[i..]: its words, names and flags) on an open store; the
 * scenario runner sets stores up with it too. Returns an exit status. */
int admin_run(struct store *s, int argc, char **argv, int i);
/* The same at the instant now (the audit events' time; concierge admin takes --now). */
int admin_run_at(struct store *s, int64_t now, int argc, char **argv, int i);

#endif
