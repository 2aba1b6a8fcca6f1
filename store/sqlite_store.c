/* The access store on SQLite (store.h). Every statement is in the table below, prepared
 * once on first use and reset after each; the schema grows by migrations numbered by
 * PRAGMA user_version. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../intent/text.h"
#include "backend.h"
#include "wal_sync.h"

/* ---- Schema -------------------------------------------------------------------------- */

/* Migration N (1-based) takes a store from user_version N-1 to N. Append, never edit. */
static const char *const migrations[] = {
    /* 1: the access model of access.md */
    "CREATE TABLE workspaces ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  default_mode TEXT NOT NULL DEFAULT 'shared' CHECK (default_mode IN ('shared', 'private')));"
    "CREATE TABLE members ("
    "  workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,"
    "  principal TEXT NOT NULL,"
    "  PRIMARY KEY (workspace_id, principal)) WITHOUT ROWID;"
    "CREATE TABLE sandboxes ("
    "  id INTEGER PRIMARY KEY,"
    "  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),"
    "  name TEXT NOT NULL UNIQUE,"
    "  owner TEXT NOT NULL,"
    "  mode TEXT NOT NULL CHECK (mode IN ('shared', 'collaborated', 'private')),"
    "  source_dir TEXT NOT NULL DEFAULT '');"
    "CREATE TABLE things ("
    "  sandbox_id INTEGER NOT NULL REFERENCES sandboxes(id) ON DELETE CASCADE,"
    "  kind TEXT NOT NULL CHECK (kind IN ('project', 'agent')),"
    "  name TEXT NOT NULL,"
    "  PRIMARY KEY (sandbox_id, kind, name)) WITHOUT ROWID;"
    "CREATE TABLE grants ("
    "  id INTEGER PRIMARY KEY,"
    "  sandbox_id INTEGER NOT NULL REFERENCES sandboxes(id) ON DELETE CASCADE,"
    "  principal TEXT NOT NULL,"
    "  role TEXT NOT NULL CHECK (role IN ('editor', 'viewer')),"
    "  project TEXT NOT NULL DEFAULT '',"
    "  expires_at INTEGER,"
    "  granted_by TEXT NOT NULL,"
    "  granted_at INTEGER NOT NULL,"
    "  UNIQUE (sandbox_id, principal, project));"
    "CREATE INDEX grants_by_principal ON grants (principal, sandbox_id);"
    "CREATE TABLE collaborators ("
    "  sandbox_id INTEGER NOT NULL REFERENCES sandboxes(id) ON DELETE CASCADE,"
    "  principal TEXT NOT NULL,"
    "  PRIMARY KEY (sandbox_id, principal)) WITHOUT ROWID;"
    "CREATE TABLE agent_keys ("
    "  id INTEGER PRIMARY KEY,"
    "  sandbox_id INTEGER NOT NULL REFERENCES sandboxes(id) ON DELETE CASCADE,"
    "  agent TEXT NOT NULL,"
    "  kind TEXT NOT NULL CHECK (kind IN ('invoke', 'delegate')),"
    "  principal TEXT NOT NULL DEFAULT '',"
    "  expires_at INTEGER,"
    "  secret_sha256 BLOB NOT NULL UNIQUE,"
    "  created_by TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL);"
    "CREATE TABLE cross_grants ("
    "  reader_id INTEGER NOT NULL REFERENCES sandboxes(id) ON DELETE CASCADE,"
    "  source_id INTEGER NOT NULL REFERENCES sandboxes(id) ON DELETE CASCADE,"
    "  snapshot_at INTEGER NOT NULL,"
    "  granted_by TEXT NOT NULL,"
    "  PRIMARY KEY (reader_id, source_id)) WITHOUT ROWID;"
    /* Append-only: no cascade, so no sandbox can take its history with it. */
    "CREATE TABLE audit ("
    "  id INTEGER PRIMARY KEY,"
    "  sandbox_id INTEGER NOT NULL REFERENCES sandboxes(id),"
    "  at INTEGER NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  intent TEXT NOT NULL,"
    "  subjects TEXT NOT NULL DEFAULT '[]',"
    "  outcome TEXT NOT NULL CHECK (outcome IN ('done', 'denied', 'rejected')),"
    "  summary TEXT NOT NULL,"
    "  before TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX audit_by_sandbox ON audit (sandbox_id, at);"
    "CREATE TABLE pending ("
    "  token TEXT PRIMARY KEY,"
    "  actor TEXT NOT NULL,"
    "  conversation TEXT NOT NULL DEFAULT '',"
    "  sandbox TEXT NOT NULL,"
    "  intent_json TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL);"
    "CREATE TABLE slack_links ("
    "  slack_user TEXT PRIMARY KEY,"
    "  principal TEXT NOT NULL);"
    "CREATE TABLE slack_maps ("
    "  team TEXT NOT NULL,"
    "  channel TEXT NOT NULL DEFAULT '',"
    "  sandbox_id INTEGER NOT NULL REFERENCES sandboxes(id) ON DELETE CASCADE,"
    "  PRIMARY KEY (team, channel));"
    "CREATE TABLE bots ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),"
    "  token_sha256 BLOB NOT NULL UNIQUE,"
    "  callback_prefix TEXT NOT NULL DEFAULT '');",
    /* 2: the store's own audit log, for admin changes that belong to no sandbox (interfaces.md,
     * admin: workspaces, members, links, bots, sandboxes made and removed). */
    "CREATE TABLE store_audit ("
    "  id INTEGER PRIMARY KEY,"
    "  at INTEGER NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  intent TEXT NOT NULL,"
    "  subjects TEXT NOT NULL DEFAULT '[]',"
    "  outcome TEXT NOT NULL CHECK (outcome IN ('done', 'denied', 'rejected')),"
    "  summary TEXT NOT NULL,"
    "  before TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX store_audit_by_time ON store_audit (at);",
    /* 3: an event keeps what is there after the change too (interfaces.md, event objects). */
    ("ALTER TABLE audit ADD COLUMN after TEXT NOT NULL DEFAULT '';"
     "ALTER TABLE store_audit ADD COLUMN after TEXT NOT NULL DEFAULT '';"),
    /* 4: a bot's signing secret (interfaces.md, callbacks), kept as it is: it must sign. NULL
     * for a bot made before, until admin bot rotate gives it one. */
    "ALTER TABLE bots ADD COLUMN signing_secret TEXT;",
    /* 5: a server's pending changes, used tokens among them, are many: looking one person's up
     * and forgetting the lapsed ones must not read them all. */
    ("CREATE INDEX pending_by_actor ON pending (actor, conversation, created_at);"
     "CREATE INDEX pending_by_expiry ON pending (expires_at);"),
    /* 6: the Slack events claimed (interfaces.md, Slack events), so that each is acted on once
     * whichever server it reaches and however often Slack sends it: by event_id, and by
     * channel and message ts (one message can come as app_mention and as message.im). done
     * once its command has run, so that a later message of the channel can wait for it
     * (ts_us orders them). Forgotten a day after they came (store_slack_event_claim). */
    "CREATE TABLE slack_events ("
    "  event_id TEXT NOT NULL UNIQUE,"
    "  channel TEXT NOT NULL,"
    "  ts TEXT NOT NULL,"
    "  ts_us INTEGER NOT NULL,"
    "  received_at INTEGER NOT NULL,"
    "  done INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (channel, ts));"
    "CREATE INDEX slack_events_by_time ON slack_events (received_at);",
    /* 7: Idempotency-Key on /v1/messages: the first reply of each (bot, key), a day. reply is
     * NULL while its request is being carried out. */
    ("CREATE TABLE idempotency ("
     "  bot_id INTEGER NOT NULL,"
     "  key TEXT NOT NULL,"
     "  request_sha256 BLOB NOT NULL,"
     "  reply TEXT,"
     "  created_at INTEGER NOT NULL,"
     "  PRIMARY KEY (bot_id, key));"
     "CREATE INDEX idempotency_by_time ON idempotency (created_at);"),
    /* 8: expiries recorded (lifecycle.md: expiry is an event). One row per grant or key and
     * expiry instant, written in the transaction of its `expired` audit event: the key makes
     * "once" a constraint whichever sweeper or change comes second. An extension or a
     * re-invite moves the instant, so the next expiry is an event of its own; the rows go with
     * their grant or key (a reused id is a new grant). The indexes find what is due. */
    ("CREATE TABLE grant_expiries ("
     "  grant_id INTEGER NOT NULL REFERENCES grants(id) ON DELETE CASCADE,"
     "  expires_at INTEGER NOT NULL,"
     "  recorded_at INTEGER NOT NULL,"
     "  PRIMARY KEY (grant_id, expires_at)) WITHOUT ROWID;"
     "CREATE TABLE key_expiries ("
     "  key_id INTEGER NOT NULL REFERENCES agent_keys(id) ON DELETE CASCADE,"
     "  expires_at INTEGER NOT NULL,"
     "  recorded_at INTEGER NOT NULL,"
     "  PRIMARY KEY (key_id, expires_at)) WITHOUT ROWID;"
     "CREATE INDEX grants_by_sandbox_expiry ON grants (sandbox_id, expires_at);"
     "CREATE INDEX agent_keys_by_sandbox_expiry ON agent_keys (sandbox_id, expires_at);"
     "CREATE INDEX agent_keys_by_principal ON agent_keys (principal, sandbox_id);"),
    /* 9: max-duration policies (lifecycle.md): a sandbox's own limit for a role, or a
     * workspace's ceiling for its sandboxes (exactly one of the two ids), as said (P30D, P1M).
     * Each goes with what it belongs to, so that no limit outlives it onto a later id. */
    ("CREATE TABLE policies ("
     "  id INTEGER PRIMARY KEY,"
     "  workspace_id INTEGER REFERENCES workspaces(id) ON DELETE CASCADE,"
     "  sandbox_id INTEGER REFERENCES sandboxes(id) ON DELETE CASCADE,"
     "  role TEXT NOT NULL CHECK (role IN ('editor', 'viewer')),"
     "  max_duration TEXT NOT NULL,"
     "  set_by TEXT NOT NULL,"
     "  set_at INTEGER NOT NULL,"
     "  CHECK ((workspace_id IS NULL) <> (sandbox_id IS NULL)),"
     "  UNIQUE (workspace_id, role),"
     "  UNIQUE (sandbox_id, role));"),
    /* 10: the outbox of notices, the sandboxes' webhooks and the reminders sent (lifecycle.md,
     * reminders and notices). A notice is written in the transaction of what caused it; dedup
     * makes "one per recipient per event" a constraint; next_try orders what is due and, while
     * a deliverer holds one, leases it. A reminder row per grant, expiry instant and kind: an
     * extension moves the instant, which re-arms it. */
    ("CREATE TABLE notify_hooks ("
     "  sandbox_id INTEGER PRIMARY KEY REFERENCES sandboxes(id) ON DELETE CASCADE,"
     "  url TEXT NOT NULL,"
     "  secret TEXT NOT NULL,"
     "  set_by TEXT NOT NULL,"
     "  set_at INTEGER NOT NULL);"
     "CREATE TABLE notices ("
     "  id TEXT PRIMARY KEY,"
     "  dedup TEXT NOT NULL UNIQUE,"
     "  sandbox_id INTEGER NOT NULL REFERENCES sandboxes(id) ON DELETE CASCADE,"
     "  principal TEXT NOT NULL,"
     "  kind TEXT NOT NULL,"
     "  at INTEGER NOT NULL,"
     "  event_id INTEGER,"
     "  slack_user TEXT NOT NULL DEFAULT '',"
     "  ref TEXT NOT NULL DEFAULT '',"
     "  slack_channel TEXT NOT NULL DEFAULT '',"
     "  slack_ts TEXT NOT NULL DEFAULT '',"
     "  text TEXT NOT NULL,"
     "  extra TEXT NOT NULL DEFAULT '',"
     "  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed', 'dropped')),"
     "  attempts INTEGER NOT NULL DEFAULT 0,"
     "  next_try INTEGER NOT NULL,"
     "  created_at INTEGER NOT NULL,"
     "  done_at INTEGER,"
     "  error TEXT NOT NULL DEFAULT '');"
     "CREATE INDEX notices_due ON notices (state, next_try);"
     "CREATE INDEX notices_by_ref ON notices (ref) WHERE ref <> '';"
     "CREATE TABLE reminders ("
     "  grant_id INTEGER NOT NULL REFERENCES grants(id) ON DELETE CASCADE,"
     "  expires_at INTEGER NOT NULL,"
     "  kind TEXT NOT NULL CHECK (kind IN ('1d', '1h')),"
     "  sent_at INTEGER NOT NULL,"
     "  PRIMARY KEY (grant_id, expires_at, kind)) WITHOUT ROWID;"
     "CREATE INDEX grants_by_expiry ON grants (expires_at);"),
    /* 11: access requests (lifecycle.md). At most one waiting per principal, sandbox and project
     * (a second replaces the first: the partial index makes it a constraint). */
    ("CREATE TABLE requests ("
     "  id INTEGER PRIMARY KEY,"
     "  token TEXT NOT NULL UNIQUE,"
     "  sandbox_id INTEGER NOT NULL REFERENCES sandboxes(id) ON DELETE CASCADE,"
     "  principal TEXT NOT NULL,"
     "  role TEXT NOT NULL CHECK (role IN ('editor', 'viewer')),"
     "  project TEXT NOT NULL DEFAULT '',"
     "  expires_at INTEGER,"
     "  duration TEXT NOT NULL DEFAULT '',"
     "  note TEXT,"
     "  requested_at INTEGER NOT NULL,"
     "  lapses_at INTEGER NOT NULL,"
     "  state TEXT NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'approved', 'denied', 'withdrawn', "
     "'replaced', 'lapsed')),"
     "  answered_by TEXT NOT NULL DEFAULT '',"
     "  answered_at INTEGER);"
     "CREATE UNIQUE INDEX requests_waiting ON requests (sandbox_id, principal, project) WHERE state = "
     "'waiting';"
     "CREATE INDEX requests_by_lapse ON requests (state, lapses_at);"),
    /* 12: the web page's sign-in (interfaces.md, Web page): the store's settings (public_url,
     * recorded by serve), one-time sign-in links and sessions, each kept only as the SHA-256
     * of its token. New tables: older programs never read them. */
    ("CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
     "CREATE TABLE web_links ("
     "  sha256 BLOB PRIMARY KEY,"
     "  principal TEXT NOT NULL,"
     "  created_at INTEGER NOT NULL,"
     "  expires_at INTEGER NOT NULL,"
     "  used_at INTEGER);"
     "CREATE TABLE web_sessions ("
     "  sha256 BLOB PRIMARY KEY,"
     "  principal TEXT NOT NULL,"
     "  csrf TEXT NOT NULL,"
     "  created_at INTEGER NOT NULL,"
     "  expires_at INTEGER NOT NULL,"
     "  revoked_at INTEGER);"
     "CREATE INDEX web_sessions_by_principal ON web_sessions (principal);"),
};

#define SCHEMA_VERSION ((int)(sizeof migrations / sizeof migrations[0]))

int store_schema_version(void) { return SCHEMA_VERSION; }

/* ---- Statements ------------------------------------------------------------------------- */

/* What is due (store_expiry_each): a grant's or a key's row in the same ten columns (is_key,
 * id, sandbox id and name, expires_at, principal, role or kind, project or agent, granted or
 * created by, and at), where the expiry at that instant has no record. */
#define DUE_GRANTS(where)                                                                                    \
    "SELECT 0, g.id, g.sandbox_id, s.name, g.expires_at, g.principal, g.role, g.project, g.granted_by, "     \
    "g.granted_at FROM grants g JOIN sandboxes s ON s.id = g.sandbox_id WHERE " where                        \
    " AND NOT EXISTS (SELECT 1 FROM grant_expiries x WHERE x.grant_id = g.id AND x.expires_at = "            \
    "g.expires_at)"
#define DUE_KEYS(where)                                                                                      \
    "SELECT 1, k.id, k.sandbox_id, s.name, k.expires_at, k.principal, k.kind, k.agent, k.created_by, "       \
    "k.created_at FROM agent_keys k JOIN sandboxes s ON s.id = k.sandbox_id WHERE " where                    \
    " AND NOT EXISTS (SELECT 1 FROM key_expiries x WHERE x.key_id = k.id AND x.expires_at = "                \
    "k.expires_at)"
#define DUE_ORDER " ORDER BY 5, 1, 2 LIMIT ?4"
/* Due at ?3 (t: the table's alias): of every sandbox, of sandbox ?1, of principal ?2 in it. A
 * principal's are found by its index, never by walking the sandbox's expiries: every change
 * asks this, so + keeps the planner off (sandbox_id, expires_at), and they come in no order
 * (a sort makes a temporary b-tree, a file, per change: 240 us instead of 10). */
