#!/usr/bin/env bats
# sqlite.bats: the SQLite sink through the real binary. shop.json loads (integrity, foreign keys,
# counts as `fount check` says, values equal to the CSV output of the same seed), the refusal to
# clobber, --replace, --append, Ctrl-C (exact counts) and SIGKILL (a database that checks out),
# a read-only target and a full disk (one clear error line, exit 1).
# The read-only and full-disk cases mount small tmpfs file systems when run as root (where file
# permissions do not apply); otherwise they use a chmod 555 directory and `ulimit -f`.

load helpers

SCALE=0.1

teardown() {
    cd /
    if [ -n "${T:-}" ]; then
        for m in "$T/ro" "$T/full"; do
            mountpoint -q "$m" 2>/dev/null && umount "$m"
        done
        chmod -R u+w "$T" 2>/dev/null || true
        rm -rf "$T"
    fi
}

# q DB SQL...: sqlite3 in list mode, one value per line.
q() {
    local db=$1
    shift
    sqlite3 -batch "$db" "$@"
}

# summary_rows FILE: "name rows" for each relation of a run summary on stderr.
summary_rows() {
    awk '$1 == "relation" && $2 == "rows" { on = 1; next } on && NF == 4 { print $1, $2 }' "$1"
}

# db_rows DB NAME...: "name count" for each table.
db_rows() {
    local db=$1 t
    shift
    for t in "$@"; do
        echo "$t $(q "$db" "SELECT count(*) FROM \"$t\"")"
    done
}

# Numbers as numbers: SQLite keeps NUMERIC(12,2) 196.20 as the REAL 196.2 and 100.00 as the
# INTEGER 100, and prints them so; every other field is compared as text. Fields are split on
# commas, which is safe for orders (no field of it holds a comma or a quote).
normalize() {
    awk -F, -v OFS=, '{ for (i = 1; i <= NF; i++) if ($i ~ /^-?[0-9]+(\.[0-9]+)?$/) $i = sprintf("%.6f", $i); print }'
}

@test "shop.json round trip: integrity, foreign keys, counts, values equal to the CSV output" {
    run "$FOUNT" run "$SHOP" --scale $SCALE --to sqlite:shop.db
    [ "$status" -eq 0 ]
    [ "$(q shop.db 'PRAGMA integrity_check')" = ok ]
    [ -z "$(q shop.db 'PRAGMA foreign_key_check')" ]
    [ "$(q shop.db 'PRAGMA journal_mode')" = delete ]
    [ ! -e shop.db-wal ]
    [ ! -e shop.db-journal ]
    # Counts: every entity as `fount check` says, and as the run summary says.
    for e in $(entities_of "$SHOP" --scale $SCALE); do
        want=$(rows_of "$SHOP" "$e" --scale $SCALE)
        [ "$want" -gt 0 ]
        [ "$(q shop.db "SELECT count(*) FROM \"$e\"")" -eq "$want" ]
    done
    echo "$output" > run.err
    summary_rows run.err | sort > a
    # shellcheck disable=SC2046,SC2086 # table names: one word each
    db_rows shop.db $(entities_of "$SHOP" --scale $SCALE) | sort > b
    diff a b
    # The secondary indexes of the profile, and its UNIQUE columns as unique indexes.
    [ "$(q shop.db "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name IN
        ('orders_customer_id_idx', 'orders_ordered_at_idx', 'products_category_idx',
         'order_items_order_id_idx')")" -eq 4 ]
    [ "$(q shop.db "SELECT count(*) FROM pragma_index_list('orders') WHERE \"unique\" AND
        name = 'orders_order_uuid_key'")" -eq 1 ]
    [ "$(q shop.db "SELECT count(*) FROM pragma_index_list('products') WHERE \"unique\" AND
        name = 'products_sku_key'")" -eq 1 ]
    # Values: the CSV encoder's output for the same seed, row for row.
    "$FOUNT" run "$SHOP" --scale $SCALE --to - --format csv --only orders -q > orders.csv
    head -1 orders.csv > header
    [ "$(cat header)" = "id,customer_id,ordered_at,status,total,currency,order_uuid,coupon" ]
    q shop.db -csv "SELECT $(cat header) FROM orders ORDER BY id" > db.csv
    tail -n +2 orders.csv | normalize > want.csv
    normalize < db.csv > got.csv
    [ "$(wc -l < want.csv)" -eq "$(rows_of "$SHOP" orders --scale $SCALE)" ]
    diff want.csv got.csv
    # Types as bound: integers, ISO text, REAL or INTEGER decimals, NULL coupons.
    [ "$(q shop.db "SELECT DISTINCT typeof(id) || typeof(customer_id) || typeof(ordered_at) ||
        typeof(order_uuid) FROM orders")" = integerintegertexttext ]
    [ "$(q shop.db "SELECT count(*) FROM orders WHERE typeof(total) NOT IN ('real', 'integer')")" -eq 0 ]
    [ "$(q shop.db "SELECT count(*) FROM orders WHERE coupon IS NULL")" -eq "$(grep -c ',$' want.csv)" ]
    [ "$(q shop.db "SELECT count(*) FROM products WHERE in_stock NOT IN (0, 1)")" -eq 0 ]
}

