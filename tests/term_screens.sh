#!/usr/bin/env bash
# Terminal screens as a person sees them (issue 10: "look at it as its users do"): each screen
# runs commands in a real terminal (tmux, a pinned 120x40 window, LANG, TERM, --now, --tz),
# waits for a sentinel line rather than sleeping, captures the pane and compares it with its
# golden file in tests/golden/. A second capture with escapes checks that colour is on the
# status word only, and never with NO_COLOR or TERM=dumb.
#
# Usage: tests/term_screens.sh BIN [UPDATE]      (UPDATE=1 rewrites the golden files)
set -euo pipefail
bin=$(readlink -f "$1")
update=${2:-0}
here=$(cd "$(dirname "$0")" && pwd)
golden=$here/golden
command -v tmux >/dev/null || { echo "term_screens: tmux is needed (apt-get install tmux)" >&2; exit 1; }

work=$(mktemp -d)
sock=$work/tmux.sock
trap 'tmux -S "$sock" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT
fail=0

# run_screen NAME SCRIPT: SCRIPT runs in the pane with $C set to the concierge command line.
run_screen() {
  local name=$1 script=$2
  cat > "$work/$name.sh" <<SCRIPT
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color TZ=UTC PS1='$ ' USER=ops
unset NO_COLOR CONCIERGE_AS CONCIERGE_SANDBOX CONCIERGE_DB
C="$bin --db $work/$name.db --now 2026-12-02T09:00:00Z --tz UTC"
clear
$script
echo @@DONE@@
SCRIPT
  tmux -S "$sock" new-session -d -s "$name" -x 120 -y 40 "bash --norc --noprofile"
  tmux -S "$sock" send-keys -t "$name" "bash $work/$name.sh 2>&1" Enter
  for _ in $(seq 1 200); do
    tmux -S "$sock" capture-pane -p -t "$name" | grep -q '^@@DONE@@' && break
    sleep 0.05
  done
  tmux -S "$sock" capture-pane -p -t "$name" | sed -e '/^@@DONE@@/,$d' -e '1{/^\$ bash /d}' \
    | sed -e 's/[[:space:]]*$//' > "$work/$name.txt"
  tmux -S "$sock" capture-pane -p -e -t "$name" > "$work/$name.esc"
  tmux -S "$sock" kill-session -t "$name"
  if [ "$update" = 1 ]; then
    cp "$work/$name.txt" "$golden/$name.txt"
  elif ! diff -u "$golden/$name.txt" "$work/$name.txt"; then
    echo "FAIL term_screens: $name differs from tests/golden/$name.txt" >&2
    fail=1
  else
    echo "ok $name"
  fi
}

setup='$C admin --as @owner workspace add acme >/dev/null
$C admin --as @owner sandbox add demo --owner @owner --workspace acme >/dev/null
$C admin --as @owner project add demo web >/dev/null'

run_screen members "$setup
\$C --as @owner --sandbox demo -y 'invite @bob as editor for 30 days' >/dev/null
\$C --as @owner --sandbox demo -y 'invite @carol as viewer on the web project until Dec 31' >/dev/null
\$C --as @owner --sandbox demo 'who has access?'"

run_screen audit "$setup
\$C --as @owner --sandbox demo -y 'invite @bob as viewer' >/dev/null
\$C --as @bob --sandbox demo -y 'invite @eve' >/dev/null || true
\$C --as @owner --sandbox demo -y 'make @bob an editor' >/dev/null
\$C --as @owner --sandbox demo 'show the audit log'"

run_screen refusal "$setup
\$C --as @owner --sandbox demo 'invte @bob as viewer'; echo \"exit \$?\"
\$C --as @owner --sandbox demo \"don't revoke @bob\"; echo \"exit \$?\"
\$C --as @owner --sandbox demo 'invite @bob as owner'; echo \"exit \$?\""

# Colour: on the status word only, on a terminal; never with NO_COLOR or TERM=dumb.
esc=$(printf '\033[')
if ! grep -qF "${esc}31mnot understood:${esc}" "$work/refusal.esc"; then
  echo "FAIL term_screens: a refusal's status word is not red on a terminal" >&2; fail=1
fi
run_screen nocolour "$setup
NO_COLOR=1 \$C --as @owner --sandbox demo 'invte @bob'
TERM=dumb \$C --as @owner --sandbox demo 'invte @bob'"
if grep -qF "${esc}31m" "$work/nocolour.esc"; then
  echo "FAIL term_screens: colour with NO_COLOR or TERM=dumb" >&2; fail=1
fi
exit $fail