#define DUE_ALL(t) t ".expires_at <= ?3"
#define DUE_SB(t)  t ".sandbox_id = ?1 AND " t ".expires_at <= ?3"
#define DUE_OF(t)  t ".principal = ?2 AND " t ".sandbox_id = ?1 AND +" t ".expires_at <= ?3"

/* Reminders due at now (store_reminder_each): a grant that was longer than a day gets "1d" from
 * a day before its expiry until the last hour, one longer than an hour "1h" in the last hour;
 * each once per expiry instant (the reminders table). By sandbox and holder, so that a
 * recipient's come together. */
#define REMINDERS_DUE(now)                                                                                   \
    "SELECT g.sandbox_id, s.name, g.id, g.principal, g.role, g.project, g.expires_at, g.granted_by, "        \
    "g.granted_at, k.kind FROM grants g JOIN sandboxes s ON s.id = g.sandbox_id "                            \
    "JOIN (SELECT '1d' AS kind, 86400 AS ahead UNION ALL SELECT '1h', 3600) k "                              \
    "ON g.expires_at <= " now " + k.ahead AND g.expires_at - g.granted_at > k.ahead "                        \
    "AND (k.kind = '1h' OR g.expires_at > " now " + 3600) "                                                  \
    "WHERE g.expires_at > " now " AND g.expires_at <= " now " + 86400 AND NOT EXISTS (SELECT 1 FROM "        \
    "reminders r WHERE r.grant_id = g.id AND r.expires_at = g.expires_at AND r.kind = k.kind) "              \
    "ORDER BY g.sandbox_id, g.principal, g.expires_at, g.project"

/* A request's columns, as store_request_find and its kin read them (request_row). */
#define REQUEST_COLUMNS                                                                                      \
    "SELECT r.id, r.token, r.sandbox_id, s.name, r.principal, r.role, r.project, r.expires_at, r.duration, " \
    "r.note, r.requested_at, r.lapses_at, r.state, r.answered_by, r.answered_at FROM requests r "            \
    "JOIN sandboxes s ON s.id = r.sandbox_id "

