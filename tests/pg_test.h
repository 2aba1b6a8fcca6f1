/* Tests on PostgreSQL (issue 11: every suite on both backends). CONCIERGE_TEST_PG holds the
 * URI of a throwaway cluster's maintenance database (tests/pg_cluster.sh, started by ctest's
 * pg fixture); each test store is a fresh database of its own in that cluster, migrated. */
#ifndef CONCIERGE_TEST_PG_H
#define CONCIERGE_TEST_PG_H
#include <stddef.h>

/* 1 when the tests are to run on PostgreSQL (CONCIERGE_TEST_PG is set). */
int pg_test_enabled(void);
/* A new, migrated, empty database; its URI into uri. 0, or -1 with a reason in err. */
int pg_test_create(char *uri, size_t size, char *err, size_t errlen);
/* Drops the database of uri (made by pg_test_create), its connections with it. */
void pg_test_drop(const char *uri);

#endif
