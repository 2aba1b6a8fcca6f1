#!/usr/bin/env bash
# bench_serve.sh: `concierge serve` under load with wrk: requests/s and latency of the chat-bot
# API (POST /v1/messages) for a read-only intent and for confirmed changes, resident memory at
# rest and after the load, and a clean exit on SIGTERM. See bench/serve.md.
#
#   bench/bench_serve.sh [BINARY]
#
# BINARY defaults to build/concierge (relative to the source tree). Environment:
#   DURATION=10s THREADS=2 CONNECTIONS=32   wrk's -d, -t, -c (defaults as shown)
#   WRK_TIMEOUT=10s                         wrk's --timeout: a slower reply counts as a timeout
#                                           and is left out of wrk's latency percentiles
#   SERVE_THREADS=2                         concierge serve --threads
#   BASELINE=0                              skip the GET /healthz run (HTTP + one store read)
#   KEEP=1                                  keep the temporary folder (its path is printed)
# The exit status is 0 when every step worked (whether or not the targets were met), 1 when
# something failed: set-up, a wrong reply, a non-2xx answer, a connect/read/write error, or
# the server not exiting 0 within 15 s of SIGTERM. wrk timeouts are reported, not failures.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
bin=${1:-$src/build/concierge}
duration=${DURATION:-10s}
wrk_threads=${THREADS:-2}
connections=${CONNECTIONS:-32}
serve_threads=${SERVE_THREADS:-2}
wrk_timeout=${WRK_TIMEOUT:-10s}

die() { echo "bench_serve: $*" >&2; exit 1; }
[ -x "$bin" ] || die "no executable '$bin' (build first)"
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
for tool in wrk curl; do command -v "$tool" >/dev/null || die "$tool is not installed"; done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/concierge-bench-serve-XXXXXX")
pid=
cleanup() {
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
    if [ -n "${KEEP:-}" ]; then echo "bench_serve: kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

db=$tmp/concierge.db
errlog=$tmp/serve.err

# --- 1. The store: a workspace, a sandbox owned by @ann, a few grants, a bot. -----------------
c() { "$bin" "$@" > "$tmp/setup.out" 2>&1 || { cat "$tmp/setup.out" >&2; die "set-up failed: concierge $*"; }; }
c admin --db "$db" workspace add acme
c admin --db "$db" sandbox add demo --owner @ann --workspace acme
for phrase in "invite @bob as editor" "invite @carol as viewer" "invite @dave as viewer" \
              "invite @erin as editor" "invite @frank as viewer for 30 days"; do
    c --db "$db" --as @ann --sandbox demo -y "$phrase"
done
c admin --db "$db" bot add loadbot --workspace acme
token=$(sed -n "s/^ *bearer token: *//p" "$tmp/setup.out" | tail -n 1)
case $token in *[!A-Za-z0-9_-]* | "") die "no bearer token in the output of admin bot add";; esac
export CONCIERGE_BENCH_TOKEN=$token

# --- 2. The server, on a free port. -----------------------------------------------------------
"$bin" serve --db "$db" --listen 127.0.0.1:0 --log warn --threads "$serve_threads" 2> "$errlog" &
pid=$!
port=
for _ in $(seq 100); do
    port=$(sed -n 's/.*"event":"listening".*"port":\([0-9][0-9]*\).*/\1/p' "$errlog" | head -n 1)
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$errlog" >&2; die "the server exited at start-up"; }
    sleep 0.1
done
[ -n "$port" ] || { cat "$errlog" >&2; die "no \"listening\" line within 10 s"; }
base=http://127.0.0.1:$port
for _ in $(seq 100); do
    curl -fsS --max-time 2 "$base/healthz" > /dev/null 2>&1 && break
    sleep 0.1
done
curl -fsS --max-time 2 "$base/healthz" > /dev/null || die "GET /healthz does not answer"

post() { # post BODY: POST /v1/messages as the bot, the reply on stdout
    curl -fsS --max-time 5 -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
        --data-binary "$1" "$base/v1/messages"
}
status_of() { sed -n 's/^{"status":"\([a-z_]*\)".*/\1/p'; }

