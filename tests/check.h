/* The one assertion kit of the C tests: one pass/fail count, and on a failure the file, the
 * line, what was checked and, for the typed checks, both values. Each check is an expression
 * worth 1 when it passed, so a test can stop early (`if (!CHECK(...)) return;`). A test's main
 * ends with `return CHECK_SUMMARY();`.
 *
 *   CHECK(cond, what)                   a condition
 *   CHECKF(cond, what, fmt, ...)        a condition, and on failure a printf-made account
 *   CHECK_INT(got, want, what)          integers (as long long)
 *   CHECK_STR(got, want, what)          strings (NULL equals only NULL)
 *   CHECK_T(got, want, what)            instants (int64 seconds), shown in RFC 3339 too
 *
 * The _AT forms take the file and line from a helper's caller. */
#ifndef CONCIERGE_TEST_CHECK_H
#define CONCIERGE_TEST_CHECK_H
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int check_passed, check_failed;

/* Counts one check. On failure: where and what, then got and want when there are values. */
static inline int check_at(int ok, const char *file, int line, const char *what, const char *got,
                           const char *want)
{
    if (ok) {
        check_passed++;
        return 1;
    }
    check_failed++;
    printf("FAIL %s:%d: %s\n", file, line, what);
    if (got || want) printf("  got:  %s\n  want: %s\n", got ? got : "(null)", want ? want : "(null)");
    fflush(stdout); /* a crash after a failure must not swallow it */
    return 0;
}

static inline int check_fmt_at(int ok, const char *file, int line, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static inline int check_fmt_at(int ok, const char *file, int line, const char *what, const char *fmt, ...)
{
    if (ok) return check_at(1, file, line, what, NULL, NULL);
    check_failed++;
    printf("FAIL %s:%d: %s: ", file, line, what);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
    return 0;
}

static inline int check_int_at(long long got, long long want, const char *file, int line, const char *what)
{
    char g[32], w[32];
    snprintf(g, sizeof g, "%lld", got);
    snprintf(w, sizeof w, "%lld", want);
    return check_at(got == want, file, line, what, g, w);
}

static inline int check_str_at(const char *got, const char *want, const char *file, int line,
                               const char *what)
{
    int ok = got && want ? strcmp(got, want) == 0 : got == want;
    return check_at(ok, file, line, what, got, want);
}

/* An instant as "<seconds> <RFC 3339>", written with the C library, not the code under test. */
static inline void check_instant(int64_t t, char *out, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;
    char iso[40] = "(out of range)";
    if (gmtime_r(&tt, &tm)) strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf(out, size, "%lld %s", (long long)t, iso);
}

static inline int check_t_at(int64_t got, int64_t want, const char *file, int line, const char *what)
{
    char g[64], w[64];
    check_instant(got, g, sizeof g);
    check_instant(want, w, sizeof w);
    return check_at(got == want, file, line, what, g, w);
}

#define CHECK(cond, what)       check_at(!!(cond), __FILE__, __LINE__, (what), NULL, NULL)
#define CHECKF(cond, what, ...) check_fmt_at(!!(cond), __FILE__, __LINE__, (what), __VA_ARGS__)
#define CHECK_INT(got, want, what)                                                                           \
    check_int_at((long long)(got), (long long)(want), __FILE__, __LINE__, (what))
#define CHECK_STR(got, want, what)       check_str_at((got), (want), __FILE__, __LINE__, (what))
#define CHECK_T(got, want, what)         check_t_at((got), (want), __FILE__, __LINE__, (what))
#define CHECK_AT(cond, file, line, what) check_at(!!(cond), (file), (line), (what), NULL, NULL)
#define CHECK_SUMMARY()                  (printf("%d passed, %d failed\n", check_passed, check_failed), check_failed ? 1 : 0)

#endif
