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
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT

# run LABEL ONLY COUNT: 1 and 2 threads of the streams in ONLY (COUNT events in all)
run() {
    echo "== events: $1, CSV to /dev/null"
    for t in 1 2; do
        TIMEFORMAT='%U %S %R' # bash's time keyword: user, sys and real seconds of the run
        { time "$FOUNT" run profiles/bench-events.json --only "$2" --to /dev/null --format csv \
            --duration "$DUR" --threads "$t" --quiet >/dev/null 2>&1; } 2>"$OUT"
        read -r user sys wall <"$OUT"
        awk -v n="$3" -v u="$user" -v s="$sys" -v w="$wall" -v t="$t" 'BEGIN {
            printf "  threads %d: %12.0f events/s  %12.0f events per CPU-second  (%d events, %.2f s)\n",
                   t, n / w, n / (u + s), n, w }'
    done
}

counts=$("$FOUNT" check profiles/bench-events.json --duration "$DUR" 2>/dev/null)
clicks=$(echo "$counts" | awk '$1 == "clicks" { print $2; exit }')
sessions=$(echo "$counts" | awk '$1 == "sessions" { print $2; exit }')
run "profiles/bench-events.json clicks ($clicks in $DUR, faults on)" clicks "$clicks"
run "clicks and the sessions lifecycle stream ($((clicks + sessions)) in $DUR)" clicks,sessions \
    "$((clicks + sessions))"
exit 0
