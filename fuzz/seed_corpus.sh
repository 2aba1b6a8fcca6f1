#!/bin/sh
# seed_corpus.sh DIR: writes every "text" of corpus/*.jsonl into DIR, one file per phrase
# (named after its corpus file and line), as the fuzzer's seed corpus.
#
# Uses python3 if present (exact bytes), else jq (exact bytes, via base64), else awk, which
# is what a bare Debian 12 has (mawk): it undoes \" \\ \/ \n \r \t \b \f and leaves \uXXXX
# as written. The awk reader expects "text" to be the first key of a line, as the corpus
# format has it (corpus/README.md). SEED_TOOL=python3|jq|awk forces one.
set -eu

[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
out=$1
here=$(cd "$(dirname "$0")" && pwd)
corpus=$(dirname "$here")/corpus
mkdir -p "$out"

tool=${SEED_TOOL:-}
if [ -z "$tool" ]; then
    if command -v python3 >/dev/null 2>&1; then tool=python3
    elif command -v jq >/dev/null 2>&1; then tool=jq
    else tool="awk"
    fi
fi

case $tool in
python3)
    python3 - "$out" "$corpus"/*.jsonl <<'PY'
import json, os, sys
out = sys.argv[1]
for path in sys.argv[2:]:
    stem = os.path.basename(path)[:-len(".jsonl")]
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            case = json.loads(line)
            if isinstance(case, dict) and isinstance(case.get("text"), str):
                with open(os.path.join(out, "%s_%04d" % (stem, n)), "wb") as w:
                    w.write(case["text"].encode("utf-8", "surrogatepass"))
PY
    ;;
jq)
    for f in "$corpus"/*.jsonl; do
        stem=$(basename "$f" .jsonl)
        jq -r 'if type == "object" and (.text | type) == "string"
               then "\(input_line_number) \(.text | @base64)" else empty end' "$f" |
        while read -r n b64; do
            printf '%s' "$b64" | base64 -d > "$out/$(printf '%s_%04d' "$stem" "$n")"
        done
    done
    ;;
awk)
    awk -v out="$out" '
    function unescape(s,    r, i, n, c) {
        r = ""; n = length(s)
        for (i = 1; i <= n; i++) {
            c = substr(s, i, 1)
            if (c == "\\" && i < n) {
                c = substr(s, ++i, 1)
                if (c == "n") c = "\n"; else if (c == "r") c = "\r"
                else if (c == "t") c = "\t"; else if (c == "b") c = "\b"
                else if (c == "f") c = "\f"; else if (c == "u") c = "\\u"
            }
            r = r c
        }
        return r
    }
    FNR == 1 { stem = FILENAME; sub(/.*\//, "", stem); sub(/\.jsonl$/, "", stem) }
    {
        # {"text": "...", ...}: "text" first, its value up to the first unescaped quote.
        if ($0 !~ /^[ \t]*\{[ \t]*"text"[ \t]*:[ \t]*"/) next
        s = $0; sub(/^[ \t]*\{[ \t]*"text"[ \t]*:[ \t]*"/, "", s)
        v = ""; n = length(s)
        for (i = 1; i <= n; i++) {
            c = substr(s, i, 1)
            if (c == "\"") break
            if (c == "\\") { v = v c substr(s, i + 1, 1); i++; continue }
            v = v c
        }
        f = sprintf("%s/%s_%04d", out, stem, FNR)
        printf "%s", unescape(v) > f
        close(f)
    }' "$corpus"/*.jsonl
    ;;
*)
    echo "seed_corpus: unknown SEED_TOOL '$tool'" >&2; exit 2 ;;
esac

echo "seed_corpus: $(find "$out" -type f | wc -l) files in $out ($tool)"
