#!/usr/bin/env bash
# Events/s for a 12-field clickstream with faults on (duplicates, late events, nulls:
# profiles/bench-events.json), alone and together with a lifecycle stream of the same users'
# sessions, written as CSV to /dev/null, 1 and 2 threads (issue 5's target: 2 million events/s
# per core). Only the streams are written (--only; their user ids still resolve). Printed, never asserted. Besides wall-clock events/s it prints events per CPU-second
# (user + sys of the whole process), which says what one core does even when the machine is busy.
#   scripts/bench-events.sh FOUNT          BENCH_EVENTS_DURATION=1h (simulated time, ~5.2M events)
set -euo pipefail
FOUNT=${1:-./fount}
cd "$(dirname "$0")/.."
DUR=${BENCH_EVENTS_DURATION:-1h}
. scripts/bench-lib.sh

# run LABEL ONLY COUNT: 1 and 2 threads of the streams in ONLY (COUNT events in all)
run() {
    echo "== events: $1, CSV to /dev/null"
    bench_threads events "$3" profiles/bench-events.json --only "$2" --to /dev/null --format csv \
        --duration "$DUR"
}

counts=$("$FOUNT" check profiles/bench-events.json --duration "$DUR" 2>/dev/null)
clicks=$(echo "$counts" | awk '$1 == "clicks" { print $2; exit }')
sessions=$(echo "$counts" | awk '$1 == "sessions" { print $2; exit }')
run "profiles/bench-events.json clicks ($clicks in $DUR, faults on)" clicks "$clicks"
run "clicks and the sessions lifecycle stream ($((clicks + sessions)) in $DUR)" clicks,sessions \
    "$((clicks + sessions))"
exit 0
