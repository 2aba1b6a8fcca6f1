/* Unit tests of what concierge serve decodes before anything runs: Slack's signature (with
 * Slack's own published example) and form encoding; and the signature it puts on what it
 * sends. */
#include <jansson.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "../frontends/serve/concierge_sig.h"
#include "../frontends/serve/form.h"
#include "../frontends/serve/slack_sig.h"
#include "../frontends/serve/url_prefix.h"
#include "../frontends/serve/slack_request.h"
#include "check.h"

/* docs.slack.dev, "Verifying requests from Slack", as python-slack-sdk's signature verifier
 * test has it. */
static const char secret[] = "8f742231b10e8888abcd99yyyzzz85a5";
static const char ts[] = "1531420618";
static const char body[] =
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_"
    "name="
    "foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%"
    "2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id="
    "398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
static const char sig[] = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

static int verify(const char *t, const char *s, const char *b, int64_t now)
{
    const char *why = NULL;
    return slack_verify(secret, strlen(secret), t, s, b, strlen(b), now, &why);
}

static void test_signature(void)
{
    char out[68];
    CHECK(slack_sign(secret, strlen(secret), ts, body, strlen(body), out) == 0 && strcmp(out, sig) == 0,
          "Slack's example signs to Slack's signature");
    const int64_t pinned = 1531420618;
    CHECK(verify(ts, sig, body, pinned) == 0, "Slack's example verifies with the clock pinned");
    CHECK(verify(ts, sig, body, (int64_t)time(NULL)) != 0, "and is refused by the real clock (a replay)");
    CHECK(verify(ts, sig, body, pinned + SLACK_WINDOW) == 0, "five minutes late is still taken");
    CHECK(verify(ts, sig, body, pinned + SLACK_WINDOW + 1) != 0, "a second more is stale");
    CHECK(verify(ts, sig, body, pinned - SLACK_WINDOW - 1) != 0, "from too far in the future is refused");

    char tampered[sizeof body];
    memcpy(tampered, body, sizeof body);
    tampered[strlen(tampered) - 1] ^= 1;
    CHECK(verify(ts, sig, tampered, pinned) != 0, "a changed body is refused");
    CHECK(verify("1531420619", sig, body, pinned) != 0, "a changed timestamp is refused");
    char upper[sizeof sig];
    memcpy(upper, sig, sizeof sig);
    upper[3] = 'A';
    CHECK(verify(ts, upper, body, pinned) != 0, "a changed signature is refused");
    CHECK(verify(ts, "v0=a2114d57", body, pinned) != 0, "a short signature is refused");
    CHECK(verify(ts, "v1=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503", body, pinned) !=
              0,
          "another version is refused");
    CHECK(verify(NULL, sig, body, pinned) != 0 && verify(ts, NULL, body, pinned) != 0, "unsigned is refused");
    CHECK(verify("+1531420618", sig, body, pinned) != 0 && verify(" 1531420618", sig, body, pinned) != 0 &&
              verify("", sig, body, pinned) != 0 && verify("99999999999999999999", sig, body, pinned) != 0,
          "a timestamp must be plain digits");
    const char *why = NULL;
    CHECK(slack_verify("", 0, ts, sig, body, strlen(body), pinned, &why) != 0 && why,
          "with no secret configured nothing verifies");
    CHECK(slack_verify("8f742231b10e8888abcd99yyyzzz85a6", strlen(secret), ts, sig, body, strlen(body),
                       pinned, &why) != 0,
          "another secret does not verify");
}

/* concierge's own signature (lifecycle.md): a fixed vector worked out apart from concierge,
 * with `openssl dgst -sha256 -hmac SECRET` (and Python's hmac) over "v0:1764633600:" BODY. */
