/* Unit tests of grammar/normalise.h: what a person typed, and what the scanner reads. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "normalise.h"

static const char *status_name(enum norm_status st)
{
    switch (st) {
    case NORM_OK: return "NORM_OK";
    case NORM_EMPTY: return "NORM_EMPTY";
    case NORM_TOO_LONG: return "NORM_TOO_LONG";
    case NORM_BAD_UTF8: return "NORM_BAD_UTF8";
    case NORM_CONTROL: return "NORM_CONTROL";
    }
    return "(unknown status)";
}

/* Normalises in[0..len) into a buffer with a guard region behind it, and checks the status
 * and, when want is not NULL, the text (its length, and that it is NUL-terminated). */
static void norm_case(const char *file, int line, const char *in, size_t len, enum norm_status want_st,
                      const char *want)
{
    char out[NORM_MAX_INPUT + 1 + 16];
    memset(out, 'Z', sizeof out);
    size_t out_len = 12345;
    enum norm_status st = normalise(in, len, out, &out_len);
    char what[80];
    snprintf(what, sizeof what, "normalise(\"%.40s%s\")", in, len > 40 ? "..." : "");
    check_at(st == want_st, file, line, what, status_name(st), status_name(want_st));
    if (want && st == want_st) {
        int ok = out_len <= NORM_MAX_INPUT && out[out_len] == '\0' && out_len == strlen(want) &&
                 memcmp(out, want, out_len) == 0;
        char got[128];
        if (out_len <= NORM_MAX_INPUT)
            snprintf(got, sizeof got, "\"%.*s\" (%zu bytes)", out_len > 60 ? 60 : (int)out_len, out, out_len);
        else
            snprintf(got, sizeof got, "out_len %zu", out_len);
        char wants[128];
        snprintf(wants, sizeof wants, "\"%.60s\" (%zu bytes)", want, strlen(want));
        check_at(ok, file, line, what, got, wants);
    }
    if (st != NORM_OK) check_at(out_len == 0, file, line, "out_len is 0 when refused", "nonzero", "0");
    int guard_ok = 1;
    for (size_t i = NORM_MAX_INPUT + 1; i < sizeof out; i++)
        if (out[i] != 'Z') guard_ok = 0;
    check_at(guard_ok, file, line, "nothing written past NORM_MAX_INPUT + 1 bytes", "overrun", "none");
}

/* A NUL-terminated input; NB for inputs holding NUL, use NORM_LEN. */
#define NORM(in, st, want)          norm_case(__FILE__, __LINE__, (in), strlen(in), (st), (want))
#define NORM_LEN(in, len, st, want) norm_case(__FILE__, __LINE__, (in), (len), (st), (want))
#define OK(in, want)                NORM(in, NORM_OK, want)

static void test_case_folding(void)
{
    OK("Give @Bob VIEWER Access", "give @bob viewer access");
    OK("invite <@U024BE7LH|Bob> to sandbox ACME", "invite <@U024BE7LH|Bob> to sandbox acme");
    OK("REVOKE <@U024BE7LH>", "revoke <@U024BE7LH>");
    OK("invite <@U024BE7LH> and <@W0ABCDEF|Dana> NOW", "invite <@U024BE7LH> and <@W0ABCDEF|Dana> now");
    OK("Confirm K7Q2", "confirm k7q2");
}

static void test_entities(void)
{
    OK("R&amp;D project", "r&d project");
    OK("a &lt; b &gt; c", "a < b > c");
    OK("AT&amp;T &lt;B&gt;", "at&t <b>");
    OK("fish &amp chips", "fish &amp chips"); /* no ';': not an entity */
    OK("a & b", "a & b");
    OK("&quot;x&quot;", "&quot;x&quot;"); /* Slack escapes only & < > */
    OK("tail &am", "tail &am");           /* an entity cut off by the end */
}

static void test_quotes_and_spaces(void)
{
    OK("what\xE2\x80\x99s my access", "what's my access"); /* ’ */
    OK("\xE2\x80\x98quoted\xE2\x80\x99", "'quoted'");      /* ‘ ’ */
    OK("say \xE2\x80\x9CHi\xE2\x80\x9D", "say \"hi\"");    /* “ ” */
    OK("invite\xC2\xA0@bob", "invite @bob");               /* NBSP */
    OK("invite\t@bob", "invite @bob");
    OK("invite \t \xC2\xA0 @bob", "invite @bob");
    OK("invite     @bob   now", "invite @bob now");
    OK("   invite @bob   ", "invite @bob");
    OK("\t\xC2\xA0invite @bob\xC2\xA0\t", "invite @bob");
}

