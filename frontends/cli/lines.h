/* Reading commands from standard input, one a line. */
#ifndef CONCIERGE_CLI_LINES_H
#define CONCIERGE_CLI_LINES_H
#include <stddef.h>

/* Calls fn for each command line of standard input (see lines.c); fn returning non-zero
 * stops. 0, or -1 on a read error (printed). */
int cli_each_line(int (*fn)(void *ctx, const char *line, size_t len), void *ctx);

#endif
