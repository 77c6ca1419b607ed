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
. scripts/bench-lib.sh

rows=$("$FOUNT" check profiles/bench-customers.json --scale "$SCALE" 2>/dev/null |
    awk '$1 == "customers" { print $2; exit }')
echo "== values: profiles/bench-customers.json ($rows customers rows), CSV to /dev/null"
bench_threads rows "$rows" profiles/bench-customers.json --to /dev/null --format csv --scale "$SCALE"
exit 0
