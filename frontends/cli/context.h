/* The context of the command line (language.md, Context): --as, --sandbox, --now, --tz
 * and their environment defaults. */
#ifndef CONCIERGE_CLI_CONTEXT_H
#define CONCIERGE_CLI_CONTEXT_H
#include <stddef.h>
#include <stdint.h>

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

/* Parses the shared options of argv[start..], stopping at the first argument that is not
 * an option; *first_text gets its index. Returns 0, or 2 (usage error, message printed). */
int cli_parse_options(int argc, char **argv, int start, struct cli_options *o, int *first_text);

/* Prints "concierge: FROM 'V': WHY" on stderr, V's control bytes escaped. */
void cli_refuse_value(const char *from, const char *v, const char *why);

/* Whether the store was named (--db or $CONCIERGE_DB) rather than the default one. */
int cli_store_named(const struct cli_options *o);

/* The store's path: --db, else $CONCIERGE_DB, else $XDG_DATA_HOME/concierge/concierge.db,
 * else ~/.local/share/concierge/concierge.db. Creates the folders (0700) when create is
 * set. 0, or -1 with a message printed. */
int cli_store_path(const struct cli_options *o, int create, char *path, size_t size);

#endif
