#!/usr/bin/env bats
# workload.bats: the live OLTP workload (`fount run ... --workload`, docs/workload.md) against a
# real PostgreSQL and a real MariaDB, both started for this file (scripts/pg-server.sh,
# scripts/mysql-server.sh) and stopped in teardown_file. Each run is a few seconds of
# profiles/shop.json's workload against a fresh copy of the shop, then SQL checks: foreign keys
# hold (no orphan), every status change recorded by a trigger moved one step forward, and the
# summary's rows equal what the tables gained and lost. Then reconnecting: a server restarted in
# the middle of a run (PostgreSQL by pg_ctl, MariaDB killed and started again on the same data and
# port), connections terminated, a COMMIT whose answer is cut (tests/helpers/cut-proxy), a server
# gone for longer than --reconnect-timeout; the progress line; the error cases: server down,
# missing tables, a bad workload section, a target without a workload, Ctrl-C, and determinism
# (one connection, --pace max: identical tables).

load helpers

SCALE=0.02

setup_file() {
    FOUNT=${FOUNT:-$PWD/fount}
    if ! "$FOUNT" sinks | grep -q '^postgres ' || ! "$FOUNT" sinks | grep -q '^mysql '; then
        { echo "this fount lacks the postgres or mysql sink (scripts/bootstrap)" >&2; return 1; }
    fi
    PGTEST=$(mktemp -d /tmp/fount-wlpg.XXXXXX)
    MYTEST=$(mktemp -d /tmp/fount-wlmy.XXXXXX)
    export PGTEST MYTEST
    "$BATS_TEST_DIRNAME/../../scripts/pg-server.sh" start "$PGTEST" >/dev/null
    "$BATS_TEST_DIRNAME/../../scripts/mysql-server.sh" start "$MYTEST" >/dev/null
}

teardown_file() {
    [ -n "${PGTEST:-}" ] && { "$BATS_TEST_DIRNAME/../../scripts/pg-server.sh" stop "$PGTEST" || true; rm -rf "$PGTEST"; }
    [ -n "${MYTEST:-}" ] && { "$BATS_TEST_DIRNAME/../../scripts/mysql-server.sh" stop "$MYTEST" || true; rm -rf "$MYTEST"; }
    return 0
}

pguri() { echo "postgres://fount:fount@127.0.0.1:$(cat "$PGTEST/port")/$1"; }
myuri() { echo "mysql://fount:fount@127.0.0.1:$(cat "$MYTEST/port")/$1"; }
pgadmin() { psql -X -q -v ON_ERROR_STOP=1 -h "$PGTEST" -p "$(cat "$PGTEST/port")" -U postgres -d postgres "$@"; }
myadmin() { mariadb --no-defaults -S "$MYTEST/sock" -u root -N -B "$@"; }
# q KIND DB SQL: one value per line
q() {
    if [ "$1" = pg ]; then psql -X -q -t -A -v ON_ERROR_STOP=1 "$(pguri "$2")" -c "$3"
    else myadmin "$2" -e "$3"; fi
}

# newshop KIND DB: a fresh database with the shop seeded and a trigger recording every change of
# orders.status in status_audit (old, new).
newshop() {
    if [ "$1" = pg ]; then
        pgadmin -c "CREATE DATABASE \"$2\" OWNER fount"
        "$FOUNT" run "$SHOP" --scale $SCALE --to "$(pguri "$2")" --quiet
        q pg "$2" "CREATE TABLE status_audit (id BIGINT, old_status TEXT, new_status TEXT);
            CREATE FUNCTION audit_status() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN
              IF NEW.status IS DISTINCT FROM OLD.status THEN
                INSERT INTO status_audit VALUES (OLD.id, OLD.status, NEW.status); END IF;
              RETURN NEW; END \$\$;
            CREATE TRIGGER orders_status BEFORE UPDATE ON orders FOR EACH ROW
              EXECUTE FUNCTION audit_status();"
    else
        myadmin -e "CREATE DATABASE \`$2\`"
        "$FOUNT" run "$SHOP" --scale $SCALE --to "$(myuri "$2")" --quiet
        myadmin "$2" -e "CREATE TABLE status_audit (id BIGINT, old_status VARCHAR(20),
            new_status VARCHAR(20)); CREATE TRIGGER orders_status AFTER UPDATE ON orders FOR EACH ROW
            INSERT INTO status_audit SELECT OLD.id, OLD.status, NEW.status FROM DUAL
            WHERE NEW.status <> OLD.status"
    fi
}

