/* The whole-request deadline of concierge serve (interfaces.md): a request must arrive whole
 * within DEADLINE_MS of its first byte, however slowly it trickles, or its connection is
 * shut down. libmicrohttpd's own timeout is idle-based (every byte restarts it), so a
 * connection trickling a byte every few seconds would stay open for ever. */
#ifndef CONCIERGE_DEADLINE_H
#define CONCIERGE_DEADLINE_H
#include <microhttpd.h>

#define DEADLINE_MS      10000 /* from a request's first byte to its last */
#define DEADLINE_TICK_MS 100   /* how often the watch looks: a slow request is cut this late at most */

struct deadline_watch;

/* Starts the watch's thread; NULL when it cannot. */
struct deadline_watch *deadline_start(void);
/* Stops the thread and frees the watch: after MHD_stop_daemon, which has closed every
 * connection. */
void deadline_stop(struct deadline_watch *w);

/* MHD_OPTION_NOTIFY_CONNECTION's callback, with the watch as its cls: each connection is
 * watched from its accept to its close. */
void deadline_on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                            enum MHD_ConnectionNotificationCode code);

/* The request on c is in (whole, or answered before its body was read): its clock stops
 * until the next request's first byte. 0, or -1 when the watch has already shut the
 * connection down, and the request must not be carried out. */
int deadline_clock_stop(struct MHD_Connection *c);

#endif