@test "a plain .db path and the default target (NAME.db beside you) are the sqlite sink" {
    cp "$SHOP" shop.json
    run "$FOUNT" run shop.json --scale 0.01 -q
    [ "$status" -eq 0 ]
    [ "$(q shop.db 'PRAGMA integrity_check')" = ok ]
    run "$FOUNT" run shop.json --scale 0.01 -q --to other.sqlite3
    [ "$status" -eq 0 ]
    [ "$(q other.sqlite3 'SELECT count(*) FROM customers')" -eq "$(rows_of "$SHOP" customers --scale 0.01)" ]
}

@test "an existing table is never clobbered: exit 1, one message, the database unchanged" {
    "$FOUNT" run "$SHOP" --scale 0.01 --to sqlite:shop.db -q
    before=$(sha shop.db)
    run "$FOUNT" run "$SHOP" --scale 0.01 --to sqlite:shop.db -q
    [ "$status" -eq 1 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ "${lines[0]}" == "fount: sqlite.0: shop.db already has tables customers, products, orders, order_items, payments (use --replace to drop and recreate fount's tables, or --append to add rows after them)" ]]
    [ "$(sha shop.db)" = "$before" ]
    [ ! -e shop.db-wal ]
    [ ! -e shop.db-journal ]
    # One table is enough to refuse; the message names it.
    sqlite3 mine.db 'CREATE TABLE orders (x); INSERT INTO orders VALUES (42)'
    before=$(sha mine.db)
    run "$FOUNT" run "$SHOP" --scale 0.01 --to mine.db -q
    [ "$status" -eq 1 ]
    [[ "${lines[0]}" == "fount: sqlite.0: mine.db already has table orders (use --replace"* ]]
    [ "$(sha mine.db)" = "$before" ]
    [ "$(q mine.db 'SELECT count(*) FROM sqlite_schema')" -eq 1 ]
}

@test "a run that cannot start leaves no new file behind" {
    run "$FOUNT" run "$SHOP" --to sqlite:new.db -o journal_mode=off
    [ "$status" -ne 0 ]
    [ ! -e new.db ]
    run "$FOUNT" run "$SHOP" --to sqlite:new.db -o no_such_option=1
    [ "$status" -eq 2 ]
    [[ "$output" == *'no option "no_such_option"'* ]]
    [ ! -e new.db ]
    printf 'not,a,database\n' > data.db
    run "$FOUNT" run "$SHOP" --to data.db -q
    [ "$status" -eq 1 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ "${lines[0]}" == "fount: sqlite.0: data.db: file is not a database" ]]
    [ "$(cat data.db)" = "not,a,database" ]
}

