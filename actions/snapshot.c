/* Cross-sandbox snapshots (snapshot.h, access.md "Cross-sandbox snapshots").
 *
 * Every name is reached through a folder's fd (openat, fstatat with AT_SYMLINK_NOFOLLOW,
 * O_NOFOLLOW), never through a link. The copy is built in a hidden folder beside the
 * snapshot (.shared/.<name>.new-…, a name no sandbox can have), then sealed: links that
 * would lead out of it are dropped and every folder is made 0555, deepest first. Only then
 * is it swapped in, so a reader sees the old snapshot or the new one, never a mix. */
#define _GNU_SOURCE /* renameat2, RENAME_EXCHANGE */
#include "snapshot.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_DEPTH     64  /* folders below the snapshot's root */
#define MAX_LINK_HOPS 40  /* as the kernel's own limit before ELOOP */
#define NAME_LIMIT    200 /* longest source_name: room is left for the hidden names' affixes */
#define HIDDEN_MAX    256 /* a hidden name: "." NAME_LIMIT "." kind "-" pid "-" 6 hex digits */

/* What is left out: access.md's list, as one table. Every pattern is matched (fnmatch,
 * without regard to case, so ".ENV", "ID_RSA" and "Server.PEM" are caught) at any depth,
 * and a match leaves out the entry and everything below it.
 *   NAME:   against the entry's own name, wherever it is;
 *   IN_GIT: against the entry's path inside the nearest enclosing ".git" folder, with "*"
 *           crossing "/": so every git folder (the root's, a nested repository's, a
 *           vendored one's) and every submodule's under .git/modules/ is covered. */
enum scope { NAME, IN_GIT };
static const struct exclusion {
    const char *pattern;
    enum scope scope;
} exclusions[] = {
    /* Environment files hold secrets by design; ".env*" covers .env, .envrc, .env.local. */
    {".env*", NAME},
    /* Credential files: cloud, package-registry and database logins. */
    {"credentials.json", NAME},
    {"service-account.json", NAME},
    {".npmrc", NAME},
    {".pypirc", NAME},
    {".netrc", NAME},
    {".htpasswd", NAME},
    {".pgpass", NAME},
    {".git-credentials", NAME}, /* git's "store" helper keeps tokens here in plain text */
    /* Private keys and certificates, and SSH keys ("id_rsa*" takes the .pub halves too, as
     * access.md lists it: a name alone does not tell a key from its public half). */
    {"*.pem", NAME},
    {"*.key", NAME},
    {"id_rsa*", NAME},
    {"id_ed25519*", NAME},
    /* Configuration folders that often hold tokens (editors, agents, clouds, ssh, gpg). */
    {".zeroclaw", NAME},
    {".claude", NAME},
    {".codex", NAME},
    {".cursor", NAME},
    {".config", NAME},
    {".vscode", NAME},
    {".idea", NAME},
    {".docker", NAME},
    {".ssh", NAME},
    {".aws", NAME},
    {".gnupg", NAME},
    /* Dependency folders: large, rebuilt from the lock file, and their caches can hold
     * registry tokens. */
    {"node_modules", NAME},
    {".yarn", NAME},
    {".pnpm-store", NAME},
    /* Another sandbox's snapshots, at any depth: a snapshot is never passed on to a third. */
    {".shared", NAME},
    /* Git internals: the config's remote URLs can hold credentials; objects and lfs are
     * the whole history (secrets once committed and removed) and large. */
    {"config", IN_GIT},
    {"objects", IN_GIT},
    {"lfs", IN_GIT},
    /* Submodules' own git folders (.git/modules/<name>/, names may hold "/", and nested
     * submodules are .git/modules/a/modules/b/). */
    {"modules/*/config", IN_GIT},
    {"modules/*/objects", IN_GIT},
    {"modules/*/lfs", IN_GIT},
};

/* A string that grows as needed, so a path or a link's target is never cut to fit. */
struct str {
    char *s;
    size_t len, cap;
};

/* Room for need bytes (the terminating 0 included). 0, or -1 out of memory. */
static int str_reserve(struct str *p, size_t need)
{
    if (need <= p->cap) return 0;
    size_t cap = p->cap ? p->cap : 256;
    while (cap < need) {
        if (cap > (size_t)-1 / 2) return -1;
        cap *= 2;
    }
    char *s = realloc(p->s, cap);
    if (!s) return -1;
    p->s = s;
    p->cap = cap;
    return 0;
}

