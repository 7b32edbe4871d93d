#!/usr/bin/env bash
# A throwaway PostgreSQL server for the receipt service's tests and
# benchmark: its own data directory under /tmp, listening on a free loopback
# port only, trust authentication (nothing but this machine can reach it).
#
#   eval "$(bash scripts/postgres.sh start)"   sets KLOUDCONSENT_TEST_POSTGRES_URL
#                                              and KLOUDCONSENT_POSTGRES_DIR
#   bash scripts/postgres.sh stop  "$KLOUDCONSENT_POSTGRES_DIR"   stops it, deletes the directory
#   bash scripts/postgres.sh pause "$DIR" / resume "$DIR"   stops / restarts the
#                                              server, keeping its data (outage tests)
#
# PostgreSQL comes from Debian's archive (scripts/setup.sh test installs it).
# As root, the server runs as the unprivileged `postgres` user (PostgreSQL
# refuses to run as root), with the directory owned by it.
set -euo pipefail

BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
[ -x "$BIN/postgres" ] || { echo "postgres.sh: PostgreSQL is not installed (bash scripts/setup.sh test installs it)" >&2; exit 1; }

# runuser is in /usr/sbin, which a root shell's PATH does not always hold.
RUNUSER=$(command -v runuser || echo /usr/sbin/runuser)
as_owner() {
  if [ "$(id -u)" = 0 ]; then "$RUNUSER" -u postgres -- "$@"; else "$@"; fi
}

# A port no server listens on and no other server of ours holds: a paused
# one (`pause`) listens on nothing but takes its port again on `resume`.
# Chosen under a lock, with the port written before the lock goes, so that
# tests starting servers at once never pick the same one.
free_port() {
  local port taken
  taken=" $(cat /tmp/kloudconsent-pg.*/port 2>/dev/null | tr '\n' ' ' || true) "
  for port in $(seq 55432 55532); do
    case "$taken" in *" $port "*) continue ;; esac
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  echo "postgres.sh: no free port in 55432-55532" >&2; exit 1
}

server_start() {
  local dir="$1"
  as_owner "$BIN/pg_ctl" start -w -t 60 -D "$dir/data" -l "$dir/server.log" \
    -o "-p $(cat "$dir/port") -k $dir -c listen_addresses=127.0.0.1" >/dev/null
}

case "${1:-}" in
  start)
    dir=$(mktemp -d /tmp/kloudconsent-pg.XXXXXX)
    chmod 755 "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    ( flock 9; free_port > "$dir/port" ) 9>/tmp/kloudconsent-pg.lock
    as_owner "$BIN/initdb" -D "$dir/data" -U kloudconsent --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    # A port free when chosen can be bound by then (another server of the
    # tests, stopping or starting at that moment): another port, up to 5 tries.
    for try in 1 2 3 4 5; do
      server_start "$dir" && break
      grep -q "Address already in use" "$dir/server.log" 2>/dev/null && [ "$try" -lt 5 ] || exit 1
      ( flock 9; free_port > "$dir/port.next"; mv "$dir/port.next" "$dir/port" ) 9>/tmp/kloudconsent-pg.lock
    done
    echo "export KLOUDCONSENT_POSTGRES_DIR=$dir"
    echo "export KLOUDCONSENT_TEST_POSTGRES_URL=postgres://kloudconsent@127.0.0.1:$(cat "$dir/port")/postgres"
    ;;
  pause)
    as_owner "$BIN/pg_ctl" stop -w -m fast -D "$2/data" >/dev/null
    ;;
  resume)
    server_start "$2"
    ;;
  stop)
    dir="${2:-}"
    case "$dir" in /tmp/kloudconsent-pg.*) ;; *) echo "postgres.sh stop: not a directory made by start: $dir" >&2; exit 2 ;; esac
    as_owner "$BIN/pg_ctl" stop -w -m immediate -D "$dir/data" >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: postgres.sh start | stop DIR | pause DIR | resume DIR" >&2; exit 2 ;;
esac
