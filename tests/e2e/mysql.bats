#!/usr/bin/env bats
# mysql.bats: the mysql sink against a real MariaDB, started for this file on 127.0.0.1 and a free
# port in a temporary directory (scripts/mysql-server.sh) and stopped in teardown_file, whatever
# happened. shop.json goes in once (setup_file) and is checked: row counts as `fount check` says,
# no orphan for any foreign key, values equal to the CSV output of the same seed, column types as
# `fount schema --dialect mysql` declares them, the secondary indexes. Then each error case: wrong
# password, missing database, connection refused, refusal to clobber, --replace, --append,
# constraint violations (both load methods), Ctrl-C and a killed connection (exact counts).

load helpers

SCALE=0.1

setup_file() {
    FOUNT=${FOUNT:-$PWD/fount}
    if ! "$FOUNT" sinks | grep -q '^mysql '; then
        { echo "this fount has no mysql sink: make check installs it (scripts/bootstrap)" >&2; return 1; }
    fi
    if ! command -v mariadbd >/dev/null; then
        { echo "MariaDB is not installed (scripts/bootstrap installs it): make check installs it (scripts/bootstrap)" >&2; return 1; }
    fi
    MYTEST=$(mktemp -d /tmp/fount-my.XXXXXX)
    export MYTEST
    "$BATS_TEST_DIRNAME/../../scripts/mysql-server.sh" start "$MYTEST" >/dev/null
    newdb shop
    "$FOUNT" run "$BATS_TEST_DIRNAME/../../profiles/shop.json" --scale $SCALE \
        --to "$(uri shop)" >"$MYTEST/shop.out" 2>&1 || {
        cat "$MYTEST/shop.out" >&2
        return 1
    }
}

teardown_file() {
    [ -n "${MYTEST:-}" ] || return 0
    "$BATS_TEST_DIRNAME/../../scripts/mysql-server.sh" stop "$MYTEST" || true
    rm -rf "$MYTEST"
}

port() { cat "$MYTEST/port"; }
uri() { echo "mysql://fount:fount@127.0.0.1:$(port)/$1"; }
# root over the server's socket; fount's own user over TCP.
admin() { mariadb --no-defaults -S "$MYTEST/sock" -u root -N -B "$@"; }
q() { # q DB SQL [client options]: tab-separated rows, no header
    mariadb --no-defaults --default-character-set=utf8mb4 -h 127.0.0.1 -P "$(port)" -u fount \
        -pfount -N -B "${@:3}" "$1" -e "$2"
}
newdb() { admin -e "CREATE DATABASE \`$1\`"; }

@test "shop.json loads: exit 0, every relation in the summary" {
    total=$("$FOUNT" check "$SHOP" --scale $SCALE | sed -n '1s/.*, \([0-9]*\) rows$/\1/p')
    [ -n "$total" ]
    run cat "$MYTEST/shop.out"
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
        have=$(q shop "SELECT COUNT(*) FROM $e")
        echo "$e: want $want, have $have"
        [ "$want" -eq "$have" ]
    done
}

@test "no orphan for any foreign key (LEFT JOIN per constraint)" {
    run q shop "SELECT TABLE_NAME, COLUMN_NAME, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME
                FROM information_schema.KEY_COLUMN_USAGE
                WHERE TABLE_SCHEMA = 'shop' AND REFERENCED_TABLE_NAME IS NOT NULL ORDER BY 1, 2"
    echo "$output"
    # as many as the profile declares
    [ "${#lines[@]}" -eq "$("$FOUNT" schema "$SHOP" --dialect mysql | grep -c 'FOREIGN KEY')" ]
    [ "${#lines[@]}" -ge 4 ]
    for fk in "${lines[@]}"; do
        read -r t c p pc <<<"$fk"
        n=$(q shop "SELECT COUNT(*) FROM $t x LEFT JOIN $p y ON x.$c = y.$pc WHERE y.$pc IS NULL")
        echo "$t.$c -> $p.$pc: $n orphans"
        [ "$n" -eq 0 ]
    done
}

