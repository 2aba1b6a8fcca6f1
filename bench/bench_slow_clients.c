/* bench_slow_clients: `concierge serve` beside slow clients (interfaces.md: with 1,000 slow
 * connections open, /healthz and whole requests are answered within 1 second; a request must
 * arrive whole within 10 s of its first byte). See bench/serve.md.
 *
 *   bench_slow_clients PORT TOKEN [SLOW [INTERVAL_S [DURATION_S]]]
 *
 * SLOW connections (1000) each trickle a whole, valid bot request, one byte every INTERVAL_S
 * seconds (5), first byte at once; one the server closes is opened again at once, so SLOW
 * stay open for the whole DURATION_S (30). Meanwhile a second thread probes every 100 ms, on
 * a new connection each time, alternately GET /healthz and POST /v1/messages ("who has
 * access?"), and times each from connect() to the end of the answer. Printed: the probes'
 * count, failures, p50 / p99 / max and how many took over 1 s; the slow connections' time
 * from first byte to the server's close (min / median / max) and how many were closed. Exit
 * status 1 when a probe failed or a slow connection could not be opened. Only 127.0.0.1. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int port;
static const char *token;
static volatile int done;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int dial(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) != 0) close(fd), fd = -1;
    return fd;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* ---- The probes ------------------------------------------------------------------------- */

#define PROBES_MAX 100000
static double probe_s[PROBES_MAX];
static int probes, probe_failures;

/* One request on a new connection, read to the server's close; its time, or -1. */
static double probe(const char *req, const char *expect)
{
    double t0 = now_s();
    int fd = dial();
    if (fd < 0) return -1;
    char buf[65536];
    size_t n = 0;
    if (write(fd, req, strlen(req)) != (ssize_t)strlen(req)) return close(fd), -1;
    struct pollfd p = {fd, POLLIN, 0};
    while (n < sizeof buf - 1 && poll(&p, 1, 10000) > 0) {
        ssize_t k = read(fd, buf + n, sizeof buf - 1 - n);
        if (k <= 0) break;
        n += (size_t)k;
    }
    buf[n] = '\0';
    close(fd);
    double t = now_s() - t0;
    return strncmp(buf, "HTTP/1.1 200", 12) == 0 && strstr(buf, expect) ? t : -1;
}

static void *prober(void *arg)
{
    (void)arg;
    const char *body = "{\"conversation\":\"probe\",\"user\":\"@ann\",\"text\":\"who has access?\"}";
    char health[] = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", message[1024];
    snprintf(message, sizeof message,
             "POST /v1/messages HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer %s\r\n"
             "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
             token, strlen(body), body);
    while (!done && probes < PROBES_MAX) {
        double t = probes % 2 ? probe(message, "\"status\":\"done\"") : probe(health, "\"ok\"");
        if (t < 0)
            probe_failures++;
        else
            probe_s[probes++] = t;
        struct timespec gap = {0, 100 * 1000000};
        nanosleep(&gap, NULL);
    }
    return NULL;
}

/* ---- The slow connections ------------------------------------------------------------------ */

struct slow {
    int fd;
    size_t sent;
    double first, next;
};

#define LIVES_MAX 1000000
static double lives[LIVES_MAX];
static int nlives;

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_slow_clients PORT TOKEN [SLOW [INTERVAL_S [DURATION_S]]]\n");
        return 2;
    }
    port = (int)strtol(argv[1], NULL, 10);
    token = argv[2];
    int n = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 1000;
    double interval = argc > 4 ? atof(argv[4]) : 5, duration = argc > 5 ? atof(argv[5]) : 30;
    if (n < 1 || interval <= 0 || duration <= 0) return 2;
    signal(SIGPIPE, SIG_IGN);
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)n + 64) {
        rl.rlim_cur = rl.rlim_max < (rlim_t)n + 64 ? rl.rlim_max : (rlim_t)n + 64;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    const char *body =
        "{\"conversation\":\"slow\",\"user\":\"@ann\",\"text\":\"invite @slowpoke as viewer\"}";
    char req[1024];
    snprintf(req, sizeof req,
             "POST /v1/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: "
             "application/json\r\nContent-Length: %zu\r\n\r\n%s",
             token, strlen(body), body);
    size_t len = strlen(req);

    struct slow *s = calloc((size_t)n, sizeof *s);
    struct pollfd *pf = calloc((size_t)n, sizeof *pf);
    if (!s || !pf) return 2;
    double start = now_s();
    for (int i = 0; i < n; i++) {
        if ((s[i].fd = dial()) < 0 || write(s[i].fd, req, 1) != 1) {
            fprintf(stderr, "bench_slow_clients: slow connection %d could not be opened: %s\n", i,
                    strerror(errno));
            return 1;
        }
        s[i].sent = 1;
        s[i].first = now_s();
        /* Spread over the interval, so that bytes come all the time, not in bursts. */
        s[i].next = s[i].first + interval * (1 + (double)i / n);
    }
    printf("%d slow connections opened in %.2f s\n", n, now_s() - start);
    pthread_t th;
    pthread_create(&th, NULL, prober, NULL);
    int reopened = 0, failed = 0;
    double end = now_s() + duration;
    while (now_s() < end) {
        for (int i = 0; i < n; i++)
            pf[i] = (struct pollfd){s[i].fd, POLLIN, 0};
        poll(pf, (nfds_t)n, 50);
        double t = now_s();
        for (int i = 0; i < n; i++) {
            char b[4096];
            int closed = pf[i].revents && read(s[i].fd, b, sizeof b) <= 0;
            if (!closed && t >= s[i].next) {
                closed = s[i].sent < len && write(s[i].fd, req + s[i].sent, 1) != 1;
                s[i].sent++;
                s[i].next += interval;
            }
            if (!closed) continue;
            if (nlives < LIVES_MAX) lives[nlives++] = t - s[i].first;
            close(s[i].fd);
            if ((s[i].fd = dial()) < 0 || write(s[i].fd, req, 1) != 1) {
                failed++;
                s[i].fd = -1;
                continue;
            }
            reopened++;
            s[i].sent = 1;
            s[i].first = s[i].next = now_s();
            s[i].next += interval;
        }
    }
    done = 1;
    pthread_join(th, NULL);
    qsort(probe_s, (size_t)probes, sizeof probe_s[0], cmp_double);
    qsort(lives, (size_t)nlives, sizeof lives[0], cmp_double);
    int over = 0;
    for (int i = 0; i < probes; i++)
        over += probe_s[i] > 1.0;
    printf("probes (healthz and bot message alternately): %d answered, %d failed; p50 %.2f ms, p99 %.2f ms, "
           "max %.2f ms; %d over 1 s\n",
           probes, probe_failures, probes ? probe_s[probes / 2] * 1e3 : 0,
           probes ? probe_s[(int)(probes * 0.99)] * 1e3 : 0, probes ? probe_s[probes - 1] * 1e3 : 0, over);
    printf(
        "slow connections closed by the server: %d (opened again: %d, could not: %d); first byte to close: "
        "min %.2f s, median %.2f s, max %.2f s\n",
        nlives, reopened, failed, nlives ? lives[0] : 0, nlives ? lives[nlives / 2] : 0,
        nlives ? lives[nlives - 1] : 0);
    for (int i = 0; i < n; i++)
        if (s[i].fd >= 0) close(s[i].fd);
    free(s);
    free(pf);
    return probe_failures || failed ? 1 : 0;
}
