#include "context.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../intent/intent.h"
#include "../../intent/timecalc.h"

static int set_actor(struct cli_options *o, const char *p)
{
    return principal_canon(p, o->actor, sizeof o->actor);
}

static int set_sandbox(struct cli_options *o, const char *s)
{
    return name_canon(s, o->sandbox, sizeof o->sandbox);
}

static void default_actor(struct cli_options *o)
{
    const char *env = getenv("CONCIERGE_AS");
    if (env && *env && set_actor(o, env) == 0) return;
    const char *user = getenv("USER");
    if (!user || !*user) {
        struct passwd *pw = getpwuid(getuid());
        user = pw ? pw->pw_name : "root";
    }
    char buf[300];
    snprintf(buf, sizeof buf, "@%s", user);
    if (set_actor(o, buf) != 0) snprintf(o->actor, sizeof o->actor, "@user");
}

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "concierge: %s%s%s%s\n", msg, arg ? " '" : "", arg ? arg : "", arg ? "'" : "");
    return 2;
}

int cli_parse_options(int argc, char **argv, int start, struct cli_options *o, int *first_text)
{
    const char *tz = getenv("TZ");
    memset(o, 0, sizeof *o);
    default_actor(o);
    const char *sb = getenv("CONCIERGE_SANDBOX");
    if (!sb || set_sandbox(o, sb) != 0) snprintf(o->sandbox, sizeof o->sandbox, "default");
    o->now = (int64_t)time(NULL);
    int i = start;
    for (; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (a[0] != '-' || a[1] == '\0') break;
        if (strcmp(a, "--json") == 0)
            o->json = 1;
        else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0)
            o->quiet = 1;
        else if (strcmp(a, "-y") == 0 || strcmp(a, "--yes") == 0)
            o->yes = 1;
        else if (strcmp(a, "--as") == 0 || strcmp(a, "--sandbox") == 0 || strcmp(a, "--now") == 0 ||
                 strcmp(a, "--tz") == 0 || strcmp(a, "--db") == 0 || strcmp(a, "--project") == 0) {
            if (!v) return usage_error("missing value after", a);
            i++;
            if (strcmp(a, "--as") == 0 && set_actor(o, v) != 0)
                return usage_error(
                    "--as takes a principal (@name of at most 64 characters, an e-mail address "
                    "of at most 254, or slack:UID), not",
                    v);
            if (strcmp(a, "--sandbox") == 0 && set_sandbox(o, v) != 0)
                return usage_error(
                    "--sandbox takes a name of letters, digits, _ and -, at most 64 characters, not", v);
            if (strcmp(a, "--now") == 0 && parse_rfc3339(v, &o->now) != 0)
                return usage_error("--now takes an RFC 3339 instant (2026-11-18T15:30:00Z), not", v);
            if (strcmp(a, "--tz") == 0) tz = v;
            if (strcmp(a, "--db") == 0) o->db = v;
            if (strcmp(a, "--project") == 0) o->project = v;
        } else {
            return usage_error("unknown option", a);
        }
    }
    /* An unknown zone is a usage error, never a silent UTC (language.md). TZ may carry
     * glibc's leading colon. */
    if (tz && tz[0] == ':') tz++;
    if (tz_use(tz && *tz ? tz : "UTC") != 0) return usage_error("unknown time zone", tz);
    *first_text = i;
    return 0;
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
