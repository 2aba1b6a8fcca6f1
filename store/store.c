/* store.h's functions, each handed to the backend the store was opened with (backend.h):
 * SQLite for a file path, PostgreSQL for a postgresql:// or postgres:// URI. */
#include <string.h>

#include "backend.h"

int store_is_uri(const char *db)
{
    return strncmp(db, "postgresql://", 13) == 0 || strncmp(db, "postgres://", 11) == 0;
}

enum store_status store_open(const char *db, int flags, struct store **out, char *err, size_t errlen)
{
    return sqlite_store_open(db, flags, out, err, errlen);
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
