/* concierge admin: the set-up the language does not cover (interfaces.md). One row a
 * command: its words, how many names follow, and its handler. */
#include <jansson.h>
#include <openssl/rand.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../actions/admin.h"
#include "../../actions/commands.h"
#include "../../actions/digest.h"
#include "../../grammar/canon.h"
#include "../../intent/timecalc.h"
#include "cli.h"
#include "context.h"
#include "table.h"
#include "store_open.h"

struct admin_args {
    struct admin_ctx *ctx; /* who, when, and the store: actions/admin.c does the change */
    const char *names[4];  /* the positional names after the command's words, canonical */
    int n_names;
    const char *kinds;      /* the command's row's letters, one a name */
    int json;               /* --json: JSON Lines instead of text */
    int merge;              /* link --merge */
    int clear;              /* workspace policy --clear */
    int off;                /* notify --off */
    int pending, failed;    /* list notices --pending, --failed */
    const char *webhook;    /* notify --webhook */
    const char *role, *max; /* workspace policy --role, --max */
    const char *owner, *workspace, *source, *mode, *default_mode, *team, *channel, *sandbox, *callback_prefix;
    /* What names, owner, workspace and sandbox point at once canonicalised (canon.h). */
    char canon[4][PRINCIPAL_MAX_LEN + 1], owner_buf[PRINCIPAL_MAX_LEN + 1], workspace_buf[NAME_MAX_LEN + 1],
        sandbox_buf[NAME_MAX_LEN + 1];
};

static int parse_mode(const char *s, enum mode *m)
{
    if (!s) return 0;
    if (strcmp(s, "shared") == 0)
        *m = MODE_SHARED;
    else if (strcmp(s, "collaborated") == 0)
        *m = MODE_COLLABORATED;
    else if (strcmp(s, "private") == 0)
        *m = MODE_PRIVATE;
    else {
        fprintf(stderr, "concierge: a mode is shared, collaborated or private, not '%s'\n", s);
        return -1;
    }
    return 0;
}

static int report(struct store *s, enum store_status st, const char *done)
{
    if (st == STORE_OK) {
        puts(done);
        return EXIT_DONE;
    }
    fprintf(stderr, "concierge: %s\n", st == STORE_NOT_FOUND ? "not found" : store_errmsg(s));
    return st == STORE_ERROR ? EXIT_OTHER : EXIT_REJECTED;
}

/* report, for a change a rule of concierge's own may refuse (admin_ctx.why says why). */
static int report_why(struct store *s, const struct admin_args *a, enum store_status st, const char *done)
{
    if (st == STORE_OK || !a->ctx->why[0]) return report(s, st, done);
    fprintf(stderr, "concierge: %s\n", a->ctx->why);
    return EXIT_REJECTED;
}

static int find_workspace(struct store *s, const char *name, int64_t *id)
{
    enum store_status st = store_workspace_find(s, name, id, NULL);
    if (st == STORE_OK) return 0;
    if (st == STORE_NOT_FOUND)
        fprintf(stderr, "concierge: workspace \"%s\" not found\n", name);
    else
        fprintf(stderr, "concierge: %s\n", store_errmsg(s));
    return -1;
}

static int find_sandbox(struct store *s, const char *name, struct st_sandbox *sb)
{
    enum store_status st = store_sandbox_find(s, name, sb);
    if (st == STORE_OK) return 0;
    fprintf(stderr, "concierge: sandbox \"%s\" %s\n", name,
            st == STORE_NOT_FOUND ? "not found" : store_errmsg(s));
    return -1;
}

static int workspace_add(struct store *s, const struct admin_args *a)
{
    enum mode m = MODE_SHARED;
    if (parse_mode(a->default_mode, &m)) return EXIT_USAGE;
    if (m == MODE_COLLABORATED) {
        fprintf(stderr, "concierge: a workspace's default mode is shared or private\n");
        return EXIT_USAGE;
    }
    (void)s;
    return report(s, admin_workspace_add(a->ctx, a->names[0], m), "workspace added");
}

static int member(struct store *s, const struct admin_args *a, int add)
{
    int64_t ws;
    if (find_workspace(s, a->names[0], &ws)) return EXIT_REJECTED;
    return report(s, admin_member(a->ctx, ws, a->names[0], a->names[1], add),
                  add ? "member added" : "member removed");
}
static int member_add(struct store *s, const struct admin_args *a) { return member(s, a, 1); }
static int member_remove(struct store *s, const struct admin_args *a) { return member(s, a, 0); }