static void str_free(struct str *p)
{
    free(p->s);
    *p = (struct str){0};
}

struct copy {
    const char *name; /* the source sandbox, for messages */
    unsigned long long limit, total;
    dev_t skip_dev[2];          /* the reader's .shared and the copy being built, should they lie */
    ino_t skip_ino[2];          /* inside the source tree: never copied into themselves */
    struct str rel;             /* the entry at hand, as a path from the tree's root */
    struct str target;          /* a link's target, as read */
    struct str cur, pend, link; /* for following links in the copy */
    char buf[1 << 16];          /* file contents on their way; not a path */
    char *err;
    size_t errlen;
};

__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
        if (n >= 0 && (size_t)n >= errlen && errlen > 4)
            memcpy(err + errlen - 4, "...", 4); /* a cut message says so */
    }
    return -1;
}

static int valid_name(const char *s)
{
    if (!s || !((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9'))) return 0;
    size_t n = 0;
    for (; s[n]; n++)
        if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '_' || s[n] == '-'))
            return 0;
    return n <= NAME_LIMIT;
}

static int bad_name(const char *s, char *err, size_t errlen)
{
    char shown[68]; /* a bad name is shown, made printable; past 64 bytes it is marked as cut */
    size_t i = 0;
    for (; s && s[i] && i < 64; i++)
        shown[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
    shown[i] = 0;
    return fail(err, errlen,
                "\"%s%s\" is not a sandbox name (lower-case letters, digits, \"_\" and \"-\", starting with "
                "a letter or digit)",
                shown, s && s[i] ? "..." : "");
}

/* The longest hidden name (NAME_LIMIT, the longest kind "new", a 64-bit pid, 6 hex digits)
 * fits in HIDDEN_MAX, in what the caller of snapshot_prepare keeps, and in a file name. */
_Static_assert(1 + NAME_LIMIT + 1 + 3 + 1 + 20 + 1 + 6 < HIDDEN_MAX, "hidden names fit");
_Static_assert(HIDDEN_MAX <= SNAPSHOT_STAGED_MAX && HIDDEN_MAX <= 256, "hidden names fit");

/* A hidden name beside the snapshot, unlikely to be taken, into out[HIDDEN_MAX]. 0, or -1
 * if it did not fit (never, by the assertions above; checked all the same). */
static int hidden_name(char out[HIDDEN_MAX], const char *name, const char *kind, unsigned attempt)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    unsigned long r = ((unsigned long)ts.tv_nsec ^ (attempt * 2654435761u)) & 0xffffffUL;
    int n = snprintf(out, HIDDEN_MAX, ".%s.%s-%ld-%06lx", name, kind, (long)getpid(), r);
    return n > 0 && n < HIDDEN_MAX ? 0 : -1;
}

static const char *where_of(const struct copy *c) { return c->rel.len ? c->rel.s : "the top folder"; }

/* Appends "/name" to c->rel (grown as needed); *saved is what rel_pop takes back. 0, or -1
 * out of memory. */
static int rel_push(struct copy *c, const char *name, size_t *saved)
{
    size_t n = strlen(name), at = c->rel.len;
    if (str_reserve(&c->rel, at + 1 + n + 1)) return -1;
    *saved = at;
    if (at) c->rel.s[at++] = '/';
    memcpy(c->rel.s + at, name, n + 1);
    c->rel.len = at + n;
    return 0;
}

static void rel_pop(struct copy *c, size_t saved)
{
    c->rel.len = saved;
    c->rel.s[saved] = 0;
}

/* The part of rel below its nearest enclosing ".git" folder (any case), or NULL when it is
 * in none. The last part of rel is the entry itself, never taken for its own folder. */
static const char *inside_git(const char *rel)
{
    const char *found = NULL;
    for (const char *p = rel, *slash; (slash = strchr(p, '/')); p = slash + 1)
        if (slash - p == 4 && strncasecmp(p, ".git", 4) == 0) found = slash + 1;
    return found;
}

/* Whether the entry name, at rel from the tree's root, is left out (the table above). */
static int excluded(const char *name, const char *rel)
{
    const char *in_git = inside_git(rel);
    for (size_t i = 0; i < sizeof exclusions / sizeof exclusions[0]; i++) {
        const char *subject = exclusions[i].scope == NAME ? name : in_git;
        if (subject && fnmatch(exclusions[i].pattern, subject, FNM_CASEFOLD) == 0) return 1;
    }
    return 0;
}

/* Reads the link name in fd into out, grown until the whole target fits. Its length, or
 * -1 with errno (ENOMEM when out could not grow). */
static ssize_t read_link(int fd, const char *name, struct str *out)
{
    size_t want = out->cap > 256 ? out->cap : 256;
    for (;;) {
        if (str_reserve(out, want)) {
            errno = ENOMEM;
            return -1;
        }
        ssize_t n = readlinkat(fd, name, out->s, out->cap);
        if (n < 0) return -1;
        if ((size_t)n < out->cap) {
            out->s[n] = 0;
            out->len = (size_t)n;
            return n;
        }
        want = out->cap * 2; /* filled to the brim: it may be longer */
    }
}

static int is_skipped(const struct copy *c, const struct stat *st)
{
    for (int i = 0; i < 2; i++)
        if (st->st_dev == c->skip_dev[i] && st->st_ino == c->skip_ino[i]) return 1;
    return 0;
}

static int too_big(struct copy *c)
{
    return fail(c->err, c->errlen,
                "the snapshot of %s would be larger than the limit of %llu bytes; nothing was replaced",
                c->name, c->limit);
}

/* Whether target, read from a link in a folder depth levels below the root, stays inside
 * the tree when resolved by name alone ("." and ".." lexically, no link followed). */
static int lexically_inside(const char *target, int depth)
{
    if (target[0] == '/' || target[0] == 0) return 0;
    long level = depth;
    for (const char *p = target; *p;) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            if (level == 0) return 0;
            level--;
        } else if (!(n == 0 || (n == 1 && p[0] == '.'))) {
            level++;
        }
        p += n;
        if (*p == '/') p++;
    }
    return 1;
}

