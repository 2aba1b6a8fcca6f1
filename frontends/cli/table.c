/* A table for people (table.h). */
#include "table.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

void table_init(struct table *t, int n, const char *const *heads)
{
    memset(t, 0, sizeof *t);
    if (n < 1 || n > TABLE_COLUMNS_MAX) {
        t->oom = 1;
        return;
    }
    t->n = n;
    for (int c = 0; c < n; c++) {
        text_init(&t->heads[c]);
        text_puts(&t->heads[c], heads[c]);
        t->oom |= text_failed(&t->heads[c]);
    }
}

struct text *table_row(struct table *t, unsigned char **numbers)
{
    if (t->oom) return NULL;
    if (t->rows == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 32;
        struct text *c = realloc(t->cells, cap * (size_t)t->n * sizeof *c);
        if (c) t->cells = c;
        unsigned char *num = realloc(t->numbers, cap * (size_t)t->n);
        if (num) t->numbers = num;
        if (!c || !num) {
            t->oom = 1;
            return NULL;
        }
        t->cap = cap;
    }
    size_t first = t->rows++ * (size_t)t->n;
    for (int c = 0; c < t->n; c++) {
        text_init(&t->cells[first + (size_t)c]);
        t->numbers[first + (size_t)c] = 0;
    }
    if (numbers) *numbers = &t->numbers[first];
    return &t->cells[first];
}

/* Columns a cell takes on a terminal: its UTF-8 characters, not its bytes ("—", "é"). */
size_t table_columns(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

/* Whether a line may end at s[i], a space: not between a number and its neighbour, so that
 * "Wed 16 Dec 2026 09:00 UTC" and "30 days" stay whole on a line. */
static int breakable(const char *s, size_t n, size_t i)
{
    return s[i] == ' ' && !(i > 0 && isdigit((unsigned char)s[i - 1])) &&
           !(i + 1 < n && isdigit((unsigned char)s[i + 1]));
}

/* Bytes of s (n long) that fit in room columns, ended between words (where a number is not
 * parted from its neighbour, if it can be); a word wider than room is given whole (never cut:
 * the terminal folds it). */
static size_t fitting(const char *s, size_t n, size_t room)
{
    if (table_columns(s, n) <= room) return n;
    size_t cols = 0, last_space = 0, last_break = 0, i = 0;
    for (; i < n; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80 && cols++ == room) break;
        if (s[i] == ' ') last_space = i;
        if (breakable(s, n, i)) last_break = i;
    }
    if (breakable(s, n, i)) return i; /* exactly room columns */
    if (last_break) return last_break;
    if (s[i] == ' ') return i;
    if (last_space) return last_space;
    while (i < n && s[i] != ' ')
        i++;
    return i;
}

void table_wrap(struct text *out, const char *s, size_t n, size_t first, size_t room, size_t hang)
{
    size_t k = room ? fitting(s, n, first) : n;
    text_append(out, s, k);
    for (s += k, n -= k;;) {
        while (n && *s == ' ')
            s++, n--;
        if (!n) return;
        k = fitting(s, n, room);
        text_printf(out, "\n%*s", (int)hang, "");
        text_append(out, s, k);
        s += k, n -= k;
    }
}

/* The last column is folded between words where a line would pass width, when that leaves
 * it room enough to read (WRAP_MIN); the other columns are never folded. */
#define WRAP_MIN 24

void table_text_width(const struct table *t, struct text *out, const char *indent, size_t width)
{
    size_t w[TABLE_COLUMNS_MAX] = {0};
    for (int c = 0; c < t->n; c++) {
        w[c] = table_columns(t->heads[c].s, t->heads[c].len);
        for (size_t r = 0; r < t->rows; r++) {
            const struct text *cell = &t->cells[r * (size_t)t->n + (size_t)c];
            size_t cw = cell->len ? table_columns(cell->s, cell->len) : 1;
            if (cw > w[c]) w[c] = cw;
        }
    }
    size_t last_at = table_columns(indent, strlen(indent)); /* where the last column starts */
    for (int c = 0; c + 1 < t->n; c++)
        last_at += w[c] + 2;
    size_t room = width > last_at && width - last_at >= WRAP_MIN ? width - last_at : 0;
    text_puts(out, indent);
    for (int c = 0; c < t->n; c++) {
        for (const char *h = t->heads[c].s; *h; h++)
            text_printf(out, "%c", toupper((unsigned char)*h));
        if (c + 1 < t->n)
            text_printf(out, "%*s", (int)(w[c] - table_columns(t->heads[c].s, t->heads[c].len) + 2), "");
    }
    text_puts(out, "\n");
    for (size_t r = 0; r < t->rows; r++) {
        text_puts(out, indent);
        for (int c = 0; c < t->n; c++) {
            const struct text *cell = &t->cells[r * (size_t)t->n + (size_t)c];
            if (!cell->len)
                text_puts(out, "-");
            else if (c + 1 == t->n)
                table_wrap(out, cell->s, cell->len, room, room, last_at);
            else
                text_puts(out, cell->s);
            if (c + 1 < t->n)
                text_printf(out, "%*s", (int)(w[c] - (cell->len ? table_columns(cell->s, cell->len) : 1) + 2),
                            "");
        }
        text_puts(out, "\n");
    }
}

void table_text(const struct table *t, struct text *out, const char *indent)
{
    table_text_width(t, out, indent, 0);
}

json_t *table_row_json(const struct table *t, size_t r)
{
    json_t *o = json_object();
    for (int c = 0; o && c < t->n; c++) {
        const struct text *cell = &t->cells[r * (size_t)t->n + (size_t)c];
        json_t *v = !cell->len                                 ? json_null()
                    : t->numbers[r * (size_t)t->n + (size_t)c] ? json_integer(strtoll(cell->s, NULL, 10))
                                                               : json_string(cell->s);
        if (json_object_set_new(o, t->heads[c].s, v)) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

void table_free(struct table *t)
{
    for (size_t i = 0; i < t->rows * (size_t)t->n; i++)
        text_free(&t->cells[i]);
    for (int c = 0; c < t->n; c++)
        text_free(&t->heads[c]);
    free(t->cells);
    free(t->numbers);
    memset(t, 0, sizeof *t);
}