static int sandbox_add(struct store *s, const struct admin_args *a)
{
    enum mode m = MODE_NONE;
    int64_t ws;
    if (!a->owner) {
        fprintf(stderr, "concierge: sandbox add needs --owner P\n");
        return EXIT_USAGE;
    }
    if (parse_mode(a->mode, &m)) return EXIT_USAGE;
    if (find_workspace(s, a->workspace ? a->workspace : "default", &ws)) return EXIT_REJECTED;
    return report(s, admin_sandbox_add(a->ctx, a->names[0], a->owner, ws, a->source, m), "sandbox added");
}

static int thing(struct store *s, const struct admin_args *a, const char *kind, int add)
{
    struct st_sandbox sb;
    if (find_sandbox(s, a->names[0], &sb)) return EXIT_REJECTED;
    return report(s, admin_thing(a->ctx, &sb, kind, a->names[1], add, NULL), add ? "added" : "removed");
}
static int project_add(struct store *s, const struct admin_args *a) { return thing(s, a, "project", 1); }
static int project_remove(struct store *s, const struct admin_args *a) { return thing(s, a, "project", 0); }
static int agent_add(struct store *s, const struct admin_args *a) { return thing(s, a, "agent", 1); }
/* The agent and its keys go in one transaction (lifecycle.md: an agent's keys end with it). */
static int agent_remove(struct store *s, const struct admin_args *a)
{
    struct st_sandbox sb;
    int keys = 0;
    if (find_sandbox(s, a->names[0], &sb)) return EXIT_REJECTED;
    enum store_status st = admin_thing(a->ctx, &sb, "agent", a->names[1], 0, &keys);
    if (st != STORE_OK) return report(s, st, "");
    printf("removed, with %d key%s\n", keys, keys == 1 ? "" : "s");
    return EXIT_DONE;
}

static int workspace_remove(struct store *s, const struct admin_args *a)
{
    return report(s, admin_workspace_remove(a->ctx, a->names[0]), "workspace removed");
}

static int sandbox_remove(struct store *s, const struct admin_args *a)
{
    return report(s, admin_sandbox_remove(a->ctx, a->names[0]), "sandbox removed");
}

/* admin link slack:UID P: Slack users are identified by ID, never by name. */
static int link_cmd(struct store *s, const struct admin_args *a)
{
    return report_why(s, a, admin_link(a->ctx, a->names[0], a->names[1], a->merge), "linked");
}

/* admin workspace policy WS --role ROLE (--max DURATION | --clear): the workspace's ceiling
 * (lifecycle.md). The length is read by the language's own duration grammar (30d, 2 weeks,
 * 1 month: as `limit editor access to 30d` would read it), or as ISO 8601 (P30D). */
static int workspace_policy(struct store *s, const struct admin_args *a)
{
    static const char usage[] = "usage: concierge admin workspace policy WORKSPACE --role editor|viewer "
                                "(--max DURATION | --clear)\n";
    enum role role = !a->role                         ? ROLE_NONE
                     : strcmp(a->role, "editor") == 0 ? ROLE_EDITOR
                     : strcmp(a->role, "viewer") == 0 ? ROLE_VIEWER
                                                      : ROLE_NONE;
    if (!a->role || (a->max != NULL) == a->clear) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    if (role == ROLE_NONE) {
        cli_refuse_value("--role", a->role, "a ceiling is for editor or viewer access");
        return EXIT_USAGE;
    }
    struct duration max;
    if (a->max && (a->max[0] == 'P' ? duration_parse_iso(a->max, &max) || duration_is_zero(&max) : 0)) {
        cli_refuse_value("--max", a->max, "an ISO 8601 length is written as P30D, P1M or PT12H");
        return EXIT_USAGE;
    }
    if (a->max && a->max[0] != 'P') {
        /* The context's sandbox is none, so that a value naming one (`30d in sandbox x`) is
         * refused: the length alone is taken, never a part of what was said. */
        char phrase[1100];
        struct parse_ctx pc = {"@admin", "", a->ctx->now};
        struct intent it;
        struct parse_error err;
        int n = snprintf(phrase, sizeof phrase, "limit editor access to %s", a->max);
        enum parse_status ps = n < 0 || (size_t)n >= sizeof phrase
                                   ? PARSE_NOT_UNDERSTOOD
                                   : parse_phrase(phrase, (size_t)n, &pc, &it, &err);
        if (ps != PARSE_OK || it.kind != IK_SET_POLICY || !it.has_max_duration || it.sandbox[0]) {
            cli_refuse_value("--max", a->max,
                             ps == PARSE_INVALID || (ps == PARSE_NOT_UNDERSTOOD && n > 0 &&
                                                     (size_t)n < sizeof phrase && err.code == C_WANT_DURATION)
                                 ? err.message
                                 : "say a length of time, such as 30d, 2 weeks or 1 month");
            return EXIT_USAGE;
        }
        max = it.max_duration;
    }
    int64_t ws;
    if (find_workspace(s, a->names[0], &ws)) return EXIT_REJECTED;
    return report_why(s, a, admin_workspace_policy(a->ctx, ws, a->names[0], role, a->max ? &max : NULL),
                      a->max ? "ceiling set" : "ceiling cleared");
}

