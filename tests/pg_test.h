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

/* A fresh store for one test, on the backend the run is for (pg_test_enabled). On SQLite, the
 * path sqlite_path into db, not made: the first change or admin makes it, with workspace and
 * sandbox `default` owned by whoever runs first. On PostgreSQL, where nothing is ever made
 * implicitly, a new migrated database; when owner is not NULL it gets that same `default`
 * workspace and sandbox, owned by owner, so that a test starts from one place on both. 0, or
 * -1 with a reason in err. */
int pg_test_store(char *db, size_t size, const char *sqlite_path, const char *owner, char *err,
                  size_t errlen);
/* Drops db when pg_test_store made it on PostgreSQL; a SQLite file is the test's to remove. */
void pg_test_store_drop(const char *db);

#endif
