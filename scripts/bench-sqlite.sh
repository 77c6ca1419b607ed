#!/usr/bin/env bash
# Rows/s into SQLite: fount's sqlite sink next to SQLite's own limit on this machine (a plain C
# loop, scripts/sqlite-limit.c) and next to the two-step path (fount CSV to a file, then
# `sqlite3 db '.import --csv ...'`). Printed, not asserted; the issue's targets are >= 85% of the
# limit and >= 2x the import path.
#   scripts/bench-sqlite.sh FOUNT      BENCH_SQLITE_SCALE (default 10: 1M orders), BENCH_REPS (3),
#                                      BENCH_SQLITE_OPTS (sink options for fount, e.g. "-o txn_rows=1"),
#                                      BENCH_DIR (default a temporary directory beside the repo's
#                                      build/, on the same disk as a user's database would be)
# Every path does the same work: the orders table as fount creates it (same DDL, UNIQUE
# order_uuid included), its rows, then its two secondary indexes. fount and the import are timed
# as whole processes (start-up, generation and CSV included); the limit by its own clock, which
# starts once its rows are built in memory.
# The limit is the best of a few configurations with the same pragmas and the same end result
# (see limit_configs below).
# Each figure is the best of BENCH_REPS runs, alternating (the machine may be shared: the best
# run is the least disturbed one); CPU seconds (user + system) are printed beside wall times.
set -euo pipefail
FOUNT=$(cd "$(dirname "${1:-./fount}")" && pwd)/$(basename "${1:-./fount}")
cd "$(dirname "$0")/.."
SCALE=${BENCH_SQLITE_SCALE:-10}
REPS=${BENCH_REPS:-3}
PROFILE=profiles/shop.json
mkdir -p build
dir=$(mktemp -d "${BENCH_DIR:-$PWD/build}/bench-sqlite.XXXXXX")
trap 'rm -rf "$dir"' EXIT

"$FOUNT" sinks | grep -q '^sqlite ' || { echo "== sqlite: this fount has no sqlite sink" >&2; exit 1; }
gcc -O2 -o "$dir/sqlite-limit" scripts/sqlite-limit.c -lsqlite3
rows=$("$FOUNT" check "$PROFILE" --scale "$SCALE" | awk '$1 == "orders" && $3 == "rows" { print $2 }')
"$FOUNT" schema "$PROFILE" | awk '/^CREATE TABLE "orders"/,/^\);/' >"$dir/ddl.sql"
"$FOUNT" schema "$PROFILE" | grep '^CREATE INDEX .* ON "orders"' >"$dir/idx.sql"

now() { echo "${EPOCHREALTIME/./}"; } # microseconds
# child_cpu VAR: children's CPU seconds (user + system) so far, from this shell's `times`
# (in a $(...) subshell it would count that subshell's children only).
child_cpu() {
    times >"$dir/times"
    printf -v "$1" '%s' "$(awk 'NR == 2 { n = 0; for (i = 1; i <= 2; i++) { split($i, a, "m");
        n += a[1] * 60 + a[2] } printf "%.3f", n }' "$dir/times")"
}
# timed VAR CMD...: runs CMD (a command or a function), sets VAR to "wall_us cpu_s".
timed() {
    local var=$1 t0 t1 c0 c1
    shift
    child_cpu c0
    t0=$(now)
    "$@" >/dev/null
    t1=$(now)
    child_cpu c1
    printf -v "$var" '%s %s' $((t1 - t0)) "$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.2f", b - a }')"
}
# keep_best BEST "wall cpu": BEST is the pair with the smaller wall time.
keep_best() {
    local -n b=$1
    if [ -z "${b:-}" ] || [ "${2%% *}" -lt "${b%% *}" ]; then b=$2; fi
}
rate() { awk -v n="$rows" -v us="${1%% *}" 'BEGIN { printf "%.0f", n / (us / 1e6) }'; }
secs() { awk -v us="${1%% *}" 'BEGIN { printf "%.2f", us / 1e6 }'; }
cpu() { echo "${1#* }"; }

