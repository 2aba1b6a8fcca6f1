-- wrk script for bench/bench_serve.sh: confirmed changes through POST /v1/messages, as a chat
-- bot. The bearer token comes from $CONCIERGE_BENCH_TOKEN.
--
-- A change takes two requests: the change phrase, answered "needs_confirmation", then "yes"
-- from the same user in the same conversation, answered "done". Every pair has a conversation
-- of its own ("t<thread>-<n>"), so pairs never see each other's pending confirmation.
--
-- wrk's request() is not told which connection it is writing for, and a connection's next
-- request() does not follow its response() at once (other connections run in between). So
-- the "yes" goes out on whichever connection of the same wrk thread asks next once the change
-- has been answered: response() reads the invitee from the reply, finds its conversation and
-- queues it; request() sends a queued "yes" first, else a new change. So no "yes" is sent
-- before its change is answered, changes and "yes"es stay one to one (half the requests are
-- each; at most one unconfirmed change per connection is left when wrk stops), but a given
-- connection carries whichever comes next rather than strictly change, "yes", change, ...
--
-- Invitees: thread i (0-based) takes @u(500i+1) .. @u(500i+500) in turn (@u1..@u1000 with
-- two threads), skipping one whose pair is still in flight (a slow reply must not meet the
-- next pass). Each confirmed change flips the invitee: "invite @uK as viewer" when @uK has no
-- grant, "revoke @uK" when it has one, so every confirmed change inserts or deletes a grant
-- row (plus its audit row).
--
-- CONCIERGE_BENCH_OFFSET (0 by default) shifts the invitees and conversations by that much, so
-- that two wrk runs at once (two servers on one PostgreSQL, bench_store.sh) never share an
-- invitee: the second run gets 1000 and takes @u1001..@u2000.
--
-- done() prints "confirmed changes: N", "unexpected replies: N" and
-- "confirmed changes/s: X" for bench_serve.sh, and the first unexpected reply if any.

local token = os.getenv("CONCIERGE_BENCH_TOKEN")
if not token or token == "" then
    error("wrk_change.lua: set CONCIERGE_BENCH_TOKEN to the bot's bearer token")
end

wrk.method = "POST"
wrk.path = "/v1/messages"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token

local SLOTS = 500 -- invitees per wrk thread
local OFFSET = tonumber(os.getenv("CONCIERGE_BENCH_OFFSET") or "0") or 0

-- Set per thread by setup() (thread:set); read back by done() (thread:get).
id = 0
confirmed = 0   -- "yes" answered "done"
asked = 0       -- changes answered "needs_confirmation"
unexpected = 0  -- anything else
sample = nil    -- the first unexpected reply

local threads = {}
local next_id = 0

function setup(thread)
    thread:set("id", next_id)
    next_id = next_id + 1
    table.insert(threads, thread)
end

local next_slot = 0     -- round robin over this thread's invitees
local busy = {}         -- invitee number -> the conversation of its pair in flight
local granted = {}      -- invitee number -> true when it holds a grant
local ready, head, tail = {}, 1, 0 -- conversations whose change awaits "yes"
local pairs_sent = 0

local function message(conv, text)
    return wrk.format(nil, nil, nil,
        '{"conversation":"' .. conv .. '","user":"@ann","text":"' .. text .. '"}')
end

function request()
    if head <= tail then
        local conv = ready[head]
        ready[head] = nil
        head = head + 1
        return message(conv, "yes")
    end
    local u
    for _ = 1, SLOTS do
        u = OFFSET + id * SLOTS + next_slot + 1
        next_slot = (next_slot + 1) % SLOTS
        if not busy[u] then break end
    end
    local conv = "t" .. OFFSET + id .. "-" .. pairs_sent
    pairs_sent = pairs_sent + 1
    busy[u] = conv
    if granted[u] then return message(conv, "revoke @u" .. u) end
    return message(conv, "invite @u" .. u .. " as viewer")
end

local function odd(status, body, u)
    unexpected = unexpected + 1
    if u then busy[u] = nil end
    if not sample then sample = status .. " " .. body end
end

function response(status, headers, body)
    local u = tonumber(body:match('"principals":%["@u(%d+)"') or "")
    if status ~= 200 then return odd(status, body, u) end
    local st = body:match('"status":"([%a_]+)"')
    if st == "done" and u and busy[u] then
        confirmed = confirmed + 1
        busy[u] = nil
        granted[u] = not granted[u]
    elseif st == "needs_confirmation" and u and busy[u] then
        asked = asked + 1
        tail = tail + 1
        ready[tail] = busy[u]
    else
        odd(status, body, u)
    end
end

function done(summary, latency, requests)
    local c, a, x, s = 0, 0, 0, nil
    for _, t in ipairs(threads) do
        c = c + (t:get("confirmed") or 0)
        a = a + (t:get("asked") or 0)
        x = x + (t:get("unexpected") or 0)
        s = s or t:get("sample")
    end
    local secs = summary.duration / 1e6
    io.write(string.format("changes asked (needs_confirmation): %d\n", a))
    io.write(string.format("confirmed changes: %d\n", c))
    io.write(string.format("confirmed changes/s: %.2f\n", c / secs))
    io.write(string.format("unexpected replies: %d\n", x))
    if s then io.write("first unexpected reply: " .. string.sub(s, 1, 400) .. "\n") end
end
