#!/usr/bin/env bash
# Source checks, as curl's checksrc does: no banned calls in our C, and clang-format clean.
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files '*.c' '*.h' 2>/dev/null || find . -name '*.c' -o -name '*.h')
bad=$(grep -nE '\b(sprintf|strcpy|strcat|gets|atoi)[[:space:]]*\(' $files || true)
if [ -n "$bad" ]; then
  echo "banned calls (use snprintf, memcpy with a bound, strtol):"
  echo "$bad"
  exit 1
fi
if command -v clang-format >/dev/null; then
  clang-format --dry-run --Werror $files
fi
echo "source checks ok"
