#include "store_open.h"

#include <stdio.h>

#include "../../actions/identity.h"
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
    /* The embedded default: workspace and sandbox `default`, owned by whoever runs first. */
    if (create && identity_first_run(*out, o->actor) != 0) {
        fprintf(stderr, "concierge: cannot set up the new store: %s\n", store_errmsg(*out));
        store_close(*out);
        *out = NULL;
        return EXIT_OTHER;
    }
    return 0;
}
