# shellcheck shell=bash
# bench-lib.sh: sourced by the bench-*.sh scripts that time fount alone (no server).
# bench_threads UNIT N ARGS...: `$FOUNT run ARGS... --threads T --quiet` for T = 1 and 2, each
# printed as N UNITs per wall-clock second and per CPU-second (user + sys of the whole process,
# which says what one core does even when the machine is busy with something else).
bench_threads() {
    local unit=$1 n=$2 t out user sys wall
    shift 2
    out=$(mktemp)
    for t in 1 2; do
        TIMEFORMAT='%U %S %R' # bash's time keyword: user, sys and real seconds of the run
        { time "$FOUNT" run "$@" --threads "$t" --quiet >/dev/null 2>&1; } 2>"$out"
        read -r user sys wall <"$out"
        awk -v n="$n" -v u="$user" -v s="$sys" -v w="$wall" -v t="$t" -v unit="$unit" 'BEGIN {
            printf "  threads %d: %12.0f %s/s  %12.0f %s per CPU-second  (%d %s, %.2f s)\n",
                   t, n / w, unit, n / (u + s), unit, n, unit, w }'
    done
    rm -f "$out"
}
