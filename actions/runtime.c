/* The runtime's questions (runtime.h). */
#include "runtime.h"

#include <stdio.h>
#include <string.h>

#include "../intent/timecalc.h"
#include "digest.h"
#include "commands.h"
#include "execute.h"

enum action runtime_action(const char *name)
{
    for (int a = ACT_READ; a < ACT__COUNT; a++)
        if (strcmp(action_name((enum action)a), name) == 0) return (enum action)a;
    return ACT_NONE;
}

int runtime_check(struct store *s, const char *sandbox, const char *principal, enum action action,
                  const char *project, int64_t now, int64_t workspace_id, struct decision *d)
{
    struct st_sandbox sb;
    enum store_status st = store_sandbox_find(s, sandbox, &sb);
    if (st == STORE_ERROR) return -1;
    if (st == STORE_NOT_FOUND || (workspace_id && sb.workspace_id != workspace_id)) {
        d->allow = 0;
        d->rule = "not-found";
        snprintf(d->reason, sizeof d->reason, "sandbox \"%s\" not found", sandbox);
        return 0;
    }
    char p[PRINCIPAL_MAX_LEN + 1];
    if (principal_resolve(s, principal, p, sizeof p)) return -1;
    if (project && *project) {
        /* The runtime may know the sandbox's projects: a misspelt one is said, with the
         * closest name, rather than decided as if it were another project. */
        int e = store_thing_exists(s, sb.id, "project", project);
        if (e < 0) return -1;
        if (!e) {
            struct text why = TEXT_INIT;
            commands_project_not_found(s, &sb, project, &why);
            d->allow = 0;
            d->rule = "not-found";
            int fits = !text_failed(&why) && why.len < sizeof d->reason;
            snprintf(d->reason, sizeof d->reason, "%s", fits ? why.s : "project not found");
            text_free(&why);
            return 0;
        }
    }
    return decide(s, &sb, p, action, project ? project : "", now, d);
}

json_t *runtime_decision_json(const struct decision *d)
{
    return json_pack("{s:s, s:s, s:s}", "decision", d->allow ? "allow" : "deny", "rule", d->rule, "reason",
                     d->reason);
}

int runtime_key_verify(struct store *s, const char *sandbox, const char *agent, const char *secret,
                       int64_t now, int64_t workspace_id, json_t **out)
{
    unsigned char sha[32];
    *out = NULL;
    if (sha256_of(secret, strlen(secret), sha)) return -1;
    struct st_agent_key k;
    enum store_status st = store_agent_key_find(s, sha, &k);
    if (st == STORE_ERROR) return -1;
    int valid = st == STORE_OK && strcmp(k.sandbox, sandbox) == 0 && strcmp(k.agent, agent) == 0 &&
                (!k.has_expiry || k.expires_at > now) && (!workspace_id || k.workspace_id == workspace_id);
    if (!valid) {
        *out = json_pack("{s:b, s:n, s:n, s:n}", "valid", 0, "kind", "principal", "expires_at");
        return *out ? 0 : -1;
    }
    char at[32];
    if (k.has_expiry) format_rfc3339(k.expires_at, at);
    *out = json_pack("{s:b, s:s, s:o, s:o}", "valid", 1, "kind", key_kind_name(k.kind), "principal",
                     k.principal[0] ? json_string(k.principal) : json_null(), "expires_at",
                     k.has_expiry ? json_string(at) : json_null());
    return *out ? 0 : -1;
}
