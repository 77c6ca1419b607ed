#!/usr/bin/env bats
# cdc.bats: a CDC stream (profiles/orders-cdc.json, orders_cdc) replayed in order in SQLite
# (sqlite3 only): an insert only for a key never seen, updates and deletes only of a live key,
# nothing after a delete, each before equal to the row as the previous change left it, inserts
# after the seeded rows; the same bytes for any --threads, shards that concatenate; SQL output
# that SQLite loads with valid JSON in before/after/source; --pace realtime refused.

load helpers

P=$ROOT/profiles/orders-cdc.json
S=orders_cdc

# load FILE: the envelopes into cdc.db, table e (n is the line number).
load_cdc() {
    sqlite3 cdc.db "CREATE TABLE j(line)" ".mode ascii" ".separator \"\t\" \"\n\"" ".import $1 j"
    sqlite3 cdc.db "
        CREATE TABLE e AS SELECT rowid AS n, json_extract(line, '\$.op') AS op,
            json_extract(line, '\$.key') AS k, json_extract(line, '\$.ts_ms') AS ts,
            json_extract(line, '\$.before') AS b, json_extract(line, '\$.after') AS a,
            json_extract(line, '\$.source.seq') AS seq,
            json_extract(line, '\$.source.ts_ms') AS sts,
            json_extract(line, '\$.source.table') AS tbl, json_valid(line) AS ok
        FROM j;
        CREATE TABLE x AS SELECT *, ROW_NUMBER() OVER w AS i, LAG(op) OVER w AS pop,
            LAG(a) OVER w AS pa, LAG(ts) OVER w AS pts
        FROM e WINDOW w AS (PARTITION BY k ORDER BY n);"
}

q() {
    sqlite3 cdc.db "$1"
}

@test "cdc: replaying the envelopes in order rebuilds a consistent table" {
    "$FOUNT" run "$P" --only $S --to cdc.jsonl --quiet
    n=$(wc -l < cdc.jsonl)
    [ "$n" -eq "$(rows_of "$P" $S)" ]
    load_cdc cdc.jsonl
    [ "$(q "SELECT count(*) FROM e WHERE ok")" -eq "$n" ]
    # a key starts with its insert: no before, an after whose id is the key
    [ "$(q "SELECT count(*) FROM x WHERE i = 1 AND
            (op <> 'c' OR b IS NOT NULL OR a IS NULL OR json_extract(a, '\$.id') <> k)")" -eq 0 ]
    # then only updates and at most one delete, never after the delete; each before is the
    # current row (the previous after), and time does not go back
    [ "$(q "SELECT count(*) FROM x WHERE i > 1 AND (op NOT IN ('u', 'd') OR pop = 'd'
            OR b IS NOT pa OR ts < pts)")" -eq 0 ]
    [ "$(q "SELECT count(*) FROM x WHERE (op = 'd' AND a IS NOT NULL) OR
            (op = 'u' AND (a IS NULL OR json_extract(a, '\$.id') <> k))")" -eq 0 ]
    # inserts come after the seeded rows: keys above the orders' count, each inserted once
    seeded=$(rows_of "$P" orders)
    [ "$(q "SELECT min(k) FROM e")" -eq $((seeded + 1)) ]
    [ "$(q "SELECT count(*) FROM e WHERE op = 'c'")" -eq "$(q "SELECT count(DISTINCT k) FROM e")" ]
    # updates change status or total, and always touch updated_at
    [ "$(q "SELECT count(*) FROM e WHERE op = 'u' AND
            json_extract(b, '\$.updated_at') >= json_extract(a, '\$.updated_at')")" -eq 0 ]
    [ "$(q "SELECT count(*) FROM e WHERE op = 'u' AND (json_extract(b, '\$.created_at') <>
            json_extract(a, '\$.created_at') OR json_extract(b, '\$.customer_id') <>
            json_extract(a, '\$.customer_id'))")" -eq 0 ]
    [ "$(q "SELECT count(*) FROM e WHERE op = 'u' AND json_extract(b, '\$.total') <>
            json_extract(a, '\$.total')")" -gt 0 ]
    # source: the table, the change time, and seq numbering the records
    [ "$(q "SELECT count(*) FROM e WHERE tbl <> 'orders' OR sts <> ts OR seq <> n - 1")" -eq 0 ]
    # about 5% of the rows deleted (7213 rows: 0.015 is 5.8 standard errors)
    run q "SELECT round(1.0 * sum(op = 'd') / sum(op = 'c'), 3) FROM e"
    echo "deleted share: $output"
    awk -v x="$output" 'BEGIN { exit !(x > 0.035 && x < 0.065) }'
}

