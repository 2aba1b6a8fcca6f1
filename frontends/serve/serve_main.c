/* concierge serve [OPTIONS]: the HTTP server for Slack and chat bots (interfaces.md). Secrets
 * come from the environment or a file, never from flags (a flag shows in ps). */
#include <arpa/inet.h>
#include <errno.h>
#include <openssl/crypto.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../actions/weblink.h"
#include "../../intent/text.h"
#include "../../intent/timecalc.h"
#include "../../store/store.h"
#include "../cli/cli.h"
#include "../cli/context.h"
#include "log.h"
#include "serve.h"
#include "server.h"
#include "sweeper.h"
#include "notifier.h"

#define SHUTDOWN_GRACE_MS 10000

const struct opt_spec cli_serve_options[] = {
    {"listen", 0, "ADDR:PORT", "where to listen (default 127.0.0.1:8080; port 0 takes any free port)"},
    {"db", 0, "PATH", "the store (default $CONCIERGE_DB, else $XDG_DATA_HOME/concierge/concierge.db)"},
    {"tz", 0, "ZONE", "the time zone of dates and clock times in phrases (default UTC)"},
    {"threads", 0, "N", "worker threads (default 2)"},
    {"slack-signing-secret-file", 0, "F", "Slack's signing secret (else $CONCIERGE_SLACK_SIGNING_SECRET)"},
    {"slack-response-prefix", 0, "URL",
     "response_url must start with this (default https://hooks.slack.com/)"},
    {"slack-bot-token-file", 0, "F",
     "the bot token that answers Slack events (else $CONCIERGE_SLACK_BOT_TOKEN)"},
    {"slack-api-base", 0, "URL", "Slack's Web API (default https://slack.com/api/)"},
    {"retry-delay-ms", 0, "MS",
     "the first wait before a failed POST is retried (default 500, doubled, 5 tries)"},
    {"log", 0, "LEVEL", "error, warn, or info: a line a request (default info)"},
    {"public-url", 0, "URL",
     "where people reach the web page: https://, or http:// to a loopback address (recorded in the store "
     "for concierge open)"},
#ifdef CONCIERGE_TEST_CLOCK
    {"test-clock", 0, "FILE", "TEST BUILD: now is the instant in FILE, read at each use; moving it sweeps"},
#endif
    CLI_HELP_OPTIONS,
    {NULL, 0, NULL, NULL},
};

static const struct cli_command serve_command = {
    "usage: concierge serve [OPTIONS]\nthe HTTP server for Slack and chat bots (docs/serve.md)\n",
    cli_serve_options, NULL};

int serve_read_secret(const char *path, char *out, size_t size, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "re");
    if (!f) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    size_t n = fread(out, 1, size - 1, f);
    int more = fgetc(f) != EOF;
    fclose(f);
    out[n] = '\0';
    char *nl = memchr(out, '\n', n);
    if (nl) *nl = '\0', n = (size_t)(nl - out);
    if (n && out[n - 1] == '\r') out[--n] = '\0';
    if (n == 0 || (more && !nl)) {
        snprintf(err, errlen, "%s: the secret must be one line of at most %zu bytes", path, size - 1);
        return -1;
    }
    *len = n;
    return 0;
}

/* What the options of serve set. */
struct serve_opts {
    struct serve *sv;
    const char *listen, *tz, *secret_file, *log_level, *db, *token_file, *test_clock;
    long threads, retry_ms;
};

static int parse_listen(const char *s, struct sockaddr_in *a)
{
    char host[64];
    const char *colon = strrchr(s, ':');
    if (!colon || (size_t)(colon - s) >= sizeof host) return -1;
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (!colon[1] || *end || port < 0 || port > 65535) return -1;
    memset(a, 0, sizeof *a);
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    return inet_pton(AF_INET, host[0] ? host : "0.0.0.0", &a->sin_addr) == 1 ? 0 : -1;
}

static int usage(const char *msg, const char *arg)
{
    fprintf(stderr, "concierge serve: %s%s%s\n", msg, arg ? " " : "", arg ? arg : "");
    fprintf(stderr, "usage: concierge serve [OPTIONS]; concierge serve --help lists them\n");
    return EXIT_USAGE;
}

