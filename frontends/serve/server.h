/* The HTTP server of concierge serve, on libmicrohttpd. */
#ifndef CONCIERGE_SERVER_H
#define CONCIERGE_SERVER_H
#include <netinet/in.h>

struct serve;
struct server;

/* Open connections at once; more wait in the backlog. Well above the 1,000 slow connections
 * interfaces.md has the server bear while it still answers whole requests. */
#define SERVER_CONNECTION_LIMIT 4000
/* Descriptors kept for the rest (the listener, the store's files, logs, deliveries). */
#define SERVER_SPARE_FDS 256
/* Seconds a connection may sit idle between requests (or while it does not read its answer);
 * a request itself must arrive whole within DEADLINE_MS of its first byte (deadline.h). */
#define SERVER_IDLE_TIMEOUT 30
/* Each connection's buffer for headers and reads (MHD's default is 32 KiB, zeroed at every
 * request): 16 KiB holds any header Slack, a bot or a proxy sends. */
#define SERVER_CONNECTION_MEMORY (16 * 1024)

/* Starts listening on addr (port 0: any free port) with a pool of threads; *port gets the
 * port bound. Raises the soft limit on open files to what the connections need (or lowers the
 * connection limit to the hard one, with a warning). NULL on failure. */
struct server *server_start(struct serve *sv, const struct sockaddr_in *addr, unsigned threads, int *port);
/* Takes no new connections, waits up to grace_ms for requests in flight, stops and frees. */
void server_stop(struct serve *sv, struct server *s, int grace_ms);

#endif
