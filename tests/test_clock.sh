#!/usr/bin/env bash
# Time without waiting (issue 12, item 6): a test build's `serve --test-clock FILE` takes "now"
# from FILE at every use, and its sweeper sweeps as soon as the file moves — so "two hours
# later" is a test of milliseconds. A bot's grant for 2 hours; the clock moved 3 hours; the
# expiry is recorded once, at the instant it was due, and the grant no longer counts.
# Only in a build with -DCONCIERGE_TEST_CLOCK=ON. Usage: tests/test_clock.sh BIN
set -euo pipefail
bin=$(readlink -f "$1")
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
fail=0
check() {
  local what=$1
  shift
  if "$@"; then echo "ok $what"; else echo "FAIL $what" >&2; fail=1; fi
}

db=$work/s.db
C() { "$bin" --db "$db" "$@"; }
C admin workspace add acme >/dev/null
C admin sandbox add demo --owner @ann --workspace acme >/dev/null
token=$(C admin bot add b --workspace acme | sed -n 's/^ *bearer token: *//p')

t0=1796176800 # 2026-12-02T02:00:00Z
echo "$t0" >"$work/clock"
"$bin" --db "$db" serve --listen 127.0.0.1:0 --log info --test-clock "$work/clock" 2>"$work/serve.log" &
pid=$!
port=
for _ in $(seq 1 200); do
  port=$(sed -n 's/.*"event":"listening".*"port":\([0-9]*\).*/\1/p' "$work/serve.log")
  [ -n "$port" ] && break
  sleep 0.05
done
[ -n "$port" ] || { echo "FAIL the server did not start" >&2; cat "$work/serve.log" >&2; exit 1; }

say() {
  curl -sS -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    --data "{\"conversation\":\"c\",\"user\":\"@ann\",\"text\":\"$1\"}" "http://127.0.0.1:$port/v1/messages"
}
expired() { C --as @ann --sandbox demo --json "show the audit log" | grep -o '"intent":"expired"' | wc -l; }

say "invite @bob as editor for 2 hours" >/dev/null
out=$(say yes)
check "the grant runs 2 hours from the test clock's now" grep -q '"expires_at":"2026-12-02T04:00:00Z"' <<<"$out"
check "at the test clock's now, @bob has access" grep -q '"principal":"@bob"' <<<"$(say 'who has access?')"
check "nothing has expired yet" test "$(expired)" = 0

echo $((t0 + 3 * 3600)) >"$work/clock" # three hours later, at once
for _ in $(seq 1 200); do
  [ "$(expired)" -ge 1 ] && break
  sleep 0.05
done
check "moving the clock swept: one expired event" test "$(expired)" = 1
check "recorded at the instant it was due, by concierge" \
  grep -q '"at":"2026-12-02T04:00:00Z","actor":"concierge"' <<<"$(C --as @ann --sandbox demo --json 'show the audit log')"
check "and @bob no longer has access at the new now" sh -c "! grep -q '\"principal\":\"@bob\"' <<'EOF'
$(say 'who has access?')
EOF"
sleep 0.2 # a few more looks of the sweeper at the same clock
check "the same clock is not swept again" test "$(expired)" = 1
check "the server said it runs on a test clock" grep -q "test build's clock" "$work/serve.log"
exit $fail
