/* concierge serve [OPTIONS]: the HTTP server for Slack and chat bots (interfaces.md). Secrets
 * come from the environment or a file, never from flags (a flag shows in ps). */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../intent/timecalc.h"
#include "../../store/store.h"
#include "../cli/cli.h"
#include "../cli/context.h"
#include "log.h"
#include "serve.h"
#include "server.h"

#define SHUTDOWN_GRACE_MS 10000

static const char serve_usage[] =
    "usage: concierge serve [--listen ADDR:PORT] [--db PATH] [--tz ZONE] [--threads N]\n"
    "                       [--slack-signing-secret-file F] [--slack-response-prefix URL]\n"
    "                       [--retry-delay-ms MS] [--log error|warn|info]\n"
    "  --listen ADDR:PORT   where to listen (default 127.0.0.1:8080; port 0 takes any free port)\n"
    "  --db PATH            the store (default $CONCIERGE_DB, else $XDG_DATA_HOME/concierge/concierge.db)\n"
    "  --tz ZONE            the time zone of dates and clock times in phrases (default UTC)\n"
    "  --threads N          worker threads (default 2)\n"
    "  --slack-signing-secret-file F   Slack's signing secret (else $CONCIERGE_SLACK_SIGNING_SECRET)\n"
    "  --slack-response-prefix URL     response_url must start with this (default https://hooks.slack.com/)\n"
    "  --retry-delay-ms MS  the first wait before a failed POST to a response or callback URL is retried\n"
    "                       (default 500, doubled each time, 5 attempts in all)\n"
    "  --log LEVEL          error, warn, or info: a line a request (default info)\n";

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
    fprintf(stderr, "concierge serve: %s%s%s\n%s", msg, arg ? " " : "", arg ? arg : "", serve_usage);
    return EXIT_USAGE;
}

int serve_main(int argc, char **argv)
{
    static struct serve sv; /* shared by every thread for the server's life */
    const char *listen = "127.0.0.1:8080", *tz = "UTC", *secret_file = NULL, *log_level = "info";
    long threads = 2, retry_ms = 500;
    struct cli_options opt;
    memset(&opt, 0, sizeof opt);
    snprintf(sv.slack_response_prefix, sizeof sv.slack_response_prefix, "https://hooks.slack.com/");
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(serve_usage, stdout);
            return EXIT_DONE;
        }
        if (!v) return usage("unknown option or missing value:", a);
        i++;
        char *end = NULL;
        if (strcmp(a, "--listen") == 0)
            listen = v;
        else if (strcmp(a, "--db") == 0)
            opt.db = v;
        else if (strcmp(a, "--tz") == 0)
            tz = v;
        else if (strcmp(a, "--slack-signing-secret-file") == 0)
            secret_file = v;
        else if (strcmp(a, "--slack-response-prefix") == 0 && strlen(v) >= sizeof sv.slack_response_prefix)
            /* Cut short, the prefix would take more URLs than the one given. */
            return usage("--slack-response-prefix takes at most 511 bytes, not", v);
        else if (strcmp(a, "--slack-response-prefix") == 0)
            memcpy(sv.slack_response_prefix, v, strlen(v) + 1);
        else if (strcmp(a, "--log") == 0)
            log_level = v;
        else if (strcmp(a, "--threads") == 0 && ((threads = strtol(v, &end, 10)) < 1 || threads > 64 || *end))
            return usage("--threads takes 1 to 64, not", v);
        else if (strcmp(a, "--retry-delay-ms") == 0 &&
                 ((retry_ms = strtol(v, &end, 10)) < 1 || retry_ms > 60000 || *end))
            return usage("--retry-delay-ms takes 1 to 60000, not", v);
        else if (strcmp(a, "--threads") != 0 && strcmp(a, "--retry-delay-ms") != 0)
            return usage("unknown option:", a);
    }
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
    store_close(check);
    const char *env = getenv("CONCIERGE_SLACK_SIGNING_SECRET");
    if (secret_file) {
        if (serve_read_secret(secret_file, sv.slack_secret, sizeof sv.slack_secret, &sv.slack_secret_len, err,
                              sizeof err)) {
            fprintf(stderr, "concierge serve: %s\n", err);
            return EXIT_USAGE;
        }
    } else if (env && *env) {
        if (strlen(env) > SLACK_SECRET_MAX) {
            fprintf(stderr, "concierge serve: CONCIERGE_SLACK_SIGNING_SECRET is longer than %d bytes\n",
                    SLACK_SECRET_MAX);
            return EXIT_USAGE;
        }
        sv.slack_secret_len = strlen(env);
        memcpy(sv.slack_secret, env, sv.slack_secret_len);
    }
    if (!sv.slack_secret_len)
        log_event("warn", "config", "\"why\":\"no Slack signing secret: /slack/* answer 401\"");

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
    int sig = 0;
    sigwait(&stop, &sig);
    log_event("notice", "stopping", "\"signal\":%d", sig);
    server_stop(&sv, d, SHUTDOWN_GRACE_MS);
    /* Clicks in hand first (they make deliveries), then the deliveries. */
    outbox_stop(sv.jobs, SHUTDOWN_GRACE_MS);
    outbox_stop(sv.outbox, SHUTDOWN_GRACE_MS);
    log_event("notice", "stopped", "\"in_flight\":%lld", (long long)atomic_load(&sv.metrics.in_flight));
    return EXIT_DONE;
}
