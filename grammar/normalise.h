/* The text normaliser: one pass from what a person typed to what the scanner reads. */
#ifndef CONCIERGE_NORMALISE_H
#define CONCIERGE_NORMALISE_H
#include <stddef.h>

#include "../intent/codes.h"

/* A line longer than this is refused without being parsed (language.md). */
#define NORM_MAX_INPUT 1000

enum norm_status {
    NORM_OK = 0,
    NORM_EMPTY,    /* nothing left once spaces and end punctuation are gone */
    NORM_TOO_LONG, /* more than NORM_MAX_INPUT bytes */
    NORM_BAD_UTF8, /* not valid UTF-8 */
    NORM_CONTROL,  /* a control character other than tab or a final CR */
};

/* Normalises in[0..len) into out, which must hold NORM_MAX_INPUT + 1 bytes; *out_len gets
 * the length (out is NUL-terminated too). Folds ASCII case except inside Slack's <…>
 * escapes, decodes &amp; &lt; &gt;, maps curly quotes to straight ones and tab and
 * non-breaking space to space, folds runs of spaces to one, trims both ends and strips
 * end punctuation (. ! ? and stray commas). Never reads past in[len-1]. */
enum norm_status normalise(const char *in, size_t len, char *out, size_t *out_len);

/* Checks text that is kept as typed rather than normalised (a note after `because`): valid
 * UTF-8 with no control character but tab, as normalise() requires of a line. NORM_OK,
 * NORM_BAD_UTF8 or NORM_CONTROL. */
enum norm_status normalise_check_text(const char *in, size_t len);

/* The refusal of each status but NORM_OK (codes.def: its message is for a person). */
enum code norm_status_code(enum norm_status st);

#endif
