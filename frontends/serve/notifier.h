/* serve's notifier (lifecycle.md, "Delivery"): a thread that takes the notices due from the
 * store's outbox (written in the transactions of what caused them) and delivers each with
 * libcurl — a Slack direct message through chat.postMessage for a recipient on Slack, else
 * the sandbox's webhook, signed afresh at each try — never on a request's thread. A notice is
 * claimed for a while before it is tried, so that several servers on one store never send
 * it twice at once; acknowledged means HTTP 2xx (and Slack's "ok": true). A failed try is
 * tried again with back-off (or after a 429's Retry-After); a permanent refusal or 24 hours
 * of failures marks it failed (admin list notices --failed). Kept across restarts: the store
 * holds it. */
#ifndef CONCIERGE_NOTIFIER_H
#define CONCIERGE_NOTIFIER_H

struct serve;
struct notifier;

#define NOTIFY_INTERVAL_MS      1000  /* how often the outbox is looked at */
#define NOTIFY_TEST_INTERVAL_MS 20    /* with a test build's clock */
#define NOTICE_BATCH            32    /* notices claimed at once */
#define NOTICE_LEASE            120   /* seconds a claim holds a notice against other servers */
#define NOTICE_FIRST_RETRY      30    /* seconds before the second try, doubled each time */
#define NOTICE_RETRY_MAX        3600  /* never longer between tries */
#define NOTICE_GIVE_UP          86400 /* failures for this long: failed */

/* Starts the thread; 0, or -1. */
int notifier_start(struct notifier **out, struct serve *sv, int interval_ms);
/* Stops it after the notice in hand (what is left stays in the store for the next start). */
void notifier_stop(struct notifier *n);

#endif