# csv_select DB TABLE: a SELECT that spells each row as fount's CSV does, built from the catalog:
# timestamps 2024-02-22T14:44:05Z (.130Z with ms), booleans true/false, NULL as an empty field,
# and a string quoted when it holds , " CR or LF, starts or ends with a space or tab, or is
# empty. Everything else is the server's own text (DECIMAL keeps its scale: 82.10).
csv_select() {
    local c ty p f x sel=""
    while IFS=$'\t' read -r c ty p; do
        case $ty in
        datetime*)
            case $p in
            3) f="CONCAT('.', LEFT(DATE_FORMAT(\`$c\`, '%f'), 3))" ;;
            6) f="CONCAT('.', DATE_FORMAT(\`$c\`, '%f'))" ;;
            *) f="''" ;;
            esac
            x="CONCAT(DATE_FORMAT(\`$c\`, '%Y-%m-%dT%H:%i:%s'), $f, 'Z')" ;;
        'tinyint(1)') x="CASE WHEN \`$c\` THEN 'true' WHEN NOT \`$c\` THEN 'false' END" ;;
        varchar* | char* | *text)
            x="CASE WHEN \`$c\` = '' OR \`$c\` REGEXP '[,\"\\r\\n]|^[ \\t]|[ \\t]\$'
               THEN CONCAT('\"', REPLACE(\`$c\`, '\"', '\"\"'), '\"') ELSE \`$c\` END" ;;
        *) x="\`$c\`" ;;
        esac
        sel="$sel${sel:+, }COALESCE($x, '')"
    done < <(q "$1" "SELECT COLUMN_NAME, COLUMN_TYPE, IFNULL(DATETIME_PRECISION, 0)
                     FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '$1' AND TABLE_NAME = '$2'
                     ORDER BY ORDINAL_POSITION")
    echo "SELECT CONCAT_WS(',', $sel) FROM \`$2\` ORDER BY id"
}

@test "values equal the CSV output of the same seed, for every table" {
    cd "$T"
    "$FOUNT" run "$SHOP" --scale $SCALE --to file:csv/ --format csv --quiet
    for t in $(entities_of "$SHOP" --scale $SCALE); do
        # -r: raw, so that the client escapes nothing
        q shop "$(csv_select shop "$t")" -r >"db_$t.csv"
        tail -n +2 "csv/$t.csv" >"want_$t.csv"
        echo "$t: $(wc -l <"want_$t.csv") rows"
        diff "want_$t.csv" "db_$t.csv" | head -5
        [ -s "want_$t.csv" ]
        cmp "want_$t.csv" "db_$t.csv"
    done
}

@test "column types are those fount schema --dialect mysql declares (information_schema)" {
    cd "$T"
    # `name` TYPE [NOT NULL] ... as the server reports them: BIGINT is bigint(20), BOOLEAN tinyint(1)
    "$FOUNT" schema "$SHOP" --dialect mysql | awk '
        /^CREATE TABLE/ { gsub(/`/, "", $3); t = $3 }
        /^  `/ { c = $1; gsub(/`/, "", c); ty = tolower($2); sub(/^bigint$/, "bigint(20)", ty)
                 sub(/^boolean$/, "tinyint(1)", ty); sub(/,$/, "", ty)
                 print t "." c " " ty " " ($0 ~ /NOT NULL/ ? "NO" : "YES") }' | sort >want
    q shop "SELECT CONCAT(TABLE_NAME, '.', COLUMN_NAME, ' ', COLUMN_TYPE, ' ', IS_NULLABLE)
            FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'shop'" | sort >have
    cat have
    [ "$(wc -l <want)" -ge 30 ]
    diff want have
}

