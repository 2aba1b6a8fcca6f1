/* The whole-request deadline (deadline.h). Each connection is a record on one list, under
 * one lock. Between requests the record waits: every tick the watch asks the kernel how many
 * bytes the socket has received (TCP_INFO), and the first new byte starts the clock. When a
 * request is in, the worker stops the clock. A clock that runs out gets the socket shut down
 * (shutdown(2), not close: the fd stays libmicrohttpd's, which then sees the end of the
 * stream and closes the connection itself). The lock also keeps the fd valid: libmicrohttpd
 * notifies the close, which takes the record off the list, before it closes the socket. */
#include "deadline.h"

#include <errno.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "log.h"

enum clock_state { WAITING, RUNNING, CUT };

struct watched {
    struct watched *prev, *next;
    struct deadline_watch *w;
    int fd;
    enum clock_state state;
    uint64_t bytes;  /* WAITING: bytes received when the clock stopped */
    uint64_t due_ms; /* RUNNING: when the request must be in */
};

struct deadline_watch {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t thread;
    int stopping;
    struct watched head; /* a ring: head.next is the first record */
};

static uint64_t mono_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
}

/* Bytes the socket has received so far; UNKNOWN when the kernel cannot say (before Linux
 * 4.1), and then every look sees a new byte: the clock runs from when a request is in, so an
 * idle connection is cut after DEADLINE_MS too, and a slow one never outlives it. */
#define UNKNOWN UINT64_MAX
static uint64_t bytes_received(int fd)
{
    struct tcp_info ti;
    socklen_t len = sizeof ti;
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0 ||
        len < offsetof(struct tcp_info, tcpi_bytes_received) + sizeof ti.tcpi_bytes_received)
        return UNKNOWN;
    return ti.tcpi_bytes_received;
}

/* One look at every connection; the number shut down. Called with the lock held. */
static unsigned tick(struct deadline_watch *w, uint64_t now)
{
    unsigned cut = 0;
    for (struct watched *r = w->head.next; r != &w->head; r = r->next) {
        uint64_t b = r->state == WAITING ? bytes_received(r->fd) : 0;
        if (r->state == WAITING && (b == UNKNOWN || b > r->bytes)) {
            /* The first byte came since the last look: counting from now gives the request
             * its whole DEADLINE_MS, and up to a tick more. */
            r->state = RUNNING;
            r->due_ms = now + DEADLINE_MS;
        } else if (r->state == RUNNING && now >= r->due_ms) {
            shutdown(r->fd, SHUT_RDWR);
            r->state = CUT;
            cut++;
        }
    }
    return cut;
}

static void *run(void *arg)
{
    struct deadline_watch *w = arg;
    pthread_mutex_lock(&w->lock);
    while (!w->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += DEADLINE_TICK_MS * 1000000L;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        while (!w->stopping && pthread_cond_timedwait(&w->wake, &w->lock, &until) != ETIMEDOUT) {
        }
        if (w->stopping) break;
        unsigned cut = tick(w, mono_ms());
        if (cut) {
            pthread_mutex_unlock(&w->lock);
            log_event("warn", "slow_request", "\"closed\":%u,\"limit_ms\":%d", cut, DEADLINE_MS);
            pthread_mutex_lock(&w->lock);
        }
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

struct deadline_watch *deadline_start(void)
{
    struct deadline_watch *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->wake, NULL);
    w->head.next = w->head.prev = &w->head;
    if (pthread_create(&w->thread, NULL, run, w) != 0) {
        pthread_cond_destroy(&w->wake);
        pthread_mutex_destroy(&w->lock);
        free(w);
        return NULL;
    }
    return w;
}

void deadline_stop(struct deadline_watch *w)
{
    if (!w) return;
    pthread_mutex_lock(&w->lock);
    w->stopping = 1;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    /* Records of connections libmicrohttpd never reported closed (none, after a stop). */
    while (w->head.next != &w->head) {
        struct watched *r = w->head.next;
        w->head.next = r->next;
        free(r);
    }
    pthread_cond_destroy(&w->wake);
    pthread_mutex_destroy(&w->lock);
    free(w);
}

void deadline_on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                            enum MHD_ConnectionNotificationCode code)
{
    struct deadline_watch *w = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *fd = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        struct watched *r = fd ? calloc(1, sizeof *r) : NULL;
        *socket_context = r;
        if (!r) return; /* out of memory: this one connection goes unwatched (idle timeout only) */
        r->w = w;
        r->fd = fd->connect_fd;
        r->state = WAITING; /* bytes 0: whatever came before the accept starts the clock */
        pthread_mutex_lock(&w->lock);
        r->prev = w->head.prev;
        r->next = &w->head;
        w->head.prev->next = r;
        w->head.prev = r;
        pthread_mutex_unlock(&w->lock);
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        struct watched *r = *socket_context;
        if (!r) return;
        pthread_mutex_lock(&w->lock);
        r->prev->next = r->next;
        r->next->prev = r->prev;
        pthread_mutex_unlock(&w->lock);
        free(r);
        *socket_context = NULL;
    }
}

int deadline_clock_stop(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    struct watched *r = ci ? ci->socket_context : NULL;
    if (!r) return 0;
    uint64_t bytes = bytes_received(r->fd);
    pthread_mutex_lock(&r->w->lock);
    int cut = r->state == CUT;
    if (!cut) {
        r->state = WAITING;
        r->bytes = bytes;
    }
    pthread_mutex_unlock(&r->w->lock);
    return cut ? -1 : 0;
}
