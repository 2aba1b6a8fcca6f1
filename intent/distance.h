/* How far apart two short words are, for "did you mean": a misspelt keyword (grammar/hint.c)
 * or a misspelt project name (actions/commands.c). */
#ifndef CONCIERGE_DISTANCE_H
#define CONCIERGE_DISTANCE_H

/* The longest word compared; longer ones are never "close". */
#define DISTANCE_MAX_LEN 64

/* Edit distance between a[0..la) and b[0..lb), counting a swap of two neighbouring letters
 * as one edit (optimal string alignment: `lsit` is one edit from `list`), or maxd + 1 when
 * it is more than maxd or a word is longer than DISTANCE_MAX_LEN. */
int edit_distance(const char *a, int la, const char *b, int lb, int maxd);

#endif