/* --slack-api-base: http or https, and a "/" before the method's name. CLI_GO, or a usage error. */
static int api_base(struct serve *sv, const char *v)
{
    size_t n = strlen(v);
    if (strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0)
        return usage("--slack-api-base takes an http or https URL, not", v);
    /* Cut short, it would be another address. */
    int slash = v[n - 1] != '/';
    if (n + (size_t)slash > SLACK_API_BASE_MAX)
        return usage("--slack-api-base takes at most 511 bytes (its final / included), not", v);
    memcpy(sv->slack_api_base, v, n);
    memcpy(sv->slack_api_base + n, "/", (size_t)slash);
    sv->slack_api_base[n + (size_t)slash] = '\0';
    return CLI_GO;
}

/* --public-url: where the web page is reached (docs/serve.md: behind a TLS proxy, its https://
 * address). CLI_GO, or a usage error. */
static int public_url(struct serve *sv, const char *v)
{
    const char *why = weblink_url_refused(v);
    if (why) {
        fprintf(stderr, "concierge serve: --public-url %s: %s\n", v, why);
        return EXIT_USAGE;
    }
    if (weblink_url_norm(v, sv->public_url, sizeof sv->public_url))
        return usage("--public-url takes at most 512 bytes, not", v);
    sv->public_http = weblink_url_is_http(sv->public_url);
    return CLI_GO;
}

/* The web page's public URL: the one given is recorded in the store, so that concierge open and
 * the sign_in intent make links to it; without one, the one recorded (another server of the
 * fleet's) sets the cookie's attributes. 0, or -1 when the store failed (said). */
static int record_public_url(struct serve *sv, struct store *st)
{
    enum store_status s;
    if (sv->public_url[0]) {
        s = store_begin(st);
        if (s == STORE_OK) s = store_setting_set(st, "public_url", sv->public_url);
        if (s == STORE_OK) s = store_commit(st);
        if (s != STORE_OK) store_rollback(st);
    } else {
        s = store_setting_get(st, "public_url", sv->public_url, sizeof sv->public_url);
        if (s == STORE_NOT_FOUND) {
            /* No link can be made yet: cookies, if any, as for https (the safe side). */
            sv->public_url[0] = '\0';
            return 0;
        }
        if (s == STORE_OK) sv->public_http = weblink_url_is_http(sv->public_url);
    }
    if (s == STORE_OK) return 0;
    fprintf(stderr, "concierge serve: the web page's public URL: %s\n", store_errmsg(st));
    return -1;
}

/* A secret from a file (the flag) or the environment: 0 (none given leaves out ""), or the exit
 * status with the reason said. A token must be printable ASCII without spaces: it goes into
 * a header line. */
static int read_secret(const char *file, const char *env_name, char *out, size_t size, size_t *len,
                       int header_safe)
{
    char err[512];
    const char *env = getenv(env_name);
    *len = 0;
    out[0] = '\0';
    if (file) {
        if (serve_read_secret(file, out, size, len, err, sizeof err)) {
            fprintf(stderr, "concierge serve: %s\n", err);
            return EXIT_USAGE;
        }
    } else if (env && *env) {
        if (strlen(env) > size - 1) {
            fprintf(stderr, "concierge serve: %s is longer than %zu bytes\n", env_name, size - 1);
            return EXIT_USAGE;
        }
        *len = strlen(env);
        memcpy(out, env, *len + 1);
    }
    for (size_t i = 0; header_safe && i < *len; i++)
        if ((unsigned char)out[i] <= ' ' || (unsigned char)out[i] >= 0x7f) {
            fprintf(stderr,
                    "concierge serve: the Slack bot token (%s) must be printable ASCII without spaces\n",
                    file ? file : env_name);
            OPENSSL_cleanse(out, *len);
            *len = 0;
            out[0] = '\0';
            return EXIT_USAGE;
        }
    return 0;
}

/* The options of serve, from argv[2..], options anywhere (interfaces.md). CLI_GO, or the
 * exit status (0 after --help or --version). */
