#!/usr/bin/env bats
# pgsql.bats: the postgres sink against a real PostgreSQL, started for this file on 127.0.0.1 and a
# free port in a temporary directory (scripts/pg-server.sh) and stopped in teardown_file, whatever
# happened. shop.json goes in once (setup_file) and is checked: row counts as `fount check` says,
# no orphan for any foreign key, values equal to the CSV output of the same seed, column types as
# declared, the secondary indexes. Then each error case: wrong password, missing database,
# connection refused, refusal to clobber, --replace, --append, constraint violations, Ctrl-C and
# a killed connection (exact counts), options and the schema parameter.

load helpers

SCALE=0.1

setup_file() {
    FOUNT=${FOUNT:-$PWD/fount}
    if ! "$FOUNT" sinks | grep -q '^postgres '; then
        { echo "this fount has no postgres sink: make check installs it (scripts/bootstrap)" >&2; return 1; }
    fi
    if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
        { echo "PostgreSQL is not installed (scripts/bootstrap installs it): make check installs it (scripts/bootstrap)" >&2; return 1; }
    fi
    PGTEST=$(mktemp -d /tmp/fount-pg.XXXXXX)
    export PGTEST
    "$BATS_TEST_DIRNAME/../../scripts/pg-server.sh" start "$PGTEST" >/dev/null
    # The shop, loaded once; tests that change data use databases of their own.
    admin -c "CREATE DATABASE shop OWNER fount"
    "$FOUNT" run "$BATS_TEST_DIRNAME/../../profiles/shop.json" --scale $SCALE \
        --to "$(uri shop)" >"$PGTEST/shop.out" 2>&1 || {
        cat "$PGTEST/shop.out" >&2
        return 1
    }
}

teardown_file() {
    [ -n "${PGTEST:-}" ] || return 0
    "$BATS_TEST_DIRNAME/../../scripts/pg-server.sh" stop "$PGTEST" || true
    rm -rf "$PGTEST"
}

port() { cat "$PGTEST/port"; }
uri() { echo "postgres://fount:fount@127.0.0.1:$(port)/$1"; }
# Superuser over the server's socket (trusted); fount's own user over TCP.
admin() { psql -X -q -v ON_ERROR_STOP=1 -h "$PGTEST" -p "$(port)" -U postgres -d postgres "$@"; }
q() { # q DB SQL: one value per line, unaligned
    psql -X -q -t -A -v ON_ERROR_STOP=1 "$(uri "$1")" -c "$2"
}
newdb() { admin -c "CREATE DATABASE \"$1\" OWNER fount"; }

