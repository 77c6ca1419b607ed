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
. scripts/bench-lib.sh

echo "== series: profiles/bench-series.json (10,000 series, $DUR of 10 s steps), line protocol to /dev/null"
points=$("$FOUNT" check profiles/bench-series.json --duration "$DUR" 2>/dev/null |
    awk '/rows/ && !/relations/ { print $2; exit }')
bench_threads points "$points" profiles/bench-series.json --to /dev/null --format influx \
    --duration "$DUR"
exit 0
