/* The context of the command line (language.md, Context): --as, --sandbox, --now, --tz
 * and their environment defaults. */
#ifndef CONCIERGE_CLI_CONTEXT_H
#define CONCIERGE_CLI_CONTEXT_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "args.h"

struct cli_options {
    char actor[300];
    char sandbox[80];
    int64_t now;
    int json;
    int quiet;
    int yes;
    const char *db;
    const char *project; /* concierge check --project: NULL, or project_buf */
    char project_buf[80];
};

/* The options of the context, which every subcommand of the command line but serve takes
 * (interfaces.md), and --help and --version, which every one takes: rows for its table. */
#define CLI_CONTEXT_OPTIONS                                                                                  \
    {"db", 0, "PATH", "the store (default $CONCIERGE_DB, else $XDG_DATA_HOME/concierge/concierge.db)"},      \
        {"as", 0, "P", "the acting principal (default $CONCIERGE_AS, else @$USER)"},                         \
        {"sandbox", 0, "NAME", "the current sandbox (default $CONCIERGE_SANDBOX, else default)"},            \
        {"now", 0, "RFC3339", "the instant taken as now (default the clock)"},                               \
        {"tz", 0, "ZONE", "the time zone of dates and clock times (default $TZ, else UTC)"},                 \
        {"yes", 'y', NULL, "confirm changes without asking"},                                                \
        {"json", 0, NULL, "one JSON object per command (JSON Lines)"},                                       \
    {                                                                                                        \
        "quiet", 'q', NULL, "print nothing for commands that succeed"                                        \
    }
#define CLI_HELP_OPTIONS                                                                                     \
    {"help", 'h', NULL, "print this help and exit"},                                                         \
    {                                                                                                        \
        "version", 0, NULL, "print the versions of concierge and SQLite and exit"                            \
    }

/* The table of concierge [TEXT...] and concierge parse: the context, --help, --version. */
extern const struct opt_spec cli_context_options[];
/* The tables of concierge check, admin, serve, sweep and open (the dispatcher reads them all to find
 * the subcommand after options: `concierge --db x.db serve`). */
extern const struct opt_spec cli_check_options[], cli_admin_options[], cli_serve_options[],
    cli_sweep_options[], cli_open_options[];

/* A subcommand's help: its usage lines, its options' table, then anything more. */
struct cli_command {
    const char *synopsis;
    const struct opt_spec *options;
    void (*more)(FILE *f); /* NULL, or what follows the options (admin's commands) */
};

/* Go on: cli_parse_options returns this when the command is to run; anything else is the
 * exit status (0 after --help or --version, 2 for a usage error, printed). */
#define CLI_GO (-1)

/* Splits argv[start..] by cmd's table into the context (o) and the rest (a: the words, and
 * the options of cmd's own that the context does not take), options anywhere. On CLI_GO the
 * caller releases a. */
int cli_parse_options(int argc, char **argv, int start, const struct cli_command *cmd, struct cli_options *o,
                      struct split_args *a);

/* --help and --version, for a subcommand that parses its own options (serve). */
void cli_print_help(const struct cli_command *cmd);
void cli_print_version(void);

/* Prints "concierge: FROM 'V': WHY" on stderr, V's control bytes escaped. */
void cli_refuse_value(const char *from, const char *v, const char *why);

/* Whether the store was named (--db or $CONCIERGE_DB) rather than the default one. */
int cli_store_named(const struct cli_options *o);

/* The store's path: --db, else $CONCIERGE_DB, else $XDG_DATA_HOME/concierge/concierge.db,
 * else ~/.local/share/concierge/concierge.db. Creates the folders (0700) when create is
 * set. 0, or -1 with a message printed. */
int cli_store_path(const struct cli_options *o, int create, char *path, size_t size);

#endif
