#!/usr/bin/env bash
# bench_store.sh: the stores side by side, in one run (issue 11): confirmed changes/s and p99
# through `concierge serve` against a raw baseline writing the same statements
# (bench_store_raw), on SQLite and on PostgreSQL; read-only "who has access?" and /v1/check
# requests/s on both; two servers on one PostgreSQL against one. One markdown table at the
# end, each figure with its target. See bench/store.md.
#
#   bench/bench_store.sh [BUILD_DIR]
#
# BUILD_DIR holds concierge and bench_store_raw (a Release build); by default the first of
# build-rel/ and build/ of the source tree that has both. Environment:
#   DURATION=10s        each wrk run and each raw run
#   CONNECTIONS=32      wrk connections, and the raw baseline's threads
#   THREADS=2           wrk threads (each of the two wrk runs of the fleet gets THREADS too)
#   SERVE_THREADS=2     concierge serve --threads for the read-only runs (serve's default)
#   CHANGE_THREADS=     serve --threads for the change runs: CONNECTIONS by default, one store
#                       connection per client as the raw baseline has (group commit groups the
#                       commits of concurrent workers, so it needs them); the change runs are
#                       also made at SERVE_THREADS, the default, and shown on a row of their own.
#                       The two servers of the fleet get half each.
#   WRK_TIMEOUT=10s     wrk's --timeout
#   KEEP=1              keep the temporary folder (its path is printed); the cluster is stopped
# It needs wrk, curl, psql and PostgreSQL's server (tests/pg_cluster.sh start-durable: fsync,
# synchronous_commit and full_page_writes on, so that both stores wait for the disk).
# Exit status 0 when every step worked, whether or not the targets were met; 1 when one failed
# (set-up, a wrong reply, a non-2xx answer, a socket error, a raw run's error).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
duration=${DURATION:-10s}
connections=${CONNECTIONS:-32}
wrk_threads=${THREADS:-2}
serve_threads=${SERVE_THREADS:-2}
change_threads=${CHANGE_THREADS:-$connections}
wrk_timeout=${WRK_TIMEOUT:-10s}

die() { echo "bench_store: $*" >&2; exit 1; }
build=${1:-}
if [ -z "$build" ]; then
    for d in "$src/build-rel" "$src/build"; do
        if [ -x "$d/concierge" ] && [ -x "$d/bench_store_raw" ]; then build=$d; break; fi
    done
fi
if [ -z "$build" ] || [ ! -x "$build/concierge" ] || [ ! -x "$build/bench_store_raw" ]; then
    die "no concierge and bench_store_raw in ${build:-build-rel/ or build/} (build them first)"
fi
build=$(cd "$build" && pwd)
bin=$build/concierge raw=$build/bench_store_raw
for tool in wrk curl psql; do command -v "$tool" > /dev/null || die "$tool is not installed"; done
case $duration in *s) secs=${duration%s} ;; *m) secs=$(( ${duration%m} * 60 )) ;; *) secs=$duration ;; esac
case $secs in "" | *[!0-9]*) die "DURATION is a whole number of seconds or minutes (10s, 1m)" ;; esac
half=$((connections / 2))
[ "$half" -ge 1 ] || die "CONNECTIONS is 2 at least (the fleet run splits it over two servers)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/concierge-bench-store-XXXXXX")
pgdir=
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill -KILL "$p" 2> /dev/null || true; done
    [ -z "$pgdir" ] || bash "$src/tests/pg_cluster.sh" stop "$pgdir" || true
    if [ -n "${KEEP:-}" ]; then echo "bench_store: kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- Set-up ---------------------------------------------------------------------------------
