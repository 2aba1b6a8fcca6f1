#!/usr/bin/env bash
# The command line on PostgreSQL (issue 11): a store is never set up implicitly, a schema that
# is behind is refused with what to do, two `admin migrate` at once migrate once, and a
# password in the URI is never printed. Needs the test cluster (CONCIERGE_TEST_PG_FILE).
# Usage: tests/pg_admin.sh BIN
set -euo pipefail
bin=$1
base=$(head -n1 "${CONCIERGE_TEST_PG_FILE:?the pg fixture writes it}")
port=${base##*:}
port=${port%%/*}
fail=0
check() { # check WHAT COND...
  local what=$1
  shift
  if "$@"; then echo "ok $what"; else echo "FAIL $what" >&2; fail=1; fi
}

name=t_admin_$$
psql "$base" -qc "CREATE DATABASE $name"
trap 'psql "$base" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
db="postgresql://postgres:hunter2@127.0.0.1:$port/$name"
out=$(mktemp -d)

# Before migrate: refused, saying what to do, without the password.
set +e
"$bin" --db "$db" --as @owner "who has access?" >"$out/q.out" 2>"$out/q.err"
rc=$?
set -e
check "a question before migrate fails" test "$rc" != 0
check "it says to run admin migrate" grep -q "admin migrate" "$out/q.err"
tables=$(psql "${base%/*}/$name" -tAc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
check "nothing is set up implicitly" test "$tables" = 0

# Two migrations at once: one migrates, the other finds it done.
"$bin" --db "$db" admin migrate >"$out/m1" 2>&1 &
p1=$!
"$bin" --db "$db" admin migrate >"$out/m2" 2>&1 &
p2=$!
wait $p1
wait $p2
check "one of two migrations migrated" test "$(cat "$out/m1" "$out/m2" | grep -c '^migrated the schema from version 0 to')" = 1
check "the other found it up to date" test "$(cat "$out/m1" "$out/m2" | grep -c '^the schema is up to date')" = 1

# Then it works like SQLite, and errors never show the password.
"$bin" --db "$db" admin workspace add acme >/dev/null
"$bin" --db "$db" admin sandbox add demo --owner @owner --workspace acme >/dev/null
"$bin" --db "$db" --as @owner --sandbox demo -y "invite @bob as viewer" >/dev/null
tables=$(psql "${base%/*}/$name" -tAc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
check "migrate made the tables" test "$tables" -gt 10
check "who has access lists @bob" sh -c "'$bin' --db '$db' --as @owner --sandbox demo 'who has access?' | grep -q '@bob'"
set +e
"$bin" --db "postgresql://postgres:hunter2@127.0.0.1:1/$name" --as @owner "who has access?" >"$out/bad.out" 2>"$out/bad.err"
set -e
check "a server that is not there is an error naming the URI" grep -q "postgres:\*\*\*@127.0.0.1:1" "$out/bad.err"
check "no password in any output" sh -c "! grep -rq hunter2 '$out'"
rm -rf "$out"
exit $fail
