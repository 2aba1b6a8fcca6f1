/* Cross-sandbox snapshots (access.md, "Cross-sandbox snapshots"): a frozen, read-only copy
 * of a source sandbox's tree at <reader>/.shared/<source>/, with secrets, configuration,
 * dependency folders and git internals left out. Only libc; no shell. */
#ifndef CONCIERGE_SNAPSHOT_H
#define CONCIERGE_SNAPSHOT_H
#include <stddef.h>

/* Makes or refreshes the read-only snapshot of source_dir at reader_dir/.shared/<source_name>/.
 * Copies into a fresh folder beside it, then swaps it in with renameat2(RENAME_EXCHANGE)
 * (or a plain rename when there was none), so a reader never sees half a snapshot; the old
 * copy is then removed. A snapshot larger than limit_bytes is refused before anything is
 * replaced. 0, or -1 with a message for a person in err. */
int snapshot_replace(const char *source_dir, const char *reader_dir, const char *source_name,
                     unsigned long long limit_bytes, char *err, size_t errlen);
/* The same in two steps, so that a snapshot is put in place only once the grant it belongs
 * to is stored: snapshot_prepare makes the sealed copy in a hidden folder beside (its name in
 * staged); snapshot_swap puts it in place; snapshot_discard removes it instead. Each 0 or -1
 * with err (discard says nothing). */
#define SNAPSHOT_STAGED_MAX 256
int snapshot_prepare(const char *source_dir, const char *reader_dir, const char *source_name,
                     unsigned long long limit_bytes, char staged[SNAPSHOT_STAGED_MAX], char *err,
                     size_t errlen);
int snapshot_swap(const char *reader_dir, const char *source_name, const char *staged, char *err,
                  size_t errlen);
void snapshot_discard(const char *reader_dir, const char *staged);
/* Removes reader_dir/.shared/<source_name>/ (read-only folders included). 0 (also when there was none), or
 * -1. */
int snapshot_remove(const char *reader_dir, const char *source_name, char *err, size_t errlen);
/* Revoking in two steps, for the same reason: snapshot_withdraw hides the snapshot under a
 * name beside it (hidden, "" when there was none), so the reader no longer sees it; once the
 * revocation is stored, snapshot_discard(reader_dir, hidden) removes it, and if the
 * revocation is not stored, snapshot_swap(reader_dir, source_name, hidden) puts it back.
 * 0, or -1 with err (nothing moved). */
int snapshot_withdraw(const char *reader_dir, const char *source_name, char hidden[SNAPSHOT_STAGED_MAX],
                      char *err, size_t errlen);

#endif