static void test_end_punctuation(void)
{
    OK("revoke @quim.", "revoke @quim");
    OK("Who has access?", "who has access");
    OK("do it!", "do it");
    OK("wait...", "wait");
    OK("really?!", "really");
    OK("invite @bob,", "invite @bob");
    OK("invite @bob,,", "invite @bob");
    OK("invite @bob , .", "invite @bob");
    OK("invite @bob .", "invite @bob");
    OK("invite @bob?  ", "invite @bob");
    OK("hi, @bob. ok!", "hi, @bob. ok"); /* inner punctuation kept */
    OK("dana@example.com, @bob", "dana@example.com, @bob");
    OK("1.5 hours", "1.5 hours");
}

static void test_line_ends(void)
{
    OK("invite @bob\n", "invite @bob");
    OK("invite @bob\r\n", "invite @bob");
    OK("invite @bob\r", "invite @bob");
    OK("invite @bob.\r\n", "invite @bob");
    NORM("invite\r@bob", NORM_CONTROL, NULL); /* a CR that is not final */
    NORM("invite\n@bob", NORM_CONTROL, NULL);
    NORM("\r\n", NORM_EMPTY, "");
}

static void test_length(void)
{
    static char buf[NORM_MAX_INPUT + 8];
    memset(buf, 'a', sizeof buf);
    NORM_LEN(buf, 1000, NORM_OK, NULL);
    NORM_LEN(buf, 1001, NORM_TOO_LONG, NULL);
    NORM_LEN(buf, 1007, NORM_TOO_LONG, NULL);

    /* 1,000 bytes come out whole */
    char out[NORM_MAX_INPUT + 1];
    size_t out_len = 0;
    enum norm_status st = normalise(buf, 1000, out, &out_len);
    CHECK(st == NORM_OK && out_len == 1000 && out[1000] == '\0', "1000 bytes of 'a' come out whole");

    /* The line ending is not part of the line */
    memcpy(buf + 1000, "\r\n", 2);
    NORM_LEN(buf, 1002, NORM_OK, NULL);
    buf[1000] = '\n';
    NORM_LEN(buf, 1001, NORM_OK, NULL);

    /* Bytes, not characters: 500 two-byte letters is 1,000 bytes, one more is too long */
    for (int i = 0; i < 500; i++)
        memcpy(buf + 2 * i, "\xC3\xA9", 2);
    NORM_LEN(buf, 1000, NORM_OK, NULL);
    memcpy(buf + 1000, "e", 1);
    NORM_LEN(buf, 1001, NORM_TOO_LONG, NULL);

    /* 1,000 bytes of NBSP-separated words all fit (output never longer than input) */
    for (int i = 0; i < 250; i++)
        memcpy(buf + 4 * i, "ab\xC2\xA0", 4);
    NORM_LEN(buf, 1000, NORM_OK, NULL);
}

static void test_utf8(void)
{
    NORM("invite \x80 @bob", NORM_BAD_UTF8, NULL); /* lone continuation */
    NORM("\x80", NORM_BAD_UTF8, NULL);
    NORM("invite \xC0\xAF", NORM_BAD_UTF8, NULL);         /* overlong '/' */
    NORM("invite \xC1\xBF", NORM_BAD_UTF8, NULL);         /* overlong */
    NORM("invite \xE0\x80\xAF", NORM_BAD_UTF8, NULL);     /* overlong 3 bytes */
    NORM("invite \xF0\x80\x80\xAF", NORM_BAD_UTF8, NULL); /* overlong 4 bytes */
    NORM("invite \xED\xA0\x80", NORM_BAD_UTF8, NULL);     /* surrogate U+D800 */
    NORM("invite \xED\xBF\xBF", NORM_BAD_UTF8, NULL);     /* surrogate U+DFFF */
    NORM("invite \xF4\x90\x80\x80", NORM_BAD_UTF8, NULL); /* past U+10FFFF */
    NORM("invite \xF5\x80\x80\x80", NORM_BAD_UTF8, NULL);
    NORM("invite \xFF", NORM_BAD_UTF8, NULL);
    NORM("invite \xE2\x80", NORM_BAD_UTF8, NULL);      /* truncated at the end */
    NORM("invite \xE2\x80 @bob", NORM_BAD_UTF8, NULL); /* truncated inside */
    NORM("\xC3", NORM_BAD_UTF8, NULL);
    /* The length is the limit: a sequence cut by len is truncated even if bytes follow. */
    NORM_LEN("ab\xE2\x80\x99", 4, NORM_BAD_UTF8, NULL);
    NORM_LEN("ab\xE2\x80\x99", 5, NORM_OK, "ab'");
    /* Valid boundaries */
    OK("\xED\x9F\xBF", "\xED\x9F\xBF");         /* U+D7FF */
    OK("\xEE\x80\x80", "\xEE\x80\x80");         /* U+E000 */
    OK("\xF4\x8F\xBF\xBF", "\xF4\x8F\xBF\xBF"); /* U+10FFFF */
    OK("\xC2\xA9 2026", "\xC2\xA9 2026");       /* U+00A9 */
}

