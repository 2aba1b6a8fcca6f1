/* concierge sweep: the sweeper once (lifecycle.md, "Expiry is an event"), for a deployment
 * without a server (cron, a systemd timer); serve runs the same every minute. Says what it
 * recorded: a line an event and the total, or with --json the report (actions/sweep.h). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../actions/sweep.h"
#include "../../intent/describe.h"
#include "cli.h"
#include "context.h"
#include "store_open.h"

const struct opt_spec cli_sweep_options[] = {
    {"db", 0, "PATH", "the store (default $CONCIERGE_DB, else $XDG_DATA_HOME/concierge/concierge.db)"},
    {"now", 0, "RFC3339", "sweep up to this instant (default the clock; never past the clock)"},
    {"tz", 0, "ZONE", "the time zone of the instants said (default $TZ, else UTC)"},
    {"json", 0, NULL, "the report as one JSON object"},
    {"quiet", 'q', NULL, "print nothing when the sweep succeeds"},
    CLI_HELP_OPTIONS,
    {NULL, 0, NULL, NULL},
};

static void sweep_more(FILE *f)
{
    fputs("\nEach grant or agent key whose expiry is due becomes an `expired` audit event (actor\n"
          "concierge), once however often it runs and however many run at once, at the instant that\n"
          "was due; a collaborator entry the ended grant leaves with neither a workspace membership\n"
          "nor a live sandbox-wide grant behind it is removed. A --now later than the clock sweeps up\n"
          "to the clock: an expiry is never recorded before it happens.\n"
          "exit status: 0 done, 2 usage error, 1 anything else (what was recorded before stays)\n",
          f);
}

static const struct cli_command sweep_command = {
    "usage: concierge sweep [OPTIONS]\n"
    "record the expiries that are due as audit events, once; say what was recorded\n",
    cli_sweep_options, sweep_more};

/* Each event's sentence on its line, as its batch is committed. */
static void say_event(void *arg, const json_t *event)
{
    (void)arg;
    printf("%s\n", json_string_value(json_object_get(event, "summary")));
}

/* The total, after the events: how many, up to when, and whether the clock stopped it. */
static void say_total(const struct sweep_report *rep)
{
    char up_to[64], asked[64];
    describe_instant(rep->up_to, up_to, sizeof up_to);
    int n = rep->grants + rep->keys;
    if (n == 0)
        printf("No expiry was due up to %s.\n", up_to);
    else
        printf("Recorded %d expir%s up to %s", n, n == 1 ? "y" : "ies", up_to);
    if (n && rep->collaborators)
        printf(" (%d collaborator entr%s removed)", rep->collaborators,
               rep->collaborators == 1 ? "y" : "ies");
    if (n) puts(".");
    if (rep->up_to < rep->now) {
        describe_instant(rep->now, asked, sizeof asked);
        printf("Swept up to the clock, not to %s: an expiry is never recorded before it happens.\n", asked);
    }
}

int sweep_main(int argc, char **argv)
{
    struct cli_options opt;
    struct split_args a;
    int rc = cli_parse_options(argc, argv, 2, &sweep_command, &opt, &a);
    if (rc != CLI_GO) return rc;
    if (a.n_words > 0) {
        fprintf(stderr, "concierge sweep: unexpected '%s'; concierge sweep --help lists the options\n",
                a.words[0]);
        args_release(&a);
        return EXIT_USAGE;
    }
    args_release(&a);
    struct store *store;
    /* A sweep never makes a store: there is nothing to sweep in a new one. */
    if ((rc = cli_open_store(&opt, 0, &store))) return rc;
    /* --json is one object holding every event; text says each as its batch is committed (a
     * catch-up of a hundred thousand is never held whole); --quiet makes none. */
    struct sweep_report rep = {.events = opt.json ? json_array() : NULL};
    if (!opt.json && !opt.quiet) rep.on_event = say_event;
    if ((opt.json && !rep.events) || sweep_run(store, opt.now, &rep)) {
        fprintf(stderr, "concierge: the sweep failed: %s\n",
                !opt.json || rep.events ? rep.why : "out of memory");
        json_decref(rep.events);
        store_close(store);
        return EXIT_OTHER;
    }
    store_close(store);
    rc = EXIT_DONE;
    if (opt.json) {
        json_t *o = sweep_report_json(&rep);
        char *j = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
        if (j)
            puts(j);
        else
            fprintf(stderr, "concierge: out of memory for the report (the expiries are recorded)\n"),
                rc = EXIT_OTHER;
        free(j);
        json_decref(o);
    } else if (!opt.quiet) {
        say_total(&rep);
    }
    json_decref(rep.events);
    return rc;
}
