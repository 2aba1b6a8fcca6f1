#include "args.h"

#include <stdlib.h>
#include <string.h>

static int usage_error(const char *who, const char *msg, const char *arg, size_t len)
{
    fprintf(stderr, "%s: %s '%.*s'\n", who, msg, (int)len, arg);
    return 2;
}

static const struct opt_spec *find_long(const struct opt_spec *specs, const char *name, size_t len)
{
    for (; specs && specs->name; specs++)
        if (strlen(specs->name) == len && strncmp(specs->name, name, len) == 0) return specs;
    return NULL;
}

static const struct opt_spec *find_letter(const struct opt_spec *specs, char c)
{
    for (; specs && specs->name; specs++)
        if (specs->letter && specs->letter == c) return specs;
    return NULL;
}

/* A word, not an option: "-" alone (standard input, by convention) and a negative number,
 * which the language refuses itself (`invite @bob for -3 days` is not_positive). */
static int is_word(const char *a) { return a[0] != '-' || a[1] == '\0' || (a[1] >= '0' && a[1] <= '9'); }

static int add_opt(struct split_args *out, int *cap, const struct opt_spec *spec, const char *value)
{
    if (out->n_opts == *cap) {
        int n = *cap ? 2 * *cap : 8;
        struct opt_seen *p = realloc(out->opts, (size_t)n * sizeof *p);
        if (!p) return -1;
        out->opts = p;
        *cap = n;
    }
    out->opts[out->n_opts++] = (struct opt_seen){spec, value};
    return 0;
}

int args_split(int argc, char **argv, int start, const struct opt_spec *specs, const char *who,
               struct split_args *out)
{
    int cap = 0, rc = 0;
    memset(out, 0, sizeof *out);
    out->words = malloc((size_t)(argc > 0 ? argc : 1) * sizeof *out->words);
    if (!out->words) goto oom;
    int i = start;
    for (; i < argc && rc == 0; i++) {
        char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (is_word(a)) {
            out->words[out->n_words++] = a;
        } else if (a[1] == '-') {
            const char *name = a + 2, *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            const struct opt_spec *s = find_long(specs, name, len);
            const char *v = eq ? eq + 1 : NULL;
            if (!s)
                rc = usage_error(who, "unknown option", a, eq ? (size_t)(eq - a) : strlen(a));
            else if (!s->value && v)
                rc = usage_error(who, "this option takes no value:", a, strlen(a));
            else if (s->value && !v && i + 1 >= argc)
                rc = usage_error(who, "missing value after", a, strlen(a));
            else if (add_opt(out, &cap, s, s->value && !v ? argv[++i] : v))
                goto oom;
        } else {
            /* A bundle of letters; a letter that takes a value takes the rest, or the next word. */
            for (const char *c = a + 1; *c && rc == 0; c++) {
                const struct opt_spec *s = find_letter(specs, *c);
                char one[3] = {'-', *c, '\0'};
                const char *v = NULL;
                if (!s) {
                    rc = usage_error(who, "unknown option", one, 2);
                    break;
                }
                if (s->value) {
                    if (c[1])
                        v = c + 1;
                    else if (i + 1 < argc)
                        v = argv[++i];
                    else
                        rc = usage_error(who, "missing value after", one, 2);
                }
                if (rc == 0 && add_opt(out, &cap, s, v)) goto oom;
                if (v) break;
            }
        }
    }
    for (; i < argc && rc == 0; i++)
        out->words[out->n_words++] = argv[i];
    if (rc) args_release(out);
    return rc;
oom:
    fprintf(stderr, "%s: out of memory\n", who);
    args_release(out);
    return 1;
}

void args_release(struct split_args *a)
{
    free(a->opts);
    free(a->words);
    memset(a, 0, sizeof *a);
}

int args_first_word(int argc, char **argv, int start, const struct opt_spec *const *tables)
{
    for (int i = start; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) return -1;
        if (is_word(a)) return i;
        const struct opt_spec *s = NULL;
        int needs_next = 0;
        if (a[1] == '-') {
            const char *name = a + 2, *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            for (int t = 0; tables[t] && !s; t++)
                s = find_long(tables[t], name, len);
            needs_next = s && s->value && !eq;
        } else {
            for (const char *c = a + 1; *c; c++) {
                s = NULL;
                for (int t = 0; tables[t] && !s; t++)
                    s = find_letter(tables[t], *c);
                if (!s) break;
                if (s->value) {
                    needs_next = c[1] == '\0';
                    break;
                }
            }
        }
        if (!s) return -1;
        i += needs_next;
    }
    return -1;
}

const struct opt_seen *args_get(const struct split_args *a, const char *name)
{
    for (int i = a->n_opts - 1; i >= 0; i--)
        if (strcmp(a->opts[i].spec->name, name) == 0) return &a->opts[i];
    return NULL;
}

/* The left column of an option's help line: "-y, --yes" or "    --db PATH". */
static int help_left(const struct opt_spec *s, char *out, size_t size)
{
    const char *sep = s->value ? " " : "", *value = s->value ? s->value : "";
    if (s->letter) return snprintf(out, size, "-%c, --%s%s%s", s->letter, s->name, sep, value);
    return snprintf(out, size, "    --%s%s%s", s->name, sep, value);
}

void args_print_help(FILE *f, const struct opt_spec *specs)
{
    char left[128];
    int width = 0;
    for (const struct opt_spec *s = specs; s->name; s++) {
        int n = s->help ? help_left(s, left, sizeof left) : 0;
        if (n > width) width = n;
    }
    for (const struct opt_spec *s = specs; s->name; s++) {
        if (!s->help) continue;
        help_left(s, left, sizeof left);
        fprintf(f, "  %-*s  %s\n", width, left, s->help);
    }
}