@test "shop.json loads: exit 0, every relation in the summary" {
    total=$("$FOUNT" check "$SHOP" --scale $SCALE | sed -n '1s/.*, \([0-9]*\) rows$/\1/p')
    [ -n "$total" ]
    run cat "$PGTEST/shop.out"
    echo "$output"
    [[ "$output" == *"
$total rows written, 0 failed"* ]]
    for e in $(entities_of "$SHOP" --scale $SCALE); do
        [[ "$output" == *"
$e "* ]]
    done
}

@test "row counts equal fount check's" {
    for e in $(entities_of "$SHOP" --scale $SCALE); do
        want=$(rows_of "$SHOP" "$e" --scale $SCALE)
        have=$(q shop "SELECT count(*) FROM $e")
        echo "$e: want $want, have $have"
        [ "$want" -eq "$have" ]
    done
}

@test "no orphan for any foreign key (LEFT JOIN per constraint)" {
    # every foreign key of the database, from the catalog: table, column, parent, parent column
    run q shop "SELECT tc.table_name || ' ' || kcu.column_name || ' ' || ccu.table_name || ' ' ||
                       ccu.column_name
                FROM information_schema.table_constraints tc
                JOIN information_schema.key_column_usage kcu USING (constraint_schema, constraint_name)
                JOIN information_schema.constraint_column_usage ccu
                     USING (constraint_schema, constraint_name)
                WHERE tc.constraint_type = 'FOREIGN KEY' ORDER BY 1"
    echo "$output"
    # as many as the profile declares
    [ "${#lines[@]}" -eq "$("$FOUNT" schema "$SHOP" --dialect postgres | grep -c 'FOREIGN KEY')" ]
    [ "${#lines[@]}" -ge 4 ]
    for fk in "${lines[@]}"; do
        read -r t c p pc <<<"$fk"
        n=$(q shop "SELECT count(*) FROM $t x LEFT JOIN $p y ON x.$c = y.$pc WHERE y.$pc IS NULL")
        echo "$t.$c -> $p.$pc: $n orphans"
        [ "$n" -eq 0 ]
    done
}

# csv_select DB TABLE: a SELECT that spells each row as fount's CSV does, built from the catalog:
# timestamps 2024-02-22T14:44:05Z (.130Z with ms), booleans true/false, NULL as an empty field,
# and a text field quoted when it holds , " CR or LF, starts or ends with a space or tab, or is
# empty. Everything else is PostgreSQL's own text (numeric keeps its scale: 82.10).
csv_select() {
    local c ty p f x sel=""
    while IFS='|' read -r c ty p; do
        case $ty in
        timestamp*)
            case $p in 3) f=.MS ;; 6) f=.US ;; *) f= ;; esac
            x="to_char(\"$c\", 'YYYY-MM-DD\"T\"HH24:MI:SS$f\"Z\"')" ;;
        boolean) x="CASE WHEN \"$c\" THEN 'true' WHEN NOT \"$c\" THEN 'false' END" ;;
        text) x="CASE WHEN \"$c\" = '' OR \"$c\" ~ '[,\"\\r\\n]|^[ \\t]|[ \\t]\$'
                 THEN '\"' || replace(\"$c\", '\"', '\"\"') || '\"' ELSE \"$c\" END" ;;
        *) x="\"$c\"::text" ;;
        esac
        sel="$sel${sel:+, }coalesce($x, '')"
    done < <(q "$1" "SELECT column_name, data_type, datetime_precision FROM information_schema.columns
                     WHERE table_name = '$2' ORDER BY ordinal_position")
    echo "SELECT concat_ws(',', $sel) FROM \"$2\" ORDER BY id"
}

@test "values equal the CSV output of the same seed, for every table" {
    cd "$T"
    "$FOUNT" run "$SHOP" --scale $SCALE --to file:csv/ --format csv --quiet
    for t in $(entities_of "$SHOP" --scale $SCALE); do
        psql -X -q -A -t "$(uri shop)" -c "$(csv_select shop "$t")" >"db_$t.csv"
        tail -n +2 "csv/$t.csv" >"want_$t.csv"
        echo "$t: $(wc -l <"want_$t.csv") rows"
        diff "want_$t.csv" "db_$t.csv" | head -5
        [ -s "want_$t.csv" ]
        cmp "want_$t.csv" "db_$t.csv"
    done
}

@test "column types are those fount schema --dialect postgres declares (catalog)" {
    cd "$T"
    # "name" TYPE [NOT NULL] ... as format_type() spells them: TIMESTAMP(3) is
    # timestamp(3) without time zone, the others in lower case
    "$FOUNT" schema "$SHOP" --dialect postgres | awk '
        /^CREATE TABLE/ { t = $3; gsub(/"/, "", t) }
        /^  "/ { c = $1; gsub(/"/, "", c); ty = tolower($2); sub(/,$/, "", ty)
                 if ($2 == "DOUBLE") ty = "double precision"
                 if (ty ~ /^timestamp/) ty = ty " without time zone"
                 print t "." c " " ty " " ($0 ~ /NOT NULL/ ? "NO" : "YES") }' | sort >want
    q shop "SELECT c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) ||
                   CASE WHEN a.attnotnull THEN ' NO' ELSE ' YES' END
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0
              AND NOT a.attisdropped" | sort >have
    cat have
    [ "$(wc -l <want)" -ge 30 ]
    diff want have
}

@test "primary keys, unique constraints and the profile's secondary indexes exist" {
    run q shop "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1"
    echo "$output"
    for i in orders_customer_id_idx orders_ordered_at_idx order_items_order_id_idx \
        products_category_idx orders_pkey orders_order_uuid_key customers_email_key; do
        [[ " ${lines[*]} " == *" $i "* ]]
    done
}