static int serve_options(int argc, char **argv, struct serve_opts *so)
{
    struct split_args a;
    if (args_split(argc, argv, 2, cli_serve_options, "concierge serve", &a)) return EXIT_USAGE;
    int rc = CLI_GO;
    if (args_get(&a, "help"))
        cli_print_help(&serve_command), rc = EXIT_DONE;
    else if (args_get(&a, "version"))
        cli_print_version(), rc = EXIT_DONE;
    else if (a.n_words > 0)
        rc = usage("unexpected", a.words[0]);
    for (int i = 0; i < a.n_opts && rc == CLI_GO; i++) {
        const char *n = a.opts[i].spec->name, *v = a.opts[i].value;
        char *end = NULL;
        if (strcmp(n, "listen") == 0)
            so->listen = v;
        else if (strcmp(n, "db") == 0)
            so->db = v;
        else if (strcmp(n, "tz") == 0)
            so->tz = v;
        else if (strcmp(n, "slack-signing-secret-file") == 0)
            so->secret_file = v;
        else if (strcmp(n, "slack-response-prefix") == 0 && strlen(v) >= sizeof so->sv->slack_response_prefix)
            /* Cut short, the prefix would take more URLs than the one given. */
            rc = usage("--slack-response-prefix takes at most 511 bytes, not", v);
        else if (strcmp(n, "slack-response-prefix") == 0)
            memcpy(so->sv->slack_response_prefix, v, strlen(v) + 1);
        else if (strcmp(n, "slack-bot-token-file") == 0)
            so->token_file = v;
        else if (strcmp(n, "slack-api-base") == 0)
            rc = api_base(so->sv, v);
        else if (strcmp(n, "log") == 0)
            so->log_level = v;
        else if (strcmp(n, "public-url") == 0)
            rc = public_url(so->sv, v);
        else if (strcmp(n, "test-clock") == 0)
            so->test_clock = v;
        else if (strcmp(n, "threads") == 0 &&
                 ((so->threads = strtol(v, &end, 10)) < 1 || so->threads > 64 || *end))
            rc = usage("--threads takes 1 to 64, not", v);
        else if (strcmp(n, "retry-delay-ms") == 0 &&
                 ((so->retry_ms = strtol(v, &end, 10)) < 1 || so->retry_ms > 60000 || *end))
            rc = usage("--retry-delay-ms takes 1 to 60000, not", v);
    }
    args_release(&a);
    return rc;
}

/* Bots made before bots had signing secrets get their callbacks unsigned, and the operator is
 * told so here, at start-up (interfaces.md, callbacks), naming them. */
static void warn_unsigned_bots(struct store *st)
{
    struct text names = TEXT_INIT;
    int count = 0;
    if (store_bots_unsigned(st, &names, &count) != STORE_OK)
        log_event("error", "store", "\"why\":\"cannot list the bots without a signing secret\"");
    else if (count)
        log_event("warn", "config",
                  "\"why\":\"%d bot%s without a signing secret: %s callbacks go unsigned until admin bot "
                  "rotate NAME\",\"bots\":\"%s\"",
                  count, count == 1 ? "" : "s", count == 1 ? "its" : "their", names.s);
    text_free(&names);
}

