/* Group commit by a shared sync of the write-ahead log (wal_sync.h). */
#include "wal_sync.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct wal_sync {
    struct wal_sync *next;
    int refs;
    char *wal_path; /* the database's file and "-wal": where SQLite keeps the log */
    int fd;         /* opened at the first sync; -1 before */
    pthread_mutex_t m;
    pthread_cond_t synced_cond;
    uint64_t committed; /* commits numbered so far */
    uint64_t synced;    /* every commit up to this one is on disk */
    uint64_t syncs;
    int syncing; /* a thread is in fdatasync */
    int broken_errno;
};

static pthread_mutex_t groups_lock = PTHREAD_MUTEX_INITIALIZER;
static struct wal_sync *groups;

struct wal_sync *wal_sync_attach(const char *db_file)
{
    size_t n = strlen(db_file);
    pthread_mutex_lock(&groups_lock);
    struct wal_sync *g;
    for (g = groups; g; g = g->next)
        if (strncmp(g->wal_path, db_file, n) == 0 && strcmp(g->wal_path + n, "-wal") == 0) break;
    if (!g && (g = calloc(1, sizeof *g)) != NULL) {
        if (!(g->wal_path = malloc(n + 5))) {
            free(g);
            g = NULL;
        } else {
            memcpy(g->wal_path, db_file, n);
            memcpy(g->wal_path + n, "-wal", 5);
            g->fd = -1;
            pthread_mutex_init(&g->m, NULL);
            pthread_cond_init(&g->synced_cond, NULL);
            g->next = groups;
            groups = g;
        }
    }
    if (g) g->refs++;
    pthread_mutex_unlock(&groups_lock);
    return g;
}

void wal_sync_detach(struct wal_sync *g)
{
    if (!g) return;
    pthread_mutex_lock(&groups_lock);
    if (--g->refs == 0) {
        for (struct wal_sync **p = &groups; *p; p = &(*p)->next)
            if (*p == g) {
                *p = g->next;
                break;
            }
        if (g->fd >= 0) close(g->fd);
        pthread_mutex_destroy(&g->m);
        pthread_cond_destroy(&g->synced_cond);
        free(g->wal_path);
        free(g);
    }
    pthread_mutex_unlock(&groups_lock);
}

uint64_t wal_sync_committed(struct wal_sync *g)
{
    pthread_mutex_lock(&g->m);
    uint64_t seq = ++g->committed;
    pthread_mutex_unlock(&g->m);
    return seq;
}

/* One fdatasync of the log; 0 or an errno. The log is the same file for as long as a
 * connection of this process is open (SQLite removes it only with the last connection), so
 * one descriptor serves; fdatasync writes the file's data whichever descriptor wrote it. */
static int sync_log(struct wal_sync *g)
{
    if (g->fd < 0 && (g->fd = open(g->wal_path, O_RDONLY | O_CLOEXEC)) < 0) return errno;
    return fdatasync(g->fd) == 0 ? 0 : errno;
}

int wal_sync_wait(struct wal_sync *g, uint64_t seq, char *err, size_t errlen)
{
    pthread_mutex_lock(&g->m);
    while (g->synced < seq && !g->broken_errno) {
        if (g->syncing) {
            pthread_cond_wait(&g->synced_cond, &g->m);
            continue;
        }
        /* This thread syncs for every commit made so far, its own and those that came while
         * the last sync ran: they are the batch. */
        g->syncing = 1;
        uint64_t target = g->committed;
        pthread_mutex_unlock(&g->m);
        int e = sync_log(g);
        pthread_mutex_lock(&g->m);
        g->syncing = 0;
        g->syncs++;
        if (e)
            g->broken_errno = e;
        else if (target > g->synced)
            g->synced = target;
        pthread_cond_broadcast(&g->synced_cond);
    }
    int e = g->synced >= seq ? 0 : g->broken_errno;
    pthread_mutex_unlock(&g->m);
    if (e)
        snprintf(
            err, errlen,
            "the change was written but the disk did not confirm it (syncing the log failed: %s); restart "
            "the server and check the store",
            strerror(e));
    return e ? -1 : 0;
}

int wal_sync_broken(struct wal_sync *g)
{
    pthread_mutex_lock(&g->m);
    int e = g->broken_errno;
    pthread_mutex_unlock(&g->m);
    return e;
}

void wal_sync_counts(struct wal_sync *g, uint64_t *commits, uint64_t *syncs)
{
    pthread_mutex_lock(&g->m);
    *commits = g->committed;
    *syncs = g->syncs;
    pthread_mutex_unlock(&g->m);
}