@test "special characters round-trip exactly (tab, newline, CR, backslash, quotes, UTF-8, '')" {
    cd "$T"
    cat >odd.json <<'EOF'
{"seed": 1, "entities": {"odd": {"count": 3, "fields": {
  "id": {"type": "sequence"},
  "tab": {"type": "choice", "values": ["a\tb"]},
  "nl": {"type": "choice", "values": ["line\nbreak\r\n"]},
  "bs": {"type": "choice", "values": ["back\\slash \\N \\."]},
  "quote": {"type": "choice", "values": ["O'Brien \"x\""]},
  "utf8": {"type": "choice", "values": ["Léa 日本 🙂"]},
  "empty": {"type": "choice", "values": [""]},
  "none": {"type": "string", "pattern": "x", "null_rate": 1.0}
}}}}
EOF
    newdb odd
    "$FOUNT" run odd.json --to "$(uri odd)" --quiet
    run q odd "SELECT count(*) FILTER (WHERE tab = E'a\\tb' AND nl = E'line\\nbreak\\r\\n'
                      AND bs = E'back\\\\slash \\\\N \\\\.' AND quote = 'O''Brien \"x\"'
                      AND utf8 = 'Léa 日本 🙂' AND empty = '' AND none IS NULL) FROM odd"
    echo "$output"
    [ "$output" = 3 ]
}

@test "COPY BINARY and COPY text store the same values, for every column type" {
    cd "$T"
    cat >types.json <<'EOF'
{"seed": 3, "entities": {"x": {"count": 5000, "fields": {
  "id": {"type": "sequence"},
  "i": {"type": "int", "min": -1000000000000, "max": 1000000000000, "null_rate": 0.1},
  "f": {"type": "float", "min": -1000, "max": 1000},
  "f1": {"type": "float", "min": -40, "max": 60, "decimals": 1, "null_rate": 0.1},
  "d0": {"type": "decimal", "precision": 18, "scale": 0, "min": -99999999999999999, "max": 99999999999999999},
  "d2": {"type": "decimal", "precision": 12, "scale": 2, "min": -1000, "max": 1000},
  "d6": {"type": "decimal", "precision": 7, "scale": 6, "min": -1, "max": 1},
  "d18": {"type": "decimal", "precision": 18, "scale": 18, "min": -0.9, "max": 0.9},
  "t0": {"type": "timestamp", "min": "1900-01-01", "max": "2100-01-01"},
  "t3": {"type": "timestamp", "min": "1960-01-01", "max": "2040-01-01", "precision": "ms"},
  "t6": {"type": "timestamp", "min": "1999-12-31", "max": "2000-01-02", "precision": "us"},
  "dt": {"type": "date", "min": "1950-01-01", "max": "2060-12-31", "null_rate": 0.1},
  "u": {"type": "uuid"},
  "b": {"type": "bool", "probability": 0.5, "null_rate": 0.1},
  "s": {"type": "string", "pattern": "??-##", "null_rate": 0.1}
}}}}
EOF
    newdb types
    "$FOUNT" run types.json --to "$(uri types)?schema=bin" --quiet
    "$FOUNT" run types.json --to "$(uri types)?schema=txt" -o copy=text --quiet
    [ "$(q types "SELECT count(*) FROM bin.x")" -eq 5000 ]
    [ "$(q types "SELECT count(*) FROM txt.x")" -eq 5000 ]
    [ "$(q types "SELECT count(*) FROM (SELECT * FROM bin.x EXCEPT SELECT * FROM txt.x) d")" -eq 0 ]
    [ "$(q types "SELECT count(*) FROM (SELECT * FROM txt.x EXCEPT SELECT * FROM bin.x) d")" -eq 0 ]
    # and the numbers are the CSV's, in the spelling both share
    "$FOUNT" run types.json --to - --format csv --quiet | cut -d, -f1,2,5,6,7,8 | tail -n +2 >want
    psql -X -q "$(uri types)" \
        -c "\\copy (SELECT id, i, d0, d2, d6, d18 FROM bin.x ORDER BY id) TO STDOUT CSV" >have
    diff want have | head -5
    cmp want have
}

