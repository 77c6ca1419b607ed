#!/usr/bin/env bats
# unique.bats: every kind of unique field (tests/e2e/profiles/unique.json: sequence, int, decimal,
# date, timestamp, string pattern, template with {id}, uuid v4 and v7, ref over a larger parent)
# holds 10^6 distinct values when made by 2 threads.

load helpers

PROFILE=$ROOT/tests/e2e/profiles/unique.json

setup_file() {
    cd "$BATS_FILE_TMPDIR"
    "$FOUNT" run "$PROFILE" --only u --to u.csv --threads 2 --quiet
}

# check_column NAME: no value of the column occurs twice in u.csv (the header is unique anyway).
check_column() {
    local col=$1 k
    k=$(head -1 "$BATS_FILE_TMPDIR/u.csv" | tr ',' '\n' | grep -nx "$col" | cut -d: -f1)
    [ -n "$k" ] || { echo "no column $col" >&2; return 1; }
    cut -d, -f"$k" "$BATS_FILE_TMPDIR/u.csv" | LC_ALL=C sort -S 128M | uniq -d > dups.txt
    if [ -s dups.txt ]; then
        echo "$col: $(wc -l < dups.txt) repeated values, e.g.:" >&2
        head -5 dups.txt >&2
        return 1
    fi
}

@test "the file has 10^6 rows, the expected columns and no empty value" {
    [ "$(wc -l < "$BATS_FILE_TMPDIR/u.csv")" -eq 1000001 ]
    [ "$(head -1 "$BATS_FILE_TMPDIR/u.csv")" = "id,i,d,day,ts,code,login,u4,u7,parent_id" ]
    # a NULL would be an empty field; every line has 10 fields
    ! grep -q -e ',,' -e ',$' -e '^,' "$BATS_FILE_TMPDIR/u.csv"
    ! LC_ALL=C grep -q -v -E '^([^,]+,){9}[^,]+$' "$BATS_FILE_TMPDIR/u.csv"
}

@test "unique sequence" { check_column id; }
@test "unique int" { check_column i; }
@test "unique decimal" { check_column d; }
@test "unique date" { check_column day; }
@test "unique timestamp" { check_column ts; }
@test "unique string pattern" { check_column code; }
@test "unique template with {id}" { check_column login; }
@test "unique uuid v4" { check_column u4; }
@test "unique uuid v7" { check_column u7; }

@test "unique ref over a larger parent" {
    check_column parent_id
    # every value is a key of parents (ids 1..1500000)
    run sh -c "cut -d, -f10 '$BATS_FILE_TMPDIR/u.csv' | tail -n +2 | awk '\$1 < 1 || \$1 > 1500000'"
    [ "$status" -eq 0 ]
    [ -z "$output" ]
}
