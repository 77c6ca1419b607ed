#!/usr/bin/env bash
# Points/s for 10,000 series (profiles/bench-series.json) written as InfluxDB line protocol to
# /dev/null, 1 and 2 threads (issue 5's target: 5 million points/s per core). Printed, never
# asserted. Besides wall-clock points/s it prints points per CPU-second (user + sys of the whole
# process), which says what one core does even when the machine is busy with something else.
#   scripts/bench-series.sh FOUNT          BENCH_SERIES_DURATION=6h (simulated time; 10 s steps)
set -euo pipefail
FOUNT=${1:-./fount}
cd "$(dirname "$0")/.."
DUR=${BENCH_SERIES_DURATION:-6h}
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT

echo "== series: profiles/bench-series.json (10,000 series, $DUR of 10 s steps), line protocol to /dev/null"
for t in 1 2; do
    TIMEFORMAT='%U %S %R' # bash's time keyword: user, sys and real seconds of the run
    { time "$FOUNT" run profiles/bench-series.json --to /dev/null --format influx \
        --duration "$DUR" --threads "$t" --quiet >/dev/null 2>&1; } 2>"$OUT"
    read -r user sys wall <"$OUT"
    points=$("$FOUNT" check profiles/bench-series.json --duration "$DUR" 2>/dev/null |
        awk '/rows/ && !/relations/ { print $2; exit }')
    awk -v n="$points" -v u="$user" -v s="$sys" -v w="$wall" -v t="$t" 'BEGIN {
        printf "  threads %d: %12.0f points/s  %12.0f points per CPU-second  (%d points, %.2f s)\n",
               t, n / w, n / (u + s), n, w }'
done
exit 0
