/* The web page's sign-in end to end (interfaces.md, Web page; issue 13): the real `concierge
 * serve` on a test build's clock, links made by the real `concierge open` and by the phrase
 * through /v1/messages, followed over real HTTP. A link makes a session whose cookie has
 * exactly the attributes of the contract; a link works once (also when used twice at once) and
 * not after 10 minutes; signing out needs the session's own CSRF token; admin sessions revoke
 * ends a session; a session lapses after 8 hours; the bots' idempotency store never keeps a
 * link. Either backend: CONCIERGE_TEST_PG_FILE names a PostgreSQL cluster.
 * Usage: test_webauth BIN */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "pg_test.h"
#include "serve_drive.h"
#include "spawn.h"
#include "test_db.h"

static const char *bin;
static char db[512], clock_file[512];
static int port;

#define T0     1796176800 /* 2026-12-02T02:00:00Z */
#define T0_ISO "2026-12-02T02:00:00Z"
#define HTTPS  "https://concierge.example.com"

static void set_clock(int64_t t)
{
    FILE *f = fopen(clock_file, "w");
    if (!f) abort();
    fprintf(f, "%lld\n", (long long)t);
    fclose(f);
}

/* `concierge open --db DB ARGS…` (NULL-terminated): its exit status, its first line in line. */
static int open_link(char *line, size_t size, ...)
{
    const char *argv[16] = {bin, "open", "--db", db};
    int argc = 4;
    va_list ap;
    va_start(ap, size);
    for (const char *a; argc < 15 && (a = va_arg(ap, const char *));)
        argv[argc++] = a;
    va_end(ap);
    argv[argc] = NULL;
    struct spawn_result r;
    int st = spawn_run(argv, NULL, NULL, 0, 20000, &r);
    snprintf(line, size, "%.*s", (int)strcspn(r.out, "\n"), r.out);
    if (st != 0 && st != 5) fprintf(stderr, "concierge open said: %s", r.err);
    spawn_result_free(&r);
    return st;
}

/* The path of a link (/ui/login?t=…), or "" when it is not one to this page. */
static const char *path_of(const char *link, const char *base)
{
    size_t n = strlen(base);
    return strncmp(link, base, n) == 0 && strncmp(link + n, "/ui/login?t=", 12) == 0 ? link + n : "";
}

static long get(const char *path, const char *cookie, struct drive_resp *r)
{
    char h[256];
    snprintf(h, sizeof h, "Cookie: %s", cookie ? cookie : "");
    const char *headers[] = {h, NULL};
    return drive_http(port, "GET", path, cookie ? headers : NULL, NULL, 0, r);
}

static long logout(const char *cookie, const char *csrf, struct drive_resp *r)
{
    char h[256], body[128];
    snprintf(h, sizeof h, "Cookie: %s", cookie);
    snprintf(body, sizeof body, "csrf=%s", csrf ? csrf : "");
    const char *headers[] = {h, "Content-Type: application/x-www-form-urlencoded", NULL};
    return drive_http(port, "POST", "/ui/logout", headers, csrf ? body : "", -1, r);
}

/* Follows a link: 0 with the cookie (NAME=VALUE) and its whole Set-Cookie header, or -1. */
static int sign_in(const char *path, char *cookie, size_t csize, char *set_cookie, size_t ssize,
                   struct drive_resp *r)
{
    cookie[0] = '\0';
    if (get(path, NULL, r) != 303 || drive_header(r, "Set-Cookie", set_cookie, ssize)) return -1;
    snprintf(cookie, csize, "%.*s", (int)strcspn(set_cookie, ";"), set_cookie);
    return 0;
}

/* The CSRF token of the page's forms (a hidden field named csrf), or "". */
static void csrf_of(const struct drive_resp *r, char out[65])
{
    const char *at = strstr(r->body, "name=\"csrf\" value=\"");
    snprintf(out, 65, "%.*s", at ? 64 : 0, at ? at + 19 : "");
}

static int signed_in_as(const char *cookie, const char *who, struct drive_resp *r)
{
    char want[128];
    snprintf(want, sizeof want, "Signed in as <strong>%s</strong>", who);
    return get("/ui/", cookie, r) == 200 && strstr(r->body, want) != NULL;
}