#define STATEMENTS(X)                                                                                        \
    /* What admin lists and shows (interfaces.md, admin): ?1 a workspace, ?2 a sandbox, NULL                 \
     * for any; the column names are the keys of admin's JSON Lines. */                                      \
    X(LIST_WORKSPACES,                                                                                       \
      "SELECT w.name AS name, w.default_mode AS default_mode, "                                              \
      "(SELECT count(*) FROM sandboxes s WHERE s.workspace_id = w.id) AS sandboxes, "                        \
      "(SELECT count(*) FROM members m WHERE m.workspace_id = w.id) AS members FROM workspaces w "           \
      "WHERE (?1 IS NULL OR w.name = ?1) AND (?2 IS NULL OR EXISTS "                                         \
      "(SELECT 1 FROM sandboxes s WHERE s.workspace_id = w.id AND s.name = ?2)) ORDER BY w.name")            \
    X(LIST_SANDBOXES,                                                                                        \
      "SELECT s.name AS name, w.name AS workspace, s.owner AS owner, s.mode AS mode, "                       \
      "NULLIF(s.source_dir, '') AS source_dir FROM sandboxes s JOIN workspaces w ON w.id = s.workspace_id "  \
      "WHERE (?1 IS NULL OR w.name = ?1) AND (?2 IS NULL OR s.name = ?2) ORDER BY s.name")                   \
    X(LIST_PROJECTS,                                                                                         \
      "SELECT s.name AS sandbox, t.name AS name FROM things t JOIN sandboxes s ON s.id = t.sandbox_id "      \
      "JOIN workspaces w ON w.id = s.workspace_id WHERE t.kind = 'project' AND (?1 IS NULL OR w.name = ?1) " \
      "AND (?2 IS NULL OR s.name = ?2) ORDER BY s.name, t.name")                                             \
    X(LIST_AGENTS,                                                                                           \
      "SELECT s.name AS sandbox, t.name AS name FROM things t JOIN sandboxes s ON s.id = t.sandbox_id "      \
      "JOIN workspaces w ON w.id = s.workspace_id WHERE t.kind = 'agent' AND (?1 IS NULL OR w.name = ?1) "   \
      "AND (?2 IS NULL OR s.name = ?2) ORDER BY s.name, t.name")                                             \
    X(LIST_BOTS,                                                                                             \
      "SELECT b.name AS name, w.name AS workspace, NULLIF(b.callback_prefix, '') AS callback_prefix "        \
      "FROM bots b JOIN workspaces w ON w.id = b.workspace_id WHERE (?1 IS NULL OR w.name = ?1) AND "        \
      "(?2 IS NULL OR EXISTS (SELECT 1 FROM sandboxes s WHERE s.workspace_id = w.id AND s.name = ?2)) "      \
      "ORDER BY b.name")                                                                                     \
    X(LIST_LINKS,                                                                                            \
      "SELECT slack_user, principal FROM slack_links WHERE ?1 IS NULL AND ?2 IS NULL ORDER BY slack_user")   \
    X(LIST_MAPS,                                                                                             \
      "SELECT m.team AS team, NULLIF(m.channel, '') AS channel, s.name AS sandbox FROM slack_maps m "        \
      "JOIN sandboxes s ON s.id = m.sandbox_id JOIN workspaces w ON w.id = s.workspace_id "                  \
      "WHERE (?1 IS NULL OR w.name = ?1) AND (?2 IS NULL OR s.name = ?2) ORDER BY m.team, m.channel")        \
    X(LIST_KEYS,                                                                                             \
      "SELECT s.name AS sandbox, k.agent AS agent, k.kind AS kind, NULLIF(k.principal, '') AS principal, "   \
      "strftime('%Y-%m-%dT%H:%M:%SZ', k.expires_at, 'unixepoch') AS expires_at, k.created_by AS "            \
      "created_by, "                                                                                         \
      "strftime('%Y-%m-%dT%H:%M:%SZ', k.created_at, 'unixepoch') AS created_at FROM agent_keys k "           \
      "JOIN sandboxes s ON s.id = k.sandbox_id JOIN workspaces w ON w.id = s.workspace_id "                  \
      "WHERE (?1 IS NULL OR w.name = ?1) AND (?2 IS NULL OR s.name = ?2) ORDER BY s.name, k.agent, k.id")    \
    X(LIST_POLICIES,                                                                                         \
      "SELECT CASE WHEN p.sandbox_id IS NULL THEN 'workspace' ELSE 'sandbox' END AS scope, "                 \
      "coalesce(s.name, w.name) AS name, p.role AS role, p.max_duration AS max_duration, "                   \
      "p.set_by AS set_by, strftime('%Y-%m-%dT%H:%M:%SZ', p.set_at, 'unixepoch') AS set_at "                 \
      "FROM policies p LEFT JOIN sandboxes s ON s.id = p.sandbox_id "                                        \
      "JOIN workspaces w ON w.id = coalesce(p.workspace_id, s.workspace_id) "                                \
      "WHERE (?1 IS NULL OR w.name = ?1) AND (?2 IS NULL OR s.name = ?2 OR (p.workspace_id IS NOT NULL "     \
      "AND EXISTS (SELECT 1 FROM sandboxes s2 WHERE s2.workspace_id = w.id AND s2.name = ?2))) "             \
      "ORDER BY w.name, p.sandbox_id IS NOT NULL, name, p.role")                                             \
    X(LIST_NOTICES,                                                                                          \
      "SELECT n.id AS id, s.name AS sandbox, n.principal AS principal, n.kind AS kind, n.state AS state, "   \
      "CASE WHEN n.slack_user <> '' THEN 'slack' ELSE 'webhook' END AS route, n.attempts AS attempts, "      \
      "strftime('%Y-%m-%dT%H:%M:%SZ', n.at, 'unixepoch') AS at, n.event_id AS event, "                       \
      "strftime('%Y-%m-%dT%H:%M:%SZ', n.next_try, 'unixepoch') AS next_try, "                                \
      "strftime('%Y-%m-%dT%H:%M:%SZ', n.done_at, 'unixepoch') AS done_at, NULLIF(n.error, '') AS error, "    \
      "n.text AS text FROM notices n JOIN sandboxes s ON s.id = n.sandbox_id "                               \
      "JOIN workspaces w ON w.id = s.workspace_id WHERE (?1 IS NULL OR w.name = ?1) AND "                    \
      "(?2 IS NULL OR s.name = ?2) ORDER BY n.created_at, n.event_id, n.id")                                 \
    X(SHOW_SANDBOX,                                                                                          \
      "SELECT s.name AS name, w.name AS workspace, s.owner AS owner, s.mode AS mode, "                       \
      "NULLIF(s.source_dir, '') AS source_dir, "                                                             \
      "(SELECT group_concat(name, ', ') FROM (SELECT name FROM things WHERE sandbox_id = s.id AND "          \
      "kind = 'project' ORDER BY name)) AS projects, "                                                       \
      "(SELECT group_concat(name, ', ') FROM (SELECT name FROM things WHERE sandbox_id = s.id AND "          \
      "kind = 'agent' ORDER BY name)) AS agents, "                                                           \
      "(SELECT count(*) FROM grants g WHERE g.sandbox_id = s.id) AS grants, "                                \
      "(SELECT count(*) FROM collaborators c WHERE c.sandbox_id = s.id) AS collaborators, "                  \
      "(SELECT count(*) FROM agent_keys k WHERE k.sandbox_id = s.id) AS keys, "                              \
      "(SELECT count(*) FROM audit a WHERE a.sandbox_id = s.id) AS events "                                  \
      "FROM sandboxes s JOIN workspaces w ON w.id = s.workspace_id "                                         \
      "WHERE (?1 IS NULL OR w.name = ?1) AND s.name = ?2")                                                   \
    X(BEGIN, "BEGIN IMMEDIATE")                                                                              \
    X(COMMIT, "COMMIT")                                                                                      \
    X(READ_BEGIN, "BEGIN DEFERRED")                                                                          \
    X(ROLLBACK, "ROLLBACK")                                                                                  \
    X(WS_ADD, "INSERT INTO workspaces (name, default_mode) VALUES (?1, ?2)")                                 \
    X(WS_FIND, "SELECT id, default_mode FROM workspaces WHERE name = ?1")                                    \
    X(MEMBER_ADD, "INSERT OR IGNORE INTO members (workspace_id, principal) VALUES (?1, ?2)")                 \
    X(MEMBER_REMOVE, "DELETE FROM members WHERE workspace_id = ?1 AND principal = ?2")                       \
    X(MEMBER_IS, "SELECT 1 FROM members WHERE workspace_id = ?1 AND principal = ?2")                         \
    X(SB_ADD,                                                                                                \
      "INSERT INTO sandboxes (workspace_id, name, owner, mode, source_dir) VALUES (?1, ?2, ?3, ?4, ?5)")     \
    X(SB_FIND, "SELECT s.id, s.workspace_id, s.name, w.name, s.owner, s.mode, s.source_dir "                 \
               "FROM sandboxes s JOIN workspaces w ON w.id = s.workspace_id WHERE s.name = ?1")              \
    X(SB_SET_MODE, "UPDATE sandboxes SET mode = ?2 WHERE id = ?1")                                           \
    X(SB_COUNT, "SELECT count(*) FROM sandboxes")                                                            \
    X(SB_OF,                                                                                                 \
      "SELECT s.name FROM sandboxes s WHERE s.owner = ?1 OR EXISTS (SELECT 1 FROM members m WHERE "          \
      "m.workspace_id = s.workspace_id AND m.principal = ?1) OR EXISTS (SELECT 1 FROM grants g WHERE "       \
      "g.sandbox_id = s.id AND g.principal = ?1) OR EXISTS (SELECT 1 FROM collaborators c WHERE "            \
      "c.sandbox_id = s.id AND c.principal = ?1) OR EXISTS (SELECT 1 FROM agent_keys k WHERE "               \
      "k.sandbox_id = s.id AND k.principal = ?1) ORDER BY s.name")                                           \
    X(THING_ADD, "INSERT INTO things (sandbox_id, kind, name) VALUES (?1, ?2, ?3)")                          \
    X(THING_REMOVE, "DELETE FROM things WHERE sandbox_id = ?1 AND kind = ?2 AND name = ?3")                  \
    X(THING_IS, "SELECT 1 FROM things WHERE sandbox_id = ?1 AND kind = ?2 AND name = ?3")                    \
    X(GRANT_PUT,                                                                                             \
      "INSERT INTO grants (sandbox_id, principal, role, project, expires_at, granted_by, granted_at) "       \
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "                                                                 \
      "ON CONFLICT (sandbox_id, principal, project) DO UPDATE SET role = excluded.role, "                    \
      "expires_at = excluded.expires_at, granted_by = excluded.granted_by, "                                 \
      "granted_at = excluded.granted_at RETURNING id")                                                       \
    X(GRANT_FIND, "SELECT id, principal, role, project, expires_at, granted_by, granted_at FROM grants "     \
                  "WHERE sandbox_id = ?1 AND principal = ?2 AND project = ?3")                               \
    X(GRANT_DELETE, "DELETE FROM grants WHERE id = ?1")                                                      \
    X(GRANT_EACH, "SELECT id, principal, role, project, expires_at, granted_by, granted_at FROM grants "     \
                  "WHERE sandbox_id = ?1 ORDER BY principal, project")                                       \
    X(GRANT_EACH_OF, "SELECT id, principal, role, project, expires_at, granted_by, granted_at FROM grants "  \
                     "WHERE sandbox_id = ?1 AND principal = ?2 ORDER BY project")                            \
    /* A policy: ?1 the sandbox or ?2 the workspace (the other NULL), ?3 the role. */                        \
    X(POLICY_PUT_SB,                                                                                         \
      "INSERT INTO policies (sandbox_id, role, max_duration, set_by, set_at) VALUES (?1, ?3, ?4, ?5, ?6) "   \
      "ON CONFLICT (sandbox_id, role) DO UPDATE SET max_duration = excluded.max_duration, "                  \
      "set_by = excluded.set_by, set_at = excluded.set_at")                                                  \
    X(POLICY_PUT_WS,                                                                                         \
      "INSERT INTO policies (workspace_id, role, max_duration, set_by, set_at) VALUES (?2, ?3, ?4, ?5, ?6) " \
      "ON CONFLICT (workspace_id, role) DO UPDATE SET max_duration = excluded.max_duration, "                \
      "set_by = excluded.set_by, set_at = excluded.set_at")                                                  \
    X(POLICY_DELETE, "DELETE FROM policies WHERE (sandbox_id = ?1 OR workspace_id = ?2) AND role = ?3")      \
    X(POLICY_FIND, "SELECT max_duration FROM policies WHERE (sandbox_id = ?1 OR workspace_id = ?2) "         \
                   "AND role = ?3")                                                                          \
    X(GRANTS_OVER, "SELECT count(*) FROM grants WHERE sandbox_id = ?1 AND role = ?2 "                        \
                   "AND (expires_at IS NULL OR expires_at > ?3)")                                            \
    /* admin link --merge: what each grant held by both names would become (LINK_MERGE). */                  \
    X(LINK_MERGES,                                                                                           \
      "SELECT s.name, g2.project, "                                                                          \
      "CASE WHEN g2.role = 'editor' OR g1.role = 'editor' THEN 'editor' ELSE 'viewer' END, "                 \
      "CASE WHEN g2.expires_at IS NULL OR g1.expires_at IS NULL THEN NULL "                                  \
      "ELSE max(g2.expires_at, g1.expires_at) END "                                                          \
      "FROM grants g1 JOIN grants g2 ON g2.sandbox_id = g1.sandbox_id AND g2.project = g1.project "          \
      "JOIN sandboxes s ON s.id = g1.sandbox_id WHERE g1.principal = ?1 AND g2.principal = ?2 "              \
      "ORDER BY s.name, g2.project")                                                                         \
    X(AUDIT_ADD,                                                                                             \
      "INSERT INTO audit (sandbox_id, at, actor, intent, subjects, outcome, summary, before, after) "        \
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")                                                         \
    X(STORE_AUDIT_ADD,                                                                                       \
      "INSERT INTO store_audit (at, actor, intent, subjects, outcome, summary, before, after) "              \
      "VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")                                                             \
    X(STORE_AUDIT_EACH,                                                                                      \
      "SELECT a.id, a.at, '', a.actor, a.intent, a.subjects, a.outcome, a.summary, a.before, a.after "       \
      "FROM store_audit a "                                                                                  \
      "WHERE ?1 = 0 AND a.at >= ?2 AND (?3 IS NULL OR a.actor = ?3 OR EXISTS "                               \
      "(SELECT 1 FROM json_each(a.subjects) WHERE json_each.value = ?3)) "                                   \
      "ORDER BY a.at DESC, a.id DESC LIMIT ?4")                                                              \
    X(AUDIT_EACH,                                                                                            \
      "SELECT a.id, a.at, s.name, a.actor, a.intent, a.subjects, a.outcome, a.summary, a.before, a.after "   \
      "FROM audit a JOIN sandboxes s ON s.id = a.sandbox_id "                                                \
      "WHERE a.sandbox_id = ?1 AND a.at >= ?2 AND (?3 IS NULL OR a.actor = ?3 OR EXISTS "                    \
      "(SELECT 1 FROM json_each(a.subjects) WHERE json_each.value = ?3)) "                                   \
      "ORDER BY a.at DESC, a.id DESC LIMIT ?4")                                                              \
    X(PENDING_PUT, "INSERT INTO pending (token, actor, conversation, sandbox, intent_json, created_at, "     \
                   "expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")                                        \
    X(COLLAB_ADD, "INSERT OR IGNORE INTO collaborators (sandbox_id, principal) VALUES (?1, ?2)")             \
    X(COLLAB_REMOVE, "DELETE FROM collaborators WHERE sandbox_id = ?1 AND principal = ?2")                   \
    X(COLLAB_IS, "SELECT 1 FROM collaborators WHERE sandbox_id = ?1 AND principal = ?2")                     \
    X(COLLAB_EACH, "SELECT principal FROM collaborators WHERE sandbox_id = ?1 ORDER BY principal")           \
    X(PENDING_LIST, "SELECT token, actor, conversation, sandbox, intent_json, created_at, expires_at "       \
                    "FROM pending WHERE actor = ?1 AND conversation = ?2 AND expires_at > ?3 "               \
                    "AND intent_json <> '' "                                                                 \
                    "ORDER BY created_at, rowid")                                                            \
    X(PENDING_PURGE, "DELETE FROM pending WHERE expires_at <= ?1")                                           \
    X(KEY_ADD, "INSERT INTO agent_keys (sandbox_id, agent, kind, principal, expires_at, secret_sha256, "     \
               "created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")                            \
    X(KEY_REMOVE,                                                                                            \
      "DELETE FROM agent_keys WHERE sandbox_id = ?1 AND agent = ?2 AND (?3 IS NULL OR principal = ?3)")      \
    X(KEY_FIND,                                                                                              \
      "SELECT k.id, s.name, k.agent, k.kind, k.principal, k.expires_at, s.workspace_id FROM agent_keys k "   \
      "JOIN sandboxes s ON s.id = k.sandbox_id JOIN things t ON t.sandbox_id = k.sandbox_id "                \
      "AND t.kind = 'agent' AND t.name = k.agent WHERE k.secret_sha256 = ?1")                                \
    X(KEY_HOLDER_IS,                                                                                         \
      "SELECT 1 FROM agent_keys k JOIN things t ON t.sandbox_id = k.sandbox_id "                             \
      "AND t.kind = 'agent' AND t.name = k.agent WHERE k.sandbox_id = ?1 AND k.principal = ?2")              \
    X(CROSS_PUT,                                                                                             \
      "INSERT INTO cross_grants (reader_id, source_id, snapshot_at, granted_by) VALUES (?1, ?2, ?3, ?4) "    \
      "ON CONFLICT (reader_id, source_id) DO UPDATE SET snapshot_at = excluded.snapshot_at")                 \
    X(CROSS_FIND, "SELECT snapshot_at FROM cross_grants WHERE reader_id = ?1 AND source_id = ?2")            \
    X(CROSS_DELETE, "DELETE FROM cross_grants WHERE reader_id = ?1 AND source_id = ?2")                      \
    X(LINK, "INSERT INTO slack_links (slack_user, principal) VALUES (?1, ?2) "                               \
            "ON CONFLICT (slack_user) DO UPDATE SET principal = excluded.principal")                         \
    X(UNLINK, "DELETE FROM slack_links WHERE slack_user = ?1")                                               \
    /* Where both names hold a grant for one sandbox and project (link --merge): the higher role             \
     * and the later expiry (none is latest) go to the principal's grant. */                                 \
    X(LINK_CLASH,                                                                                            \
      "SELECT s.name, g1.project FROM grants g1 JOIN grants g2 ON g2.sandbox_id = g1.sandbox_id "            \
      "AND g2.project = g1.project JOIN sandboxes s ON s.id = g1.sandbox_id "                                \
      "WHERE g1.principal = ?1 AND g2.principal = ?2 ORDER BY s.name, g1.project LIMIT 1")                   \
    X(LINK_MERGE,                                                                                            \
      "UPDATE grants AS g2 SET "                                                                             \
      "role = CASE WHEN g2.role = 'editor' OR g1.role = 'editor' THEN 'editor' ELSE 'viewer' END, "          \
      "expires_at = CASE WHEN g2.expires_at IS NULL OR g1.expires_at IS NULL THEN NULL "                     \
      "ELSE max(g2.expires_at, g1.expires_at) END "                                                          \
      "FROM grants AS g1 WHERE g1.principal = ?1 AND g2.principal = ?2 "                                     \
      "AND g1.sandbox_id = g2.sandbox_id AND g1.project = g2.project")                                       \
    X(LINK_GRANTS, "UPDATE OR IGNORE grants SET principal = ?2 WHERE principal = ?1")                        \
    X(LINK_GRANTS_LEFT, "DELETE FROM grants WHERE principal = ?1")                                           \
    X(LINK_COLLABS, "UPDATE OR IGNORE collaborators SET principal = ?2 WHERE principal = ?1")                \
    X(LINK_COLLABS_LEFT, "DELETE FROM collaborators WHERE principal = ?1")                                   \
    X(LINK_MEMBERS, "UPDATE OR IGNORE members SET principal = ?2 WHERE principal = ?1")                      \
    X(LINK_MEMBERS_LEFT, "DELETE FROM members WHERE principal = ?1")                                         \
    X(LINK_OWNERS, "UPDATE sandboxes SET owner = ?2 WHERE owner = ?1")                                       \
    X(LINK_KEYS, "UPDATE agent_keys SET principal = ?2 WHERE principal = ?1")                                \
    X(MAP, "INSERT INTO slack_maps (team, channel, sandbox_id) VALUES (?1, ?2, ?3) "                         \
           "ON CONFLICT (team, channel) DO UPDATE SET sandbox_id = excluded.sandbox_id")                     \
    X(UNMAP, "DELETE FROM slack_maps WHERE team = ?1 AND channel = ?2")                                      \
    X(BOT_ADD, "INSERT INTO bots (name, workspace_id, token_sha256, callback_prefix, signing_secret) "       \
               "VALUES (?1, ?2, ?3, ?4, ?5)")                                                                \
    X(BOT_REMOVE, "DELETE FROM bots WHERE name = ?1")                                                        \
    X(BOT_ROTATE, "UPDATE bots SET token_sha256 = ?2, signing_secret = ?3 WHERE name = ?1")                  \
    X(BOT_FIND, "SELECT id, name, workspace_id, callback_prefix, signing_secret FROM bots "                  \
                "WHERE token_sha256 = ?1")                                                                   \
    X(BOTS_UNSIGNED, "SELECT name FROM bots WHERE signing_secret IS NULL OR signing_secret = '' "            \
                     "ORDER BY name")                                                                        \
    X(LINK_FIND, "SELECT principal FROM slack_links WHERE slack_user = ?1")                                  \
    X(MAP_FIND, "SELECT s.name FROM slack_maps m JOIN sandboxes s ON s.id = m.sandbox_id "                   \
                "WHERE m.team = ?1 AND m.channel IN (?2, '') ORDER BY m.channel = '' LIMIT 1")               \
    X(WS_ONLY_SANDBOX, "SELECT min(name), count(*) FROM sandboxes WHERE workspace_id = ?1")                  \
    X(WS_REMOVE, "DELETE FROM workspaces WHERE name = ?1")                                                   \
    X(SB_REMOVE, "DELETE FROM sandboxes WHERE name = ?1")                                                    \
    X(PENDING_TAKE,                                                                                          \
      "DELETE FROM pending WHERE token = ?1 RETURNING actor, conversation, sandbox, intent_json, "           \
      "created_at, expires_at")                                                                              \
    X(IDEM_FORGET, "DELETE FROM idempotency WHERE created_at < ?1 OR (bot_id = ?2 AND key = ?3 AND "         \
                   "reply IS NULL AND created_at < ?4)")                                                     \
    X(IDEM_CLAIM,                                                                                            \
      "INSERT INTO idempotency (bot_id, key, request_sha256, created_at) VALUES (?1, ?2, ?3, ?4) "           \
      "ON CONFLICT DO NOTHING")                                                                              \
    X(IDEM_FIND, "SELECT request_sha256 = ?3, reply FROM idempotency WHERE bot_id = ?1 AND key = ?2")        \
    X(IDEM_FINISH, "UPDATE idempotency SET reply = ?3 WHERE bot_id = ?1 AND key = ?2")                       \
    X(SETTING_GET, "SELECT value FROM settings WHERE name = ?1")                                             \
    X(SETTING_SET, "INSERT INTO settings (name, value) VALUES (?1, ?2) "                                     \
                   "ON CONFLICT (name) DO UPDATE SET value = excluded.value")                                \
    X(WEB_LINK_FORGET, "DELETE FROM web_links WHERE expires_at < ?1")                                        \
    X(WEB_LINK_ADD,                                                                                          \
      "INSERT INTO web_links (sha256, principal, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)")           \
    X(WEB_LINK_TAKE, "UPDATE web_links SET used_at = ?2 WHERE sha256 = ?1 AND used_at IS NULL "              \
                     "AND expires_at > ?2 RETURNING principal")                                              \
    X(WEB_SESSION_FORGET, "DELETE FROM web_sessions WHERE expires_at < ?1")                                  \
    X(WEB_SESSION_ADD, "INSERT INTO web_sessions (sha256, principal, csrf, created_at, expires_at) "         \
                       "VALUES (?1, ?2, ?3, ?4, ?5)")                                                        \
    X(WEB_SESSION_FIND,                                                                                      \
      "SELECT principal, csrf, created_at, expires_at FROM web_sessions WHERE sha256 = ?1 "                  \
      "AND revoked_at IS NULL AND expires_at > ?2")                                                          \
    X(WEB_SESSION_END, "UPDATE web_sessions SET revoked_at = ?2 WHERE sha256 = ?1 AND revoked_at IS NULL "   \
                       "AND expires_at > ?2")                                                                \
    X(WEB_SESSION_REVOKE, "UPDATE web_sessions SET revoked_at = ?2 WHERE principal = ?1 "                    \
                          "AND revoked_at IS NULL AND expires_at > ?2")                                      \
    X(WEB_SESSIONS,                                                                                          \
      "SELECT principal, strftime('%Y-%m-%dT%H:%M:%SZ', created_at, 'unixepoch') AS created_at, "            \
      "strftime('%Y-%m-%dT%H:%M:%SZ', expires_at, 'unixepoch') AS expires_at FROM web_sessions "             \
      "WHERE revoked_at IS NULL AND expires_at > ?1 ORDER BY principal, created_at")                         \
    X(EVENT_CLAIM, "INSERT INTO slack_events (event_id, channel, ts, ts_us, received_at) "                   \
                   "VALUES (?1, ?2, ?3, ?4, ?5)")                                                            \
    X(EVENT_FORGET, "DELETE FROM slack_events WHERE received_at < ?1")                                       \
    X(EVENT_RELEASE, "DELETE FROM slack_events WHERE event_id = ?1")                                         \
    X(EVENT_DONE, "UPDATE slack_events SET done = 1 WHERE channel = ?1 AND ts = ?2")                         \
    X(EVENTS_BEFORE, "SELECT count(*) FROM slack_events WHERE channel = ?1 AND ts_us < ?2 AND done = 0 "     \
                     "AND received_at >= ?3")                                                                \
    /* Grants and keys due at ?3 whose expiry is not recorded: all (?1 0), of a sandbox, or of               \
     * a principal in it (?2); the earliest due first, at most ?4. */                                        \
    X(EXPIRY_DUE, DUE_GRANTS(DUE_ALL("g")) " UNION ALL " DUE_KEYS(DUE_ALL("k")) DUE_ORDER)                   \
    X(EXPIRY_DUE_SB, DUE_GRANTS(DUE_SB("g")) " UNION ALL " DUE_KEYS(DUE_SB("k")) DUE_ORDER)                  \
    X(EXPIRY_DUE_OF, DUE_GRANTS(DUE_OF("g")) " UNION ALL " DUE_KEYS(DUE_OF("k")) " LIMIT ?4")                \
    X(EXPIRY_CLAIM_GRANT,                                                                                    \
      "INSERT OR IGNORE INTO grant_expiries (grant_id, expires_at, recorded_at) VALUES (?1, ?2, ?3)")        \
    X(EXPIRY_CLAIM_KEY,                                                                                      \
      "INSERT OR IGNORE INTO key_expiries (key_id, expires_at, recorded_at) VALUES (?1, ?2, ?3)")            \
    X(NOTICE_ADD,                                                                                            \
      "INSERT OR IGNORE INTO notices (id, dedup, sandbox_id, principal, kind, at, event_id, slack_user, "    \
      "text, extra, next_try, created_at, ref) VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULLIF(?7, 0), ?8, ?9, ?10, " \
      "?11, ?11, ?12)")                                                                                      \
    X(NOTICE_POSTED, "UPDATE notices SET slack_channel = ?2, slack_ts = ?3 WHERE id = ?1")                   \
    X(NOTICE_MESSAGE, "SELECT slack_channel, slack_ts FROM notices WHERE ref = ?1 AND kind = 'requested' "   \
                      "AND slack_ts <> '' ORDER BY created_at DESC LIMIT 1")                                 \
    X(NOTICE_DUE,                                                                                            \
      "SELECT n.id, n.sandbox_id, s.name, n.principal, n.kind, n.at, coalesce(n.event_id, 0), "              \
      "n.slack_user, "                                                                                       \
      "n.state, n.attempts, n.next_try, n.created_at, n.text, n.extra, h.url, h.secret FROM notices n "      \
      "JOIN sandboxes s ON s.id = n.sandbox_id LEFT JOIN notify_hooks h ON h.sandbox_id = n.sandbox_id "     \
      "WHERE n.state = 'pending' AND n.next_try <= ?1 ORDER BY n.next_try, n.id LIMIT ?2")                   \
    X(NOTICE_LEASE,                                                                                          \
      "UPDATE notices SET next_try = ?3 WHERE id IN (SELECT id FROM notices WHERE state = 'pending' AND "    \
      "next_try <= ?1 ORDER BY next_try, id LIMIT ?2)")                                                      \
    X(NOTICE_FINISH, "UPDATE notices SET state = ?2, attempts = ?3, next_try = ?4, error = ?6, "             \
                     "done_at = CASE WHEN ?2 = 'pending' THEN NULL ELSE ?5 END WHERE id = ?1")               \
    X(NOTIFY_SET,                                                                                            \
      "INSERT INTO notify_hooks (sandbox_id, url, secret, set_by, set_at) VALUES (?1, ?2, ?3, ?4, ?5) "      \
      "ON CONFLICT (sandbox_id) DO UPDATE SET url = excluded.url, secret = excluded.secret, "                \
      "set_by = excluded.set_by, set_at = excluded.set_at")                                                  \
    X(NOTIFY_REMOVE, "DELETE FROM notify_hooks WHERE sandbox_id = ?1")                                       \
    X(NOTIFY_HAS, "SELECT 1 FROM notify_hooks WHERE sandbox_id = ?1")                                        \
    X(SLACK_USER_OF, "SELECT slack_user FROM slack_links WHERE principal = ?1 ORDER BY slack_user LIMIT 1")  \
    X(REMINDER_DUE, REMINDERS_DUE("?1"))                                                                     \
    X(REMINDER_RECORD,                                                                                       \
      "INSERT OR IGNORE INTO reminders (grant_id, expires_at, kind, sent_at) VALUES (?1, ?2, ?3, ?4)")       \
    X(GRANT_EXPIRES, "SELECT 1 FROM grants WHERE id = ?1 AND expires_at = ?2")                               \
    X(REQUEST_REPLACE,                                                                                       \
      "UPDATE requests SET state = 'replaced', answered_at = ?4 WHERE sandbox_id = ?1 AND principal = ?2 "   \
      "AND project = ?3 AND state = 'waiting' RETURNING token")                                              \
    X(REQUEST_ADD,                                                                                           \
      "INSERT INTO requests (token, sandbox_id, principal, role, project, expires_at, duration, note, "      \
      "requested_at, lapses_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")                           \
    X(REQUEST_FIND, REQUEST_COLUMNS "WHERE r.token = ?1")                                                    \
    X(REQUEST_EACH, REQUEST_COLUMNS "WHERE r.state = 'waiting' AND r.lapses_at > ?3 AND (?1 = 0 OR "         \
                                    "r.sandbox_id = ?1) AND (?2 IS NULL OR r.principal = ?2) ORDER BY r.id") \
    X(REQUEST_LAPSED, REQUEST_COLUMNS "WHERE r.state = 'waiting' AND r.lapses_at <= ?1 ORDER BY r.id")       \
    X(REQUEST_ANSWER, "UPDATE requests SET state = ?2, answered_by = ?3, answered_at = ?4 "                  \
                      "WHERE id = ?1 AND state = 'waiting'")

