#!/usr/bin/env bats
# golden.bats: tests/golden/escape.json (quotes, commas, newlines, CR, tabs, leading spaces,
# backslashes, unicode, empty strings, NULLs) against its golden files, byte for byte, through
# scripts/golden.sh; then the golden files against each other: the CSV (read by sqlite3's RFC 4180
# importer), the JSON Lines (sqlite3's json functions) and the SQL (loaded into sqlite3) hold the
# same values. After a deliberate change: make golden, and review the diff.

load helpers

GOLDEN=$ROOT/tests/golden

@test "golden: escape.csv" {
    run "$ROOT/scripts/golden.sh" "$FOUNT" check escape.csv
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "golden: escape.jsonl" {
    run "$ROOT/scripts/golden.sh" "$FOUNT" check escape.jsonl
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "golden: escape.sqlite.sql" {
    run "$ROOT/scripts/golden.sh" "$FOUNT" check escape.sqlite.sql
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "golden: escape.postgres.sql" {
    run "$ROOT/scripts/golden.sh" "$FOUNT" check escape.postgres.sql
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "golden: escape.mysql.sql" {
    run "$ROOT/scripts/golden.sh" "$FOUNT" check escape.mysql.sql
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "golden.sh: a changed file is reported with a diff and exit 1" {
    mkdir -p fake/scripts fake/tests/golden
    cp "$ROOT/scripts/golden.sh" fake/scripts/
    cp "$GOLDEN/escape.json" "$GOLDEN/escape.csv" fake/tests/golden/
    sed -i '2s/,/;/' fake/tests/golden/escape.csv
    run fake/scripts/golden.sh "$FOUNT" check escape.csv
    [ "$status" -eq 1 ]
    [[ "$output" == *"tests/golden/escape.csv differs"* ]]
    run fake/scripts/golden.sh "$FOUNT" update escape.csv
    [ "$status" -eq 0 ]
    cmp fake/tests/golden/escape.csv "$GOLDEN/escape.csv"
}

# The three encodings loaded into one SQLite database: sql (the table "escape"), csv and jsonl.
load_all() {
    "$FOUNT" schema "$GOLDEN/escape.json" --dialect sqlite > schema.sql
    sqlite3 -bail g.db ".read schema.sql" ".read $GOLDEN/escape.sqlite.sql" \
        'CREATE TABLE csv(id, text, quote, "empty", "nothing", always_null, maybe, "order", q)' \
        ".import --csv --skip 1 $GOLDEN/escape.csv csv" \
        'CREATE TABLE j(line)' '.mode ascii' '.separator "\t" "\n"' ".import $GOLDEN/escape.jsonl j"
}

@test "golden files: the SQL loads into sqlite3 with every row, NULL and empty string" {
    load_all
    run sqlite3 g.db 'SELECT count(*), count(DISTINCT text), sum("nothing" IS NULL),
                             sum(always_null IS NULL), sum("empty" = '"''"'), sum(maybe IS NULL)
                      FROM "escape"'
    echo "$output"
    [ "$status" -eq 0 ]
    IFS='|' read -r n distinct nothing always empty maybe <<< "$output"
    [ "$n" -eq 24 ]
    [ "$distinct" -eq 24 ]
    [ "$nothing" -eq 24 ]
    [ "$always" -eq 24 ]
    [ "$empty" -eq 24 ]
    [ "$maybe" -gt 0 ]
    [ "$maybe" -lt 24 ]
    # the profile's 24 values, read back exactly (hex, so nothing is lost in printing)
    run sqlite3 g.db "SELECT 'x' || hex(text) FROM \"escape\" WHERE text IN ('it''s', '\"quoted\"',
                      'back\\slash', 'ends with a backslash\\', '日本語', 'emoji 😀',
                      'escaped 😀 pair', '', 'NULL', '\\N', 'tab' || char(9) || 'here',
                      'cr' || char(13) || 'here', 'line1' || char(10) || 'line2')"
    echo "$output"
    [ "${#lines[@]}" -eq 13 ]
}

@test "golden files: the CSV is RFC 4180 and holds the SQL's values" {
    load_all
    [ "$(sqlite3 g.db 'SELECT count(*) FROM csv')" -eq 24 ]
    # sqlite3's shell drops the CR of a CR LF inside an SQL string literal when it reads a file
    # (it strips line endings), so CR LF is compared as LF
    run sqlite3 g.db "SELECT c.id FROM csv c JOIN \"escape\" e ON e.id = c.id
                      WHERE replace(c.text, char(13) || char(10), char(10)) IS NOT e.text
                         OR c.quote IS NOT e.quote OR c.maybe IS NOT coalesce(e.maybe, '')"
    echo "$output"
    [ "$status" -eq 0 ]
    [ -z "$output" ]
    # an empty string is quoted, a NULL is nothing at all
    [ "$(head -1 "$GOLDEN/escape.csv")" = 'id,text,quote,empty,nothing,always_null,maybe,order,"q""uote, col"' ]
    grep -q '^2,"comma, inside","She said ""hi"", then left","",,,' "$GOLDEN/escape.csv"
    # CR LF inside a value is kept inside its quotes
    grep -q $'"crlf\r$' "$GOLDEN/escape.csv"
}

@test "golden files: every JSON line is valid and holds the SQL's values" {
    load_all
    [ "$(jsonl_check "$GOLDEN/escape.jsonl")" = "24 24" ]
    run sqlite3 g.db "SELECT json_extract(j.line, '\$.id') FROM j JOIN \"escape\" e
                        ON e.id = json_extract(j.line, '\$.id')
                      WHERE replace(json_extract(j.line, '\$.text'), char(13) || char(10), char(10))
                            IS NOT e.text
                         OR json_type(j.line, '\$.nothing') IS NOT 'null'
                         OR json_type(j.line, '\$.always_null') IS NOT 'null'
                         OR json_extract(j.line, '\$.empty') IS NOT ''
                         OR json_extract(j.line, '\$.maybe') IS NOT e.maybe
                         OR json_type(j.line, '\$.\"order\"') NOT IN ('true', 'false')
                         OR (SELECT value FROM json_each(j.line) WHERE key = 'q\"uote, col')
                            IS NOT 1.5"
    echo "$output"
    [ "$status" -eq 0 ]
    [ -z "$output" ]
    [ "$(sqlite3 g.db "SELECT count(*) FROM j JOIN \"escape\" e ON e.id = json_extract(j.line, '\$.id')")" -eq 24 ]
}