static void test_concierge_signature(void)
{
    static const char key[] = "cbs_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    static const char msg[] =
        "{\"status\":\"done\",\"conversation\":\"C042-thread-17\",\"text\":\"Invited @bob.\\n\"}";
    struct concierge_sig sg;
    CHECK(concierge_sign(key, strlen(key), 1764633600, msg, strlen(msg), &sg) == 0, "a body is signed");
    CHECK_STR(sg.timestamp_header, "X-Concierge-Request-Timestamp: 1764633600", "the timestamp header");
    CHECK_STR(sg.signature_header,
              "X-Concierge-Signature: v0=05c45894584a363e5cd089941dff7042664386c7bbdaa583fa852fbc792659fa",
              "the signature header, as openssl computes it");
    concierge_sign(key, strlen(key), 1764633601, msg, strlen(msg), &sg);
    CHECK(strstr(sg.signature_header, "05c45894") == NULL, "another timestamp, another signature");
    concierge_sign(key, strlen(key) - 1, 1764633600, msg, strlen(msg), &sg);
    CHECK(strstr(sg.signature_header, "05c45894") == NULL, "another secret, another signature");
}

static void test_form(void)
{
    char out[64];
    const char *f = "a=1&text=invite+%40bob+as%20viewer&empty=&bare&pct=%2F%2f";
    size_t n = strlen(f);
    CHECK(form_check(f, n) == 0, "a good form checks");
    CHECK(form_get(f, n, "text", out, sizeof out) == 21 && strcmp(out, "invite @bob as viewer") == 0,
          "+ and %XX decode");
    CHECK(form_get(f, n, "empty", out, sizeof out) == 0 && out[0] == '\0', "an empty value is empty");
    CHECK(form_get(f, n, "bare", out, sizeof out) == 0, "a key without = is empty");
    CHECK(form_get(f, n, "pct", out, sizeof out) == 2 && strcmp(out, "//") == 0, "hex digits in either case");
    CHECK(form_get(f, n, "missing", out, sizeof out) == -1, "an absent key is -1");
    CHECK(form_get(f, n, "tex", out, sizeof out) == -1, "keys match whole, not by prefix");
    CHECK(form_get(f, n, "text", out, 5) == -2, "a value that does not fit is -2, never cut");
    const char *bad[] = {"a=%zz", "a=%4", "a=%", "a=1&b=%0", "a=%00", "a=x%00y"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK(form_check(bad[i], strlen(bad[i])) != 0, bad[i]);
        CHECK(form_get(bad[i], strlen(bad[i]), strchr(bad[i], 'b') ? "b" : "a", out, sizeof out) == -2,
              bad[i]);
    }
    CHECK(form_check("", 0) == 0 && form_get("", 0, "a", out, sizeof out) == -1, "an empty body has nothing");
    char nul[] = {'a', '=', '1', '\0', '2'};
    CHECK(form_check(nul, sizeof nul) != 0, "a raw NUL byte is malformed");
}