static int unlink_cmd(struct store *s, const struct admin_args *a)
{
    return report(s, admin_unlink(a->ctx, a->names[0]), "unlinked");
}

static int slack_map(struct store *s, const struct admin_args *a)
{
    struct st_sandbox sb;
    if (!a->team || !a->sandbox) {
        fprintf(stderr, "usage: concierge admin slack map --team T [--channel C] --sandbox NAME\n");
        return EXIT_USAGE;
    }
    if (find_sandbox(s, a->sandbox, &sb)) return EXIT_REJECTED;
    return report(s, admin_slack_map(a->ctx, a->team, a->channel, &sb), "mapped");
}

static int slack_unmap(struct store *s, const struct admin_args *a)
{
    if (!a->team) {
        fprintf(stderr, "usage: concierge admin slack unmap --team T [--channel C]\n");
        return EXIT_USAGE;
    }
    return report(s, admin_slack_unmap(a->ctx, a->team, a->channel), "unmapped");
}

/* A new secret: prefix and 64 hex digits of 32 random bytes, into out[69]. 0, or -1 said. */
static int new_secret(const char *prefix, char out[69])
{
    unsigned char raw[32];
    if (RAND_bytes(raw, sizeof raw) != 1) {
        fprintf(stderr, "concierge: no random bytes for a secret\n");
        return -1;
    }
    memcpy(out, prefix, 4);
    for (int i = 0; i < 32; i++)
        snprintf(out + 4 + 2 * i, 3, "%02x", raw[i]);
    return 0;
}

/* Where notices may be posted (lifecycle.md): https://, or http:// to a loopback address only;
 * no user name or password in it, nothing a person cannot read. NULL when it may, else why. */
static const char *webhook_refused(const char *url)
{
    if (strlen(url) > NOTIFY_URL_MAX) return "a webhook URL is at most 1023 bytes";
    for (const char *p = url; *p; p++)
        if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
            return "a URL has no spaces or control characters";
    int https = strncmp(url, "https://", 8) == 0, http = strncmp(url, "http://", 7) == 0;
    if (!https && !http) return "a webhook is https://, or http:// to a loopback address";
    const char *host = url + (https ? 8 : 7);
    size_t n = strcspn(host, "/?#");
    if (memchr(host, '@', n)) return "a webhook URL carries no user name or password";
    if (n == 0) return "the URL names no host";
    if (https) return NULL;
    /* The host without its port: [::1]:8080, 127.0.0.1:8080, localhost. */
    char h[256];
    size_t hn = host[0] == '[' ? strcspn(host, "]") + 1 : strcspn(host, ":/?#");
    if (hn >= sizeof h || hn > n) return "the URL's host is not one concierge reads";
    memcpy(h, host, hn);
    h[hn] = '\0';
    if (strcmp(h, "localhost") == 0 || strcmp(h, "[::1]") == 0 || strncmp(h, "127.", 4) == 0) return NULL;
    return "http:// is only for a loopback address (127.0.0.1, [::1], localhost): use https://";
}

/* admin notify SANDBOX --webhook URL: a new signing secret, shown this once; --off: none. */
static int notify_cmd(struct store *s, const struct admin_args *a)
{
    if ((a->webhook != NULL) == a->off) {
        fprintf(stderr, "usage: concierge admin notify SANDBOX (--webhook URL | --off)\n");
        return EXIT_USAGE;
    }
    const char *why = a->webhook ? webhook_refused(a->webhook) : NULL;
    if (why) {
        cli_refuse_value("--webhook", a->webhook, why);
        return EXIT_USAGE;
    }
    struct st_sandbox sb;
    if (find_sandbox(s, a->names[0], &sb)) return EXIT_REJECTED;
    char secret[69] = "";
    if (a->webhook && new_secret("nws_", secret)) return EXIT_OTHER;
    int rc = report_why(s, a, admin_notify(a->ctx, &sb, a->webhook, a->webhook ? secret : NULL),
                        a->webhook ? "" : "webhook removed");
    if (rc == EXIT_DONE && a->webhook) {
        printf("notices of sandbox %s go to %s; its signing secret, shown this once:\n", sb.name, a->webhook);
        printf("  signing secret: %s\n", secret);
        printf(
            "  Check X-Concierge-Signature with it (docs/notices.md); admin notify again makes a new one.\n");
    }
    return rc;
}

/* A bot's bearer token (cbt_…, the store keeps its SHA-256) and signing secret (cbs_…, kept
 * as it is: the server signs the bot's callbacks with it). 0, or -1 said. */
