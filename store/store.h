/* The access store: every SQL statement of concierge lives behind this interface, so that
 * a PostgreSQL backend can implement it later without touching actions/. Functions return
 * a store_status; on an error, store_errmsg() says what happened for a person. Names are
 * copied into the caller's fixed-size records: nothing returned needs freeing. */
#ifndef CONCIERGE_STORE_H
#define CONCIERGE_STORE_H
#include <stddef.h>
#include <stdint.h>

#include "../intent/intent.h"

struct text;

struct store;

enum store_status {
    STORE_OK = 0,
    STORE_NOT_FOUND, /* no such row */
    STORE_EXISTS,    /* a unique name is taken */
    STORE_TOO_NEW,   /* the file's schema is newer than this program */
    STORE_ERROR,     /* anything else: I/O, corruption, a full disk */
};

/* Limits of what the store keeps, refused at its door (a longer value would not come back
 * whole): names and principals as intent.h says, and these. */
#define SOURCE_DIR_MAX      1023 /* a sandbox's source folder */
#define CALLBACK_PREFIX_MAX 1023 /* a bot's callback prefix */
#define BOT_SECRET_MAX      127  /* a bot's signing secret (admin makes cbs_ and 64 hex digits) */

#define STORE_CREATE  1 /* store_open: create the file (0600) if it is missing */
#define STORE_MIGRATE 2 /* store_open: a PostgreSQL schema that is behind is not refused (admin migrate) */
/* store_open: group commit for a server's connections to one SQLite file (docs/group-commit.md):
 * a commit returns once a sync shared with the changes committed beside it is done. */
#define STORE_GROUP 4

/* The backends and their libraries' versions, for --version: "SQLite 3.40.1, libpq 15.18". */
void store_backends(char *out, size_t size);

/* 1 when the --db value is a PostgreSQL connection URI (postgresql:// or postgres://), 0 for
 * a SQLite file path. */
int store_is_uri(const char *db);
/* The --db value as it may be shown (logs, errors, --version, metrics): a PostgreSQL URI
 * without its password; a path as it is. */
void store_uri_shown(const char *db, char *out, size_t size);
/* Brings a PostgreSQL schema up to date (admin migrate): *from and *to get the versions before
 * and after. Two at once migrate once. A SQLite store migrates on open: from = to. */
enum store_status store_migrate(struct store *s, int *from, int *to);

/* Opens (and migrates) the store at path. WAL, foreign keys, a busy timeout,
 * synchronous=FULL. On failure *out is NULL and err holds the reason. */
enum store_status store_open(const char *path, int flags, struct store **out, char *err, size_t errlen);
void store_close(struct store *s);
const char *store_errmsg(const struct store *s);

/* "Now" for a server (interfaces.md): the machine's clock on SQLite; on PostgreSQL the
 * database's, so that every server of a fleet agrees on lapses and expiries (read once a
 * minute a connection and kept as an offset from the machine's clock). */
int64_t store_clock(struct store *s);
/* The backend's clock alone (store_clock is it, unless a test build's clock is set). */
int64_t store_db_clock(struct store *s);

#ifdef CONCIERGE_TEST_CLOCK
/* A test build's clock (issue 12: time without waiting): from now on store_clock reads the
 * instant in file (seconds since the epoch, or RFC 3339) at every call, so a test moves
 * serve's time, and its sweeper's, while it runs. NULL turns it off. Compiled into test
 * builds only (cmake -DCONCIERGE_TEST_CLOCK=ON). */
void store_test_clock(const char *file);
#endif

/* The schema version this program writes (PRAGMA user_version). */
int store_schema_version(void);

/* A write transaction (BEGIN IMMEDIATE, so that two writers queue instead of failing half
 * way); commit or roll back. Every change and its audit event go in one. */
/* One read transaction around many look-ups (a server request reads the bot, the sandbox
 * and the grants): fewer lock round trips, and one snapshot. store_begin ends it first;
 * store_read_end is harmless when there is none. */
enum store_status store_read_begin(struct store *s);
void store_read_end(struct store *s);
enum store_status store_begin(struct store *s);
/* A write transaction that no other writer shares (admin's changes, which may touch every
 * sandbox). On SQLite every write transaction is. */
