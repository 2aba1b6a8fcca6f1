#!/usr/bin/env bash
# cmake --install puts what it should where it should (CMakeLists.txt, Install): the binary
# in PREFIX/bin, the README and every file of docs/ in PREFIX/share/doc/concierge, unchanged;
# and with the build's own prefix, the binary lands where docs/concierge.service runs it.
# Usage: bash tests/check_install.sh CMAKE BUILD_DIR SOURCE_DIR
set -euo pipefail
cmake=$1 build=$2 src=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
    echo "FAIL install: $*"
    exit 1
}

"$cmake" --install "$build" --prefix "$tmp/p" >/dev/null
bin=$tmp/p/bin/concierge
[ -x "$bin" ] || fail "no executable $bin"
version=$("$bin" --version) || fail "$bin --version exited $?"
[[ "$version" == "concierge "* ]] || fail "$bin --version said '$version'"
doc=$tmp/p/share/doc/concierge
for f in "$src/README.md" "$src"/docs/*; do
    [ -f "$f" ] || continue
    cmp -s "$f" "$doc/$(basename "$f")" || fail "$(basename "$f") is not in $doc as it is in the source"
done
echo "ok: binary and $(ls "$doc" | wc -l) docs under --prefix"

# The man page: installed, and rendered without a warning (groff -ww; man -l where groff is
# absent; else its sections are checked by name).
man=$tmp/p/share/man/man1/concierge.1
cmp -s "$src/docs/concierge.1" "$man" || fail "the man page is not at $man as it is in docs/"
if command -v groff >/dev/null; then
    warnings=$(groff -man -Tutf8 -ww -z "$man" 2>&1) || fail "groff failed on $man: $warnings"
    [ -z "$warnings" ] || fail "groff warns on $man: $warnings"
elif command -v man >/dev/null; then
    MANWIDTH=80 man -l "$man" >/dev/null 2>"$tmp/man.err" || fail "man -l $man failed"
    [ ! -s "$tmp/man.err" ] || fail "man -l warns on $man: $(cat "$tmp/man.err")"
fi
for section in NAME SYNOPSIS DESCRIPTION SUBCOMMANDS OPTIONS ENVIRONMENT '"EXIT STATUS"' FILES EXAMPLES; do
    grep -qx "\.SH $section" "$man" || fail "the man page has no $section section"
done
grep -q '^\.TH CONCIERGE 1 ' "$man" || fail "the man page has no .TH CONCIERGE 1 title"
# Every option a subcommand's --help lists is in the man page (where roff writes - as \-).
sed 's/\\-/-/g' "$man" >"$tmp/man.txt"
named=0
for sub in "" parse check admin serve sweep open; do
    for opt in $("$bin" $sub --help | sed -n 's/^ *\(-[a-zA-Z], \)\{0,1\} *\(--[a-z][a-z-]*\).*/\2/p'); do
        grep -qF -- "$opt" "$tmp/man.txt" || fail "the man page does not name $opt (concierge $sub --help)"
        named=$((named + 1))
    done
done
[ "$named" -ge 40 ] || fail "only $named options read from the --help of the subcommands"
echo "ok: the man page, rendered without warnings, with every option of every --help"

# Bash completion: installed where bash-completion looks, and completing against the
# installed binary (the words, COMP_WORDS and COMP_CWORD as bash would set them).
completion=$tmp/p/share/bash-completion/completions/concierge
cmp -s "$src/docs/concierge.bash" "$completion" || fail "the completion is not at $completion"
complete_words() { # complete_words WORD... : what Tab offers for the last word, one line
    bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _concierge; echo "${COMPREPLY[*]}"' \
        _ "$completion" "$bin" "$@"
}
expect_completion() { # expect_completion WANT WORD...
    local want=$1 got
    shift
    got=$(complete_words "$@")
    [ "$got" = "$want" ] || fail "completing '$*': got '$got', want '$want'"
}
expect_completion "parse" pa
expect_completion "sweep" sw
expect_completion "--now" sweep --no
expect_completion "admin" --db x.db a
expect_completion "--slack-signing-secret-file --slack-response-prefix --slack-bot-token-file --slack-api-base" serve --s
expect_completion "--project" check --pro
expect_completion "--yes" "who has access?" --y
expect_completion "--json" --as @bob parse --js
got=$(complete_words admin "")
for w in workspace sandbox project agent slack link unlink bot audit; do
    [[ " $got " == *" $w "* ]] || fail "completing 'admin ': no $w in '$got'"
done
expect_completion "add member remove policy" admin workspace ""
expect_completion "add remove" admin --db=x.db workspace member ""
expect_completion "add remove" admin --db = x.db workspace member "" # bash splits --db=x.db at the =
expect_completion "map" admin slack m
expect_completion "" admin link ""
expect_completion "exec" check @bob ex
expect_completion "shared private" admin workspace add acme --default-mode ""
expect_completion "editor viewer" admin workspace policy acme --role ""
expect_completion "" -- pa
echo "ok: bash completion of subcommands, options and admin's words"

# The unit runs the first word of its ExecStart; with the build's prefix (by default
# /usr/local) the binary must be installed exactly there.
unit_bin=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$src/docs/concierge.service")
[ -n "$unit_bin" ] || fail "no ExecStart in docs/concierge.service"
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
if [ "$unit_bin" != "$prefix/bin/concierge" ]; then
    echo "skipped: this build installs to $prefix/bin, docs/concierge.service runs $unit_bin (edit its ExecStart)"
    exit 0
fi
DESTDIR=$tmp/d "$cmake" --install "$build" >/dev/null
[ -x "$tmp/d$unit_bin" ] || fail "the default install has no $unit_bin, which docs/concierge.service runs"
echo "ok: the default install puts the binary at $unit_bin, as the unit runs it"