static int bot_secrets(char token[69], unsigned char sha[32], char signing[69])
{
    if (new_secret("cbt_", token) || new_secret("cbs_", signing)) return -1;
    return sha256_of(token, strlen(token), sha) ? -1 : 0;
}

/* Both are printed this once, each on a line of its own, and never again (nor logged). */
static void print_bot_secrets(const char *done, const char *token, const char *signing)
{
    printf("%s; its bearer token and signing secret, shown this once:\n", done);
    printf("  bearer token:   %s\n  signing secret: %s\n", token, signing);
    printf("  Keep them now: they cannot be shown again (admin bot rotate makes new ones).\n");
}

/* admin bot add */
static int bot_add(struct store *s, const struct admin_args *a)
{
    int64_t ws;
    unsigned char sha[32];
    char token[69], signing[69];
    if (!a->workspace) {
        fprintf(stderr, "usage: concierge admin bot add NAME --workspace WS [--callback-prefix URL]\n");
        return EXIT_USAGE;
    }
    if (find_workspace(s, a->workspace, &ws)) return EXIT_REJECTED;
    if (bot_secrets(token, sha, signing)) return EXIT_OTHER;
    enum store_status st = admin_bot_add(a->ctx, a->names[0], ws, sha, a->callback_prefix, signing);
    if (st != STORE_OK) return report(s, st, "");
    print_bot_secrets("bot added", token, signing);
    return EXIT_DONE;
}

/* admin bot rotate: a new token and signing secret; the old token is refused from then on, and
 * a bot made before bots had signing secrets gets its first (its callbacks are signed from
 * then on). */
static int bot_rotate(struct store *s, const struct admin_args *a)
{
    unsigned char sha[32];
    char token[69], signing[69];
    if (bot_secrets(token, sha, signing)) return EXIT_OTHER;
    enum store_status st = admin_bot_rotate(a->ctx, a->names[0], sha, signing);
    if (st == STORE_NOT_FOUND) {
        fprintf(stderr, "concierge: bot \"%s\" not found\n", a->names[0]);
        return EXIT_REJECTED;
    }
    if (st != STORE_OK) return report(s, st, "");
    print_bot_secrets("bot rotated", token, signing);
    return EXIT_DONE;
}

static int bot_remove(struct store *s, const struct admin_args *a)
{
    return report(s, admin_bot_remove(a->ctx, a->names[0]), "bot removed");
}

/* What each positional name is, one letter a name (the same rules as the language, canon.h):
 * n a name (workspace, sandbox, project, agent, bot), p a principal, s a Slack user
 * (slack:UID), l a principal a Slack user is linked to (@name or an e-mail address). */
/* ---- admin list and admin show: a table, or JSON Lines with --json ---- */

/* A listing's rows into a table (table.h): its columns are the store's, named on the first row. */
static int listing_row(void *ctx, int n, const char *const *names, const char *const *values,
                       const int *is_number)
{
    struct table *t = ctx;
    if (t->n == 0 && !t->oom) table_init(t, n, names);
    unsigned char *numbers;
    struct text *row = table_row(t, &numbers);
    for (int c = 0; row && c < n; c++) {
        if (values[c]) text_puts(&row[c], values[c]);
        numbers[c] = (unsigned char)is_number[c];
        t->oom |= text_failed(&row[c]);
    }
    return t->oom ? -1 : 0; /* the listing stops and says so: never a shorter table */
}

/* admin list notices --pending | --failed: the rows in that state only. */
struct state_filter {
    struct table *t;
    const char *state;
};

static int state_row(void *ctx, int n, const char *const *names, const char *const *values,
                     const int *is_number)
{
    const struct state_filter *f = ctx;
    for (int c = 0; c < n; c++)
        if (strcmp(names[c], "state") == 0 && (!values[c] || strcmp(values[c], f->state) != 0)) return 0;
    return listing_row(f->t, n, names, values, is_number);
}

/* A table as text, or as JSON Lines: every row, or nothing when out of memory. */
static int table_out(const struct table *t, int json)
{
    struct text out = TEXT_INIT;
    for (size_t r = 0; json && r < t->rows; r++) {
        json_t *o = table_row_json(t, r);
        char *line = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
        if (line)
            text_printf(&out, "%s\n", line);
        else
            out.oom = 1;
        free(line);
        json_decref(o);
    }
    if (!json) table_text(t, &out, "");
    int ok = !text_failed(&out);
    if (ok) fwrite(out.s, 1, out.len, stdout);
    text_free(&out);
    return ok ? 0 : -1;
}

/* The filters of a listing name what they filter: one that is not there is said, never an
 * empty table that looks like an answer. */
