#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL cluster: initdb into a temporary folder, start it
# on a free loopback port, export ERC_TEST_POSTGRES_URL, run the command, and stop the cluster and
# remove the folder whatever the command's outcome. As root, the server runs as `postgres`
# (initdb refuses root).
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ]; then
    echo "with-postgres: no PostgreSQL server in /usr/lib/postgresql (run scripts/setup.sh test)" >&2
    exit 1
fi

dir=$(mktemp -d /tmp/erc-pg.XXXXXX)
as_server() { "$@"; }
if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$dir"
    as_server() { runuser -u postgres -- "$@"; }
fi

stop() {
    as_server "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap stop EXIT INT TERM

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_server "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
as_server "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=200" \
    start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }

export ERC_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
echo "with-postgres: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
status=0
"$@" || status=$?
exit $status
