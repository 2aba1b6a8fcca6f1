#!/usr/bin/env bash
# Terminal screens as a person sees them (issue 10: "look at it as its users do"): each screen
# runs commands in a real terminal (tmux, a pinned 120x40 window, LANG, TERM, --now, --tz),
# waits for a sentinel line rather than sleeping, captures the pane and compares it with its
# golden file in tests/golden/. Every intent of intent/intent_kinds.def has its reply on some
# screen: the list below says which, and each phrase a screen says is parsed too, so that a
# screen claiming an intent must really say it. A second capture with escapes checks that
# colour is on the status word only, and never with NO_COLOR or TERM=dumb.
#
# On a screen, `c ARGS` shows "$ concierge ARGS" and runs it as @owner in sandbox demo (through
# CONCIERGE_AS and CONCIERGE_SANDBOX; --db, --now and --tz are added and not shown); `p ARGS`
# does the same with no terminal to ask (standard input and output not a terminal), so that a
# change waits for `confirm TOKEN`. Tokens and key secrets are random: each distinct token is
# shown as TKN1, TKN2, … in the order it first appears, a secret as ck_ and 64 x, the work
# folder as /tmp/cterm.XXXXXX.
#
# Usage: tests/term_screens.sh BIN [UPDATE]      (UPDATE=1 rewrites the golden files)
set -euo pipefail
bin=$(readlink -f "$1")
update=${2:-0}
here=$(cd "$(dirname "$0")" && pwd)
golden=$here/golden
kinds=$here/../intent/intent_kinds.def
command -v tmux >/dev/null || { echo "term_screens: tmux is needed (apt-get install tmux)" >&2; exit 1; }

# Which screen shows the reply of which intent (every row of intent_kinds.def, checked below).
declare -A covers=(
  [members]="list_access"
  [audit]="show_audit"
  [refusal]=""
  [nocolour]=""
  [grants]="invite change_role set_expiry revoke"
  [checks]="check_access"
  [modes]="set_mode show_mode"
  [agents]="share_agent unshare_agent"
  [cross]="grant_cross refresh_cross revoke_cross"
  [pending]="list_pending confirm cancel"
  [help]="help"
  [policy]="set_policy show_policy"
  [requests]="request_access approve_request deny_request"
  [signin]="sign_in"
)

# A fixed-length folder, so that paths shown on a screen fold the same way everywhere.
work=$(mktemp -d /tmp/cterm.XXXXXX)
# The stores in memory where there is a tmpfs: each change syncs, and a dozen screens syncing at
# once on a busy disk took seconds (the stores' paths are never shown).
stores=$work
if [ -d /dev/shm ] && [ -w /dev/shm ]; then stores=$(mktemp -d /dev/shm/cterm.XXXXXX); fi
sock=$work/tmux.sock
trap 'tmux -S "$sock" kill-server 2>/dev/null || true; rm -rf "$work" "$stores"' EXIT
fail=0

# The pane's helpers (see the top): c and p show the command line, then run it; what each says
# is parsed into $SAID, which the screen's claims are checked against.
cat > "$work/helpers.sh" <<'HELPERS'
show() {
  local line='$ concierge' a
  for a in "$@"; do
    case $a in
      *"'"*) line+=" \"$a\"" ;;
      *[\ \?\$\"]*) line+=" '$a'" ;;
      *) line+=" $a" ;;
    esac
  done
  printf '%s%s\n' "$line" "${SUFFIX:-}"
  $B parse --json --now 2026-12-02T09:00:00Z "$@" </dev/null >> "$SAID" 2>/dev/null || true
}
c() { show "$@"; $C "$@"; }
p() { SUFFIX=' </dev/null | cat' show "$@"; $C "$@" </dev/null | cat; }
HELPERS

# wait_for SESSION TEXT: until the pane shows a line holding TEXT (10 s at most, then 1).
wait_for() {
  for _ in $(seq 1 200); do
    tmux -S "$sock" capture-pane -p -t "$1" | grep -qF -- "$2" && return 0
    sleep 0.05
  done
  echo "FAIL term_screens: $1 never showed '$2'" >&2
  return 1
}