# rows_in SUMMARY TABLE WHAT: the summary's "TABLE rows: I inserted, U updated, D deleted" figure
rows_in() {
    awk -v t="$2" -v w="$3" '$1 == t && $2 == "rows:" {
        for (i = 3; i <= NF; i++) if ($(i + 1) ~ "^" w) { gsub(",", "", $i); print $i; exit } }
        END {}' "$1" | grep . || echo 0
}

# doubt_in SUMMARY TABLE WHAT: the "(in doubt: I inserted, U updated, D deleted)" figure, or 0
doubt_in() {
    sed -n "s/^$2 *rows: .*(in doubt: \(.*\))\$/\1/p" "$1" | tr ',' '\n' |
        awk -v w="$3" '$2 == w { print $1 }' | grep . || echo 0
}

# check_counts KIND DB SUMMARY: each table holds what it held before (before_TABLE), plus the rows
# the summary says were inserted, minus those deleted; the rows of transactions in doubt may or may
# not be there, and nothing else may differ.
check_counts() {
    local kind=$1 db=$2 sum=$3 t before after ins del dins ddel
    for t in orders order_items payments; do
        before=$(eval echo "\$before_$t")
        after=$(q "$kind" "$db" "SELECT count(*) FROM $t")
        ins=$(rows_in "$sum" $t inserted)
        del=$(rows_in "$sum" $t deleted)
        dins=$(doubt_in "$sum" $t inserted)
        ddel=$(doubt_in "$sum" $t deleted)
        echo "$t: before $before, after $after, +$ins -$del, in doubt +$dins -$ddel"
        [ "$after" -ge $((before + ins - del - ddel)) ]
        [ "$after" -le $((before + ins - del + dins)) ]
    done
}

# check_db KIND DB SUMMARY: foreign keys hold, statuses only moved forward (status_audit), every
# new order has its items.
check_db() {
    local kind=$1 db=$2 sum=$3
    [ "$(q "$kind" "$db" "SELECT count(*) FROM order_items i LEFT JOIN orders o ON o.id = i.order_id WHERE o.id IS NULL")" -eq 0 ]
    [ "$(q "$kind" "$db" "SELECT count(*) FROM payments p LEFT JOIN orders o ON o.id = p.order_id WHERE o.id IS NULL")" -eq 0 ]
    [ "$(q "$kind" "$db" "SELECT count(*) FROM orders o WHERE o.id > $maxid AND NOT EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = o.id)")" -eq 0 ]
    [ "$(q "$kind" "$db" "SELECT count(*) FROM status_audit WHERE concat(old_status, '>', new_status) NOT IN ('pending>paid', 'paid>shipped', 'shipped>delivered')")" -eq 0 ]
    [ "$(q "$kind" "$db" "SELECT count(*) FROM status_audit")" -le \
      $(( $(rows_in "$sum" orders updated) + $(doubt_in "$sum" orders updated) )) ]
}

# counts_before KIND DB: before_TABLE and maxid, for check_counts and check_db
counts_before() {
    for t in orders order_items payments; do
        eval "before_$t=$(q "$1" "$2" "SELECT count(*) FROM $t")"
    done
    maxid=$(q "$1" "$2" "SELECT max(id) FROM orders")
}

# every_op_counted SUMMARY N: done + failed + none + in doubt = N transactions (--events N)
every_op_counted() {
    local done failed none doubt
    read -r done failed none doubt < <(sed -n 's/^\([0-9]*\) transactions, \([0-9]*\) failed, \([0-9]*\) found no row\(, \([0-9]*\) in doubt\)\{0,1\}.*/\1 \2 \3 \5/p' "$1")
    echo "done $done failed $failed none $none in doubt ${doubt:-0}"
    [ $((done + failed + none + ${doubt:-0})) -eq "$2" ]
}

