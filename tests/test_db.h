/* A test's own look at a store behind concierge's back, on either backend: a SQLite file or a
 * PostgreSQL URI (store_is_uri). Plain SQL that both understand. */
#ifndef CONCIERGE_TEST_DB_H
#define CONCIERGE_TEST_DB_H
#include <stdint.h>

/* The integer in the first column of the first row of sql, or -1. */
int64_t test_db_count(const char *db, const char *sql);
/* Runs sql (statements that return no rows); 0, or -1. */
int test_db_exec(const char *db, const char *sql);
/* The first column of the first row of sql as a new string (the caller frees it); NULL when
 * there is no row, the value is NULL or the query failed. */
char *test_db_text(const char *db, const char *sql);

#endif