# start_screen NAME SCRIPT [TEXT KEYS]...: SCRIPT starts running in a pane of its own (all the
# screens run at once); each TEXT then KEYS pair is for finish_screen: it waits for TEXT on the
# screen and types KEYS (an answer to Proceed? [y/N]).
declare -a screens=()
declare -A answers=()
start_screen() {
  local name=$1 script=$2
  shift 2
  screens+=("$name")
  answers[$name]=$(printf '%s\n' "$@")
  cat > "$work/$name.sh" <<SCRIPT
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color TZ=UTC PS1='$ ' USER=ops
export CONCIERGE_AS=@owner CONCIERGE_SANDBOX=demo
unset NO_COLOR CONCIERGE_DB
W=$work
B=$bin
C="$bin --db $stores/$name.db --now 2026-12-02T09:00:00Z --tz UTC"
SAID=$work/$name.said
. $work/helpers.sh
clear
$script
echo @@DONE@@
SCRIPT
  : > "$work/$name.said"
  # The script is the pane's own program; when it is done it signals its channel and the pane
  # stays open (cat waits on the terminal) to be captured. No configuration but ours (-f).
  tmux -S "$sock" -f /dev/null new-session -d -s "$name" -x 120 -y 40 \
    "bash --norc --noprofile $work/$name.sh 2>&1; tmux -S $sock wait-for -S $name; exec cat"
}

# finish_screen NAME: answers, waits for the sentinel, captures and compares.
finish_screen() {
  local name=$1 text keys
  while IFS= read -r text && IFS= read -r keys; do
    wait_for "$name" "$text" || fail=1
    tmux -S "$sock" send-keys -t "$name" "$keys" Enter
  done <<< "${answers[$name]}"
  # Woken when the script is done (no polling), then the sentinel is on the screen once tmux
  # has read all that went before it.
  timeout 30 tmux -S "$sock" wait-for "$name" || { echo "FAIL term_screens: $name never ended" >&2; fail=1; }
  wait_for "$name" "@@DONE@@" || fail=1
  tmux -S "$sock" capture-pane -p -e -t "$name" > "$work/$name.esc"
  sed -e $'s/\033\\[[0-9;]*m//g' "$work/$name.esc" > "$work/$name.raw"
  # The random parts made steady: tokens in the order they appear, secrets, the work folder.
  local masks=() t i=0
  # Request tokens (R and three, a digit among them) wherever they are: a line may fold before one.
  for t in $( (grep -oE '(confirm|cancel) [A-HJ-NP-Z2-9]{4}\b' "$work/$name.raw" | awk '{print $2}'
    grep -oE '\bR[A-HJ-NP-Z2-9]{3}\b' "$work/$name.raw" | grep '[0-9]') | awk '!seen[$0]++'); do
    i=$((i + 1))
    masks+=(-e "s/\\b$t\\b/TKN$i/g")
  done
  sed -e '/^@@DONE@@/,$d' "$work/$name.raw" \
    | sed -e 's/[[:space:]]*$//' -e 's/ck_[0-9a-f]\{64\}/ck_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx/g' \
      -e 's/t=[0-9a-f]\{64\}/t=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx/g' \
          -e "s|$work|/tmp/cterm.XXXXXX|g" ${masks[@]+"${masks[@]}"} > "$work/$name.txt"
  # A screen that scrolled would lose its first lines from the capture without a word.
  if [ "$(grep -n '^@@DONE@@' "$work/$name.raw" | head -1 | cut -d: -f1)" -ge 39 ]; then
    echo "FAIL term_screens: $name is longer than its window: split it" >&2; fail=1
  fi
  if [ "$update" = 1 ]; then
    cp "$work/$name.txt" "$golden/$name.txt"
  elif ! diff -u "$golden/$name.txt" "$work/$name.txt"; then
    echo "FAIL term_screens: $name differs from tests/golden/$name.txt" >&2
    fail=1
  else
    echo "ok $name"
  fi
  # A screen must say what it claims to show.
  for t in ${covers[$name]}; do
    if ! grep -q "^{\"intent\":\"$t\"" "$work/$name.said"; then
      echo "FAIL term_screens: screen $name claims $t but says no phrase of it" >&2; fail=1
    fi
  done
}