enum stmt_id {
#define X(id, sql) SQL_##id,
    STATEMENTS(X)
#undef X
        SQL__COUNT
};

static const char *const stmt_sql[SQL__COUNT] = {
#define X(id, sql) [SQL_##id] = sql,
    STATEMENTS(X)
#undef X
};

struct sq {
    struct store base; /* first: a struct store * of this backend is a struct sq * */
    sqlite3 *db;
    sqlite3_stmt *stmt[SQL__COUNT];
    int writing;            /* holds writer_lock: between store_begin and the end of its transaction */
    int reading;            /* in a read transaction of store_read_begin */
    int last_rc;            /* SQLite's code of the last exec_sql, to decide retries by code, not words */
    struct wal_sync *group; /* STORE_GROUP: commits wait for a shared sync of the log */
};

static struct sq *sq(struct store *s) { return (struct sq *)s; }

/* Every function of the table (backend.h), declared from its row: a signature that strays
 * from store_fns.def does not compile. */
#define STORE_FN(ret, name, params, args) static ret sq_##name params;
#define STORE_VOID(name, params, args)    static void sq_##name params;
#include "store_fns.def"
#undef STORE_FN
#undef STORE_VOID
static void sq_close(struct store *s);

/* Writers of one process queue here, in order, instead of in SQLite's busy handler, which
 * sleeps up to 100 ms between tries and lets a thread starve behind the others (the server
 * has a connection per thread). Other processes still meet the busy timeout. */
static pthread_mutex_t writer_lock = PTHREAD_MUTEX_INITIALIZER;

static void end_writing(struct store *s)
{
    if (sq(s)->writing && sqlite3_get_autocommit(sq(s)->db)) {
        sq(s)->writing = 0;
        pthread_mutex_unlock(&writer_lock);
    }
}

static enum store_status fail(struct store *s, const char *what)
{
    snprintf(s->err, sizeof s->err, "%s: %s", what, sqlite3_errmsg(sq(s)->db));
    return STORE_ERROR;
}

/* The statement, prepared on first use; NULL (with s->err set) if it cannot be. */
static sqlite3_stmt *stmt(struct store *s, enum stmt_id id)
{
    if (!sq(s)->stmt[id] && sqlite3_prepare_v3(sq(s)->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
                                               &sq(s)->stmt[id], NULL) != SQLITE_OK) {
        fail(s, "preparing a statement");
        return NULL;
    }
    return sq(s)->stmt[id];
}

static void done(sqlite3_stmt *st)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

/* The store never keeps what it could not give back whole: a value longer than the record
 * it is read back into is refused at the door, naming it (never cut on the way out). */
static int too_long(struct store *s, const char *what, const char *v, size_t max)
{
    if (!v || strlen(v) <= max) return 0;
    snprintf(s->err, sizeof s->err, "%s is longer than %zu bytes", what, max);
    return 1;
}

/* A text column as it is, of any length, valid until the statement steps again. */
static const char *col_text(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    return t ? (const char *)t : "";
}

/* A column into a fixed field of a record. Every field is as large as what the store's door
 * lets in (too_long), so a value always fits; one that does not (a store written by something
 * else) is never used cut: 1, and the caller answers cut_read(). 0 when whole. */
static int copy_col(sqlite3_stmt *st, int col, char *dst, size_t size)
{
    const unsigned char *v = sqlite3_column_text(st, col);
    size_t n = v ? (size_t)sqlite3_column_bytes(st, col) : 0;
    if (n >= size || (v && strlen((const char *)v) != n)) {
        dst[0] = '\0';
        return 1;
    }
    memcpy(dst, v ? (const char *)v : "", n + 1);
    return 0;
}

/* The answer when a stored value did not fit its field: an error, never a shortened name. */
static enum store_status cut_read(struct store *s)
{
    snprintf(s->err, sizeof s->err,
             "the store holds a value longer than concierge keeps (written by something else?)");
    return STORE_ERROR;
}

/* What one step of a look-up found: a row, none, or a failure (with s->err set). */
static enum store_status row_status(struct store *s, int rc, const char *what)
{
    return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOT_FOUND : fail(s, what);
}

/* Runs a statement that returns no rows, or whose first row is not needed. */
static enum store_status run(struct store *s, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    done(st);
    if (rc == SQLITE_DONE || rc == SQLITE_ROW) return STORE_OK;
    if (rc == SQLITE_CONSTRAINT) {
        snprintf(s->err, sizeof s->err, "%s: it exists already", what);
        return STORE_EXISTS;
    }
    return fail(s, what);
}

/* ---- Opening ----------------------------------------------------------------------------- */

static enum store_status exec_sql(struct store *s, const char *sql, const char *what)
{
    char *msg = NULL;
    sq(s)->last_rc = sqlite3_exec(sq(s)->db, sql, NULL, NULL, &msg);
    if (sq(s)->last_rc == SQLITE_OK) return STORE_OK;
    snprintf(s->err, sizeof s->err, "%s: %s", what, msg ? msg : sqlite3_errmsg(sq(s)->db));
    sqlite3_free(msg);
    return STORE_ERROR;
}

static int user_version(struct store *s)
{
    sqlite3_stmt *st;
    int v = -1;
    if (sqlite3_prepare_v2(sq(s)->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK) return -1;
    if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

static enum store_status migrate(struct store *s)
{
    int v = user_version(s);
    if (v < 0) return fail(s, "reading the schema version");
    if (v > SCHEMA_VERSION) {
        snprintf(s->err, sizeof s->err,
                 "the store has schema version %d, newer than this concierge understands (%d): use a newer "
                 "concierge",
                 v, SCHEMA_VERSION);
        return STORE_TOO_NEW;
    }
    for (; v < SCHEMA_VERSION; v++) {
        char set[64];
        snprintf(set, sizeof set, "PRAGMA user_version = %d", v + 1);
        if (exec_sql(s, "BEGIN IMMEDIATE", "migrating the store") != STORE_OK) return STORE_ERROR;
        /* Another process may have migrated while this one waited for the lock. */
        int now = user_version(s);
        if (now > v) {
            exec_sql(s, "COMMIT", "migrating the store");
            v = now - 1;
            continue;
        }
        if (exec_sql(s, migrations[v], "migrating the store") != STORE_OK ||
            exec_sql(s, set, "migrating the store") != STORE_OK ||
            exec_sql(s, "COMMIT", "migrating the store")) {
            exec_sql(s, "ROLLBACK", "rolling back a migration");
            return STORE_ERROR;
        }
    }
    return STORE_OK;
}

/* SQLite's memory statistics take one process-wide mutex at every allocation: with a
 * connection per server thread, the threads queued on it (a futex call a request). concierge
 * never reads them. Must be set before SQLite initialises, hence once, before the first open. */
static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;
static void sqlite_setup(void) { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

static const struct store_ops sqlite_ops;

enum store_status sqlite_store_open(const char *path, int flags, struct store **out, char *err, size_t errlen)
{
    *out = NULL;
    pthread_once(&sqlite_once, sqlite_setup);
    if (flags & STORE_CREATE) {
        /* Created 0600 before SQLite opens it: the store is an administrator's file. */
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0)
            close(fd);
        else if (errno != EEXIST) {
            snprintf(err, errlen, "cannot create the store %s: %s", path, strerror(errno));
            return STORE_ERROR;
        }
    }
    struct sq *q = calloc(1, sizeof *q);
    if (!q) {
        snprintf(err, errlen, "out of memory");
        return STORE_ERROR;
    }
    q->base.ops = &sqlite_ops;
    struct store *s = &q->base;
    enum store_status st = STORE_ERROR;
    if (sqlite3_open_v2(path, &sq(s)->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        snprintf(s->err, sizeof s->err, "cannot open the store %s: %s", path,
                 sq(s)->db ? sqlite3_errmsg(sq(s)->db) : "out of memory");
        goto out;
    }
    sqlite3_busy_timeout(sq(s)->db, 10000);
    sqlite3_extended_result_codes(sq(s)->db, 0);
    /* Switching to WAL takes the file for a moment: a second process opening a new store at
     * the same time waits its turn rather than fail. */
    for (int attempt = 0;; attempt++) {
        if (exec_sql(s, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
                     "setting up the store") == STORE_OK)
            break;
        if (attempt >= 100 || (sq(s)->last_rc != SQLITE_BUSY && sq(s)->last_rc != SQLITE_LOCKED)) goto out;
        usleep(50000);
    }
    st = migrate(s);
    if (st == STORE_OK && (flags & STORE_GROUP)) {
        /* Group commit (wal_sync.h): COMMIT writes the log and does not wait for the disk;
         * sq_commit waits for the shared sync instead. */
        if (exec_sql(s, "PRAGMA synchronous = NORMAL", "setting up group commit") != STORE_OK)
            st = STORE_ERROR;
        else if (!(sq(s)->group = wal_sync_attach(sqlite3_db_filename(sq(s)->db, "main")))) {
            snprintf(s->err, sizeof s->err, "out of memory");
            st = STORE_ERROR;
        }
    }
out:
    if (st != STORE_OK) {
        snprintf(err, errlen, "%s", s->err);
        sq_close(s);
        return st;
    }
    *out = s;
    return STORE_OK;
}

static void sq_close(struct store *s)
{
    if (!s) return;
    if (sq(s)->writing) sq_rollback(s); /* a transaction left open is not kept */
    for (int i = 0; i < SQL__COUNT; i++)
        sqlite3_finalize(sq(s)->stmt[i]);
    sqlite3_close(sq(s)->db);
    wal_sync_detach(sq(s)->group);
    free(s);
}

/* ---- Transactions ----------------------------------------------------------------------- */

static enum store_status sq_read_begin(struct store *s)
{
    if (sq(s)->reading || sq(s)->writing || !sqlite3_get_autocommit(sq(s)->db)) return STORE_OK;
    /* Prepared once, like every statement: sqlite3_exec would compile it each time. */
    sqlite3_stmt *st = stmt(s, SQL_READ_BEGIN);
    enum store_status r = st ? run(s, st, "starting to read") : STORE_ERROR;
    if (r == STORE_OK) sq(s)->reading = 1;
    return r;
}

static void sq_read_end(struct store *s)
{
    if (!sq(s)->reading) return;
    sq(s)->reading = 0;
    sqlite3_stmt *st = stmt(s, SQL_COMMIT);
    if (!sqlite3_get_autocommit(sq(s)->db) && (!st || run(s, st, "ending a read") != STORE_OK))
        sq_rollback(s);
}

static enum store_status sq_begin(struct store *s)
{
    if (sq(s)->group && wal_sync_broken(sq(s)->group)) {
        snprintf(s->err, sizeof s->err,
                 "the store takes no more changes: syncing its log failed; restart the server and check it");
        return STORE_ERROR;
    }
    sqlite3_stmt *st = stmt(s, SQL_BEGIN);
    if (!st) return STORE_ERROR;
    /* A change ends the read: it is decided again inside its own transaction. */
    sq_read_end(s);
    if (!sq(s)->writing) {
        pthread_mutex_lock(&writer_lock);
        sq(s)->writing = 1;
    }
    enum store_status r = run(s, st, "starting a transaction");
    end_writing(s); /* releases the lock only if no transaction began */
    return r;
}

static enum store_status sq_commit(struct store *s)
{
    sqlite3_stmt *st = stmt(s, SQL_COMMIT);
    enum store_status r = st ? run(s, st, "committing") : STORE_ERROR;
    /* A commit that failed leaves the transaction open: it is rolled back here, so that the
     * caller's failure path is the same whether or not it rolls back too. */
    if (r != STORE_OK) {
        sq_rollback(s);
        return r;
    }
    /* Numbered while this thread still holds the writers' lock, so numbers follow the log. */
    uint64_t seq = sq(s)->group ? wal_sync_committed(sq(s)->group) : 0;
    end_writing(s);
    /* Acknowledged only once on disk: the other writers go on meanwhile, and one sync covers
     * every commit made while the last one ran. */
    if (sq(s)->group && wal_sync_wait(sq(s)->group, seq, s->err, sizeof s->err)) return STORE_ERROR;
    return r;
}

/* SQLite's write transactions are one at a time already (BEGIN IMMEDIATE and writer_lock). */
static enum store_status sq_begin_exclusive(struct store *s) { return sq_begin(s); }

static enum store_status sq_lock_sandbox(struct store *s, int64_t sandbox_id)
{
    (void)s;
    (void)sandbox_id;
    return STORE_OK;
}

static int64_t sq_db_clock(struct store *s)
{
    (void)s;
    return (int64_t)time(NULL);
}

/* A SQLite store migrated when it was opened. */
static enum store_status sq_migrate(struct store *s, int *from, int *to)
{
    (void)s;
    *from = *to = SCHEMA_VERSION;
    return STORE_OK;
}

static void sq_rollback(struct store *s)
{
    sqlite3_stmt *st = stmt(s, SQL_ROLLBACK);
    if (st && sqlite3_get_autocommit(sq(s)->db) == 0) run(s, st, "rolling back");
    end_writing(s);
}

/* ---- Workspaces and sandboxes --------------------------------------------------------------- */

static const char *mode_text(enum mode m) { return mode_name(m) ? mode_name(m) : "shared"; }

static enum mode mode_of(const unsigned char *t)
{
    if (!t) return MODE_SHARED;
    if (strcmp((const char *)t, "private") == 0) return MODE_PRIVATE;
    if (strcmp((const char *)t, "collaborated") == 0) return MODE_COLLABORATED;
    return MODE_SHARED;
}

static enum store_status sq_workspace_add(struct store *s, const char *name, enum mode default_mode,
                                          int64_t *id)
{
    if (too_long(s, "a workspace name", name, NAME_MAX_LEN)) return STORE_ERROR;
    sqlite3_stmt *st = stmt(s, SQL_WS_ADD);
    if (!st) return STORE_ERROR;
    bind_text(st, 1, name);
    bind_text(st, 2, default_mode == MODE_PRIVATE ? "private" : "shared");
    enum store_status r = run(s, st, "adding the workspace");
    if (r == STORE_OK && id) *id = sqlite3_last_insert_rowid(sq(s)->db);
    return r;
}

static enum store_status sq_workspace_find(struct store *s, const char *name, int64_t *id,
                                           enum mode *default_mode)
{
    sqlite3_stmt *st = stmt(s, SQL_WS_FIND);
    if (!st) return STORE_ERROR;
    bind_text(st, 1, name);
    int rc = sqlite3_step(st);
    enum store_status r = row_status(s, rc, "finding a workspace");
    if (r == STORE_OK) {
        if (id) *id = sqlite3_column_int64(st, 0);
        if (default_mode) *default_mode = mode_of(sqlite3_column_text(st, 1));
    }
    done(st);
    return r;
}

static enum store_status ws_principal(struct store *s, enum stmt_id id, int64_t ws, const char *p,
                                      const char *what)
{
    sqlite3_stmt *st = stmt(s, id);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, ws);
    bind_text(st, 2, p);
    return run(s, st, what);
}

static enum store_status sq_member_add(struct store *s, int64_t ws, const char *p)
{
    if (too_long(s, "a principal", p, PRINCIPAL_MAX_LEN)) return STORE_ERROR;
    return ws_principal(s, SQL_MEMBER_ADD, ws, p, "adding a workspace member");
}

static enum store_status sq_member_remove(struct store *s, int64_t ws, const char *p)
{
    return ws_principal(s, SQL_MEMBER_REMOVE, ws, p, "removing a workspace member");
}

/* 1 when the statement (bound by the caller) returns a row, 0 when not, -1 on error. */
static int exists(struct store *s, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    done(st);
    if (rc == SQLITE_ROW) return 1;
    if (rc == SQLITE_DONE) return 0;
    fail(s, what);
    return -1;
}

static int sq_is_member(struct store *s, int64_t ws, const char *p)
{
    sqlite3_stmt *st = stmt(s, SQL_MEMBER_IS);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, ws);
    bind_text(st, 2, p);
    return exists(s, st, "checking a workspace member");
}

static enum store_status sq_sandbox_add(struct store *s, const char *name, const char *owner, int64_t ws,
                                        const char *source_dir, enum mode mode, int64_t *id)
{
    if (too_long(s, "a sandbox name", name, NAME_MAX_LEN) ||
        too_long(s, "the owner", owner, PRINCIPAL_MAX_LEN) ||
        too_long(s, "the source folder's path", source_dir, SOURCE_DIR_MAX))
        return STORE_ERROR;
    sqlite3_stmt *st = stmt(s, SQL_SB_ADD);
    if (!st) return STORE_ERROR;
    if (mode == MODE_NONE) {
        /* The workspace's default (access.md): shared unless it says private. */
        sqlite3_stmt *q;
        mode = MODE_SHARED;
        if (sqlite3_prepare_v2(sq(s)->db, "SELECT default_mode FROM workspaces WHERE id = ?1", -1, &q,
                               NULL) == SQLITE_OK) {
            sqlite3_bind_int64(q, 1, ws);
            if (sqlite3_step(q) == SQLITE_ROW) mode = mode_of(sqlite3_column_text(q, 0));
            sqlite3_finalize(q);
        }
    }
    sqlite3_bind_int64(st, 1, ws);
    bind_text(st, 2, name);
    bind_text(st, 3, owner);
    bind_text(st, 4, mode_text(mode));
    bind_text(st, 5, source_dir ? source_dir : "");
    enum store_status r = run(s, st, "adding the sandbox");
    if (r == STORE_OK && id) *id = sqlite3_last_insert_rowid(sq(s)->db);
    return r;
}

static enum store_status sq_sandbox_find(struct store *s, const char *name, struct st_sandbox *out)
{
    sqlite3_stmt *st = stmt(s, SQL_SB_FIND);
    if (!st) return STORE_ERROR;
    bind_text(st, 1, name);
    int rc = sqlite3_step(st);
    enum store_status r = row_status(s, rc, "finding a sandbox");
    if (r == STORE_OK) {
        out->id = sqlite3_column_int64(st, 0);
        out->workspace_id = sqlite3_column_int64(st, 1);
        int cut = copy_col(st, 2, out->name, sizeof out->name) |
                  copy_col(st, 3, out->workspace, sizeof out->workspace) |
                  copy_col(st, 4, out->owner, sizeof out->owner) |
                  copy_col(st, 6, out->source_dir, sizeof out->source_dir);
        out->mode = mode_of(sqlite3_column_text(st, 5));
        if (cut) r = cut_read(s);
    }
    done(st);
    return r;
}

static enum store_status sq_sandbox_set_mode(struct store *s, int64_t sandbox_id, enum mode mode)
{
    sqlite3_stmt *st = stmt(s, SQL_SB_SET_MODE);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sandbox_id);
    bind_text(st, 2, mode_text(mode));
    return run(s, st, "setting the sharing mode");
}

