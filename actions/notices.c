/* Notices (notices.h). */
#include "notices.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../intent/describe.h"
#include "../intent/duration.h"
#include "../intent/text.h"
#include "../intent/timecalc.h"

static const char *const kind_names[] = {
#define X(id, name) [id] = name,
    NOTICE_KINDS(X)
#undef X
};

const char *notice_kind_name(enum notice_kind k) { return kind_names[k]; }

/* A notice's own id: "n" and 24 hex digits from RAND_bytes. */
static int new_id(char out[NOTICE_ID_MAX + 1])
{
    unsigned char b[12];
    if (RAND_bytes(b, sizeof b) != 1) return -1;
    out[0] = 'n';
    for (size_t i = 0; i < sizeof b; i++)
        snprintf(out + 1 + 2 * i, 3, "%02x", b[i]);
    return 0;
}

int notice_write(struct store *s, int64_t sandbox_id, const char *recipient, enum notice_kind kind,
                 int64_t at, int64_t event_id, const char *text, const char *extra, const char *dedup,
                 int64_t now)
{
    struct st_notice n;
    memset(&n, 0, sizeof n);
    /* Where it goes is decided now: a Slack user, else the sandbox's webhook, else nowhere. */
    enum store_status st = store_slack_user_of(s, recipient, n.slack_user, sizeof n.slack_user);
    if (st == STORE_ERROR) return -1;
    if (st == STORE_NOT_FOUND) {
        n.slack_user[0] = '\0';
        int hook = store_notify_has(s, sandbox_id);
        if (hook < 0) return -1;
        if (!hook) return 0; /* nowhere to send it: the audit log has it */
    }
    if (new_id(n.id)) return -1;
    n.sandbox_id = sandbox_id;
    snprintf(n.principal, sizeof n.principal, "%s", recipient);
    snprintf(n.kind, sizeof n.kind, "%s", notice_kind_name(kind));
    n.at = at;
    n.event_id = event_id;
    n.text = text;
    n.extra = extra;
    n.next_try = now;
    /* An owner's notice of a request is found again by its token (a replacement updates it). */
    if (kind == NK_REQUESTED && extra) {
        json_t *e = json_loads(extra, 0, NULL);
        const char *token = json_string_value(json_object_get(e, "request"));
        if (token) snprintf(n.ref, sizeof n.ref, "%s", token);
        json_decref(e);
    }
    st = store_notice_add(s, &n, dedup);
    return st == STORE_OK || st == STORE_EXISTS ? 0 : -1;
}

/* ---- What a grant is, in words ------------------------------------------------------------- */

static void until_words(int has, int64_t t, char *buf, size_t size)
{
    if (!has) {
        snprintf(buf, size, "with no expiry");
        return;
    }
    char when[64];
    describe_until(t, when, sizeof when);
    snprintf(buf, size, "until %s", when);
}

/* "editor, sandbox-wide, until Fri 01 Jan 2027 09:00 UTC" of a grant's JSON (commands.c). */
static void grant_json_words(const json_t *g, struct text *out)
{
    const char *role = json_string_value(json_object_get(g, "role"));
    const char *project = json_string_value(json_object_get(g, "project"));
    const char *exp = json_string_value(json_object_get(g, "expires_at"));
    int64_t t = 0;
    int has = exp && parse_rfc3339(exp, &t) == 0;
    char until[96];
    until_words(has, t, until, sizeof until);
    text_printf(out, "%s, %s%s, %s", role ? role : "?", project ? "project " : "sandbox-wide",
                project ? project : "", until);
}

static const char *principal_of(const json_t *g)
{
    return json_string_value(json_object_get(g, "principal"));
}

static int64_t expiry_of(const json_t *g, int *has)
{
    const char *exp = json_string_value(json_object_get(g, "expires_at"));
    int64_t t = 0;
    *has = exp && parse_rfc3339(exp, &t) == 0;
    return *has ? t : 0;
}

/* The grant in before of the same principal and project as g, or NULL. */
static const json_t *same_grant(const json_t *before, const json_t *g)
{
    const char *p = principal_of(g), *proj = json_string_value(json_object_get(g, "project"));
    size_t i;
    const json_t *b;
    json_array_foreach(before, i, b)
    {
        const char *bp = json_string_value(json_object_get(b, "project"));
        if (p && principal_of(b) && strcmp(p, principal_of(b)) == 0 &&
            ((!proj && !bp) || (proj && bp && strcmp(proj, bp) == 0)))
            return b;
    }
    return NULL;
}

/* Whether g ends sooner than b did: a later expiry, or none, is not shortened. */
static int shortened(const json_t *b, const json_t *g)
{
    int hb, hg;
    int64_t tb = expiry_of(b, &hb), tg = expiry_of(g, &hg);
    return hg && (!hb || tg < tb);
}

