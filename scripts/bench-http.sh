#!/usr/bin/env bash
# make bench, HTTP sink: requests/s and records/s of fount against a fast local receiver (answers
# 204 at once), next to wrk posting a 1 KB body and a bare libcurl-multi loop (scripts/http-ref.c)
# posting pre-built bodies, on the same receiver and connection count. Printed, never asserted.
#   scripts/bench-http.sh FOUNT        (make bench builds build/tests/helpers/http-receiver, http-ref)
set -euo pipefail
FOUNT=${1:-./fount}
cd "$(dirname "$0")/.."
B=$(dirname "$FOUNT")/tests
[ -x "$B/helpers/http-receiver" ] || B=build/tests
RECV=$B/helpers/http-receiver
REF=$B/http-ref
CONNS=${BENCH_HTTP_CONNS:-32}
SINGLE_SCALE=${BENCH_HTTP_SCALE:-15}      # customers: 10,000 x scale single-record requests
BATCH_SCALE=${BENCH_HTTP_BATCH_SCALE:-30} # orders: 100,000 x scale records in NDJSON batches
[ -x "$RECV" ] && [ -x "$REF" ] || { echo "== http: skipped (no $RECV or $REF)"; exit 0; }
D=$(mktemp -d)
"$RECV" --port-file "$D/port" --quiet --status 204 --concurrency 2 &
RPID=$!
trap 'kill $RPID 2>/dev/null; rm -rf "$D"' EXIT
for _ in $(seq 100); do [ -s "$D/port" ] && break; sleep 0.05; done
URL="http://127.0.0.1:$(cat "$D/port")/in"

echo "== http: fount vs wrk and a bare libcurl-multi loop, $CONNS connections, receiver answers 204"
# fount run ... prints the summary; requests come from its "http requests: 204 N" line
fount_run() {
    local out secs recs reqs
    out=$("$FOUNT" run profiles/shop.json --seed 1 --to "$URL" -o connections="$CONNS" "$@" 2>&1 \
          >/dev/null)
    secs=$(echo "$out" | tail -n 1 | sed -E 's/.* in ([0-9.]+) s:.*/\1/')
    recs=$(echo "$out" | tail -n 1 | sed -E 's/^([0-9]+) rows written.*/\1/')
    reqs=$(echo "$out" | sed -nE 's/.*http requests: 204 ([0-9]+).*/\1/p' | head -n 1)
    echo "$recs $reqs $secs"
}
read -r recs reqs secs < <(fount_run --only customers --scale "$SINGLE_SCALE")
f_rps=$(awk -v r="$reqs" -v s="$secs" 'BEGIN { printf "%.0f", r / s }')
bytes=$(( $("$FOUNT" run profiles/shop.json --seed 1 --only customers --scale 0.1 --to - \
          --format jsonl --quiet | wc -c) / 1000 ))
read -r _ _ ref_rps _ < <("$REF" "$URL" "$CONNS" "$reqs" "$bytes")
read -r _ _ ref1k_rps _ < <("$REF" "$URL" "$CONNS" "$reqs" 1024)
printf '  fount, one record per request (~%d B): %8.0f req/s %10.0f records/s\n' "$bytes" \
    "$f_rps" "$f_rps"
printf '  bare libcurl loop, %4d B bodies:        %8.0f req/s  (fount: %.2fx)\n' "$bytes" \
    "$ref_rps" "$(awk -v a="$f_rps" -v b="$ref_rps" 'BEGIN { print a / b }')"
printf '  bare libcurl loop, 1024 B bodies:        %8.0f req/s  (fount: %.2fx)\n' "$ref1k_rps" \
    "$(awk -v a="$f_rps" -v b="$ref1k_rps" 'BEGIN { print a / b }')"
if command -v wrk >/dev/null; then
    printf 'wrk.method = "POST"\nwrk.body = string.rep("x", 1024)\nwrk.headers["Content-Type"] = "application/json"\n' > "$D/post.lua"
    wrk_rps=$(wrk -t2 -c"$CONNS" -d5s -s "$D/post.lua" "$URL" | sed -nE 's/^Requests\/sec: *([0-9.]+).*/\1/p')
    printf '  wrk, 1024 B bodies:                      %8.0f req/s  (fount: %.2fx)\n' "$wrk_rps" \
        "$(awk -v a="$f_rps" -v b="$wrk_rps" 'BEGIN { print a / b }')"
fi
read -r recs reqs secs < <(fount_run --only orders --scale "$BATCH_SCALE" -o body=ndjson \
    -o batch.bytes=64KiB -o batch.records=1000000)
printf '  fount, NDJSON batches of 64 KiB:        %8.0f req/s %10.0f records/s\n' \
    "$(awk -v r="$reqs" -v s="$secs" 'BEGIN { print r / s }')" \
    "$(awk -v r="$recs" -v s="$secs" 'BEGIN { print r / s }')"
read -r recs reqs secs < <(fount_run --only orders --scale "$BATCH_SCALE" -o body=ndjson \
    -o batch.bytes=1MiB -o batch.records=1000000)
printf '  fount, NDJSON batches of 1 MiB:         %8.0f req/s %10.0f records/s\n' \
    "$(awk -v r="$reqs" -v s="$secs" 'BEGIN { print r / s }')" \
    "$(awk -v r="$recs" -v s="$secs" 'BEGIN { print r / s }')"
exit 0