/* Follows target as the kernel would, from the folder c->rel of the copy (rootfd), through
 * the links the copy holds. 0 when that leaves the copy, meets an absolute link or takes too
 * many links; 1 otherwise (a missing name ends the walk: a dangling link leads nowhere); -1
 * out of memory. The paths walked grow as needed: a long chain is never taken for a way
 * out. A lexically harmless target can still climb out through another link (y -> d/../..
 * with d -> ../e), which is why the copy is checked as a whole once it is complete. */
static int physically_inside(struct copy *c, int rootfd, const char *target)
{
    size_t cl = c->rel.len, at = 0, tl = strlen(target);
    int hops = 0;
    if (target[0] == '/') return 0;
    if (str_reserve(&c->cur, cl + 1) || str_reserve(&c->pend, tl + 1)) return -1;
    char *cur = c->cur.s, *pend = c->pend.s;
    memcpy(cur, c->rel.s, cl + 1);
    memcpy(pend, target, tl + 1);
    for (;;) {
        while (pend[at] == '/')
            at++;
        if (!pend[at]) return 1;
        const char *p = pend + at, *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        size_t rest = at + n; /* where the rest of the path starts: at a '/' or the end */
        if (n == 1 && p[0] == '.') {
            at = rest;
            continue;
        }
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            if (cl == 0) return 0;
            char *s = strrchr(cur, '/');
            cl = s ? (size_t)(s - cur) : 0;
            cur[cl] = 0;
            at = rest;
            continue;
        }
        size_t saved = cl;
        if (str_reserve(&c->cur, cl + 1 + n + 1)) return -1;
        cur = c->cur.s;
        if (cl) cur[cl++] = '/';
        memcpy(cur + cl, p, n);
        cl += n;
        cur[cl] = 0;
        struct stat st;
        if (fstatat(rootfd, cur, &st, AT_SYMLINK_NOFOLLOW)) return errno == ENOENT || errno == ENOTDIR;
        if (!S_ISLNK(st.st_mode)) {
            at = rest;
            continue;
        }
        if (++hops > MAX_LINK_HOPS) return 0;
        ssize_t ln = read_link(rootfd, cur, &c->link);
        if (ln < 0) return errno == ENOMEM ? -1 : 0;
        if (ln == 0 || c->link.s[0] == '/') return 0;
        cl = saved; /* the link's own folder: its target is read from there */
        cur[cl] = 0;
        size_t rl = strlen(pend + rest);
        if (str_reserve(&c->pend, (size_t)ln + rl + 1)) return -1;
        pend = c->pend.s;
        memmove(pend + ln, pend + rest, rl + 1);
        memcpy(pend, c->link.s, (size_t)ln);
        at = 0;
    }
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int copy_file(struct copy *c, int sfd, int dfd, const char *name)
{
    int in = openat(sfd, name, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (in < 0) {
        if (errno == ENOENT || errno == ELOOP) return 0; /* gone, or a link now: as if never there */
        return fail(c->err, c->errlen, "could not read %s in %s: %s", c->rel.s, c->name, strerror(errno));
    }
    struct stat st;
    if (fstat(in, &st)) {
        int e = errno;
        close(in);
        return fail(c->err, c->errlen, "could not read %s in %s: %s", c->rel.s, c->name, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) { /* replaced since it was listed */
        close(in);
        return 0;
    }
    if ((unsigned long long)st.st_size > c->limit - c->total) {
        close(in);
        return too_big(c);
    }
    int out = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (out < 0) {
        int e = errno;
        close(in);
        return fail(c->err, c->errlen, "could not write the copy of %s: %s", c->rel.s, strerror(e));
    }
    int rc = 0;
    for (;;) {
        ssize_t n = read(in, c->buf, sizeof c->buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            rc = fail(c->err, c->errlen, "could not read %s in %s: %s", c->rel.s, c->name, strerror(errno));
            break;
        }
        if (n == 0) break;
        if ((unsigned long long)n > c->limit - c->total) {
            rc = too_big(c);
            break;
        }
        c->total += (unsigned long long)n;
        if (write_all(out, c->buf, (size_t)n)) {
            rc = fail(c->err, c->errlen, "could not write the copy of %s: %s", c->rel.s, strerror(errno));
            break;
        }
    }
    if (rc == 0) {
        struct timespec times[2] = {st.st_atim, st.st_mtim};
        if (fchmod(out, 0444) || futimens(out, times))
            rc = fail(c->err, c->errlen, "could not seal the copy of %s: %s", c->rel.s, strerror(errno));
    }
    if (close(out) && rc == 0)
        rc = fail(c->err, c->errlen, "could not write the copy of %s: %s", c->rel.s, strerror(errno));
    close(in);
    return rc;
}

/* A link in a folder depth levels below the root: copied as a link when its target stays
 * inside the tree by name; left out otherwise. */
static int copy_link(struct copy *c, int sfd, int dfd, const char *name, int depth)
{
    if (read_link(sfd, name, &c->target) < 0) {
        if (errno == ENOENT || errno == EINVAL) return 0; /* gone, or no longer a link */
        return fail(c->err, c->errlen, "could not read the link %s in %s: %s", c->rel.s, c->name,
                    strerror(errno));
    }
    const char *target = c->target.s;
    if (!lexically_inside(target, depth)) return 0;
    if (symlinkat(target, dfd, name))
        return fail(c->err, c->errlen, "could not write the copy of %s: %s", c->rel.s, strerror(errno));
    return 0;
}

static int copy_dir(struct copy *c, int sfd, int dfd, int depth);

/* One entry of a source folder (its path is c->rel), copied into dfd. */
static int copy_entry(struct copy *c, int sfd, int dfd, const char *name, int depth)
{
    if (excluded(name, c->rel.s)) return 0;
    struct stat st;
    if (fstatat(sfd, name, &st, AT_SYMLINK_NOFOLLOW)) {
        if (errno == ENOENT) return 0;
        return fail(c->err, c->errlen, "could not read %s in %s: %s", c->rel.s, c->name, strerror(errno));
    }
    if (S_ISREG(st.st_mode)) return copy_file(c, sfd, dfd, name);
    if (S_ISLNK(st.st_mode)) return copy_link(c, sfd, dfd, name, depth);
    if (!S_ISDIR(st.st_mode)) return 0; /* fifos, devices, sockets */
    int sub = openat(sfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (sub < 0) {
        if (errno == ENOENT || errno == ELOOP || errno == ENOTDIR) return 0; /* replaced since listed */
        return fail(c->err, c->errlen, "could not open the folder %s in %s: %s", c->rel.s, c->name,
                    strerror(errno));
    }
    if (fstat(sub, &st) || is_skipped(c, &st)) {
        close(sub);
        return 0;
    }
    if (depth + 1 > MAX_DEPTH) {
        close(sub);
        return fail(c->err, c->errlen,
                    "the folder %s in %s is nested more than %d folders deep, past what a snapshot copies",
                    c->rel.s, c->name, MAX_DEPTH);
    }
    if (mkdirat(dfd, name, 0700)) {
        int e = errno;
        close(sub);
        return fail(c->err, c->errlen, "could not write the copy of %s: %s", c->rel.s, strerror(e));
    }
    int out = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (out < 0) {
        int e = errno;
        close(sub);
        return fail(c->err, c->errlen, "could not write the copy of %s: %s", c->rel.s, strerror(e));
    }
    int rc = copy_dir(c, sub, out, depth + 1);
    close(out);
    return rc;
}

/* Copies the folder sfd (which it closes) into dfd, depth levels below the root. */
static int copy_dir(struct copy *c, int sfd, int dfd, int depth)
{
    DIR *d = fdopendir(sfd);
    if (!d) {
        int e = errno;
        close(sfd);
        return fail(c->err, c->errlen, "could not list %s in %s: %s", where_of(c), c->name, strerror(e));
    }
    int rc = 0;
    for (;;) {
        errno = 0;
        struct dirent *e = readdir(d);
        if (!e) {
            if (errno)
                rc = fail(c->err, c->errlen, "could not list %s in %s: %s", where_of(c), c->name,
                          strerror(errno));
            break;
        }
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        size_t saved;
        if (rel_push(c, e->d_name, &saved)) {
            rc = fail(c->err, c->errlen, "out of memory for a path in %s", c->name);
            break;
        }
        rc = copy_entry(c, dirfd(d), dfd, e->d_name, depth);
        rel_pop(c, saved);
        if (rc) break;
    }
    closedir(d);
    return rc;
}

/* The second pass over the finished copy, folder fd (which it closes) at c->rel: drops the
 * links that lead out of the copy when followed for real, then makes the folder 0555 once
 * everything below it is done. */
static int seal_dir(struct copy *c, int rootfd, int fd, int depth)
{
    DIR *d = fdopendir(fd);
    if (!d) {
        int e = errno;
        close(fd);
        return fail(c->err, c->errlen, "could not seal the copy of %s: %s", where_of(c), strerror(e));
    }
    int rc = 0;
    for (;;) {
        errno = 0;
        struct dirent *e = readdir(d);
        if (!e) {
            if (errno)
                rc = fail(c->err, c->errlen, "could not seal the copy of %s: %s", where_of(c),
                          strerror(errno));
            break;
        }
        const char *name = e->d_name;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) continue;
        struct stat st;
        if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW)) {
            rc = fail(c->err, c->errlen, "could not seal the copy of %s: %s", name, strerror(errno));
            break;
        }
        if (S_ISLNK(st.st_mode)) {
            ssize_t n = read_link(dirfd(d), name, &c->target);
            int keep = n > 0 ? physically_inside(c, rootfd, c->target.s) : 0;
            if (keep < 0 || (n < 0 && errno == ENOMEM)) {
                rc = fail(c->err, c->errlen, "out of memory following the link %s in the copy", name);
                break;
            }
            if (!keep && unlinkat(dirfd(d), name, 0)) {
                rc = fail(c->err, c->errlen, "could not drop the link %s from the copy: %s", name,
                          strerror(errno));
                break;
            }
        } else if (S_ISDIR(st.st_mode)) {
            if (depth + 1 > MAX_DEPTH) {
                rc = fail(c->err, c->errlen, "the copy is nested more than %d folders deep", MAX_DEPTH);
                break;
            }
            size_t saved;
            int sub = openat(dirfd(d), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub < 0 || rel_push(c, name, &saved)) {
                rc = fail(c->err, c->errlen, "could not seal the copy of %s: %s", name,
                          sub < 0 ? strerror(errno) : "out of memory");
                if (sub >= 0) close(sub);
                break;
            }
            rc = seal_dir(c, rootfd, sub, depth + 1);
            rel_pop(c, saved);
            if (rc) break;
        }
    }
    if (rc == 0 && fchmod(dirfd(d), 0555))
        rc = fail(c->err, c->errlen, "could not seal the copy of %s: %s", where_of(c), strerror(errno));
    closedir(d);
    return rc;
}