static enum store_status sq_sandboxes_of(struct store *s, const char *principal, store_name_fn fn, void *ctx)
{
    sqlite3_stmt *st = stmt(s, SQL_SB_OF);
    if (!st) return STORE_ERROR;
    bind_text(st, 1, principal);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(ctx, col_text(st, 0))) {
            rc = SQLITE_DONE;
            break;
        }
    done(st);
    return rc == SQLITE_DONE ? STORE_OK : fail(s, "listing a principal's sandboxes");
}

static int64_t sq_sandbox_count(struct store *s)
{
    sqlite3_stmt *st = stmt(s, SQL_SB_COUNT);
    if (!st) return -1;
    int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    done(st);
    return n;
}

static sqlite3_stmt *thing_stmt(struct store *s, enum stmt_id id, int64_t sb, const char *kind,
                                const char *name)
{
    sqlite3_stmt *st = stmt(s, id);
    if (!st) return NULL;
    sqlite3_bind_int64(st, 1, sb);
    bind_text(st, 2, kind);
    bind_text(st, 3, name);
    return st;
}

static enum store_status sq_thing_add(struct store *s, int64_t sb, const char *kind, const char *name)
{
    if (too_long(s, kind, name, NAME_MAX_LEN)) return STORE_ERROR;
    sqlite3_stmt *st = thing_stmt(s, SQL_THING_ADD, sb, kind, name);
    return st ? run(s, st, kind[0] == 'p' ? "adding the project" : "adding the agent") : STORE_ERROR;
}

static enum store_status sq_thing_remove(struct store *s, int64_t sb, const char *kind, const char *name)
{
    sqlite3_stmt *st = thing_stmt(s, SQL_THING_REMOVE, sb, kind, name);
    if (!st) return STORE_ERROR;
    enum store_status r = run(s, st, "removing");
    return (r == STORE_OK && sqlite3_changes(sq(s)->db) == 0) ? STORE_NOT_FOUND : r;
}

static int sq_thing_exists(struct store *s, int64_t sb, const char *kind, const char *name)
{
    sqlite3_stmt *st = thing_stmt(s, SQL_THING_IS, sb, kind, name);
    return st ? exists(s, st, "looking up a project or agent") : -1;
}

/* ---- Grants ------------------------------------------------------------------------------------ */

static enum role role_of(const unsigned char *t)
{
    return (t && strcmp((const char *)t, "editor") == 0) ? ROLE_EDITOR : ROLE_VIEWER;
}

/* 0, or 1 when a value did not fit (copy_col). */
static int grant_row(sqlite3_stmt *st, struct st_grant *g)
{
    g->id = sqlite3_column_int64(st, 0);
    g->role = role_of(sqlite3_column_text(st, 2));
    g->has_expiry = sqlite3_column_type(st, 4) != SQLITE_NULL;
    g->expires_at = g->has_expiry ? sqlite3_column_int64(st, 4) : 0;
    g->granted_at = sqlite3_column_int64(st, 6);
    return copy_col(st, 1, g->principal, sizeof g->principal) |
           copy_col(st, 3, g->project, sizeof g->project) |
           copy_col(st, 5, g->granted_by, sizeof g->granted_by);
}

static enum store_status sq_grant_put(struct store *s, int64_t sb, struct st_grant *g)
{
    if (too_long(s, "a principal", g->principal, PRINCIPAL_MAX_LEN) ||
        too_long(s, "a project name", g->project, NAME_MAX_LEN) ||
        too_long(s, "the granter", g->granted_by, PRINCIPAL_MAX_LEN))
        return STORE_ERROR;
    sqlite3_stmt *st = stmt(s, SQL_GRANT_PUT);
    if (!st) return STORE_ERROR;
    if (g->role != ROLE_EDITOR && g->role != ROLE_VIEWER) {
        snprintf(s->err, sizeof s->err, "a grant is for an editor or a viewer");
        return STORE_ERROR;
    }
    sqlite3_bind_int64(st, 1, sb);
    bind_text(st, 2, g->principal);
    bind_text(st, 3, role_name(g->role));
    bind_text(st, 4, g->project);
    if (g->has_expiry)
        sqlite3_bind_int64(st, 5, g->expires_at);
    else
        sqlite3_bind_null(st, 5);
    bind_text(st, 6, g->granted_by);
    sqlite3_bind_int64(st, 7, g->granted_at);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) g->id = sqlite3_column_int64(st, 0);
    done(st);
    return rc == SQLITE_ROW ? STORE_OK : fail(s, "storing the grant");
}

static enum store_status sq_grant_find(struct store *s, int64_t sb, const char *principal,
                                       const char *project, struct st_grant *out)
{
    sqlite3_stmt *st = stmt(s, SQL_GRANT_FIND);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sb);
    bind_text(st, 2, principal);
    bind_text(st, 3, project ? project : "");
    int rc = sqlite3_step(st);
    enum store_status r = row_status(s, rc, "finding a grant");
    if (r == STORE_OK && grant_row(st, out)) r = cut_read(s);
    done(st);
    return r;
}

static enum store_status sq_grant_delete(struct store *s, int64_t grant_id)
{
    sqlite3_stmt *st = stmt(s, SQL_GRANT_DELETE);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, grant_id);
    enum store_status r = run(s, st, "removing the grant");
    return (r == STORE_OK && sqlite3_changes(sq(s)->db) == 0) ? STORE_NOT_FOUND : r;
}

static enum store_status sq_grant_each(struct store *s, int64_t sb, const char *principal, store_grant_fn fn,
                                       void *ctx)
{
    /* One principal's grants by the unique index: a check must not walk the sandbox. */
    sqlite3_stmt *st = stmt(s, principal ? SQL_GRANT_EACH_OF : SQL_GRANT_EACH);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sb);
    if (principal) bind_text(st, 2, principal);
    int rc;
    struct st_grant g;
    int cut = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if ((cut = grant_row(st, &g))) break;
        if (fn(ctx, &g)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    done(st);
    if (cut) return cut_read(s);
    return rc == SQLITE_DONE ? STORE_OK : fail(s, "listing grants");
}

/* ---- Max-duration policies ------------------------------------------------------------------------- */

/* Exactly one of a sandbox and a workspace: bound as ?1 and ?2, the other NULL. */
static int policy_owner(struct store *s, sqlite3_stmt *st, int64_t sb, int64_t ws, enum role role)
{
    if ((sb != 0) == (ws != 0) || (role != ROLE_EDITOR && role != ROLE_VIEWER)) {
        snprintf(s->err, sizeof s->err, "a policy is a sandbox's or a workspace's, for editors or viewers");
        return -1;
    }
    if (sb)
        sqlite3_bind_int64(st, 1, sb);
    else
        sqlite3_bind_null(st, 1);
    if (ws)
        sqlite3_bind_int64(st, 2, ws);
    else
        sqlite3_bind_null(st, 2);
    bind_text(st, 3, role_name(role));
    return 0;
}

static enum store_status sq_policy_set(struct store *s, int64_t sb, int64_t ws, enum role role,
                                       const char *max_duration, const char *set_by, int64_t now)
{
    if (too_long(s, "a limit", max_duration, POLICY_DURATION_MAX) ||
        too_long(s, "who set the limit", set_by, PRINCIPAL_MAX_LEN))
        return STORE_ERROR;
    sqlite3_stmt *st = stmt(s, !max_duration ? SQL_POLICY_DELETE
                               : sb          ? SQL_POLICY_PUT_SB
                                             : SQL_POLICY_PUT_WS);
    if (!st) return STORE_ERROR;
    if (policy_owner(s, st, sb, ws, role)) {
        done(st);
        return STORE_ERROR;
    }
    if (max_duration) {
        bind_text(st, 4, max_duration);
        bind_text(st, 5, set_by);
        sqlite3_bind_int64(st, 6, now);
    }
    enum store_status r = run(s, st, max_duration ? "setting the limit" : "removing the limit");
    return r == STORE_OK && !max_duration && sqlite3_changes(sq(s)->db) == 0 ? STORE_NOT_FOUND : r;
}

static enum store_status sq_policy_find(struct store *s, int64_t sb, int64_t ws, enum role role,
                                        char *max_duration, size_t size)
{
    sqlite3_stmt *st = stmt(s, SQL_POLICY_FIND);
    if (!st) return STORE_ERROR;
    if (policy_owner(s, st, sb, ws, role)) {
        done(st);
        return STORE_ERROR;
    }
    enum store_status r = row_status(s, sqlite3_step(st), "finding the limit");
    if (r == STORE_OK && copy_col(st, 0, max_duration, size)) r = cut_read(s);
    done(st);
    return r;
}

static int64_t sq_grants_over(struct store *s, int64_t sb, enum role role, int64_t latest)
{
    sqlite3_stmt *st = stmt(s, SQL_GRANTS_OVER);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, sb);
    bind_text(st, 2, role_name(role));
    sqlite3_bind_int64(st, 3, latest);
    int rc = sqlite3_step(st);
    int64_t n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    done(st);
    if (n < 0) fail(s, "counting the grants over the limit");
    return n;
}

static enum store_status sq_link_merges_each(struct store *s, const char *u, const char *p, store_merge_fn fn,
                                             void *ctx)
{
    if (too_long(s, "a principal", p, PRINCIPAL_MAX_LEN)) return STORE_ERROR;
    sqlite3_stmt *st = stmt(s, SQL_LINK_MERGES);
    if (!st) return STORE_ERROR;
    bind_text(st, 1, u);
    bind_text(st, 2, p);
    int rc, cut = 0;
    char sandbox[NAME_MAX_LEN + 1];
    struct st_grant g;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        memset(&g, 0, sizeof g);
        snprintf(g.principal, sizeof g.principal, "%s", p);
        g.role = role_of(sqlite3_column_text(st, 2));
        g.has_expiry = sqlite3_column_type(st, 3) != SQLITE_NULL;
        g.expires_at = g.has_expiry ? sqlite3_column_int64(st, 3) : 0;
        if ((cut = copy_col(st, 0, sandbox, sizeof sandbox) | copy_col(st, 1, g.project, sizeof g.project)))
            break;
        if (fn(ctx, sandbox, &g)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    done(st);
    if (cut) return cut_read(s);
    return rc == SQLITE_DONE ? STORE_OK : fail(s, "listing the grants a link would merge");
}

/* ---- Audit ------------------------------------------------------------------------------------------- */

static enum store_status sq_audit_append(struct store *s, int64_t sb, const struct st_event *e,
                                         int64_t *event_id)
{
    sqlite3_stmt *st = stmt(s, sb ? SQL_AUDIT_ADD : SQL_STORE_AUDIT_ADD);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sb);
    sqlite3_bind_int64(st, 2, e->at);
    bind_text(st, 3, e->actor);
    bind_text(st, 4, e->intent);
    bind_text(st, 5, e->subjects && e->subjects[0] ? e->subjects : "[]");
    bind_text(st, 6, e->outcome);
    bind_text(st, 7, e->summary ? e->summary : "");
    bind_text(st, 8, e->before ? e->before : "");
    bind_text(st, 9, e->after ? e->after : "");
    enum store_status r = run(s, st, "writing the audit event");
    if (r == STORE_OK && event_id) *event_id = sqlite3_last_insert_rowid(sq(s)->db);
    return r;
}

static enum store_status sq_audit_each(struct store *s, int64_t sb, int64_t since, const char *principal,
                                       int limit, store_event_fn fn, void *ctx)
{
    sqlite3_stmt *st = stmt(s, sb ? SQL_AUDIT_EACH : SQL_STORE_AUDIT_EACH);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sb);
    sqlite3_bind_int64(st, 2, since);
    bind_text(st, 3, principal);
    sqlite3_bind_int(st, 4, limit > 0 ? limit : -1);
    int rc;
    struct st_event e;
    int cut = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        e.id = sqlite3_column_int64(st, 0);
        e.at = sqlite3_column_int64(st, 1);
        cut = copy_col(st, 2, e.sandbox, sizeof e.sandbox) | copy_col(st, 3, e.actor, sizeof e.actor) |
              copy_col(st, 4, e.intent, sizeof e.intent) | copy_col(st, 6, e.outcome, sizeof e.outcome);
        if (cut) break;
        e.subjects = col_text(st, 5);
        e.summary = col_text(st, 7);
        e.before = col_text(st, 8);
        e.after = col_text(st, 9);
        if (fn(ctx, &e)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    done(st);
    if (cut) return cut_read(s);
    return rc == SQLITE_DONE ? STORE_OK : fail(s, "reading the audit log");
}

/* ---- Expiries ------------------------------------------------------------------------------------- */

/* One row of DUE_GRANTS or DUE_KEYS into e: 0, or 1 when a value did not fit (copy_col). */
static int expiry_row(sqlite3_stmt *st, struct st_expiry *e)
{
    memset(e, 0, sizeof *e);
    e->is_key = sqlite3_column_int(st, 0);
    e->id = sqlite3_column_int64(st, 1);
    e->sandbox_id = sqlite3_column_int64(st, 2);
    e->expires_at = sqlite3_column_int64(st, 4);
    int cut = copy_col(st, 3, e->sandbox, sizeof e->sandbox);
    if (e->is_key) {
        const unsigned char *k = sqlite3_column_text(st, 6);
        e->kind = (k && strcmp((const char *)k, "delegate") == 0) ? KEY_DELEGATE : KEY_INVOKE;
        e->created_at = sqlite3_column_int64(st, 9);
        return cut | copy_col(st, 5, e->principal, sizeof e->principal) |
               copy_col(st, 7, e->agent, sizeof e->agent) |
               copy_col(st, 8, e->created_by, sizeof e->created_by);
    }
    struct st_grant *g = &e->grant;
    g->id = e->id;
    g->role = role_of(sqlite3_column_text(st, 6));
    g->has_expiry = 1;
    g->expires_at = e->expires_at;
    g->granted_at = sqlite3_column_int64(st, 9);
    return cut | copy_col(st, 5, g->principal, sizeof g->principal) |
           copy_col(st, 7, g->project, sizeof g->project) |
           copy_col(st, 8, g->granted_by, sizeof g->granted_by);
}