static int filters_exist(struct store *s, const struct admin_args *a)
{
    int64_t ws;
    struct st_sandbox sb;
    if (a->workspace && find_workspace(s, a->workspace, &ws)) return -1;
    if (a->sandbox && find_sandbox(s, a->sandbox, &sb)) return -1;
    return 0;
}

static int listing(struct store *s, const struct admin_args *a, const char *what, const char *workspace,
                   const char *sandbox)
{
    int l = store_listing(what);
    if (l < 0 || strcmp(what, "sandbox") == 0) {
        fprintf(stderr,
                "concierge: admin list takes workspaces, sandboxes, projects, agents, bots, links, maps, "
                "keys, policies or notices, not '%s'\n",
                what);
        return EXIT_USAGE;
    }
    if (strcmp(what, "links") == 0 && (workspace || sandbox)) {
        fprintf(stderr, "concierge: Slack links belong to no workspace or sandbox: admin list links takes no "
                        "--workspace or --sandbox\n");
        return EXIT_USAGE;
    }
    struct table t = {0};
    struct state_filter f = {&t, a->pending ? "pending" : a->failed ? "failed" : NULL};
    enum store_status st =
        store_list(s, l, workspace, sandbox, f.state ? state_row : listing_row, f.state ? (void *)&f : &t);
    int rc = st != STORE_OK || t.oom ? EXIT_OTHER : EXIT_DONE;
    if (rc == EXIT_DONE && t.rows == 0 && !a->json)
        printf("no %s%s%s%s%s%s%s\n", f.state ? f.state : "", f.state ? " " : "", what,
               workspace ? " in workspace " : "", workspace ? workspace : "", sandbox ? " in sandbox " : "",
               sandbox ? sandbox : "");
    else if (rc == EXIT_DONE && table_out(&t, a->json))
        rc = EXIT_OTHER, t.oom = 1;
    if (rc != EXIT_DONE)
        fprintf(stderr, "concierge: %s\n", t.oom ? "out of memory: nothing is listed" : store_errmsg(s));
    table_free(&t);
    return rc;
}

static int list_cmd(struct store *s, const struct admin_args *a)
{
    if ((a->pending || a->failed) && strcmp(a->names[0], "notices") != 0) {
        fprintf(stderr, "concierge: --pending and --failed are for admin list notices\n");
        return EXIT_USAGE;
    }
    if (filters_exist(s, a)) return EXIT_REJECTED;
    return listing(s, a, a->names[0], a->workspace, a->sandbox);
}

static int show_sandbox(struct store *s, const struct admin_args *a)
{
    struct st_sandbox sb;
    if (find_sandbox(s, a->names[0], &sb)) return EXIT_REJECTED;
    struct table t = {0};
    enum store_status st = store_list(s, store_listing("sandbox"), NULL, a->names[0], listing_row, &t);
    int rc = st != STORE_OK || t.oom || t.rows != 1 ? EXIT_OTHER : EXIT_DONE;
    if (rc == EXIT_DONE && a->json) {
        if (table_out(&t, 1)) rc = EXIT_OTHER, t.oom = 1;
    } else if (rc == EXIT_DONE) {
        /* One sandbox: a line a field, its name beside it. */
        size_t w = 0;
        for (int c = 0; c < t.n; c++)
            if (t.heads[c].len > w) w = t.heads[c].len;
        for (int c = 0; c < t.n; c++)
            printf("%-*s  %s\n", (int)w + 1, t.heads[c].s, t.cells[c].len ? t.cells[c].s : "-");
    }
    if (rc != EXIT_DONE) fprintf(stderr, "concierge: %s\n", t.oom ? "out of memory" : store_errmsg(s));
    table_free(&t);
    return rc;
}

/* One line an event of the store's own log, newest first: the event object of interfaces.md
 * with --json, else when, who and what. */
static int print_event(void *ctx, const struct st_event *e)
{
    const struct admin_args *a = ctx;
    if (a->json) {
        json_t *o = commands_event_json(e);
        char *line = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
        if (line) puts(line);
        free(line);
        json_decref(o);
        return line ? 0 : -1;
    }
    char at[32];
    format_rfc3339(e->at, at);
    printf("%s  %s  %s\n", at, e->actor, e->summary ? e->summary : "");
    return 0;
}

/* admin sessions list: the web page's live sessions (never a cookie or its hash). */
static int sessions_list(struct store *s, const struct admin_args *a)
{
    struct table t = {0};
    enum store_status st = store_web_session_each(s, a->ctx->now, listing_row, &t);
    int rc = st != STORE_OK || t.oom ? EXIT_OTHER : EXIT_DONE;
    if (rc == EXIT_DONE && t.rows == 0 && !a->json)
        puts("no sessions");
    else if (rc == EXIT_DONE && table_out(&t, a->json))
        rc = EXIT_OTHER, t.oom = 1;
    if (rc != EXIT_DONE)
        fprintf(stderr, "concierge: %s\n", t.oom ? "out of memory: nothing is listed" : store_errmsg(s));
    table_free(&t);
    return rc;
}