# run_and_check KIND DB [fount options]: run the workload, then check the database against it.
run_and_check() {
    local kind=$1 db=$2 uri t before after ins del
    shift 2
    [ "$kind" = pg ] && uri=$(pguri "$db") || uri=$(myuri "$db")
    for t in orders order_items payments; do
        eval "before_$t=$(q "$kind" "$db" "SELECT count(*) FROM $t")"
    done
    maxid=$(q "$kind" "$db" "SELECT max(id) FROM orders")
    run "$FOUNT" run "$SHOP" --to "$uri" --workload "$@"
    echo "$output"
    [ "$status" -eq 0 ]
    echo "$output" > summary
    # the rate was kept: 50/s for 3 s is about 150 transactions
    total=$(sed -n 's/^\([0-9]*\) transactions, 0 failed.*/\1/p' summary)
    [ -n "$total" ]
    [ "$total" -ge 90 ]
    [ "$total" -le 230 ]
    # the summary's rows are what the tables gained and lost
    check_counts "$kind" "$db" summary
    [ "$(rows_in summary orders inserted)" -gt 0 ]
    [ "$(rows_in summary orders deleted)" -gt 0 ]
    # inserted orders are new keys after the largest; the new_order count is theirs
    new=$(q "$kind" "$db" "SELECT count(*) FROM orders WHERE id > $maxid")
    [ "$new" -le "$(rows_in summary orders inserted)" ]
    [ "$(awk '$1 == "new_order" { print $3 }' summary)" -eq "$(rows_in summary orders inserted)" ]
    # foreign keys hold: no orphan
    [ "$(q "$kind" "$db" "SELECT count(*) FROM order_items i LEFT JOIN orders o ON o.id = i.order_id WHERE o.id IS NULL")" -eq 0 ]
    [ "$(q "$kind" "$db" "SELECT count(*) FROM payments p LEFT JOIN orders o ON o.id = p.order_id WHERE o.id IS NULL")" -eq 0 ]
    [ "$(q "$kind" "$db" "SELECT count(*) FROM orders o LEFT JOIN customers c ON c.id = o.customer_id WHERE c.id IS NULL")" -eq 0 ]
    [ "$(q "$kind" "$db" "SELECT count(*) FROM order_items i LEFT JOIN products p ON p.id = i.product_id WHERE p.id IS NULL")" -eq 0 ]
    # every new order has its items (an order and its children are one transaction)
    [ "$(q "$kind" "$db" "SELECT count(*) FROM orders o WHERE o.id > $maxid AND NOT EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = o.id)")" -eq 0 ]
    # no lifecycle moved backwards: each recorded change is one step forward
    run q "$kind" "$db" "SELECT concat(old_status, '>', new_status), count(*) FROM status_audit GROUP BY 1 ORDER BY 1"
    echo "$output"
    [ "$(q "$kind" "$db" "SELECT count(*) FROM status_audit WHERE concat(old_status, '>', new_status) NOT IN ('pending>paid', 'paid>shipped', 'shipped>delivered')")" -eq 0 ]
    [ "$(q "$kind" "$db" "SELECT count(*) FROM status_audit")" -gt 0 ]
    [ "$(q "$kind" "$db" "SELECT count(*) FROM status_audit")" -le \
      $(( $(rows_in summary orders updated) + $(doubt_in summary orders updated) )) ]
}

@test "postgres: 3 s of shop.json's workload: counts, foreign keys, forward-only statuses" {
    newshop pg w1
    run_and_check pg w1 --duration 3s --threads 4
}

@test "mysql: 3 s of shop.json's workload: counts, foreign keys, forward-only statuses" {
    newshop my w1
    run_and_check my w1 --duration 3s --threads 4
}

@test "postgres: --replace seeds first, then runs the workload" {
    pgadmin -c "CREATE DATABASE w2 OWNER fount"
    run "$FOUNT" run "$SHOP" --scale $SCALE --to "$(pguri w2)" --replace --workload --duration 1s
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"rows written, 0 failed"* ]]
    [[ "$output" == *" transactions, 0 failed"* ]]
}

