#!/usr/bin/env bash
# Rows/s into MariaDB: fount's LOAD DATA LOCAL INFILE stream (and its prepared-INSERT method) next
# to `LOAD DATA LOCAL INFILE` of the same rows from a file, on a throwaway server
# (scripts/mysql-server.sh). Printed, not asserted.
#   scripts/bench-mysql.sh FOUNT     BENCH_MYSQL_SCALE (default 10: 1M orders), BENCH_REPS (3)
# Every path does the same work: CREATE TABLE (the same DDL), load, then the two secondary
# indexes; each timing is the whole client process, connection included. Runs alternate (the
# order rotates too); reported: the best of each with the server's CPU time, and the median of
# the per-run ratios, which compares runs made seconds apart (a shared machine drifts).
set -euo pipefail
FOUNT=$(cd "$(dirname "${1:-./fount}")" && pwd)/$(basename "${1:-./fount}")
cd "$(dirname "$0")/.."
SCALE=${BENCH_MYSQL_SCALE:-10}
REPS=${BENCH_REPS:-3}
PROFILE=profiles/shop.json

if ! "$FOUNT" sinks | grep -q '^mysql '; then
    echo "== mysql: skipped (this fount has no mysql sink)"
    exit 0
fi
if ! command -v mariadbd >/dev/null; then
    echo "== mysql: skipped (MariaDB is not installed: scripts/bootstrap installs it)"
    exit 0
fi
dir=$(mktemp -d)
trap 'scripts/mysql-server.sh stop "$dir" >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
uri=$(scripts/mysql-server.sh start "$dir")
port=$(cat "$dir/port")
pid=$(cat "$dir/pid")
my() { mariadb --no-defaults --local-infile=1 -h 127.0.0.1 -P "$port" -u fount -pfount fount "$@"; }
cpu() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; } # server user+system, in clock ticks
hz=$(getconf CLK_TCK)

# The orders table as fount creates it with --only orders (its foreign key has no target here).
{
    "$FOUNT" schema "$PROFILE" --dialect mysql |
        awk '/^CREATE TABLE `orders`/,/^\);/' | grep -v 'FOREIGN KEY' | sed -z 's/,\n);/\n)/'
    echo " DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;"
    "$FOUNT" schema "$PROFILE" --dialect mysql | grep '^CREATE INDEX .* ON `orders`'
} >"$dir/ddl.sql"
sed -n '/^CREATE TABLE/,/COLLATE/p' "$dir/ddl.sql" >"$dir/table.sql"
grep '^CREATE INDEX' "$dir/ddl.sql" >"$dir/idx.sql"
# The file: the rows fount loads, written by the server in LOAD DATA's own default format.
"$FOUNT" run "$PROFILE" --only orders --scale "$SCALE" --seed 1 --quiet --to "$uri"
rows=$(my -N -e 'SELECT COUNT(*) FROM orders')
chmod 777 "$dir"
my -e "SELECT * FROM orders ORDER BY id INTO OUTFILE '$dir/orders.tsv'"

now() { echo "${EPOCHREALTIME/./}"; } # microseconds
declare -A best cpu_of last
run() { # name command...: time one load into an empty database
    local name=$1 t0 t1 c0 c1 n
    shift
    my -e 'DROP TABLE IF EXISTS orders'
    c0=$(cpu)
    t0=$(now)
    "$@"
    t1=$(now)
    c1=$(cpu)
    n=$(my -N -e 'SELECT COUNT(*) FROM orders')
    [ "$n" -eq "$rows" ] || { echo "$name loaded $n rows, expected $rows" >&2; exit 1; }
    awk -v name="$name" -v t="$((t1 - t0))" -v c="$((c1 - c0))" -v hz="$hz" 'BEGIN {
        printf "    %-26s %.2f s (server CPU %.2f s)\n", name, t / 1e6, c / hz }'
    last[$name]=$((t1 - t0))
    if [ -z "${best[$name]:-}" ] || [ "$((t1 - t0))" -lt "${best[$name]}" ]; then
        best[$name]=$((t1 - t0))
        cpu_of[$name]=$((c1 - c0))
    fi
}
file_load() {
    my -e "$(cat "$dir/table.sql"); LOAD DATA LOCAL INFILE '$dir/orders.tsv' INTO TABLE orders
           CHARACTER SET utf8mb4; $(cat "$dir/idx.sql")"
}
infile() {
    "$FOUNT" run "$PROFILE" --only orders --scale "$SCALE" --seed 1 --quiet --to "$uri"
}
insert() {
    "$FOUNT" run "$PROFILE" --only orders --scale "$SCALE" --seed 1 --quiet --to "$uri" \
        -o method=insert
}
r_infile="" r_insert=""
for r in $(seq 1 "$REPS"); do
    echo "  run $r:"
    case $((r % 3)) in
    1) run "fount (infile)" infile; run "LOAD DATA LOCAL INFILE" file_load
       run "fount (-o method=insert)" insert ;;
    2) run "LOAD DATA LOCAL INFILE" file_load; run "fount (-o method=insert)" insert
       run "fount (infile)" infile ;;
    0) run "fount (-o method=insert)" insert; run "fount (infile)" infile
       run "LOAD DATA LOCAL INFILE" file_load ;;
    esac
    r_infile="$r_infile $(awk -v a="${last["LOAD DATA LOCAL INFILE"]}" -v b="${last["fount (infile)"]}" 'BEGIN { print a / b }')"
    r_insert="$r_insert $(awk -v a="${last["LOAD DATA LOCAL INFILE"]}" -v b="${last["fount (-o method=insert)"]}" 'BEGIN { print a / b }')"
done
median() { tr ' ' '\n' | grep . | sort -g |
    awk '{ v[NR] = $1 } END { printf "%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "== mysql: orders of $PROFILE into MariaDB, $rows rows (--scale $SCALE), $REPS runs"
for name in "fount (infile)" "fount (-o method=insert)" "LOAD DATA LOCAL INFILE"; do
    awk -v name="$name" -v n="$rows" -v t="${best[$name]}" -v c="${cpu_of[$name]}" -v hz="$hz" \
        'BEGIN { printf "  %-26s %10.0f rows/s  (best %.2f s, server CPU %.2f s)\n", name, n / (t / 1e6),
                 t / 1e6, c / hz }'
done
awk -v f="${best["fount (infile)"]}" -v i="${best["fount (-o method=insert)"]}" \
    -v l="${best["LOAD DATA LOCAL INFILE"]}" -v mf="$(echo "$r_infile" | median)" \
    -v mi="$(echo "$r_insert" | median)" 'BEGIN {
    printf "  fount / LOAD DATA from a file: best %.2f, median of runs %.2f (target >= 0.90)\n", l / f, mf
    printf "  fount -o method=insert / LOAD DATA from a file: best %.2f, median of runs %.2f\n", l / i, mi }'
