#!/usr/bin/env bash
# Idempotency-Key on POST /v1/messages (interfaces.md): a repeat with the same key from the
# same bot gets the first reply again and acts no more — on any server of a fleet; the same key
# on another request is refused; a key's secret is never kept for a repeat. The real server,
# with curl. On SQLite (one server), and with CONCIERGE_TEST_PG_FILE on PostgreSQL with two
# servers on one database, the repeat sent to the other one.
# Usage: tests/idempotency.sh BIN
set -euo pipefail
bin=$(readlink -f "$1")
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "${pgdb:-}" ] && psql "$base" -qc "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail=0
check() {
  local what=$1
  shift
  if "$@"; then echo "ok $what"; else echo "FAIL $what" >&2; fail=1; fi
}

if [ -n "${CONCIERGE_TEST_PG_FILE:-}" ]; then
  base=$(head -n1 "$CONCIERGE_TEST_PG_FILE")
  pgdb=t_idem_$$
  psql "$base" -qc "CREATE DATABASE $pgdb"
  db="${base%/*}/$pgdb"
  "$bin" --db "$db" admin migrate >/dev/null
  servers=2
else
  db=$work/s.db
  servers=1
fi
C() { "$bin" --db "$db" "$@"; }
C admin workspace add acme >/dev/null
C admin sandbox add demo --owner @ann --workspace acme >/dev/null
C admin agent add demo support >/dev/null
token=$(C admin bot add loadbot --workspace acme | sed -n 's/^ *bearer token: *//p')

ports=()
for i in $(seq 1 $servers); do
  "$bin" --db "$db" serve --listen 127.0.0.1:0 --log warn 2>"$work/serve$i.log" &
  pids+=($!)
  for _ in $(seq 1 200); do
    port=$(sed -n 's/.*"event":"listening".*"port":\([0-9]*\).*/\1/p' "$work/serve$i.log")
    [ -n "$port" ] && break
    sleep 0.05
  done
  [ -n "$port" ] || { echo "FAIL server $i did not start" >&2; cat "$work/serve$i.log" >&2; exit 1; }
  ports+=("$port")
done
last=${ports[$((servers - 1))]}

# post PORT KEY BODY OUT: the status on stdout, the body in OUT.
post() {
  local hdr=()
  [ -n "$2" ] && hdr=(-H "Idempotency-Key: $2")
  curl -sS -o "$4" -w '%{http_code}' -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    "${hdr[@]}" --data "$3" "http://127.0.0.1:$1/v1/messages"
}
events() { C --as @ann --sandbox demo --json "show the audit log" | sed -n 's/.*"summary":"\([0-9]*\) event.*/\1/p'; }

msg='{"conversation":"c1","user":"@ann","text":"invite @bob as viewer"}'
s1=$(post "${ports[0]}" k-invite "$msg" "$work/r1")
token1=$(sed -n 's/.*"token":"\([A-Z0-9]*\)".*/\1/p' "$work/r1")
s2=$(post "$last" k-invite "$msg" "$work/r2")
check "the first is answered (needs_confirmation)" test "$s1" = 200 -a -n "$token1"
check "a repeat (on the other server, with two) gets the same reply" cmp -s "$work/r1" "$work/r2"
post "$last" "" '{"conversation":"c1","user":"@ann","text":"what is pending?"}' "$work/p" >/dev/null
check "and kept one change waiting, not two" test "$(grep -o '"token":"' "$work/p" | wc -l)" = 1

yes='{"conversation":"c1","user":"@ann","text":"yes"}'
before=$(events)
s3=$(post "${ports[0]}" k-yes "$yes" "$work/r3")
s4=$(post "$last" k-yes "$yes" "$work/r4")
after=$(events)
check "the confirmation is done" grep -q '"status":"done"' "$work/r3"
check "its repeat gets the same reply" cmp -s "$work/r3" "$work/r4"
check "and acted once: one audit event more" test "$((after - before))" = 1

s5=$(post "$last" k-yes '{"conversation":"c1","user":"@ann","text":"who has access?"}' "$work/r5")
check "the same key on another request is 422" test "$s5" = 422
s6=$(post "${ports[0]}" "$(printf 'x%.0s' $(seq 1 300))" "$yes" "$work/r6")
check "a key longer than 255 is 400" test "$s6" = 400

key='{"conversation":"c2","user":"@ann","text":"give @bob an invoke key for the support agent"}'
post "${ports[0]}" "" "$key" "$work/k0" >/dev/null
ktok=$(sed -n 's/.*"token":"\([A-Z0-9]*\)".*/\1/p' "$work/k0")
post "${ports[0]}" k-key "{\"conversation\":\"c2\",\"user\":\"@ann\",\"text\":\"confirm $ktok\"}" "$work/k1" >/dev/null
post "$last" k-key "{\"conversation\":\"c2\",\"user\":\"@ann\",\"text\":\"confirm $ktok\"}" "$work/k2" >/dev/null
check "the first reply carries the key's secret" grep -q '"secret":"ck_' "$work/k1"
check "a repeat does not: no secret is kept" sh -c "! grep -q 'ck_' '$work/k2'"
check "the repeat says done" grep -q '"status":"done"' "$work/k2"
check "one key was made" test "$(C admin list keys --json | grep -c support)" = 1

# Two at once, one on each server (or both on the one): one claims, the other waits for its reply.
race='{"conversation":"c3","user":"@ann","text":"invite @carol as viewer"}'
post "${ports[0]}" k-race "$race" "$work/x1" >"$work/x1.status" &
a=$!
post "$last" k-race "$race" "$work/x2" >"$work/x2.status" &
b=$!
wait "$a" "$b"
post "$last" "" '{"conversation":"c3","user":"@ann","text":"what is pending?"}' "$work/p3" >/dev/null
check "two at once: both answered 200" test "$(cat "$work/x1.status")$(cat "$work/x2.status")" = 200200
check "two at once: the same reply" cmp -s "$work/x1" "$work/x2"
check "two at once: one change waiting" test "$(grep -o '"token":"' "$work/p3" | wc -l)" = 1

s7=$(post "${ports[0]}" "" "$yes" "$work/r7")
check "without the header nothing is remembered (nothing pending: nothing_pending)" grep -q nothing_pending "$work/r7"
exit $fail