# The intended ops are a pure function of the seed and the tables: with one connection the
# outcome is too, on either database.
@test "one connection, --events 300: the same tables from the same start, on both databases" {
    newshop pg d1
    newshop pg d2
    newshop my d1
    for db in d1 d2; do
        "$FOUNT" run "$SHOP" --to "$(pguri $db)" --workload --events 300 --pace max --threads 1 --quiet
    done
    "$FOUNT" run "$SHOP" --to "$(myuri d1)" --workload --events 300 --pace max --threads 1 --quiet
    sql="SELECT concat(id, ' ', customer_id, ' ', status, ' ', total) FROM orders ORDER BY id"
    q pg d1 "$sql" > a
    q pg d2 "$sql" > b
    q my d1 "$sql" > c
    cmp a b
    cmp a c
    [ "$(wc -l < a)" -gt 1000 ]
    isql="SELECT concat(id, ' ', order_id, ' ', product_id, ' ', quantity, ' ', unit_price) FROM order_items ORDER BY id"
    q pg d1 "$isql" > a
    q my d1 "$isql" > c
    cmp a c
}

@test "Ctrl-C: exit 130, and the summary's rows are the tables' rows" {
    newshop pg c1
    before=$(q pg c1 "SELECT count(*) FROM orders")
    "$FOUNT" run "$SHOP" --to "$(pguri c1)" --workload --duration 30s 2> err &
    pid=$!
    sleep 1.5
    kill -INT $pid
    st=0
    wait $pid || st=$?
    cat err
    [ "$st" -eq 130 ]
    grep -q '(interrupted)$' err
    after=$(q pg c1 "SELECT count(*) FROM orders")
    [ "$after" -eq $((before + $(rows_in err orders inserted) - $(rows_in err orders deleted))) ]
}

# run_terminated DB ARGS...: the workload on PostgreSQL's DB, whose fount sessions are
# terminated 1.5 s in; its exit status in st, its stderr in err
run_terminated() {
    local db=$1 pid
    shift
    "$FOUNT" run "$SHOP" --to "$(pguri "$db")" --workload "$@" 2> err &
    pid=$!
    sleep 1.5
    pgadmin -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$db' AND application_name = 'fount'" >/dev/null
    st=0
    wait $pid || st=$?
    cat err
}

@test "--reconnect-timeout 0: a killed connection ends the run: one clear line, exit 1, the counts so far" {
    newshop pg k1
    run_terminated k1 --duration 20s --threads 2 --reconnect-timeout 0
    [ "$st" -eq 1 ]
    [ "$(grep -c '^fount: postgres.0: workload: lost the connection to the server: terminating connection due to administrator command$' err)" -eq 1 ]
    [ "$(grep -c '^fount: ' err)" -eq 1 ]
    grep -q '^connections: [12] lost, 0 opened again; ' err
    grep -q ' transactions, ' err
}

# A restart in the middle of a run: the connections are opened again and the run goes on. The
# server is restarted by a background job (its fd 3 closed, or bats would wait for it).
restart_in() { # restart_in SECONDS pg|my
    if [ "$2" = pg ]; then
        ( sleep "$1"; "$ROOT/scripts/pg-server.sh" restart "$PGTEST" ) 3>&- >/dev/null 2>restart.err &
    else
        ( sleep "$1"; kill -KILL "$(cat "$MYTEST/pid")"
          "$ROOT/scripts/mysql-server.sh" restart "$MYTEST" ) 3>&- >/dev/null 2>restart.err &
    fi
    restarter=$!
}

# connections_reopened SUMMARY: at least one connection lost, and every lost one opened again
connections_reopened() {
    local lost again
    read -r lost again < <(sed -n 's/^connections: \([0-9]*\) lost, \([0-9]*\) opened again; .* with one or more down$/\1 \2/p' "$1")
    echo "lost ${lost:-none}, opened again ${again:-none}"
    [ "${lost:-0}" -ge 1 ]
    [ "$lost" -eq "$again" ]
}

@test "postgres: a restart in the middle of the run: reconnected, exit 0, the counts are the tables'" {
    newshop pg r1
    restart_in 1.5 pg
    run_and_check pg r1 --duration 4s --threads 4
    wait "$restarter"
    connections_reopened summary
}