# --- 3. Memory at rest. --------------------------------------------------------------------------
rss() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$pid/status"; } # kB
rss_start=$(rss VmRSS)
readonly_body='{"conversation":"bench","user":"@ann","text":"who has access?"}'
s=$(post "$readonly_body" | status_of)
[ "$s" = "done" ] || die "the read-only request answered '$s', not done"
sleep 0.5
rss_rest=$(rss VmRSS) rss_rest_anon=$(rss RssAnon) rss_rest_file=$(rss RssFile)

echo "concierge serve on $base (pid $pid, --threads $serve_threads); wrk -t$wrk_threads -c$connections -d$duration"
echo "RSS after start-up: $rss_start kB; at rest after one warm request: $rss_rest kB (anon $rss_rest_anon kB, file $rss_rest_file kB)"

# --- 4, 5. wrk runs. ----------------------------------------------------------------------------
# to_ms VALUE: wrk's "1.23ms" / "456.00us" / "1.20s" in milliseconds.
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    printf "%.3f", u == "us" ? n / 1000 : u == "s" ? n * 1000 : u == "m" ? n * 60000 : n }'; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; } # the server's user + system time
hz=$(getconf CLK_TCK)
declare -A rps p50 p99 errs cpu_us
run_wrk() { # run_wrk NAME URL [SCRIPT]
    local name=$1 url=$2 out=$tmp/wrk_$1.txt c0 c1
    echo
    echo "== $name (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    c0=$(cpu_ticks)
    wrk -t"$wrk_threads" -c"$connections" -d"$duration" --timeout "$wrk_timeout" --latency ${3:+-s "$3"} "$url" |
        tee "$out"
    c1=$(cpu_ticks)
    # The server's CPU time per request answered (robust to other load on the machine).
    cpu_us[$name]=$(awk -v t=$((c1 - c0)) -v hz="$hz" '/ requests in / { n = $1 } END { if (n) printf "%.0f", t / hz * 1e6 / n }' "$out")
    rps[$name]=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
    p50[$name]=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")
    p99[$name]=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
    errs[$name]=$(awk '/Non-2xx|Socket errors/ { printf "%s%s", sep, $0; sep = ";" }' "$out" | tr -s ' ')
    [ -n "${rps[$name]}" ] || die "no Requests/sec from wrk ($name)"
}
outcome() { # outcome INTENT STATUS: concierge_outcomes_total from /metrics (0 when absent)
    curl -fsS --max-time 5 "$base/metrics" |
        awk -v k="concierge_outcomes_total{intent=\"$1\",status=\"$2\"}" '$1 == k { v = $2 } END { print v + 0 }'
}

ro_before=$(outcome list_access "done")
run_wrk readonly "$base/v1/messages" "$here/wrk_readonly.lua"
ro_done=$(( $(outcome list_access "done") - ro_before ))
rss_after_ro=$(rss VmRSS)

if [ "${BASELINE:-1}" != 0 ]; then
    run_wrk healthz "$base/healthz"
fi

# A confirmed change by hand, to check the pair works before wrk repeats it (done after the
# read-only run, so that (a) reads the store exactly as the command line left it).
s=$(post '{"conversation":"check","user":"@ann","text":"invite @zoe as viewer"}' | status_of)
[ "$s" = needs_confirmation ] || die "a change answered '$s', not needs_confirmation"
s=$(post '{"conversation":"check","user":"@ann","text":"yes"}' | status_of)
[ "$s" = "done" ] || die "yes answered '$s', not done"
run_wrk change "$base/v1/messages" "$here/wrk_change.lua"
confirmed=$(awk -F': ' '$1 == "confirmed changes" { print $2 }' "$tmp/wrk_change.txt")
confirmed_ps=$(awk -F': ' '$1 == "confirmed changes/s" { print $2 }' "$tmp/wrk_change.txt")
unexpected=$(awk -F': ' '$1 == "unexpected replies" { print $2 }' "$tmp/wrk_change.txt")
done_metrics=$(( $(outcome invite "done") + $(outcome revoke "done") - 1 )) # less @zoe's
sleep 0.5
rss_after=$(rss VmRSS)

