#!/usr/bin/env bash
# The layering, checked on the include lines of product code (the linker checks the calls:
# the layer_* targets in CMakeLists.txt). A file may include files of its own layer and of
# the layers its arrow names, as the code stands (issue 9, item 7):
#
#   intent     -> (nothing of ours)
#   grammar    -> intent
#   store      -> intent                     (store.h carries struct intent)
#   actions    -> store, grammar, intent     (execute.c calls parse_phrase; reply.h holds
#                                             a struct parse_error)
#   frontends  -> actions, store, grammar, intent   (cli and serve are one layer: serve_main.c
#                                             reuses the command line's context)
#
# Checked: `#include "…"` in .c .h .rl .def files, and Ragel's `include name "file.rl";`. An
# include is resolved from the including file's folder, as the code writes them; the only
# names found elsewhere are the ones the build generates into gen/ for the grammar — from
# grammar/words.def (words.h, words_codes.rl, words_scan.rl) and from intent/intent_kinds.def
# (sentences.rl, sentence_entries.h) — which belong to grammar. Anything else that does
# not resolve to a file of these five folders is an error too.
#
# Usage: bash tests/check_layers.sh [ROOT]     (ROOT: the source tree, default this one)
#        bash tests/check_layers.sh --self-test (plants one wrong arrow a layer in a copy)
set -euo pipefail

layers="intent grammar store actions frontends"
generated="words.h words_codes.rl words_scan.rl sentences.rl sentence_entries.h"

allowed() { # allowed FROM TO
    case "$1" in
    intent) [ "$2" = intent ] ;;
    grammar) [[ "$2" =~ ^(grammar|intent)$ ]] ;;
    store) [[ "$2" =~ ^(store|intent)$ ]] ;;
    actions) [[ "$2" =~ ^(actions|store|grammar|intent)$ ]] ;;
    frontends) [[ "$2" =~ ^(frontends|actions|store|grammar|intent)$ ]] ;;
    *) return 1 ;;
    esac
}

# check ROOT: prints each include that breaks an arrow; returns 1 if there is one.
check() {
    local root=$1 bad=0 file from line no inc target to
    local dirs=()
    for l in $layers; do [ -d "$root/$l" ] && dirs+=("$root/$l"); done
    while IFS= read -r file; do
        from=${file#"$root"/}
        from=${from%%/*}
        no=0
        while IFS= read -r line || [ -n "$line" ]; do
            no=$((no + 1))
            if [[ "$line" =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*\"([^\"]+)\" ]] ||
                [[ "$line" =~ ^[[:space:]]*include[[:space:]]+[A-Za-z_][A-Za-z_0-9]*[[:space:]]+\"([^\"]+)\"[[:space:]]*\; ]]; then
                inc=${BASH_REMATCH[1]}
            else
                continue
            fi
            target=$(realpath -m "$(dirname "$file")/$inc")
            if [ -f "$target" ] && [[ "$target" == "$root"/* ]]; then
                to=${target#"$root"/}
                to=${to%%/*}
            elif [[ " $generated " == *" $inc "* ]]; then
                to=grammar
            else
                echo "${file#"$root"/}:$no: \"$inc\" is not a file of ${layers// /, } (write the path from the including file's folder)"
                bad=1
                continue
            fi
            if ! allowed "$from" "$to"; then
                echo "${file#"$root"/}:$no: $from may not include $to (\"$inc\")"
                bad=1
            fi
        done <"$file"
    done < <(find "${dirs[@]}" -type f \( -name '*.c' -o -name '*.h' -o -name '*.rl' -o -name '*.def' \) | sort)
    return $bad
}

self_test() {
    local tmp out want
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' RETURN
    mkdir -p "$tmp"/{intent,grammar,store,actions,frontends/cli}
    for l in intent grammar store actions; do echo "/* $l */" >"$tmp/$l/$l.h"; done
    # Every allowed arrow once: must pass.
    printf '#include "intent.h"\n' >"$tmp/intent/a.c"
    printf '#include "../intent/intent.h"\n#include "words.h"\n    include w "words_scan.rl";\n' >"$tmp/grammar/a.rl"
    printf '#include "../intent/intent.h"\n' >"$tmp/store/a.c"
    printf '#include "../grammar/grammar.h"\n#include "../store/store.h"\n' >"$tmp/actions/a.c"
    printf '#include "../../actions/actions.h"\n#include "../../grammar/grammar.h"\n' >"$tmp/frontends/cli/a.c"
    if ! out=$(check "$tmp"); then
        echo "check_layers self-test: allowed arrows were refused:"
        echo "$out"
        return 1
    fi
    # One wrong arrow a layer, and an include that resolves to nothing: each must be named.
    printf '#include "../grammar/grammar.h"\n' >"$tmp/intent/b.h"
    printf '#include "../actions/actions.h"\n' >"$tmp/grammar/b.c"
    printf '#include "../grammar/grammar.h"\n' >"$tmp/store/b.c"
    printf '\n#include "../frontends/cli/a.c"\n' >"$tmp/actions/b.def"
    printf '#include "nowhere.h"\n' >"$tmp/frontends/cli/b.c"
    out=$(check "$tmp") && {
        echo "check_layers self-test: wrong arrows passed"
        return 1
    }
    want='actions/b.def:2: actions may not include frontends ("../frontends/cli/a.c")
frontends/cli/b.c:1: "nowhere.h" is not a file of intent, grammar, store, actions, frontends (write the path from the including file'"'"'s folder)
grammar/b.c:1: grammar may not include actions ("../actions/actions.h")
intent/b.h:1: intent may not include grammar ("../grammar/grammar.h")
store/b.c:1: store may not include grammar ("../grammar/grammar.h")'
    if [ "$out" != "$want" ]; then
        echo "check_layers self-test: expected"
        echo "$want"
        echo "got"
        echo "$out"
        return 1
    fi
    echo "check_layers self-test ok"
}

if [ "${1:-}" = --self-test ]; then
    self_test
    exit
fi
root=$(realpath "${1:-$(dirname "$0")/..}")
if ! check "$root"; then
    echo "includes against the layers' arrows: see tests/check_layers.sh"
    exit 1
fi
echo "layers ok"
