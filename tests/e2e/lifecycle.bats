#!/usr/bin/env bats
# lifecycle.bats: a lifecycle stream (profiles/orders-cdc.json, order_events) written as JSON Lines
# and replayed in SQLite (sqlite3 only: its JSON functions read both the records and the profile):
# per key the states follow the profile's transitions from the initial state to a terminal one,
# times never decrease, instances come whole and in creation order; the bytes are the same for
# any --threads and --shard slices concatenate; --pace realtime is refused.

load helpers

P=$ROOT/profiles/orders-cdc.json
S=order_events

# load FILE: the records into ev.db, table ev (n is the line number), and the profile's
# transitions (with probability > 0) into table allowed.
load_events() {
    sqlite3 ev.db "CREATE TABLE j(line)" ".mode ascii" ".separator \"\t\" \"\n\"" ".import $1 j"
    sqlite3 ev.db "
        CREATE TABLE ev AS SELECT rowid AS n,
            json_extract(line, '\$.order_id') AS k, json_extract(line, '\$.state') AS state,
            json_extract(line, '\$.previous') AS prev, json_extract(line, '\$.step') AS step,
            json_extract(line, '\$.at') AS at, json_extract(line, '\$.event_id') AS id
        FROM j;
        CREATE TABLE states AS SELECT s.key AS name,
            json_extract(s.value, '\$.next') IS NULL AS terminal
        FROM json_each(readfile('$P'), '\$.streams.$S.lifecycle.states') s;
        CREATE TABLE allowed AS SELECT s.key AS a, x.key AS b
        FROM json_each(readfile('$P'), '\$.streams.$S.lifecycle.states') s,
             json_each(s.value, '\$.next') x WHERE x.value > 0;"
}

q() {
    sqlite3 ev.db "$1"
}

@test "lifecycle: every path is a walk of the state machine, in time order per key" {
    "$FOUNT" run "$P" --only $S --to ev.jsonl --quiet
    n=$(wc -l < ev.jsonl)
    [ "$n" -eq "$(rows_of "$P" $S)" ]
    load_events ev.jsonl
    initial=$(q "SELECT json_extract(readfile('$P'), '\$.streams.$S.lifecycle.initial')")
    max=$(q "SELECT json_extract(readfile('$P'), '\$.streams.$S.lifecycle.max_steps')")
    [ "$initial" = created ]
    [ "$max" -eq 16 ]
    q "CREATE TABLE x AS SELECT *, LAG(state) OVER w AS pstate, LAG(step) OVER w AS pstep,
            LAG(at) OVER w AS pat, LEAD(k) OVER (ORDER BY n) AS nextk,
            LAG(k) OVER (ORDER BY n) AS prevk, ROW_NUMBER() OVER w AS i
        FROM ev WINDOW w AS (PARTITION BY k ORDER BY n)"
    # the first event of a key: the initial state, step 0, no previous state
    [ "$(q "SELECT count(*) FROM x WHERE i = 1 AND
            (state <> '$initial' OR step <> 0 OR prev IS NOT NULL)")" -eq 0 ]
    # each next one: an allowed transition, the previous state named, the step counted, and a
    # time that does not go back (ISO 8601 UTC text of one precision sorts as time)
    [ "$(q "SELECT count(*) FROM x WHERE i > 1 AND (prev IS NOT pstate OR step <> pstep + 1
            OR at < pat
            OR NOT EXISTS (SELECT 1 FROM allowed WHERE a = pstate AND b = state))")" -eq 0 ]
    # a path ends in a terminal state, or at max_steps
    [ "$(q "SELECT count(*) FROM x WHERE (nextk IS NULL OR nextk <> k) AND step < $max - 1
            AND state NOT IN (SELECT name FROM states WHERE terminal)")" -eq 0 ]
    # instances are whole and in creation order: a key's events are contiguous, keys ascend
    # (the keys are orders.id, a sequence)
    [ "$(q "SELECT count(*) FROM x WHERE prevk IS NOT NULL AND k <> prevk AND
            (step <> 0 OR k <> prevk + 1)")" -eq 0 ]
    # every state of the machine shows up, event ids are unique (per_event)
    [ "$(q "SELECT count(DISTINCT state) FROM ev")" -eq "$(q "SELECT count(*) FROM states")" ]
    [ "$(q "SELECT count(DISTINCT id) FROM ev")" -eq "$n" ]
    # and the global order is instance order, not time order: said in docs/streams.md
    [ "$(q "SELECT count(*) FROM (SELECT at, LAG(at) OVER (ORDER BY n) AS p FROM ev)
            WHERE at < p")" -gt 0 ]
}