fount_run() { # fount_run DB [options]
    local db=$1
    shift
    rm -f "$db" "$db-wal" "$db-journal"
    # shellcheck disable=SC2086
    "$FOUNT" run "$PROFILE" --only orders --scale "$SCALE" --quiet --to "sqlite:$db" \
        ${BENCH_SQLITE_OPTS:-} "$@"
}
import_run() { # CSV generation, then sqlite3 .import into the same table, then the indexes
    rm -f "$dir/i.db" "$dir/orders.csv"
    "$FOUNT" run "$PROFILE" --only orders --scale "$SCALE" --quiet --to - --format csv \
        >"$dir/orders.csv"
    sqlite3 "$dir/i.db" ".read $dir/ddl.sql" ".import --csv --skip 1 $dir/orders.csv orders" \
        ".read $dir/idx.sql"
}
# limit_run VAR ARGS...: the instrument's own clock (it builds its rows before starting it).
limit_run() {
    local var=$1 out
    shift
    out=$("$dir/sqlite-limit" "$dir/l.db" -n "$rows" "$@")
    printf -v "$var" '%s' "$(echo "$out" | awk '{ printf "%d %.2f", $4 * 1e6, $9 }')"
}
# UNIQUE order_uuid inline (maintained row by row) or built after the load (-u, as fount does);
# one transaction per batch of 4096 (as fount does) or per 262144 rows.
limit_configs=("-f -k 64 -t 262144" "-k 1 -t 262144" "-f -u -t 4096" "-f -u -t 262144")

x="" best_f="" best_fl="" best_i=""
declare -A best_l best_li
for r in $(seq 1 "$REPS"); do
    timed x fount_run "$dir/f.db"
    keep_best best_f "$x"
    n=$(sqlite3 "$dir/f.db" 'SELECT count(*) FROM orders')
    [ "$n" -eq "$rows" ] || { echo "fount loaded $n rows, expected $rows" >&2; exit 1; }
    timed x fount_run "$dir/f.db" -o indexes=false
    keep_best best_fl "$x"
    for c in "${limit_configs[@]}"; do
        # shellcheck disable=SC2086
        limit_run x $c
        keep_best "best_l[$c]" "$x"
        # shellcheck disable=SC2086
        limit_run x $c -i
        keep_best "best_li[$c]" "$x"
    done
    timed x import_run
    keep_best best_i "$x"
    n=$(sqlite3 "$dir/i.db" 'SELECT count(*) FROM orders')
    [ "$n" -eq "$rows" ] || { echo ".import loaded $n rows, expected $rows" >&2; exit 1; }
    echo "  run $r: fount $(secs "$best_f") s best so far, import $(secs "$best_i") s best so far" >&2
done

# The limit: the fastest configuration, with and without the indexes.
lim="" limc="" liml="" limlc=""
for c in "${limit_configs[@]}"; do
    if [ -z "$lim" ] || [ "${best_li[$c]%% *}" -lt "${lim%% *}" ]; then lim=${best_li[$c]} limc=$c; fi
    if [ -z "$liml" ] || [ "${best_l[$c]%% *}" -lt "${liml%% *}" ]; then liml=${best_l[$c]} limlc=$c; fi
done
ratio() { awk -v a="${1%% *}" -v b="${2%% *}" 'BEGIN { printf "%.2f", b / a }'; }

echo "== sqlite: orders of $PROFILE, $rows rows (--scale $SCALE), best of $REPS${BENCH_SQLITE_OPTS:+, fount $BENCH_SQLITE_OPTS}"
printf '  %-34s %9s rows/s  %6s s  (cpu %s s)\n' \
    "fount --to sqlite:" "$(rate "$best_f")" "$(secs "$best_f")" "$(cpu "$best_f")" \
    "SQLite's limit (sqlite-limit)" "$(rate "$lim")" "$(secs "$lim")" "$(cpu "$lim")" \
    "fount CSV + sqlite3 .import" "$(rate "$best_i")" "$(secs "$best_i")" "$(cpu "$best_i")"
echo "  (limit: sqlite-limit $limc -i)"
echo "  fount / limit:  $(ratio "$best_f" "$lim")   (target >= 0.85)"
echo "  fount / import: $(ratio "$best_f" "$best_i")   (target >= 2)"
echo "  load only, no secondary indexes:"
printf '  %-34s %9s rows/s  %6s s  (cpu %s s)\n' \
    "fount -o indexes=false" "$(rate "$best_fl")" "$(secs "$best_fl")" "$(cpu "$best_fl")" \
    "SQLite's limit (sqlite-limit)" "$(rate "$liml")" "$(secs "$liml")" "$(cpu "$liml")"
echo "  (limit: sqlite-limit $limlc)"
echo "  fount / limit:  $(ratio "$best_fl" "$liml")"