@test "tables are utf8mb4 with a binary, no-pad collation; secondary indexes exist" {
    run q shop "SELECT DISTINCT TABLE_COLLATION FROM information_schema.TABLES
                WHERE TABLE_SCHEMA = 'shop'"
    [ "$output" = utf8mb4_nopad_bin ]
    run q shop "SELECT DISTINCT INDEX_NAME FROM information_schema.STATISTICS
                WHERE TABLE_SCHEMA = 'shop' ORDER BY 1"
    echo "$output"
    for i in orders_customer_id_idx orders_ordered_at_idx order_items_order_id_idx \
        products_category_idx PRIMARY email sku order_uuid; do
        [[ " ${lines[*]} " == *" $i "* ]]
    done
}

@test "special characters round-trip exactly, with both load methods" {
    cd "$T"
    cat >odd.json <<'EOF'
{"seed": 1, "entities": {"odd": {"count": 3, "fields": {
  "id": {"type": "sequence"},
  "tab": {"type": "choice", "values": ["a\tb"]},
  "nl": {"type": "choice", "values": ["line\nbreak\r\n"]},
  "bs": {"type": "choice", "values": ["back\\slash \\N \\0"]},
  "quote": {"type": "choice", "values": ["O'Brien \"x\""]},
  "utf8": {"type": "choice", "values": ["Léa 日本 🙂"]},
  "empty": {"type": "choice", "values": [""]},
  "none": {"type": "string", "pattern": "x", "null_rate": 1.0}
}}}}
EOF
    newdb odd
    for m in infile insert; do
        "$FOUNT" run odd.json --to "$(uri odd)" --replace --quiet -o method=$m
        run q odd "SELECT SUM(tab = 'a\tb' AND nl = 'line\nbreak\r\n'
                              AND bs = 'back\\\\slash \\\\N \\\\0' AND quote = 'O\\'Brien \"x\"'
                              AND utf8 = 'Léa 日本 🙂' AND empty = '' AND none IS NULL) FROM odd"
        echo "$m: $output"
        [ "$output" = 3 ]
    done
}

@test "method=insert and method=infile store the same values, for every column type" {
    cd "$T"
    cat >types.json <<'EOF'
{"seed": 3, "entities": {"x": {"count": 5000, "fields": {
  "id": {"type": "sequence"},
  "i": {"type": "int", "min": -1000000000000, "max": 1000000000000, "null_rate": 0.1},
  "f": {"type": "float", "min": -1000, "max": 1000},
  "f1": {"type": "float", "min": -40, "max": 60, "decimals": 1, "null_rate": 0.1},
  "d0": {"type": "decimal", "precision": 18, "scale": 0, "min": -99999999999999999, "max": 99999999999999999},
  "d2": {"type": "decimal", "precision": 12, "scale": 2, "min": -1000, "max": 1000},
  "d18": {"type": "decimal", "precision": 18, "scale": 18, "min": -0.9, "max": 0.9},
  "t0": {"type": "timestamp", "min": "1900-01-01", "max": "2100-01-01"},
  "t3": {"type": "timestamp", "min": "1960-01-01", "max": "2040-01-01", "precision": "ms"},
  "t6": {"type": "timestamp", "min": "1969-12-31", "max": "1970-01-02", "precision": "us"},
  "dt": {"type": "date", "min": "1950-01-01", "max": "2060-12-31", "null_rate": 0.1},
  "u": {"type": "uuid"},
  "b": {"type": "bool", "probability": 0.5, "null_rate": 0.1},
  "s": {"type": "string", "pattern": "??-##", "null_rate": 0.1}
}}}}
EOF
    newdb types_infile
    newdb types_insert
    "$FOUNT" run types.json --to "$(uri types_infile)" --quiet
    "$FOUNT" run types.json --to "$(uri types_insert)" -o method=insert -o insert_rows=100 --quiet
    [ "$(q types_infile "SELECT COUNT(*) FROM x")" -eq 5000 ]
    [ "$(q types_insert "SELECT COUNT(*) FROM x")" -eq 5000 ]
    [ "$(q types_infile "SELECT COUNT(*) FROM (SELECT * FROM types_infile.x
                         EXCEPT SELECT * FROM types_insert.x) d")" -eq 0 ]
    [ "$(q types_infile "SELECT COUNT(*) FROM (SELECT * FROM types_insert.x
                         EXCEPT SELECT * FROM types_infile.x) d")" -eq 0 ]
    # and the numbers are the CSV's, in the spelling both share
    "$FOUNT" run types.json --to - --format csv --quiet | cut -d, -f1,2,5,6,7 | tail -n +2 >want
    q types_insert "SELECT id, IFNULL(i, ''), d0, d2, d18 FROM x ORDER BY id" | tr '\t' , >have
    diff want have | head -5
    cmp want have
}