/* admin sessions revoke PRINCIPAL: signs them out of the web page everywhere. */
static int sessions_revoke(struct store *s, const struct admin_args *a)
{
    int count = 0;
    enum store_status st = admin_sessions_revoke(a->ctx, a->names[0], &count);
    if (st == STORE_NOT_FOUND) {
        fprintf(stderr, "concierge: %s has no live session of the web page\n", a->names[0]);
        return EXIT_REJECTED;
    }
    if (st != STORE_OK) return report(s, st, "");
    printf("%d session%s of %s revoked\n", count, count == 1 ? "" : "s", a->names[0]);
    return EXIT_DONE;
}

/* admin migrate: a PostgreSQL schema brought up to date (servers never migrate it). */
static int migrate_cmd(struct store *s, const struct admin_args *a)
{
    (void)a;
    int from = 0, to = 0;
    enum store_status st = store_migrate(s, &from, &to);
    if (st != STORE_OK) return report(s, st, "");
    if (from == to)
        printf("the schema is up to date (version %d)\n", to);
    else
        printf("migrated the schema from version %d to %d\n", from, to);
    return EXIT_DONE;
}

/* admin audit: the store's own log (admin changes that belong to no sandbox). */
static int audit_cmd(struct store *s, const struct admin_args *a)
{
    enum store_status st = store_audit_each(s, 0, 0, NULL, 0, print_event, (void *)a);
    return st == STORE_OK ? EXIT_DONE : report(s, st, "");
}

static const struct {
    const char *words;
    const char *names;
    int (*fn)(struct store *, const struct admin_args *);
    const char *usage;
} admin_commands[] = {
    {"workspace add", "n", workspace_add, "workspace add NAME [--default-mode shared|private]"},
    {"workspace member add", "np", member_add, "workspace member add WORKSPACE PRINCIPAL"},
    {"workspace member remove", "np", member_remove, "workspace member remove WORKSPACE PRINCIPAL"},
    {"sandbox add", "n", sandbox_add,
     "sandbox add NAME --owner P [--workspace WS] [--source DIR] [--mode MODE]"},
    {"project add", "nn", project_add, "project add SANDBOX NAME"},
    {"project remove", "nn", project_remove, "project remove SANDBOX NAME"},
    {"agent add", "nn", agent_add, "agent add SANDBOX NAME"},
    {"agent remove", "nn", agent_remove, "agent remove SANDBOX NAME"},
    {"workspace remove", "n", workspace_remove, "workspace remove NAME"},
    {"workspace policy", "n", workspace_policy,
     "workspace policy WORKSPACE --role editor|viewer (--max DURATION | --clear)   (a ceiling for its "
     "sandboxes)"},
    {"sandbox remove", "n", sandbox_remove, "sandbox remove NAME"},
    {"slack map", "", slack_map, "slack map --team T [--channel C] --sandbox NAME"},
    {"slack unmap", "", slack_unmap, "slack unmap --team T [--channel C]"},
    {"link", "sl", link_cmd, "link slack:UID PRINCIPAL [--merge]"},
    {"unlink", "s", unlink_cmd, "unlink slack:UID"},
    {"bot add", "n", bot_add, "bot add NAME --workspace WS [--callback-prefix URL]"},
    {"bot rotate", "n", bot_rotate, "bot rotate NAME   (a new bearer token and signing secret)"},
    {"bot remove", "n", bot_remove, "bot remove NAME"},
    {"notify", "n", notify_cmd,
     "notify SANDBOX (--webhook URL | --off)   (where notices go for those not on Slack; prints its "
     "signing secret once)"},
    {"list", "w", list_cmd,
     "list workspaces|sandboxes|projects|agents|bots|links|maps|keys|policies|notices [--workspace WS] "
     "[--sandbox S] [--pending|--failed] [--json]"},
    {"show sandbox", "n", show_sandbox, "show sandbox NAME [--json]"},
    {"sessions list", "", sessions_list, "sessions list [--json]   (the web page's live sessions)"},
    {"sessions revoke", "p", sessions_revoke, "sessions revoke PRINCIPAL   (signs them out of the web page)"},
    {"audit", "", audit_cmd, "audit [--json]   (the store's own log; a sandbox's is `show the audit log`)"},
    {"migrate", "", migrate_cmd,
     "migrate   (a PostgreSQL schema brought up to date; SQLite's migrate on open)"},
};

