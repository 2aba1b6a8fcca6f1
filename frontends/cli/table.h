/* A table for people: rows of cells kept whole until all are in, then laid out with every
 * column as wide as its widest cell (upper-case heads, two spaces between columns, "-" for an
 * empty cell), or given row by row as JSON. One for the command line: admin's listings and the
 * replies' tables (render_text.c). */
#ifndef CONCIERGE_CLI_TABLE_H
#define CONCIERGE_CLI_TABLE_H
#include <jansson.h>
#include <stddef.h>

#include "../../intent/text.h"

#define TABLE_COLUMNS_MAX 16 /* the widest listing has 11; a wider table is refused (oom set) */

struct table {
    int n;
    struct text heads[TABLE_COLUMNS_MAX];
    struct text *cells;     /* rows * n; an empty cell is none */
    unsigned char *numbers; /* rows * n: the cell holds an integer (for JSON) */
    size_t rows, cap;
    int oom; /* out of memory or too wide: the table must not be shown */
};

void table_init(struct table *t, int n, const char *const *heads);
/* A new row of n empty cells (their numbers flags in *numbers), or NULL with oom set. */
struct text *table_row(struct table *t, unsigned char **numbers);
/* The laid-out table appended to out, each line starting with indent. */
void table_text(const struct table *t, struct text *out, const char *indent);
/* The same for a terminal width columns wide (0: no limit): the last column is folded
 * between words so that lines stay within width, its further lines under its start. */
void table_text_width(const struct table *t, struct text *out, const char *indent, size_t width);
/* Columns s (n bytes of UTF-8) takes on a terminal. */
size_t table_columns(const char *s, size_t n);
/* s (n bytes) appended to out folded between words: its first line at most first columns, the
 * others at most room (0: never folded), each starting with hang spaces; a word wider than its
 * line stays whole (the terminal folds it; nothing is cut). */
void table_wrap(struct text *out, const char *s, size_t n, size_t first, size_t room, size_t hang);
/* Row r as a JSON object, keys the heads as given; NULL when out of memory. */
json_t *table_row_json(const struct table *t, size_t r);
void table_free(struct table *t);

#endif
