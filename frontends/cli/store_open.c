#include "store_open.h"

#include <stdio.h>

#include "cli.h"

int cli_open_store(const struct cli_options *o, int create, struct store **out)
{
    char path[1024], err[512];
    if (cli_store_path(o, create, path, sizeof path)) return EXIT_OTHER;
    enum store_status rc = store_open(path, create ? STORE_CREATE : 0, out, err, sizeof err);
    if (rc != STORE_OK) {
        fprintf(stderr, "concierge: %s\n", err);
        return EXIT_OTHER;
    }
    if (!create || store_sandbox_count(*out) != 0) return 0;
    /* The embedded default: workspace and sandbox `default`, owned by whoever runs first.
     * Looked at again inside the write transaction: two first runs at once make one. */
    int64_t ws;
    if (store_begin(*out) != STORE_OK) goto fail;
    if (store_sandbox_count(*out) != 0) {
        store_rollback(*out);
        return 0;
    }
    if (store_workspace_add(*out, "default", MODE_SHARED, &ws) != STORE_OK ||
        store_sandbox_add(*out, "default", o->actor, ws, "", MODE_NONE, NULL) != STORE_OK ||
        store_commit(*out) != STORE_OK) {
    fail:
        fprintf(stderr, "concierge: cannot set up the new store: %s\n", store_errmsg(*out));
        store_rollback(*out);
        store_close(*out);
        *out = NULL;
        return EXIT_OTHER;
    }
    return 0;
}