@test "mysql: the server killed and started again in the middle of the run: reconnected, exit 0, the counts are the tables'" {
    newshop my r1
    restart_in 1.5 my
    run_and_check my r1 --duration 4s --threads 4
    wait "$restarter"
    connections_reopened summary
}

@test "terminated connections are opened again; the transactions they were in are tried again" {
    newshop pg k2
    counts_before pg k2
    run_terminated k2 --duration 3s --threads 2
    [ "$st" -eq 0 ]
    connections_reopened err
    check_counts pg k2 err
    check_db pg k2 err
}

# cut_commit KIND DB N: --events 40 on one connection through cut-proxy, which passes the Nth
# COMMIT to the server and cuts the connection before the answer comes back. The ops are a pure
# function of the seed and the tables (a fresh shop): the same op is cut every time.
cut_commit() {
    local kind=$1 db=$2 n=$3 pat uri
    if [ "$kind" = pg ]; then pat='Q\x00\x00\x00\x0bCOMMIT'; port=$(cat "$PGTEST/port")
    else pat='\x03COMMIT'; port=$(cat "$MYTEST/port"); fi
    cut_proxy "$T/pport.$kind.$n" "$port" "$pat" "$n"
    [ "$kind" = pg ] && uri="postgres://fount:fount@127.0.0.1:$(cat "$T/pport.$kind.$n")/$db" ||
        uri="mysql://fount:fount@127.0.0.1:$(cat "$T/pport.$kind.$n")/$db"
    counts_before "$kind" "$db"
    run "$FOUNT" run "$SHOP" --to "$uri" --workload --events 40 --pace max --threads 1
    echo "$output"
    [ "$status" -eq 0 ]
    echo "$output" > summary
    connections_reopened summary
    every_op_counted summary 40
    check_counts "$kind" "$db" summary
    check_db "$kind" "$db" summary
}

@test "a COMMIT whose answer is lost: an insert is settled by looking for its key, an update or delete is counted in doubt" {
    newshop pg x1
    cut_commit pg x1 1 # shop.json's first op on a fresh shop: a new_order, and it landed
    grep -q '^40 transactions, 0 failed, 0 found no row in ' summary
    newshop pg x2
    cut_commit pg x2 2 # the second: a delete_order; the server did delete (cut-proxy waits)
    grep -q '^39 transactions, 0 failed, 0 found no row, 1 in doubt (the connection was lost during COMMIT' summary
    [ "$(doubt_in summary orders deleted)" -eq 1 ]
    [ "$(q pg x2 "SELECT count(*) FROM orders")" -eq $((before_orders + $(rows_in summary orders inserted) - $(rows_in summary orders deleted) - 1)) ]
    newshop my x1
    cut_commit my x1 1
    grep -q '^40 transactions, 0 failed, 0 found no row in ' summary
    newshop my x3
    cut_commit my x3 3 # the third: an advance_order
    grep -q '^39 transactions, 0 failed, 0 found no row, 1 in doubt (' summary
    [ "$(doubt_in summary orders updated)" -eq 1 ]
}

@test "the server gone for longer than --reconnect-timeout: one line, exit 1, the counts so far" {
    newshop pg g1
    counts_before pg g1
    "$FOUNT" run "$SHOP" --to "$(pguri g1)" --workload --duration 20s --threads 2 \
        --reconnect-timeout 1s 2> err &
    pid=$!
    sleep 1.5
    "$ROOT/scripts/pg-server.sh" stop "$PGTEST"
    st=0
    wait $pid || st=$?
    "$ROOT/scripts/pg-server.sh" restart "$PGTEST"
    cat err
    [ "$st" -eq 1 ]
    [ "$(grep -c '^fount: ' err)" -eq 1 ]
    grep -q '^fount: postgres.0: workload: lost the connection to the server and could not open it again within 1 s (--reconnect-timeout): cannot connect to PostgreSQL at 127.0.0.1:' err
    grep -q '^connections: [0-9]* lost, 0 opened again; ' err
    check_counts pg g1 err
}

