/* What the backends of the store share, inside store/ only: the table of functions each one
 * fills (store_fns.def), and the head of every backend's struct store. store.c dispatches
 * store.h's functions through it; nothing outside store/ sees a backend. */
#ifndef CONCIERGE_STORE_BACKEND_H
#define CONCIERGE_STORE_BACKEND_H
#include "store.h"

struct store_ops {
#define STORE_FN(ret, name, params, args) ret(*name) params;
#define STORE_VOID(name, params, args)    void(*name) params;
#include "store_fns.def"
#undef STORE_FN
#undef STORE_VOID
    void (*close)(struct store *s);
};

/* The head of each backend's own struct (its first member), so that a struct store * is
 * that backend's. err holds what store_errmsg says. */
struct store {
    const struct store_ops *ops;
    char err[256];
};

/* Each backend's opening; store_open chooses by the --db value. */
enum store_status sqlite_store_open(const char *path, int flags, struct store **out, char *err,
                                    size_t errlen);
enum store_status pg_store_open(const char *uri, int flags, struct store **out, char *err, size_t errlen);

#endif