static void test_url_prefix(void)
{
    const char *pre = "https://bot.example/cb/", *bare = "https://bot.example/cb";
    /* A URL against the prefix pre: taken (1) or refused (0). */
    static const struct {
        const char *url;
        int taken;
    } table[] = {
        {"https://bot.example/cb/x", 1},
        {"https://bot.example/cb/x/y?z=1&w=a..b", 1},
        {"https://bot.example/cb/...x/..y", 1},  /* dots inside a segment are a name */
        {"https://bot.example/cb/a%20b", 1},     /* an escape of anything else is a name */
        {"https://bot.example/cb/x?a=1;b=2", 1}, /* ';' in the query is no path parameter */
        {"https://bot.example/cb/%", 1},         /* a lone '%' is no escape: a name */
        {"https://bot.example/cbx", 0},
        {"https://bot.example/cb/../x", 0},
        {"https://bot.example/cb/..", 0},
        {"https://bot.example/cb/..?x", 0},
        {"https://bot.example/cb/.", 0},
        {"https://bot.example/cb/./x", 0},
        /* Encoded dots, in every case mix, alone or beside a plain dot. */
        {"https://bot.example/cb/%2e%2e/x", 0},
        {"https://bot.example/cb/%2E%2E/x", 0},
        {"https://bot.example/cb/%2E./x", 0},
        {"https://bot.example/cb/.%2e/x", 0},
        {"https://bot.example/cb/.%2E/admin", 0},
        {"https://bot.example/cb/%2e/x", 0},
        {"https://bot.example/cb/x%2ey", 0},
        /* Encoded slashes and backslashes, and a '%' that a second decoding would turn into one. */
        {"https://bot.example/cb/..%2fadmin", 0},
        {"https://bot.example/cb/..%2Fadmin", 0},
        {"https://bot.example/cb/x%2fy", 0},
        {"https://bot.example/cb/..%5cadmin", 0},
        {"https://bot.example/cb/..%5Cadmin", 0},
        {"https://bot.example/cb/%252e%252e/admin", 0},
        {"https://bot.example/cb/x?next=%2fadmin", 0},
        /* Path parameters. */
        {"https://bot.example/cb/..;/admin", 0},
        {"https://bot.example/cb/x;y", 0},
        {"https://bot.example/cb;/../admin", 0},
        {"https://bot.example/cb/x#y", 0},
        {"https://bot.example/cb/x y", 0},
        {"https://bot.example/cb\\..\\x", 0},
        {"https://bot.example/cb/\xc3\xa9", 0},
        {"https://bot.example.evil/cb/", 0},
        {"http://bot.example/cb/x", 0},
        {"", 0},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        CHECK(url_under_prefix(table[i].url, pre) == table[i].taken, table[i].url);
    CHECK(url_under_prefix("https://bot.example/cb", bare) &&
              url_under_prefix("https://bot.example/cb/x", bare) &&
              url_under_prefix("https://bot.example/cb?x", bare),
          "a prefix without a slash ends where the path does");
    CHECK(!url_under_prefix("https://bot.example.evil.com/", "https://bot.example"),
          "a host that only starts with the prefix's is outside it");
    CHECK(!url_under_prefix("https://bot.example/cb/x", ""), "an empty prefix takes nothing");

    /* The length limit is named, at the byte. */
    char url[URL_MAX + 2];
    memset(url, 'a', sizeof url - 1);
    url[sizeof url - 1] = '\0';
    memcpy(url, pre, strlen(pre));
    url[URL_MAX] = '\0';
    CHECK(url_under_prefix(url, pre), "a URL of URL_MAX bytes is taken");
    url[URL_MAX] = 'a';
    const char *why = url_prefix_refusal(url, pre);
    CHECK(why && strstr(why, "2047 bytes"), "one byte more is refused, naming the limit");
    why = url_prefix_refusal("https://bot.example/cb/..%2fadmin", pre);
    CHECK(why && strstr(why, "encoded"), "the refusal says what it found");
}

/* Slack's escaping of what a person typed, turned back: a note reads as it was written. */
static void test_slack_unescape(void)
{
    char s[64] = "a &amp; b &lt;c&gt; &amp;amp; <@U1> &x;";
    size_t n = slack_unescape(s, strlen(s));
    CHECK_STR(s, "a & b <c> &amp; <@U1> &x;", "&amp; &lt; &gt; turned back, once; anything else kept");
    CHECK_INT((long long)n, (long long)strlen(s), "its new length");
    char t[8] = "&amp";
    CHECK_INT((long long)slack_unescape(t, 4), 4, "a cut entity is kept as it is");
}

/* An error that quotes what a client sent stays the error it is, whatever bytes it quotes (the
 * fuzzer found a body whose bad escape was quoted raw, and made a 500). */
static void test_error_bytes(void)
{
    struct http_response rs = {0};
    respond_error(&rs, 400, "the body is not JSON: near '%s'", "a\xce\xad\xeb\xfc\x7f b \xc3\xa9");
    CHECK_INT(rs.status, 400, "still a 400");
    json_t *o = rs.body ? json_loadb(rs.body, rs.len, 0, NULL) : NULL;
    CHECK_STR(json_string_value(json_object_get(o, "error")),
              "the body is not JSON: near 'a\xce\xad??\x7f b \xc3\xa9'",
              "bytes that are not UTF-8 become ?, valid ones stay");
    json_decref(o);
    response_clear(&rs);
}

int main(void)
{
    test_url_prefix();
    test_slack_unescape();
    test_error_bytes();
    test_signature();
    test_concierge_signature();
    test_form();
    return CHECK_SUMMARY();
}
