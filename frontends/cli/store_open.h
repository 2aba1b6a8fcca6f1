/* Opening the store from the command line, with the first-run embedded default. */
#ifndef CONCIERGE_CLI_STORE_OPEN_H
#define CONCIERGE_CLI_STORE_OPEN_H
#include "../../store/store.h"
#include "context.h"

/* Opens the store of the options. With create, a missing store is created (0600, in a
 * 0700 folder) with a workspace `default` and a sandbox `default` owned by the acting
 * principal, so that the first one-liner works with no set-up. 0, or an exit status with a
 * message printed. */
int cli_open_store(const struct cli_options *o, int create, struct store **out);

/* Whether the store of the options is named (--db, $CONCIERGE_DB) and not there: then only a
 * change may make it (interfaces.md). */
int cli_store_missing(const struct cli_options *o);

#endif
