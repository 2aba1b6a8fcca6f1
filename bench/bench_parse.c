/* bench_parse: the cost of one phrase through the parser (normalise, scan, match, build,
 * resolve; no output), over bench/phrases.txt or a file given.
 *
 *   bench_parse [FILE] [--seconds S]
 *
 * Single-threaded; every phrase is in memory before the clock starts. The run is split in
 * three timed phases over the same phrases: all of them in file order (half of S), the
 * accepted ones only and the refused ones only (a quarter each), so that the per-kind
 * figures carry no per-call clock reads. The clock is read once per pass over the set. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../grammar/parse.h"
#include "../intent/timecalc.h"

#ifndef BENCH_PHRASES
/* CMakeLists.txt gives the absolute path of bench/phrases.txt; else, from the source tree. */
#define BENCH_PHRASES "bench/phrases.txt"
#endif

struct phrase {
    const char *text;
    size_t len;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Reads the whole file; keeps the lines that are not empty and do not start with '#'
 * (leading blanks ignored, a trailing CR dropped), as the command line does. */
static struct phrase *load(const char *path, size_t *n_out, char **storage)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "bench_parse: cannot open '%s': %s\n", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, have = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (!buf) break;
        if (have == cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t n = fread(buf + have, 1, cap - have, f);
        have += n;
        if (n == 0) break;
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf || bad) {
        fprintf(stderr, "bench_parse: cannot read '%s'\n", path);
        free(buf);
        return NULL;
    }
    size_t n = 0, pcap = 256;
    struct phrase *ph = malloc(pcap * sizeof *ph);
    size_t i = 0;
    while (ph && i < have) {
        char *line = buf + i;
        char *nl = memchr(line, '\n', have - i);
        size_t len = nl ? (size_t)(nl - line) : have - i;
        i += len + (nl ? 1 : 0);
        if (len > 0 && line[len - 1] == '\r') len--;
        size_t k = 0;
        while (k < len && (line[k] == ' ' || line[k] == '\t'))
            k++;
        if (k == len || line[k] == '#') continue;
        if (n == pcap) {
            struct phrase *np = realloc(ph, pcap * 2 * sizeof *ph);
            if (!np) {
                free(ph);
                ph = NULL;
                break;
            }
            ph = np;
            pcap *= 2;
        }
        ph[n].text = line;
        ph[n].len = len;
        n++;
    }
    if (!ph || n == 0) {
        fprintf(stderr, "bench_parse: %s in '%s'\n", ph ? "no phrases" : "out of memory", path);
        free(ph);
        free(buf);
        return NULL;
    }
    *n_out = n;
    *storage = buf;
    return ph;
}

static volatile unsigned sink;

/* One pass over the phrases; returns a checksum so that nothing can be elided. */
static unsigned pass(const struct phrase *ph, size_t n, const struct parse_ctx *ctx)
{
    static struct intent it;
    static struct parse_error err;
    unsigned sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += (unsigned)parse_phrase(ph[i].text, ph[i].len, ctx, &it, &err) + (unsigned)it.kind;
    return sum;
}

/* Passes over the set for about `seconds`; returns ns per phrase and the phrase count. */
static double timed(const struct phrase *ph, size_t n, const struct parse_ctx *ctx, double seconds,
                    uint64_t *calls)
{
    *calls = 0;
    if (n == 0) return 0.0;
    unsigned sum = 0;
    double t0 = now_s(), t1 = t0;
    do {
        sum += pass(ph, n, ctx);
        *calls += n;
        t1 = now_s();
    } while (t1 - t0 < seconds);
    sink += sum;
    return (t1 - t0) * 1e9 / (double)*calls;
}

static void usage(FILE *to)
{
    fputs("usage: bench_parse [FILE] [--seconds S]\n"
          "  FILE  one phrase a line (default " BENCH_PHRASES ")\n"
          "  S     seconds of timed parsing, about (default 2)\n",
          to);
}

int main(int argc, char **argv)
{
    const char *path = NULL;
    double seconds = 2.0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--seconds") == 0 || strcmp(argv[i], "-s") == 0) {
            char *end = NULL;
            if (i + 1 < argc) seconds = strtod(argv[++i], &end);
            if (!end || *end || !(seconds > 0.0) || seconds > 3600.0) {
                fprintf(stderr, "bench_parse: --seconds takes a number of seconds (0 < S <= 3600)\n");
                return 2;
            }
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "bench_parse: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        } else if (!path) {
            path = argv[i];
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (!path) path = BENCH_PHRASES;

    size_t n = 0;
    char *storage = NULL;
    struct phrase *ph = load(path, &n, &storage);
    if (!ph) return 1;

    struct parse_ctx ctx = {"@owner", "demo", 0};
    if (parse_rfc3339("2026-11-18T15:30:00Z", &ctx.now) != 0 || tz_use("UTC") != 0) {
        fprintf(stderr, "bench_parse: cannot set the context\n");
        return 1;
    }

    /* Classify once (a parse is deterministic in a fixed context). */
    struct phrase *acc = malloc(n * sizeof *acc), *ref = malloc(n * sizeof *ref);
    if (!acc || !ref) {
        fprintf(stderr, "bench_parse: out of memory\n");
        return 1;
    }
    size_t n_acc = 0, n_ref = 0, bytes = 0;
    for (size_t i = 0; i < n; i++) {
        struct intent it;
        struct parse_error err;
        bytes += ph[i].len;
        if (parse_phrase(ph[i].text, ph[i].len, &ctx, &it, &err) == PARSE_OK)
            acc[n_acc++] = ph[i];
        else
            ref[n_ref++] = ph[i];
    }

    /* Warm up: caches, branch predictors, the CPU's clock. */
    uint64_t calls;
    timed(ph, n, &ctx, seconds * 0.1 < 0.2 ? seconds * 0.1 : 0.2, &calls);

    uint64_t c_all, c_acc, c_ref;
    double ns_all = timed(ph, n, &ctx, seconds * 0.5, &c_all);
    double ns_acc = timed(acc, n_acc, &ctx, seconds * 0.25, &c_acc);
    double ns_ref = timed(ref, n_ref, &ctx, seconds * 0.25, &c_ref);

    printf("input:              %s\n", path);
    printf("phrases:            %zu (%.1f bytes/phrase on average)\n", n, (double)bytes / (double)n);
    printf("accepted:           %zu\n", n_acc);
    printf("refused:            %zu\n", n_ref);
    printf("ns/phrase all:      %.1f  (%llu parses)\n", ns_all, (unsigned long long)c_all);
    if (n_acc)
        printf("ns/phrase accepted: %.1f  (%llu parses)\n", ns_acc, (unsigned long long)c_acc);
    else
        printf("ns/phrase accepted: -\n");
    if (n_ref)
        printf("ns/phrase refused:  %.1f  (%llu parses)\n", ns_ref, (unsigned long long)c_ref);
    else
        printf("ns/phrase refused:  -\n");
    printf("phrases/s:          %.0f\n", ns_all > 0 ? 1e9 / ns_all : 0.0);
    printf("MB/s:               %.1f\n", ns_all > 0 ? (double)bytes / (double)n / ns_all * 1e3 : 0.0);

    free(acc);
    free(ref);
    free(ph);
    free(storage);
    return 0;
}
