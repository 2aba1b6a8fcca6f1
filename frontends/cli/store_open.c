#include "store_open.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "../../actions/identity.h"
#include "cli.h"

int cli_open_store(const struct cli_options *o, int create, struct store **out)
{
    char path[1024], err[512];
    int uri = (o->db && store_is_uri(o->db)) ||
              (!o->db && getenv("CONCIERGE_DB") && store_is_uri(getenv("CONCIERGE_DB")));
    if (cli_store_path(o, create && !uri, path, sizeof path)) return EXIT_OTHER;
    if (uri) {
        /* A PostgreSQL store is never set up implicitly (interfaces.md): admin creates what is
         * in it, admin migrate its schema. */
        enum store_status rc =
            store_open(path, create == CLI_STORE_MIGRATE ? STORE_MIGRATE : 0, out, err, sizeof err);
        if (rc != STORE_OK) {
            fprintf(stderr, "concierge: %s\n", err);
            return EXIT_OTHER;
        }
        return 0;
    }
    struct stat st;
    if (!create && stat(path, &st) != 0 && errno == ENOENT) {
        /* A question never makes a store (interfaces.md): a mistyped --db is said as such. */
        fprintf(stderr, "concierge: no store at %s\n", path);
        return EXIT_OTHER;
    }
    enum store_status rc = store_open(path, create ? STORE_CREATE : 0, out, err, sizeof err);
    if (rc != STORE_OK) {
        fprintf(stderr, "concierge: %s\n", err);
        return EXIT_OTHER;
    }
    /* The embedded default: workspace and sandbox `default`, owned by whoever runs first. */
    if (create && identity_first_run(*out, o->actor) != 0) {
        fprintf(stderr, "concierge: cannot set up the new store: %s\n", store_errmsg(*out));
        store_close(*out);
        *out = NULL;
        return EXIT_OTHER;
    }
    return 0;
}

int cli_store_missing(const struct cli_options *o)
{
    char path[1024];
    struct stat st;
    if (!cli_store_named(o) || cli_store_path(o, 0, path, sizeof path) || store_is_uri(path)) return 0;
    return stat(path, &st) != 0 && errno == ENOENT;
}
