/* Running a program the way a test drives it: arguments, environment and standard input
 * given; standard output, standard error and the exit status captured; every wait bounded by
 * a deadline (a hung child is killed, never waited for). No shell: argv goes to execve as is.
 *
 * The environment of a child is ours changed by `env` (NULL: unchanged): each entry is
 * "NAME=value" to set NAME, or "NAME" alone to remove it. It is built before fork, so a test
 * with threads may spawn too.
 *
 * Using it ignores SIGPIPE in the calling process: a child that exits before reading all its
 * input is an answer to check, not a reason for the test to die. */
#ifndef CONCIERGE_TEST_SPAWN_H
#define CONCIERGE_TEST_SPAWN_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Which standard streams of the child are pipes to us; the others are the test's own. */
#define SPAWN_IN     1
#define SPAWN_OUT    2
#define SPAWN_ERR    4
#define SPAWN_SETSID 8 /* a new session: no controlling terminal, /dev/tty cannot be opened */

/* A running child; in, out and err are our ends of its pipes, -1 when not piped or closed. */
struct spawn_child {
    pid_t pid;
    int in, out, err;
};

/* Starts argv[0] (a path) with argv. Returns 0, or -1 with errno set. */
int spawn_start(struct spawn_child *c, const char *const *argv, const char *const *env, int flags);

/* Waits for pid until deadline (spawn_now_ms() clock); kills it (SIGKILL) and reaps it then.
 * Returns the exit status, 128 + the signal when a signal ended it, -1 when the deadline did. */
int spawn_wait(pid_t pid, int64_t deadline_ms);

/* What a run to the end left. out and err are NUL-terminated, never NULL after spawn_run. */
struct spawn_result {
    int status; /* as spawn_wait: -1 when it did not end within the time given */
    char *out, *err;
    size_t out_len, err_len;
};

/* Runs argv to its end: writes in[0..in_len) to its standard input (NULL: closed at once),
 * reads everything it writes, all within timeout_ms. It runs in a session of its own, so it
 * never reaches the terminal of whoever runs the tests (a prompt on /dev/tty would wait for
 * them). Returns r->status. */
int spawn_run(const char *const *argv, const char *const *env, const char *in, size_t in_len, int timeout_ms,
              struct spawn_result *r);
void spawn_result_free(struct spawn_result *r);

/* A growing buffer of what a child wrote (or is to read): NUL-terminated once anything,
 * even nothing, was added. */
struct spawn_buf {
    char *p;
    size_t len, cap;
};
void spawn_buf_add(struct spawn_buf *b, const void *s, size_t n);
void spawn_buf_printf(struct spawn_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void spawn_buf_free(struct spawn_buf *b);

/* The monotonic clock of the deadlines, in milliseconds. */
int64_t spawn_now_ms(void);

/* Our environment changed by env (as above), for a caller that forks by other means (forkpty):
 * a NULL-terminated array to give execve, freed with spawn_env_free. */
char **spawn_env(const char *const *env);
void spawn_env_free(char **envp);

#endif