@test "wrong password: one line, exit 1" {
    run "$FOUNT" run "$SHOP" --scale 0.01 --to "mysql://fount:wrong@127.0.0.1:$(port)/shop"
    echo "$output"
    [ "$status" -eq 1 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == "fount: mysql.0: cannot connect to MySQL at 127.0.0.1:$(port)"*"Access denied for user 'fount'@'127.0.0.1' (using password: YES)" ]]
}

@test "missing database: exit 1" {
    run "$FOUNT" run "$SHOP" --scale 0.01 --to "$(uri nosuchdb)"
    echo "$output"
    [ "$status" -eq 1 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"Unknown database 'nosuchdb'" ]]
}

@test "connection refused (a closed port): exit 1, fast" {
    p=1
    for try in $(seq 1 50); do # a port nothing listens on
        p=$((20000 + RANDOM % 40000))
        (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || break
    done
    SECONDS=0
    run "$FOUNT" run "$SHOP" --scale 0.01 --to "mariadb://fount:fount@127.0.0.1:$p/shop"
    echo "$output"
    [ "$status" -eq 1 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"127.0.0.1:$p"*"connection refused"* ]]
    [ "$SECONDS" -lt 10 ]
}

@test "bad URIs: no database, an unknown parameter" {
    run "$FOUNT" run "$SHOP" --scale 0.01 --to "mysql://fount:fount@127.0.0.1:$(port)"
    echo "$output"
    [ "$status" -eq 1 ]
    [[ "$output" == *"the URI names no database"* ]]
    run "$FOUNT" run "$SHOP" --scale 0.01 --to "$(uri shop)?nonsense=1"
    echo "$output"
    [ "$status" -eq 1 ]
    [[ "$output" == *'unknown URI parameter "nonsense"'* ]]
}

@test "existing tables: refused, one message naming them, nothing written" {
    before=$(q shop "SELECT COUNT(*) FROM orders")
    run "$FOUNT" run "$SHOP" --scale $SCALE --to "$(uri shop)"
    echo "$output"
    [ "$status" -eq 1 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == "fount: mysql.0: database \"shop\" already has tables customers, products, orders, order_items, payments"*"(use --replace to drop and recreate fount's tables, or --append to add rows after them)" ]]
    [ "$(q shop "SELECT COUNT(*) FROM orders")" -eq "$before" ]
}

@test "--replace drops fount's tables (children first) and loads again" {
    newdb repl
    "$FOUNT" run "$SHOP" --scale 0.02 --to "$(uri repl)" --quiet
    q repl "CREATE TABLE keep_me (x int)"
    run "$FOUNT" run "$SHOP" --scale 0.02 --seed 9 --to "$(uri repl)" --replace --quiet
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$(q repl "SELECT COUNT(*) FROM orders")" -eq "$(rows_of "$SHOP" orders --scale 0.02)" ]
    [ "$(q repl "SELECT COUNT(*) FROM keep_me")" -eq 0 ]
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
    [ "$(q app "SELECT COUNT(*), MAX(id) FROM orders")" = "$((2 * n))	$((2 * n))" ]
    [ "$(q app "SELECT COUNT(*) FROM order_items i LEFT JOIN orders o ON o.id = i.order_id
                WHERE o.id IS NULL")" -eq 0 ]
}