setup='$C admin --as @owner workspace add acme >/dev/null
$C admin --as @owner sandbox add demo --owner @owner --workspace acme >/dev/null
$C admin --as @owner project add demo web >/dev/null'

start_screen members "$setup
\$C -y 'invite @bob as editor for 30 days' >/dev/null
\$C -y 'invite @carol as viewer on the web project until Dec 31' >/dev/null
c 'who has access?'"

start_screen audit "$setup
\$C -y 'invite @bob as viewer' >/dev/null
\$C --as @bob -y 'invite @eve' >/dev/null || true
\$C -y 'make @bob an editor' >/dev/null
c 'show the audit log'"

start_screen refusal "$setup
\$C 'invte @bob as viewer'; echo \"exit \$?\"
\$C \"don't revoke @bob\"; echo \"exit \$?\"
\$C 'invite @bob as owner'; echo \"exit \$?\""

# Changes to grants, one asked on the terminal (Proceed? [y/N], answered below) and one denied.
start_screen grants "$setup
c -y 'invite @bob and @carol as viewers for 2 weeks'
c -y 'invite @carol as editor on the web project until Dec 31'
c -y 'make @bob an editor'
c -y \"extend @bob's access by 30 days\"
c -y \"make @carol's access permanent\"
c -y 'revoke @bob'
c --as @carol -y 'invite @eve'
c 'revoke @carol from the web project'
c 'who has access?'" "Proceed? [y/N]" "y"

start_screen checks "$setup
\$C -y 'invite @bob as editor' >/dev/null
\$C -y 'invite @carol as viewer on the web project' >/dev/null
c 'can @bob destroy?'
c 'can @carol edit the web project?'
c 'what can @carol do?'
c --as @bob 'what can I do here?'"

start_screen modes "$setup
\$C admin --as @owner workspace member add acme @bob >/dev/null
c \"what's the sharing mode?\"
c -y 'make this sandbox private'
c 'is this sandbox private?'
c -y \"only let @bob and @carol into this sandbox's workloads\"
c -y \"only let @bob into this sandbox's workloads\"
c \"what's the sharing mode?\""

# Agent keys: each new secret alone on its line under its warning, shown this once.
start_screen agents "$setup
\$C admin --as @owner agent add demo support >/dev/null
c -y 'share the support agent with @bob for 30 days'
c -y 'give @carol and @dan delegate keys for the support agent'
c -y 'stop sharing the support agent with @carol'
c -y 'revoke all keys for the support agent'"

start_screen cross "\$C admin --as @owner workspace add acme >/dev/null
mkdir -p \$W/api/src \$W/web && echo 'int main(void) { return 0; }' > \$W/api/src/main.c
\$C admin --as @owner sandbox add demo --owner @owner --workspace acme --source \$W/web >/dev/null
\$C admin --as @owner sandbox add api --owner @owner --workspace acme --source \$W/api >/dev/null
c -y \"let this sandbox read api's code\"
c -y 'refresh the shared snapshot of api'
c -y \"revoke demo's access to api\"
c -y 'refresh the shared snapshot of api'"