static enum store_status sq_expiry_each(struct store *s, int64_t sb, const char *principal, int64_t horizon,
                                        int limit, store_expiry_fn fn, void *ctx)
{
    sqlite3_stmt *st = stmt(s, principal ? SQL_EXPIRY_DUE_OF : sb ? SQL_EXPIRY_DUE_SB : SQL_EXPIRY_DUE);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sb);
    bind_text(st, 2, principal);
    sqlite3_bind_int64(st, 3, horizon);
    sqlite3_bind_int(st, 4, limit > 0 ? limit : -1);
    struct st_expiry *e = malloc(sizeof *e);
    int rc = SQLITE_NOMEM, cut = 0;
    while (e && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if ((cut = expiry_row(st, e))) break;
        if (fn(ctx, e)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    done(st);
    free(e);
    if (cut) return cut_read(s);
    if (rc == SQLITE_NOMEM && !e) {
        snprintf(s->err, sizeof s->err, "out of memory");
        return STORE_ERROR;
    }
    return rc == SQLITE_DONE ? STORE_OK : fail(s, "looking for expiries due");
}

/* The record and the event in a savepoint: whatever fails, neither stays. */
static enum store_status sq_expiry_record(struct store *s, int is_key, int64_t item_id, int64_t expires_at,
                                          int64_t recorded_at, int64_t sb, const struct st_event *e,
                                          int64_t *event_id)
{
    sqlite3_stmt *claim = stmt(s, is_key ? SQL_EXPIRY_CLAIM_KEY : SQL_EXPIRY_CLAIM_GRANT);
    if (!claim) return STORE_ERROR;
    if (sqlite3_exec(sq(s)->db, "SAVEPOINT expiry", NULL, NULL, NULL) != SQLITE_OK)
        return fail(s, "recording an expiry");
    sqlite3_bind_int64(claim, 1, item_id);
    sqlite3_bind_int64(claim, 2, expires_at);
    sqlite3_bind_int64(claim, 3, recorded_at);
    int rc = sqlite3_step(claim);
    done(claim);
    /* A constraint here is no repeat (OR IGNORE takes those): the grant or key is not there. */
    enum store_status r = rc == SQLITE_DONE ? STORE_OK : fail(s, "recording an expiry");
    /* Ignored (OR IGNORE): the key is taken, so this expiry has its event already. */
    if (r == STORE_OK && sqlite3_changes(sq(s)->db) == 0) r = STORE_EXISTS;
    if (r == STORE_OK) r = sq_audit_append(s, sb, e, event_id);
    if (r == STORE_ERROR) sqlite3_exec(sq(s)->db, "ROLLBACK TO expiry", NULL, NULL, NULL);
    if (sqlite3_exec(sq(s)->db, "RELEASE expiry", NULL, NULL, NULL) != SQLITE_OK && r != STORE_ERROR)
        r = fail(s, "recording an expiry");
    return r;
}

/* ---- Notices ---------------------------------------------------------------------------------------- */

static enum store_status sq_notice_add(struct store *s, const struct st_notice *n, const char *dedup)
{
    if (too_long(s, "a notice's key", dedup, NOTICE_DEDUP_MAX)) return STORE_ERROR;
    sqlite3_stmt *st = stmt(s, SQL_NOTICE_ADD);
    if (!st) return STORE_ERROR;
    bind_text(st, 1, n->id);
    bind_text(st, 2, dedup);
    sqlite3_bind_int64(st, 3, n->sandbox_id);
    bind_text(st, 4, n->principal);
    bind_text(st, 5, n->kind);
    sqlite3_bind_int64(st, 6, n->at);
    sqlite3_bind_int64(st, 7, n->event_id);
    bind_text(st, 8, n->slack_user);
    bind_text(st, 9, n->text ? n->text : "");
    bind_text(st, 10, n->extra ? n->extra : "");
    sqlite3_bind_int64(st, 11, n->next_try);
    bind_text(st, 12, n->ref);
    enum store_status r = run(s, st, "writing a notice");
    if (r == STORE_OK && sqlite3_changes(sq(s)->db) == 0) {
        snprintf(s->err, sizeof s->err, "writing a notice: it exists already");
        r = STORE_EXISTS;
    }
    return r;
}

static enum store_status sq_notice_claim(struct store *s, int64_t now, int64_t lease_until, int limit,
                                         store_notice_fn fn, void *ctx)
{
    sqlite3_stmt *st = stmt(s, SQL_NOTICE_DUE);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_int(st, 2, limit > 0 ? limit : -1);
    int rc, cut = 0, stopped = 0;
    struct st_notice n;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        memset(&n, 0, sizeof n);
        n.sandbox_id = sqlite3_column_int64(st, 1);
        n.at = sqlite3_column_int64(st, 5);
        n.event_id = sqlite3_column_int64(st, 6);
        n.attempts = sqlite3_column_int(st, 9);
        n.next_try = sqlite3_column_int64(st, 10);
        n.created_at = sqlite3_column_int64(st, 11);
        if ((cut = copy_col(st, 0, n.id, sizeof n.id) | copy_col(st, 2, n.sandbox, sizeof n.sandbox) |
                   copy_col(st, 3, n.principal, sizeof n.principal) | copy_col(st, 4, n.kind, sizeof n.kind) |
                   copy_col(st, 7, n.slack_user, sizeof n.slack_user) |
                   copy_col(st, 8, n.state, sizeof n.state)))
            break;
        n.text = col_text(st, 12);
        n.extra = col_text(st, 13);
        n.url = (const char *)sqlite3_column_text(st, 14);
        n.secret = (const char *)sqlite3_column_text(st, 15);
        if (fn(ctx, &n)) {
            stopped = 1;
            rc = SQLITE_DONE;
            break;
        }
    }
    done(st);
    if (cut) return cut_read(s);
    if (rc != SQLITE_DONE) return fail(s, "reading the notices due");
    if (stopped) return STORE_OK; /* nothing claimed: the caller rolls back */
    /* The same rows, in the same write transaction: leased until lease_until. */
    sqlite3_stmt *up = stmt(s, SQL_NOTICE_LEASE);
    if (!up) return STORE_ERROR;
    sqlite3_bind_int64(up, 1, now);
    sqlite3_bind_int(up, 2, limit > 0 ? limit : -1);
    sqlite3_bind_int64(up, 3, lease_until);
    return run(s, up, "claiming the notices due");
}

static enum store_status sq_notice_finish(struct store *s, const char *id, const char *state, int attempts,
                                          int64_t next_try, int64_t now, const char *error)
{
    sqlite3_stmt *st = stmt(s, SQL_NOTICE_FINISH);
    if (!st) return STORE_ERROR;
    bind_text(st, 1, id);
    bind_text(st, 2, state);
    sqlite3_bind_int(st, 3, attempts);
    sqlite3_bind_int64(st, 4, next_try);
    sqlite3_bind_int64(st, 5, now);
    bind_text(st, 6, error ? error : "");
    return run(s, st, "recording a notice's delivery");
}

static enum store_status sq_notice_posted(struct store *s, const char *id, const char *channel,
                                          const char *ts)
{
    if (too_long(s, "a Slack channel", channel, SLACK_EVENT_ID_MAX) ||
        too_long(s, "a Slack ts", ts, SLACK_EVENT_ID_MAX))
        return STORE_ERROR;
    sqlite3_stmt *st = stmt(s, SQL_NOTICE_POSTED);
    if (!st) return STORE_ERROR;
    bind_text(st, 1, id);
    bind_text(st, 2, channel);
    bind_text(st, 3, ts);
    return run(s, st, "keeping where a notice was posted");
}

static enum store_status sq_notice_message(struct store *s, const char *ref, char *channel, size_t csize,
                                           char *ts, size_t tsize)
{
    sqlite3_stmt *st = stmt(s, SQL_NOTICE_MESSAGE);
    if (!st) return STORE_ERROR;
    bind_text(st, 1, ref);
    enum store_status r = row_status(s, sqlite3_step(st), "finding where a notice was posted");
    if (r == STORE_OK && (copy_col(st, 0, channel, csize) | copy_col(st, 1, ts, tsize))) r = cut_read(s);
    done(st);
    return r;
}

static enum store_status sq_notify_set(struct store *s, int64_t sb, const char *url, const char *secret,
                                       const char *set_by, int64_t now)
{
    if (too_long(s, "a webhook URL", url, NOTIFY_URL_MAX) ||
        too_long(s, "a webhook's secret", secret, NOTIFY_SECRET_MAX))
        return STORE_ERROR;
    sqlite3_stmt *st = stmt(s, url ? SQL_NOTIFY_SET : SQL_NOTIFY_REMOVE);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sb);
    if (url) {
        bind_text(st, 2, url);
        bind_text(st, 3, secret);
        bind_text(st, 4, set_by);
        sqlite3_bind_int64(st, 5, now);
    }
    return run(s, st, "setting the sandbox's webhook");
}

static int sq_notify_has(struct store *s, int64_t sb)
{
    sqlite3_stmt *st = stmt(s, SQL_NOTIFY_HAS);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, sb);
    enum store_status r = row_status(s, sqlite3_step(st), "finding the sandbox's webhook");
    done(st);
    return r == STORE_OK ? 1 : r == STORE_NOT_FOUND ? 0 : -1;
}

static enum store_status sq_slack_user_of(struct store *s, const char *principal, char *slack_user,
                                          size_t size)
{
    if (strncmp(principal, "slack:", 6) == 0) {
        if (strlen(principal) >= size) return cut_read(s);
        memcpy(slack_user, principal, strlen(principal) + 1);
        return STORE_OK;
    }
    sqlite3_stmt *st = stmt(s, SQL_SLACK_USER_OF);
    if (!st) return STORE_ERROR;
    bind_text(st, 1, principal);
    enum store_status r = row_status(s, sqlite3_step(st), "finding a principal's Slack user");
    if (r == STORE_OK && copy_col(st, 0, slack_user, size)) r = cut_read(s);
    done(st);
    return r;
}

static enum store_status sq_reminder_each(struct store *s, int64_t now, store_reminder_fn fn, void *ctx)
{
    sqlite3_stmt *st = stmt(s, SQL_REMINDER_DUE);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, now);
    int rc, cut = 0;
    struct st_reminder r;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        memset(&r, 0, sizeof r);
        r.sandbox_id = sqlite3_column_int64(st, 0);
        r.grant.id = sqlite3_column_int64(st, 2);
        r.grant.role = role_of(sqlite3_column_text(st, 4));
        r.grant.has_expiry = 1;
        r.grant.expires_at = sqlite3_column_int64(st, 6);
        r.grant.granted_at = sqlite3_column_int64(st, 8);
        if ((cut = copy_col(st, 1, r.sandbox, sizeof r.sandbox) |
                   copy_col(st, 3, r.grant.principal, sizeof r.grant.principal) |
                   copy_col(st, 5, r.grant.project, sizeof r.grant.project) |
                   copy_col(st, 7, r.grant.granted_by, sizeof r.grant.granted_by) |
                   copy_col(st, 9, r.kind, sizeof r.kind)))
            break;
        if (fn(ctx, &r)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    done(st);
    if (cut) return cut_read(s);
    return rc == SQLITE_DONE ? STORE_OK : fail(s, "looking for reminders due");
}

static enum store_status sq_reminder_record(struct store *s, int64_t grant_id, int64_t expires_at,
                                            const char *kind, int64_t now)
{
    sqlite3_stmt *st = stmt(s, SQL_REMINDER_RECORD);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, grant_id);
    sqlite3_bind_int64(st, 2, expires_at);
    bind_text(st, 3, kind);
    sqlite3_bind_int64(st, 4, now);
    enum store_status r = run(s, st, "recording a reminder");
    return r == STORE_OK && sqlite3_changes(sq(s)->db) == 0 ? STORE_EXISTS : r;
}

static int sq_grant_expires(struct store *s, int64_t grant_id, int64_t expires_at)
{
    sqlite3_stmt *st = stmt(s, SQL_GRANT_EXPIRES);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, grant_id);
    sqlite3_bind_int64(st, 2, expires_at);
    enum store_status r = row_status(s, sqlite3_step(st), "looking a grant up");
    done(st);
    return r == STORE_OK ? 1 : r == STORE_NOT_FOUND ? 0 : -1;
}

/* ---- Access requests ------------------------------------------------------------------------------- */

/* One row of REQUEST_COLUMNS into r: 0, or 1 when a value did not fit. */
static int request_row(sqlite3_stmt *st, struct st_request *r)
{
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(st, 0);
    r->sandbox_id = sqlite3_column_int64(st, 2);
    r->role = role_of(sqlite3_column_text(st, 5));
    r->has_expires_at = sqlite3_column_type(st, 7) != SQLITE_NULL;
    r->expires_at = sqlite3_column_int64(st, 7);
    r->has_note = sqlite3_column_type(st, 9) != SQLITE_NULL;
    r->requested_at = sqlite3_column_int64(st, 10);
    r->lapses_at = sqlite3_column_int64(st, 11);
    r->answered_at = sqlite3_column_int64(st, 14);
    return copy_col(st, 1, r->token, sizeof r->token) | copy_col(st, 3, r->sandbox, sizeof r->sandbox) |
           copy_col(st, 4, r->principal, sizeof r->principal) |
           copy_col(st, 6, r->project, sizeof r->project) | copy_col(st, 8, r->duration, sizeof r->duration) |
           copy_col(st, 9, r->note, sizeof r->note) | copy_col(st, 12, r->state, sizeof r->state) |
           copy_col(st, 13, r->answered_by, sizeof r->answered_by);
}

static enum store_status sq_request_put(struct store *s, const struct st_request *r, char *replaced,
                                        size_t size)
{
    if (too_long(s, "a principal", r->principal, PRINCIPAL_MAX_LEN) ||
        too_long(s, "a project name", r->project, NAME_MAX_LEN) ||
        (r->has_note && too_long(s, "a request's note", r->note, REQUEST_NOTE_BYTES)))
        return STORE_ERROR;
    replaced[0] = '\0';
    sqlite3_stmt *up = stmt(s, SQL_REQUEST_REPLACE), *add = stmt(s, SQL_REQUEST_ADD);
    if (!up || !add) return STORE_ERROR;
    sqlite3_bind_int64(up, 1, r->sandbox_id);
    bind_text(up, 2, r->principal);
    bind_text(up, 3, r->project);
    sqlite3_bind_int64(up, 4, r->requested_at);
    int rc, cut = 0;
    while ((rc = sqlite3_step(up)) == SQLITE_ROW)
        cut |= copy_col(up, 0, replaced, size);
    done(up);
    if (cut) return cut_read(s);
    if (rc != SQLITE_DONE) return fail(s, "replacing a waiting request");
    bind_text(add, 1, r->token);
    sqlite3_bind_int64(add, 2, r->sandbox_id);
    bind_text(add, 3, r->principal);
    bind_text(add, 4, role_name(r->role));
    bind_text(add, 5, r->project);
    if (r->has_expires_at) sqlite3_bind_int64(add, 6, r->expires_at);
    bind_text(add, 7, r->duration);
    bind_text(add, 8, r->has_note ? r->note : NULL);
    sqlite3_bind_int64(add, 9, r->requested_at);
    sqlite3_bind_int64(add, 10, r->lapses_at);
    return run(s, add, "keeping the request");
}

static enum store_status sq_request_find(struct store *s, const char *token, struct st_request *out)
{
    sqlite3_stmt *st = stmt(s, SQL_REQUEST_FIND);
    if (!st) return STORE_ERROR;
    bind_text(st, 1, token);
    enum store_status r = row_status(s, sqlite3_step(st), "finding a request");
    if (r == STORE_OK && request_row(st, out)) r = cut_read(s);
    done(st);
    return r;
}

/* Each row of a request statement, to fn. */
static enum store_status request_rows(struct store *s, sqlite3_stmt *st, store_request_fn fn, void *ctx)
{
    int rc, cut = 0;
    struct st_request *r = malloc(sizeof *r);
    if (!r) {
        done(st);
        snprintf(s->err, sizeof s->err, "out of memory");
        return STORE_ERROR;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if ((cut = request_row(st, r))) break;
        if (fn(ctx, r)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    done(st);
    free(r);
    if (cut) return cut_read(s);
    return rc == SQLITE_DONE ? STORE_OK : fail(s, "reading requests");
}

static enum store_status sq_request_each(struct store *s, int64_t sb, const char *principal, int64_t now,
                                         store_request_fn fn, void *ctx)
{
    sqlite3_stmt *st = stmt(s, SQL_REQUEST_EACH);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sb);
    bind_text(st, 2, principal);
    sqlite3_bind_int64(st, 3, now);
    return request_rows(s, st, fn, ctx);
}

static enum store_status sq_request_lapsed_each(struct store *s, int64_t now, store_request_fn fn, void *ctx)
{
    sqlite3_stmt *st = stmt(s, SQL_REQUEST_LAPSED);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, now);
    return request_rows(s, st, fn, ctx);
}

