/* Structured log lines (log.h). */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int verbosity = 2;

void log_set_verbosity(int v) { verbosity = v; }

void log_event(const char *level, const char *event, const char *fields, ...)
{
    /* notice: start and stop, always said (supervisors and tests read the port from it). */
    int rank = strcmp(level, "error") == 0 || strcmp(level, "notice") == 0 ? 0
               : strcmp(level, "warn") == 0                                ? 1
                                                                           : 2;
    if (rank > verbosity) return;
    char line[2048];
    struct timeval tv;
    struct tm tm;
    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    int n = snprintf(line, sizeof line,
                     "{\"ts\":\"%04d-%02d-%02dT%02d:%02d:%02d.%03dZ\",\"level\":\"%s\",\"event\":\"%s\"",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                     (int)(tv.tv_usec / 1000), level, event);
    if (n < 0 || (size_t)n >= sizeof line) return;
    if (fields && *fields) {
        line[n++] = ',';
        va_list ap;
        va_start(ap, fields);
        int m = vsnprintf(line + n, sizeof line - (size_t)n - 2, fields, ap);
        va_end(ap);
        if (m < 0) return;
        n += (size_t)m < sizeof line - (size_t)n - 2 ? m : (int)(sizeof line - (size_t)n - 3);
    }
    line[n++] = '}';
    line[n++] = '\n';
    ssize_t w = write(2, line, (size_t)n);
    (void)w;
}
