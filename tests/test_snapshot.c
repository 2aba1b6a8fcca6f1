/* Tests of cross-sandbox snapshots (actions/snapshot.h) on real trees in a temporary folder. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../actions/snapshot.h"
#include "check.h"

static char base[] = "/tmp/concierge-snapshot-XXXXXX";
static char err[512];

#define GIB (1ULL << 30)

/* ---- helpers on paths under base ---------------------------------------------------- */

static const char *at(const char *rel)
{
    static char bufs[8][4096];
    static int i;
    char *b = bufs[i++ % 8];
    snprintf(b, sizeof bufs[0], "%s/%s", base, rel);
    return b;
}

static void mkdirs(const char *rel)
{
    char p[4096];
    if (snprintf(p, sizeof p, "%s/%s", base, rel) >= (int)sizeof p) return;
    for (char *s = p + strlen(base) + 1; *s; s++)
        if (*s == '/') {
            *s = 0;
            mkdir(p, 0755);
            *s = '/';
        }
    mkdir(p, 0755);
}

static void put(const char *rel, const char *data, size_t n)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", rel);
    char *slash = strrchr(dir, '/');
    if (slash) {
        *slash = 0;
        mkdirs(dir);
    }
    FILE *f = fopen(at(rel), "wb");
    if (!f) {
        printf("setup: cannot write %s\n", at(rel));
        exit(2);
    }
    fwrite(data, 1, n, f);
    fclose(f);
}

static void put_s(const char *rel, const char *text) { put(rel, text, strlen(text)); }

static int exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

static int is_link_to(const char *path, const char *target)
{
    char buf[4096];
    struct stat st;
    if (lstat(path, &st) || !S_ISLNK(st.st_mode)) return 0;
    ssize_t n = readlink(path, buf, sizeof buf - 1);
    if (n < 0) return 0;
    buf[n] = 0;
    return strcmp(buf, target) == 0;
}

static int same_bytes(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    int same = fa && fb;
    while (same) {
        int ca = getc(fa), cb = getc(fb);
        if (ca != cb) same = 0;
        if (ca == EOF) break;
    }
    if (fa) fclose(fa);
    if (fb) fclose(fb);
    return same;
}

static int has_text(const char *path, const char *text)
{
    char buf[256] = {0};
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    return n == strlen(text) && memcmp(buf, text, n) == 0;
}

static ino_t inode_of(const char *path)
{
    struct stat st;
    return lstat(path, &st) ? 0 : st.st_ino;
}

/* Counts, under path, folders not 0555, files not 0444, and anything neither file, folder nor link. */
static void count_bad_modes(const char *path, int *bad, int *files, int *dirs)
{
    struct stat st;
    if (lstat(path, &st)) {
        (*bad)++;
        return;
    }
    if (S_ISLNK(st.st_mode)) return;
    if (S_ISREG(st.st_mode)) {
        (*files)++;
        if ((st.st_mode & 07777) != 0444) (*bad)++;
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        (*bad)++;
        return;
    }
    (*dirs)++;
    if ((st.st_mode & 07777) != 0555) (*bad)++;
    DIR *d = opendir(path);
    if (!d) {
        (*bad)++;
        return;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        char sub[4096];
        snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
        count_bad_modes(sub, bad, files, dirs);
    }
    closedir(d);
}

/* The names in a folder, space-separated and sorted, into out ("" when none or missing).
 * Past 32 names it ends with " +more", so a long listing never compares equal to a short one. */
static void list_names(const char *path, char *out, size_t n)
{
    char names[32][256];
    int k = 0, more = 0;
    out[0] = 0;
    DIR *d = opendir(path);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            if (k < 32)
                snprintf(names[k++], sizeof names[0], "%s", e->d_name);
            else
                more = 1;
        }
    closedir(d);
    for (int i = 0; i < k; i++)
        for (int j = i + 1; j < k; j++)
            if (strcmp(names[i], names[j]) > 0) {
                char t[256];
                memcpy(t, names[i], sizeof t);
                memcpy(names[i], names[j], sizeof t);
                memcpy(names[j], t, sizeof t);
            }
    for (int i = 0; i < k; i++) {
        size_t len = strlen(out);
        snprintf(out + len, n - len, "%s%s", i ? " " : "", names[i]);
    }
    if (more) {
        size_t len = strlen(out);
        snprintf(out + len, n - len, " +more");
    }
}