@test "cdc: identical bytes for --threads 1 and 2, and 3 shards concatenate" {
    "$FOUNT" run "$P" --only $S --to t1.jsonl --threads 1 --quiet
    "$FOUNT" run "$P" --only $S --to t2.jsonl --threads 2 --quiet
    [ "$(sha t1.jsonl)" = "$(sha t2.jsonl)" ]
    for k in 0 1 2; do
        "$FOUNT" run "$P" --only $S --to "s$k.jsonl" --shard $k/3 --threads 2 --quiet
    done
    cat s0.jsonl s1.jsonl s2.jsonl | cmp - t1.jsonl
    # a longer run has several chunks, so the shards really split it
    "$FOUNT" run "$P" --only $S --duration 4h --to w.jsonl --quiet
    for k in 0 1 2; do
        "$FOUNT" run "$P" --only $S --duration 4h --to "l$k.jsonl" --shard $k/3 --quiet
    done
    [ -s l1.jsonl ]
    [ -s l2.jsonl ]
    cat l0.jsonl l1.jsonl l2.jsonl | cmp - w.jsonl
}

@test "cdc: SQL output loads into SQLite with JSON images, CSV quotes them" {
    "$FOUNT" schema "$P" --dialect sqlite > schema.sql
    grep -q '"before" TEXT,' schema.sql
    "$FOUNT" schema "$P" --dialect postgres | grep -q '"after" JSONB,'
    "$FOUNT" schema "$P" --dialect mysql | grep -q '`source` JSON NOT NULL'
    "$FOUNT" run "$P" --only $S --to - --format sql --quiet > data.sql
    { echo 'BEGIN;'; cat schema.sql data.sql; echo 'COMMIT;'; } | sqlite3 -bail t.db
    [ "$(sqlite3 t.db "SELECT count(*) FROM orders_cdc")" -eq "$(rows_of "$P" $S)" ]
    [ "$(sqlite3 t.db "SELECT count(*) FROM orders_cdc WHERE NOT json_valid(source)
            OR (after IS NOT NULL AND NOT json_valid(after))
            OR (before IS NOT NULL AND NOT json_valid(before))")" -eq 0 ]
    "$FOUNT" run "$P" --only $S --to c.csv --quiet
    head -1 c.csv | grep -qx 'op,ts_ms,key,before,after,source'
    sed -n 2p c.csv | grep -q '^c,[0-9]*,20001,,"{""id"":20001,'
}

@test "cdc: --pace realtime is refused with one line, exit 2" {
    run "$FOUNT" run "$P" --only $S --to - --pace realtime
    [ "$status" -eq 2 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"streams.orders_cdc: --pace realtime needs events in time order"* ]]
    [[ "$output" == *"a CDC stream is written instance by instance"* ]]
    # the table alone may be paced: it is no stream
    run "$FOUNT" run "$P" --only customers --to /dev/null --pace realtime --quiet
    [ "$status" -eq 0 ]
}

@test "cdc: faults per record are counted and deterministic, late events refused" {
    sed 's/"rate": 2,/"rate": 2, "faults": {"nulls": {"rate": 0.05, "fields": ["source"]}},/' \
        "$P" > f.json
    run "$FOUNT" run f.json --only $S --to f1.jsonl --threads 1
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"orders_cdc               faults: nulls "* ]]
    "$FOUNT" run f.json --only $S --to f2.jsonl --threads 2 --quiet
    cmp f1.jsonl f2.jsonl
    grep -q '"source":null' f1.jsonl
    sed 's/"rate": 2,/"rate": 2, "faults": {"late": {"rate": 0.05}},/' "$P" > l.json
    run "$FOUNT" check l.json
    [ "$status" -eq 2 ]
    [[ "$output" == *"streams.orders_cdc.faults.late: not supported on CDC streams yet"* ]]
}
