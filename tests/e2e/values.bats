#!/usr/bin/env bats
# values.bats: the value library through the real binary: profiles/people.json (every generator)
# compiles and runs from any directory, output is byte-identical for any --threads and depends on
# the seed, unique e-mails and user names never repeat, adding a field leaves the others alone,
# profile errors are located, and the golden samples of each locale (tests/golden/values/) still
# match: after a deliberate change, scripts/golden-values.sh FOUNT update, and review the diff.

load helpers

PEOPLE=$ROOT/profiles/people.json

@test "values: people.json checks and every entity runs" {
    run "$FOUNT" check "$PEOPLE"
    echo "$output"
    [ "$status" -eq 0 ]
    "$FOUNT" run "$PEOPLE" --to file:out/ --format csv --quiet
    for e in people web_logs products payments notes; do
        [ -s "out/$e.csv" ]
    done
    [ "$(wc -l < out/people.csv)" -eq 1001 ]
    # from_file found people-colors.csv next to the profile, not in the working directory
    grep -q ',blue$' out/people.csv
}

@test "values: --threads 1 and 2 give the same bytes" {
    "$FOUNT" run "$PEOPLE" --to file:t1/ --format csv --threads 1 --quiet
    "$FOUNT" run "$PEOPLE" --to file:t2/ --format csv --threads 2 --quiet --scale 1
    for f in t1/*.csv; do
        [ "$(sha "$f")" = "$(sha "t2/$(basename "$f")")" ]
    done
}

@test "values: the same seed repeats, another seed does not" {
    "$FOUNT" run "$PEOPLE" --only people --to a.csv --quiet
    "$FOUNT" run "$PEOPLE" --only people --to b.csv --quiet
    "$FOUNT" run "$PEOPLE" --only people --to c.csv --quiet --seed 7
    [ "$(sha a.csv)" = "$(sha b.csv)" ]
    [ "$(sha a.csv)" != "$(sha c.csv)" ]
}

@test "values: unique e-mails and user names never repeat (10^6 rows; 10^7 in test_gen_ext)" {
    cat > u.json <<'EOF'
{"seed": 3,
 "locale": {"en_US": 0.4, "en_GB": 0.1, "de_DE": 0.1, "fr_FR": 0.1, "es_ES": 0.1, "pt_BR": 0.1,
            "ja_JP": 0.05, "en_IN": 0.05},
 "entities": {"users": {"count": 1000000, "fields": {
   "email": {"type": "internet.email", "unique": true},
   "username": {"type": "person.username", "unique": true}}}}}
EOF
    "$FOUNT" run u.json --to - --format csv --quiet > u.csv
    [ "$(wc -l < u.csv)" -eq 1000001 ]
    [ -z "$(cut -d, -f1 u.csv | LC_ALL=C sort -S 25% | uniq -d | head -3)" ]
    [ -z "$(cut -d, -f2 u.csv | LC_ALL=C sort -S 25% | uniq -d | head -3)" ]
}

@test "values: adding or reordering fields leaves the others' values alone" {
    cat > a.json <<'EOF'
{"seed": 5, "locale": {"de_DE": 1, "ja_JP": 1}, "entities": {"t": {"count": 500, "fields": {
  "email": {"type": "internet.email"}, "city": {"type": "address.city"}}}}}
EOF
    cat > b.json <<'EOF'
{"seed": 5, "locale": {"de_DE": 1, "ja_JP": 1}, "entities": {"t": {"count": 500, "fields": {
  "phone": {"type": "phone.number"}, "city": {"type": "address.city"},
  "name": {"type": "person.full_name"}, "email": {"type": "internet.email"}}}}}
EOF
    "$FOUNT" run a.json --to a.csv --quiet
    "$FOUNT" run b.json --to b.csv --quiet
    [ "$(cut -d, -f1,2 a.csv)" = "$(cut -d, -f4,2 b.csv | awk -F, '{print $2 "," $1}')" ]
}

@test "values: profile errors name the file, line, column and key" {
    cat > bad.json <<'EOF'
{"entities": {"t": {"count": 1, "fields": {
  "who": {"type": "person.first_name", "locale": "de_AT"},
  "mail": {"type": "internet.email", "unique": true, "domains": "example.com"},
  "ip": {"type": "internet.ipv4", "cidr": "10.0.0.0/30", "unique": true},
  "nick": {"type": "person.first_name", "unique": true}}}}}
EOF
    run "$FOUNT" check bad.json
    echo "$output"
    [ "$status" -eq 2 ]
    [[ "$output" == *'bad.json:2:50: entities.t.fields.who.locale: unknown locale "de_AT" (did you mean "de_DE"?)'* ]]
    [[ "$output" == *'entities.t.fields.mail.domains: expected a non-empty array of strings'* ]]
    [[ "$output" == *'entities.t.fields.nick.unique: person.first_name cannot be unique'* ]]
}

@test "values: a unique field with too few values is refused before anything is written" {
    cat > few.json <<'EOF'
{"entities": {"t": {"count": 5, "fields": {
  "ip": {"type": "internet.ipv4", "cidr": "10.0.0.0/30", "unique": true}}}}}
EOF
    run "$FOUNT" run few.json --to out.csv
    echo "$output"
    [ "$status" -eq 2 ]
    [[ "$output" == *"only 4 distinct values for 5 rows"* ]]
    [ ! -e out.csv ]
}

@test "values: golden samples per locale" {
    run "$ROOT/scripts/golden-values.sh" "$FOUNT" check
    echo "$output"
    [ "$status" -eq 0 ]
}