# Changes kept waiting with no terminal to ask, then listed, confirmed and cancelled.
start_screen pending "$setup
\$C -y 'invite @bob as viewer' >/dev/null
\$C -y 'invite @bob as editor on the web project' >/dev/null
p 'invite @zed as editor for 2 weeks'
t1=\$(\$C \"what's pending?\" --json | grep -oE '\"token\":\"[A-Z0-9]+\"' | head -1 | cut -d'\"' -f4)
p 'revoke @bob'
t2=\$(\$C \"what's pending?\" --json | grep -oE '\"token\":\"[A-Z0-9]+\"' | sed -n 2p | cut -d'\"' -f4)
c \"what's pending?\"
c yes
c \"confirm \$t1\"
c \"cancel \$t2\"
p 'make this sandbox private'
c 'cancel all'
c \"what's pending?\""

start_screen help "$setup
c help
c 'how do I invite someone?'
c \"what's the access policy?\""

# The max-duration policy: set, shown as a table, a change over it refused with the phrase that
# fits, that phrase said, the limit removed.
start_screen policy "$setup
\$C -y 'invite @bob as editor' >/dev/null
c -y 'limit editor access to 30 days'
c \"what's the access policy?\"
c -y 'invite @carol as editor for 60 days'
c -y 'invite @carol as editor for 30 days'
c -y 'no limit for editors'
c \"what's the access policy?\""

# Access requests: asked for by a member (no confirmation), listed for the owner, an answer by
# person refused while two wait, one approved by its token, the other denied with a reason.
start_screen requests "$setup
\$C admin workspace member add acme @bob >/dev/null
c --as @bob 'request editor access for 2 weeks because I am on call'
c --as @bob 'request viewer access to the web project'
c \"what's pending?\"
c -y \"approve @bob's request\"
r=\$(\$C \"what's pending?\" --json | grep -oE '\"token\":\"R[A-Z0-9]+\"' | sed -n 2p | cut -d'\"' -f4)
c -y \"approve \$r\"
c -y \"deny @bob's request because we use the staging sandbox\"
c 'who has access?'"

# The web page's sign-in: the phrase refused while no server has said where the page is, then
# a link from the command line (its token shown as x), for oneself and for another, on a
# sandbox's page; no session yet.
start_screen signin "$setup
c 'open the web page'
c open --public-url https://concierge.example.com
c open --as @bob --sandbox demo --public-url https://concierge.example.com/
c admin sessions list"

start_screen nocolour "$setup
NO_COLOR=1 \$C 'invte @bob'
TERM=dumb \$C 'invte @bob'"

for name in "${screens[@]}"; do
  finish_screen "$name"
done

# Colour: on the status word only, on a terminal; never with NO_COLOR or TERM=dumb.
esc=$(printf '\033[')
if ! grep -qF "${esc}31mnot understood:${esc}" "$work/refusal.esc"; then
  echo "FAIL term_screens: a refusal's status word is not red on a terminal" >&2; fail=1
fi
if ! grep -qF "${esc}31mdenied:${esc}" "$work/grants.esc"; then
  echo "FAIL term_screens: a denial's status word is not red on a terminal" >&2; fail=1
fi
if ! grep -qF "${esc}33mcancelled${esc}" "$work/pending.esc"; then
  echo "FAIL term_screens: a cancellation's status word is not yellow on a terminal" >&2; fail=1
fi
# Whatever is coloured on any screen is a status word, alone.
coloured=$(cat "$work"/*.esc | grep -oE $'\033\\[3[0-7]m[^\033]*' | cut -c6- | sort -u)
while IFS= read -r word; do
  case $word in
    ''|'not understood:'|'invalid:'|'error:'|'denied:'|'cancelled') ;;
    *) echo "FAIL term_screens: colour on '$word', not a status word" >&2; fail=1 ;;
  esac
done <<< "$coloured"
if grep -qF "${esc}31m" "$work/nocolour.esc"; then
  echo "FAIL term_screens: colour with NO_COLOR or TERM=dumb" >&2; fail=1
fi

# A new key's secret stands alone on its line, right under the warning that it is shown once.
if ! grep -B1 -E '^ck_[0-9a-f]{64}$' "$work/agents.raw" | grep -q 'shown this once'; then
  echo "FAIL term_screens: a key's secret is not alone on its line under its warning" >&2; fail=1
fi

# Every intent has its reply on a screen.
for t in $(grep -oE '^INTENT\([A-Z_]+, "[a-z_]+"' "$kinds" | cut -d'"' -f2); do
  found=0
  for s in "${!covers[@]}"; do
    case " ${covers[$s]} " in *" $t "*) found=1 ;; esac
  done
  if [ $found = 0 ]; then
    echo "FAIL term_screens: no screen shows the reply of $t (intent_kinds.def)" >&2; fail=1
  fi
done
exit $fail