@test "a conflicting row: that batch fails with table, row and the server's message (both methods)" {
    newdb conflict
    for m in infile insert; do
        "$FOUNT" run "$SHOP" --only orders --scale 0 --to "$(uri conflict)" --replace --quiet
        q conflict "INSERT INTO orders VALUES (5000, 1, NOW(), 'x', 1, 'EUR', UUID(), NULL)"
        run "$FOUNT" run "$SHOP" --only orders --scale $SCALE --to "$(uri conflict)" --append \
            -o method=$m
        echo "$m: $output"
        [ "$status" -eq 1 ]
        [ "${lines[0]}" = "fount: mysql.0: orders: row 4999: Duplicate entry '5000' for key 'PRIMARY'" ]
        [[ "$output" == *"orders "*" 5904 "*" 4096 "* ]]
        [ "$(q conflict "SELECT COUNT(*) FROM orders")" -eq 5905 ]
    done
}

@test "a conflict in the first batch stops the run at once (--append after rows were deleted)" {
    newdb conflict1
    "$FOUNT" run "$SHOP" --only orders --scale $SCALE --to "$(uri conflict1)" --quiet
    q conflict1 "DELETE FROM orders WHERE id <= 10"
    # rows 9990-19989 go in: only the first 10 conflict, all in the first batch
    run "$FOUNT" run "$SHOP" --only orders --scale $SCALE --to "$(uri conflict1)" --append
    echo "$output"
    [ "$status" -eq 1 ]
    [ "${lines[0]}" = "fount: mysql.0: orders: row 9990: Duplicate entry '9991' for key 'PRIMARY'" ]
    [ "$(grep -c 'Duplicate entry' <<<"$output")" -eq 1 ]
    [ "$(q conflict1 "SELECT COUNT(*) FROM orders")" -eq 9990 ] # the run stopped: nothing more went in
}

@test "unknown sink option: rejected with the list, exit 2; a bad method: exit 1" {
    run "$FOUNT" run "$SHOP" --to "$(uri shop)" -o batchsize=5
    echo "$output"
    [ "$status" -eq 2 ]
    [[ "$output" == *'the mysql sink has no option "batchsize" (it takes: method, insert_rows, indexes, collation)'* ]]
    run "$FOUNT" run "$SHOP" --to "$(uri shop)" -o method=copy
    [ "$status" -eq 1 ]
    [[ "$output" == *'option method: expected infile or insert, got "copy"'* ]]
}

@test "--only orders into an empty database: the foreign key to a missing table is left out" {
    newdb only
    run "$FOUNT" run "$SHOP" --only orders --scale 0.01 --to "$(uri only)" --quiet
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$(q only "SELECT COUNT(*) FROM orders")" -eq 1000 ]
    [ "$(q only "SELECT COUNT(*) FROM information_schema.TABLE_CONSTRAINTS
                 WHERE TABLE_SCHEMA = 'only' AND CONSTRAINT_TYPE = 'FOREIGN KEY'")" -eq 0 ]
}

@test "Ctrl-C: exit 130 and the database holds exactly the rows the summary counts" {
    newdb intr
    "$FOUNT" run "$SHOP" --only orders --scale 5 --to "$(uri intr)" 2>"$T/err" &
    pid=$!
    for i in $(seq 1 200); do # until the load is under way
        n=$(q intr "SELECT COUNT(*) FROM orders" 2>/dev/null || echo 0)
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
    [ "$(q intr "SELECT COUNT(*) FROM orders")" -eq "$said" ]
}