static enum store_status sq_request_answer(struct store *s, int64_t id, const char *state, const char *by,
                                           int64_t now)
{
    sqlite3_stmt *st = stmt(s, SQL_REQUEST_ANSWER);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    bind_text(st, 2, state);
    bind_text(st, 3, by);
    sqlite3_bind_int64(st, 4, now);
    enum store_status r = run(s, st, "answering the request");
    return r == STORE_OK && sqlite3_changes(sq(s)->db) == 0 ? STORE_NOT_FOUND : r;
}

/* ---- Pending confirmations ---------------------------------------------------------------------- */

static enum store_status sq_pending_put(struct store *s, const struct st_pending *p)
{
    sqlite3_stmt *st = stmt(s, SQL_PENDING_PUT);
    if (!st) return STORE_ERROR;
    bind_text(st, 1, p->token);
    bind_text(st, 2, p->actor);
    bind_text(st, 3, p->conversation);
    bind_text(st, 4, p->sandbox);
    bind_text(st, 5, p->intent_json);
    sqlite3_bind_int64(st, 6, p->created_at);
    sqlite3_bind_int64(st, 7, p->expires_at);
    return run(s, st, "keeping the change pending");
}

static enum store_status sq_pending_take(struct store *s, const char *token, struct st_pending *out)
{
    sqlite3_stmt *st = stmt(s, SQL_PENDING_TAKE);
    if (!st) return STORE_ERROR;
    bind_text(st, 1, token);
    int rc = sqlite3_step(st);
    enum store_status r = row_status(s, rc, "taking a pending change");
    if (r == STORE_OK) {
        snprintf(out->token, sizeof out->token, "%s", token);
        if (copy_col(st, 0, out->actor, sizeof out->actor) |
            copy_col(st, 1, out->conversation, sizeof out->conversation) |
            copy_col(st, 2, out->sandbox, sizeof out->sandbox) |
            copy_col(st, 3, out->intent_json, sizeof out->intent_json))
            r = cut_read(s);
        out->created_at = sqlite3_column_int64(st, 4);
        out->expires_at = sqlite3_column_int64(st, 5);
    }
    /* RETURNING rows are produced before the delete completes: step to the end. */
    while (rc == SQLITE_ROW)
        rc = sqlite3_step(st);
    done(st);
    return r;
}

static enum store_status sq_pending_each(struct store *s, const char *actor, const char *conversation,
                                         int64_t now, store_pending_fn fn, void *ctx)
{
    sqlite3_stmt *st = stmt(s, SQL_PENDING_LIST);
    if (!st) return STORE_ERROR;
    bind_text(st, 1, actor);
    bind_text(st, 2, conversation ? conversation : "");
    sqlite3_bind_int64(st, 3, now);
    int rc, cut = 0;
    struct st_pending *p = malloc(sizeof *p); /* 8 KiB of intent: not on the stack of a server thread */
    if (!p) {
        done(st);
        snprintf(s->err, sizeof s->err, "out of memory");
        return STORE_ERROR;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        cut = copy_col(st, 0, p->token, sizeof p->token) | copy_col(st, 1, p->actor, sizeof p->actor) |
              copy_col(st, 2, p->conversation, sizeof p->conversation) |
              copy_col(st, 3, p->sandbox, sizeof p->sandbox) |
              copy_col(st, 4, p->intent_json, sizeof p->intent_json);
        if (cut) break;
        p->created_at = sqlite3_column_int64(st, 5);
        p->expires_at = sqlite3_column_int64(st, 6);
        if (fn(ctx, p)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    done(st);
    free(p);
    if (cut) return cut_read(s);
    return rc == SQLITE_DONE ? STORE_OK : fail(s, "looking for pending changes");
}

static enum store_status sq_pending_purge(struct store *s, int64_t now)
{
    sqlite3_stmt *st = stmt(s, SQL_PENDING_PURGE);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, now);
    return run(s, st, "forgetting lapsed changes");
}

/* ---- Collaborators ------------------------------------------------------------------------------ */

static sqlite3_stmt *sb_principal(struct store *s, enum stmt_id id, int64_t sb, const char *p)
{
    sqlite3_stmt *st = stmt(s, id);
    if (!st) return NULL;
    sqlite3_bind_int64(st, 1, sb);
    bind_text(st, 2, p);
    return st;
}

static enum store_status sq_collaborator_add(struct store *s, int64_t sb, const char *p)
{
    if (too_long(s, "a principal", p, PRINCIPAL_MAX_LEN)) return STORE_ERROR;
    sqlite3_stmt *st = sb_principal(s, SQL_COLLAB_ADD, sb, p);
    return st ? run(s, st, "adding a collaborator") : STORE_ERROR;
}

static enum store_status sq_collaborator_remove(struct store *s, int64_t sb, const char *p)
{
    sqlite3_stmt *st = sb_principal(s, SQL_COLLAB_REMOVE, sb, p);
    return st ? run(s, st, "removing a collaborator") : STORE_ERROR;
}

static int sq_is_collaborator(struct store *s, int64_t sb, const char *p)
{
    sqlite3_stmt *st = sb_principal(s, SQL_COLLAB_IS, sb, p);
    return st ? exists(s, st, "checking a collaborator") : -1;
}

static enum store_status sq_collaborator_each(struct store *s, int64_t sb, store_name_fn fn, void *ctx)
{
    sqlite3_stmt *st = stmt(s, SQL_COLLAB_EACH);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sb);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *v = sqlite3_column_text(st, 0);
        if (fn(ctx, v ? (const char *)v : "")) {
            rc = SQLITE_DONE;
            break;
        }
    }
    done(st);
    return rc == SQLITE_DONE ? STORE_OK : fail(s, "listing collaborators");
}

/* ---- Agent keys ---------------------------------------------------------------------------------- */

static enum store_status sq_agent_key_add(struct store *s, int64_t sb, const char *agent, enum key_kind kind,
                                          const char *principal, int has_expiry, int64_t expires_at,
                                          const unsigned char sha256[32], const char *created_by, int64_t now)
{
    sqlite3_stmt *st = stmt(s, SQL_KEY_ADD);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sb);
    bind_text(st, 2, agent);
    bind_text(st, 3, key_kind_name(kind));
    bind_text(st, 4, principal ? principal : "");
    if (has_expiry)
        sqlite3_bind_int64(st, 5, expires_at);
    else
        sqlite3_bind_null(st, 5);
    sqlite3_bind_blob(st, 6, sha256, 32, SQLITE_STATIC);
    bind_text(st, 7, created_by);
    sqlite3_bind_int64(st, 8, now);
    return run(s, st, "storing the agent key");
}

static enum store_status sq_agent_key_remove(struct store *s, int64_t sb, const char *agent,
                                             const char *principal, int *removed)
{
    sqlite3_stmt *st = stmt(s, SQL_KEY_REMOVE);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, sb);
    bind_text(st, 2, agent);
    bind_text(st, 3, principal);
    enum store_status r = run(s, st, "removing agent keys");
    *removed = r == STORE_OK ? sqlite3_changes(sq(s)->db) : 0;
    return r;
}

static enum store_status sq_agent_key_find(struct store *s, const unsigned char sha256[32],
                                           struct st_agent_key *out)
{
    sqlite3_stmt *st = stmt(s, SQL_KEY_FIND);
    if (!st) return STORE_ERROR;
    sqlite3_bind_blob(st, 1, sha256, 32, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    enum store_status r = row_status(s, rc, "finding a key");
    if (r == STORE_OK) {
        out->id = sqlite3_column_int64(st, 0);
        const unsigned char *k = sqlite3_column_text(st, 3);
        out->kind = (k && strcmp((const char *)k, "delegate") == 0) ? KEY_DELEGATE : KEY_INVOKE;
        if (copy_col(st, 1, out->sandbox, sizeof out->sandbox) |
            copy_col(st, 2, out->agent, sizeof out->agent) |
            copy_col(st, 4, out->principal, sizeof out->principal))
            r = cut_read(s);
        out->has_expiry = sqlite3_column_type(st, 5) != SQLITE_NULL;
        out->expires_at = out->has_expiry ? sqlite3_column_int64(st, 5) : 0;
        out->workspace_id = sqlite3_column_int64(st, 6);
    }
    done(st);
    return r;
}

/* The agent goes, and its keys with it (lifecycle.md): a key must not outlive its agent,
 * nor come back to life if an agent of the same name is added again. */
static enum store_status sq_agent_remove(struct store *s, int64_t sb, const char *agent, int *keys_removed)
{
    *keys_removed = 0;
    enum store_status r = sq_thing_remove(s, sb, "agent", agent);
    return r == STORE_OK ? sq_agent_key_remove(s, sb, agent, NULL, keys_removed) : r;
}

/* Keys of agents that are gone are not counted: they open nothing. */
static int sq_is_key_holder(struct store *s, int64_t sb, const char *p)
{
    sqlite3_stmt *st = sb_principal(s, SQL_KEY_HOLDER_IS, sb, p);
    return st ? exists(s, st, "looking up agent keys") : -1;
}

/* ---- Slack and chat bots: the server's look-ups ----------------------------------------------------- */

static enum store_status sq_slack_principal(struct store *s, const char *slack_user, char *principal,
                                            size_t size)
{
    sqlite3_stmt *st = stmt(s, SQL_LINK_FIND);
    if (!st) return STORE_ERROR;
    bind_text(st, 1, slack_user);
    enum store_status r = row_status(s, sqlite3_step(st), "finding a Slack link");
    if (r == STORE_OK && copy_col(st, 0, principal, size)) r = cut_read(s);
    done(st);
    return r;
}

static enum store_status sq_slack_sandbox(struct store *s, const char *team, const char *channel,
                                          char *sandbox, size_t size)
{
    sqlite3_stmt *st = stmt(s, SQL_MAP_FIND);
    if (!st) return STORE_ERROR;
    bind_text(st, 1, team);
    bind_text(st, 2, channel);
    enum store_status r = row_status(s, sqlite3_step(st), "finding a Slack map");
    if (r == STORE_OK && copy_col(st, 0, sandbox, size)) r = cut_read(s);
    done(st);
    return r;
}

static enum store_status sq_bot_find(struct store *s, const unsigned char token_sha256[32],
                                     struct st_bot *out)
{
    sqlite3_stmt *st = stmt(s, SQL_BOT_FIND);
    if (!st) return STORE_ERROR;
    sqlite3_bind_blob(st, 1, token_sha256, 32, SQLITE_STATIC);
    enum store_status r = row_status(s, sqlite3_step(st), "finding a bot");
    if (r == STORE_OK) {
        out->id = sqlite3_column_int64(st, 0);
        out->workspace_id = sqlite3_column_int64(st, 2);
        if (copy_col(st, 1, out->name, sizeof out->name) |
            copy_col(st, 3, out->callback_prefix, sizeof out->callback_prefix) |
            copy_col(st, 4, out->signing_secret, sizeof out->signing_secret))
            r = cut_read(s);
    }
    done(st);
    return r;
}

static enum store_status sq_bots_unsigned(struct store *s, struct text *names, int *count)
{
    sqlite3_stmt *st = stmt(s, SQL_BOTS_UNSIGNED);
    if (!st) return STORE_ERROR;
    int rc;
    *count = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        text_printf(names, "%s%s", (*count)++ ? ", " : "", col_text(st, 0));
    done(st);
    if (rc != SQLITE_DONE) return fail(s, "finding bots without a signing secret");
    return text_failed(names) ? (snprintf(s->err, sizeof s->err, "out of memory"), STORE_ERROR) : STORE_OK;
}

static enum store_status sq_workspace_only_sandbox(struct store *s, int64_t workspace_id, char *sandbox,
                                                   size_t size, int *count)
{
    sqlite3_stmt *st = stmt(s, SQL_WS_ONLY_SANDBOX);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, workspace_id);
    /* An aggregate: always one row, with a NULL name when there is no sandbox. */
    enum store_status r = row_status(s, sqlite3_step(st), "finding the workspace's sandboxes");
    *count = 0;
    if (r == STORE_OK) {
        *count = sqlite3_column_int(st, 1);
        if (*count && copy_col(st, 0, sandbox, size)) r = cut_read(s);
    }
    done(st);
    return r == STORE_NOT_FOUND ? STORE_OK : r;
}

/* ---- Cross-sandbox read grants ------------------------------------------------------------------- */

static sqlite3_stmt *cross_stmt(struct store *s, enum stmt_id id, int64_t reader, int64_t source)
{
    sqlite3_stmt *st = stmt(s, id);
    if (!st) return NULL;
    sqlite3_bind_int64(st, 1, reader);
    sqlite3_bind_int64(st, 2, source);
    return st;
}

static enum store_status sq_cross_put(struct store *s, int64_t reader, int64_t source, int64_t snapshot_at,
                                      const char *granted_by)
{
    sqlite3_stmt *st = cross_stmt(s, SQL_CROSS_PUT, reader, source);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 3, snapshot_at);
    bind_text(st, 4, granted_by);
    return run(s, st, "storing the read grant");
}

static enum store_status sq_cross_find(struct store *s, int64_t reader, int64_t source, int64_t *snapshot_at)
{
    sqlite3_stmt *st = cross_stmt(s, SQL_CROSS_FIND, reader, source);
    if (!st) return STORE_ERROR;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && snapshot_at) *snapshot_at = sqlite3_column_int64(st, 0);
    done(st);
    return row_status(s, rc, "finding a read grant");
}

static enum store_status sq_cross_delete(struct store *s, int64_t reader, int64_t source)
{
    sqlite3_stmt *st = cross_stmt(s, SQL_CROSS_DELETE, reader, source);
    return st ? run(s, st, "removing the read grant") : STORE_ERROR;
}

/* ---- Slack, bots, removals ------------------------------------------------------------------------ */

/* Runs a statement of up to four text parameters (NULL skipped: bound by the caller). */
static enum store_status run_texts(struct store *s, enum stmt_id id, const char *what, int changes_needed,
                                   const char *a, const char *b)
{
    sqlite3_stmt *st = stmt(s, id);
    if (!st) return STORE_ERROR;
    bind_text(st, 1, a);
    if (b) bind_text(st, 2, b);
    enum store_status r = run(s, st, what);
    if (r == STORE_OK && changes_needed && sqlite3_changes(sq(s)->db) == 0) return STORE_NOT_FOUND;
    if (r == STORE_EXISTS && changes_needed) snprintf(s->err, sizeof s->err, "%s: it is still in use", what);
    return r;
}

/* Two names, one principal (access.md): what the Slack ID held moves to the principal, in one
 * savepoint with the link, so that the ID is never found holding anything apart. Where the
 * principal already had a grant for the same (sandbox, project), its own stands. */
static enum store_status sq_slack_link(struct store *s, const char *u, const char *p, int merge)
{
    if (too_long(s, "a Slack user", u, PRINCIPAL_MAX_LEN) || too_long(s, "a principal", p, PRINCIPAL_MAX_LEN))
        return STORE_ERROR;
    /* Never a grant dropped (interfaces.md): two grants for one sandbox and project are
     * refused, naming both, unless merged. */
    sqlite3_stmt *clash = stmt(s, SQL_LINK_CLASH);
    if (!clash) return STORE_ERROR;
    bind_text(clash, 1, u);
    bind_text(clash, 2, p);
    int rc = sqlite3_step(clash);
    if (rc == SQLITE_ROW && !merge) {
        const char *sb = (const char *)sqlite3_column_text(clash, 0),
                   *proj = (const char *)sqlite3_column_text(clash, 1);
        snprintf(
            s->err, sizeof s->err,
            "%s and %s both hold a grant on sandbox %.64s%s%.64s: link --merge keeps the higher role and the "
            "later expiry",
            u, p, sb ? sb : "", proj && *proj ? ", project " : "", proj ? proj : "");
        done(clash);
        return STORE_EXISTS;
    }
    done(clash);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return fail(s, "linking the Slack user");
    static const enum stmt_id steps[] = {
        SQL_LINK,         SQL_LINK_MERGE,        SQL_LINK_GRANTS,  SQL_LINK_GRANTS_LEFT,
        SQL_LINK_COLLABS, SQL_LINK_COLLABS_LEFT, SQL_LINK_MEMBERS, SQL_LINK_MEMBERS_LEFT,
        SQL_LINK_OWNERS,  SQL_LINK_KEYS};
    if (sqlite3_exec(sq(s)->db, "SAVEPOINT link", NULL, NULL, NULL) != SQLITE_OK)
        return fail(s, "linking the Slack user");
    enum store_status r = STORE_OK;
    for (size_t i = 0; r == STORE_OK && i < sizeof steps / sizeof steps[0]; i++)
        r = run_texts(s, steps[i], "linking the Slack user", 0, u,
                      steps[i] == SQL_LINK_GRANTS_LEFT || steps[i] == SQL_LINK_COLLABS_LEFT ||
                              steps[i] == SQL_LINK_MEMBERS_LEFT
                          ? NULL
                          : p);
    if (r != STORE_OK) sqlite3_exec(sq(s)->db, "ROLLBACK TO link", NULL, NULL, NULL);
    if (sqlite3_exec(sq(s)->db, "RELEASE link", NULL, NULL, NULL) != SQLITE_OK && r == STORE_OK)
        r = fail(s, "linking the Slack user");
    return r;
}

