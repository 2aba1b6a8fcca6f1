#!/usr/bin/env bash
# bench_slow_clients.sh: `concierge serve` beside 1,000 slow clients (interfaces.md): how long
# /healthz and whole bot requests take while they trickle, and when the server closes them.
# See bench/serve.md.
#
#   bench/bench_slow_clients.sh [BINARY [BENCH]]
#
# BINARY defaults to build/concierge, BENCH to build/bench_slow_clients. Environment:
#   SLOW=1000 INTERVAL=5 DURATION=30   slow connections, seconds between their bytes, run time
#   SERVE_THREADS=2                    concierge serve --threads
#   KEEP=1                             keep the temporary folder (its path is printed)
# Exit status 1 when set-up failed, a probe failed, or the server did not exit 0 on SIGTERM.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
bin=${1:-$src/build/concierge}
bench=${2:-$src/build/bench_slow_clients}

die() { echo "bench_slow_clients: $*" >&2; exit 1; }
[ -x "$bin" ] || die "no executable '$bin' (build first)"
[ -x "$bench" ] || die "no executable '$bench' (build the bench_slow_clients target)"
command -v curl >/dev/null || die "curl is not installed"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/concierge-bench-slow-XXXXXX")
pid=
cleanup() {
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
    if [ -n "${KEEP:-}" ]; then echo "bench_slow_clients: kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

db=$tmp/concierge.db
errlog=$tmp/serve.err
c() { "$bin" "$@" > "$tmp/setup.out" 2>&1 || { cat "$tmp/setup.out" >&2; die "set-up failed: concierge $*"; }; }
c admin --db "$db" workspace add acme
c admin --db "$db" sandbox add demo --owner @ann --workspace acme
c --db "$db" --as @ann --sandbox demo -y "invite @bob as editor"
c admin --db "$db" bot add slowbench --workspace acme
token=$(tail -n 1 "$tmp/setup.out")
case $token in *[!A-Za-z0-9_-]* | "") die "no bearer token in the output of admin bot add";; esac

"$bin" serve --db "$db" --listen 127.0.0.1:0 --log warn --threads "${SERVE_THREADS:-2}" 2> "$errlog" &
pid=$!
port=
for _ in $(seq 100); do
    port=$(sed -n 's/.*"event":"listening".*"port":\([0-9][0-9]*\).*/\1/p' "$errlog" | head -n 1)
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$errlog" >&2; die "the server exited at start-up"; }
    sleep 0.1
done
[ -n "$port" ] || { cat "$errlog" >&2; die "no \"listening\" line within 10 s"; }
curl -fsS --max-time 2 "http://127.0.0.1:$port/healthz" > /dev/null || die "GET /healthz does not answer"

status=0
"$bench" "$port" "$token" "${SLOW:-1000}" "${INTERVAL:-5}" "${DURATION:-30}" || status=1
echo "server: $(grep -c '"event":"slow_request"' "$errlog") slow_request log lines," \
     "$(sed -n 's/.*"event":"slow_request","closed":\([0-9]*\).*/\1/p' "$errlog" | awk '{s += $1} END {print s + 0}') connections closed;" \
     "VmRSS $(sed -n 's/^VmRSS:[[:space:]]*//p' "/proc/$pid/status")"
pending=$(sqlite3 "$db" 'SELECT count(*) FROM pending' 2>/dev/null || echo '?')
echo "pending changes in the store (a slow request carried out would leave one): $pending"
kill -TERM "$pid"
for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if wait "$pid"; then echo "SIGTERM: exit 0"; else die "the server did not exit 0 on SIGTERM"; fi
pid=
exit $status