@test "wrong password: one line, exit 1" {
    run "$FOUNT" run "$SHOP" --scale 0.01 --to "postgres://fount:wrong@127.0.0.1:$(port)/shop"
    echo "$output"
    [ "$status" -eq 1 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == "fount: postgres.0: cannot connect to PostgreSQL at 127.0.0.1:$(port)"* ]]
    [[ "$output" == *'password authentication failed for user "fount"' ]]
}

@test "missing database: exit 1" {
    run "$FOUNT" run "$SHOP" --scale 0.01 --to "$(uri nosuchdb)"
    echo "$output"
    [ "$status" -eq 1 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *'database "nosuchdb" does not exist' ]]
}

@test "connection refused (a closed port): exit 1, fast" {
    p=1
    for try in $(seq 1 50); do # a port nothing listens on
        p=$((20000 + RANDOM % 40000))
        (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || break
    done
    SECONDS=0
    run "$FOUNT" run "$SHOP" --scale 0.01 --to "postgres://fount:fount@127.0.0.1:$p/shop"
    echo "$output"
    [ "$status" -eq 1 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"127.0.0.1:$p"*"Connection refused"* ]]
    [ "$SECONDS" -lt 10 ]
}

@test "a bad URI parameter is named" {
    run "$FOUNT" run "$SHOP" --scale 0.01 --to "$(uri shop)?nonsense=1"
    echo "$output"
    [ "$status" -eq 1 ]
    [[ "$output" == *'bad PostgreSQL URI: invalid URI query parameter: "nonsense"'* ]]
}

@test "existing tables: refused, one message naming them, nothing written" {
    before=$(q shop "SELECT count(*) FROM orders")
    run "$FOUNT" run "$SHOP" --scale $SCALE --to "$(uri shop)"
    echo "$output"
    [ "$status" -eq 1 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == "fount: postgres.0: database \"shop\" already has tables customers, products, orders, order_items, payments"*"(use --replace to drop and recreate fount's tables, or --append to add rows after them)" ]]
    [ "$(q shop "SELECT count(*) FROM orders")" -eq "$before" ]
}

@test "--replace drops fount's tables (children first) and loads again" {
    newdb repl
    "$FOUNT" run "$SHOP" --scale 0.02 --to "$(uri repl)" --quiet
    q repl "CREATE TABLE keep_me (x int)"
    run "$FOUNT" run "$SHOP" --scale 0.02 --seed 9 --to "$(uri repl)" --replace --quiet
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$(q repl "SELECT count(*) FROM orders")" -eq "$(rows_of "$SHOP" orders --scale 0.02)" ]
    [ "$(q repl "SELECT count(*) FROM keep_me")" -eq 0 ] # other tables are left alone
    # the rows are seed 9's
    "$FOUNT" run "$SHOP" --scale 0.02 --seed 9 --only customers --to - --format csv --quiet |
        sed -n 2p | cut -d, -f4 >"$T/email"
    [ "$(q repl "SELECT email FROM customers WHERE id = 1")" = "$(cat "$T/email")" ]
}

@test "--append continues after the existing rows, with no orphan and no duplicate" {
    newdb app
    "$FOUNT" run "$SHOP" --scale 0.02 --to "$(uri app)" --quiet
    run "$FOUNT" run "$SHOP" --scale 0.02 --to "$(uri app)" --append --quiet
    echo "$output"
    [ "$status" -eq 0 ]
    n=$(rows_of "$SHOP" orders --scale 0.02)
    [ "$(q app "SELECT count(*), max(id) FROM orders")" = "$((2 * n))|$((2 * n))" ]
    [ "$(q app "SELECT count(*) FROM order_items i LEFT JOIN orders o ON o.id = i.order_id
                WHERE o.id IS NULL")" -eq 0 ]
}