static void test_control(void)
{
    NORM("invite \x07@bob", NORM_CONTROL, NULL);
    NORM_LEN("invite\0@bob", 11, NORM_CONTROL, NULL); /* NUL inside the length */
    NORM_LEN("invite @bob\0", 12, NORM_CONTROL, NULL);
    NORM("invite \xC2\x85@bob", NORM_CONTROL, NULL); /* U+0085 NEL */
    NORM("invite \xC2\x80@bob", NORM_CONTROL, NULL); /* U+0080 */
    NORM("invite \xC2\x9F@bob", NORM_CONTROL, NULL); /* U+009F */
    NORM("invite \x1B[31m@bob", NORM_CONTROL, NULL); /* ESC */
    NORM("invite \x7F@bob", NORM_CONTROL, NULL);     /* DEL */
    NORM("\x0B", NORM_CONTROL, NULL);                /* VT */
    NORM("\x0C", NORM_CONTROL, NULL);                /* FF */
    /* Only what len covers is read */
    NORM_LEN("invite @bob\x07", 11, NORM_OK, "invite @bob");
}

static void test_empty(void)
{
    NORM("", NORM_EMPTY, "");
    NORM_LEN("x", 0, NORM_EMPTY, "");
    NORM("   ", NORM_EMPTY, "");
    NORM("\t\xC2\xA0 ", NORM_EMPTY, "");
    NORM(".", NORM_EMPTY, "");
    NORM("...", NORM_EMPTY, "");
    NORM("?!", NORM_EMPTY, "");
    NORM(" , . ! ? ", NORM_EMPTY, "");
    NORM("\n", NORM_EMPTY, "");
}

static void test_non_ascii(void)
{
    OK("invite @bob to caf\xC3\xA9", "invite @bob to caf\xC3\xA9");
    OK("CAF\xC3\x89", "caf\xC3\x89");                         /* É stays É: ASCII folding only */
    OK("Gr\xC3\xBC\xC3\x9F Gott", "gr\xC3\xBC\xC3\x9F gott"); /* ü ß */
    OK("\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82",
       "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82");
    OK("\xE6\x97\xA5\xE6\x9C\xAC", "\xE6\x97\xA5\xE6\x9C\xAC"); /* 日本 */
    OK("thanks \xF0\x9F\x91\x8D", "thanks \xF0\x9F\x91\x8D");   /* emoji */
}

static void test_messages(void)
{
    CHECK(strstr(code_message(norm_status_code(NORM_TOO_LONG)), "too long") != NULL,
          "the too-long message says it is too long");
    CHECK(norm_status_code(NORM_OK) == C_NONE, "NORM_OK is no refusal");
    enum norm_status all[] = {NORM_EMPTY, NORM_TOO_LONG, NORM_BAD_UTF8, NORM_CONTROL};
    const char *ids[] = {"empty", "too_long", "invalid_utf8", "control_character"};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        CHECK(strcmp(code_name(norm_status_code(all[i])), ids[i]) == 0 &&
                  *code_message(norm_status_code(all[i])),
              "every refusal of the normaliser has its code (language.md's ids) and a message");
}

int main(void)
{
    test_case_folding();
    test_entities();
    test_quotes_and_spaces();
    test_end_punctuation();
    test_line_ends();
    test_length();
    test_utf8();
    test_control();
    test_empty();
    test_non_ascii();
    test_messages();
    return CHECK_SUMMARY();
}
