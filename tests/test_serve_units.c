/* Unit tests of what concierge serve decodes before anything runs: Slack's signature (with
 * Slack's own published example) and form encoding. */
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "../frontends/serve/form.h"
#include "../frontends/serve/slack_sig.h"
#include "../frontends/serve/url_prefix.h"
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
    CHECK(url_under_prefix("https://bot.example/cb/x", pre), "a URL under the prefix");
    CHECK(url_under_prefix("https://bot.example/cb/x/y?z=1&w=a..b", pre), "with a query");
    CHECK(url_under_prefix("https://bot.example/cb", bare) &&
              url_under_prefix("https://bot.example/cb/x", bare) &&
              url_under_prefix("https://bot.example/cb?x", bare),
          "a prefix without a slash ends where the path does");
    static const char *const out[] = {
        "https://bot.example/cbx",         "https://bot.example/cb/../x",
        "https://bot.example/cb/..",       "https://bot.example/cb/..?x",
        "https://bot.example/cb/.",        "https://bot.example/cb/./x",
        "https://bot.example/cb/%2e%2e/x", "https://bot.example/cb/%2E./x",
        "https://bot.example/cb/x#y",      "https://bot.example/cb/x y",
        "https://bot.example/cb\\..\\x",   "https://bot.example.evil/cb/",
        "http://bot.example/cb/x",         "",
    };
    for (size_t i = 0; i < sizeof out / sizeof out[0]; i++)
        CHECK(!url_under_prefix(out[i], pre), out[i]);
    CHECK(!url_under_prefix("https://bot.example.evil.com/", "https://bot.example"),
          "a host that only starts with the prefix's is outside it");
    CHECK(!url_under_prefix("https://bot.example/cb/x", ""), "an empty prefix takes nothing");
    CHECK(url_under_prefix("https://bot.example/cb/...x/..y", pre), "dots inside a segment are a name");
}

int main(void)
{
    test_url_prefix();
    test_signature();
    test_form();
    return CHECK_SUMMARY();
}
