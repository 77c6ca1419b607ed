#!/usr/bin/env bash
# Rows/s for the customers row of shop.json built from the value library (profiles/bench-customers.json:
# id, full name, unique e-mail, phone, street, city, country, created_at, a decimal, a status and a
# uuid) written as CSV to /dev/null, 1 and 2 threads (issue 3's target: 2 million rows/s per core).
# Printed, never asserted. Besides wall-clock rows/s it prints rows per CPU-second (user + sys of the
# whole process), which says what one core does even when the machine is busy with something else.
#   scripts/bench-values.sh FOUNT          BENCH_VALUES_SCALE=1 (4 million rows per run)
set -euo pipefail
FOUNT=${1:-./fount}
cd "$(dirname "$0")/.."
SCALE=${BENCH_VALUES_SCALE:-1}
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT

rows=$("$FOUNT" check profiles/bench-customers.json --scale "$SCALE" 2>/dev/null |
    awk '$1 == "customers" { print $2; exit }')
echo "== values: profiles/bench-customers.json ($rows customers rows), CSV to /dev/null"
for t in 1 2; do
    TIMEFORMAT='%U %S %R' # bash's time keyword: user, sys and real seconds of the run
    { time "$FOUNT" run profiles/bench-customers.json --to /dev/null --format csv \
        --scale "$SCALE" --threads "$t" --quiet >/dev/null 2>&1; } 2>"$OUT"
    read -r user sys wall <"$OUT"
    awk -v n="$rows" -v u="$user" -v s="$sys" -v w="$wall" -v t="$t" 'BEGIN {
        printf "  threads %d: %12.0f rows/s  %12.0f rows per CPU-second  (%d rows, %.2f s)\n",
               t, n / w, n / (u + s), n, w }'
done
exit 0
