/* Reading commands from standard input, one a line (interfaces.md). */
#include "lines.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Each non-empty line that does not start with '#' is one command. The output is flushed
 * only when reading is about to wait, so a program on a pipe gets each answer at once and
 * bulk input is not slowed by a write per line. A line longer than the buffer is handed
 * over cut (the parser refuses it as too long) and the rest of it skipped. */
int cli_each_line(int (*fn)(void *ctx, const char *line, size_t len), void *ctx)
{
    static char buf[1 << 16];
    size_t start = 0, have = 0; /* unread bytes are buf[start .. have) */
    int eof = 0, skipping = 0;  /* skipping: the rest of an over-long line */
    while (!eof || start < have) {
        char *line = buf + start;
        char *nl = memchr(line, '\n', have - start);
        if (!nl && !eof && !(start == 0 && have == sizeof buf)) {
            memmove(buf, line, have - start);
            have -= start;
            start = 0;
            fflush(stdout);
            ssize_t n = read(0, buf + have, sizeof buf - have);
            if (n < 0) {
                perror("concierge: reading standard input");
                return -1;
            }
            if (n == 0) eof = 1;
            have += (size_t)n;
            continue;
        }
        size_t len = nl ? (size_t)(nl - line) : have - start;
        if (!skipping) {
            size_t l = len, k = 0;
            if (l > 0 && line[l - 1] == '\r') l--;
            while (k < l && (line[k] == ' ' || line[k] == '\t'))
                k++;
            if (!nl && !eof) {
                if (fn(ctx, line, l)) return 0;
                skipping = 1;
            } else if (k < l && line[k] != '#') {
                if (fn(ctx, line, l)) return 0;
            }
        }
        if (nl) skipping = 0;
        start += nl ? len + 1 : len;
    }
    fflush(stdout);
    return 0;
}
