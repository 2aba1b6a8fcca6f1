/* Unit tests of grammar/note.h: the free text after `because`, cut from the raw bytes
 * (language.md, request_access). What JSON cannot carry into the corpus is here: invalid
 * UTF-8 and NUL in a note, bytes past the length given, the exact byte limits. */
#include <string.h>

#include "check.h"
#include "note.h"
#include "parse.h"

/* Cuts in[0..len) and checks the code, the length of the line before `because` and the note
 * (want_note NULL: no `because` at all; "" : a `because` with nothing after it). */
static void cut_case(const char *file, int line, const char *in, size_t len, enum code want_code,
                     size_t want_line, const char *want_note)
{
    struct note_cut nc;
    const char *msg;
    enum code got = note_cut(in, len, &nc, &msg);
    char what[96];
    snprintf(what, sizeof what, "note_cut(\"%.50s%s\")", in, len > 50 ? "..." : "");
    check_at(got == want_code, file, line, what, code_name(got), code_name(want_code));
    if (got != C_NONE || want_code != C_NONE) return;
    check_fmt_at(nc.line_len == want_line, file, line, what, "line_len %zu, want %zu", nc.line_len,
                 want_line);
    if (!want_note) {
        check_at(nc.note == NULL, file, line, what, "a note", "no because");
        return;
    }
    int ok = nc.note && nc.note_len == strlen(want_note) && memcmp(nc.note, want_note, nc.note_len) == 0;
    check_fmt_at(ok, file, line, what, "note \"%.*s\", want \"%s\"", nc.note ? (int)nc.note_len : 0,
                 nc.note ? nc.note : "", want_note);
}

#define CUT(in, code, line_len, note)                                                                        \
    cut_case(__FILE__, __LINE__, (in), strlen(in), (code), (line_len), (note))
#define CUT_LEN(in, len, code, line_len, note)                                                               \
    cut_case(__FILE__, __LINE__, (in), (len), (code), (line_len), (note))

static void test_where(void)
{
    CUT("request access", C_NONE, 14, NULL);
    CUT("request access because on call", C_NONE, 15, "on call");
    CUT("request access BeCaUsE on call", C_NONE, 15, "on call");
    CUT("request access because on call\r\n", C_NONE, 15, "on call"); /* as a line is read */
    CUT("because on call", C_NONE, 0, "on call");
    CUT("request access because a because b", C_NONE, 15, "a because b"); /* the first one */
    CUT("request access because", C_NONE, 15, "");
    CUT("request access because:  x  ", C_NONE, 15, "x");
    CUT("request access,because x", C_NONE, 15, "x");
    CUT("request access \xC2\xA0"
        "because x",
        C_NONE, 17, "x"); /* after a non-breaking space */
    /* Glued to a name, it is part of the name. */
    CUT("approve @because's request", C_NONE, 26, NULL);
    CUT("approve <@U1|because>'s request", C_NONE, 31, NULL);
    CUT("invite because@example.com", C_NONE, 26, NULL);
    CUT("invite @bob to sandbox x.because", C_NONE, 32, NULL);
    CUT("request access to the because-team project", C_NONE, 42, NULL);
    CUT("request access becauseful", C_NONE, 25, NULL);
    /* Only what len covers is read: a `because` past it is not there. */
    CUT_LEN("request access because x", 18, C_NONE, 18, NULL);
    CUT_LEN("request access because x", 22, C_NONE, 15, "");
}

static void test_checks(void)
{
    char buf[1100];
    /* 200 bytes is the most; 201 is refused, never cut; bytes, not characters. */
    snprintf(buf, sizeof buf, "request access because %0200d", 0);
    CUT(buf, C_NONE, 15, buf + 23);
    snprintf(buf, sizeof buf, "request access because %0201d", 0);
    CUT(buf, C_TOO_LONG, 0, NULL);
    int n = snprintf(buf, sizeof buf, "request access because ");
    for (int i = 0; i < 100; i++)
        n += snprintf(buf + n, sizeof buf - (size_t)n, "\xC3\xA9"); /* é: 2 bytes */
    CUT(buf, C_NONE, 15, buf + 23);
    snprintf(buf + n, sizeof buf - (size_t)n, "x");
    CUT(buf, C_TOO_LONG, 0, NULL);
    /* The line limit is the whole line's, note and all. */
    memset(buf, 'a', 1000);
    memcpy(buf, "request access because ", 23);
    buf[1000] = '\0';
    CUT(buf, C_TOO_LONG, 0, NULL); /* the note is over 200 bytes */
    memset(buf, ' ', 1000);
    memcpy(buf, "request access because x", 24);
    buf[1000] = '\0';
    CUT(buf, C_NONE, 15, "x");
    buf[1000] = ' ', buf[1001] = '\0';
    CUT(buf, C_TOO_LONG, 0, NULL);
    struct note_cut nc;
    const char *msg;
    CHECK(note_cut(buf, 1001, &nc, &msg) == C_TOO_LONG && msg == NULL,
          "a line over 1,000 bytes says the line's own message");
    snprintf(buf, sizeof buf, "request access because %0201d", 0);
    CHECK(note_cut(buf, strlen(buf), &nc, &msg) == C_TOO_LONG && msg && strstr(msg, "200 bytes"),
          "a note over 200 bytes says so");
    /* Checked as text, though never parsed. */
    CUT("request access because \xFF", C_INVALID_UTF8, 0, NULL);
    CUT("request access because caf\xC3", C_INVALID_UTF8, 0, NULL);
    CUT_LEN("request access because a\0b", 26, C_CONTROL_CHARACTER, 0, NULL);
    CUT("request access because a\x1B[31mb", C_CONTROL_CHARACTER, 0, NULL);
    CUT("request access because a\xC2\x85"
        "b",
        C_CONTROL_CHARACTER, 0, NULL);
    CUT("request access because a\tb", C_NONE, 15, "a\tb");
}

/* Through the whole parse: the note reaches the intent as typed, and nothing else reads it. */
static void test_parse(void)
{
    struct parse_ctx ctx = {"@owner", "demo", 1795015800}; /* 2026-11-18T15:30:00Z */
    struct intent it;
    struct parse_error err;
    const char *line = "request access because I DON'T want @here to wait \xF0\x9F\x99\x8F";
    CHECK(parse_phrase(line, strlen(line), &ctx, &it, &err) == PARSE_OK && it.kind == IK_REQUEST_ACCESS &&
              strcmp(it.note, "I DON'T want @here to wait \xF0\x9F\x99\x8F") == 0,
          "a note is kept as typed: no negation, no crowd, case and emoji kept");
    line = "deny R7K2 because \xFF";
    CHECK(parse_phrase(line, strlen(line), &ctx, &it, &err) == PARSE_NOT_UNDERSTOOD &&
              err.code == C_INVALID_UTF8,
          "a note of invalid UTF-8 is refused");
    line = "revoke @bob because he left";
    CHECK(parse_phrase(line, strlen(line), &ctx, &it, &err) == PARSE_NOT_UNDERSTOOD &&
              err.code == C_NOTE_NOT_HERE && strcmp(err.hint, "did you mean: revoke @bob") == 0,
          "a reason where none is kept is refused, with the phrase without it");
}

int main(void)
{
    test_where();
    test_checks();
    test_parse();
    return CHECK_SUMMARY();
}
