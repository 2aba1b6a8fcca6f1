/* The HTTP server of concierge serve, on libmicrohttpd. */
#ifndef CONCIERGE_SERVER_H
#define CONCIERGE_SERVER_H
#include <netinet/in.h>

struct serve;
struct MHD_Daemon;

#define SERVER_CONNECTION_LIMIT 1000 /* open connections at once; more wait in the backlog */
#define SERVER_IDLE_TIMEOUT     30   /* seconds a connection may sit idle or trickle */
/* Each connection's buffer for headers and reads (MHD's default is 32 KiB, zeroed at every
 * request): 16 KiB holds any header Slack, a bot or a proxy sends. */
#define SERVER_CONNECTION_MEMORY (16 * 1024)

/* Starts listening on addr (port 0: any free port) with a pool of threads; *port gets the
 * port bound. NULL on failure. */
struct MHD_Daemon *server_start(struct serve *sv, const struct sockaddr_in *addr, unsigned threads,
                                int *port);
/* Takes no new connections, waits up to grace_ms for requests in flight, and stops. */
void server_stop(struct serve *sv, struct MHD_Daemon *d, int grace_ms);

#endif
