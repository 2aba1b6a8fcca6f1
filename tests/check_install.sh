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
