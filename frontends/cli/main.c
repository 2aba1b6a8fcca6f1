/* concierge: the command line (interfaces.md). One row a subcommand; without one, the
 * text is a command to carry out. Options go anywhere (args.h): the subcommand is the first
 * word that is not an option or an option's value. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "context.h"

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
    {"parse", parse_main}, {"check", check_main}, {"admin", admin_main},
    {"serve", serve_main}, {"sweep", sweep_main}, {"open", open_main},
};

/* Every table, so that the subcommand is found after options with values
 * (`concierge --db x.db serve`, `concierge --as @bob check @carol exec`). */
static const struct opt_spec *const all_options[] = {cli_context_options,
                                                     cli_check_options,
                                                     cli_admin_options,
                                                     cli_serve_options,
                                                     cli_sweep_options,
                                                     cli_open_options,
                                                     NULL};

int main(int argc, char **argv)
{
    int w = args_first_word(argc, argv, 1, all_options);
    for (size_t i = 0; w > 0 && i < sizeof subcommands / sizeof subcommands[0]; i++) {
        if (strcmp(argv[w], subcommands[i].name) != 0) continue;
        /* The subcommand moves to argv[1], the options before it after it: each subcommand
         * reads its options from argv[2..], wherever they were written. */
        char *name = argv[w];
        memmove(argv + 2, argv + 1, (size_t)(w - 1) * sizeof *argv);
        argv[1] = name;
        return subcommands[i].main(argc, argv);
    }
    return run_main(argc, argv);
}