enum store_status store_begin_exclusive(struct store *s);
/* Inside a write transaction: holds the sandbox against other writers until it ends, before
 * anything of it is read to be changed (PostgreSQL; SQLite's writers are one at a time). */
enum store_status store_lock_sandbox(struct store *s, int64_t sandbox_id);
enum store_status store_commit(struct store *s);
void store_rollback(struct store *s);

/* ---- Workspaces, sandboxes and what is in them ------------------------------------- */

struct st_sandbox {
    int64_t id;
    int64_t workspace_id;
    char name[NAME_MAX_LEN + 1];
    char workspace[NAME_MAX_LEN + 1];
    char owner[PRINCIPAL_MAX_LEN + 1];
    enum mode mode;
    char source_dir[SOURCE_DIR_MAX + 1];
};

enum store_status store_workspace_add(struct store *s, const char *name, enum mode default_mode, int64_t *id);
enum store_status store_workspace_find(struct store *s, const char *name, int64_t *id,
                                       enum mode *default_mode);
enum store_status store_member_add(struct store *s, int64_t workspace_id, const char *principal);
enum store_status store_member_remove(struct store *s, int64_t workspace_id, const char *principal);
int store_is_member(struct store *s, int64_t workspace_id, const char *principal); /* 1, 0, or -1 */

/* mode MODE_NONE takes the workspace's default. */
enum store_status store_sandbox_add(struct store *s, const char *name, const char *owner,
                                    int64_t workspace_id, const char *source_dir, enum mode mode,
                                    int64_t *id);
enum store_status store_sandbox_find(struct store *s, const char *name, struct st_sandbox *out);
enum store_status store_sandbox_set_mode(struct store *s, int64_t sandbox_id, enum mode mode);
typedef int (*store_name_fn)(void *ctx, const char *name);
/* The names of the sandboxes principal may be related to (access.md: the owner, a member of
 * the workspace, a holder of a grant live or expired, a collaborator, a key holder), by name:
 * candidates only — actions/authorise.c's relation_of decides. */
enum store_status store_sandboxes_of(struct store *s, const char *principal, store_name_fn fn, void *ctx);
int64_t store_sandbox_count(struct store *s); /* -1 on error */

/* Projects and agents: named things inside one sandbox. kind is "project" or "agent". */
enum store_status store_thing_add(struct store *s, int64_t sandbox_id, const char *kind, const char *name);
enum store_status store_thing_remove(struct store *s, int64_t sandbox_id, const char *kind, const char *name);
int store_thing_exists(struct store *s, int64_t sandbox_id, const char *kind,
                       const char *name); /* 1, 0, -1 */

/* Collaborators: who may use the workloads of a collaborated sandbox. */
enum store_status store_collaborator_add(struct store *s, int64_t sandbox_id, const char *principal);
enum store_status store_collaborator_remove(struct store *s, int64_t sandbox_id, const char *principal);
int store_is_collaborator(struct store *s, int64_t sandbox_id, const char *principal); /* 1, 0, -1 */
enum store_status store_collaborator_each(struct store *s, int64_t sandbox_id, store_name_fn fn, void *ctx);

/* ---- Grants ------------------------------------------------------------------------ */

struct st_grant {
    int64_t id;
    char principal[PRINCIPAL_MAX_LEN + 1];
    enum role role;
    char project[NAME_MAX_LEN + 1]; /* "" for sandbox-wide */
    int has_expiry;
    int64_t expires_at;
    char granted_by[PRINCIPAL_MAX_LEN + 1];
    int64_t granted_at;
};

/* Sets the grant for (sandbox, g->principal, g->project), replacing the one there (at most
 * one per triple). g->id gets the row's id. */
enum store_status store_grant_put(struct store *s, int64_t sandbox_id, struct st_grant *g);
enum store_status store_grant_find(struct store *s, int64_t sandbox_id, const char *principal,
                                   const char *project, struct st_grant *out);
enum store_status store_grant_delete(struct store *s, int64_t grant_id);

/* Calls fn for each grant of the sandbox (of one principal when principal is not NULL), in
 * principal then project order; fn returning non-zero stops the walk. */
typedef int (*store_grant_fn)(void *ctx, const struct st_grant *g);
enum store_status store_grant_each(struct store *s, int64_t sandbox_id, const char *principal,
                                   store_grant_fn fn, void *ctx);