/* Removes name in pfd and all below it, read-only folders included, depth levels below the
 * tree being removed. Links are removed, never followed. 0, also when name is not there. */
static int remove_tree(int pfd, const char *name, int depth, char *err, size_t errlen)
{
    struct stat st;
    if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW))
        return errno == ENOENT ? 0 : fail(err, errlen, "could not remove %s: %s", name, strerror(errno));
    if (!S_ISDIR(st.st_mode)) {
        if (unlinkat(pfd, name, 0) && errno != ENOENT)
            return fail(err, errlen, "could not remove %s: %s", name, strerror(errno));
        return 0;
    }
    if (depth > MAX_DEPTH)
        return fail(err, errlen, "could not remove %s: nested more than %d folders deep", name, MAX_DEPTH);
    int fd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if ((errno == ELOOP || errno == ENOTDIR) && unlinkat(pfd, name, 0) == 0)
            return 0; /* not a folder now */
        return errno == ENOENT ? 0 : fail(err, errlen, "could not remove %s: %s", name, strerror(errno));
    }
    (void)fchmod(fd, 0700); /* a read-only folder must be writable to empty it; unlinkat reports failure */
    DIR *d = fdopendir(fd);
    if (!d) {
        int e = errno;
        close(fd);
        return fail(err, errlen, "could not remove %s: %s", name, strerror(e));
    }
    int rc = 0;
    for (;;) {
        errno = 0;
        struct dirent *e = readdir(d);
        if (!e) {
            if (errno) rc = fail(err, errlen, "could not remove %s: %s", name, strerror(errno));
            break;
        }
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        if ((rc = remove_tree(dirfd(d), e->d_name, depth + 1, err, errlen))) break;
    }
    closedir(d);
    if (rc == 0 && unlinkat(pfd, name, AT_REMOVEDIR) && errno != ENOENT)
        rc = fail(err, errlen, "could not remove %s: %s", name, strerror(errno));
    return rc;
}