@test "--replace drops and recreates only the profile's tables" {
    "$FOUNT" run "$SHOP" --scale 0.01 --to sqlite:shop.db -q
    q shop.db "CREATE TABLE notes (x); INSERT INTO notes VALUES ('keep me')"
    q shop.db "INSERT INTO products (id, sku, category, price, in_stock) VALUES (99999, 'X', 'x', 1, 1)"
    run "$FOUNT" run "$SHOP" --scale $SCALE --to sqlite:shop.db --replace -q
    [ "$status" -eq 0 ]
    for e in $(entities_of "$SHOP" --scale $SCALE); do
        [ "$(q shop.db "SELECT count(*) FROM \"$e\"")" -eq "$(rows_of "$SHOP" "$e" --scale $SCALE)" ]
    done
    [ "$(q shop.db 'SELECT x FROM notes')" = "keep me" ]
    [ "$(q shop.db 'SELECT count(*) FROM products WHERE id = 99999')" -eq 0 ]
    [ "$(q shop.db 'PRAGMA integrity_check')" = ok ]
    [ -z "$(q shop.db 'PRAGMA foreign_key_check')" ]
}

@test "--append adds the profile's rows after the existing ones: ids continue, no gaps, FKs clean" {
    "$FOUNT" run "$SHOP" --scale $SCALE --to sqlite:shop.db -q
    entities=$(entities_of "$SHOP" --scale $SCALE)
    # shellcheck disable=SC2046,SC2086 # table names: one word each
    db_rows shop.db $entities > before
    run "$FOUNT" run "$SHOP" --scale $SCALE --to sqlite:shop.db --append
    [ "$status" -eq 0 ]
    echo "$output" > run.err
    summary_rows run.err > added
    for e in $entities; do
        b=$(awk -v e="$e" '$1 == e { print $2 }' before)
        a=$(awk -v e="$e" '$1 == e { print $2 }' added)
        [ -n "$a" ]
        [ "$a" -gt 0 ]
        [ "$(q shop.db "SELECT count(*) FROM \"$e\"")" -eq $((b + a)) ]
        # Sequence ids 1..n: no gap, no duplicate.
        [ "$(q shop.db "SELECT count(*) = max(id) AND count(DISTINCT id) = count(*) AND min(id) = 1
            FROM \"$e\"")" -eq 1 ]
    done
    # The plain entities grew by exactly the profile's counts.
    for e in customers products orders; do
        b=$(awk -v e="$e" '$1 == e { print $2 }' before)
        [ "$(q shop.db "SELECT count(*) FROM \"$e\"")" -eq $((2 * b)) ]
    done
    [ "$(q shop.db 'PRAGMA integrity_check')" = ok ]
    [ -z "$(q shop.db 'PRAGMA foreign_key_check')" ]
    [ "$(q shop.db 'SELECT count(*) FROM orders o LEFT JOIN customers c ON c.id = o.customer_id
        WHERE c.id IS NULL')" -eq 0 ]
    # A missing table is created.
    q shop.db 'DROP TABLE payments'
    run "$FOUNT" run "$SHOP" --scale $SCALE --to sqlite:shop.db --append -q
    [ "$status" -eq 0 ]
    [ "$(q shop.db 'SELECT count(*) FROM payments')" -gt 0 ]
    [ -z "$(q shop.db 'PRAGMA foreign_key_check')" ]
}

@test "Ctrl-C: exit 130, a sound database holding exactly the rows the summary counts" {
    "$FOUNT" run "$SHOP" --scale 20 --to sqlite:big.db 2> run.err &
    pid=$!
    sleep 1.5
    kill -INT $pid
    st=0
    wait $pid || st=$?
    [ "$st" -eq 130 ]
    grep -q '(interrupted)' run.err
    [ "$(q big.db 'PRAGMA integrity_check')" = ok ]
    summary_rows run.err > want
    [ -s want ]
    awk '{ print $1 }' want > tables
    # shellcheck disable=SC2046,SC2086 # table names: one word each
    db_rows big.db $(cat tables) > got
    diff want got
    # It stopped early: not every relation is complete.
    [ "$(awk '{ s += $2 } END { print s }' want)" -lt "$("$FOUNT" check "$SHOP" --scale 20 |
        sed -n 's/.* relations, \([0-9]*\) rows$/\1/p')" ]
}

@test "SIGKILL mid-load: the database opens and passes integrity_check" {
    for delay in 0.3 1.0; do
        rm -f big.db big.db-wal big.db-journal
        "$FOUNT" run "$SHOP" --scale 20 --to sqlite:big.db -q 2>/dev/null &
        pid=$!
        # mid-load: once the first MiB is in the file (the load holds the database's lock, so
        # the file's size is what can be watched)
        wait_for_size big.db 1048576 || true
        sleep $delay
        kill -9 $pid
        wait $pid || true
        [ "$(q big.db 'PRAGMA integrity_check')" = ok ]
        [ -z "$(q big.db 'PRAGMA foreign_key_check')" ]
        # Whole batches only: every table holds a multiple of 4096 rows or is complete.
        n=$(q big.db 'SELECT count(*) FROM customers')
        [ $((n % 4096)) -eq 0 ] || [ "$n" -eq "$(rows_of "$SHOP" customers --scale 20)" ]
    done
}

# A read-only place: a read-only tmpfs as root (root writes through file permissions), else a
# chmod 555 directory.
make_readonly_dir() {
    mkdir ro
    if [ "$(id -u)" -eq 0 ]; then
        mount -t tmpfs -o size=1m tmpfs ro
        "$FOUNT" run "$SHOP" --scale 0.001 --to ro/old.db -q
        mount -o remount,ro ro
    else
        "$FOUNT" run "$SHOP" --scale 0.001 --to ro/old.db -q
        chmod 444 ro/old.db
        chmod 555 ro
    fi
}

@test "a read-only target: one clear error line, exit 1, nothing written" {
    make_readonly_dir
    before=$(sha ro/old.db)
    run "$FOUNT" run "$SHOP" --to sqlite:ro/new.db
    [ "$status" -eq 1 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ "${lines[0]}" == "fount: sqlite.0: cannot create ro/new.db: "* ]]
    [[ "${lines[0]}" == *"Read-only file system" || "${lines[0]}" == *"Permission denied" ]]
    [ ! -e ro/new.db ]
    run "$FOUNT" run "$SHOP" --to sqlite:ro/old.db --replace
    [ "$status" -eq 1 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ "${lines[0]}" == "fount: sqlite.0: ro/old.db: attempt to write a readonly database ("* ]]
    [ "$(sha ro/old.db)" = "$before" ]
}