/* ---- Max-duration policies (lifecycle.md): the longest a grant of a role may run ---------- */

/* A limit is kept as it was said, an ISO 8601 duration (P30D, P1M, PT12H): a month stays a
 * month (docs/decisions.md says how it is compared with a grant). */
#define POLICY_DURATION_MAX 63

/* A sandbox's own limit (sandbox_id, workspace_id 0) or a workspace's ceiling for its
 * sandboxes (workspace_id, sandbox_id 0) for role, set to max_duration, or removed when
 * max_duration is NULL (STORE_NOT_FOUND when there was none to remove). */
enum store_status store_policy_set(struct store *s, int64_t sandbox_id, int64_t workspace_id, enum role role,
                                   const char *max_duration, const char *set_by, int64_t now);
/* The limit of that sandbox or workspace for role into max_duration; STORE_NOT_FOUND for none. */
enum store_status store_policy_find(struct store *s, int64_t sandbox_id, int64_t workspace_id, enum role role,
                                    char *max_duration, size_t size);
/* How many grants of role in the sandbox run past latest, those with no expiry included (a
 * grant that ended before latest does not); -1 on a store failure. */
int64_t store_grants_over(struct store *s, int64_t sandbox_id, enum role role, int64_t latest);
/* admin link --merge: each grant the link of slack_user to principal would merge, as it would
 * be after (the higher role, the later expiry), with its sandbox's name; fn returning non-zero
 * stops the walk. */
typedef int (*store_merge_fn)(void *ctx, const char *sandbox, const struct st_grant *merged);
enum store_status store_link_merges_each(struct store *s, const char *slack_user, const char *principal,
                                         store_merge_fn fn, void *ctx);

/* ---- Agent keys: only a SHA-256 of each secret is kept ---------------------------------- */

struct st_agent_key {
    int64_t id;
    char sandbox[NAME_MAX_LEN + 1];
    char agent[NAME_MAX_LEN + 1];
    enum key_kind kind;
    char principal[PRINCIPAL_MAX_LEN + 1]; /* "" for a key bound to no person */
    int has_expiry;
    int64_t expires_at;
    int64_t workspace_id; /* the sandbox's */
};

enum store_status store_agent_key_add(struct store *s, int64_t sandbox_id, const char *agent,
                                      enum key_kind kind, const char *principal, int has_expiry,
                                      int64_t expires_at, const unsigned char sha256[32],
                                      const char *created_by, int64_t now);
/* Removes the agent's keys held by principal, or all of them when principal is NULL;
 * *removed gets how many. */
enum store_status store_agent_key_remove(struct store *s, int64_t sandbox_id, const char *agent,
                                         const char *principal, int *removed);
/* The key whose secret hashes to sha256, if its agent still exists (a key of a removed
 * agent is STORE_NOT_FOUND). */
enum store_status store_agent_key_find(struct store *s, const unsigned char sha256[32],
                                       struct st_agent_key *out);
/* Removes the agent and every key of it (*keys_removed gets how many); STORE_NOT_FOUND
 * when there is no such agent. Two statements: call it inside a transaction. */
enum store_status store_agent_remove(struct store *s, int64_t sandbox_id, const char *agent,
                                     int *keys_removed);
/* Does principal hold a key (live or expired) to an agent that exists in the sandbox? 1, 0, -1. */
int store_is_key_holder(struct store *s, int64_t sandbox_id, const char *principal);

/* ---- Cross-sandbox read grants ----------------------------------------------------------- */

enum store_status store_cross_put(struct store *s, int64_t reader_id, int64_t source_id, int64_t snapshot_at,
                                  const char *granted_by);
/* STORE_OK when the grant is there (snapshot_at may be NULL), STORE_NOT_FOUND when not. */
enum store_status store_cross_find(struct store *s, int64_t reader_id, int64_t source_id,
                                   int64_t *snapshot_at);
enum store_status store_cross_delete(struct store *s, int64_t reader_id, int64_t source_id);

/* ---- Slack and chat bots (set up by concierge admin) ------------------------------------- */

/* A Slack user is that principal (admin link). */
/* Links a Slack user to a principal: what slack:UID holds becomes the principal's. Where both
 * hold a grant for one sandbox and project it is STORE_EXISTS (store_errmsg names both),
 * unless merge: then the higher role and the later expiry are kept. */
