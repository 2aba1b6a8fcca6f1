#include "context.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../grammar/canon.h"
#include "../../intent/intent.h"
#include "../../intent/timecalc.h"
#include "../../store/store.h"
#include "cli.h"

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "concierge: %s%s%s%s\n", msg, arg ? " '" : "", arg ? arg : "", arg ? "'" : "");
    return 2;
}

void cli_refuse_value(const char *from, const char *v, const char *why)
{
    /* The value is echoed with its control bytes escaped: a refused value never drives the
     * terminal (an escape sequence in --as is shown as \x1b, not obeyed). */
    fprintf(stderr, "concierge: %s%s'", from, *from ? " " : "");
    for (const unsigned char *c = (const unsigned char *)v; *c; c++)
        if (*c < 0x20 || *c == 0x7f || *c == '\\')
            fprintf(stderr, "\\x%02x", *c);
        else
            fputc(*c, stderr);
    fprintf(stderr, "': %s\n", why);
}

/* A value from a flag or the environment, canonicalised (canon.h) or refused naming where
 * it came from: a bad CONCIERGE_AS is an error, never a silent fall-back to someone else. */
static int canon_or_refuse(const char *(*canon)(const char *, char *, size_t), const char *from,
                           const char *v, char *out, size_t size)
{
    const char *why = canon(v, out, size);
    if (!why) return 0;
    cli_refuse_value(from, v, why);
    return 2;
}

/* The acting principal when no --as is given: $CONCIERGE_AS, else @ and the login name. */
static int default_actor(struct cli_options *o)
{
    const char *env = getenv("CONCIERGE_AS");
    if (env && *env) return canon_or_refuse(principal_canon, "CONCIERGE_AS", env, o->actor, sizeof o->actor);
    const char *user = getenv("USER");
    if (!user || !*user) {
        struct passwd *pw = getpwuid(getuid());
        user = pw ? pw->pw_name : "root";
    }
    char buf[300];
    if (snprintf(buf, sizeof buf, "@%s", user) >= (int)sizeof buf ||
        principal_canon(buf, o->actor, sizeof o->actor)) {
        cli_refuse_value("the login name", user, "not a principal; say who you are with --as @name");
        return 2;
    }
    return 0;
}

const struct opt_spec cli_context_options[] = {CLI_CONTEXT_OPTIONS, CLI_HELP_OPTIONS, {NULL, 0, NULL, NULL}};

void cli_print_help(const struct cli_command *cmd)
{
    fputs(cmd->synopsis, stdout);
    fputs("\noptions:\n", stdout);
    args_print_help(stdout, cmd->options);
    if (cmd->more) cmd->more(stdout);
}

void cli_print_version(void)
{
    /* No libpq in this build: the store is SQLite alone (interfaces.md asks for both when
     * there are both). */
    char backends[128];
    store_backends(backends, sizeof backends);
    printf("concierge %s (%s)\n", CONCIERGE_VERSION, backends);
}

int cli_parse_options(int argc, char **argv, int start, const struct cli_command *cmd, struct cli_options *o,
                      struct split_args *a)
{
    const char *tz = getenv("TZ");
    const char *as = NULL, *sandbox = NULL, *project = NULL;
    memset(o, 0, sizeof *o);
    o->now = (int64_t)time(NULL);
    int rc = args_split(argc, argv, start, cmd->options, "concierge", a);
    if (rc) return rc;
    /* --help and --version first: they answer whatever else is wrong with the context. */
    if (args_get(a, "help"))
        cli_print_help(cmd);
    else if (args_get(a, "version"))
        cli_print_version();
    if (args_get(a, "help") || args_get(a, "version")) {
        args_release(a);
        return 0;
    }
    for (int i = 0; i < a->n_opts && rc == 0; i++) {
        const char *n = a->opts[i].spec->name, *v = a->opts[i].value;
        if (strcmp(n, "json") == 0)
            o->json = 1;
        else if (strcmp(n, "quiet") == 0)
            o->quiet = 1;
        else if (strcmp(n, "yes") == 0)
            o->yes = 1;
        else if (strcmp(n, "as") == 0)
            as = v;
        else if (strcmp(n, "sandbox") == 0)
            sandbox = v;
        else if (strcmp(n, "project") == 0)
            project = v;
        else if (strcmp(n, "tz") == 0)
            tz = v;
        else if (strcmp(n, "db") == 0)
            o->db = v;
        else if (strcmp(n, "now") == 0 && parse_rfc3339(v, &o->now) != 0)
            rc = usage_error("--now takes an RFC 3339 instant (2026-11-18T15:30:00Z), not", v);
    }
    if (!rc)
        rc = as ? canon_or_refuse(principal_canon, "--as", as, o->actor, sizeof o->actor) : default_actor(o);
    const char *env_sandbox = getenv("CONCIERGE_SANDBOX");
    if (rc)
        ;
    else if (sandbox)
        rc = canon_or_refuse(name_canon, "--sandbox", sandbox, o->sandbox, sizeof o->sandbox);
    else if (env_sandbox && *env_sandbox)
        rc = canon_or_refuse(name_canon, "CONCIERGE_SANDBOX", env_sandbox, o->sandbox, sizeof o->sandbox);
    else
        snprintf(o->sandbox, sizeof o->sandbox, "default");
    if (!rc && project) {
        rc = canon_or_refuse(name_canon, "--project", project, o->project_buf, sizeof o->project_buf);
        o->project = o->project_buf;
    }
    /* An unknown zone is a usage error, never a silent UTC (language.md). TZ may carry
     * glibc's leading colon. */
    if (tz && tz[0] == ':') tz++;
    if (!rc && tz_use(tz && *tz ? tz : "UTC") != 0) rc = usage_error("unknown time zone", tz);
    if (rc) {
        args_release(a);
        return rc;
    }
    return CLI_GO;
}

/* mkdir -p with mode 0700 for the folders it makes. */
static int make_dirs(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        int rc = mkdir(path, 0700);
        *p = '/';
        if (rc != 0 && errno != EEXIST) return -1;
    }
    return 0;
}

int cli_store_named(const struct cli_options *o)
{
    const char *env = getenv("CONCIERGE_DB");
    return o->db || (env && *env);
}

int cli_store_path(const struct cli_options *o, int create, char *path, size_t size)
{
    const char *env = getenv("CONCIERGE_DB"), *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    int n;
    if (o->db)
        n = snprintf(path, size, "%s", o->db);
    else if (env && *env)
        n = snprintf(path, size, "%s", env);
    else if (xdg && *xdg)
        n = snprintf(path, size, "%s/concierge/concierge.db", xdg);
    else if (home && *home)
        n = snprintf(path, size, "%s/.local/share/concierge/concierge.db", home);
    else {
        fprintf(stderr, "concierge: no place for the store: set --db, CONCIERGE_DB or HOME\n");
        return -1;
    }
    if (n < 0 || (size_t)n >= size) {
        fprintf(stderr, "concierge: the store's path is too long\n");
        return -1;
    }
    if (create && make_dirs(path) != 0) {
        fprintf(stderr, "concierge: cannot make the folder of %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}
