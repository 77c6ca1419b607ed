#!/usr/bin/env bats
# cli.bats: the command line as users meet it: help and version, usage errors (exit 2), refusing to
# overwrite, one file per entity, write errors, --only, sample, schema, Ctrl-C, and every example
# profile passing `fount check`.

load helpers

# ---------- help, version, usage errors ----------

@test "--help for every command and --version exit 0" {
    run "$FOUNT" --help
    [ "$status" -eq 0 ]
    [[ "$output" == *"usage: fount COMMAND"* ]]
    for cmd in run check sample schema; do
        run "$FOUNT" "$cmd" --help
        echo "$cmd: $output"
        [ "$status" -eq 0 ]
        [[ "${lines[0]}" == "usage: fount $cmd"* ]]
        run "$FOUNT" help "$cmd"
        [ "$status" -eq 0 ]
        [[ "${lines[0]}" == "usage: fount $cmd"* ]]
    done
    run "$FOUNT" --version
    [ "$status" -eq 0 ]
    [[ "$output" == "fount "[0-9]* ]]
}

@test "fount sinks --help prints its usage" {
    run "$FOUNT" sinks
    [ "$status" -eq 0 ]
    [[ "$output" == *"file "* ]]
    run "$FOUNT" sinks --help
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == "usage: fount sinks"* ]]
}

@test "no command, an unknown command or an unknown option: exit 2 with a message" {
    run "$FOUNT"
    [ "$status" -eq 2 ]
    [[ "$output" == *"usage: fount COMMAND"* ]]
    run "$FOUNT" bogus
    [ "$status" -eq 2 ]
    [[ "$output" == *'unknown command "bogus"'* ]]
    run "$FOUNT" run "$SHOP" --bogus
    [ "$status" -eq 2 ]
    [[ "$output" == *'unknown option "--bogus"'* ]]
    run "$FOUNT" check
    [ "$status" -eq 2 ]
    [[ "$output" == *"needs a PROFILE"* ]]
    run "$FOUNT" run "$SHOP" --threads
    [ "$status" -eq 2 ]
    run "$FOUNT" run "$SHOP" --shard 3/3 --to x.csv
    [ "$status" -eq 2 ]
    [ ! -e x.csv ]
    run "$FOUNT" run "$SHOP" --format xml --to x.csv
    [ "$status" -eq 2 ]
    [ ! -e x.csv ]
    run "$FOUNT" run "$SHOP" --only nosuch --to x.csv
    [ "$status" -eq 2 ]
    [[ "$output" == *'no entity named "nosuch"'* ]]
    [ ! -e x.csv ]
}

@test "a missing profile: exit 2 and a message naming it" {
    run "$FOUNT" check nosuch.json
    [ "$status" -eq 2 ]
    [ "$output" = "nosuch.json: cannot open the profile: No such file or directory" ]
}

# ---------- files ----------

@test "run refuses to overwrite an existing file; --force overwrites it" {
    echo "precious" > out.csv
    run "$FOUNT" run "$SHOP" --scale 0.01 --to out.csv --quiet
    echo "$output"
    [ "$status" -eq 1 ]
    [[ "$output" == *"out.csv already exists (use --force to overwrite it)"* ]]
    [ "$(cat out.csv)" = "precious" ]
    run "$FOUNT" run "$SHOP" --scale 0.01 --to out.csv --quiet --force
    [ "$status" -eq 0 ]
    [ "$(head -1 out.csv)" = "id,first_name,last_name,email,phone,street,city,country,segment,credit_limit,external_id,created_at" ]
    [ "$(wc -l < out.csv)" -gt 100 ]
}

@test "--to file:dir/ writes one file per entity, and refuses if any exists" {
    run "$FOUNT" run "$SHOP" --scale 0.01 --to file:out/sub/ --quiet
    [ "$status" -eq 0 ]
    [ "$(ls out/sub | sort | tr '\n' ' ')" = "customers.csv order_items.csv orders.csv payments.csv products.csv " ]
    for e in customers products orders order_items payments; do
        [ "$(head -c 3 out/sub/$e.csv)" = "id," ]
        [ "$(($(wc -l < out/sub/$e.csv) - 1))" -eq "$(rows_of "$SHOP" $e --scale 0.01)" ]
    done
    mkdir dir2
    echo "precious" > dir2/orders.csv
    run "$FOUNT" run "$SHOP" --scale 0.01 --to file:dir2/ --quiet
    echo "$output"
    [ "$status" -eq 1 ]
    [[ "$output" == *"dir2/orders.csv already exists"* ]]
    # nothing else was written, and the file is untouched
    [ "$(ls dir2)" = "orders.csv" ]
    [ "$(cat dir2/orders.csv)" = "precious" ]
    run "$FOUNT" run "$SHOP" --scale 0.01 --to file:dir2/ --quiet --force
    [ "$status" -eq 0 ]
    [ "$(ls dir2 | wc -l)" -eq 5 ]
}

@test "writing to /dev/full: one clear line and exit 1" {
    [ -w /dev/full ]
    run "$FOUNT" run "$SHOP" --scale 0.1 --to /dev/full --format csv --quiet
    echo "$output"
    [ "$status" -eq 1 ]
    [ "$(grep -c 'No space left on device' <<< "$output")" -eq 1 ]
    grep -q '^fount: .*/dev/full.*: No space left on device$' <<< "$output"
    # nothing looks like success
    ! grep -q '[1-9][0-9]* rows written' <<< "$output"
}

