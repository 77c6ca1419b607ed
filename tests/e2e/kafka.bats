#!/usr/bin/env bats
# kafka.bats: the kafka sink against librdkafka's mock cluster (3 brokers on 127.0.0.1), run as
# its own process by tests/helpers/kafka-mock for this file; faults are injected through its
# command pipe. fount produces over TCP; kcat reads back, assigning partitions itself (no group).
# Checked: every event consumed exactly once with its key, murmur2 partition, headers and
# timestamp, and the summary's counts equal to what the topic holds; retriable errors retried,
# a non-retriable one counted (exit 1), a broker down mid-run losing nothing; a bad property, an
# unreachable cluster, a missing topic and Ctrl-C each as docs/sinks/kafka.md describes.
# The mock keeps about 60,000 messages per partition: runs here stay well below.

load helpers

CLICKS=$ROOT/tests/e2e/profiles/kafka-clicks.json
HELPER_DIR=$HELPERS

setup_file() {
    FOUNT=${FOUNT:-$PWD/fount}
    "$FOUNT" sinks | grep -q '^kafka ' ||
        { echo "this fount has no kafka sink: make check installs librdkafka (scripts/bootstrap)" >&2; return 1; }
    command -v kcat >/dev/null || { echo "kcat is missing (scripts/bootstrap installs it)" >&2; return 1; }
    [ -x "$HELPER_DIR/kafka-mock" ] || { echo "$HELPER_DIR/kafka-mock is missing (make)" >&2; return 1; }
    KM=$(mktemp -d /tmp/fount-kafka.XXXXXX)
    export KM
    mkfifo "$KM/ctl"
    local t args=()
    for t in clicks:6 users:3 retry:6 denied:6 down:6 int:6 gone:6 bp:6 csv:2; do args+=(-t "$t"); done
    "$HELPER_DIR/kafka-mock" "${args[@]}" -c "$KM/ctl" "$KM/boot" >"$KM/mock.log" 2>&1 3>&- &
    echo $! >"$KM/pid"
    for _ in $(seq 100); do [ -s "$KM/boot" ] && break; sleep 0.05; done
    [ -s "$KM/boot" ] || { cat "$KM/mock.log" >&2; return 1; }
}

teardown_file() {
    [ -n "${KM:-}" ] || return 0
    [ -s "$KM/pid" ] && kill "$(cat "$KM/pid")" 2>/dev/null || true
    rm -rf "$KM"
}

boot() { cat "$KM/boot"; }
# km COMMAND: a fault for the mock cluster (see tests/helpers/kafka-mock.c), then a moment for it
km() {
    case $1 in errors | down) touch "$KM/dirty" ;; esac
    echo "$*" >"$KM/ctl"
    sleep 0.2
}

# A fault a test injected and its run did not use up (errors left on the stack, a broker left
# down by a failed assertion) must not reach the next test: CI once saw a TOPIC_AUTHORIZATION_FAILED
# pushed for one test fail the next one's records.
teardown() {
    [ -e "$KM/dirty" ] || return 0
    rm -f "$KM/dirty"
    printf 'clear Produce\nclear Metadata\nup 1\nup 2\nup 3\n' >"$KM/ctl"
    sleep 0.3
}
consume() { kcat -C -b "$(boot)" -t "$1" -e -q -f "$2" 2>/dev/null; }
written() { sed -n 's/^\([0-9]*\) rows written.*/\1/p' "$1"; }
failed() { sed -n 's/^[0-9]* rows written, \([0-9]*\) failed.*/\1/p' "$1"; }

@test "kafka: every event once, with its key, murmur2 partition, headers and event time" {
    run "$FOUNT" run "$CLICKS" --only clicks --events 20000 --to "kafka://$(boot)/clicks"
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$(written <(echo "$output"))" -eq 20000 ]
    [[ "$output" == *"clicks: busiest partition "*" of 6 (topic clicks): "*"% of messages (uniform would be 16.7%)"* ]]
    [[ "$output" == *"clicks: latency p50"* ]]
    consume clicks $'%p\t%k\t%T\t%h\t%s\n' >got.tsv
    [ "$(wc -l <got.tsv)" -eq 20000 ]
    # the values are the JSON Lines of the same seed, each once
    "$FOUNT" run "$CLICKS" --only clicks --events 20000 --to - --format jsonl 2>/dev/null | sort >want.jsonl
    cut -f5 got.tsv | sort >got.jsonl
    cmp want.jsonl got.jsonl
    # the key is user_id; the partition is murmur2 of the key, as the Java client picks it
    awk -F'\t' '{ if ($5 !~ "\"user_id\":" $2 ",") { print "bad key: " $0; exit 1 } }' got.tsv
    cut -f2 got.tsv | "$HELPER_DIR/kafka-mock" --murmur2 6 >want.parts
    cut -f1 got.tsv | cmp - want.parts
    # headers: a static one and two fields; the timestamp is the event time in ms
    awk -F'\t' '{
        split($5, a, "\"page\":\""); split(a[2], b, "\"");
        if ($4 != "source=fount,user=" $2 ",page=" b[1]) { print "bad headers: " $0; exit 1 }
        split($5, t, "\"ts\":\"2026-01-01T"); h = substr(t[2], 1, 2); m = substr(t[2], 4, 2);
        s = substr(t[2], 7, 2); ms = substr(t[2], 10, 3);
        if ($3 != 1767225600000 + ((h * 60 + m) * 60 + s) * 1000 + ms) { print "bad ts: " $0; exit 1 }
    }' got.tsv
}