static void rm_rf(const char *path)
{
    struct stat st;
    if (lstat(path, &st)) return;
    if (S_ISDIR(st.st_mode)) {
        chmod(path, st.st_mode | S_IRWXU);
        DIR *d = opendir(path);
        if (d) {
            struct dirent *e;
            while ((e = readdir(d))) {
                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
                char sub[4096];
                snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
                rm_rf(sub);
            }
            closedir(d);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}

/* ---- the source tree ----------------------------------------------------------------- */

static const char *excluded_files[] = {
    ".env",    ".envrc",  ".env.local", ".env.production", "credentials.json", "service-account.json",
    ".npmrc",  ".pypirc", ".netrc",     ".htpasswd",       ".pgpass",          "server.pem",
    "tls.key", "id_rsa",  "id_rsa.pub", "id_ed25519",      "id_ed25519.pub",
};
static const char *excluded_dirs[] = {
    ".zeroclaw", ".claude", ".codex", ".cursor", ".config",      ".vscode", ".idea",
    ".docker",   ".ssh",    ".aws",   ".gnupg",  "node_modules", ".yarn",   ".pnpm-store",
};
#define COUNT(a) (sizeof(a) / sizeof(a)[0])
static const char *levels[] = {"", "sub/deeper/"}; /* the root, and nested */

static char big[200 * 1024];

static void make_source(void)
{
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (char)(i * 7 + i / 251);
    put_s("src/a.txt", "alpha\n");
    put("src/sub/b.bin", big, sizeof big);
    put_s("src/sub/deeper/c.txt", "charlie v1\n");
    put_s("src/empty.txt", "");
    put_s("src/other/o.txt", "other\n");
    /* near misses of the exclusion table: all kept */
    put_s("src/env.txt", "kept\n");
    put_s("src/notes.pem.txt", "kept\n");
    put_s("src/my.keys", "kept\n");
    put_s("src/config", "kept\n");
    put_s("src/.gitignore", "kept\n");
    put_s("src/.git/HEAD", "ref: refs/heads/main\n");
    put_s("src/.git/refs/heads/main", "0123\n");
    /* git internals and the source's own snapshots */
    put_s("src/.git/objects/ab/cdef", "object\n");
    put_s("src/.git/lfs/objects/x", "lfs\n");
    put_s("src/.git/config", "[remote] url = https://user:token@example.com/r.git\n");
    put_s("src/.shared/third/secret.txt", "third sandbox\n");
    for (size_t l = 0; l < COUNT(levels); l++) {
        char rel[512];
        for (size_t i = 0; i < COUNT(excluded_files); i++) {
            snprintf(rel, sizeof rel, "src/%s%s", levels[l], excluded_files[i]);
            put_s(rel, "SECRET=1\n");
        }
        for (size_t i = 0; i < COUNT(excluded_dirs); i++) {
            snprintf(rel, sizeof rel, "src/%s%s/token.txt", levels[l], excluded_dirs[i]);
            put_s(rel, "token\n");
        }
    }
    /* links */
    symlink("a.txt", at("src/link_in"));
    symlink("../a.txt", at("src/sub/up"));
    symlink("sub", at("src/linkdir"));
    symlink(".", at("src/dot"));
    symlink("../other", at("src/sub/side"));
    symlink("/etc/passwd", at("src/link_abs"));
    symlink("../../outside", at("src/link_out"));
    symlink("../../x", at("src/sub/escape"));
    symlink("sub/side/../../outside", at("src/y")); /* inside by name, out through sub/side */
    symlink("dot/../outside", at("src/y2"));        /* inside by name, out through dot */
    /* special files */
    mkfifo(at("src/pipe"), 0644);
    mkfifo(at("src/sub/pipe"), 0644);
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", at("src/sub/sock"));
    if (s >= 0) {
        bind(s, (struct sockaddr *)&sa, sizeof sa);
        close(s);
    }
}

/* ---- tests -------------------------------------------------------------------------- */

static void test_bad_names(void)
{
    mkdirs("rbad");
    const char *bad[] = {"../x", "a/b", "", "..", ".", "A", "-x", "_x", "a b", "a\nb", "x/..", NULL};
    for (size_t i = 0; i < COUNT(bad); i++) {
        err[0] = 0;
        CHECK(snapshot_replace(at("src"), at("rbad"), bad[i], GIB, err, sizeof err) == -1 && err[0],
              "a bad source_name is refused with a message");
        err[0] = 0;
        CHECK(snapshot_remove(at("rbad"), bad[i], err, sizeof err) == -1 && err[0],
              "snapshot_remove refuses a bad source_name");
    }
    char small[24];
    CHECK(snapshot_replace(at("src"), at("rbad"), "A", GIB, small, sizeof small) == -1 &&
              strlen(small) == sizeof small - 1 && strcmp(small + sizeof small - 4, "...") == 0,
          "a message cut to the caller's buffer ends with \"...\"");
    CHECK(!exists(at("rbad/.shared")), "a refused name touches nothing (no .shared made)");
    CHECK(!exists(at("x")), "\"../x\" reached nothing outside");
}

static void test_first_snapshot(void)
{
    mkdirs("reader");
    err[0] = 0;
    int rc = snapshot_replace(at("src"), at("reader"), "src", GIB, err, sizeof err);
    CHECK(rc == 0, "the first snapshot is made");
    if (rc) printf("  err: %s\n", err);
    struct stat st;
    CHECK(lstat(at("reader/.shared"), &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 0755,
          ".shared is made with mode 0755 (whatever the umask)");
    char names[1024];
    list_names(at("reader/.shared"), names, sizeof names);
    CHECK_STR(names, "src", ".shared holds the snapshot and nothing else");

    for (size_t l = 0; l < COUNT(levels); l++) {
        char rel[512];
        for (size_t i = 0; i < COUNT(excluded_files); i++) {
            snprintf(rel, sizeof rel, "reader/.shared/src/%s%s", levels[l], excluded_files[i]);
            CHECK(!exists(at(rel)), rel);
        }
        for (size_t i = 0; i < COUNT(excluded_dirs); i++) {
            snprintf(rel, sizeof rel, "reader/.shared/src/%s%s", levels[l], excluded_dirs[i]);
            CHECK(!exists(at(rel)), rel);
        }
    }
    CHECK(!exists(at("reader/.shared/src/.git/objects")), ".git/objects left out");
    CHECK(!exists(at("reader/.shared/src/.git/lfs")), ".git/lfs left out");
    CHECK(!exists(at("reader/.shared/src/.git/config")), ".git/config left out");
    CHECK(!exists(at("reader/.shared/src/.shared")), "the source's own .shared left out");

    const char *kept[] = {"a.txt",       "sub/b.bin",  "sub/deeper/c.txt", "empty.txt",
                          "other/o.txt", "env.txt",    "notes.pem.txt",    "my.keys",
                          "config",      ".gitignore", ".git/HEAD",        ".git/refs/heads/main"};
    for (size_t i = 0; i < COUNT(kept); i++) {
        char a[512], b[512];
        snprintf(a, sizeof a, "src/%s", kept[i]);
        snprintf(b, sizeof b, "reader/.shared/src/%s", kept[i]);
        CHECK(same_bytes(at(a), at(b)), b);
    }

    CHECK(is_link_to(at("reader/.shared/src/link_in"), "a.txt"),
          "a link to a file inside is copied as a link");
    CHECK(is_link_to(at("reader/.shared/src/sub/up"), "../a.txt"), "a link up to a file inside is kept");
    CHECK(is_link_to(at("reader/.shared/src/linkdir"), "sub"), "a link to a folder inside is kept");
    CHECK(is_link_to(at("reader/.shared/src/dot"), "."), "a link to the root is kept");
    CHECK(is_link_to(at("reader/.shared/src/sub/side"), "../other"), "a sideways link inside is kept");
    CHECK(same_bytes(at("src/a.txt"), at("reader/.shared/src/link_in")),
          "the kept link resolves in the copy");
    CHECK(!exists(at("reader/.shared/src/link_abs")), "a link to /etc/passwd is left out");
    CHECK(!exists(at("reader/.shared/src/link_out")), "a link to ../../outside is left out");
    CHECK(!exists(at("reader/.shared/src/sub/escape")), "a nested ../ escape is left out");
    CHECK(!exists(at("reader/.shared/src/y")),
          "a link out through another link (sub/side/../..) is left out");
    CHECK(!exists(at("reader/.shared/src/y2")), "a link out through a link to . is left out");
    CHECK(!exists(at("reader/.shared/src/pipe")), "a fifo is left out");
    CHECK(!exists(at("reader/.shared/src/sub/pipe")), "a nested fifo is left out");
    CHECK(!exists(at("reader/.shared/src/sub/sock")), "a socket is left out");

    int bad = 0, files = 0, dirs = 0;
    count_bad_modes(at("reader/.shared/src"), &bad, &files, &dirs);
    CHECK(bad == 0, "files are 0444 and folders 0555, and nothing else is there");
    CHECK(files == (int)COUNT(kept) && dirs >= 6, "every kept file and folder was walked");
}

static void test_refresh(void)
{
    ino_t before = inode_of(at("reader/.shared/src"));
    put_s("src/sub/deeper/c.txt", "charlie v2, longer\n");
    unlink(at("src/empty.txt"));
    put_s("src/new.txt", "new\n");
    err[0] = 0;
    int rc = snapshot_replace(at("src"), at("reader"), "src", GIB, err, sizeof err);
    CHECK(rc == 0, "the refresh succeeds");
    if (rc) printf("  err: %s\n", err);
    ino_t after = inode_of(at("reader/.shared/src"));
    CHECK(before && after && before != after, "the refresh swaps in a new folder");
    CHECK(has_text(at("reader/.shared/src/sub/deeper/c.txt"), "charlie v2, longer\n"),
          "a changed file changes");
    CHECK(!exists(at("reader/.shared/src/empty.txt")), "a removed file disappears");
    CHECK(has_text(at("reader/.shared/src/new.txt"), "new\n"), "a new file appears");
    char names[1024];
    list_names(at("reader/.shared"), names, sizeof names);
    CHECK_STR(names, "src", "the old copy and the temporary folder are gone");

    /* A reader looking all the time never finds the snapshot missing or half there. */
    pid_t child = fork();
    if (child == 0) {
        int misses = 0;
        while (!exists(at("stop-watching"))) {
            if (!exists(at("reader/.shared/src")) || !exists(at("reader/.shared/src/sub/deeper/c.txt")) ||
                !exists(at("reader/.shared/src/new.txt")))
                misses++;
        }
        _exit(misses ? 1 : 0);
    }
    int ok = 1;
    for (int i = 0; i < 20; i++)
        if (snapshot_replace(at("src"), at("reader"), "src", GIB, err, sizeof err)) ok = 0;
    put_s("stop-watching", "");
    int status = 0;
    waitpid(child, &status, 0);
    CHECK(ok, "twenty refreshes in a row succeed");
    CHECK(child > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "a reader watching during the refreshes always found the whole snapshot");
    list_names(at("reader/.shared"), names, sizeof names);
    CHECK_STR(names, "src", "no temporary folder is left after many refreshes");
}

static void test_limit(void)
{
    ino_t before = inode_of(at("reader/.shared/src"));
    put("src/huge.bin", big, sizeof big);
    put_s("src/sub/deeper/c.txt", "charlie v3\n");
    err[0] = 0;
    CHECK(snapshot_replace(at("src"), at("reader"), "src", 100 * 1024, err, sizeof err) == -1,
          "a source over the limit is refused");
    CHECK(strstr(err, "limit") != NULL, "the refusal says it is the limit");
    CHECK(inode_of(at("reader/.shared/src")) == before, "the previous snapshot is still in place");
    CHECK(has_text(at("reader/.shared/src/sub/deeper/c.txt"), "charlie v2, longer\n"),
          "the previous snapshot is unchanged");
    CHECK(!exists(at("reader/.shared/src/huge.bin")), "nothing of the refused copy shows");
    char names[1024];
    list_names(at("reader/.shared"), names, sizeof names);
    CHECK_STR(names, "src", "the partial copy is removed");
    unlink(at("src/huge.bin"));

    /* The limit is inclusive: exactly limit bytes pass, one more does not. */
    put("exact/one", big, 600);
    put("exact/two/three", big, 400);
    CHECK(snapshot_replace(at("exact"), at("reader"), "exact", 1000, err, sizeof err) == 0,
          "a source of exactly the limit passes");
    CHECK(snapshot_replace(at("exact"), at("reader"), "exact", 999, err, sizeof err) == -1,
          "a source one byte over the limit is refused");
    CHECK(same_bytes(at("exact/two/three"), at("reader/.shared/exact/two/three")),
          "the snapshot made at the limit is still there");
}

/* Appends tail to the path in s (size bytes); a path that would not fit stops the test. */
static void append(char *s, size_t size, const char *tail)
{
    size_t n = strlen(s);
    if ((size_t)snprintf(s + n, size - n, "%s", tail) >= size - n) abort();
}

static void test_depth(void)
{
    char rel[1024] = "deep";
    for (int i = 0; i < 64; i++)
        append(rel, sizeof rel, "/d");
    mkdirs(rel);
    append(rel, sizeof rel, "/leaf.txt");
    put_s(rel, "leaf\n");
    err[0] = 0;
    int rc = snapshot_replace(at("deep"), at("reader"), "deep", GIB, err, sizeof err);
    CHECK(rc == 0, "64 nested folders are copied");
    if (rc) printf("  err: %s\n", err);
    char snap[1100];
    snprintf(snap, sizeof snap, "reader/.shared/%s", rel);
    CHECK(has_text(at(snap), "leaf\n"), "the file 64 folders down is there");

    *strrchr(rel, '/') = 0;
    append(rel, sizeof rel, "/d");
    mkdirs(rel);
    err[0] = 0;
    CHECK(snapshot_replace(at("deep"), at("reader"), "deep", GIB, err, sizeof err) == -1,
          "65 nested folders are refused");
    CHECK(strstr(err, "64") != NULL, "the refusal names the depth limit");
    CHECK(strstr(err, "d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d") != NULL,
          "and the folder's whole path");
    CHECK(has_text(at(snap), "leaf\n"), "the previous deep snapshot is kept");
    CHECK(snapshot_remove(at("reader"), "deep", err, sizeof err) == 0, "a 64-deep snapshot is removed");
    CHECK(!exists(at("reader/.shared/deep")), "the deep snapshot is gone");
}

/* In two steps: nothing is in place until the swap, and a discarded copy leaves nothing. */
static void test_staged(void)
{
    char staged[SNAPSHOT_STAGED_MAX], names[1024];
    mkdirs("staged");
    CHECK(snapshot_prepare(at("src"), at("staged"), "src", GIB, staged, err, sizeof err) == 0,
          "prepare a copy");
    CHECK(!exists(at("staged/.shared/src")), "a prepared copy is not in place");
    list_names(at("staged/.shared"), names, sizeof names);
    CHECK(strcmp(names, staged) == 0 && staged[0] == '.', "it waits in one hidden folder");
    snapshot_discard(at("staged"), staged);
    list_names(at("staged/.shared"), names, sizeof names);
    CHECK(names[0] == '\0', "a discarded copy leaves nothing");
    CHECK(snapshot_prepare(at("src"), at("staged"), "src", GIB, staged, err, sizeof err) == 0 &&
              snapshot_swap(at("staged"), "src", staged, err, sizeof err) == 0,
          "prepare and swap");
    list_names(at("staged/.shared"), names, sizeof names);
    CHECK(strcmp(names, "src") == 0 && exists(at("staged/.shared/src/sub/deeper")),
          "a swapped copy is in place, and nothing else is left");
}

static void test_remove(void)
{
    err[0] = 0;
    int rc = snapshot_remove(at("reader"), "src", err, sizeof err);
    CHECK(rc == 0, "snapshot_remove succeeds on a read-only tree");
    if (rc) printf("  err: %s\n", err);
    CHECK(!exists(at("reader/.shared/src")), "the snapshot is gone");
    char names[1024];
    list_names(at("reader/.shared"), names, sizeof names);
    CHECK_STR(names, "exact", "nothing else in .shared is touched and nothing is left over");
    CHECK(snapshot_remove(at("reader"), "src", err, sizeof err) == 0, "removing a missing snapshot is 0");
    mkdirs("fresh");
    CHECK(snapshot_remove(at("fresh"), "src", err, sizeof err) == 0, "removing without a .shared is 0");
    CHECK(!exists(at("fresh/.shared")), "removing makes no .shared");
}

static void test_planted_links(void)
{
    /* The reader put a link where the snapshot goes: it is replaced, its target untouched. */
    put_s("victim/keep.txt", "keep\n");
    mkdirs("r2/.shared");
    symlink(at("victim"), at("r2/.shared/src"));
    err[0] = 0;
    int rc = snapshot_replace(at("exact"), at("r2"), "src", GIB, err, sizeof err);
    CHECK(rc == 0, "a link in the snapshot's place is replaced");
    if (rc) printf("  err: %s\n", err);
    struct stat st;
    CHECK(lstat(at("r2/.shared/src"), &st) == 0 && S_ISDIR(st.st_mode), "the snapshot is a real folder now");
    CHECK(has_text(at("victim/keep.txt"), "keep\n"), "the link's target is untouched");
    char names[256];
    list_names(at("victim"), names, sizeof names);
    CHECK_STR(names, "keep.txt", "nothing was written into the link's target");

    /* .shared itself is a link: refused, nothing written through it. */
    mkdirs("r3");
    mkdirs("elsewhere");
    symlink(at("elsewhere"), at("r3/.shared"));
    err[0] = 0;
    CHECK(snapshot_replace(at("exact"), at("r3"), "src", GIB, err, sizeof err) == -1 && err[0],
          "a .shared that is a link is refused");
    list_names(at("elsewhere"), names, sizeof names);
    CHECK(names[0] == 0, "nothing was written through the .shared link");
    CHECK(snapshot_remove(at("r3"), "src", err, sizeof err) == -1, "snapshot_remove refuses a .shared link");
}

static void test_reader_inside_source(void)
{
    put_s("outer/f.txt", "f\n");
    mkdirs("outer/r");
    err[0] = 0;
    int rc = snapshot_replace(at("outer"), at("outer/r"), "outer", GIB, err, sizeof err);
    CHECK(rc == 0, "a reader inside its source gets a snapshot");
    if (rc) printf("  err: %s\n", err);
    CHECK(has_text(at("outer/r/.shared/outer/f.txt"), "f\n"), "the source's files are there");
    CHECK(exists(at("outer/r/.shared/outer/r")) && !exists(at("outer/r/.shared/outer/r/.shared")),
          "the snapshot does not copy itself");
}

/* ---- the exclusion rule, as data ------------------------------------------------------- */

/* Each path is written (its content is its own path) at the root and nested, in its own
 * case, in upper case and in mixed case; kept paths must be copied byte for byte, the others
 * left out. access.md: every name is matched without regard to case and at any depth. */
static const struct {
    const char *path;
    int kept;
} rule_cases[] = {
    /* environment files */
    {".env", 0},
    {".envrc", 0},
    {".env.local", 0},
    {".env.production", 0},
    /* credential files */
    {"credentials.json", 0},
    {"service-account.json", 0},
    {".npmrc", 0},
    {".pypirc", 0},
    {".netrc", 0},
    {".htpasswd", 0},
    {".pgpass", 0},
    {"server.pem", 0},
    {"tls.key", 0},
    {"id_rsa", 0},
    {"id_rsa.pub", 0},
    {"id_ed25519", 0},
    {"id_ed25519.pub", 0},
    {".git-credentials", 0},
    /* configuration folders */
    {".zeroclaw/t", 0},
    {".claude/t", 0},
    {".codex/t", 0},
    {".cursor/t", 0},
    {".config/t", 0},
    {".vscode/t", 0},
    {".idea/t", 0},
    {".docker/t", 0},
    {".ssh/t", 0},
    {".aws/t", 0},
    {".gnupg/t", 0},
    /* dependency folders */
    {"node_modules/p/index.js", 0},
    {".yarn/cache/z", 0},
    {".pnpm-store/v3/f", 0},
    /* git internals, in every git folder */
    {".git/config", 0},
    {".git/objects/ab/cdef", 0},
    {".git/lfs/objects/x", 0},
    {".git/modules/sub/config", 0},
    {".git/modules/sub/objects/ab/cd", 0},
    {".git/modules/sub/lfs/x", 0},
    {".git/modules/libs/foo/config", 0},    /* a submodule whose name holds a "/" */
    {".git/modules/a/modules/b/config", 0}, /* a submodule's submodule */
    {"a/b/.git/config", 0},                 /* a nested repository */
    {"vendor/lib/.git/objects/ab/cd", 0},
    /* any .shared folder: a third sandbox's snapshot is never passed on */
    {".shared/other/secret", 0},
    {"x/.shared/other/secret", 0},
    /* near misses: all copied */
    {"environment.md", 1},
    {"env.txt", 1},
    {"keys.txt", 1},
    {"my.keys", 1},
    {"pem.md", 1},
    {"notes.pem.txt", 1},
    {"config", 1},
    {"src/config", 1},
    {"shared/notes.md", 1},
    {".github/workflows/x.yml", 1},
    {"src/.gitignore", 1},
    {".gitmodules", 1},
    {"lib/.git", 1}, /* a submodule's ".git" file: only "gitdir: ..." */
    {".git/HEAD", 1},
    {".git/refs/heads/main", 1},
    {".git/refs/heads/config", 1}, /* a branch named config, not the git folder's config */
    {".git/modules/sub/HEAD", 1},
    {"a/b/.git/HEAD", 1},
};
static const char *rule_levels[] = {"", "in/side/"};
enum { AS_IS, UPPER, MIXED, CASES };

/* rel with its letters in the given case (MIXED: every other letter upper). */
static void recase(char *out, size_t n, const char *rel, int how)
{
    size_t i = 0;
    int letters = 0;
    for (; rel[i] && i + 1 < n; i++) {
        char ch = rel[i];
        int up = how == UPPER || (how == MIXED && (letters++ % 2 == 0));
        if (ch >= 'a' && ch <= 'z' && up) ch = (char)(ch - 'a' + 'A');
        out[i] = ch;
    }
    out[i] = 0;
}

static void test_exclusion_rule(void)
{
    char rel[256], path[512], snap[512];
    for (size_t i = 0; i < COUNT(rule_cases); i++)
        for (size_t l = 0; l < COUNT(rule_levels); l++)
            for (int how = 0; how < CASES; how++) {
                recase(rel, sizeof rel, rule_cases[i].path, how);
                snprintf(path, sizeof path, "cred/%s%s", rule_levels[l], rel);
                put_s(path, path);
            }
    mkdirs("rcred");
    err[0] = 0;
    int rc = snapshot_replace(at("cred"), at("rcred"), "cred", GIB, err, sizeof err);
    CHECK(rc == 0, "the snapshot of the exclusion cases is made");
    if (rc) printf("  err: %s\n", err);
    int kept = 0;
    for (size_t i = 0; i < COUNT(rule_cases); i++)
        for (size_t l = 0; l < COUNT(rule_levels); l++)
            for (int how = 0; how < CASES; how++) {
                recase(rel, sizeof rel, rule_cases[i].path, how);
                snprintf(path, sizeof path, "cred/%s%s", rule_levels[l], rel);
                snprintf(snap, sizeof snap, "rcred/.shared/cred/%s%s", rule_levels[l], rel);
                if (rule_cases[i].kept) {
                    CHECK(has_text(at(snap), path), snap);
                    kept++;
                } else {
                    CHECK(!exists(at(snap)), snap);
                }
            }
    int bad = 0, files = 0, dirs = 0;
    count_bad_modes(at("rcred/.shared/cred"), &bad, &files, &dirs);
    CHECK(bad == 0 && files == kept, "the kept files, and nothing else, are in the snapshot");
}

/* ---- limits ----------------------------------------------------------------------------- */

/* 10,000 files in nested folders: every one is in the snapshot with its content. */
static void test_many_files(void)
{
    char rel[128], snap[160];
    for (int i = 0; i < 10000; i++) {
        snprintf(rel, sizeof rel, "many/d%02d/e%02d/f%03d.txt", i / 1000, i / 100 % 10, i % 100);
        put_s(rel, rel);
    }
    mkdirs("rmany");
    err[0] = 0;
    int rc = snapshot_replace(at("many"), at("rmany"), "many", GIB, err, sizeof err);
    CHECK(rc == 0, "a tree of 10,000 files is copied");
    if (rc) printf("  err: %s\n", err);
    int missing = 0;
    for (int i = 0; i < 10000; i++) {
        snprintf(rel, sizeof rel, "many/d%02d/e%02d/f%03d.txt", i / 1000, i / 100 % 10, i % 100);
        snprintf(snap, sizeof snap, "rmany/.shared/%s", rel);
        if (!has_text(at(snap), rel)) {
            if (missing++ < 5) printf("  missing or different: %s\n", snap);
        }
    }
    CHECK(missing == 0, "each of the 10,000 files is in the snapshot with its content");
    int bad = 0, files = 0, dirs = 0;
    count_bad_modes(at("rmany/.shared/many"), &bad, &files, &dirs);
    CHECK(bad == 0 && files == 10000 && dirs == 1 + 10 + 100, "exactly those files and folders, sealed");
}

/* A link that stays inside, but whose resolution passes through five links with long
 * targets (each "lN/" and then 4,000 bytes of "./"): the path still to follow grows past
 * 16 KiB, and must not be taken for a way out. */
static void test_long_link_chain(void)
{
    static char target[4096];
    mkdirs("chain/d");
    put_s("chain/d/t.txt", "t\n");
    symlink("d", at("chain/l6"));
    for (int k = 5; k >= 1; k--) {
        int n = snprintf(target, sizeof target, "l%d", k + 1);
        for (int j = 0; j < 2000; j++)
            n += snprintf(target + n, sizeof target - (size_t)n, "/.");
        char name[32];
        snprintf(name, sizeof name, "chain/l%d", k);
        symlink(target, at(name));
    }
    mkdirs("rchain");
    err[0] = 0;
    int rc = snapshot_replace(at("chain"), at("rchain"), "chain", GIB, err, sizeof err);
    CHECK(rc == 0, "a tree with a long chain of links is copied");
    if (rc) printf("  err: %s\n", err);
    char t1[4096];
    snprintf(t1, sizeof t1, "%s", target); /* l1's target, the last one made */
    CHECK(is_link_to(at("rchain/.shared/chain/l1"), t1), "a link through five long links is kept");
    CHECK(has_text(at("rchain/.shared/chain/l1/t.txt"), "t\n"), "and it resolves inside the copy");
}

int main(void)
{
    umask(077); /* the modes asked for must not depend on the umask */
    if (!mkdtemp(base)) {
        perror("mkdtemp");
        return 2;
    }
    make_source();
    test_bad_names();
    test_first_snapshot();
    test_refresh();
    test_limit();
    test_depth();
    test_remove();
    test_staged();
    test_planted_links();
    test_reader_inside_source();
    test_exclusion_rule();
    test_many_files();
    test_long_link_chain();
    rm_rf(base);
    CHECK(!exists(base), "the temporary folders are cleaned up");
    return CHECK_SUMMARY();
}
