-- wrk script for bench/bench_store.sh: the runtime's question, POST /v1/check, as a bot:
-- may @bob build in sandbox demo? (@bob is an editor there: "allow", rule grant:editor). The
-- bearer token comes from $CONCIERGE_BENCH_TOKEN.
--
-- Static, like wrk_readonly.lua: wrk builds the request once and spends no Lua time per
-- request. That the answer is "allow" is checked by bench_store.sh beforehand.

local token = os.getenv("CONCIERGE_BENCH_TOKEN")
if not token or token == "" then
    error("wrk_check.lua: set CONCIERGE_BENCH_TOKEN to the bot's bearer token")
end

wrk.method = "POST"
wrk.path = "/v1/check"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token
wrk.body = '{"principal":"@bob","sandbox":"demo","action":"build"}'
