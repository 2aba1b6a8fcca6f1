/* Options anywhere (interfaces.md, Command line): one splitter for every subcommand, so
 * `concierge "who has access?" --json`, `--db=x.db`, `-yq` and `--` mean the same
 * wherever they are written. Each subcommand lists the options it takes in a table; the
 * same table prints its --help. */
#ifndef CONCIERGE_CLI_ARGS_H
#define CONCIERGE_CLI_ARGS_H
#include <stdio.h>

/* One option: its long name (without --), its letter (0: none), the name of its value
 * (NULL: a flag), and its line of help (NULL: not shown). A table ends with {NULL}. */
struct opt_spec {
    const char *name;
    char letter;
    const char *value;
    const char *help;
};

struct opt_seen {
    const struct opt_spec *spec;
    const char *value; /* NULL for a flag */
};

/* argv split: the options in the order given, and the other words (text, names) in theirs. */
struct split_args {
    struct opt_seen *opts;
    int n_opts;
    char **words;
    int n_words;
};

/* Splits argv[start..]: `--name VALUE` or `--name=VALUE`, `-x` and bundles (`-yq`), `--`
 * ends the options, and `-` alone or `-` followed by a digit is a word (`for -3 days`).
 * Returns 0, or 2 (usage error, printed naming who: "concierge", "concierge serve"). */
int args_split(int argc, char **argv, int start, const struct opt_spec *specs, const char *who,
               struct split_args *out);
void args_release(struct split_args *a);

/* The index of the first word of argv[start..] (the subcommand's place), skipping options
 * known to any table of tables (NULL-terminated) with their values; -1 when there is none
 * before `--` or an option no table knows. */
int args_first_word(int argc, char **argv, int start, const struct opt_spec *const *tables);

/* The option seen last with this long name (a later one wins), or NULL. */
const struct opt_seen *args_get(const struct split_args *a, const char *name);

/* The table as help lines: "  -y, --yes          confirm changes without asking". */
void args_print_help(FILE *f, const struct opt_spec *specs);

#endif
