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

void table_text(const struct table *t, struct text *out, const char *indent)
{
    size_t width[TABLE_COLUMNS_MAX] = {0};
    for (int c = 0; c < t->n; c++) {
        width[c] = t->heads[c].len;
        for (size_t r = 0; r < t->rows; r++) {
            size_t w = t->cells[r * (size_t)t->n + (size_t)c].len;
            if ((w ? w : 1) > width[c]) width[c] = w ? w : 1;
        }
    }
    text_puts(out, indent);
    for (int c = 0; c < t->n; c++) {
        for (const char *h = t->heads[c].s; *h; h++)
            text_printf(out, "%c", toupper((unsigned char)*h));
        if (c + 1 < t->n) text_printf(out, "%*s", (int)(width[c] - t->heads[c].len + 2), "");
    }
    text_puts(out, "\n");
    for (size_t r = 0; r < t->rows; r++) {
        text_puts(out, indent);
        for (int c = 0; c < t->n; c++) {
            const struct text *cell = &t->cells[r * (size_t)t->n + (size_t)c];
            text_puts(out, cell->len ? cell->s : "-");
            if (c + 1 < t->n) text_printf(out, "%*s", (int)(width[c] - (cell->len ? cell->len : 1) + 2), "");
        }
        text_puts(out, "\n");
    }
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