/* Opens reader_dir/.shared without following a link there; creates it (0755) if asked.
 * *out is -1 when it is missing and not to be created. */
static int open_shared(const char *reader_dir, int create, int *out, char *err, size_t errlen)
{
    *out = -1;
    int rfd = open(reader_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rfd < 0)
        return fail(err, errlen, "could not open the reader's folder %s: %s", reader_dir, strerror(errno));
    int created = 0;
    if (create) {
        if (mkdirat(rfd, ".shared", 0755) == 0)
            created = 1;
        else if (errno != EEXIST) {
            int e = errno;
            close(rfd);
            return fail(err, errlen, "could not make %s/.shared: %s", reader_dir, strerror(e));
        }
    }
    int fd = openat(rfd, ".shared", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int e = errno;
    close(rfd);
    if (fd < 0) {
        if (!create && e == ENOENT) return 0;
        if (e == ELOOP || e == ENOTDIR)
            return fail(err, errlen, "%s/.shared is not a folder (a link or a file is in its place)",
                        reader_dir);
        return fail(err, errlen, "could not open %s/.shared: %s", reader_dir, strerror(e));
    }
    if (created && fchmod(fd, 0755)) { /* exactly 0755, whatever the umask */
        e = errno;
        close(fd);
        return fail(err, errlen, "could not make %s/.shared: %s", reader_dir, strerror(e));
    }
    *out = fd;
    return 0;
}

/* Puts the finished copy tmp in place of name in shfd; removes what was there. 0; -1 when
 * nothing was swapped (tmp is still the new copy); -2 when the new copy is in place but the
 * old one could not be removed (named in err). */
static int swap_in(int shfd, const char *tmp, const char *name, char *err, size_t errlen)
{
    char why[512], old[HIDDEN_MAX];
    if (renameat2(shfd, tmp, shfd, name, RENAME_EXCHANGE) == 0) {
        if (remove_tree(shfd, tmp, 0, why, sizeof why))
            return fail(err, errlen,
                        "the new snapshot of %s is in place, but the old copy (.shared/%s) is left: %s", name,
                        tmp, why) -
                   1;
        return 0;
    }
    int aside = 0, e = errno;
    if (e == EINVAL || e == ENOSYS || e == EOPNOTSUPP) {
        /* A filesystem without RENAME_EXCHANGE: move the old copy aside, then the new in. A
         * reader may find no snapshot for that instant, but never a partial one. */
        if (hidden_name(old, name, "old", 0))
            return fail(err, errlen, "could not name a folder beside the snapshot of %s", name);
        if (renameat(shfd, name, shfd, old) == 0)
            aside = 1;
        else if ((e = errno) != ENOENT)
            return fail(err, errlen, "could not put the new snapshot of %s in place: %s", name, strerror(e));
    } else if (e != ENOENT) { /* ENOENT: there was none */
        return fail(err, errlen, "could not put the new snapshot of %s in place: %s", name, strerror(e));
    }
    if (renameat(shfd, tmp, shfd, name)) {
        e = errno;
        if (aside) (void)renameat(shfd, old, shfd, name);
        return fail(err, errlen, "could not put the new snapshot of %s in place: %s", name, strerror(e));
    }
    if (aside && remove_tree(shfd, old, 0, why, sizeof why))
        return fail(err, errlen,
                    "the new snapshot of %s is in place, but the old copy (.shared/%s) is left: %s", name,
                    old, why) -
               1;
    return 0;
}

int snapshot_prepare(const char *source_dir, const char *reader_dir, const char *source_name,
                     unsigned long long limit_bytes, char staged[SNAPSHOT_STAGED_MAX], char *err,
                     size_t errlen)
{
    if (!valid_name(source_name)) return bad_name(source_name, err, errlen);
    if (!source_dir || !reader_dir) return fail(err, errlen, "a snapshot needs a source and a reader folder");
    int shfd, srcfd = -1, tfd = -1, rc = -1, have_tmp = 0;
    char tmp[HIDDEN_MAX];
    struct copy *c = NULL;
    struct stat st;
    if (open_shared(reader_dir, 1, &shfd, err, errlen)) return -1;
    srcfd = open(source_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (srcfd < 0) {
        fail(err, errlen, "could not open the source folder %s: %s", source_dir, strerror(errno));
        goto out;
    }
    c = calloc(1, sizeof *c);
    if (!c) {
        fail(err, errlen, "out of memory");
        goto out;
    }
    c->name = source_name;
    c->limit = limit_bytes;
    c->err = err;
    c->errlen = errlen;
    if (str_reserve(&c->rel, 1)) {
        fail(err, errlen, "out of memory");
        goto out;
    }
    c->rel.s[0] = 0;
    if (fstat(shfd, &st)) {
        fail(err, errlen, "could not read %s/.shared: %s", reader_dir, strerror(errno));
        goto out;
    }
    c->skip_dev[0] = st.st_dev;
    c->skip_ino[0] = st.st_ino;
    for (unsigned attempt = 0; !have_tmp && attempt < 100; attempt++) {
        if (hidden_name(tmp, source_name, "new", attempt)) {
            errno = ENAMETOOLONG;
            break;
        }
        if (mkdirat(shfd, tmp, 0700) == 0)
            have_tmp = 1;
        else if (errno != EEXIST)
            break;
    }
    if (!have_tmp) {
        fail(err, errlen, "could not make a folder in %s/.shared: %s", reader_dir, strerror(errno));
        goto out;
    }
    tfd = openat(shfd, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (tfd < 0 || fstat(tfd, &st)) {
        fail(err, errlen, "could not open the new copy in %s/.shared: %s", reader_dir, strerror(errno));
        goto out;
    }
    c->skip_dev[1] = st.st_dev;
    c->skip_ino[1] = st.st_ino;
    int s = srcfd;
    srcfd = -1;
    if (copy_dir(c, s, tfd, 0)) goto out;
    int sealfd = dup(tfd);
    if (sealfd < 0) {
        fail(err, errlen, "could not seal the new copy: %s", strerror(errno));
        goto out;
    }
    if (seal_dir(c, tfd, sealfd, 0)) goto out;
    close(tfd);
    tfd = -1;
    snprintf(staged, SNAPSHOT_STAGED_MAX, "%s", tmp);
    have_tmp = 0; /* the caller's now: snapshot_swap or snapshot_discard */
    rc = 0;
out:
    if (tfd >= 0) close(tfd);
    if (srcfd >= 0) close(srcfd);
    if (have_tmp) (void)remove_tree(shfd, tmp, 0, NULL, 0);
    close(shfd);
    if (c) {
        str_free(&c->rel);
        str_free(&c->target);
        str_free(&c->cur);
        str_free(&c->pend);
        str_free(&c->link);
        free(c);
    }
    return rc;
}

int snapshot_swap(const char *reader_dir, const char *source_name, const char *staged, char *err,
                  size_t errlen)
{
    if (!valid_name(source_name)) return bad_name(source_name, err, errlen);
    int shfd;
    if (open_shared(reader_dir, 0, &shfd, err, errlen)) return -1;
    if (shfd < 0) return fail(err, errlen, "the staged snapshot in %s/.shared is gone", reader_dir);
    int swapped = swap_in(shfd, staged, source_name, err, errlen);
    if (swapped == -1) (void)remove_tree(shfd, staged, 0, NULL, 0);
    close(shfd);
    return swapped == 0 ? 0 : -1;
}

void snapshot_discard(const char *reader_dir, const char *staged)
{
    int shfd;
    char err[256];
    if (open_shared(reader_dir, 0, &shfd, err, sizeof err) || shfd < 0) return;
    (void)remove_tree(shfd, staged, 0, NULL, 0);
    close(shfd);
}

int snapshot_replace(const char *source_dir, const char *reader_dir, const char *source_name,
                     unsigned long long limit_bytes, char *err, size_t errlen)
{
    char staged[SNAPSHOT_STAGED_MAX];
    if (snapshot_prepare(source_dir, reader_dir, source_name, limit_bytes, staged, err, errlen)) return -1;
    return snapshot_swap(reader_dir, source_name, staged, err, errlen);
}

int snapshot_remove(const char *reader_dir, const char *source_name, char *err, size_t errlen)
{
    if (!valid_name(source_name)) return bad_name(source_name, err, errlen);
    if (!reader_dir) return fail(err, errlen, "no reader folder given");
    int shfd;
    if (open_shared(reader_dir, 0, &shfd, err, errlen)) return -1;
    if (shfd < 0) return 0;
    /* Hidden first, so a reader never finds half a removed snapshot. */
    char old[HIDDEN_MAX], why[512];
    int rc = 0;
    if (hidden_name(old, source_name, "old", 0)) {
        rc = fail(err, errlen, "could not name a folder beside the snapshot of %s", source_name);
    } else if (renameat(shfd, source_name, shfd, old)) {
        if (errno != ENOENT)
            rc = fail(err, errlen, "could not remove the snapshot of %s: %s", source_name, strerror(errno));
    } else if (remove_tree(shfd, old, 0, why, sizeof why)) {
        rc = fail(err, errlen, "the snapshot of %s is withdrawn, but its copy (.shared/%s) is left: %s",
                  source_name, old, why);
    }
    close(shfd);
    return rc;
}

int snapshot_withdraw(const char *reader_dir, const char *source_name, char hidden[SNAPSHOT_STAGED_MAX],
                      char *err, size_t errlen)
{
    hidden[0] = '\0';
    if (!valid_name(source_name)) return bad_name(source_name, err, errlen);
    if (!reader_dir) return fail(err, errlen, "no reader folder given");
    int shfd;
    if (open_shared(reader_dir, 0, &shfd, err, errlen)) return -1;
    if (shfd < 0) return 0;
    int rc = 0;
    if (hidden_name(hidden, source_name, "old", 0)) {
        close(shfd);
        hidden[0] = '\0';
        return fail(err, errlen, "the snapshot of %s has a name too long to withdraw", source_name);
    }
    if (renameat(shfd, source_name, shfd, hidden)) {
        if (errno != ENOENT)
            rc = fail(err, errlen, "could not withdraw the snapshot of %s: %s", source_name, strerror(errno));
        hidden[0] = '\0';
    }
    close(shfd);
    return rc;
}