enum store_status store_slack_link(struct store *s, const char *slack_user, const char *principal, int merge);
enum store_status store_slack_unlink(struct store *s, const char *slack_user);
/* Team (and channel, "" for any) → sandbox (admin slack map). */
enum store_status store_slack_map(struct store *s, const char *team, const char *channel, int64_t sandbox_id);
enum store_status store_slack_unmap(struct store *s, const char *team, const char *channel);
/* A bot bound to one workspace; only the SHA-256 of its bearer token is kept, but its signing
 * secret is kept as it is: the server must sign its callbacks with it (interfaces.md). */
enum store_status store_bot_add(struct store *s, const char *name, int64_t workspace_id,
                                const unsigned char token_sha256[32], const char *callback_prefix,
                                const char *signing_secret);
/* A new token (its hash) and signing secret for the bot: the old token is refused from then on.
 * STORE_NOT_FOUND when there is no such bot. */
enum store_status store_bot_rotate(struct store *s, const char *name, const unsigned char token_sha256[32],
                                   const char *signing_secret);
enum store_status store_bot_remove(struct store *s, const char *name);

/* What concierge serve looks up. */
struct st_bot {
    int64_t id;
    char name[NAME_MAX_LEN + 1];
    int64_t workspace_id;
    char callback_prefix[CALLBACK_PREFIX_MAX + 1];
    char signing_secret[BOT_SECRET_MAX + 1]; /* "" for a bot made before bots had one */
};
/* The principal a Slack user ID is linked to; STORE_NOT_FOUND when it is not linked. */
enum store_status store_slack_principal(struct store *s, const char *slack_user, char *principal,
                                        size_t size);
/* The sandbox mapped to (team, channel), else to the whole team. */
enum store_status store_slack_sandbox(struct store *s, const char *team, const char *channel, char *sandbox,
                                      size_t size);
/* The bot whose bearer token hashes to token_sha256. */
enum store_status store_bot_find(struct store *s, const unsigned char token_sha256[32], struct st_bot *out);
/* The bots without a signing secret (made before bots had one): their names, ", " between,
 * appended to names, and how many. */
enum store_status store_bots_unsigned(struct store *s, struct text *names, int *count);
/* How many sandboxes the workspace has (*count), and the first one's name when there is one. */
enum store_status store_workspace_only_sandbox(struct store *s, int64_t workspace_id, char *sandbox,
                                               size_t size, int *count);

/* Workspaces and sandboxes can be removed when nothing refers to them any more. */
enum store_status store_workspace_remove(struct store *s, const char *name);
enum store_status store_sandbox_remove(struct store *s, const char *name);

/* ---- Audit ---------------------------------------------------------------------------- */

struct st_event {
    int64_t id;
    int64_t at;
    char sandbox[NAME_MAX_LEN + 1];
    char actor[PRINCIPAL_MAX_LEN + 1];
    char intent[24];
    char outcome[16]; /* done, denied, rejected */
    /* Texts of any length: borrowed from the caller on append; on reading, valid only
     * during the callback (copy what must outlive it). */
    const char *subjects; /* a JSON array of principals or names; NULL is [] */
    const char *summary;
    const char *before; /* JSON of what was there before a change; NULL or "" for none */
    const char *after;  /* JSON of what is there after it; NULL or "" for none */
};

/* Into the sandbox's log, or with sandbox_id 0 into the store's own (admin changes that
 * belong to no sandbox). *event_id (if not NULL) gets the event's id. */
enum store_status store_audit_append(struct store *s, int64_t sandbox_id, const struct st_event *e,
                                     int64_t *event_id);
/* Newest first; since 0 means all; principal (if not NULL) must be the actor or a subject.
 * sandbox_id 0 reads the store's own log (its events' sandbox is ""). */
typedef int (*store_event_fn)(void *ctx, const struct st_event *e);
enum store_status store_audit_each(struct store *s, int64_t sandbox_id, int64_t since, const char *principal,
                                   int limit, store_event_fn fn, void *ctx);

/* ---- Expiries (lifecycle.md: expiry is an event, not only a comparison) ------------------- */