/* ---- The notices of a change ------------------------------------------------------------------ */

/* A request's notice: to the owner when it is made (with its token, for Slack's Approve and
 * Deny buttons), to the requester when it is answered. */
static int request_notice(struct store *s, const struct st_sandbox *sb, enum intent_kind kind,
                          const char *actor, const char *before_text, const json_t *result, int64_t event_id,
                          int64_t now)
{
    const json_t *q = json_object_get(result, "request");
    const char *token = json_string_value(json_object_get(q, "token"));
    const char *who = json_string_value(json_object_get(q, "principal"));
    const char *role = json_string_value(json_object_get(q, "role"));
    const char *project = json_string_value(json_object_get(q, "project"));
    const char *note = json_string_value(json_object_get(q, "note"));
    const char *reason = json_string_value(json_object_get(result, "reason"));
    if (!token || !who || !role) return 0;
    const char *to = kind == IK_REQUEST_ACCESS ? sb->owner : who;
    if (strcmp(to, actor) == 0) return 0;
    struct text t = TEXT_INIT;
    enum notice_kind nk;
    char *extra = NULL;
    if (kind == IK_REQUEST_ACCESS) {
        nk = NK_REQUESTED;
        text_printf(&t, "%s asks for %s access to sandbox %s%s%s", who, role, sb->name,
                    project ? ", project " : "", project ? project : "");
        const char *d = json_string_value(json_object_get(q, "duration"));
        const char *until = json_string_value(json_object_get(q, "expires_at"));
        /* In words, as the requester's own reply says them (never P3D or an RFC 3339 instant). */
        struct duration len;
        int64_t end;
        if (d && duration_parse_iso(d, &len) == 0) {
            text_puts(&t, ", for ");
            describe_duration(&len, &t);
            text_puts(&t, " from approval");
        }
        if (until && parse_rfc3339(until, &end) == 0) {
            char when[64];
            describe_until(end, when, sizeof when);
            text_printf(&t, ", until %s", when);
        }
        if (note) text_printf(&t, ", because: %s", note);
        text_printf(&t, " (request %s). To answer, say: approve %s, or deny %s because …", token, token,
                    token);
        /* The request it replaces (the audit event's before): its message on Slack says so. */
        json_t *was = before_text && before_text[0] ? json_loads(before_text, 0, NULL) : NULL;
        const char *old = json_string_value(json_object_get(was, "token"));
        json_t *e = old ? json_pack("{s:s, s:s}", "request", token, "replaces", old)
                        : json_pack("{s:s}", "request", token);
        json_decref(was);
        extra = e ? json_dumps(e, JSON_COMPACT) : NULL;
        json_decref(e);
        if (!extra) t.oom = 1;
    } else if (kind == IK_APPROVE_REQUEST) {
        nk = NK_APPROVED;
        text_printf(&t, "%s approved your request %s: you have ", actor, token);
        grant_json_words(json_array_get(json_object_get(result, "grants"), 0), &t);
        text_printf(&t, " in sandbox %s.", sb->name);
    } else {
        nk = NK_DENIED;
        text_printf(&t, "%s denied your request %s for %s access to sandbox %s%s%s.", actor, token, role,
                    sb->name, reason ? ": " : "", reason ? reason : "");
    }
    char dedup[NOTICE_DEDUP_MAX + 1];
    snprintf(dedup, sizeof dedup, "e%lld:%s", (long long)event_id, to);
    int rc = text_failed(&t) ? -1 : notice_write(s, sb->id, to, nk, now, event_id, t.s, extra, dedup, now);
    free(extra);
    text_free(&t);
    return rc;
}