@test "--only writes only the entities named (refs still resolve)" {
    run "$FOUNT" run "$SHOP" --scale 0.05 --to file:out/ --only orders --quiet
    [ "$status" -eq 0 ]
    [ "$(ls out)" = "orders.csv" ]
    [ "$(($(wc -l < out/orders.csv) - 1))" -eq "$(rows_of "$SHOP" orders --scale 0.05)" ]
    # the same orders as a full run
    "$FOUNT" run "$SHOP" --scale 0.05 --to file:all/ --quiet
    cmp out/orders.csv all/orders.csv
    # a "per" child alone: its parent is enumerated, not written
    run "$FOUNT" run "$SHOP" --scale 0.05 --to file:items/ --only order_items,payments --quiet
    [ "$status" -eq 0 ]
    [ "$(ls items | tr '\n' ' ')" = "order_items.csv payments.csv " ]
    cmp items/order_items.csv all/order_items.csv
    cmp items/payments.csv all/payments.csv
}

# ---------- sample, schema, check ----------

@test "fount sample prints an aligned table per entity" {
    run "$FOUNT" sample "$SHOP" -n 3
    [ "$status" -eq 0 ]
    # per entity: its name, the header, 3 rows, and a blank line between entities
    [ "$(grep -c '^customers$' <<< "$output")" -eq 1 ]
    [ "$(grep -c '^payments$' <<< "$output")" -eq 1 ]
    header=$(sed -n '/^orders$/{n;p;q}' <<< "$output")
    [[ "$header" == "id  customer_id  ordered_at"* ]]
    rows=$(sed -n '/^orders$/,/^$/p' <<< "$output" | grep -c '^[0-9]')
    [ "$rows" -eq 3 ]
    # columns are aligned: every row of orders has its second column where the header has it
    col=$(awk '/^orders$/ { f = 1; next } f && /^id/ { print index($0, "customer_id"); exit }' <<< "$output")
    sed -n '/^orders$/,/^$/p' <<< "$output" | grep '^[0-9]' | while read -r line; do
        [ "${line:$((col - 2)):1}" = " " ]
        [ "${line:$((col - 1)):1}" != " " ]
    done
}

@test "fount sample --format json is JSON Lines with -n rows" {
    run "$FOUNT" sample "$SHOP" --entity orders -n 7 --format json
    [ "$status" -eq 0 ]
    printf '%s\n' "$output" > s.jsonl
    [ "$(jsonl_check s.jsonl)" = "7 7" ]
    [ "$(head -1 s.jsonl | cut -c 1-7)" = '{"id":1' ]
    # the rows are those run makes
    "$FOUNT" run "$SHOP" --to - --format jsonl --only orders --quiet | head -7 > run.jsonl
    cmp s.jsonl run.jsonl
}

@test "fount schema: CREATE TABLE for each entity with FOREIGN KEY, in each dialect" {
    for d in postgres mysql sqlite; do
        run "$FOUNT" schema "$SHOP" --dialect $d
        echo "$d: $output"
        [ "$status" -eq 0 ]
        for e in customers products orders order_items payments; do
            grep -Eq "CREATE TABLE (IF NOT EXISTS )?[\"\`]?$e[\"\`]? \\(" <<< "$output"
        done
        [ "$(grep -c 'CREATE TABLE' <<< "$output")" -eq 5 ]
        [ "$(grep -c 'FOREIGN KEY' <<< "$output")" -eq 4 ]
        grep -Eq "FOREIGN KEY \\([\"\`]customer_id[\"\`]\\) REFERENCES [\"\`]customers[\"\`]" <<< "$output"
    done
    run "$FOUNT" schema "$SHOP" --dialect oracle
    [ "$status" -eq 2 ]
}

@test "every profile under profiles/ passes fount check" {
    n=0
    for p in "$ROOT"/profiles/*.json; do
        run "$FOUNT" check "$p"
        echo "$p: $output"
        [ "$status" -eq 0 ]
        [[ "${lines[0]}" == *": ok: "* ]]
        n=$((n + 1))
    done
    [ "$n" -ge 2 ]
}

# ---------- Ctrl-C ----------

@test "an interrupted run exits 130, prints the summary, and the file holds the rows it reports" {
    "$FOUNT" run "$SHOP" --scale 50 --to big.csv --threads 2 2> err.txt &
    pid=$!
    # wait until rows are flowing (a slow build may take a while to count 5M orders' children)
    wait_for_size big.csv 1000000 || true
    sleep 0.3
    kill -INT $pid
    status=0
    wait $pid || status=$?
    cat err.txt
    [ "$status" -eq 130 ]
    grep -q '(interrupted)$' err.txt
    reported=$(sed -n 's/^\([0-9]*\) rows written.*/\1/p' err.txt)
    [ -n "$reported" ]
    # every row is a data line; each entity started adds its header line
    data=$(grep -vc '^id,' big.csv)
    [ "$data" -eq "$reported" ]
    # stopped early, and the last line is complete
    [ "$reported" -lt 20000000 ]
    [ "$(tail -c 1 big.csv | od -An -c | tr -d ' ')" = '\n' ]
    # the per-entity counts add up to the total
    sum=$(awk 'NR > 1 && $2 ~ /^[0-9]+$/ && $3 ~ /^[0-9]+$/ { s += $2 } END { print s + 0 }' err.txt)
    [ "$sum" -eq "$reported" ]
}

@test "sample --stats shows each field's distinct values next to the row count" {
    run "$FOUNT" sample "$SHOP" --stats --entity orders
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == "orders: 100000 rows" ]]
    echo "$output" | grep -Eq '^  status +choice +6  repeats$'
    echo "$output" | grep -Eq '^  id +sequence +100000  unique$'
    echo "$output" | grep -Eq '^  coupon +string +100  repeats, null 80%$'
}
