/* Structured log lines (log.h). */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "../../intent/text.h"

static int verbosity = 2;

void log_set_verbosity(int v) { verbosity = v; }

void log_event(const char *level, const char *event, const char *fields, ...)
{
    /* notice: start and stop, always said (supervisors and tests read the port from it). */
    int rank = strcmp(level, "error") == 0 || strcmp(level, "notice") == 0 ? 0
               : strcmp(level, "warn") == 0                                ? 1
                                                                           : 2;
    if (rank > verbosity) return;
    /* Built whole, then written in one write(2) so lines of threads never interleave. */
    struct text line = TEXT_INIT;
    struct timeval tv;
    struct tm tm;
    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    text_printf(&line, "{\"ts\":\"%04d-%02d-%02dT%02d:%02d:%02d.%03dZ\",\"level\":\"%s\",\"event\":\"%s\"",
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                (int)(tv.tv_usec / 1000), level, event);
    if (fields && *fields) {
        text_puts(&line, ",");
        va_list ap;
        va_start(ap, fields);
        text_vprintf(&line, fields, ap);
        va_end(ap);
    }
    text_puts(&line, "}\n");
    if (text_failed(&line)) {
        static const char oom[] = "{\"level\":\"error\",\"event\":\"log_out_of_memory\"}\n";
        text_free(&line);
        ssize_t w = write(2, oom, sizeof oom - 1);
        (void)w;
        return;
    }
    ssize_t w = write(2, line.s, line.len);
    (void)w;
    text_free(&line);
}
