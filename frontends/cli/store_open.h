/* Opening the store from the command line, with the first-run embedded default. */
#ifndef CONCIERGE_CLI_STORE_OPEN_H
#define CONCIERGE_CLI_STORE_OPEN_H
#include "../../store/store.h"
#include "context.h"

/* Opens the store of the options. With create, a missing store is created (0600, in a
 * 0700 folder) with a workspace `default` and a sandbox `default` owned by the acting
 * principal, so that the first one-liner works with no set-up. A PostgreSQL URI is never
 * set up implicitly, and its schema must be up to date. 0, or an exit status with a message
 * printed. */
int cli_open_store(const struct cli_options *o, int create, struct store **out);
/* create's value for admin migrate: a PostgreSQL schema that is behind is opened, to be
 * migrated. A SQLite store is created and migrated as with 1. */
#define CLI_STORE_MIGRATE 2

/* Whether the store of the options is named (--db, $CONCIERGE_DB) and not there: then only a
 * change may make it (interfaces.md). */
int cli_store_missing(const struct cli_options *o);

#endif
