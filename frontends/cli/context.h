/* The context of the command line (language.md, Context): --as, --sandbox, --now, --tz
 * and their environment defaults. */
#ifndef CONCIERGE_CLI_CONTEXT_H
#define CONCIERGE_CLI_CONTEXT_H
#include <stdint.h>

struct cli_options {
    char actor[300];
    char sandbox[80];
    int64_t now;
    int json;
    int quiet;
    int yes;
    const char *db;
};

/* Parses the shared options out of argv, leaving the rest (the text) in *rest. Returns 0,
 * or 2 (usage error, message printed). */
int cli_parse_options(int argc, char **argv, struct cli_options *o, int *first_text);

#endif
