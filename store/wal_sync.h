/* Group commit for SQLite in concierge serve (docs/group-commit.md): the server's connections
 * commit with synchronous=NORMAL, which writes a transaction to the write-ahead log without
 * waiting for the disk, and each change then waits here until one fdatasync of the log has
 * covered it. Changes that commit while a sync is under way are covered together by the next
 * one: one sync for a batch, and no change acknowledged before it is durable. Store-internal. */
#ifndef CONCIERGE_STORE_WAL_SYNC_H
#define CONCIERGE_STORE_WAL_SYNC_H
#include <stddef.h>
#include <stdint.h>

struct wal_sync;

/* The group of the database file db_file (shared by every connection of this process to it,
 * counted); NULL when out of memory. */
struct wal_sync *wal_sync_attach(const char *db_file);
void wal_sync_detach(struct wal_sync *g);

/* Numbers a commit that has just been made, in commit order: call it while still holding the
 * writers' lock, right after COMMIT. */
uint64_t wal_sync_committed(struct wal_sync *g);

/* Waits until the commit numbered seq is on disk, syncing the log itself when no other thread
 * is. 0, or -1 with the reason in err: then nothing more is acknowledged (wal_sync_broken). */
int wal_sync_wait(struct wal_sync *g, uint64_t seq, char *err, size_t errlen);

/* Non-zero once a sync failed: the log's state on disk is unknown, and the store takes no more
 * changes until the server is restarted (as PostgreSQL does on a failed fsync). */
int wal_sync_broken(struct wal_sync *g);

/* How many syncs and commits there were (bench/, tests): commits / syncs is the batch size. */
void wal_sync_counts(struct wal_sync *g, uint64_t *commits, uint64_t *syncs);

#endif
