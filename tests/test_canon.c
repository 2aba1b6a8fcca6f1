/* The canonicaliser of the doors (grammar/canon.rl), as data: each row a value given at a door
 * (--as, check, admin, a bot's user, /v1/check), what it becomes, or NULL for a refusal. The
 * same table runs through the language where it can: a principal accepted at the door reads the
 * same inside a phrase, so that @ED is one person everywhere (issue 8, item 9). */
#include <string.h>

#include "../grammar/canon.h"
#include "../grammar/parse.h"
#include "../intent/intent.h"
#include "check.h"

struct canon_case {
    const char *in, *want, *why;
};

static const struct canon_case principals[] = {
    {"@bob", "@bob", "a handle"},
    {"@ED", "@ed", "a handle is case-folded: @ED is @ed at every door"},
    {"@Bob.Smith", "@bob.smith", "dots inside a handle"},
    {"@bob-1_x", "@bob-1_x", "digits, - and _"},
    {"@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
     "@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "64 characters after the @"},
    {"@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", NULL,
     "65 characters after the @: refused, never cut"},
    {"Bob@Example.COM", "bob@example.com", "an e-mail address is lower-cased"},
    {"first.last+tag@mail.example.org", "first.last+tag@mail.example.org", "e-mail with dots and +"},
    {"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
     "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
     "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb@example.com",
     "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
     "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
     "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb@example.com",
     "a 254-byte e-mail address"},
    {"ccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
     "ccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
     "ccccccccccccccccccccccccccccccccccccc@example.com",
     NULL, "a 255-byte e-mail address"},
    {"slack:U024BE7LH", "slack:U024BE7LH", "a Slack ID keeps its case"},
    {"slack:W024BE7LH", "slack:W024BE7LH", "an enterprise user ID"},
    {"<@U024BE7LH>", "slack:U024BE7LH", "Slack's escape"},
    {"<@U024BE7LH|bob>", "slack:U024BE7LH", "the display name is dropped"},
    {"slack:U111111111111111111111111111111111111111111111111111111111111111",
     "slack:U111111111111111111111111111111111111111111111111111111111111111", "a 64-character Slack ID"},
    {"slack:U1111111111111111111111111111111111111111111111111111111111111111", NULL,
     "a 65-character Slack ID"},
    {"slack:", NULL, "slack: with no ID"},
    {"slack:u024be7lh", NULL, "a Slack ID in lower case is not one"},
    {"SLACK:U024BE7LH", NULL, "the slack: prefix is lower case"},
    {"Bob", NULL, "a bare name is never a principal (--owner Bob)"},
    {"bob", NULL, "a bare name"},
    {"", NULL, "empty"},
    {"@", NULL, "a lone @"},
    {"@bob.", NULL, "a handle never ends in a dot"},
    {"@.bob", NULL, "nor starts with one"},
    {"@own<er>\"&", NULL, "markup in a handle"},
    {"@a\x1b"
     "[31m",
     NULL, "an escape sequence"},
    {"@bob\x0a"
     "",
     NULL, "a newline"},
    {" @bob", NULL, "a leading space"},
    {"@bob @carol", NULL, "two principals"},
    {"@here", NULL, "@here names a crowd"},
    {"@Channel", NULL, "@channel names a crowd, in any case"},
    {"@everyone", NULL, "@everyone names a crowd"},
    {"@heresy", "@heresy", "a handle that starts like a crowd word is a person"},
    {"<!here>", NULL, "Slack's broadcast"},
    {"<#C024BE7LH>", NULL, "a channel"},
    {"bob@", NULL, "an e-mail address with no domain"},
    {"bob@example", NULL, "a domain with no dot"},
    {"@b\xc3"
     "\xa9"
     "b",
     NULL, "a handle is ASCII"},
};

static const struct canon_case names[] = {
    {"demo", "demo", "a name"},
    {"Marketing", "marketing", "case-folded"},
    {"client-app_2", "client-app_2", "digits, - and _"},
    {"9lives", "9lives", "may start with a digit"},
    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "64 characters"},
    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", NULL, "65 characters"},
    {"", NULL, "empty"},
    {"-x", NULL, "starts with -"},
    {"_x", NULL, "starts with _"},
    {"bad name", NULL, "a space"},
    {"a.b", NULL, "a dot"},
    {"@demo", NULL, "an @"},
    {"d\xc3"
     "\xa9"
     "mo",
     NULL, "ASCII only"},
    {"demo\x1b"
     "",
     NULL, "a control byte"},
};

#define N(a) (sizeof a / sizeof a[0])

/* The language reads a principal the door took as the door does (Slack's forms aside: a
 * phrase holds <@U…>, never slack:U…). */
static void same_in_a_phrase(const struct canon_case *c)
{
    char phrase[400], what[400];
    struct intent it;
    struct parse_error err;
    struct parse_ctx ctx = {"@owner", "demo", 1795015800};
    snprintf(phrase, sizeof phrase, "revoke %s", c->in);
    int ok = parse_phrase(phrase, strlen(phrase), &ctx, &it, &err) == PARSE_OK && it.n_principals == 1 &&
             strcmp(it.principals[0].s, c->want) == 0;
    snprintf(what, sizeof what, "the phrase reads it alike: %s", c->why);
    CHECK(ok, what);
}

static void run(const char *kind, const char *(*canon)(const char *, char *, size_t),
                const struct canon_case *cases, size_t n)
{
    char out[PRINCIPAL_MAX_LEN + 1], what[400];
    for (size_t i = 0; i < n; i++) {
        const struct canon_case *c = &cases[i];
        snprintf(out, sizeof out, "untouched");
        const char *why = canon(c->in, out, sizeof out);
        snprintf(what, sizeof what, "%s: %s", kind, c->why);
        if (c->want)
            CHECK(!why && strcmp(out, c->want) == 0, what);
        else
            CHECK(why && *why && strcmp(out, "untouched") == 0, what);
        if (canon == principal_canon && c->want && c->in[0] != '<' && strncmp(c->in, "slack:", 6) != 0)
            same_in_a_phrase(c);
    }
}

int main(void)
{
    run("principal", principal_canon, principals, N(principals));
    run("name", name_canon, names, N(names));
    /* A buffer too small for the whole principal is a refusal, never a cut one. */
    char small[5] = "xxxx";
    CHECK(principal_canon("@bobby", small, sizeof small) != NULL && strcmp(small, "xxxx") == 0,
          "a principal that does not fit is refused, never cut");
    return CHECK_SUMMARY();
}