@test "a conflicting row: that batch fails with table, row and the server's message; exit 1" {
    newdb conflict
    "$FOUNT" run "$SHOP" --only orders --scale 0 --to "$(uri conflict)" --quiet
    q conflict "INSERT INTO orders VALUES (5000, 1, now(), 'x', 1, 'EUR', gen_random_uuid(), NULL)"
    run "$FOUNT" run "$SHOP" --only orders --scale $SCALE --to "$(uri conflict)" --append
    echo "$output"
    [ "$status" -eq 1 ]
    [[ "${lines[0]}" == 'fount: postgres.0: orders: row 4999: duplicate key value violates unique constraint "orders_pkey" (Key (id)=(5000) already exists.)' ]]
    # the batch with row 4999 (rows 4096-8191) failed, the others went in
    [[ "$output" == *"orders "*" 5904 "*" 4096 "* ]]
    [ "$(q conflict "SELECT count(*) FROM orders")" -eq 5905 ]
}

@test "a conflict in the first batch stops the run at once (--append after rows were deleted)" {
    newdb conflict1
    "$FOUNT" run "$SHOP" --only orders --scale $SCALE --to "$(uri conflict1)" --quiet
    q conflict1 "DELETE FROM orders WHERE id <= 10"
    # rows 9990-19989 go in: only the first 10 conflict, all in the first batch
    run "$FOUNT" run "$SHOP" --only orders --scale $SCALE --to "$(uri conflict1)" --append
    echo "$output"
    [ "$status" -eq 1 ]
    [[ "${lines[0]}" == 'fount: postgres.0: orders: row 9990: duplicate key value violates unique constraint "orders_pkey" (Key (id)=(9991) already exists.)' ]]
    [ "$(grep -c 'duplicate key' <<<"$output")" -eq 1 ]
    [ "$(q conflict1 "SELECT count(*) FROM orders")" -eq 9990 ] # the run stopped: nothing more went in
}