@test "a killed connection is reconnected and the batch retried: exact counts, exit 0" {
    newdb lost
    "$FOUNT" run "$SHOP" --only orders --scale 0.6 --to "$(uri lost)" 2>"$T/err" &
    pid=$!
    for i in $(seq 1 200); do
        n=$(q lost "SELECT COUNT(*) FROM orders" 2>/dev/null || echo 0)
        [ "$n" -gt 0 ] && break
        sleep 0.05
    done
    for id in $(admin -e "SELECT ID FROM information_schema.PROCESSLIST
                          WHERE USER = 'fount' AND DB = 'lost' AND COMMAND <> 'Sleep'"); do
        admin -e "KILL CONNECTION $id"
    done
    status=0
    wait "$pid" || status=$?
    cat "$T/err"
    [ "$status" -eq 0 ]
    grep -q 'connection lost (reconnected): .* (retry 1/5' "$T/err"
    [ "$(q lost "SELECT COUNT(*) FROM orders")" -eq 60000 ]
}

# The network fails while the server commits: the batch is in the table, its answer never came.
@test "a COMMIT whose answer is lost: the batch is found in the table, not sent twice" {
    newdb cut
    cut_proxy "$T/pport" "$(port)" '\x03COMMIT' 3
    status=0
    "$FOUNT" run "$SHOP" --only orders --scale 0.3 \
        --to "mysql://fount:fount@127.0.0.1:$(cat "$T/pport")/cut" 2>"$T/err" || status=$?
    cat "$T/err" "$T/proxy.err"
    grep -q 'cut a connection after pattern #3' "$T/proxy.err"
    [ "$status" -eq 0 ]
    grep -q 'connection lost (reconnected): .* (retry 1/5' "$T/err"
    [ "$(q cut "SELECT COUNT(*) FROM orders")" -eq 30000 ]
    [ "$(q cut "SELECT COUNT(DISTINCT id) FROM orders")" -eq 30000 ]
}

@test "the same without a key column: rows are counted to tell, --append too" {
    newdb cutk
    cut_proxy "$T/pport" "$(port)" '\x03COMMIT' 3
    u="mysql://fount:fount@127.0.0.1:$(cat "$T/pport")/cutk"
    status=0
    "$FOUNT" run "$BATS_TEST_DIRNAME/profiles/keyless.json" --to "$u" 2>"$T/err" || status=$?
    cat "$T/err"
    [ "$status" -eq 0 ]
    grep -q 'connection lost' "$T/err"
    [ "$(q cutk "SELECT COUNT(*) FROM readings")" -eq 30000 ]
    # appended: the count before the load is the base
    status=0
    "$FOUNT" run "$BATS_TEST_DIRNAME/profiles/keyless.json" --append --to "$u" 2>"$T/err" || status=$?
    cat "$T/err"
    [ "$status" -eq 0 ]
    [ "$(q cutk "SELECT COUNT(*) FROM readings")" -eq 60000 ]
}

# A kill can land while the server commits: the batch is in the table but its answer never came.
# Resent blindly it would fail on the primary key; the sink asks the table first.
@test "connections killed again and again, commits among them: every row once, exit 0" {
    newdb kills
    "$FOUNT" run "$SHOP" --only orders --scale 2 --retries 8 --to "$(uri kills)" 2>"$T/err" &
    pid=$!
    for i in $(seq 1 200); do
        n=$(q kills "SELECT COUNT(*) FROM orders" 2>/dev/null || echo 0)
        [ "$n" -gt 0 ] && break
        sleep 0.05
    done
    end=$(($(date +%s%N) + 1500000000)) # 1.5 s of kills; 8 retries back off for 16 s
    while [ "$(date +%s%N)" -lt "$end" ]; do
        for id in $(admin -e "SELECT ID FROM information_schema.PROCESSLIST
                              WHERE USER = 'fount' AND DB = 'kills'"); do
            admin -e "KILL CONNECTION $id" 2>/dev/null || true
        done
        sleep 0.13
    done
    status=0
    wait "$pid" || status=$?
    cat "$T/err"
    [ "$status" -eq 0 ]
    [ "$(grep -c 'connection lost' "$T/err")" -ge 2 ]
    [ "$(q kills "SELECT COUNT(*) FROM orders")" -eq 200000 ]
    [ "$(q kills "SELECT COUNT(DISTINCT id) FROM orders")" -eq 200000 ]
}
