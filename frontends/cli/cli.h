/* The command line's subcommands and what they share. */
#ifndef CONCIERGE_CLI_H
#define CONCIERGE_CLI_H
#include <stddef.h>

#define CONCIERGE_VERSION "0.2.0"

/* Exit statuses (interfaces.md). */
enum exit_code {
    EXIT_DONE = 0,
    EXIT_OTHER = 1,
    EXIT_USAGE = 2,
    EXIT_CONFIRM = 3,
    EXIT_DENIED = 4,
    EXIT_REJECTED = 5
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

struct store;
/* Runs one admin command (argv[i..]: its words, names and flags) on an open store; the
 * scenario runner sets stores up with it too. Returns an exit status. */
int admin_run(struct store *s, int argc, char **argv, int i);

#endif