@test "a full disk: one clear error line, exit 1, the committed part checks out" {
    mkdir full
    if [ "$(id -u)" -eq 0 ]; then
        mount -t tmpfs -o size=2m tmpfs full
        run "$FOUNT" run "$SHOP" --to sqlite:full/shop.db
        want="database or disk is full"
    else
        # No mount without root: a file size limit, with SIGXFSZ ignored so write() fails.
        run bash -c "trap '' XFSZ; ulimit -f 2048; exec \"$FOUNT\" run \"$SHOP\" --to sqlite:full/shop.db"
        want="disk I/O error"
    fi
    [ "$status" -eq 1 ]
    errs=$(printf '%s\n' "${lines[@]}" | grep -c '^fount: ')
    [ "$errs" -eq 1 ]
    line=$(printf '%s\n' "${lines[@]}" | grep '^fount: ')
    [[ "$line" == "fount: sqlite.0: "*": full/shop.db: "*"$want" ]]
    # The summary says which rows made it, and the database holds exactly those (checked on a
    # copy, so that the check itself needs no room on the full disk).
    echo "$output" > run.err
    mkdir copy
    cp full/shop.db* copy/
    [ "$(q copy/shop.db 'PRAGMA integrity_check')" = ok ]
    summary_rows run.err | awk '$2 > 0' > want
    [ -s want ]
    # shellcheck disable=SC2046,SC2086 # table names: one word each
    db_rows copy/shop.db $(awk '{ print $1 }' want) > got
    diff want got
}
