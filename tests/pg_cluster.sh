#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests (issue 11): initdb in a folder of its own as the
# postgres user (initdb refuses root), listening on a Unix socket in that folder and on a free
# loopback port, trust authentication for the superuser postgres. The Debian package's own
# cluster on 5432 is left alone.
#
#   tests/pg_cluster.sh start DIR   prints the URI of the cluster's postgres database
#   tests/pg_cluster.sh start-durable DIR
#                                    the same with PostgreSQL's durable defaults (fsync,
#                                    synchronous_commit, full_page_writes on): for bench/
#   tests/pg_cluster.sh stop DIR
#   tests/pg_cluster.sh up FILE      a cluster in a new folder under /tmp; FILE gets its URI and
#                                    FILE.dir the folder (ctest's pg fixture)
#   tests/pg_cluster.sh down FILE    stops the cluster of FILE and removes both
#
# `start` trades durability for speed (fsync off): the tests check what concierge does. The
# benchmarks (bench/bench_store.sh) compare commit paths, so they use `start-durable`, where a
# commit waits for its WAL flush as in production.
set -euo pipefail
cmd=${1:?start or stop}
dir=${2:?a folder}

bindir=""
for d in /usr/lib/postgresql/*/bin; do
  [ -x "$d/initdb" ] && bindir=$d
done
if [ -z "$bindir" ]; then
  echo "pg_cluster: PostgreSQL's server is not installed (apt-get install postgresql)" >&2
  exit 2
fi

# As the postgres user when we are root; as ourselves otherwise.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case $cmd in
up)
  rm -f "$dir" "$dir.dir"
  # Under /tmp, whose every parent the postgres user may pass (a build folder may not be).
  where=$(mktemp -d /tmp/concierge-pg.XXXXXX)
  echo "$where" > "$dir.dir"
  uri=$(bash "$0" start "$where")
  echo "$uri" > "$dir"
  echo "PostgreSQL for the tests: $uri ($where)"
  ;;
down)
  [ -f "$dir.dir" ] && bash "$0" stop "$(cat "$dir.dir")"
  rm -f "$dir" "$dir.dir"
  ;;
start | start-durable)
  fast="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  [ "$cmd" = start-durable ] && fast="-c fsync=on -c synchronous_commit=on -c full_page_writes=on"
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  as_pg "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    port=$(( 20000 + RANDOM % 30000 ))
    if as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start \
         -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir \
             $fast -c max_connections=200" \
         >/dev/null 2>&1; then
      echo "$port" > "$dir/port"
      echo "postgresql://postgres@127.0.0.1:$port/postgres"
      exit 0
    fi
  done
  echo "pg_cluster: the server would not start; its log:" >&2
  cat "$dir/server.log" >&2 || true
  exit 1
  ;;
stop)
  [ -d "$dir/data" ] && as_pg "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  ;;
*)
  echo "usage: $0 start|start-durable|stop DIR" >&2
  exit 2
  ;;
esac
