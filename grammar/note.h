/* The free text after `because` (language.md, request_access and deny_request): the one place
 * where a line may hold words the grammar does not read. */
#ifndef CONCIERGE_NOTE_H
#define CONCIERGE_NOTE_H
#include <stddef.h>

#include "../intent/codes.h"

struct note_cut {
    size_t line_len;  /* the bytes before `because` (the whole line when there is none) */
    const char *note; /* the text after it, trimmed; NULL when there is no `because` */
    size_t note_len;  /* 0 for `because` with nothing after it: no note */
};

/* Cuts text[0..len) at its first `because`, on the raw bytes, before anything else reads the
 * line: normalising and the negation rules see only what comes before it, and the note is
 * kept verbatim (language.md). C_NONE, or why the line is refused: longer than a line may be
 * (too_long, the whole line), a note over NOTE_MAX_LEN bytes (too_long, with *message saying
 * so), or a note that is not valid UTF-8 or holds a control character. */
enum code note_cut(const char *text, size_t len, struct note_cut *out, const char **message);

#endif
