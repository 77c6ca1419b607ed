#!/usr/bin/env bash
# make bench, Kafka: fount's kafka sink against a 3-broker librdkafka mock cluster (its own
# process, tests/helpers/kafka-mock), next to the librdkafka limit on this machine: a minimal C
# producer loop (scripts/kafka-ref.c) sending pre-built messages of the same size, keyed, with
# the same properties. Messages of about 200 bytes (profiles/bench-kafka.json), lz4. Printed as
# a ratio, never asserted. Each figure is the best of RUNS runs (the machine is shared).
#   scripts/bench-kafka.sh FOUNT
set -euo pipefail
FOUNT=${1:-./fount}
cd "$(dirname "$0")/.."
B=${O:-build}/tests
H=$B/helpers
N=${BENCH_KAFKA_EVENTS:-2000000}
RUNS=${BENCH_KAFKA_RUNS:-3}
PROFILE=profiles/bench-kafka.json
[ -x "$H/kafka-mock" ] && [ -x "$B/kafka-ref" ] && "$FOUNT" sinks | grep -q '^kafka ' || {
    echo "== kafka: skipped (no kafka sink or helpers: make with librdkafka-dev installed)"
    exit 0
}
D=$(mktemp -d /tmp/fount-bench-kafka.XXXXXX)
"$H/kafka-mock" -t fount:6 -t ref:6 "$D/boot" </dev/null >"$D/mock.log" 2>&1 &
MOCK=$!
trap 'kill $MOCK 2>/dev/null || true; rm -rf "$D"' EXIT
for _ in $(seq 100); do [ -s "$D/boot" ] && break; sleep 0.05; done
[ -s "$D/boot" ] || { cat "$D/mock.log"; exit 1; }
BOOT=$(cat "$D/boot")
# fount's defaults (sinks/kafka.c, docs/sinks/kafka.md), given to the reference as they are
PROPS="acks=all enable.idempotence=true linger.ms=20 batch.size=1000000 batch.num.messages=10000
       compression.type=lz4 queue.buffering.max.messages=100000 queue.buffering.max.kbytes=65536
       partitioner=murmur2_random message.timeout.ms=120000"
SIZE=$("$FOUNT" run "$PROFILE" --only clicks --events 100000 --to - --format jsonl 2>/dev/null |
    awk '{ s += length($0) } END { printf "%d", s / NR }')

echo "== kafka: $N messages of ~$SIZE bytes (JSON, keyed, lz4, acks=all, idempotent) to a 3-broker mock cluster"
best_f=0; best_r=0; line_f=""
for _ in $(seq "$RUNS"); do
    # shellcheck disable=SC2086
    r=$("$B/kafka-ref" "$BOOT" ref "$N" "$SIZE" $PROPS | sed -E 's/.* ([0-9]+) msgs\/s.*/\1/')
    [ "$r" -gt "$best_r" ] && best_r=$r
    for t in 1 2; do
        line=$("$FOUNT" run "$PROFILE" --only clicks --events "$N" --threads $t \
            --to "kafka://$BOOT/fount" 2>&1 | tail -n 1)
        f=$(echo "$line" | sed -E 's/.* ([0-9.]+) rows\/s.*/\1/'); f=${f%.*}
        if [ "$f" -gt "$best_f" ]; then best_f=$f; line_f="threads $t: $line"; fi
    done
done
printf '  librdkafka limit (kafka-ref): %9d msgs/s\n' "$best_r"
printf '  fount --to kafka://:          %9d msgs/s  (%s)\n' "$best_f" "$(echo "$line_f" | sed -E 's/^(threads [0-9]).* ([0-9]+) failed.*peak RSS ([0-9.]+ MiB).*/\1, \2 failed, peak RSS \3/')"
awk -v a="$best_f" -v b="$best_r" 'BEGIN { printf "  fount / limit: %.2f\n", a / b }'