@test "lifecycle: transition shares are close to the profile's probabilities" {
    "$FOUNT" run "$P" --only $S --to ev.jsonl --quiet
    load_events ev.jsonl
    # created -> paid 0.85 over about 9000 orders: 0.015 is 4 standard errors (0.0038)
    run q "SELECT round(avg(state = 'paid'), 3) FROM ev WHERE prev = 'created'"
    echo "created -> paid: $output"
    awk -v x="$output" 'BEGIN { exit !(x > 0.835 && x < 0.865) }'
}

@test "lifecycle: identical bytes for --threads 1 and 2, and 3 shards concatenate" {
    "$FOUNT" run "$P" --only $S --to t1.jsonl --threads 1 --quiet
    "$FOUNT" run "$P" --only $S --to t2.jsonl --threads 2 --quiet
    [ "$(sha t1.jsonl)" = "$(sha t2.jsonl)" ]
    for k in 0 1 2; do
        "$FOUNT" run "$P" --only $S --to "s$k.jsonl" --shard $k/3 --threads 2 --quiet
    done
    [ -s s1.jsonl ]
    [ -s s2.jsonl ]
    cat s0.jsonl s1.jsonl s2.jsonl | cmp - t1.jsonl
    # CSV too, and the header once
    "$FOUNT" run "$P" --only $S --to w.csv --quiet
    for k in 0 1 2; do
        "$FOUNT" run "$P" --only $S --to "s$k.csv" --shard $k/3 --quiet
    done
    cat s0.csv s1.csv s2.csv | cmp - w.csv
}

@test "lifecycle: --events bounds records, cutting the last path short" {
    "$FOUNT" run "$P" --only $S --to ev.jsonl --events 1001 --quiet
    [ "$(wc -l < ev.jsonl)" -eq 1001 ]
    "$FOUNT" run "$P" --only $S --to all.jsonl --quiet
    head -n 1001 all.jsonl | cmp - ev.jsonl
}

@test "lifecycle: --pace realtime is refused with one line, exit 2" {
    run "$FOUNT" run "$P" --only $S --to - --pace realtime
    [ "$status" -eq 2 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"streams.order_events: --pace realtime needs events in time order"* ]]
    run "$FOUNT" run "$P" --to - --speed 10
    [ "$status" -eq 2 ]
}

@test "lifecycle: faults per record (nulls, malformed, drift) are counted, duplicates refused" {
    local faults='"faults": {"nulls": {"rate": 0.1, "fields": ["channel"]},
        "malformed": {"rate": 0.01, "kinds": ["wrong_type"]},
        "drift": {"changes": [{"at": "30m", "rename": {"from": "channel", "to": "source"}}]}},'
    faults=$(echo $faults)
    sed "s/\"key\": \"order_id\",/\"key\": \"order_id\", $faults/" "$P" > f.json
    run "$FOUNT" run f.json --only $S --to f.jsonl
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"order_events             faults: nulls "*" malformed "*" drifted "* ]]
    grep -q '"source":' f.jsonl
    "$FOUNT" run f.json --only $S --to f2.jsonl --threads 1 --quiet
    cmp f.jsonl f2.jsonl
    sed 's/"key": "order_id",/"key": "order_id", "faults": {"duplicates": {"rate": 0.1}},/' \
        "$P" > d.json
    run "$FOUNT" check d.json
    [ "$status" -eq 2 ]
    [[ "$output" == *"order_events.faults.duplicates: not supported on lifecycle streams"* ]]
}
