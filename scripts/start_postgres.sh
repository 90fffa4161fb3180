#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster for the server tests and print shell lines to eval:
#   eval "$(scripts/start_postgres.sh)"      -> exports MOTCUA_TEST_PG_URL, MOTCUA_TEST_PG_DIR
#   scripts/start_postgres.sh --stop DIR     -> stops the cluster started in DIR and removes it
#   scripts/start_postgres.sh --keep         -> no watchdog (stop it yourself with --stop)
# Uses Debian's postgresql (initdb + pg_ctl), trust auth, 127.0.0.1 on a free port. As root, the
# cluster runs as the "postgres" user. Unless --keep is given, a watchdog stops the cluster and
# deletes its directory once the calling script (e.g. scripts/test.sh) has exited, so test runs
# do not leave clusters behind on a shared machine.
set -euo pipefail

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "start_postgres: PostgreSQL server binaries not found" >&2
  exit 1
fi

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ "${1:-}" = "--stop" ]; then
  dir=${2:?usage: start_postgres.sh --stop DIR}
  as_pg "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  exit 0
fi

keep=0
[ "${1:-}" = "--keep" ] && keep=1
# Inside "$(...)" our parent is a short-lived subshell: watch its parent, the calling script.
watch_pid=$(sed -E "s/^.*\) [A-Za-z] ([0-9]+) .*$/\1/" "/proc/$PPID/stat" 2>/dev/null || true)
[ -n "$watch_pid" ] && [ "$watch_pid" -gt 1 ] || watch_pid=$PPID

dir=$(mktemp -d /tmp/motcua-pg.XXXXXX)
chmod 755 "$dir"
[ "$(id -u)" -eq 0 ] && chown postgres "$dir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
as_pg "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1
as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=on -c max_connections=50" \
  start >/dev/null
as_pg "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres motcua_test

if [ "$keep" -eq 0 ]; then
  self=$(readlink -f "$0")
  setsid bash -c "while kill -0 $watch_pid 2>/dev/null; do sleep 2; done; '$self' --stop '$dir'" \
    </dev/null >/dev/null 2>&1 &
fi

echo "export MOTCUA_TEST_PG_URL=postgresql+psycopg://postgres@127.0.0.1:$port/motcua_test"
echo "export MOTCUA_TEST_PG_DIR=$dir"