@test "?schema=NAME and -o schema=NAME put the tables in that schema (created if missing)" {
    newdb sch
    run "$FOUNT" run "$SHOP" --scale 0.01 --to "$(uri sch)?schema=stage%201&sslmode=disable" --quiet
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$(q sch "SELECT count(*) FROM \"stage 1\".orders")" -eq "$(rows_of "$SHOP" orders --scale 0.01)" ]
    run "$FOUNT" run "$SHOP" --scale 0.01 --to "$(uri sch)" -o schema=other --quiet
    [ "$status" -eq 0 ]
    [ "$(q sch "SELECT count(*) FROM other.customers")" -eq 100 ]
    [ "$(q sch "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" -eq 0 ]
}

@test "unknown sink option: rejected with the list, exit 2" {
    run "$FOUNT" run "$SHOP" --to "$(uri shop)" -o batchsize=5
    echo "$output"
    [ "$status" -eq 2 ]
    [[ "$output" == *'the postgres sink has no option "batchsize" (it takes: schema, indexes, copy)'* ]]
}

@test "--only orders into an empty database: the foreign key to a missing table is left out" {
    newdb only
    run "$FOUNT" run "$SHOP" --only orders --scale 0.01 --to "postgresql://fount:fount@127.0.0.1:$(port)/only" --quiet
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$(q only "SELECT count(*) FROM orders")" -eq 1000 ]
    [ "$(q only "SELECT count(*) FROM information_schema.table_constraints
                 WHERE constraint_type = 'FOREIGN KEY'")" -eq 0 ]
}

@test "Ctrl-C: exit 130 and the database holds exactly the rows the summary counts" {
    newdb intr
    "$FOUNT" run "$SHOP" --only orders --scale 5 --to "$(uri intr)" 2>"$T/err" &
    pid=$!
    for i in $(seq 1 200); do # until the load is under way
        n=$(q intr "SELECT CASE WHEN to_regclass('orders') IS NULL THEN 0
                                ELSE (SELECT count(*) FROM orders) END" 2>/dev/null || echo 0)
        [ "$n" -gt 0 ] && break
        sleep 0.05
    done
    kill -INT "$pid"
    status=0
    wait "$pid" || status=$?
    cat "$T/err"
    [ "$status" -eq 130 ]
    said=$(awk '$1 == "orders" { print $2 }' "$T/err")
    [ "$said" -gt 0 ]
    [ "$said" -lt 500000 ]
    [ "$(q intr "SELECT count(*) FROM orders")" -eq "$said" ]
}

@test "a killed connection is reset and the batch retried: exact counts, exit 0" {
    newdb lost
    "$FOUNT" run "$SHOP" --only orders --scale 0.6 --to "$(uri lost)" 2>"$T/err" &
    pid=$!
    for i in $(seq 1 200); do
        n=$(q lost "SELECT CASE WHEN to_regclass('orders') IS NULL THEN 0
                               ELSE (SELECT count(*) FROM orders) END" 2>/dev/null || echo 0)
        [ "$n" -gt 0 ] && break
        sleep 0.05
    done
    admin -t -A -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                    WHERE application_name = 'fount' AND datname = 'lost'"
    status=0
    wait "$pid" || status=$?
    cat "$T/err"
    [ "$status" -eq 0 ]
    grep -q 'write_batch: connection lost (reconnected): .*(retry 1/5 in 100 ms)' "$T/err"
    [ "$(q lost "SELECT count(*) FROM orders")" -eq 60000 ]
}

# The network fails while the server commits a COPY: the batch is in the table, its answer never
# came. COPY text, so that the CopyDone message cannot appear inside the data.
@test "a COPY whose answer is lost: the batch is found in the table, not sent twice" {
    newdb cut
    cut_proxy "$T/pport" "$(port)" 'c\x00\x00\x00\x04' 3
    status=0
    "$FOUNT" run "$SHOP" --only orders --scale 0.3 -o copy=text \
        --to "$(uri cut | sed "s/:$(port)\//:$(cat "$T/pport")\//")" 2>"$T/err" || status=$?
    cat "$T/err" "$T/proxy.err"
    grep -q 'cut a connection after pattern #3' "$T/proxy.err"
    [ "$status" -eq 0 ]
    grep -q 'connection lost (reconnected): .*(retry 1/5' "$T/err"
    [ "$(q cut "SELECT count(*) FROM orders")" -eq 30000 ]
    [ "$(q cut "SELECT count(DISTINCT id) FROM orders")" -eq 30000 ]
}

@test "the same without a key column: rows are counted to tell, --append too" {
    newdb cutk
    cut_proxy "$T/pport" "$(port)" 'c\x00\x00\x00\x04' 3
    u=$(uri cutk | sed "s/:$(port)\//:$(cat "$T/pport")\//")
    status=0
    "$FOUNT" run "$BATS_TEST_DIRNAME/profiles/keyless.json" -o copy=text --to "$u" 2>"$T/err" || status=$?
    cat "$T/err"
    [ "$status" -eq 0 ]
    grep -q 'connection lost' "$T/err"
    [ "$(q cutk "SELECT count(*) FROM readings")" -eq 30000 ]
    status=0
    "$FOUNT" run "$BATS_TEST_DIRNAME/profiles/keyless.json" --append --to "$u" 2>"$T/err" || status=$?
    cat "$T/err"
    [ "$status" -eq 0 ]
    [ "$(q cutk "SELECT count(*) FROM readings")" -eq 60000 ]
}

# A termination can land while the server commits a COPY: the batch is in the table but its
# answer never came. Resent blindly it would fail on the primary key; the sink asks the table.
@test "connections terminated again and again, commits among them: every row once, exit 0" {
    newdb kills
    "$FOUNT" run "$SHOP" --only orders --scale 2 --retries 8 --to "$(uri kills)" 2>"$T/err" &
    pid=$!
    for i in $(seq 1 200); do
        n=$(q kills "SELECT CASE WHEN to_regclass('orders') IS NULL THEN 0
                                ELSE (SELECT count(*) FROM orders) END" 2>/dev/null || echo 0)
        [ "$n" -gt 0 ] && break
        sleep 0.05
    done
    end=$(($(date +%s%N) + 1500000000)) # 1.5 s of kills; 8 retries back off for 16 s
    while [ "$(date +%s%N)" -lt "$end" ]; do
        admin -t -A -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                        WHERE application_name = 'fount' AND datname = 'kills'" >/dev/null
        sleep 0.13
    done
    status=0
    wait "$pid" || status=$?
    cat "$T/err"
    [ "$status" -eq 0 ]
    [ "$(grep -c 'connection lost' "$T/err")" -ge 2 ]
    [ "$(q kills "SELECT count(*) FROM orders")" -eq 200000 ]
    [ "$(q kills "SELECT count(DISTINCT id) FROM orders")" -eq 200000 ]
}
