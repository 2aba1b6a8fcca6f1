/* The corpus runner: walks JSON Lines files of phrases and expected intents (corpus/
 * README.md), parses each phrase in-process and prints a readable diff per failure.
 * Exit 0 when every case passes. Prints "N passed, N failed". */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../grammar/parse.h"
#include "../intent/describe.h"
#include "../intent/intent_json.h"
#include "../intent/timecalc.h"
#include "check.h"

struct context {
    char actor[300], sandbox[80];
    int64_t now;
};

static int load_context(json_t *line, struct context *c, const char *file)
{
    json_t *ctx = json_object_get(line, "context");
    const char *as = json_string_value(json_object_get(ctx, "as"));
    const char *sb = json_string_value(json_object_get(ctx, "sandbox"));
    const char *now = json_string_value(json_object_get(ctx, "now"));
    const char *tz = json_string_value(json_object_get(ctx, "tz"));
    if (!as || !sb || !now || !tz || parse_rfc3339(now, &c->now) || tz_use(tz)) {
        fprintf(stderr, "%s: the first line must be a context line\n", file);
        return -1;
    }
    snprintf(c->actor, sizeof c->actor, "%s", as);
    snprintf(c->sandbox, sizeof c->sandbox, "%s", sb);
    return 0;
}

static int run_case(const char *file, int lineno, json_t *cs, const struct context *c)
{
    const char *text = json_string_value(json_object_get(cs, "text"));
    json_t *expect = json_object_get(cs, "expect");
    if (!text || !json_is_object(expect))
        return check_at(0, file, lineno, "a case needs \"text\" and \"expect\"", NULL, NULL);
    size_t len = json_string_length(json_object_get(cs, "text"));
    struct parse_ctx ctx = {c->actor, c->sandbox, c->now};
    struct intent it;
    struct parse_error err;
    enum parse_status st = parse_phrase(text, len, &ctx, &it, &err);
    json_t *got = st == PARSE_OK ? intent_to_json(&it)
                                 : parse_error_to_json(parse_status_name(st), code_name(err.code),
                                                       err.message, err.hint);
    int ok;
    const char *want_err = json_string_value(json_object_get(expect, "error"));
    if (want_err) {
        ok = st != PARSE_OK && strcmp(want_err, parse_status_name(st)) == 0;
        /* Every refusal says why (issue 9: corpus files assert `code` for every refusal). */
        const char *want_code = json_string_value(json_object_get(expect, "code"));
        if (!want_code) {
            json_decref(got);
            return check_fmt_at(0, file, lineno, "a refusal's \"expect\" needs its \"code\"", "got \"%s\"",
                                code_name(err.code) ? code_name(err.code) : "none");
        } else if (ok && (!code_name(err.code) || strcmp(want_code, code_name(err.code)) != 0)) {
            ok = 0;
        }
        /* In "expect" (where every case writes them; they were once read from the case
         * itself, and so never checked): hint_contains must be in the hint or the message,
         * hint_absent in neither. */
        const char *hc = json_string_value(json_object_get(expect, "hint_contains"));
        const char *ha = json_string_value(json_object_get(expect, "hint_absent"));
        if (ok && hc && !strstr(err.hint, hc) && !strstr(err.message, hc)) ok = 0;
        if (ok && ha && (strstr(err.hint, ha) || strstr(err.message, ha))) ok = 0;
    } else {
        ok = json_equal(got, expect);
    }
    /* "describe": the sentence for a person, when the case gives one. */
    const char *want_desc = json_string_value(json_object_get(cs, "describe"));
    struct text descr = TEXT_INIT;
    if (st == PARSE_OK) describe_intent(&it, &descr);
    const char *desc = descr.s;
    if (ok && want_desc && strcmp(desc, want_desc) != 0) {
        check_at(0, file, lineno, text, desc, want_desc);
        text_free(&descr);
        json_decref(got);
        return 0;
    }
    text_free(&descr);
    if (!ok) {
        char *g = json_dumps(got, JSON_COMPACT | JSON_PRESERVE_ORDER);
        char *w = json_dumps(expect, JSON_COMPACT | JSON_PRESERVE_ORDER);
        check_at(0, file, lineno, text, g, w);
        free(g);
        free(w);
    } else {
        check_at(1, file, lineno, text, NULL, NULL);
    }
    json_decref(got);
    return ok;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: corpus_runner FILE.jsonl...\n");
        return 2;
    }
    for (int a = 1; a < argc; a++) {
        FILE *f = fopen(argv[a], "r");
        if (!f) {
            perror(argv[a]);
            return 1;
        }
        char *line = NULL;
        size_t cap = 0;
        ssize_t n;
        int lineno = 0, have_ctx = 0, cases = 0;
        struct context c;
        while ((n = getline(&line, &cap, f)) > 0) {
            lineno++;
            if (n <= 1) continue;
            json_error_t je;
            json_t *j = json_loadb(line, (size_t)n, JSON_ALLOW_NUL, &je);
            if (!j) {
                check_fmt_at(0, argv[a], lineno, "bad JSON", "%s", je.text);
                continue;
            }
            if (!have_ctx) {
                if (load_context(j, &c, argv[a])) {
                    json_decref(j);
                    fclose(f);
                    free(line);
                    return 1;
                }
                have_ctx = 1;
            } else {
                run_case(argv[a], lineno, j, &c);
                cases++;
            }
            json_decref(j);
        }
        free(line);
        fclose(f);
        /* A file that tests nothing must not pass as one that tests everything. */
        if (!cases)
            check_at(0, argv[a], lineno, "no case in the file (a context line, then one case a line)", NULL,
                     NULL);
    }
    return CHECK_SUMMARY();
}