struct race {
    const char *path;
    long status;
};

static void *race_get(void *arg)
{
    struct race *x = arg;
    struct drive_resp *r = resp_new();
    x->status = drive_http(port, "GET", x->path, NULL, NULL, 0, r);
    resp_free(r);
    return NULL;
}

/* The exact attributes of the contract after NAME=<64 hex digits>. */
static int cookie_is(const char *set_cookie, const char *name, const char *attrs)
{
    size_t n = strlen(name);
    if (strncmp(set_cookie, name, n) != 0 || set_cookie[n] != '=') return 0;
    const char *v = set_cookie + n + 1;
    for (int i = 0; i < 64; i++)
        if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'f'))) return 0;
    return strcmp(v + 64, attrs) == 0;
}

static pid_t start(const char *url)
{
    const char *more[] = {"--test-clock", clock_file, "--public-url", url, NULL};
    return drive_serve(bin, db, 0, more, &port, NULL, 0);
}

static void stop(pid_t pid)
{
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_webauth BIN\n");
        return 2;
    }
    bin = argv[1];
    char dir[] = "/tmp/concierge-webauth-XXXXXX", err[256], out[8192], token[128] = "";
    if (!mkdtemp(dir)) return 2;
    if (pg_test_enabled()) {
        if (pg_test_create(db, sizeof db, err, sizeof err)) {
            fprintf(stderr, "%s\n", err);
            return 1;
        }
    } else {
        snprintf(db, sizeof db, "%s/w.db", dir);
    }
    snprintf(clock_file, sizeof clock_file, "%s/clock", dir);
    set_clock(T0);
    int ok = drive_admin(bin, db, NULL, 0, "workspace add acme") == 0 &&
             drive_admin(bin, db, NULL, 0, "sandbox add demo --owner @ann --workspace acme") == 0 &&
             drive_admin(bin, db, NULL, 0, "workspace member add acme @bob") == 0 &&
             drive_admin(bin, db, out, sizeof out, "bot add b --workspace acme") == 0;
    drive_secret_after(out, "bearer token:", token, sizeof token);
    if (!CHECK(ok && token[0], "set-up")) return CHECK_SUMMARY();

    char link[1024], link2[1024], cookie[256], cookie_b[256], set_cookie[512], csrf[65], csrf_b[65];
    CHECK_INT(open_link(link, sizeof link, "--as", "@ann", "--now", T0_ISO, NULL), 5,
              "concierge open before any serve --public-url: refused (exit 5)");
    CHECK_INT(open_link(link, sizeof link, "--public-url", "http://example.com", NULL), 2,
              "concierge open --public-url refuses http:// to anything but a loopback address");

    pid_t pid = start(HTTPS "/");
    struct drive_resp *r = resp_new();

    /* A link from the command line, as serve recorded the page's URL. */
    CHECK_INT(open_link(link, sizeof link, "--as", "@ann", "--now", T0_ISO, NULL), 0,
              "concierge open --as @ann");
    const char *path = path_of(link, HTTPS);
    CHECKF(path[0], "the link is the recorded public URL's /ui/login?t=…", "got '%s'", link);
    CHECK(get("/ui/", NULL, r) == 200 && strstr(r->body, "concierge open") && !strstr(r->body, "Signed in"),
          "not signed in: /ui/ says how to get a link");
    CHECK(sign_in(path, cookie, sizeof cookie, set_cookie, sizeof set_cookie, r) == 0,
          "following the link: 303 with a cookie");
    char loc[256] = "";
    drive_header(r, "Location", loc, sizeof loc);
    CHECK_STR(loc, "/ui/", "to the page");
    CHECKF(cookie_is(set_cookie, "__Host-concierge",
                     "; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=28800"),
           "over https: __Host-concierge, HttpOnly, Secure, SameSite=Strict, Path=/, 8 hours", "got '%s'",
           set_cookie);
    CHECK(signed_in_as(cookie, "@ann", r), "with the cookie, /ui/ says who is signed in");
    csrf_of(r, csrf);
    CHECK_INT((long)strlen(csrf), 64, "the page's form carries the session's CSRF token");
    CHECK(strstr(r->headers, "Content-Security-Policy: default-src 'self'; frame-ancestors 'none'") != NULL,
          "the page has its security headers");
    CHECK(get("/ui/", "concierge=0000000000000000000000000000000000000000000000000000000000000000", r) ==
                  200 &&
              !strstr(r->body, "Signed in"),
          "a made-up cookie signs in nobody");

    /* Once only. */
    CHECK(get(path, NULL, r) == 403 && strstr(r->body, "expired or was already used") &&
              drive_header(r, "Set-Cookie", out, sizeof out) != 0,
          "the same link again: 403, saying so, and no cookie");
    CHECK(get("/ui/login?t=abc", NULL, r) == 403, "a malformed token: 403");

    /* Two uses at once: one session. */
    CHECK_INT(open_link(link, sizeof link, "--as", "@ann", "--now", T0_ISO, NULL), 0, "another link");
    struct race a = {path_of(link, HTTPS), 0}, b = {path_of(link, HTTPS), 0};
    pthread_t ta, tb;
    pthread_create(&ta, NULL, race_get, &a);
    pthread_create(&tb, NULL, race_get, &b);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    CHECKF((a.status == 303) + (b.status == 303) == 1 && (a.status == 403 || b.status == 403),
           "a link used twice at once: one sign-in, one refusal", "got %ld and %ld", a.status, b.status);

    /* Ten minutes, not more: a link made 10 minutes and 1 second before serve's now. */
    CHECK_INT(open_link(link, sizeof link, "--as", "@ann", "--now", "2026-12-02T01:49:59Z", NULL), 0,
              "a link made 10 minutes ago");
    CHECK(get(path_of(link, HTTPS), NULL, r) == 403 && strstr(r->body, "expired or was already used"),
          "an expired link: 403, saying so");

    /* Signing out needs the session's own CSRF token. */
    CHECK_INT(open_link(link, sizeof link, "--as", "@bob", "--now", T0_ISO, "--sandbox", "demo", NULL), 0,
              "a link for @bob on sandbox demo's page");
    CHECK(sign_in(path_of(link, HTTPS), cookie_b, sizeof cookie_b, set_cookie, sizeof set_cookie, r) == 0,
          "@bob signs in");
    drive_header(r, "Location", loc, sizeof loc);
    CHECK_STR(loc, "/ui/s/demo", "onto the sandbox's page");
    CHECK(signed_in_as(cookie_b, "@bob", r), "@bob is signed in");
    csrf_of(r, csrf_b);
    CHECK(strcmp(csrf, csrf_b) != 0, "each session has its own CSRF token");
    CHECK_INT(logout(cookie, NULL, r), 403, "sign out without the CSRF token: 403");
    CHECK(signed_in_as(cookie, "@ann", r), "… and @ann is still signed in");
    CHECK_INT(logout(cookie, csrf_b, r), 403, "sign out with another session's CSRF token: 403");
    CHECK(signed_in_as(cookie, "@ann", r), "… and @ann is still signed in");
    CHECK_INT(logout(cookie, csrf, r), 303, "sign out with the session's token: 303");
    drive_header(r, "Location", loc, sizeof loc);
    CHECK_STR(loc, "/ui/signed-out", "to the signed-out page");
    drive_header(r, "Set-Cookie", set_cookie, sizeof set_cookie);
    CHECK_STR(set_cookie, "__Host-concierge=; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=0",
              "the cookie is cleared");
    CHECK(!signed_in_as(cookie, "@ann", r), "@ann's cookie no longer signs in");
    CHECK(signed_in_as(cookie_b, "@bob", r), "@bob's session goes on");

    /* An administrator ends @bob's sessions (admin at serve's test-clock instant: --now). */
    int anns = 0;
    ok = drive_admin(bin, db, out, sizeof out, "sessions list --now %s", T0_ISO) == 0 && strstr(out, "@bob");
    for (const char *p = out; (p = strstr(p, "@ann")); p++)
        anns++;
    CHECK(ok && anns == 1, "admin sessions list: @bob's, and of @ann's only the race's (not the ended one)");
    CHECK(drive_admin(bin, db, out, sizeof out, "sessions revoke @bob --now %s", T0_ISO) == 0 &&
              strstr(out, "1 session of @bob"),
          "admin sessions revoke @bob");
    CHECK(!signed_in_as(cookie_b, "@bob", r),
          "after admin sessions revoke, @bob's cookie no longer signs in");
    CHECK(drive_admin(bin, db, out, sizeof out, "audit") == 0 &&
              strstr(out, "@ann signed in to the web page") &&
              strstr(out, "@ann signed out of the web page") &&
              strstr(out, "1 web page session of @bob revoked"),
          "sign-ins, sign-outs and revocations are in the store's own audit log");

    /* The phrase through a bot: a link, which the idempotency store does not keep. */
    char auth[256];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
    const char *h[] = {auth, "Content-Type: application/json", "Idempotency-Key: k-sign-in-1", NULL};
    const char *msg = "{\"conversation\":\"c1\",\"user\":\"@ann\",\"text\":\"open the web page\"}";
    CHECK(drive_http(port, "POST", "/v1/messages", h, msg, -1, r) == 200 &&
              strcmp(nz(jstr(r->json, "status")), "done") == 0,
          "open the web page through /v1/messages: done");
    snprintf(link2, sizeof link2, "%s", nz(jstr(r->json, "result.link")));
    CHECKF(path_of(link2, HTTPS)[0] && strstr(link2, "&s=demo"),
           "its result is a link to sandbox demo's page", "got '%s'", r->body);
    CHECK(drive_http(port, "POST", "/v1/messages", h, msg, -1, r) == 200 && !strstr(r->body, "login?t="),
          "the same request again: no link");
    CHECK_INT(test_db_count(db, "SELECT count(*) FROM idempotency WHERE reply LIKE '%login?t=%'"), 0,
              "the idempotency store keeps no link");
    CHECK_INT(test_db_count(db, "SELECT count(*) FROM idempotency WHERE reply <> ''"), 1,
              "… though it keeps the reply");
    CHECK_INT(test_db_count(db, "SELECT count(*) FROM audit WHERE summary LIKE '%login?t=%'"), 0,
              "no audit event holds a link");
    CHECK(sign_in(path_of(link2, HTTPS), cookie, sizeof cookie, set_cookie, sizeof set_cookie, r) == 0 &&
              signed_in_as(cookie, "@ann", r),
          "the bot's link signs @ann in");
    CHECK(drive_msg(port, token, "c1", "@carol", "open the web page", r) == 200 &&
              strcmp(nz(jstr(r->json, "code")), "sandbox_not_found") == 0 && !strstr(r->body, "login?t="),
          "a stranger to the sandbox gets no link");

    /* Eight hours later the session has lapsed. */
    set_clock(T0 + 8 * 3600 + 1);
    CHECK(!signed_in_as(cookie, "@ann", r), "after 8 hours the cookie no longer signs in");
    stop(pid);

    /* On loopback http: the cookie without Secure and without the __Host- prefix. */
    set_clock(T0);
    pid = start("http://127.0.0.1:9");
    CHECK_INT(open_link(link, sizeof link, "--as", "@ann", "--now", T0_ISO, NULL), 0,
              "a link on loopback http");
    CHECKF(path_of(link, "http://127.0.0.1:9")[0], "the newly recorded URL", "got '%s'", link);
    CHECK(sign_in(path_of(link, "http://127.0.0.1:9"), cookie, sizeof cookie, set_cookie, sizeof set_cookie,
                  r) == 0,
          "signs in");
    CHECKF(cookie_is(set_cookie, "concierge", "; HttpOnly; SameSite=Strict; Path=/; Max-Age=28800"),
           "over loopback http: concierge, HttpOnly, SameSite=Strict, Path=/, 8 hours, not Secure",
           "got '%s'", set_cookie);
    CHECK(signed_in_as(cookie, "@ann", r), "and the cookie signs in");
    stop(pid);

    resp_free(r);
    if (pg_test_enabled()) pg_test_drop(db);
    char rm[600];
    snprintf(rm, sizeof rm, "rm -rf %s", dir);
    if (system(rm) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return CHECK_SUMMARY();
}
