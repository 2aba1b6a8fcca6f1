/* Running a program as a test drives it (spawn.h). */
#define _GNU_SOURCE
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static void *must(void *p)
{
    if (!p) {
        perror("spawn");
        exit(1);
    }
    return p;
}

int64_t spawn_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The length of the name in "NAME=value" or "NAME". */
static size_t name_len(const char *e)
{
    const char *eq = strchr(e, '=');
    return eq ? (size_t)(eq - e) : strlen(e);
}

static int changed_by(const char *var, const char *const *env)
{
    for (int i = 0; env && env[i]; i++)
        if (name_len(env[i]) == name_len(var) && strncmp(env[i], var, name_len(var)) == 0) return 1;
    return 0;
}

char **spawn_env(const char *const *env)
{
    size_t n = 0, k = 0;
    while (environ[n])
        n++;
    for (int i = 0; env && env[i]; i++)
        n++;
    char **out = must(calloc(n + 1, sizeof *out));
    for (size_t i = 0; environ[i]; i++)
        if (!changed_by(environ[i], env)) out[k++] = must(strdup(environ[i]));
    for (int i = 0; env && env[i]; i++)
        if (strchr(env[i], '=')) out[k++] = must(strdup(env[i]));
    out[k] = NULL;
    return out;
}

void spawn_env_free(char **envp)
{
    for (size_t i = 0; envp && envp[i]; i++)
        free(envp[i]);
    free(envp);
}

int spawn_start(struct spawn_child *c, const char *const *argv, const char *const *env, int flags)
{
    signal(SIGPIPE, SIG_IGN);
    c->pid = -1;
    c->in = c->out = c->err = -1;
    int p[3][2] = {{-1, -1}, {-1, -1}, {-1, -1}};
    static const int bit[3] = {SPAWN_IN, SPAWN_OUT, SPAWN_ERR};
    for (int i = 0; i < 3; i++)
        if ((flags & bit[i]) && pipe2(p[i], O_CLOEXEC)) goto fail;
    char **envp = spawn_env(env);
    fflush(NULL); /* nothing buffered is written twice */
    pid_t pid = fork();
    if (pid == 0) {
        if (flags & SPAWN_SETSID) setsid();
        for (int i = 0; i < 3; i++)
            if (p[i][0] >= 0 && dup2(p[i][i == 0 ? 0 : 1], i) < 0) _exit(126);
        execve(argv[0], (char *const *)argv, envp);
        _exit(127);
    }
    int saved = errno;
    spawn_env_free(envp);
    if (pid < 0) {
        errno = saved;
        goto fail;
    }
    c->pid = pid;
    int *ends[3] = {&c->in, &c->out, &c->err};
    for (int i = 0; i < 3; i++) {
        if (p[i][0] < 0) continue;
        close(p[i][i == 0 ? 0 : 1]);
        *ends[i] = p[i][i == 0 ? 1 : 0];
    }
    return 0;
fail:
    saved = errno;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 2; j++)
            if (p[i][j] >= 0) close(p[i][j]);
    errno = saved;
    return -1;
}

static int decode(int st)
{
    if (WIFEXITED(st)) return WEXITSTATUS(st);
    if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
    return -1;
}

int spawn_wait(pid_t pid, int64_t deadline_ms)
{
    int st;
    for (;;) {
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid) return decode(st);
        if (r < 0 && errno != EINTR) return -1;
        if (spawn_now_ms() >= deadline_ms) {
            kill(pid, SIGKILL);
            while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
            }
            return -1;
        }
        struct timespec two_ms = {0, 2000000};
        nanosleep(&two_ms, NULL);
    }
}

/* Room for n more bytes and a NUL. */
static void reserve(struct spawn_buf *b, size_t n)
{
    if (b->len + n + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n + 1)
        cap *= 2;
    b->p = must(realloc(b->p, cap));
    b->cap = cap;
}

void spawn_buf_add(struct spawn_buf *b, const void *s, size_t n)
{
    reserve(b, n);
    if (n) memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void spawn_buf_printf(struct spawn_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void spawn_buf_free(struct spawn_buf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

int spawn_run(const char *const *argv, const char *const *env, const char *in, size_t in_len, int timeout_ms,
              struct spawn_result *r)
{
    memset(r, 0, sizeof *r);
    struct spawn_buf got[2] = {{0}, {0}};
    struct spawn_child c;
    int64_t deadline = spawn_now_ms() + timeout_ms;
    if (spawn_start(&c, argv, env, SPAWN_IN | SPAWN_OUT | SPAWN_ERR | SPAWN_SETSID)) {
        perror("spawn");
        r->status = -1;
        goto out;
    }
    if (!in) in_len = 0;
    size_t sent = 0;
    if (in_len == 0) {
        close(c.in);
        c.in = -1;
    } else {
        fcntl(c.in, F_SETFL, fcntl(c.in, F_GETFL) | O_NONBLOCK);
    }
    int *fds[3] = {&c.in, &c.out, &c.err};
    while (c.out >= 0 || c.err >= 0) {
        struct pollfd p[3];
        int idx[3], np = 0;
        for (int i = 0; i < 3; i++) {
            idx[i] = -1;
            if (*fds[i] < 0) continue;
            idx[i] = np;
            p[np++] = (struct pollfd){*fds[i], i == 0 ? POLLOUT : POLLIN, 0};
        }
        int64_t left = deadline - spawn_now_ms();
        if (left <= 0) break;
        int k = poll(p, (nfds_t)np, (int)left);
        if (k < 0 && errno != EINTR) break;
        if (k <= 0) continue;
        if (idx[0] >= 0 && p[idx[0]].revents) {
            ssize_t w = write(c.in, in + sent, in_len - sent);
            if (w > 0) sent += (size_t)w;
            if ((w < 0 && errno != EAGAIN && errno != EINTR) || sent == in_len) {
                close(c.in); /* all written, or the child closed its end (EPIPE) */
                c.in = -1;
            }
        }
        for (int i = 1; i < 3; i++) {
            if (idx[i] < 0 || !p[idx[i]].revents) continue;
            char chunk[65536];
            ssize_t n = read(*fds[i], chunk, sizeof chunk);
            if (n > 0) {
                spawn_buf_add(&got[i - 1], chunk, (size_t)n);
            } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
                close(*fds[i]);
                *fds[i] = -1;
            }
        }
    }
    /* Both streams at their end: the child is ending, or is given until the deadline. Else the
     * deadline passed (or poll failed): it is killed now. */
    int ended = c.out < 0 && c.err < 0;
    for (int i = 0; i < 3; i++)
        if (*fds[i] >= 0) close(*fds[i]);
    r->status = spawn_wait(c.pid, ended ? deadline : spawn_now_ms());
    if (!ended) r->status = -1;
out:
    for (int i = 0; i < 2; i++)
        spawn_buf_add(&got[i], "", 0);
    r->out = got[0].p;
    r->out_len = got[0].len;
    r->err = got[1].p;
    r->err_len = got[1].len;
    return r->status;
}

void spawn_result_free(struct spawn_result *r)
{
    free(r->out);
    free(r->err);
    memset(r, 0, sizeof *r);
}