@test "kafka: entities go to one topic each ({relation}), keyed by the primary key" {
    run "$FOUNT" run "$CLICKS" --only users --to "kafka://$(boot)/{relation}" -q
    [ "$status" -eq 0 ]
    consume users $'%k %s\n' >got.txt
    [ "$(wc -l <got.txt)" -eq 1000 ]
    awk '{ if ($2 !~ "^\\{\"id\":" $1 ",") { print "bad: " $0; exit 1 } }' got.txt
    [ "$(cut -d' ' -f1 got.txt | sort -n | uniq | wc -l)" -eq 1000 ]
}

@test "kafka: --format csv makes each message one CSV line, without a header" {
    run "$FOUNT" run "$CLICKS" --only clicks --events 500 --format csv -o key=none \
        --to "kafka://$(boot)/csv" -q
    [ "$status" -eq 0 ]
    consume csv $'%k|%s\n' >got.txt
    [ "$(wc -l <got.txt)" -eq 500 ]
    [ "$(grep -c '^|ts,' got.txt)" -eq 0 ]
    [ "$(grep -c '^|2026-01-01T' got.txt)" -eq 500 ]
}

@test "kafka: retriable errors on Produce are retried and nothing is lost" {
    km errors Produce 5 NOT_LEADER_FOR_PARTITION
    run "$FOUNT" run "$CLICKS" --only clicks --events 5000 --to "kafka://$(boot)/retry"
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$(failed <(echo "$output"))" -eq 0 ]
    [ "$(consume retry '%s\n' | wc -l)" -eq 5000 ]
    [ "$(consume retry '%s\n' | sort -u | wc -l)" -eq 5000 ]
}

@test "kafka: a non-retriable error is counted by its name, reported, and exits 1" {
    km errors Produce 3 TOPIC_AUTHORIZATION_FAILED
    run "$FOUNT" run "$CLICKS" --only clicks --events 5000 --to "kafka://$(boot)/denied"
    echo "$output"
    [ "$status" -eq 1 ]
    [[ "$output" == *"clicks: failed: kafka: Broker: Topic authorization failed "* ]]
    w=$(written <(echo "$output")); f=$(failed <(echo "$output"))
    [ "$f" -gt 0 ]
    [ $((w + f)) -eq 5000 ]
    n=$(echo "$output" | sed -n 's/.*Topic authorization failed \([0-9]*\).*/\1/p')
    [ "$n" -eq "$f" ]
    [ "$(consume denied '%s\n' | wc -l)" -eq "$w" ]
}

@test "kafka: a broker taken down mid-run and brought back loses nothing (idempotence on)" {
    ( sleep 0.7; km down 1; sleep 1.5; km up 1 ) &
    run "$FOUNT" run "$CLICKS" --only clicks --events 15000 --speed 50 --to "kafka://$(boot)/down"
    wait
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$(written <(echo "$output"))" -eq 15000 ]
    consume down '%s\n' >got.jsonl
    [ "$(wc -l <got.jsonl)" -eq 15000 ]
    [ "$(sort -u got.jsonl | wc -l)" -eq 15000 ]
}

@test "kafka: a property librdkafka rejects is a usage error that names it (exit 2)" {
    run "$FOUNT" run "$CLICKS" --only clicks --events 10 --to "kafka://$(boot)/clicks" -X linger.mss=5
    echo "$output"
    [ "$status" -eq 2 ]
    [[ "$output" == *'-X linger.mss: No such configuration property: "linger.mss"'* ]]
    run "$FOUNT" run "$CLICKS" --only clicks --events 10 --to "kafka://$(boot)/clicks" -X acks=lots
    [ "$status" -eq 2 ]
    [[ "$output" == *"-X acks: Invalid value"* ]]
    run "$FOUNT" run "$CLICKS" --only clicks --events 10 --to out.csv -X acks=all
    [ "$status" -eq 2 ]
    [[ "$output" == *"the file sink takes no pass-through properties"* ]]
}

