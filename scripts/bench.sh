#!/usr/bin/env bash
# make bench: throughput figures, printed (never asserted). Fixed seed, CSV to /dev/null.
#   scripts/bench.sh FOUNT
set -euo pipefail
FOUNT=${1:-./fount}
cd "$(dirname "$0")/.."
ROWS_SCALE=${BENCH_SCALE:-300}          # shop.json orders: 100,000 x scale rows
RSS_SCALE=${BENCH_RSS_SCALE:-1000}      # 100 million rows for the memory check

summary() { # the run summary's last line: "N rows written, ... R rows/s, M MB/s, peak RSS X MiB"
    "$FOUNT" run "$@" 2>&1 >/dev/null | tail -n 1
}
field() { sed -E "s|.* ([0-9.]+) $1.*|\\1|"; }

echo "== core: orders of profiles/shop.json, CSV to /dev/null, seed 1"
for t in 1 2; do
    line=$(summary profiles/shop.json --only orders --scale "$ROWS_SCALE" --to /dev/null \
        --format csv --seed 1 --threads "$t")
    rps=$(echo "$line" | field "rows/s"); mbs=$(echo "$line" | field "MB/s")
    rss=$(echo "$line" | sed -E 's/.*peak RSS ([0-9.]+) MiB.*/\1/')
    printf '  threads %d: %12.0f rows/s  %7.1f MB/s  peak RSS %5.1f MiB\n' "$t" "$rps" "$mbs" "$rss"
    eval "rps_$t=$rps"
done
awk -v a="$rps_1" -v b="$rps_2" 'BEGIN { printf "  2 threads / 1 thread: %.2fx\n", b / a }'
line=$(summary profiles/shop.json --only orders --scale "$RSS_SCALE" --to /dev/null --format csv \
    --seed 1 --threads 2)
echo "  $(echo "$line" | sed -E 's/.*written, //')  <- 100 million rows: peak RSS"

for extra in scripts/bench-*.sh; do
    [ -x "$extra" ] && "$extra" "$FOUNT"
done
exit 0
