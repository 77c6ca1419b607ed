#!/usr/bin/env bash
# A throwaway MariaDB (MySQL protocol) for tests and benchmarks: a data directory in DIR, on
# 127.0.0.1 and a free port, with a password user so tests can get a password wrong.
#   scripts/mysql-server.sh start DIR   prints the URI mysql://fount:fount@127.0.0.1:PORT/fount
#   scripts/mysql-server.sh stop DIR    stops it and waits until the process is gone
#   scripts/mysql-server.sh restart DIR stops it if it runs (a test may have killed it), then
#                                       starts it again on the same data and port
# DIR must exist and be reachable by the mysql user (e.g. from `mktemp -d`); the script chowns
# it. Also written: DIR/port, DIR/uri, DIR/pid (the server's), DIR/err.log, the socket DIR/sock.
# Superuser access: mariadb --no-defaults -S DIR/sock -u root (as the OS root user).
# --no-defaults must come first, so no /etc/mysql configuration leaks in (SERVICES.md).
set -euo pipefail

cmd=${1:-}
dir=${2:-}
if [ -z "$cmd" ] || [ -z "$dir" ] || [ ! -d "$dir" ]; then
    echo "usage: $0 start|stop|restart DIR (an existing directory)" >&2
    exit 2
fi
dir=$(cd "$dir" && pwd)

port_free() { # nothing listens on 127.0.0.1:$1
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

alive() { # the server process is running (a zombie does not count)
    local pid stat
    pid=$(cat "$dir/pid" 2>/dev/null) || return 1
    stat=$(ps -o stat= -p "$pid" 2>/dev/null) || return 1
    [ -n "$stat" ] && [ "${stat#Z}" = "$stat" ]
}

sql() {
    mariadb --no-defaults -S "$dir/sock" -u root -e "$1"
}

start() {
    local port="" try i user=()
    [ "$(id -u)" -ne 0 ] || { chown mysql:mysql "$dir"; user=(--user=mysql); }
    if [ ! -d "$dir/data/mysql" ]; then
        mariadb-install-db --no-defaults "${user[@]}" --datadir="$dir/data" \
            --auth-root-authentication-method=normal --skip-test-db >"$dir/install.log" 2>&1 ||
            { cat "$dir/install.log" >&2; exit 1; }
    fi
    for try in 1 2 3 4 5 6 7 8; do
        if [ -n "${same_port:-}" ]; then
            port=$same_port # a restart: the clients know this port (a killed server's is free)
        else
            port=$((20000 + RANDOM % 40000))
            port_free "$port" || continue
        fi
        rm -f "$dir/pid"
        # The server itself in front of &, so $! is its pid (SERVICES.md pitfalls).
        mariadbd --no-defaults "${user[@]}" --datadir="$dir/data" --bind-address=127.0.0.1 \
            --port="$port" --socket="$dir/sock" --pid-file="$dir/mariadbd.pid" \
            --log-error="$dir/err.log" --skip-name-resolve --local-infile=1 \
            --innodb-flush-log-at-trx-commit=2 </dev/null >/dev/null 2>&1 &
        echo $! >"$dir/pid"
        for i in $(seq 1 300); do
            if mariadb-admin --no-defaults -S "$dir/sock" -u root ping >/dev/null 2>&1; then
                break 2
            fi
            alive || break
            sleep 0.1
        done
        stop
        port=""
    done
    if [ -z "$port" ]; then
        echo "mysql-server: cannot start MariaDB (see $dir/err.log)" >&2
        exit 1
    fi
    echo "$port" >"$dir/port"
    sql "CREATE USER IF NOT EXISTS 'fount'@'%' IDENTIFIED BY 'fount';
         CREATE DATABASE IF NOT EXISTS fount;
         GRANT ALL ON *.* TO 'fount'@'%';"
    echo "mysql://fount:fount@127.0.0.1:$port/fount" | tee "$dir/uri"
}

stop() {
    local pid i
    pid=$(cat "$dir/pid" 2>/dev/null) || return 0
    alive || return 0
    mariadb-admin --no-defaults -S "$dir/sock" -u root shutdown >/dev/null 2>&1 ||
        kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 300); do
        alive || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
}

case "$cmd" in
start) start ;;
stop) stop ;;
restart) same_port=$(cat "$dir/port"); stop; start ;;
*) echo "usage: $0 start|stop|restart DIR" >&2; exit 2 ;;
esac
