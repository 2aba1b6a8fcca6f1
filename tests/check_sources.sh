#!/usr/bin/env bash
# Source checks, as curl's checksrc does: no banned calls in our C, and clang-format clean.
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files '*.c' '*.h' 2>/dev/null || find . -name '*.c' -o -name '*.h')
# The Ragel sources hold C too (their actions and the code around the machines).
rl=$(git ls-files '*.rl' 2>/dev/null || find . -name '*.rl')
# Unbounded writes (sprintf, vsprintf, strcpy, strcat, gets), strncat's bound that is not the
# buffer's, strtok's hidden state, and atoi/atol that cannot report a bad number.
bad=$(grep -nE '\b(sprintf|vsprintf|strcpy|strcat|strncat|gets|atoi|atol|strtok)[[:space:]]*\(' $files $rl || true)
if [ -n "$bad" ]; then
  echo "banned calls (use snprintf/vsnprintf, memcpy with a bound, strtol, strtok_r or a loop):"
  echo "$bad"
  exit 1
fi
if command -v clang-format >/dev/null; then
  clang-format --dry-run --Werror $files
fi
echo "source checks ok"