# --- 6. SIGTERM: the server must exit 0 within 15 s. ------------------------------------------
kill -TERM "$pid"
t0=$(date +%s%N)
for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid"
    wait "$pid" 2>/dev/null || true
    pid=
    die "the server did not exit within 15 s of SIGTERM"
fi
rc=0
wait "$pid" || rc=$?
pid=
stop_ms=$(( ($(date +%s%N) - t0) / 1000000 ))

# --- 7. Summary. --------------------------------------------------------------------------------
failed=
[ "$rc" = 0 ] || failed="$failed server exit status $rc;"
[ "${unexpected:-x}" = 0 ] || failed="$failed $unexpected unexpected replies in the change run;"
warned=
for name in "${!errs[@]}"; do
    case ${errs[$name]} in
    "") ;;
    *Non-2xx* | *"connect "[1-9]* | *"read "[1-9]* | *"write "[1-9]*) failed="$failed $name: ${errs[$name]};" ;;
    *) warned="$warned $name: ${errs[$name]};" ;;
    esac
done
verdict() { # verdict OK-EXPR MISS-TEXT
    if awk "BEGIN { exit !($1) }"; then echo "met"; else echo "MISSED ($2)"; fi
}
ro=${rps[readonly]} ro99=${p99[readonly]}
echo
echo "==================== concierge serve: summary ===================="
printf '%-44s %s\n' "binary" "$bin"
printf '%-44s %s\n' "load" "wrk -t$wrk_threads -c$connections -d$duration --timeout $wrk_timeout, serve --threads $serve_threads, $(nproc) cores"
printf '%-44s %s\n' "load average at the end" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-44s %s kB\n' "RSS after start-up (and GET /healthz)" "$rss_start"
printf '%-44s %s kB (anon %s, file %s)\n' "RSS at rest (after one warm request)" "$rss_rest" "$rss_rest_anon" "$rss_rest_file"
printf '%-44s %s req/s  p50 %s ms  p99 %s ms  server CPU %s us/req (%s done)\n' "(a) read-only \"who has access?\"" "$ro" "${p50[readonly]}" "$ro99" "${cpu_us[readonly]}" "$ro_done"
if [ -n "${rps[healthz]:-}" ]; then
    printf '%-44s %s req/s  p50 %s ms  p99 %s ms  server CPU %s us/req\n' "    baseline GET /healthz" "${rps[healthz]}" "${p50[healthz]}" "${p99[healthz]}" "${cpu_us[healthz]}"
fi
printf '%-44s %s req/s  p50 %s ms  p99 %s ms  server CPU %s us/req\n' "(b) change + yes" "${rps[change]}" "${p50[change]}" "${p99[change]}" "${cpu_us[change]}"
printf '%-44s %s/s (half the request rate: %s/s; %s confirmed, %s by /metrics)\n' "    confirmed changes" \
    "$confirmed_ps" "$(awk -v r="${rps[change]}" 'BEGIN { printf "%.2f", r / 2 }')" "$confirmed" "$done_metrics"
printf '%-44s %s kB after (a), %s kB after all\n' "RSS after the load" "$rss_after_ro" "$rss_after"
printf '%-44s exit %s after %s ms\n' "SIGTERM" "$rc" "$stop_ms"
printf '%-44s %s\n' "target >= 10000 req/s read-only" "$(verdict "$ro >= 10000" "$(awk -v r="$ro" 'BEGIN { printf "%.0f%% short", 100 - r / 100 }')")"
printf '%-44s %s\n' "target p99 < 5 ms read-only" "$(verdict "$ro99 < 5" "$(awk -v p="$ro99" 'BEGIN { printf "%.0f%% over", (p / 5 - 1) * 100 }')")"
printf '%-44s %s\n' "target RSS < 10 MB at rest" "$(verdict "$rss_rest < 10240" "$(awk -v k="$rss_rest" 'BEGIN { printf "%.1f MB over", (k - 10240) / 1024 }')")"
[ -z "$warned" ] || printf '%-44s %s\n' "wrk timeouts (> $wrk_timeout)" "$warned"
echo "=================================================================="
if [ -n "$failed" ]; then
    echo "bench_serve: FAILED:$failed" >&2
    exit 1
fi