@test "progress: a refreshed line on a terminal, nothing with --quiet" {
    command -v script >/dev/null || { echo "script (util-linux) is not installed"; return 1; }
    newshop pg p1
    script -qfec "$FOUNT run $SHOP --to $(pguri p1) --workload --duration 2.5s" typescript > /dev/null
    cat -A typescript
    grep -a -q $'\r\033\\[Kfount: 1s  [0-9]* done  [0-9]*/s of 50/s target  0 failed  0 in doubt' typescript
    grep -a -q $'\r\033\\[Kfount: 2s  ' typescript
    grep -a -q ' transactions, 0 failed, 0 found no row in ' typescript
    script -qfec "$FOUNT run $SHOP --to $(pguri p1) --workload --duration 1.5s --quiet" quiet > /dev/null
    ! grep -a -q 'fount: ' quiet
    ! grep -a -q 'transactions' quiet
}

@test "server down: one line, exit 1" {
    run "$FOUNT" run "$SHOP" --to postgres://fount:fount@127.0.0.1:1/fount --workload --duration 1s
    echo "$output"
    [ "$status" -eq 1 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == "fount: postgres.0: cannot connect to PostgreSQL at 127.0.0.1:1 "*"Connection refused"* ]]
    run "$FOUNT" run "$SHOP" --to mysql://fount:fount@127.0.0.1:1/fount --workload --duration 1s
    echo "$output"
    [ "$status" -eq 1 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == "fount: mysql.0: cannot connect to MySQL at 127.0.0.1:1 "* ]]
}

@test "missing tables: one line naming them, exit 1, nothing changed" {
    pgadmin -c "CREATE DATABASE empty OWNER fount"
    run "$FOUNT" run "$SHOP" --to "$(pguri empty)" --workload --duration 1s
    echo "$output"
    [ "$status" -eq 1 ]
    [ "$output" = "fount: postgres.0: workload: tables customers, products, orders, order_items, payments do not exist (seed the database first: fount run $SHOP --to URI; or add --replace to seed it, then run the workload)" ]
    myadmin -e "CREATE DATABASE empty"
    myadmin empty -e "CREATE TABLE customers (id BIGINT PRIMARY KEY)"
    run "$FOUNT" run "$SHOP" --to "$(myuri empty)" --workload --duration 1s
    echo "$output"
    [ "$status" -eq 1 ]
    [[ "$output" == "fount: mysql.0: workload: tables products, orders, order_items, payments do not exist "* ]]
}

@test "a bad workload section: exit 2, file:line:col and the path, nothing run" {
    sed 's/"entity": "orders", "lifecycle": {"status": \["pending", "paid"/"entity": "orders", "lifecycle": {"status": ["pending", "payed"/' \
        "$SHOP" > p.json
    run "$FOUNT" run p.json --to "$(pguri fount)" --workload --duration 1s
    echo "$output"
    [ "$status" -eq 2 ]
    [[ "$output" == 'p.json:'*': workload.transactions.advance_order.lifecycle.status[1]: "payed" is not one of the values of orders.status (did you mean "paid"?)' ]]
}

@test "--workload needs a database with a workload driver and a profile with a workload" {
    run "$FOUNT" run "$SHOP" --to out.db --workload
    [ "$status" -eq 2 ]
    [[ "$output" == *"--workload runs against PostgreSQL or MySQL/MariaDB, not the sqlite sink"* ]]
    run "$FOUNT" run "$SHOP" --workload
    [ "$status" -eq 2 ]
    [[ "$output" == *"--workload needs --to postgres://... or mysql://..."* ]]
    run "$FOUNT" run "$SHOP" --to out.db --reconnect-timeout 5s
    [ "$status" -eq 2 ]
    [[ "$output" == *"--reconnect-timeout is for --workload"* ]]
    run "$FOUNT" run "$SHOP" --to "$(pguri fount)" --workload --reconnect-timeout soon
    [ "$status" -eq 2 ]
    [[ "$output" == *'--reconnect-timeout takes a duration such as 30s or 2m (0: do not reconnect), got "soon"'* ]]
    run "$FOUNT" run "$ROOT/profiles/saas.json" --to "$(pguri fount)" --workload
    [ "$status" -eq 2 ]
    [ "${lines[0]}" = "fount: --workload: $ROOT/profiles/saas.json has no \"workload\" section (see docs/workload.md)" ]
}