/* A grant or an agent key whose expiry is due and not recorded yet. */
struct st_expiry {
    int is_key; /* 0: a grant; 1: an agent key */
    int64_t id; /* the grant's or the key's row */
    int64_t sandbox_id;
    char sandbox[NAME_MAX_LEN + 1];
    int64_t expires_at;    /* the instant that was due */
    struct st_grant grant; /* a grant's row (its expiry is expires_at) */
    /* An agent key's, without its secret's hash: */
    char agent[NAME_MAX_LEN + 1];
    enum key_kind kind;
    char principal[PRINCIPAL_MAX_LEN + 1]; /* "" for a key bound to no person */
    char created_by[PRINCIPAL_MAX_LEN + 1];
    int64_t created_at;
};

/* Each grant and agent key whose expiry is due at horizon (expires_at <= horizon) and is not
 * recorded yet: of one sandbox (0: of every one), of one principal (NULL: anyone's), the
 * earliest due first, at most limit of them (0: all). fn returning non-zero stops the walk. */
typedef int (*store_expiry_fn)(void *ctx, const struct st_expiry *e);
enum store_status store_expiry_each(struct store *s, int64_t sandbox_id, const char *principal,
                                    int64_t horizon, int limit, store_expiry_fn fn, void *ctx);
/* Records the expiry of a grant (is_key 0) or an agent key (1) at expires_at, at recorded_at,
 * with its audit event e in the sandbox's log: both, or neither. STORE_OK (*event_id the
 * event's id) the first time; STORE_EXISTS, with nothing written, when that expiry was
 * recorded before: one `expired` event per grant and expiry instant is a constraint of the
 * store (a table keyed by item and instant), not a hope. The record goes with its grant or
 * key when that is deleted. Inside a write transaction. */
enum store_status store_expiry_record(struct store *s, int is_key, int64_t item_id, int64_t expires_at,
                                      int64_t recorded_at, int64_t sandbox_id, const struct st_event *e,
                                      int64_t *event_id);

/* ---- Pending confirmations --------------------------------------------------------------- */

struct st_pending {
    char token[TOKEN_MAX_LEN + 1];
    char actor[PRINCIPAL_MAX_LEN + 1];
    char conversation[128]; /* "" on the command line */
    char sandbox[NAME_MAX_LEN + 1];
    char intent_json[8192];
    int64_t created_at;
    int64_t expires_at;
};

enum store_status store_pending_put(struct store *s, const struct st_pending *p);
/* Takes (reads and deletes) the pending change of that token, single use. */
enum store_status store_pending_take(struct store *s, const char *token, struct st_pending *out);
/* Each of the actor's pending changes in that conversation that has not lapsed at now, oldest
 * first (lifecycle.md: they belong to the actor and the conversation, and accumulate). */
typedef int (*store_pending_fn)(void *ctx, const struct st_pending *p);
enum store_status store_pending_each(struct store *s, const char *actor, const char *conversation,
                                     int64_t now, store_pending_fn fn, void *ctx);
/* Forgets changes that lapsed before now. */
enum store_status store_pending_purge(struct store *s, int64_t now);

/* ---- Notices (lifecycle.md: reminders and notices) ------------------------------------------ */

#define NOTICE_ID_MAX     32   /* "n" and 24 hex digits */
#define NOTICE_DEDUP_MAX  320  /* what makes a notice once: "e<event>:<recipient>", fits any */
#define NOTIFY_URL_MAX    1023 /* a sandbox's webhook */
#define NOTIFY_SECRET_MAX 127  /* its signing secret (admin makes nws_ and 64 hex digits) */

/* A notice in the outbox: written in the transaction of what caused it, delivered after. */
struct st_notice {
    char id[NOTICE_ID_MAX + 1]; /* its own stable id (the webhook's X-Concierge-Notice-Id) */
    int64_t sandbox_id;
    char sandbox[NAME_MAX_LEN + 1];
    char principal[PRINCIPAL_MAX_LEN + 1];  /* the recipient */
    char kind[16];                          /* reminder, invited, …, expired (lifecycle.md) */
    int64_t at;                             /* the instant of what happened */
    int64_t event_id;                       /* its audit event; 0 for none (a reminder) */
    char slack_user[PRINCIPAL_MAX_LEN + 1]; /* the Slack user it goes to; "": the webhook */
    char state[8];                          /* pending, sent, failed, dropped */
    char ref[TOKEN_MAX_LEN + 1];            /* a request's token (its owner's notice); "" for none */
    int attempts;
    int64_t next_try, created_at;
    /* Texts of any length: borrowed on adding; on reading, valid during the callback. */
    const char *text;
    const char *extra; /* JSON: a reminder's grants, a request's token; NULL or "" for none */
    /* Read by a claim: the sandbox's webhook and its secret (NULL for none). */
    const char *url, *secret;
};

