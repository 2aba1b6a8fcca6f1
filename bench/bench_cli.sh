#!/bin/sh
# bench_cli.sh: the end-to-end cost of `concierge parse --json` on bulk standard input
# (process start, reading, parsing, JSON output), in microseconds per phrase.
#
#   bench/bench_cli.sh [BINARY] [PHRASES]
#
# BINARY defaults to build/concierge, PHRASES to bench/phrases.txt (both in the source
# tree). LINES_N sets the input size (default 200000); RUNS the
# hyperfine runs (default 5); NO_HYPERFINE=1 times with date +%s%N even if hyperfine is there.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
bin=${1:-$src/build/concierge}
phrases=${2:-$src/bench/phrases.txt}
lines=${LINES_N:-200000}

[ -x "$bin" ] || { echo "bench_cli: no executable '$bin' (build first)" >&2; exit 2; }
[ -r "$phrases" ] || { echo "bench_cli: cannot read '$phrases'" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
input=$tmp/input.txt

# The phrases (no blank or comment lines), repeated up to exactly $lines lines.
grep -v -e '^[[:space:]]*$' -e '^[[:space:]]*#' "$phrases" > "$tmp/one.txt"
per=$(wc -l < "$tmp/one.txt")
[ "$per" -gt 0 ] || { echo "bench_cli: no phrases in '$phrases'" >&2; exit 2; }
reps=$(( (lines + per - 1) / per ))
i=0
while [ "$i" -lt "$reps" ]; do cat "$tmp/one.txt"; i=$((i + 1)); done > "$tmp/rep.txt"
head -n "$lines" "$tmp/rep.txt" > "$input"
bytes=$(wc -c < "$input")

cmd="\"$bin\" parse --json --as @owner --sandbox demo --now 2026-11-18T15:30:00Z --tz UTC < \"$input\" > /dev/null"

# Exit status 2 is expected: some phrases are refused on purpose.
check() { sh -c "$cmd" || [ $? -eq 2 ]; }
check || { echo "bench_cli: '$bin' failed" >&2; exit 1; }   # also warms the page cache

echo "input: $lines lines, $bytes bytes ($phrases repeated)"
if [ -z "${NO_HYPERFINE:-}" ] && command -v hyperfine >/dev/null 2>&1; then
    hyperfine --warmup 1 --runs "${RUNS:-5}" -i --export-json "$tmp/h.json" "$cmd" >&2
    # The mean in seconds, from hyperfine's JSON (no jq needed).
    mean=$(tr -d ' \n' < "$tmp/h.json" | sed -n 's/.*"mean":\([0-9.eE+-]*\).*/\1/p')
    awk -v s="$mean" -v n="$lines" 'BEGIN { printf "concierge parse --json: %.3f us/phrase (mean of hyperfine runs, %.3f s total)\n", s * 1e6 / n, s }'
else
    best=
    for _ in 1 2 3 4 5; do
        t0=$(date +%s%N)
        check
        t1=$(date +%s%N)
        ns=$((t1 - t0))
        if [ -z "$best" ] || [ "$ns" -lt "$best" ]; then best=$ns; fi
    done
    awk -v ns="$best" -v n="$lines" 'BEGIN { printf "concierge parse --json: %.3f us/phrase (best of 5 runs, %.3f s total)\n", ns / 1e3 / n, ns / 1e9 }'
fi