int serve_main(int argc, char **argv)
{
    static struct serve sv; /* shared by every thread for the server's life */
    struct cli_options opt;
    memset(&opt, 0, sizeof opt);
    snprintf(sv.slack_response_prefix, sizeof sv.slack_response_prefix, "https://hooks.slack.com/");
    snprintf(sv.slack_api_base, sizeof sv.slack_api_base, "https://slack.com/api/");
    struct serve_opts so = {&sv, "127.0.0.1:8080", "UTC", NULL, "info", NULL, NULL, NULL, 2, 500};
    int rc = serve_options(argc, argv, &so);
    if (rc != CLI_GO) return rc;
    const char *listen = so.listen, *tz = so.tz, *secret_file = so.secret_file, *log_level = so.log_level;
    long threads = so.threads, retry_ms = so.retry_ms;
    opt.db = so.db;
    struct sockaddr_in addr;
    if (parse_listen(listen, &addr)) return usage("--listen takes ADDR:PORT (127.0.0.1:8080), not", listen);
    if (tz_use(tz)) return usage("unknown time zone", tz);
    int verbosity = strcmp(log_level, "error") == 0 ? 0 : strcmp(log_level, "warn") == 0 ? 1 : 2;
    if (verbosity == 2 && strcmp(log_level, "info") != 0)
        return usage("--log takes error, warn or info, not", log_level);
    log_set_verbosity(verbosity);
    if (cli_store_path(&opt, 0, sv.db_path, sizeof sv.db_path)) return EXIT_USAGE;
    /* serve never creates a store (access.md): it must be there, set up by admin. */
    struct store *check;
    char err[512];
    if (store_open(sv.db_path, 0, &check, err, sizeof err) != STORE_OK) {
        fprintf(stderr, "concierge serve: %s\n", err);
        return EXIT_OTHER;
    }
    warn_unsigned_bots(check);
    int url_failed = record_public_url(&sv, check);
    store_close(check);
    if (url_failed) return EXIT_OTHER;
    size_t token_len = 0;
    if ((rc = read_secret(secret_file, "CONCIERGE_SLACK_SIGNING_SECRET", sv.slack_secret,
                          sizeof sv.slack_secret, &sv.slack_secret_len, 0)) ||
        (rc = read_secret(so.token_file, "CONCIERGE_SLACK_BOT_TOKEN", sv.slack_bot_token,
                          sizeof sv.slack_bot_token, &token_len, 1)))
        return rc;
    if (!sv.slack_secret_len)
        log_event("warn", "config", "\"why\":\"no Slack signing secret: /slack/* answer 401\"");
    if (!token_len)
        log_event("warn", "config",
                  "\"why\":\"no Slack bot token: /slack/events are acknowledged but not answered (set "
                  "CONCIERGE_SLACK_BOT_TOKEN or --slack-bot-token-file)\"");

    /* Signals are taken by this thread alone, with sigwait: the workers never see them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (outbox_start(&sv.outbox, &sv.metrics, (int)retry_ms) ||
        outbox_start(&sv.jobs, &sv.metrics, (int)retry_ms)) {
        fprintf(stderr, "concierge serve: cannot start the outbox\n");
        return EXIT_OTHER;
    }
    int port = 0;
    struct server *d = server_start(&sv, &addr, (unsigned)threads, &port);
    if (!d) {
        fprintf(stderr, "concierge serve: cannot listen on %s\n", listen);
        outbox_stop(sv.jobs, 0);
        outbox_stop(sv.outbox, 0);
        return EXIT_OTHER;
    }
    char host[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &addr.sin_addr, host, sizeof host);
    log_event("notice", "listening", "\"address\":\"%s\",\"port\":%d,\"threads\":%ld", host, port, threads);
    /* The sweeper: at start-up, then every minute, on a thread of its own (lifecycle.md). */
    struct sweeper *sweeper = NULL;
    int interval_ms = SWEEP_INTERVAL_MS, notify_ms = NOTIFY_INTERVAL_MS;
#ifdef CONCIERGE_TEST_CLOCK
    if (so.test_clock) {
        /* Time moves when the test says: the sweeper looks often, and sweeps when it moved. */
        store_test_clock(so.test_clock);
        interval_ms = SWEEP_TEST_INTERVAL_MS;
        notify_ms = NOTIFY_TEST_INTERVAL_MS;
        log_event("warn", "config", "\"why\":\"a test build's clock: now is read from --test-clock\"");
    }
#endif
    if (sweeper_start(&sweeper, &sv, interval_ms))
        log_event("error", "sweep",
                  "\"why\":\"cannot start the sweeper: expiries are not recorded by this server\"");
    /* The notifier: the outbox of notices, delivered after the commits that wrote them. */
    struct notifier *notifier = NULL;
    if (notifier_start(&notifier, &sv, notify_ms))
        log_event("error", "notice",
                  "\"why\":\"cannot start the notifier: notices wait for another server\"");
    int sig = 0;
    sigwait(&stop, &sig);
    log_event("notice", "stopping", "\"signal\":%d", sig);
    sweeper_stop(sweeper);   /* after the batch in hand */
    notifier_stop(notifier); /* after the notice in hand; the rest stay in the store */
    server_stop(&sv, d, SHUTDOWN_GRACE_MS);
    /* Clicks in hand first (they make deliveries), then the deliveries. */
    outbox_stop(sv.jobs, SHUTDOWN_GRACE_MS);
    outbox_stop(sv.outbox, SHUTDOWN_GRACE_MS);
    log_event("notice", "stopped", "\"in_flight\":%lld", (long long)atomic_load(&sv.metrics.in_flight));
    return EXIT_DONE;
}
