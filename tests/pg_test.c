/* Fresh databases for tests on PostgreSQL (pg_test.h). The test talks to the cluster with
 * libpq itself only to create and drop databases; everything in them is the store's. */
#include "pg_test.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../store/store.h"

/* The maintenance URI: CONCIERGE_TEST_PG, else the first line of the file
 * CONCIERGE_TEST_PG_FILE names (ctest's pg fixture writes it once the cluster is up). */
static const char *base_uri(void)
{
    static char from_file[512];
    const char *u = getenv("CONCIERGE_TEST_PG"), *file = getenv("CONCIERGE_TEST_PG_FILE");
    if (u && *u) return u;
    if (!file || !*file) return NULL;
    if (!from_file[0]) {
        FILE *f = fopen(file, "r");
        if (!f) return NULL;
        if (!fgets(from_file, sizeof from_file, f)) from_file[0] = '\0';
        fclose(f);
        from_file[strcspn(from_file, "\n")] = '\0';
    }
    return from_file[0] ? from_file : NULL;
}

int pg_test_enabled(void) { return base_uri() != NULL; }

/* One statement on the maintenance database. */
static int admin_sql(const char *sql, char *err, size_t errlen)
{
    PGconn *c = PQconnectdb(base_uri());
    int ok = PQstatus(c) == CONNECTION_OK;
    if (ok) {
        PGresult *r = PQexec(c, sql);
        ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
    }
    if (!ok && err) snprintf(err, errlen, "%s", PQerrorMessage(c));
    PQfinish(c);
    return ok ? 0 : -1;
}

/* The maintenance URI with its database replaced: …/postgres → …/NAME. */
static int uri_for(const char *name, char *uri, size_t size)
{
    const char *base = base_uri();
    const char *path = strstr(base, "://");
    path = path ? strchr(path + 3, '/') : NULL;
    if (!path) return -1;
    const char *query = strchr(path, '?');
    int n = snprintf(uri, size, "%.*s/%s%s", (int)(path - base), base, name, query ? query : "");
    return n < 0 || (size_t)n >= size ? -1 : 0;
}

int pg_test_create(char *uri, size_t size, char *err, size_t errlen)
{
    static int counter, no_icu;
    char name[64], sql[256];
    snprintf(name, sizeof name, "t_%ld_%d", (long)getpid(), ++counter);
    if (uri_for(name, uri, size)) {
        snprintf(err, errlen, "CONCIERGE_TEST_PG is not a postgresql://…/DATABASE URI");
        return -1;
    }
    /* In a collation that is not byte order (ICU's en-US: @a_b before @a1), as a deployment's
     * database often is, so that a listing leaning on the database's collation shows (SQLite
     * sorts bytes). FILE_COPY: faster for a small one. */
    snprintf(
        sql, sizeof sql,
        "CREATE DATABASE %s STRATEGY FILE_COPY TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US'",
        name);
    if (no_icu || admin_sql(sql, NULL, 0)) {
        if (!no_icu++) printf("pg_test: no ICU collation in the cluster: databases in its own collation\n");
        snprintf(sql, sizeof sql, "CREATE DATABASE %s STRATEGY FILE_COPY", name);
        if (admin_sql(sql, err, errlen)) return -1;
    }
    struct store *s;
    int from, to;
    if (store_open(uri, STORE_MIGRATE, &s, err, errlen) != STORE_OK) return -1;
    int rc = store_migrate(s, &from, &to) == STORE_OK ? 0 : -1;
    if (rc) snprintf(err, errlen, "%s", store_errmsg(s));
    store_close(s);
    return rc;
}

void pg_test_drop(const char *uri)
{
    const char *name = strrchr(uri, '/');
    char sql[160];
    if (!name) return;
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %.*s WITH (FORCE)", (int)strcspn(name + 1, "?"),
             name + 1);
    admin_sql(sql, NULL, 0);
}

/* What the CLI's first change makes in a new SQLite store (identity_first_run, in actions/,
 * below which this library sits): workspace `default`, shared, and sandbox `default` in it. */
static int first_run(const char *uri, const char *owner, char *err, size_t errlen)
{
    struct store *s;
    int64_t ws;
    if (store_open(uri, 0, &s, err, errlen) != STORE_OK) return -1;
    int ok = store_begin(s) == STORE_OK && store_workspace_add(s, "default", MODE_SHARED, &ws) == STORE_OK &&
             store_sandbox_add(s, "default", owner, ws, "", MODE_NONE, NULL) == STORE_OK &&
             store_commit(s) == STORE_OK;
    if (!ok) {
        snprintf(err, errlen, "the default sandbox: %s", store_errmsg(s));
        store_rollback(s);
    }
    store_close(s);
    return ok ? 0 : -1;
}

int pg_test_store(char *db, size_t size, const char *sqlite_path, const char *owner, char *err, size_t errlen)
{
    if (!pg_test_enabled()) {
        int n = snprintf(db, size, "%s", sqlite_path);
        if (n < 0 || (size_t)n >= size) {
            snprintf(err, errlen, "the store path is longer than %zu bytes", size - 1);
            return -1;
        }
        return 0;
    }
    if (pg_test_create(db, size, err, errlen)) return -1;
    if (owner && first_run(db, owner, err, errlen)) {
        pg_test_drop(db);
        return -1;
    }
    return 0;
}

void pg_test_store_drop(const char *db)
{
    if (store_is_uri(db)) pg_test_drop(db);
}