int notices_for_change(struct store *s, const struct st_sandbox *sb, enum intent_kind kind, const char *actor,
                       const char *before_text, const json_t *result, int64_t event_id, int64_t now)
{
    if (kind == IK_REQUEST_ACCESS || kind == IK_APPROVE_REQUEST || kind == IK_DENY_REQUEST)
        return request_notice(s, sb, kind, actor, before_text, result, event_id, now);
    enum notice_kind nk;
    const char *key = "grants", *verb;
    switch (kind) {
    case IK_INVITE: nk = NK_INVITED, verb = "gave you access to"; break;
    case IK_CHANGE_ROLE: nk = NK_ROLE_CHANGED, verb = "changed your role in"; break;
    case IK_SET_EXPIRY: nk = NK_SHORTENED, verb = "shortened your access to"; break;
    case IK_REVOKE: nk = NK_REVOKED, key = "revoked", verb = "revoked your access to"; break;
    default: return 0;
    }
    const json_t *grants = json_object_get(result, key);
    json_t *before = before_text && before_text[0] ? json_loads(before_text, 0, NULL) : NULL;
    /* One notice per recipient: their grants of this change, in one text. */
    int rc = 0;
    size_t i;
    const json_t *g;
    json_array_foreach(grants, i, g)
    {
        const char *p = principal_of(g);
        if (!p || strcmp(p, actor) == 0) continue; /* nobody is told of their own doing */
        /* Once per principal: the first of their grants in the list gathers the rest. */
        int first = 1;
        for (size_t k = 0; k < i && first; k++) {
            const char *q = principal_of(json_array_get(grants, k));
            if (q && strcmp(q, p) == 0) first = 0;
        }
        if (!first) continue;
        struct text t = TEXT_INIT;
        int n = 0;
        for (size_t k = i; k < json_array_size(grants); k++) {
            const json_t *h = json_array_get(grants, k);
            if (!principal_of(h) || strcmp(principal_of(h), p) != 0) continue;
            /* An expiry change is told only when it shortens the access (lifecycle.md). */
            if (nk == NK_SHORTENED) {
                const json_t *b = same_grant(before, h);
                if (!b || !shortened(b, h)) continue;
            }
            text_printf(&t, n++ ? "; " : "%s %s sandbox %s: ", actor, verb, sb->name);
            grant_json_words(h, &t);
        }
        if (n) {
            text_puts(&t, ".");
            char dedup[NOTICE_DEDUP_MAX + 1];
            snprintf(dedup, sizeof dedup, "e%lld:%s", (long long)event_id, p);
            rc = text_failed(&t) ? -1 : notice_write(s, sb->id, p, nk, now, event_id, t.s, NULL, dedup, now);
        }
        text_free(&t);
        if (rc) break;
    }
    json_decref(before);
    return rc;
}

int notices_for_expiry(struct store *s, const struct st_sandbox *sb, const struct st_grant *g,
                       int64_t event_id, int64_t now)
{
    char when[64], dedup[NOTICE_DEDUP_MAX + 1];
    describe_until(g->expires_at, when, sizeof when);
    struct text t = TEXT_INIT;
    text_printf(
        &t,
        "Your %s access to sandbox %s (%s%s) ended at %s. To ask for it again, say: request %s access to %s",
        role_name(g->role), sb->name, g->project[0] ? "project " : "sandbox-wide", g->project, when,
        role_name(g->role), sb->name);
    snprintf(dedup, sizeof dedup, "e%lld:%s", (long long)event_id, g->principal);
    int rc = text_failed(&t) ? -1
                             : notice_write(s, sb->id, g->principal, NK_EXPIRED, g->expires_at, event_id, t.s,
                                            NULL, dedup, now);
    text_free(&t);
    return rc;
}

/* ---- Reminders ----------------------------------------------------------------------------------- */

struct due_reminder {
    struct st_reminder r;
    int recorded; /* this pass recorded it (another sweeper did not come first) */
};

/* One recipient's part in a reminder: holder (0) or granter (1). */
struct to_tell {
    const struct due_reminder *d;
    const char *recipient;
    int granter;
};

struct reminders {
    struct due_reminder *items;
    size_t n, cap;
    int oom;
};

static int take_reminder(void *ctx, const struct st_reminder *r)
{
    struct reminders *rs = ctx;
    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? 2 * rs->cap : 64;
        struct due_reminder *items = realloc(rs->items, cap * sizeof *items);
        if (!items) {
            rs->oom = 1;
            return 1;
        }
        rs->items = items;
        rs->cap = cap;
    }
    rs->items[rs->n].r = *r;
    rs->items[rs->n++].recorded = 0;
    return 0;
}

/* By sandbox, recipient, kind, then as found: a recipient's reminders due together are one run. */
static int by_recipient(const void *a, const void *b)
{
    const struct to_tell *x = a, *y = b;
    if (x->d->r.sandbox_id != y->d->r.sandbox_id) return x->d->r.sandbox_id < y->d->r.sandbox_id ? -1 : 1;
    int c = strcmp(x->recipient, y->recipient);
    if (c) return c;
    if ((c = strcmp(x->d->r.kind, y->d->r.kind))) return c;
    if (x->granter != y->granter) return x->granter - y->granter;
    return x->d < y->d ? -1 : x->d > y->d;
}

/* One notice for the run tell[0..n): its text whole, and in extra the head, each grant's line
 * with its id and expiry, and the foot, so that the deliverer can leave out a grant revoked,
 * extended or made permanent since (and drop the notice when none is left). */