c() { "$bin" "$@" > "$tmp/setup.out" 2>&1 || { cat "$tmp/setup.out" >&2; die "set-up failed: concierge $*"; }; }
# setup_store DB: the store of bench_serve.sh (a workspace, sandbox demo owned by @ann, five
# grants, a bot); the bot's bearer token on stdout.
setup_store() {
    local db=$1 phrase
    c admin --db "$db" workspace add acme
    c admin --db "$db" sandbox add demo --owner @ann --workspace acme
    for phrase in "invite @bob as editor" "invite @carol as viewer" "invite @dave as viewer" \
        "invite @erin as editor" "invite @frank as viewer for 30 days"; do
        c --db "$db" --as @ann --sandbox demo -y "$phrase"
    done
    c admin --db "$db" bot add loadbot --workspace acme
    sed -n "s/^ *bearer token: *//p" "$tmp/setup.out" | tail -n 1
}
# setup_raw DB: a workspace and sandbox demo, for bench_store_raw.
setup_raw() {
    c admin --db "$1" workspace add acme
    c admin --db "$1" sandbox add demo --owner @ann --workspace acme
}

echo "bench_store: starting a durable PostgreSQL (fsync, synchronous_commit on)"
pgdir=$(mktemp -d /tmp/concierge-bench-pg.XXXXXX) # under /tmp: the postgres user must reach it
pg_base=$(bash "$src/tests/pg_cluster.sh" start-durable "$pgdir") || die "PostgreSQL did not start"
pg_uri() { echo "${pg_base%/postgres}/$1"; }
for name in serve raw fleet; do
    psql -q -X -v ON_ERROR_STOP=1 "$pg_base" -c "CREATE DATABASE bench_$name" > /dev/null ||
        die "cannot create the database bench_$name"
    c --db "$(pg_uri "bench_$name")" admin migrate
done
settings=$(psql -At -X "$pg_base" -c "SELECT string_agg(name || '=' || setting, ' ' ORDER BY name) FROM pg_settings
    WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method', 'commit_delay')")

sq_db=$tmp/serve.db sq_raw=$tmp/raw.db
sq_token=$(setup_store "$sq_db")
setup_raw "$sq_raw"
pg_token=$(setup_store "$(pg_uri bench_serve)")
setup_raw "$(pg_uri bench_raw)"
fleet_token=$(setup_store "$(pg_uri bench_fleet)")
for t in "$sq_token" "$pg_token" "$fleet_token"; do
    case $t in *[!A-Za-z0-9_-]* | "") die "no bearer token in the output of admin bot add" ;; esac
done

# --- Servers ---------------------------------------------------------------------------------
# start_serve DB NAME THREADS: a server on a free port; its base URL in $base, its pid appended
# to pids.
start_serve() {
    local db=$1 name=$2 errlog=$tmp/serve_$2.err port='' pid
    "$bin" serve --db "$db" --listen 127.0.0.1:0 --log warn --threads "$3" 2> "$errlog" &
    pid=$!
    pids+=("$pid")
    for _ in $(seq 100); do
        port=$(sed -n 's/.*"event":"listening".*"port":\([0-9][0-9]*\).*/\1/p' "$errlog" | head -n 1)
        [ -n "$port" ] && break
        kill -0 "$pid" 2> /dev/null || { cat "$errlog" >&2; die "server $name exited at start-up"; }
        sleep 0.1
    done
    [ -n "$port" ] || { cat "$errlog" >&2; die "server $name: no \"listening\" line within 10 s"; }
    base=http://127.0.0.1:$port
    for _ in $(seq 100); do
        curl -fsS --max-time 2 "$base/healthz" > /dev/null 2>&1 && return 0
        sleep 0.1
    done
    die "server $name: GET /healthz does not answer"
}
# stop_serves: SIGTERM to every server, each must exit 0 within 15 s.
stop_serves() {
    local p rc
    for p in "${pids[@]}"; do kill -TERM "$p" 2> /dev/null || true; done
    for p in "${pids[@]}"; do
        for _ in $(seq 150); do kill -0 "$p" 2> /dev/null || break; sleep 0.1; done
        kill -0 "$p" 2> /dev/null && die "a server did not exit within 15 s of SIGTERM"
        rc=0
        wait "$p" || rc=$?
        [ "$rc" = 0 ] || die "a server exited with status $rc"
    done
    pids=()
}
# post BASE TOKEN PATH BODY: the reply on stdout.
post() {
    curl -fsS --max-time 5 -H "Authorization: Bearer $2" -H 'Content-Type: application/json' \
        --data-binary "$4" "$1$3"
}
# check_replies BASE TOKEN: one read-only message answers done, one check answers allow, and a
# change + yes works (done after the read-only runs: they read the store as set up).
check_reads() {
    post "$1" "$2" /v1/messages '{"conversation":"bench","user":"@ann","text":"who has access?"}' |
        grep -q '^{"status":"done"' || die "who has access? did not answer done"
    post "$1" "$2" /v1/check '{"principal":"@bob","sandbox":"demo","action":"build"}' |
        grep -q '"decision":"allow"' || die "/v1/check did not answer allow"
}
check_change() {
    post "$1" "$2" /v1/messages '{"conversation":"check","user":"@ann","text":"invite @zoe as viewer"}' |
        grep -q '^{"status":"needs_confirmation"' || die "a change did not answer needs_confirmation"
    post "$1" "$2" /v1/messages '{"conversation":"check","user":"@ann","text":"yes"}' |
        grep -q '^{"status":"done"' || die "yes did not answer done"
}