/* Adds a notice, once: STORE_EXISTS (nothing written) when dedup was taken before — one
 * notice per recipient per event is a constraint of the store. Inside a write transaction. */
enum store_status store_notice_add(struct store *s, const struct st_notice *n, const char *dedup);
/* The pending notices due at now (next_try <= now), the earliest first, at most limit, each
 * claimed until lease_until (no other deliverer takes it meanwhile; a deliverer that dies
 * leaves it to be taken again then). In a write transaction of the caller's. */
typedef int (*store_notice_fn)(void *ctx, const struct st_notice *n);
enum store_status store_notice_claim(struct store *s, int64_t now, int64_t lease_until, int limit,
                                     store_notice_fn fn, void *ctx);
/* What a try came to: state (pending with the next try at next_try, sent, failed, dropped),
 * attempts made, error ("" for none). */
enum store_status store_notice_finish(struct store *s, const char *id, const char *state, int attempts,
                                      int64_t next_try, int64_t now, const char *error);
/* Where a Slack notice was posted (chat.postMessage's channel and ts), so that it can be
 * updated later (a request replaced: lifecycle.md). */
enum store_status store_notice_posted(struct store *s, const char *id, const char *channel, const char *ts);
/* The Slack message of the owner's notice of request ref (the latest posted): STORE_OK, or
 * STORE_NOT_FOUND when none was posted to Slack. */
enum store_status store_notice_message(struct store *s, const char *ref, char *channel, size_t csize,
                                       char *ts, size_t tsize);
/* The sandbox's webhook (admin notify): url NULL removes it. */
enum store_status store_notify_set(struct store *s, int64_t sandbox_id, const char *url, const char *secret,
                                   const char *set_by, int64_t now);
/* 1 when the sandbox has a webhook, 0 when not, -1 on error. */
int store_notify_has(struct store *s, int64_t sandbox_id);
/* The Slack user a principal is (slack:UID) or is linked to (admin link): STORE_OK, or
 * STORE_NOT_FOUND. */
enum store_status store_slack_user_of(struct store *s, const char *principal, char *slack_user, size_t size);

/* A reminder due (lifecycle.md: 1 day and 1 hour before a grant that was longer expires). */
struct st_reminder {
    int64_t sandbox_id;
    char sandbox[NAME_MAX_LEN + 1];
    struct st_grant grant;
    char kind[4]; /* "1d" or "1h" */
};
/* Each reminder due at now that is not recorded yet, by sandbox and holder; fn returning
 * non-zero stops the walk. A grant within the hour is due its "1h" only. */
typedef int (*store_reminder_fn)(void *ctx, const struct st_reminder *r);
enum store_status store_reminder_each(struct store *s, int64_t now, store_reminder_fn fn, void *ctx);
/* Records it (keyed by grant, expiry instant and kind): STORE_EXISTS when it was before. */
enum store_status store_reminder_record(struct store *s, int64_t grant_id, int64_t expires_at,
                                        const char *kind, int64_t now);
/* 1 when the grant is still there with that expiry, 0 when not, -1 on error. */
int store_grant_expires(struct store *s, int64_t grant_id, int64_t expires_at);

/* ---- Access requests (lifecycle.md, "Access requests") ------------------------------------------- */

#define REQUEST_NOTE_BYTES 200         /* a `because …` note at most (language.md) */
#define REQUEST_LIFETIME   (7 * 86400) /* a request lapses after 7 days */

