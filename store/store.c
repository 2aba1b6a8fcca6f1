/* store.h's functions, each handed to the backend the store was opened with (backend.h):
 * SQLite for a file path, PostgreSQL for a postgresql:// or postgres:// URI. */
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../intent/text.h"
#include "../intent/timecalc.h"

#include "backend.h"

void store_backends(char *out, size_t size)
{
    int pq = PQlibVersion(); /* 150018 for 15.18 */
    snprintf(out, size, "SQLite %s, libpq %d.%d", sqlite3_libversion(), pq / 10000, pq % 100);
}

int store_is_uri(const char *db)
{
    return strncmp(db, "postgresql://", 13) == 0 || strncmp(db, "postgres://", 11) == 0;
}

enum store_status store_open(const char *db, int flags, struct store **out, char *err, size_t errlen)
{
    if (store_is_uri(db)) return pg_store_open(db, flags, out, err, errlen);
    return sqlite_store_open(db, flags, out, err, errlen);
}

/* scheme://user:password@host… → scheme://user@host…; a password given as a parameter
 * (password=…) is cut out too. libpq reads PGPASSWORD and ~/.pgpass itself. */
void store_uri_shown(const char *db, char *out, size_t size)
{
    if (!size) return;
    out[0] = '\0';
    if (!store_is_uri(db)) {
        snprintf(out, size, "%s", db);
        return;
    }
    const char *scheme_end = strstr(db, "://") + 3;
    const char *authority_end = scheme_end + strcspn(scheme_end, "/?");
    const char *at = NULL;
    for (const char *c = scheme_end; c < authority_end; c++)
        if (*c == '@') at = c;
    const char *colon = at ? memchr(scheme_end, ':', (size_t)(at - scheme_end)) : NULL;
    struct text t = TEXT_INIT;
    if (colon) {
        text_append(&t, db, (size_t)(colon - db));
        text_puts(&t, ":***");
        db = at;
    }
    /* The query: every password=… parameter's value hidden. */
    const char *q = strchr(db, '?');
    text_append(&t, db, q ? (size_t)(q - db) : strlen(db));
    while (q && *q) {
        const char *end = q + 1 + strcspn(q + 1, "&");
        if (strncmp(q + 1, "password=", 9) == 0) {
            text_append(&t, q, 10);
            text_puts(&t, "***");
        } else {
            text_append(&t, q, (size_t)(end - q));
        }
        q = end;
    }
    snprintf(out, size, "%s", text_failed(&t) ? "(the database)" : t.s);
    text_free(&t);
}

#ifdef CONCIERGE_TEST_CLOCK
static char test_clock_file[4096];

void store_test_clock(const char *file)
{
    snprintf(test_clock_file, sizeof test_clock_file, "%s", file ? file : "");
}

/* The instant in the test clock's file; 0, or -1 when it cannot be read (the store's clock then). */
static int test_clock(int64_t *t)
{
    char buf[64] = "";
    FILE *f = test_clock_file[0] ? fopen(test_clock_file, "r") : NULL;
    if (!f) return -1;
    int ok = fgets(buf, sizeof buf, f) != NULL;
    fclose(f);
    buf[strcspn(buf, " \r\n")] = '\0';
    if (!ok || !buf[0]) return -1;
    char *end;
    long long v = strtoll(buf, &end, 10);
    if (!*end) {
        *t = v;
        return 0;
    }
    return parse_rfc3339(buf, t) == 0 ? 0 : -1;
}
#endif

int64_t store_clock(struct store *s)
{
#ifdef CONCIERGE_TEST_CLOCK
    int64_t t;
    if (test_clock(&t) == 0) return t;
#endif
    return store_db_clock(s);
}

void store_close(struct store *s)
{
    if (s) s->ops->close(s);
}

const char *store_errmsg(const struct store *s) { return s->err; }

int store_listing(const char *name)
{
    static const char *const names[] = {
#define X(name, stmt) #name,
        STORE_LISTINGS(X)
#undef X
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i], name) == 0) return (int)i;
    return -1;
}

#define STORE_FN(ret, name, params, args)                                                                    \
    ret store_##name params { return s->ops->name args; }
#define STORE_VOID(name, params, args)                                                                       \
    void store_##name params { s->ops->name args; }
#include "store_fns.def"
#undef STORE_FN
#undef STORE_VOID
