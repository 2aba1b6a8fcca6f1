/* The one assertion of the C tests: counts, and prints what failed with its line. A test's
 * main ends with CHECK_SUMMARY(). */
#ifndef CONCIERGE_TEST_CHECK_H
#define CONCIERGE_TEST_CHECK_H
#include <stdio.h>

static int check_passed, check_failed;
#define CHECK(cond, what)                                                                                    \
    do {                                                                                                     \
        if (cond)                                                                                            \
            check_passed++;                                                                                  \
        else {                                                                                               \
            check_failed++;                                                                                  \
            printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, what);                                            \
        }                                                                                                    \
    } while (0)
#define CHECK_SUMMARY() (printf("%d passed, %d failed\n", check_passed, check_failed), check_failed ? 1 : 0)

#endif