/* Canonicalises one value of kind k into out: 0, or a usage error printed. */
static int canon_arg(char k, const char *v, char *out, size_t size, const char *usage)
{
    if (k == 'w') { /* a word of the command itself (list's what): taken as it is */
        if (snprintf(out, size, "%s", v) < (int)size) return 0;
        cli_refuse_value("", v, "no admin word is that long");
        return EXIT_USAGE;
    }
    const char *why = k == 'n' ? name_canon(v, out, size) : principal_canon(v, out, size);
    int slack = !why && strncmp(out, "slack:", 6) == 0;
    if (!why && k == 's' && !slack) why = "the Slack user is slack:UID, as in slack:U024BE7LH";
    if (!why && k == 'l' && slack) why = "a Slack user is linked to @name or an e-mail address";
    if (!why) return 0;
    cli_refuse_value("", v, why);
    fprintf(stderr, "usage: concierge admin %s\n", usage);
    return EXIT_USAGE;
}

/* Every name of a command made canonical before its handler runs: --owner Bob is refused,
 * --owner @Bob is @bob (interfaces.md, admin). */
static int canon_args(struct admin_args *a, const char *usage)
{
    int rc = 0;
    for (int i = 0; i < a->n_names && !rc; i++)
        if (!(rc = canon_arg(a->kinds[i], a->names[i], a->canon[i], sizeof a->canon[i], usage)))
            a->names[i] = a->canon[i];
    if (!rc && a->owner && !(rc = canon_arg('p', a->owner, a->owner_buf, sizeof a->owner_buf, usage)))
        a->owner = a->owner_buf;
    if (!rc && a->workspace &&
        !(rc = canon_arg('n', a->workspace, a->workspace_buf, sizeof a->workspace_buf, usage)))
        a->workspace = a->workspace_buf;
    if (!rc && a->sandbox && !(rc = canon_arg('n', a->sandbox, a->sandbox_buf, sizeof a->sandbox_buf, usage)))
        a->sandbox = a->sandbox_buf;
    return rc;
}

#define N_ADMIN (sizeof admin_commands / sizeof admin_commands[0])

/* Admin's own options, then the context's (--db, --now, --json and --sandbox matter here). */
const struct opt_spec cli_admin_options[] = {
    {"owner", 0, "P", "sandbox add: its owner"},
    {"workspace", 0, "WS", "sandbox add, bot add: the workspace (default: default); list: only in it"},
    {"source", 0, "DIR", "sandbox add: its source folder"},
    {"mode", 0, "MODE", "sandbox add: shared, collaborated or private"},
    {"default-mode", 0, "MODE", "workspace add: shared or private"},
    {"team", 0, "T", "slack map, slack unmap: the Slack team"},
    {"channel", 0, "C", "slack map, slack unmap: the Slack channel"},
    {"callback-prefix", 0, "URL", "bot add: where its callbacks may go"},
    {"merge", 0, NULL, "link: where both names hold a grant, keep the higher role and the later expiry"},
    {"role", 0, "ROLE", "workspace policy: editor or viewer"},
    {"max", 0, "DURATION",
     "workspace policy: the longest a grant of the role may run (30d, 2 weeks, 1 month)"},
    {"clear", 0, NULL, "workspace policy: remove the ceiling"},
    {"webhook", 0, "URL", "notify: https://, or http:// to a loopback address"},
    {"off", 0, NULL, "notify: no webhook any more"},
    {"pending", 0, NULL, "list notices: only those still to be delivered"},
    {"failed", 0, NULL, "list notices: only those given up"},
    {"words", 0, NULL, NULL}, /* hidden: the commands' words, one command a line (completion) */
    CLI_CONTEXT_OPTIONS,
    CLI_HELP_OPTIONS,
    {NULL, 0, NULL, NULL},
};

static void commands_help(FILE *f)
{
    fprintf(f, "\ncommands:\n");
    for (size_t i = 0; i < N_ADMIN; i++)
        fprintf(f, "  %s\n", admin_commands[i].usage);
}

static const struct cli_command admin_command = {
    "usage: concierge admin [OPTIONS] COMMAND [NAME...]\nset-up the language does not cover\n",
    cli_admin_options, commands_help};

static void usage(FILE *f)
{
    fputs(admin_command.synopsis, f);
    commands_help(f);
}

/* Do words[0..] start with the words of a command? Returns how many it took, or 0. */
static int match_words(int n_words, char **words, const char *cmd)
{
    int k = 0;
    const char *w = cmd;
    while (*w) {
        size_t n = strcspn(w, " ");
        if (k >= n_words || strlen(words[k]) != n || strncmp(words[k], w, n) != 0) return 0;
        k++;
        w += n;
        while (*w == ' ')
            w++;
    }
    return k;
}

/* "admin:" and the login name: who an admin change's audit event names (interfaces.md). */
static void admin_actor(char *out, size_t size)
{
    const char *user = getenv("USER");
    if (!user || !*user) {
        struct passwd *pw = getpwuid(getuid());
        user = pw ? pw->pw_name : "unknown";
    }
    snprintf(out, size, "admin:%s", user);
}