static enum store_status sq_slack_unlink(struct store *s, const char *u)
{
    return run_texts(s, SQL_UNLINK, "unlinking the Slack user", 1, u, NULL);
}

static enum store_status sq_slack_map(struct store *s, const char *team, const char *channel, int64_t sb)
{
    sqlite3_stmt *st = stmt(s, SQL_MAP);
    if (!st) return STORE_ERROR;
    bind_text(st, 1, team);
    bind_text(st, 2, channel ? channel : "");
    sqlite3_bind_int64(st, 3, sb);
    return run(s, st, "mapping the Slack channel");
}

static enum store_status sq_slack_unmap(struct store *s, const char *team, const char *channel)
{
    return run_texts(s, SQL_UNMAP, "unmapping the Slack channel", 1, team, channel ? channel : "");
}

static enum store_status sq_bot_add(struct store *s, const char *name, int64_t ws,
                                    const unsigned char sha[32], const char *prefix,
                                    const char *signing_secret)
{
    if (too_long(s, "a bot name", name, NAME_MAX_LEN) ||
        too_long(s, "the callback prefix", prefix, CALLBACK_PREFIX_MAX) ||
        too_long(s, "the signing secret", signing_secret, BOT_SECRET_MAX))
        return STORE_ERROR;
    sqlite3_stmt *st = stmt(s, SQL_BOT_ADD);
    if (!st) return STORE_ERROR;
    bind_text(st, 1, name);
    sqlite3_bind_int64(st, 2, ws);
    sqlite3_bind_blob(st, 3, sha, 32, SQLITE_STATIC);
    bind_text(st, 4, prefix ? prefix : "");
    bind_text(st, 5, signing_secret);
    return run(s, st, "adding the bot");
}

static enum store_status sq_bot_rotate(struct store *s, const char *name, const unsigned char sha[32],
                                       const char *signing_secret)
{
    if (too_long(s, "the signing secret", signing_secret, BOT_SECRET_MAX)) return STORE_ERROR;
    sqlite3_stmt *st = stmt(s, SQL_BOT_ROTATE);
    if (!st) return STORE_ERROR;
    bind_text(st, 1, name);
    sqlite3_bind_blob(st, 2, sha, 32, SQLITE_STATIC);
    bind_text(st, 3, signing_secret);
    enum store_status r = run(s, st, "rotating the bot's token and signing secret");
    return r == STORE_OK && sqlite3_changes(sq(s)->db) == 0 ? STORE_NOT_FOUND : r;
}

static enum store_status sq_bot_remove(struct store *s, const char *name)
{
    return run_texts(s, SQL_BOT_REMOVE, "removing the bot", 1, name, NULL);
}

static enum store_status sq_workspace_remove(struct store *s, const char *name)
{
    return run_texts(s, SQL_WS_REMOVE, "removing the workspace (it must hold no sandbox and no bot)", 1, name,
                     NULL);
}

static enum store_status sq_sandbox_remove(struct store *s, const char *name)
{
    return run_texts(s, SQL_SB_REMOVE, "removing the sandbox (its audit log keeps it)", 1, name, NULL);
}

/* ---- Idempotency-Key --------------------------------------------------------------------------------- */

static enum store_status sq_idempotency_claim(struct store *s, int64_t bot_id, const char *key,
                                              const unsigned char sha[32], int64_t now, struct text *reply,
                                              int *same_request)
{
    if (too_long(s, "an Idempotency-Key", key, IDEMPOTENCY_KEY_MAX)) return STORE_ERROR;
    sqlite3_stmt *forget = stmt(s, SQL_IDEM_FORGET), *claim = stmt(s, SQL_IDEM_CLAIM),
                 *find = stmt(s, SQL_IDEM_FIND);
    if (!forget || !claim || !find || sq_begin(s) != STORE_OK) return STORE_ERROR;
    sqlite3_bind_int64(forget, 1, now - IDEMPOTENCY_KEPT);
    sqlite3_bind_int64(forget, 2, bot_id);
    bind_text(forget, 3, key);
    sqlite3_bind_int64(forget, 4, now - IDEMPOTENCY_ABANDONED);
    enum store_status r = run(s, forget, "forgetting old idempotency keys");
    if (r == STORE_OK) {
        sqlite3_bind_int64(claim, 1, bot_id);
        bind_text(claim, 2, key);
        sqlite3_bind_blob(claim, 3, sha, 32, SQLITE_STATIC);
        sqlite3_bind_int64(claim, 4, now);
        r = run(s, claim, "claiming the idempotency key");
    }
    if (r == STORE_OK && sqlite3_changes(sq(s)->db) == 0) {
        sqlite3_bind_int64(find, 1, bot_id);
        bind_text(find, 2, key);
        sqlite3_bind_blob(find, 3, sha, 32, SQLITE_STATIC);
        r = row_status(s, sqlite3_step(find), "reading the idempotency key");
        if (r == STORE_OK) {
            *same_request = sqlite3_column_int(find, 0);
            text_puts(reply, col_text(find, 1));
            r = text_failed(reply) ? (snprintf(s->err, sizeof s->err, "out of memory"), STORE_ERROR)
                                   : STORE_EXISTS;
        }
        done(find);
    }
    if (r == STORE_ERROR || r == STORE_NOT_FOUND || sq_commit(s) != STORE_OK) {
        sq_rollback(s);
        return STORE_ERROR;
    }
    return r;
}

static enum store_status sq_idempotency_finish(struct store *s, int64_t bot_id, const char *key,
                                               const char *reply)
{
    sqlite3_stmt *st = stmt(s, SQL_IDEM_FINISH);
    if (!st || sq_begin(s) != STORE_OK) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, bot_id);
    bind_text(st, 2, key);
    bind_text(st, 3, reply);
    enum store_status r = run(s, st, "keeping the reply of the idempotency key");
    if (r != STORE_OK || sq_commit(s) != STORE_OK) {
        sq_rollback(s);
        return STORE_ERROR;
    }
    return r;
}

/* ---- What admin lists and shows ----------------------------------------------------------------- */

/* In the order of store.h's STORE_LISTINGS. */
static const enum stmt_id listings[] = {
#define X(name, stmt) SQL_##stmt,
    STORE_LISTINGS(X)
#undef X
};

static enum store_status sq_list(struct store *s, int listing, const char *workspace, const char *sandbox,
                                 store_row_fn fn, void *ctx)
{
    if (listing < 0 || (size_t)listing >= sizeof listings / sizeof listings[0]) {
        snprintf(s->err, sizeof s->err, "no such listing");
        return STORE_ERROR;
    }
    sqlite3_stmt *st = stmt(s, listings[listing]);
    if (!st) return STORE_ERROR;
    bind_text(st, 1, workspace);
    bind_text(st, 2, sandbox);
    int n = sqlite3_column_count(st), rc, rows = 0;
    const char *names[16], *values[16];
    int is_number[16];
    if (n > 16) { /* the widest listing has 11 columns: a wider one is a mistake here, never cut */
        done(st);
        snprintf(s->err, sizeof s->err, "a listing of %d columns is wider than 16", n);
        return STORE_ERROR;
    }
    for (int c = 0; c < n; c++)
        names[c] = sqlite3_column_name(st, c);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int c = 0; c < n; c++) {
            values[c] = (const char *)sqlite3_column_text(st, c);
            is_number[c] = sqlite3_column_type(st, c) == SQLITE_INTEGER;
        }
        rows++;
        if (fn(ctx, n, names, values, is_number)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    done(st);
    if (rc != SQLITE_DONE) return fail(s, "listing what admin set up");
    return rows || listings[listing] != SQL_SHOW_SANDBOX ? STORE_OK : STORE_NOT_FOUND;
}

/* ---- Slack events ---------------------------------------------------------------------------------- */

static enum store_status sq_slack_event_claim(struct store *s, const char *event_id, const char *channel,
                                              const char *ts, int64_t ts_us, int64_t now,
                                              int64_t forget_before)
{
    if (too_long(s, "a Slack event id", event_id, SLACK_EVENT_ID_MAX) ||
        too_long(s, "a Slack channel", channel, SLACK_EVENT_ID_MAX) ||
        too_long(s, "a Slack message ts", ts, SLACK_EVENT_ID_MAX))
        return STORE_ERROR;
    sqlite3_stmt *forget = stmt(s, SQL_EVENT_FORGET), *claim = stmt(s, SQL_EVENT_CLAIM);
    if (!forget || !claim || sq_begin(s) != STORE_OK) return STORE_ERROR;
    /* The old claims go in the same transaction: one sync, and never a table that only grows. */
    sqlite3_bind_int64(forget, 1, forget_before);
    enum store_status r = run(s, forget, "forgetting old Slack events");
    if (r == STORE_OK) {
        bind_text(claim, 1, event_id);
        bind_text(claim, 2, channel);
        bind_text(claim, 3, ts);
        sqlite3_bind_int64(claim, 4, ts_us);
        sqlite3_bind_int64(claim, 5, now);
        /* A unique key taken (the event_id, or the channel and ts) is a repeat: STORE_EXISTS. */
        r = run(s, claim, "claiming the Slack event");
    }
    if (r == STORE_ERROR || sq_commit(s) != STORE_OK) {
        sq_rollback(s);
        return STORE_ERROR;
    }
    return r;
}

static enum store_status sq_slack_event_release(struct store *s, const char *event_id)
{
    return run_texts(s, SQL_EVENT_RELEASE, "giving the Slack event back", 0, event_id, NULL);
}

static enum store_status sq_slack_event_done(struct store *s, const char *channel, const char *ts)
{
    return run_texts(s, SQL_EVENT_DONE, "marking the Slack event done", 0, channel, ts);
}

static int64_t sq_slack_events_before(struct store *s, const char *channel, int64_t ts_us, int64_t since)
{
    sqlite3_stmt *st = stmt(s, SQL_EVENTS_BEFORE);
    if (!st) return -1;
    bind_text(st, 1, channel);
    sqlite3_bind_int64(st, 2, ts_us);
    sqlite3_bind_int64(st, 3, since);
    int rc = sqlite3_step(st);
    int64_t n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    done(st);
    if (n < 0) fail(s, "looking for earlier Slack events");
    return n;
}

/* ---- The web page's sign-in (interfaces.md, Web page) -------------------------------------------- */

static enum store_status sq_setting_get(struct store *s, const char *name, char *value, size_t size)
{
    sqlite3_stmt *st = stmt(s, SQL_SETTING_GET);
    if (!st) return STORE_ERROR;
    bind_text(st, 1, name);
    enum store_status r = row_status(s, sqlite3_step(st), "reading a setting");
    if (r == STORE_OK && copy_col(st, 0, value, size)) r = cut_read(s);
    done(st);
    return r;
}

static enum store_status sq_setting_set(struct store *s, const char *name, const char *value)
{
    if (too_long(s, "a setting", value, SETTING_VALUE_MAX)) return STORE_ERROR;
    return run_texts(s, SQL_SETTING_SET, "recording a setting", 0, name, value);
}

static enum store_status sq_web_link_add(struct store *s, const unsigned char sha[32], const char *principal,
                                         int64_t now, int64_t expires_at)
{
    if (too_long(s, "a principal", principal, PRINCIPAL_MAX_LEN)) return STORE_ERROR;
    sqlite3_stmt *forget = stmt(s, SQL_WEB_LINK_FORGET), *add = stmt(s, SQL_WEB_LINK_ADD);
    if (!forget || !add) return STORE_ERROR;
    /* Links ended a day ago go with each new one: never a table that only grows. */
    sqlite3_bind_int64(forget, 1, now - 24 * 3600);
    enum store_status r = run(s, forget, "forgetting old sign-in links");
    if (r != STORE_OK) return r;
    sqlite3_bind_blob(add, 1, sha, 32, SQLITE_STATIC);
    bind_text(add, 2, principal);
    sqlite3_bind_int64(add, 3, now);
    sqlite3_bind_int64(add, 4, expires_at);
    return run(s, add, "storing a sign-in link");
}

static enum store_status sq_web_link_take(struct store *s, const unsigned char sha[32], int64_t now,
                                          char *principal, size_t size)
{
    sqlite3_stmt *st = stmt(s, SQL_WEB_LINK_TAKE);
    if (!st) return STORE_ERROR;
    sqlite3_bind_blob(st, 1, sha, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    enum store_status r = row_status(s, sqlite3_step(st), "taking a sign-in link");
    if (r == STORE_OK && copy_col(st, 0, principal, size)) r = cut_read(s);
    done(st);
    return r;
}

static enum store_status sq_web_session_add(struct store *s, const unsigned char sha[32],
                                            const char *principal, const char *csrf, int64_t now,
                                            int64_t expires_at)
{
    sqlite3_stmt *forget = stmt(s, SQL_WEB_SESSION_FORGET), *add = stmt(s, SQL_WEB_SESSION_ADD);
    if (!forget || !add) return STORE_ERROR;
    /* Sessions ended a week ago go with each new one. */
    sqlite3_bind_int64(forget, 1, now - 7 * 24 * 3600);
    enum store_status r = run(s, forget, "forgetting old sessions");
    if (r != STORE_OK) return r;
    sqlite3_bind_blob(add, 1, sha, 32, SQLITE_STATIC);
    bind_text(add, 2, principal);
    bind_text(add, 3, csrf);
    sqlite3_bind_int64(add, 4, now);
    sqlite3_bind_int64(add, 5, expires_at);
    return run(s, add, "storing a session");
}

static enum store_status sq_web_session_find(struct store *s, const unsigned char sha[32], int64_t now,
                                             struct st_web_session *out)
{
    sqlite3_stmt *st = stmt(s, SQL_WEB_SESSION_FIND);
    if (!st) return STORE_ERROR;
    sqlite3_bind_blob(st, 1, sha, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    enum store_status r = row_status(s, sqlite3_step(st), "finding a session");
    if (r == STORE_OK) {
        if (copy_col(st, 0, out->principal, sizeof out->principal) |
            copy_col(st, 1, out->csrf, sizeof out->csrf))
            r = cut_read(s);
        out->created_at = sqlite3_column_int64(st, 2);
        out->expires_at = sqlite3_column_int64(st, 3);
    }
    done(st);
    return r;
}

static enum store_status sq_web_session_end(struct store *s, const unsigned char sha[32], int64_t now)
{
    sqlite3_stmt *st = stmt(s, SQL_WEB_SESSION_END);
    if (!st) return STORE_ERROR;
    sqlite3_bind_blob(st, 1, sha, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    enum store_status r = run(s, st, "ending a session");
    return r == STORE_OK && sqlite3_changes(sq(s)->db) == 0 ? STORE_NOT_FOUND : r;
}

static enum store_status sq_web_session_revoke(struct store *s, const char *principal, int64_t now,
                                               int *count)
{
    sqlite3_stmt *st = stmt(s, SQL_WEB_SESSION_REVOKE);
    if (!st) return STORE_ERROR;
    bind_text(st, 1, principal);
    sqlite3_bind_int64(st, 2, now);
    enum store_status r = run(s, st, "revoking sessions");
    *count = r == STORE_OK ? sqlite3_changes(sq(s)->db) : 0;
    return r;
}

static enum store_status sq_web_session_each(struct store *s, int64_t now, store_row_fn fn, void *ctx)
{
    sqlite3_stmt *st = stmt(s, SQL_WEB_SESSIONS);
    if (!st) return STORE_ERROR;
    sqlite3_bind_int64(st, 1, now);
    const char *names[3], *values[3];
    int is_number[3] = {0, 0, 0}, rc;
    for (int c = 0; c < 3; c++)
        names[c] = sqlite3_column_name(st, c);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int c = 0; c < 3; c++)
            values[c] = (const char *)sqlite3_column_text(st, c);
        if (fn(ctx, 3, names, values, is_number)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    done(st);
    return rc == SQLITE_DONE ? STORE_OK : fail(s, "listing the sessions");
}

static const struct store_ops sqlite_ops = {
#define STORE_FN(ret, name, params, args) .name = sq_##name,
#define STORE_VOID(name, params, args)    .name = sq_##name,
#include "store_fns.def"
#undef STORE_FN
#undef STORE_VOID
    .close = sq_close,
};
