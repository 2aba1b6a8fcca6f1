/* Each thread's store (serve.h), with group commit (docs/group-commit.md): SQLite connections
 * are not shared between threads, so each
 * worker (and the jobs' thread, for Slack clicks) opens its own on first use, and a
 * pthread key closes it when the thread ends. */
#include <pthread.h>

#include "../../store/store.h"
#include "log.h"
#include "serve.h"

static pthread_key_t store_key;
static pthread_once_t store_key_once = PTHREAD_ONCE_INIT;

static void close_thread_store(void *s) { store_close(s); }
static void make_store_key(void) { pthread_key_create(&store_key, close_thread_store); }

struct store *serve_thread_store(struct serve *sv)
{
    pthread_once(&store_key_once, make_store_key);
    struct store *s = pthread_getspecific(store_key);
    if (s) return s;
    char err[512];
    if (store_open(sv->db_path, STORE_GROUP, &s, err, sizeof err) != STORE_OK) {
        log_event("error", "store", "\"why\":\"cannot open the access store\"");
        return NULL;
    }
    pthread_setspecific(store_key, s);
    return s;
}