struct st_request {
    int64_t id;
    char token[TOKEN_MAX_LEN + 1]; /* R7K2: their own namespace */
    int64_t sandbox_id;
    char sandbox[NAME_MAX_LEN + 1];
    char principal[PRINCIPAL_MAX_LEN + 1]; /* who asked, for themself */
    enum role role;
    char project[NAME_MAX_LEN + 1]; /* "" for sandbox-wide */
    int has_expires_at;             /* a date was asked */
    int64_t expires_at;
    char duration[64]; /* a length was asked (ISO 8601), counted from approval; "" for none */
    int has_note;
    char note[REQUEST_NOTE_BYTES + 1];
    int64_t requested_at, lapses_at;
    char state[12]; /* waiting, approved, denied, withdrawn, replaced, lapsed */
    char answered_by[PRINCIPAL_MAX_LEN + 1];
    int64_t answered_at;
};

/* Keeps a new request (state waiting); one waiting before it by the same principal for the
 * same sandbox and project becomes `replaced`, its token into replaced ("" for none).
 * STORE_EXISTS when the token is taken (make another). Inside a write transaction. */
enum store_status store_request_put(struct store *s, const struct st_request *r, char *replaced, size_t size);
/* The request of that token, whatever its state: STORE_OK or STORE_NOT_FOUND. */
enum store_status store_request_find(struct store *s, const char *token, struct st_request *out);
/* The requests waiting at now (not lapsed) in the sandbox (0: any), by principal (NULL: anyone's),
 * oldest first. */
typedef int (*store_request_fn)(void *ctx, const struct st_request *r);
enum store_status store_request_each(struct store *s, int64_t sandbox_id, const char *principal, int64_t now,
                                     store_request_fn fn, void *ctx);
/* Answers a waiting request (state approved, denied, withdrawn or lapsed) by whom, at now:
 * STORE_NOT_FOUND when it is not waiting any more (answered, withdrawn, replaced, lapsed — or
 * by another server a moment before: one answer wins). Inside a write transaction. */
enum store_status store_request_answer(struct store *s, int64_t id, const char *state, const char *by,
                                       int64_t now);
/* The requests still waiting whose 7 days ended by now (the sweeper lapses them). */
enum store_status store_request_lapsed_each(struct store *s, int64_t now, store_request_fn fn, void *ctx);

/* ---- Slack events (interfaces.md: each acted on once, a channel's in the order said) ------------- */

#define SLACK_EVENT_ID_MAX 64 /* an event_id, a channel, a message ts: Slack's are far shorter */

/* Claims an event for this server: STORE_OK when it is new (recorded as received at now),
 * STORE_EXISTS when its event_id, or its message (channel, ts), was claimed before: a repeat,
 * to be acknowledged and not acted on. Claims received before forget_before are forgotten
 * in the same transaction. ts_us is the message ts in microseconds, to order a channel's. */
enum store_status store_slack_event_claim(struct store *s, const char *event_id, const char *channel,
                                          const char *ts, int64_t ts_us, int64_t now, int64_t forget_before);
/* Gives a claim back (the event could not be queued, and Slack will send it again). */
enum store_status store_slack_event_release(struct store *s, const char *event_id);
/* Marks the command of the message as run. */
enum store_status store_slack_event_done(struct store *s, const char *channel, const char *ts);
/* How many messages of the channel said before ts_us were claimed at or after since and have not
 * run yet (on any server sharing the store); -1 on a store failure. */
int64_t store_slack_events_before(struct store *s, const char *channel, int64_t ts_us, int64_t since);

/* ---- Idempotency-Key on /v1/messages (interfaces.md: a repeat within 24 hours gets the first
 * reply again and acts no more, on any server of a fleet) ------------------------------------- */

#define IDEMPOTENCY_KEY_MAX 255
#define IDEMPOTENCY_KEPT    (24 * 3600)
/* A claim whose request never finished (its server died) is taken over after this long. */
#define IDEMPOTENCY_ABANDONED 300

/* Claims (bot, key) for the request whose body hashes to request_sha256, at now: STORE_OK when
 * it is new (or its claim lapsed): carry the request out, then store_idempotency_finish.
 * STORE_EXISTS when it was claimed before: *same_request says whether by the same body, and
 * reply gets the first reply ("" while that request is still being carried out). Claims
 * older than IDEMPOTENCY_KEPT are forgotten in the same transaction. */
enum store_status store_idempotency_claim(struct store *s, int64_t bot_id, const char *key,
                                          const unsigned char request_sha256[32], int64_t now,
                                          struct text *reply, int *same_request);
