#!/usr/bin/env bash
# A throwaway PostgreSQL 15 for tests and benchmarks: a cluster in DIR, on 127.0.0.1 and a free
# port, with password authentication over TCP (so tests can get a password wrong).
#   scripts/pg-server.sh start DIR   prints the URI postgres://fount:fount@127.0.0.1:PORT/fount
#   scripts/pg-server.sh stop DIR    stops it (fast shutdown) and waits until it is gone
#   scripts/pg-server.sh restart DIR stops it if it runs (fast shutdown), then starts it again
#                                    on the same data and port (pg_ctl restart)
# DIR must exist and be reachable by the postgres user (e.g. from `mktemp -d`, not inside a
# mode-700 directory); the script chowns it. Also written: DIR/port, DIR/uri, DIR/log.
# Superuser access without a password: psql -h DIR -p PORT -U postgres (the socket is in DIR).
# Root cannot run initdb/pg_ctl, so as root they run as the postgres user (SERVICES.md).
set -euo pipefail

PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
cmd=${1:-}
dir=${2:-}
if [ -z "$cmd" ] || [ -z "$dir" ] || [ ! -d "$dir" ]; then
    echo "usage: $0 start|stop|restart DIR (an existing directory)" >&2
    exit 2
fi
dir=$(cd "$dir" && pwd)

as_pg() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

port_free() { # nothing listens on 127.0.0.1:$1
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start() {
    local port="" try
    if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$dir"; fi
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        printf 'postgres\n' >"$dir/pwfile"
        [ "$(id -u)" -ne 0 ] || chown postgres:postgres "$dir/pwfile"
        as_pg "$PGBIN/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" \
            --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 \
            >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    for try in 1 2 3 4 5 6 7 8; do
        port=$((20000 + RANDOM % 40000))
        port_free "$port" || continue
        if as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off" start >/dev/null; then
            break
        fi
        port=""
    done
    if [ -z "$port" ]; then
        echo "pg-server: cannot start PostgreSQL (see $dir/log)" >&2
        exit 1
    fi
    echo "$port" >"$dir/port"
    as_pg "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres -d postgres \
        -c "CREATE ROLE fount LOGIN PASSWORD 'fount' CREATEDB" \
        -c "CREATE DATABASE fount OWNER fount" >/dev/null
    echo "postgres://fount:fount@127.0.0.1:$port/fount" | tee "$dir/uri"
}

stop() {
    [ -f "$dir/data/postmaster.pid" ] || return 0
    as_pg "$PGBIN/pg_ctl" -D "$dir/data" stop -m fast -w -t 60 >/dev/null 2>&1 || {
        # pg_ctl could not stop it: end the postmaster by its pid
        local pid
        pid=$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null || true)
        [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true
    }
}

restart() { # postmaster.opts keeps the port: pg_ctl restart starts a stopped server too
    as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/log" restart -m fast -w -t 60 >/dev/null
}

case "$cmd" in
start) start ;;
stop) stop ;;
restart) restart ;;
*) echo "usage: $0 start|stop|restart DIR" >&2; exit 2 ;;
esac
