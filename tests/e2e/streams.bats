#!/usr/bin/env bats
# Streams end to end: determinism across threads and shards, faults in the summary, drift in JSON,
# and realtime pacing against the wall clock.

setup() {
    FOUNT=${FOUNT:-$PWD/fount}
    P=$BATS_TEST_DIRNAME/profiles
    T=$(mktemp -d)
}

teardown() {
    rm -rf "$T"
}

@test "a stream is byte-identical for --threads 1, 2 and 7" {
    for t in 1 2 7; do
        "$FOUNT" run "$P/stream-faults.json" --only clicks --to - --format jsonl --threads $t --quiet \
            | sha256sum > "$T/t$t"
    done
    cmp "$T/t1" "$T/t2"
    cmp "$T/t1" "$T/t7"
}

@test "stream shards concatenate to the whole stream" {
    "$FOUNT" run "$P/stream-clicks.json" --only clicks --to "$T/all.csv" --quiet
    for k in 0 1 2; do
        "$FOUNT" run "$P/stream-clicks.json" --only clicks --to "$T/s$k.csv" --shard $k/3 --quiet
    done
    cat "$T/s0.csv" "$T/s1.csv" "$T/s2.csv" | cmp - "$T/all.csv"
    [ "$(wc -l < "$T/s1.csv")" -gt 1000 ]
}

@test "event times ascend and stay inside the run's hour" {
    "$FOUNT" run "$P/stream-clicks.json" --only clicks --to "$T/c.csv" --quiet
    awk -F, 'NR > 2 && $1 < prev { print "out of order at line " NR; bad = 1 }
             NR > 1 { prev = $1; if ($1 < "2026-03-01T00:00:00" || $1 >= "2026-03-01T01:00:00") bad = 1 }
             END { exit bad }' "$T/c.csv"
}

@test "--events stops every stream after exactly N events" {
    "$FOUNT" run "$P/stream-clicks.json" --only clicks --to "$T/c.csv" --events 4321 --quiet
    [ "$(wc -l < "$T/c.csv")" -eq 4322 ]
}

@test "injected faults are counted in the summary and match the output" {
    run "$FOUNT" run "$P/stream-faults.json" --only clicks --to "$T/f.jsonl"
    [ "$status" -eq 0 ]
    line=$(echo "$output" | grep 'clicks .*faults:')
    drifted=$(echo "$line" | sed -E 's/.*drifted ([0-9]+).*/\1/')
    # after the drift at 5m the key "page" is gone and "path" takes over
    malformed=$(echo "$line" | sed -E 's/.*malformed ([0-9]+).*/\1/')
    # a truncated payload may have lost its version key: at most the malformed ones are missing
    v2=$(grep -ac '"schema_version":[23]' "$T/f.jsonl")
    [ "$v2" -le "$drifted" ]
    [ "$v2" -ge $((drifted - malformed)) ]
    ! grep -a '"schema_version":[23]' "$T/f.jsonl" | grep -aq '"page"'
    ! grep -a '"schema_version":1' "$T/f.jsonl" | grep -aq '"path"'
}

@test "every duplicate repeats an event id already sent, as many as the summary says" {
    run "$FOUNT" run "$P/stream-dups.json" --only clicks --to "$T/d.jsonl"
    [ "$status" -eq 0 ]
    dups=$(echo "$output" | grep 'clicks .*faults:' | sed -E 's/.*duplicates ([0-9]+).*/\1/')
    [ "$dups" -gt 300 ]
    [ "$dups" -lt 1000 ]
    extra=$(grep -o '"event_id":"[^"]*"' "$T/d.jsonl" | sort | uniq -c | awk '{ n += $1 - 1 } END { print n }')
    [ "$extra" -eq "$dups" ]
}

@test "malformed payloads are refused for SQL output, with exit status 2" {
    run "$FOUNT" run "$P/stream-faults.json" --only clicks --to "$T/f.sql"
    [ "$status" -eq 2 ]
    [[ "$output" == *"need a byte output"* ]]
    [ ! -e "$T/f.sql" ]
}

@test "--pace realtime holds 20,000 events/s within 2% over 10 seconds" {
    run "$FOUNT" run "$P/stream-rate.json" --to /dev/null --pace realtime
    [ "$status" -eq 0 ]
    last=$(echo "$output" | tail -n 1)
    rows=$(echo "$last" | sed -E 's/^([0-9]+) rows written.*/\1/')
    secs=$(echo "$last" | sed -E 's/.* in ([0-9.]+) s:.*/\1/')
    awk -v r="$rows" -v s="$secs" 'BEGIN {
        rate = r / s; printf "rate %.0f/s over %.2f s\n", rate, s
        exit !(rate > 19600 && rate < 20400 && s > 9.9 && s < 10.5) }'
}

@test "--speed replays the curve faster on the wall clock" {
    start=$(date +%s.%N)
    "$FOUNT" run "$P/stream-clicks.json" --only clicks --to /dev/null --duration 10m --speed 300 --quiet
    end=$(date +%s.%N)
    awk -v a="$start" -v b="$end" 'BEGIN { d = b - a; exit !(d > 1.9 && d < 3.0) }'
}