@test "kafka: the profile's sinks.kafka section is checked at load, with file:line:col" {
    sed -e 's/"rdkafka.linger.ms": 5/"rdkafka.linger.mss": 5, "topik": "x"/' \
        -e 's/"user": "{user_id}"/"user": "{usr_id}"/' "$CLICKS" >p.json
    run "$FOUNT" check p.json
    echo "$output"
    [ "$status" -eq 2 ]
    [[ "$output" == *'p.json:'*': sinks.kafka.rdkafka.linger.mss: librdkafka property linger.mss: No such configuration property: "linger.mss"'* ]]
    [[ "$output" == *'p.json:'*': sinks.kafka.topik: unknown key "topik" (did you mean "topic"?)'* ]]
    [[ "$output" == *'sinks.kafka.relations.clicks.headers.user: clicks has no field "usr_id" (did you mean "user_id"?)'* ]]
}

@test "kafka: an unreachable cluster is one line within the connect timeout (exit 1)" {
    start=$(date +%s)
    run "$FOUNT" run "$CLICKS" --only clicks --events 10 --to "kafka://127.0.0.1:1/clicks" \
        -o connect_timeout=2s
    echo "$output"
    [ "$status" -eq 1 ]
    [ $(($(date +%s) - start)) -le 5 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == "fount: kafka.0: cannot reach Kafka at 127.0.0.1:1 within 2 s"* ]]
}

@test "kafka: a topic that does not exist is one line (exit 1), and is not created" {
    run "$FOUNT" run "$CLICKS" --only clicks --events 10 --to "kafka://$(boot)/nosuch"
    echo "$output"
    [ "$status" -eq 1 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"topic nosuch does not exist at "* ]]
    [ -z "$(kcat -L -b "$(boot)" 2>/dev/null | grep '"nosuch"')" ]
}

@test "kafka: Ctrl-C flushes; the summary's counts are what the topic holds" {
    "$FOUNT" run "$CLICKS" --only clicks --events 100000 --speed 50 --to "kafka://$(boot)/int" 2>err.txt &
    pid=$!
    sleep 1.5
    kill -INT $pid
    status=0
    wait $pid || status=$?
    cat err.txt
    [ "$status" -eq 130 ]
    grep -q '(interrupted)$' err.txt
    w=$(written err.txt)
    [ "$w" -gt 0 ] && [ "$w" -lt 100000 ]
    [ "$(failed err.txt)" -eq 0 ]
    [ "$(consume int '%s\n' | wc -l)" -eq "$w" ]
}

@test "kafka: what the cluster never acknowledged by the flush timeout counts as failed" {
    "$FOUNT" run "$CLICKS" --only clicks --events 100000 --speed 50 -o flush_timeout=1s \
        --to "kafka://$(boot)/gone" 2>err.txt &
    pid=$!
    sleep 1
    km down 1; km down 2; km down 3
    sleep 0.5
    kill -INT $pid
    status=0
    wait $pid || status=$?
    km up 1; km up 2; km up 3
    cat err.txt
    [ "$status" -eq 130 ]
    grep -q 'clicks: failed: kafka: undelivered at exit (flush timed out) ' err.txt
    w=$(written err.txt)
    f=$(failed err.txt)
    # every acknowledged message is there; an unacknowledged one may be too (the broker can
    # store a message whose acknowledgement the outage lost), never anything beyond those
    c=$(consume gone '%s\n' | wc -l)
    echo "written $w, failed $f, consumed $c"
    [ "$c" -ge "$w" ]
    [ "$c" -le $((w + f)) ]
}

# #6: Ctrl-C while the local queue was full and the brokers down kept waiting for room
# (up to message.timeout.ms) before the flush began.
@test "kafka: Ctrl-C with the queue full and every broker down exits 130 at once, counts exact" {
    "$FOUNT" run "$CLICKS" --only clicks --events 100000 --speed 50 -o flush_timeout=1s \
        -X queue.buffering.max.messages=1000 -X message.timeout.ms=60000 \
        --to "kafka://$(boot)/bp" 2>err.txt &
    pid=$!
    sleep 1
    km down 1; km down 2; km down 3
    sleep 1.5 # 5,000 records/s: the queue of 1,000 is full after 0.2 s
    start=$(date +%s.%N)
    kill -INT $pid
    status=0
    wait $pid || status=$?
    took=$(echo "$(date +%s.%N) - $start" | bc)
    km up 1; km up 2; km up 3
    cat err.txt
    echo "took $took s"
    [ "$status" -eq 130 ]
    [ "$(echo "$took < 5" | bc)" -eq 1 ]
    grep -q 'interrupted: [0-9]* records not queued (the local queue was full)' err.txt
    grep -q '(interrupted)$' err.txt
    w=$(written err.txt); f=$(failed err.txt)
    [ "$f" -gt 1000 ]
    # what the summary counts is what was made, and what it counts written is what the topic holds
    echo "written $w failed $f"
    [ "$(consume bp '%s\n' | wc -l)" -eq "$w" ]
}