/* Keeps the reply of the claimed request (never a key secret: the caller blanks them). */
enum store_status store_idempotency_finish(struct store *s, int64_t bot_id, const char *key,
                                           const char *reply);

/* ---- What admin lists and shows (interfaces.md, admin) ----------------------------------------- */

/* One row: n columns, their names (snake_case, the keys of admin's JSON Lines) and values as
 * text (NULL for none), is_number[c] when the value is an integer. Valid during the call. */
typedef int (*store_row_fn)(void *ctx, int n, const char *const *names, const char *const *values,
                            const int *is_number);
/* The listings, by name and (for a backend) the statement that makes each; "sandbox" is one
 * sandbox shown whole. */
#define STORE_LISTINGS(X)                                                                                    \
    X(workspaces, LIST_WORKSPACES)                                                                           \
    X(sandboxes, LIST_SANDBOXES)                                                                             \
    X(projects, LIST_PROJECTS)                                                                               \
    X(agents, LIST_AGENTS)                                                                                   \
    X(bots, LIST_BOTS)                                                                                       \
    X(links, LIST_LINKS)                                                                                     \
    X(maps, LIST_MAPS)                                                                                       \
    X(keys, LIST_KEYS)                                                                                       \
    X(policies, LIST_POLICIES)                                                                               \
    X(notices, LIST_NOTICES)                                                                                 \
    X(sandbox, SHOW_SANDBOX)
/* The listing of this name (STORE_LISTINGS), or -1. */
int store_listing(const char *name);
/* Its rows, filtered by workspace and sandbox (NULL: any). The sandbox listing needs the
 * sandbox and answers STORE_NOT_FOUND when there is none. Never a secret or its hash. */
enum store_status store_list(struct store *s, int listing, const char *workspace, const char *sandbox,
                             store_row_fn fn, void *ctx);

/* ---- The web page's sign-in (interfaces.md, Web page) --------------------------------------------- */

#define SETTING_VALUE_MAX 1023
#define WEB_LINK_TTL      (10 * 60)  /* a sign-in link: 10 minutes, once */
#define WEB_SESSION_TTL   (8 * 3600) /* a session: 8 hours */
#define WEB_CSRF_LEN      64         /* hex digits */

/* A setting of the store (public_url: where serve says its web page is): STORE_NOT_FOUND when
 * it was never set. store_setting_set runs in the caller's transaction. */
enum store_status store_setting_get(struct store *s, const char *name, char *value, size_t size);
enum store_status store_setting_set(struct store *s, const char *name, const char *value);
/* A one-time sign-in link for principal, kept only as the SHA-256 of its token, expiring at
 * expires_at; links that ended a day before now are forgotten with it. */
enum store_status store_web_link_add(struct store *s, const unsigned char sha256[32], const char *principal,
                                     int64_t now, int64_t expires_at);
/* Takes a link: STORE_OK with its principal when it was unused and unexpired at now, marked used
 * by the same statement (two takes at once: one STORE_OK); STORE_NOT_FOUND otherwise. */
enum store_status store_web_link_take(struct store *s, const unsigned char sha256[32], int64_t now,
                                      char *principal, size_t size);
struct st_web_session {
    char principal[PRINCIPAL_MAX_LEN + 1];
    char csrf[WEB_CSRF_LEN + 1];
    int64_t created_at, expires_at;
};
/* A session, kept only as the SHA-256 of its cookie's value; sessions ended a week ago go. */
enum store_status store_web_session_add(struct store *s, const unsigned char sha256[32],
                                        const char *principal, const char *csrf, int64_t now,
                                        int64_t expires_at);
/* The live session (not revoked, not expired at now): STORE_OK, or STORE_NOT_FOUND. */
enum store_status store_web_session_find(struct store *s, const unsigned char sha256[32], int64_t now,
                                         struct st_web_session *out);
/* Ends one live session (signing out): STORE_NOT_FOUND when it was not live. */
enum store_status store_web_session_end(struct store *s, const unsigned char sha256[32], int64_t now);
/* Ends every live session of principal; *count says how many. */
enum store_status store_web_session_revoke(struct store *s, const char *principal, int64_t now, int *count);
/* The live sessions, as a listing's rows (principal, created_at, expires_at), by principal. */
enum store_status store_web_session_each(struct store *s, int64_t now, store_row_fn fn, void *ctx);

#endif
