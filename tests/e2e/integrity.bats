#!/usr/bin/env bats
# integrity.bats: shop loaded into SQLite through `fount schema` and `fount run --format sql` has no
# orphan: PRAGMA foreign_key_check is silent, a LEFT JOIN per foreign key finds nothing, and the row
# counts are those `fount check` announces.

load helpers

SCALE=0.2

# Loaded once for the file; each test copies the database into its own directory.
setup_file() {
    cd "$BATS_FILE_TMPDIR"
    "$FOUNT" schema "$SHOP" --dialect sqlite > schema.sql
    "$FOUNT" run "$SHOP" --scale $SCALE --to - --format sql --dialect sqlite --quiet > data.sql
    { echo 'PRAGMA foreign_keys = OFF; BEGIN;'; cat schema.sql data.sql; echo 'COMMIT;'; } |
        sqlite3 -bail shop.db
}

load_shop() {
    cp "$BATS_FILE_TMPDIR/shop.db" shop.db
}

# Every foreign key of the database as "table|from|parent|to".
foreign_keys() {
    sqlite3 shop.db "SELECT m.name, f.\"from\", f.\"table\", f.\"to\"
                     FROM sqlite_master m, pragma_foreign_key_list(m.name) f
                     WHERE m.type = 'table' ORDER BY 1, 2"
}

@test "PRAGMA foreign_key_check finds nothing" {
    load_shop
    run sqlite3 shop.db 'PRAGMA foreign_key_check'
    [ "$status" -eq 0 ]
    [ -z "$output" ]
}

@test "no orphan for any foreign key (LEFT JOIN)" {
    load_shop
    run foreign_keys
    echo "$output"
    # orders.customer_id, order_items.order_id, order_items.product_id, payments.order_id
    [ "${#lines[@]}" -eq 4 ]
    for fk in "${lines[@]}"; do
        IFS='|' read -r t c p k <<< "$fk"
        n=$(sqlite3 shop.db "SELECT count(*) FROM \"$t\" x LEFT JOIN \"$p\" y ON x.\"$c\" = y.\"$k\"
                             WHERE y.\"$k\" IS NULL AND x.\"$c\" IS NOT NULL")
        echo "$t.$c -> $p.$k: $n orphans"
        [ "$n" -eq 0 ]
        # and the column really is filled
        filled=$(sqlite3 shop.db "SELECT count(\"$c\") FROM \"$t\"")
        [ "$filled" -gt 0 ]
    done
}

@test "row counts match fount check" {
    load_shop
    n=0
    for e in $(entities_of "$SHOP" --scale $SCALE); do
        want=$(rows_of "$SHOP" "$e" --scale $SCALE)
        got=$(sqlite3 shop.db "SELECT count(*) FROM \"$e\"")
        echo "$e: $got rows, fount check says $want"
        [ "$got" -eq "$want" ]
        [ "$got" -gt 0 ]
        n=$((n + 1))
    done
    [ "$n" -eq 5 ]
}

@test "loading with foreign keys enforced succeeds (parents are written first)" {
    "$FOUNT" schema "$SHOP" --dialect sqlite > schema.sql
    "$FOUNT" run "$SHOP" --scale 0.05 --to - --format sql --dialect sqlite --quiet > data.sql
    run sh -c '{ echo "PRAGMA foreign_keys = ON;"; cat schema.sql data.sql; } | sqlite3 -bail fk.db'
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$(sqlite3 fk.db 'SELECT count(*) FROM payments')" -gt 0 ]
}