static int remind_one(struct store *s, const struct to_tell *tell, size_t n, int64_t now)
{
    const struct st_reminder *r0 = &tell[0].d->r;
    const char *in = strcmp(r0->kind, "1h") == 0 ? "in 1 hour" : "in 1 day";
    struct text head = TEXT_INIT, foot = TEXT_INIT, text = TEXT_INIT;
    json_t *items = json_array();
    int granter = tell[0].granter;
    if (granter)
        text_printf(&head, "Access you granted in sandbox %s ends %s:", r0->sandbox, in);
    else
        text_printf(&head, "Your access to sandbox %s ends %s:", r0->sandbox, in);
    text_puts(&text, head.s);
    for (size_t i = 0; i < n && items; i++) {
        const struct st_grant *g = &tell[i].d->r.grant;
        struct text line = TEXT_INIT;
        char until[96];
        until_words(1, g->expires_at, until, sizeof until);
        if (granter) text_printf(&line, "%s: ", g->principal);
        text_printf(&line, "%s, %s%s, %s", role_name(g->role), g->project[0] ? "project " : "sandbox-wide",
                    g->project, until);
        text_printf(&text, "\n- %s", line.s);
        json_array_append_new(items, json_pack("{s:I,s:I,s:s}", "grant", (json_int_t)g->id, "expires_at",
                                               (json_int_t)g->expires_at, "line", line.s ? line.s : ""));
        text_free(&line);
    }
    const struct st_grant *g0 = &r0->grant;
    if (granter)
        text_printf(&foot, "To extend, say: extend %s's access by a week", g0->principal);
    else
        text_printf(&foot, "To ask for more, say: request %s access to %s for a week", role_name(g0->role),
                    r0->sandbox);
    text_printf(&text, "\n%s", foot.s);
    json_t *extra = json_pack("{s:s,s:o,s:s}", "head", head.s ? head.s : "", "items", items, "foot",
                              foot.s ? foot.s : "");
    char *extra_text = extra ? json_dumps(extra, JSON_COMPACT) : NULL;
    char dedup[NOTICE_DEDUP_MAX + 1];
    snprintf(dedup, sizeof dedup, "r%lld:%lld:%s:%s", (long long)g0->id, (long long)g0->expires_at, r0->kind,
             tell[0].recipient);
    int rc = !extra_text || text_failed(&text) || text_failed(&head) || text_failed(&foot)
                 ? -1
                 : notice_write(s, r0->sandbox_id, tell[0].recipient, NK_REMINDER, now, 0, text.s, extra_text,
                                dedup, now);
    free(extra_text);
    json_decref(extra);
    text_free(&head);
    text_free(&foot);
    text_free(&text);
    return rc;
}

int notices_remind(struct store *s, int64_t now, int *sent, char *why, size_t why_size)
{
    *sent = 0;
    struct reminders rs = {0};
    struct to_tell *tell = NULL;
    size_t n_tell = 0;
    int rc = -1;
    if (store_begin(s) != STORE_OK) {
        snprintf(why, why_size, "%s", store_errmsg(s));
        return -1;
    }
    if (store_reminder_each(s, now, take_reminder, &rs) != STORE_OK || rs.oom) goto out;
    if (rs.n == 0) {
        rc = 0;
        goto out;
    }
    /* Recorded first: a reminder another sweeper recorded is its to send. */
    for (size_t i = 0; i < rs.n; i++) {
        const struct st_reminder *r = &rs.items[i].r;
        enum store_status st = store_reminder_record(s, r->grant.id, r->grant.expires_at, r->kind, now);
        if (st == STORE_ERROR) goto out;
        rs.items[i].recorded = st == STORE_OK;
    }
    if (!(tell = calloc(2 * rs.n, sizeof *tell))) goto out;
    for (size_t i = 0; i < rs.n; i++) {
        const struct due_reminder *d = &rs.items[i];
        if (!d->recorded) continue;
        tell[n_tell++] = (struct to_tell){d, d->r.grant.principal, 0};
        const char *by = d->r.grant.granted_by;
        if (by[0] && strcmp(by, d->r.grant.principal) != 0) tell[n_tell++] = (struct to_tell){d, by, 1};
    }
    qsort(tell, n_tell, sizeof *tell, by_recipient);
    for (size_t i = 0; i < n_tell;) {
        size_t j = i + 1;
        while (j < n_tell && tell[j].d->r.sandbox_id == tell[i].d->r.sandbox_id &&
               strcmp(tell[j].recipient, tell[i].recipient) == 0 &&
               strcmp(tell[j].d->r.kind, tell[i].d->r.kind) == 0 && tell[j].granter == tell[i].granter)
            j++;
        if (remind_one(s, tell + i, j - i, now)) goto out;
        ++*sent;
        i = j;
    }
    rc = 0;
out:
    if (rc == 0 && store_commit(s) != STORE_OK) rc = -1;
    if (rc) {
        snprintf(why, why_size, "%s", rs.oom ? "out of memory" : store_errmsg(s));
        store_rollback(s);
        *sent = 0;
    }
    free(tell);
    free(rs.items);
    return rc;
}
