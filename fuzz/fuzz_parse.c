/* fuzz_parse: any bytes, any length, through parse_phrase in a fixed context (language.md's
 * examples: @owner, sandbox demo, 2026-11-18T15:30:00Z, UTC); an accepted phrase also goes
 * through its JSON form and its sentence, a refusal through its error object, as the command
 * line does, and the JSON text must parse back as an object. Must never crash, hang or leak (built with ASan,
 * UBSan and LeakSanitizer). Build and run: fuzz/README.md. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../grammar/parse.h"
#include "../intent/describe.h"
#include "../intent/intent_json.h"
#include "../intent/timecalc.h"

static struct parse_ctx ctx = {"@owner", "demo", 0};

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (tz_use("UTC") != 0 || parse_rfc3339("2026-11-18T15:30:00Z", &ctx.now) != 0) {
        fprintf(stderr, "fuzz_parse: cannot set the context\n");
        abort();
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct intent it;
    struct parse_error err;
    enum parse_status st = parse_phrase((const char *)data, size, &ctx, &it, &err);
    json_t *o;
    if (st == PARSE_OK) {
        struct text desc = TEXT_INIT;
        describe_intent(&it, &desc);
        if (desc.len == 0 || strlen(desc.s) != desc.len) abort();
        text_free(&desc);
        o = intent_to_json(&it);
    } else {
        /* Both strings must be terminated and within their arrays. */
        if (memchr(err.message, '\0', sizeof err.message) == NULL ||
            memchr(err.hint, '\0', sizeof err.hint) == NULL)
            abort();
        o = parse_error_to_json(parse_status_name(st), code_name(err.code), err.message, err.hint);
    }
    /* intent_to_json parses the writer's own text: NULL means the writer produced text that
     * is not JSON (or an object too big for its buffer), which must never happen. */
    if (!o) abort();
    if (!json_is_object(o) || !json_object_get(o, st == PARSE_OK ? "intent" : "error")) abort();
    json_decref(o);
    return 0;
}