int admin_run(struct store *s, int argc, char **argv, int i)
{
    return admin_run_at(s, (int64_t)time(NULL), argc, argv, i);
}

/* The option's slot in a, or NULL for the context's options (concierge admin reads those). */
static const char **admin_slot(struct admin_args *a, const char *name)
{
    return strcmp(name, "owner") == 0             ? &a->owner
           : strcmp(name, "workspace") == 0       ? &a->workspace
           : strcmp(name, "source") == 0          ? &a->source
           : strcmp(name, "mode") == 0            ? &a->mode
           : strcmp(name, "default-mode") == 0    ? &a->default_mode
           : strcmp(name, "team") == 0            ? &a->team
           : strcmp(name, "channel") == 0         ? &a->channel
           : strcmp(name, "sandbox") == 0         ? &a->sandbox
           : strcmp(name, "callback-prefix") == 0 ? &a->callback_prefix
           : strcmp(name, "role") == 0            ? &a->role
           : strcmp(name, "max") == 0             ? &a->max
           : strcmp(name, "webhook") == 0         ? &a->webhook
                                                  : NULL;
}

/* One command, its words and names in sp->words, its options in sp->opts. */
static int admin_dispatch(struct admin_ctx *ctx, const struct split_args *sp)
{
    for (size_t c = 0; c < N_ADMIN; c++) {
        int k = match_words(sp->n_words, sp->words, admin_commands[c].words);
        if (!k) continue;
        struct admin_args a;
        memset(&a, 0, sizeof a);
        a.ctx = ctx;
        int want = (int)strlen(admin_commands[c].names);
        for (int j = k; j < sp->n_words; j++) {
            if (a.n_names >= want) {
                fprintf(stderr, "concierge: unexpected '%s'; usage: concierge admin %s\n", sp->words[j],
                        admin_commands[c].usage);
                return EXIT_USAGE;
            }
            a.names[a.n_names++] = sp->words[j];
        }
        for (int j = 0; j < sp->n_opts; j++) {
            const char **slot = admin_slot(&a, sp->opts[j].spec->name);
            if (slot) *slot = sp->opts[j].value;
            if (strcmp(sp->opts[j].spec->name, "json") == 0) a.json = 1;
            if (strcmp(sp->opts[j].spec->name, "merge") == 0) a.merge = 1;
            if (strcmp(sp->opts[j].spec->name, "clear") == 0) a.clear = 1;
            if (strcmp(sp->opts[j].spec->name, "off") == 0) a.off = 1;
            if (strcmp(sp->opts[j].spec->name, "pending") == 0) a.pending = 1;
            if (strcmp(sp->opts[j].spec->name, "failed") == 0) a.failed = 1;
        }
        if (a.n_names != want) {
            fprintf(stderr, "usage: concierge admin %s\n", admin_commands[c].usage);
            return EXIT_USAGE;
        }
        a.kinds = admin_commands[c].names;
        int rc = canon_args(&a, admin_commands[c].usage);
        return rc ? rc : admin_commands[c].fn(ctx->store, &a);
    }
    usage(stderr);
    return EXIT_USAGE;
}

/* Runs one admin command on an open store at now; argv[i..] are its words, names and
 * options, the options anywhere (interfaces.md). */
int admin_run_at(struct store *s, int64_t now, int argc, char **argv, int i)
{
    char actor[PRINCIPAL_MAX_LEN + 1];
    admin_actor(actor, sizeof actor);
    struct admin_ctx ctx = {s, actor, now, ""};
    struct split_args sp;
    int rc = args_split(argc, argv, i, cli_admin_options, "concierge admin", &sp);
    if (rc) return rc;
    rc = admin_dispatch(&ctx, &sp);
    args_release(&sp);
    return rc;
}

int admin_main(int argc, char **argv)
{
    struct cli_options opt;
    struct split_args a;
    int rc = cli_parse_options(argc, argv, 2, &admin_command, &opt, &a);
    if (rc != CLI_GO) return rc;
    int words = args_get(&a, "words") != NULL, n_words = a.n_words;
    int migrate = n_words == 1 && strcmp(a.words[0], "migrate") == 0;
    args_release(&a);
    if (words) {
        for (size_t i = 0; i < N_ADMIN; i++)
            puts(admin_commands[i].words);
        return EXIT_DONE;
    }
    if (n_words == 0) {
        usage(stderr);
        return EXIT_USAGE;
    }
    struct store *s;
    if ((rc = cli_open_store(&opt, migrate ? CLI_STORE_MIGRATE : 1, &s))) return rc;
    rc = admin_run_at(s, opt.now, argc, argv, 2);
    store_close(s);
    return rc;
}
