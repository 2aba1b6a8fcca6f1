/* concierge open: a one-time sign-in link to the web page (interfaces.md, Web page), for the
 * acting principal — the store owner's trust, as every command of the command line: whoever
 * can write the store can be anyone. The link is PUBLIC_URL/ui/login?t=TOKEN, PUBLIC_URL as
 * serve recorded it (--public-url overrides); it works once, for 10 minutes. */
#include <jansson.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../actions/weblink.h"
#include "../../intent/describe.h"
#include "../../intent/timecalc.h"
#include "cli.h"
#include "context.h"
#include "store_open.h"

const struct opt_spec cli_open_options[] = {
    {"db", 0, "PATH", "the store (default $CONCIERGE_DB, else $XDG_DATA_HOME/concierge/concierge.db)"},
    {"as", 0, "P", "who the link signs in (default $CONCIERGE_AS, else @$USER)"},
    {"sandbox", 0, "NAME", "open on this sandbox's page (default the list of sandboxes)"},
    {"public-url", 0, "URL", "where the web page is (default the one concierge serve --public-url recorded)"},
    {"now", 0, "RFC3339", "the instant taken as now (default the clock)"},
    {"tz", 0, "ZONE", "the time zone of the instant said (default $TZ, else UTC)"},
    {"json", 0, NULL, "the link as one JSON object"},
    CLI_HELP_OPTIONS,
    {NULL, 0, NULL, NULL},
};

static void open_more(FILE *f)
{
    fputs("\nThe link signs in as that principal: it works once, for 10 minutes, and only its hash is\n"
          "kept. Give it to nobody else. Sign-ins are in the store's own log (concierge admin audit).\n"
          "exit status: 0 done, 2 usage error, 5 no public URL known, 1 anything else\n",
          f);
}

static const struct cli_command open_command = {
    "usage: concierge open [OPTIONS]\nprint a one-time sign-in link to the web page\n", cli_open_options,
    open_more};

int open_main(int argc, char **argv)
{
    struct cli_options opt;
    struct split_args a;
    int rc = cli_parse_options(argc, argv, 2, &open_command, &opt, &a);
    if (rc != CLI_GO) return rc;
    if (a.n_words > 0) {
        fprintf(stderr, "concierge open: unexpected '%s'; concierge open --help lists the options\n",
                a.words[0]);
        args_release(&a);
        return EXIT_USAGE;
    }
    const struct opt_seen *url_opt = args_get(&a, "public-url");
    const char *url = url_opt ? url_opt->value : NULL;
    int sandbox_said = args_get(&a, "sandbox") != NULL;
    const char *why = url ? weblink_url_refused(url) : NULL;
    args_release(&a);
    if (why) {
        cli_refuse_value("--public-url", url, why);
        return EXIT_USAGE;
    }
    struct store *store;
    /* A link into a store nobody set up would sign into nothing: never a new store here. */
    if ((rc = cli_open_store(&opt, 0, &store))) return rc;
    if (sandbox_said) {
        struct st_sandbox sb;
        enum store_status st = store_sandbox_find(store, opt.sandbox, &sb);
        if (st != STORE_OK) {
            fprintf(stderr, "concierge: sandbox \"%s\" %s\n", opt.sandbox,
                    st == STORE_NOT_FOUND ? "not found" : store_errmsg(store));
            store_close(store);
            return st == STORE_NOT_FOUND ? EXIT_REJECTED : EXIT_OTHER;
        }
    }
    char link[WEB_LINK_MAX + 1];
    int64_t expires = 0;
    int made = weblink_make(store, opt.actor, sandbox_said ? opt.sandbox : NULL, url, opt.now, link,
                            sizeof link, &expires);
    if (made > 0)
        fprintf(stderr, "concierge: no public URL is known for the web page: start concierge serve with "
                        "--public-url URL (it records it), or give concierge open --public-url URL\n");
    else if (made < 0)
        fprintf(stderr, "concierge: the link could not be made: %s\n", store_errmsg(store));
    store_close(store);
    if (made) return made > 0 ? EXIT_REJECTED : EXIT_OTHER;
    char until[64];
    rc = EXIT_DONE;
    if (opt.json) {
        format_rfc3339(expires, until);
        json_t *o = json_pack("{s:s, s:s, s:s}", "link", link, "principal", opt.actor, "expires_at", until);
        char *j = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
        if (j)
            puts(j);
        else
            fprintf(stderr, "concierge: out of memory\n"), rc = EXIT_OTHER;
        free(j);
        json_decref(o);
    } else {
        describe_instant(expires, until, sizeof until);
        printf("%s\n", link);
        printf("It signs in as %s, once, until %s. Give it to nobody else.\n", opt.actor, until);
    }
    OPENSSL_cleanse(link, sizeof link);
    return rc;
}
