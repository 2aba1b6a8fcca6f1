/* fuzz_request: any bytes as the body of a request to concierge serve's routes, through the
 * same route_dispatch the server calls, against a real SQLite store (set up once, in a
 * temporary folder). The first byte picks the route and which headers come with it; Slack
 * requests are signed with the test secret so that the decoding behind the signature is
 * reached (and a second variant is signed wrong, to exercise the refusal). Every answer
 * must be a status the interface allows, and every non-200 body must be a JSON error object.
 * Must never crash, hang, read out of bounds or leak. Build and run: fuzz/README.md. */
#include <jansson.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../frontends/serve/log.h"
#include "../frontends/serve/routes.h"
#include "../frontends/serve/serve.h"
#include "../frontends/serve/slack_sig.h"
#include "../intent/timecalc.h"
#include "../store/store.h"

#define SECRET    "fuzz-secret"
#define BOT_TOKEN "cbt_fuzz"

static struct serve sv;
static struct store *st;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    char dir[] = "/tmp/concierge-fuzz-XXXXXX", err[256];
    int64_t ws, sb;
    unsigned char sha[32];
    unsigned int n = 0;
    if (!mkdtemp(dir) || tz_use("UTC")) abort();
    snprintf(sv.db_path, sizeof sv.db_path, "%s/fuzz.db", dir);
    memcpy(sv.slack_secret, SECRET, sizeof SECRET);
    sv.slack_secret_len = strlen(SECRET);
    snprintf(sv.slack_response_prefix, sizeof sv.slack_response_prefix, "https://hooks.slack.com/");
    /* With a bot token an event's command runs (here, at once: the fuzzer has no outbox). */
    snprintf(sv.slack_bot_token, sizeof sv.slack_bot_token, "xoxb-fuzz");
    snprintf(sv.slack_api_base, sizeof sv.slack_api_base, "https://slack.com/api/");
    log_set_verbosity(-1); /* quiet: the fuzzer's own output is what matters */
    EVP_Digest(BOT_TOKEN, strlen(BOT_TOKEN), sha, &n, EVP_sha256(), NULL);
    if (store_open(sv.db_path, STORE_CREATE, &st, err, sizeof err) != STORE_OK || store_begin(st) ||
        store_workspace_add(st, "acme", MODE_SHARED, &ws) ||
        store_sandbox_add(st, "demo", "@owner", ws, "", MODE_NONE, &sb) ||
        store_thing_add(st, sb, "agent", "builder") || store_slack_map(st, "T1", "C1", sb) ||
        store_slack_link(st, "slack:U1", "@owner", 0) ||
        store_bot_add(st, "fuzz", ws, sha, "https://bot.example/cb/", "cbs_fuzz") || store_commit(st)) {
        fprintf(stderr, "fuzz_request: cannot set up the store: %s\n", err);
        abort();
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const paths[] = {"/slack/commands", "/slack/interactions",
                                        "/v1/messages",    "/v1/check",
                                        "/v1/keys/verify", "/healthz",
                                        "/metrics",        "/nowhere"};
    if (size == 0) return 0;
    unsigned sel = data[0];
    /* The unknown path's slot with bit 5 set is /slack/events (added later: the kept corpus
     * keeps its meaning). */
    const char *path = (sel & 7) == 7 && (sel & 0x20) ? "/slack/events" : paths[sel & 7];
    int variant = (sel >> 3) & 3; /* 0 good headers, 1 wrong signature or token, 2 none, 3 GET */
    char *body = malloc(size);
    memcpy(body, data + 1, size - 1);
    body[size - 1] = '\0';
    size_t len = size - 1;
    char ts[32], sig[68];
    int64_t now = (int64_t)time(NULL);
    snprintf(ts, sizeof ts, "%lld", (long long)now);
    slack_sign(variant == 1 ? "wrong" : SECRET, variant == 1 ? 5 : strlen(SECRET), ts, body, len, sig);
    struct http_request rq = {
        .method = variant == 3                                      ? "GET"
                  : (sel & 7) >= 5 && strcmp(path, "/slack/events") ? "GET"
                                                                    : "POST",
        .path = path,
        .body = body,
        .len = len,
        .authorization = variant == 2   ? NULL
                         : variant == 1 ? "Bearer cbt_wrong"
                                        : "Bearer " BOT_TOKEN,
        .slack_timestamp = variant == 2 ? NULL : ts,
        .slack_signature = variant == 2 ? NULL : sig,
        .now = now,
    };
    struct http_response rs = {0};
    enum route_id route;
    route_dispatch(&sv, st, &rq, &rs, &route);
    switch (rs.status) {
    case 200:
    case 400:
    case 401:
    case 404:
    case 405:
    case 413: break;
    default: fprintf(stderr, "fuzz_request: status %d\n", rs.status); abort();
    }
    if (rs.status != 200) {
        json_t *o = json_loadb(rs.body, rs.len, 0, NULL);
        if (!o || !json_is_string(json_object_get(o, "error"))) {
            fprintf(stderr, "fuzz_request: a %d without a JSON error: %.*s\n", rs.status, (int)rs.len,
                    rs.body);
            abort();
        }
        json_decref(o);
    }
    response_clear(&rs);
    free(body);
    return 0;
}
