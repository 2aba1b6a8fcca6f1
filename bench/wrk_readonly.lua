-- wrk script for bench/bench_serve.sh: a read-only intent ("who has access?") as a chat bot,
-- POST /v1/messages. The bearer token comes from $CONCIERGE_BENCH_TOKEN.
--
-- The request is static (no request() or response() function), so wrk builds it once and
-- spends no Lua time per request: on a 2-core machine wrk shares the CPU with the server,
-- and the less wrk does, the more the figure says about the server. That the replies are
-- "done" is checked by bench_serve.sh (one request beforehand, /metrics afterwards).

local token = os.getenv("CONCIERGE_BENCH_TOKEN")
if not token or token == "" then
    error("wrk_readonly.lua: set CONCIERGE_BENCH_TOKEN to the bot's bearer token")
end

wrk.method = "POST"
wrk.path = "/v1/messages"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token
wrk.body = '{"conversation":"bench","user":"@ann","text":"who has access?"}'