# --- Measuring ---------------------------------------------------------------------------------
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    printf "%.2f", u == "us" ? n / 1000 : u == "s" ? n * 1000 : u == "m" ? n * 60000 : n }'; }
declare -A rps p50 p99 cps cpu
hz=$(getconf CLK_TCK)
# serve_ticks: the servers' user + system time so far, in clock ticks.
serve_ticks() {
    local p t=0
    for p in "${pids[@]}"; do t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat"))); done
    echo "$t"
}
failed=
# wrk_start NAME CONNECTIONS URL SCRIPT [OFFSET]: wrk in the background (its pid in wrk_pid).
wrk_start() {
    CONCIERGE_BENCH_OFFSET=${5:-0} wrk -t"$wrk_threads" -c"$2" -d"$duration" --timeout "$wrk_timeout" \
        --latency -s "$4" "$3" > "$tmp/wrk_$1.txt" 2>&1 &
    wrk_pid=$!
}
# wrk_read NAME: its figures into rps/p50/p99 (and cps for a change run); failures noted.
wrk_read() {
    local out=$tmp/wrk_$1.txt bad
    rps[$1]=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
    [ -n "${rps[$1]}" ] || { cat "$out" >&2; die "no Requests/sec from wrk ($1)"; }
    p50[$1]=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")
    p99[$1]=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
    cps[$1]=$(awk -F': ' '$1 == "confirmed changes/s" { print $2 }' "$out")
    bad=$(awk -F': ' '$1 == "unexpected replies" && $2 != 0 { print $2 " unexpected replies" }
        /Non-2xx|Socket errors: connect [1-9]|read [1-9]|write [1-9]/ { print }' "$out" | tr -s ' ' | paste -sd ';')
    [ -z "$bad" ] || failed="$failed $1: $bad;"
}
# wrk_run NAME URL SCRIPT [OFFSET]: one run at CONNECTIONS, waited for; the server's CPU time
# per request (per confirmed change for a change run: both of its requests) into cpu.
wrk_run() {
    local t0 t1
    echo "== $1 (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    t0=$(serve_ticks)
    wrk_start "$1" "$connections" "$2" "$3" "${4:-0}"
    wait "$wrk_pid" || { cat "$tmp/wrk_$1.txt" >&2; die "wrk failed ($1)"; }
    t1=$(serve_ticks)
    wrk_read "$1"
    cpu[$1]=$(awk -v t=$((t1 - t0)) -v hz="$hz" -v c="${cps[$1]}" '/ requests in / { n = $1 }
        /^Requests\/sec:/ { r = $2 } END { if (c != "") n = n * c / r; if (n) printf "%.0f", t / hz * 1e6 / n }' \
        "$tmp/wrk_$1.txt")
}
# raw_run NAME DB: the raw baseline at CONNECTIONS threads.
raw_run() {
    echo "== $1 (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    "$raw" "$2" --threads "$connections" --seconds "$secs" > "$tmp/raw_$1.txt" 2>&1 ||
        { cat "$tmp/raw_$1.txt" >&2; die "the raw baseline failed ($1)"; }
    cps[$1]=$(awk -F': ' '$1 == "changes/s" { print $2 }' "$tmp/raw_$1.txt")
    rps[$1]=$(awk -F': ' '$1 == "transactions/s" { print $2 }' "$tmp/raw_$1.txt")
    p50[$1]=$(awk -F': ' '$1 == "transaction p50 ms" { printf "%.2f", $2 }' "$tmp/raw_$1.txt")
    p99[$1]=$(awk -F': ' '$1 == "transaction p99 ms" { printf "%.2f", $2 }' "$tmp/raw_$1.txt")
    cpu[$1]=$(awk -F': ' '$1 == "cpu us/change" { print $2 }' "$tmp/raw_$1.txt")
}
# serve_runs KEY DB TOKEN: read-only, /v1/check, then changes at SERVE_THREADS (invitees from
# @u1), then changes at CHANGE_THREADS (invitees from @u10001), through one server at a time.
serve_runs() {
    export CONCIERGE_BENCH_TOKEN=$3
    start_serve "$2" "$1" "$serve_threads"
    check_reads "$base" "$3"
    wrk_run "$1_readonly" "$base/v1/messages" "$here/wrk_readonly.lua"
    wrk_run "$1_check" "$base/v1/check" "$here/wrk_check.lua"
    check_change "$base" "$3"
    wrk_run "$1_change_default" "$base/v1/messages" "$here/wrk_change.lua"
    stop_serves
    start_serve "$2" "$1" "$change_threads"
    wrk_run "$1_change" "$base/v1/messages" "$here/wrk_change.lua" 10000
    stop_serves
}

echo "bench_store: $bin; wrk -t$wrk_threads -c$connections -d$duration; serve --threads $serve_threads" \
    "(changes also at $change_threads); $(nproc) cores"
echo "bench_store: PostgreSQL $settings"
serve_runs sq "$sq_db" "$sq_token"
raw_run sq_raw "$sq_raw"
serve_runs pg "$(pg_uri bench_serve)" "$pg_token"
raw_run pg_raw "$(pg_uri bench_raw)"

# Two servers on one database, CONNECTIONS/2 each, at once; invitees apart (OFFSET). Read-only
# at SERVE_THREADS each, changes at CHANGE_THREADS/2 each (the same store connections in all
# as the one server had).
export CONCIERGE_BENCH_TOKEN=$fleet_token
fleet_half=$(( change_threads / 2 > 0 ? change_threads / 2 : 1 ))
for kind in readonly change; do
    threads=$serve_threads
    [ "$kind" = readonly ] || threads=$fleet_half
    start_serve "$(pg_uri bench_fleet)" fleet_a "$threads"
    base_a=$base
    start_serve "$(pg_uri bench_fleet)" fleet_b "$threads"
    base_b=$base
    if [ "$kind" = readonly ]; then
        check_reads "$base_a" "$fleet_token"
        check_reads "$base_b" "$fleet_token"
    else
        check_change "$base_a" "$fleet_token"
    fi
    echo "== fleet_$kind: two servers (--threads $threads), $half connections each" \
        "(load average $(cut -d' ' -f1-3 /proc/loadavg))"
    wrk_start "fleet_${kind}_a" "$half" "$base_a/v1/messages" "$here/wrk_$kind.lua" 0
    pid_a=$wrk_pid
    wrk_start "fleet_${kind}_b" "$half" "$base_b/v1/messages" "$here/wrk_$kind.lua" 1000
    wait "$pid_a" || die "wrk failed (fleet_${kind}_a)"
    wait "$wrk_pid" || die "wrk failed (fleet_${kind}_b)"
    wrk_read "fleet_${kind}_a"
    wrk_read "fleet_${kind}_b"
    stop_serves
done

# --- The table ---------------------------------------------------------------------------------
sum() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a + b }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
verdict() { # verdict RATIO TARGET
    awk -v r="$1" -v t="$2" 'BEGIN { if (r >= t) print "met"; else printf "**missed** by %.0f%%\n", (1 - r / t) * 100 }'
}
fmt() { awk -v v="$1" 'BEGIN { printf "%.0f", v }'; }
lat() { echo "${p50[$1]} / ${p99[$1]}"; }
fl_cps=$(sum "${cps[fleet_change_a]}" "${cps[fleet_change_b]}")
fl_ro=$(sum "${rps[fleet_readonly_a]}" "${rps[fleet_readonly_b]}")
r_sq=$(ratio "${cps[sq_change]}" "${cps[sq_raw]}")
r_pg=$(ratio "${cps[pg_change]}" "${cps[pg_raw]}")
r_flc=$(ratio "$fl_cps" "${cps[pg_change]}")
r_flr=$(ratio "$fl_ro" "${rps[pg_readonly]}")
echo
echo "## concierge stores side by side"
echo
echo "$(nproc) cores, load average at the end $(cut -d' ' -f1-3 /proc/loadavg); wrk -t$wrk_threads -c$connections" \
    "-d$duration; serve --threads $serve_threads for reads, $change_threads for changes (two servers:" \
    "$fleet_half each); raw baseline $connections threads; PostgreSQL $settings."
echo "Latency: p50 / p99 of one HTTP request (serve: a change is two, the change and its \"yes\")," \
    "and of one transaction (raw: a change is two, as through serve)."
echo
echo "| measurement | SQLite | PostgreSQL |"
echo "|---|---|---|"
echo "| confirmed changes/s through serve --threads $change_threads (p50 / p99 ms) | $(fmt "${cps[sq_change]}") ($(lat sq_change)) | $(fmt "${cps[pg_change]}") ($(lat pg_change)) |"
echo "| raw baseline changes/s, same statements (p50 / p99 ms) | $(fmt "${cps[sq_raw]}") ($(lat sq_raw)) | $(fmt "${cps[pg_raw]}") ($(lat pg_raw)) |"
echo "| confirmed changes/s through serve --threads $serve_threads (p50 / p99 ms; / raw) | $(fmt "${cps[sq_change_default]}") ($(lat sq_change_default); $(ratio "${cps[sq_change_default]}" "${cps[sq_raw]}")×) | $(fmt "${cps[pg_change_default]}") ($(lat pg_change_default); $(ratio "${cps[pg_change_default]}" "${cps[pg_raw]}")×) |"
echo "| serve --threads $change_threads / raw | ${r_sq}× (target ≥ 1.5×: $(verdict "$r_sq" 1.5)) | ${r_pg}× (target ≥ 0.8×: $(verdict "$r_pg" 0.8)) |"
echo "| CPU µs per confirmed change, serve --threads $change_threads / raw (the process; PostgreSQL's own not counted) | ${cpu[sq_change]} / ${cpu[sq_raw]} | ${cpu[pg_change]} / ${cpu[pg_raw]} |"
echo "| read-only \"who has access?\" req/s (p50 / p99 ms) | $(fmt "${rps[sq_readonly]}") ($(lat sq_readonly)) | $(fmt "${rps[pg_readonly]}") ($(lat pg_readonly)) |"
echo "| POST /v1/check req/s (p50 / p99 ms) | $(fmt "${rps[sq_check]}") ($(lat sq_check)) | $(fmt "${rps[pg_check]}") ($(lat pg_check)) |"
echo "| two servers on one PostgreSQL, $half connections each: confirmed changes/s | — | $(fmt "$fl_cps") (${r_flc}× one server; p99 $(lat fleet_change_a | sed 's/.* \/ //') / $(lat fleet_change_b | sed 's/.* \/ //') ms) |"
echo "| two servers on one PostgreSQL: \"who has access?\" req/s | — | $(fmt "$fl_ro") (${r_flr}× one server; p99 $(lat fleet_readonly_a | sed 's/.* \/ //') / $(lat fleet_readonly_b | sed 's/.* \/ //') ms) |"
if [ -n "$failed" ]; then
    echo "bench_store: FAILED:$failed" >&2
    exit 1
fi
