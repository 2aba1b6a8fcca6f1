/* unit.codes: the one list of codes (intent/codes.def) and its page (docs/codes.md) agree —
 * every code documented once, with its status and exit code, and nothing documented that the
 * list does not hold; each id is its row's name in lower case; every status has its exit
 * code (interfaces.md); and a reply carries its code in JSON.
 *
 *   test_codes docs/codes.md */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../actions/reply.h"
#include "../intent/codes.h"
#include "check.h"

static const struct {
    const char *upper, *name;
} rows[] = {
#define CODE(id, name, st, msg) {#id, name},
#include "../intent/codes.def"
#undef CODE
};

static void test_rows(void)
{
    CHECK(sizeof rows / sizeof rows[0] == C__COUNT - 1, "codes.def and enum code agree");
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char low[64];
        size_t n = strlen(rows[i].upper);
        for (size_t k = 0; k <= n && k < sizeof low; k++)
            low[k] = (rows[i].upper[k] >= 'A' && rows[i].upper[k] <= 'Z') ? (char)(rows[i].upper[k] + 32)
                                                                          : rows[i].upper[k];
        char what[160];
        snprintf(what, sizeof what, "%s is %s in lower case", rows[i].name, rows[i].upper);
        CHECK_STR(low, rows[i].name, what);
        snprintf(what, sizeof what, "%s: its status is no success and it has a message", rows[i].name);
        enum code c = code_from_name(rows[i].name);
        CHECK(c != C_NONE && code_status(c) != RS_DONE &&
                  (code_status(c) != RS_NEEDS_CONFIRMATION || c == C_CHANGED_SINCE_DESCRIBED) &&
                  *code_message(c),
              what);
    }
    CHECK(code_name(C_NONE) == NULL && code_from_name("no_such_code") == C_NONE, "C_NONE is no code");
    /* interfaces.md, exit status */
    CHECK(reply_exit_code(RS_DONE) == 0 && reply_exit_code(RS_ERROR) == 1 &&
              reply_exit_code(RS_INVALID) == 2 && reply_exit_code(RS_NOT_UNDERSTOOD) == 2 &&
              reply_exit_code(RS_NEEDS_CONFIRMATION) == 3 && reply_exit_code(RS_CANCELLED) == 3 &&
              reply_exit_code(RS_DENIED) == 4 && reply_exit_code(RS_REJECTED) == 5,
          "each status has interfaces.md's exit code");
    /* language.md: the ids tests rely on */
    const char *spec[] = {"unknown_word",
                          "negation",
                          "two_commands",
                          "either_or",
                          "bare_name",
                          "numeric_date",
                          "crowd",
                          "too_long",
                          "control_character",
                          "invalid_utf8",
                          "past_date",
                          "no_such_day",
                          "not_positive",
                          "owner_grant",
                          "out_of_range",
                          "sandbox_not_found",
                          "project_not_found",
                          "agent_not_found",
                          "member_not_found",
                          "owner_cannot_be_revoked",
                          "no_expiry_to_extend",
                          "ambiguous_pending",
                          "token_not_found",
                          "token_lapsed",
                          "store_error",
                          "denied",
                          "cancelled"};
    for (size_t i = 0; i < sizeof spec / sizeof spec[0]; i++) {
        char what[120];
        snprintf(what, sizeof what, "the spec's id %s is in the list", spec[i]);
        CHECK(code_from_name(spec[i]) != C_NONE, what);
    }
}

/* Each table line "| `id` | status | exit | … |" of the page, against the list. */
static void test_page(const char *path)
{
    FILE *f = fopen(path, "r");
    CHECK(f != NULL, "docs/codes.md opens");
    if (!f) return;
    int seen[C__COUNT] = {0};
    char *line = NULL;
    size_t cap = 0;
    int rows_read = 0;
    while (getline(&line, &cap, f) > 0) {
        char id[64], status[64];
        int exit_code;
        if (sscanf(line, "| `%63[a-z0-9_]` | %63[a-z_] | %d |", id, status, &exit_code) != 3) continue;
        rows_read++;
        enum code c = code_from_name(id);
        char what[200];
        snprintf(what, sizeof what, "docs/codes.md: `%s` is a code of codes.def", id);
        CHECK(c != C_NONE, what);
        if (c == C_NONE) continue;
        seen[c]++;
        snprintf(what, sizeof what, "docs/codes.md: `%s` is %s, exit %d, as the list says (%s, %d)", id,
                 status, exit_code, reply_status_name(code_status(c)), reply_exit_code(code_status(c)));
        CHECK(strcmp(status, reply_status_name(code_status(c))) == 0 &&
                  exit_code == reply_exit_code(code_status(c)),
              what);
    }
    free(line);
    fclose(f);
    for (int c = C_NONE + 1; c < C__COUNT; c++) {
        char what[120];
        snprintf(what, sizeof what, "docs/codes.md lists `%s` once", code_name((enum code)c));
        CHECK(seen[c] == 1, what);
    }
    CHECK(rows_read == C__COUNT - 1, "docs/codes.md has one row a code, no more");
}

/* A reply's JSON: `code` at the top, and in the error object of a rejection. */
static void test_reply_json(void)
{
    struct reply r;
    reply_init(&r);
    reply_fail(&r, C_PROJECT_NOT_FOUND, "project \"%s\" not found in sandbox %s", "x", "demo");
    size_t len;
    char *s = reply_json(&r, &len);
    json_t *o = s ? json_loads(s, 0, NULL) : NULL;
    json_t *e = json_object_get(o, "error");
    CHECK(o && strcmp(json_string_value(json_object_get(o, "status")), "rejected") == 0 &&
              strcmp(json_string_value(json_object_get(o, "code")), "project_not_found") == 0,
          "a rejection's reply has status rejected and code project_not_found");
    CHECK(json_is_object(e) &&
              strcmp(json_string_value(json_object_get(e, "code")), "project_not_found") == 0 &&
              strcmp(json_string_value(json_object_get(e, "message")),
                     "project \"x\" not found in sandbox demo") == 0,
          "and the error object says the same, with the sentence as its message");
    json_decref(o);
    free(s);
    reply_clear(&r);
    reply_init(&r);
    reply_fail(&r, C_STORE_ERROR, NULL);
    CHECK(r.status == RS_ERROR && strcmp(r.summary.s, "the access store failed") == 0,
          "a code with no sentence of the caller's says its own message");
    reply_clear(&r);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_codes docs/codes.md\n");
        return 2;
    }
    test_rows();
    test_page(argv[1]);
    test_reply_json();
    return CHECK_SUMMARY();
}
