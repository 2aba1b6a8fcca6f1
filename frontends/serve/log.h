/* Structured log lines: one JSON object a line on standard error, written with one write()
 * so that lines from different threads never interleave. Nothing secret is ever logged: no
 * tokens, signatures, key secrets or message texts. */
#ifndef CONCIERGE_LOG_H
#define CONCIERGE_LOG_H

/* 0 errors (and notices: start, stop) only, 1 also warnings, 2 also a line a request (the default). */
void log_set_verbosity(int v);

/* {"ts":…,"level":level,"event":event,<fields>}: fields is printf-formatted JSON members
 * (without braces), or "". */
void log_event(const char *level, const char *event, const char *fields, ...)
    __attribute__((format(printf, 3, 4)));

#endif
