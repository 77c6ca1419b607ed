#!/usr/bin/env bats
# The HTTP sink against tests/helpers/http-receiver (libmicrohttpd, on 127.0.0.1, a free port):
# every record arrives exactly once through 429s, 503s and dropped connections; batches respect
# both limits; signatures verify; a 400 is counted and not retried; a refused connection and a
# DNS failure are one line each. The receiver is $HELPERS/http-receiver (make test-e2e sets HELPERS).
load helpers

RECEIVER=$HELPERS/http-receiver
SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw

setup() {
    [ -x "$FOUNT" ] || { echo "FOUNT=$FOUNT is not an executable (run make first)" >&2; return 1; }
    [ -x "$RECEIVER" ] || { echo "no $RECEIVER (make $RECEIVER)" >&2; return 1; }
    T=$(mktemp -d "${TMPDIR:-/tmp}/fount-e2e.XXXXXX")
    cd "$T"
    RPID=""
}

teardown() {
    [ -n "$RPID" ] && kill "$RPID" 2>/dev/null && wait "$RPID" 2>/dev/null
    cd /
    [ -n "${T:-}" ] && rm -rf "$T"
}

# receiver [options]: start it with a log and a body file; sets RPID and URL.
receiver() {
    "$RECEIVER" --port-file port --log log --bodies bodies "$@" &
    RPID=$!
    for _ in $(seq 100); do [ -s port ] && break; sleep 0.05; done
    URL="http://127.0.0.1:$(cat port)"
}

# The ids a seeded run makes, from the same run into a file.
ref_ids() {
    "$FOUNT" run "$SHOP" --only customers --scale 0.05 --seed 7 --to ref.jsonl --quiet
    grep -o '"id":[0-9]*' ref.jsonl | sort > ref.ids
}

got_ids() {
    grep -o '"id":[0-9]*' bodies | sort > got.ids
}

@test "every record arrives exactly once through 429, 503 and dropped connections" {
    ref_ids
    receiver --fail 503:first=20 --fail 429:every=7 --drop every=11 --concurrency 4
    run "$FOUNT" run "$SHOP" --only customers --scale 0.05 --seed 7 --to "$URL/in/{relation}" \
        -o connections=4 -o backoff=5ms -o backoff.max=50ms
    echo "$output"
    [ "$status" -eq 0 ]
    got_ids
    [ "$(wc -l < ref.ids)" -eq 500 ]
    cmp ref.ids got.ids                         # each id once, none missing
    grep -q ' 429 ' log && grep -q ' 503 ' log && grep -q ' drop ' log
    grep -q ' dup ' log                         # a dropped request came again with its key
    [[ "$output" == *"customers: http requests: 200 500, 429 "*" retried, 503 20 retried"* ]] ||
        [[ "$output" == *"customers: http requests: no answer "*" retried, 200 500, 429 "* ]]
    grep -q 'POST /in/customers customers-0 ' log
}

@test "JSON array batches respect both limits, and NDJSON bodies their byte limit" {
    ref_ids
    receiver
    run "$FOUNT" run "$SHOP" --only customers --scale 0.05 --seed 7 --to "$URL/b" \
        -o body=array -o batch.records=7 -o batch.bytes=1500
    [ "$status" -eq 0 ]
    got_ids
    cmp ref.ids got.ids
    # records per request: at most 7; bytes per request: at most 1500; and batching happened
    awk -F'"id":' '{ if (NF - 1 > 7) bad++; if (NF - 1 > 1) multi++ } END { exit bad || !multi }' bodies
    awk '{ if ($NF > 1500) bad++ } END { exit bad }' log
    [ "$(head -c1 bodies)" = "[" ]
    kill "$RPID"; wait "$RPID" || true; rm -f port
    receiver
    run "$FOUNT" run "$SHOP" --only customers --scale 0.05 --seed 7 --to "$URL/n" \
        -o body=ndjson -o batch.bytes=4KiB -o batch.records=1000
    [ "$status" -eq 0 ]
    got_ids
    cmp ref.ids got.ids
    awk '{ if ($NF > 4096) bad++ } END { exit bad || NR < 30 }' log
}

@test "Standard Webhooks and X-Signature signatures verify; a wrong secret stops the run" {
    receiver --secret "$SECRET" --sig standard
    run "$FOUNT" run "$SHOP" --only customers --scale 0.01 --seed 7 --to "$URL/hook" \
        -o secret="$SECRET"
    [ "$status" -eq 0 ]
    [ "$(awk '$6 == "ok"' log | wc -l)" -eq 100 ]
    kill "$RPID"; wait "$RPID" || true; rm -f port
    receiver --secret s3cret --sig simple
    run "$FOUNT" run "$SHOP" --only customers --scale 0.01 --seed 7 --to "$URL/hook" \
        -o secret=s3cret -o signature=simple -o gzip=true
    [ "$status" -eq 0 ]
    [ "$(awk '$6 == "ok"' log | wc -l)" -eq 100 ]
    run "$FOUNT" run "$SHOP" --only customers --scale 0.01 --seed 7 --to "$URL/hook" \
        -o secret=wrong -o signature=simple
    echo "$output"
    [ "$status" -eq 1 ]
    [ "$(grep -c '^fount:' <<< "$output")" -eq 1 ]
    [[ "$output" == *"answered http 401"* ]]
}

@test "a 400 is counted by status and not retried; exit status 1" {
    receiver --fail 400:every=10
    run "$FOUNT" run "$SHOP" --only customers --scale 0.01 --seed 7 --to "$URL/x" -o backoff=5ms
    echo "$output"
    [ "$status" -eq 1 ]
    [ "$(wc -l < log)" -eq 100 ]                 # no request was sent twice
    [ "$(grep -c ' 400 ' log)" -eq 10 ]
    [[ "$output" == *"customers: failed: http 400 10"* ]]
    [[ "$output" == *"http requests: 200 90, 400 10 failed"* ]]
    [[ "$output" == *"90 rows written, 10 failed"* ]]
}

@test "retries run out: the records fail as their last status, counted exactly" {
    receiver --fail 503:every=1 --retry-after 0
    run "$FOUNT" run "$SHOP" --only customers --scale 0.01 --seed 7 --to "$URL/x" \
        -o retries=2 -o backoff=1ms
    echo "$output"
    [ "$status" -eq 1 ]
    [ "$(wc -l < log)" -eq 300 ]                 # three attempts each
    [[ "$output" == *"customers: failed: http 503 100"* ]]
    [[ "$output" == *"0 rows written, 100 failed"* ]]
}

@test "a refused connection and a DNS failure are one clear line each, at once" {
    port=$("$RECEIVER" --port-file p2 & pid=$!; for _ in $(seq 100); do [ -s p2 ] && break; sleep 0.05; done
           cat p2; kill $pid)
    sleep 0.1
    SECONDS=0
    run "$FOUNT" run "$SHOP" --only customers --scale 0.1 --to "http://127.0.0.1:$port/x"
    echo "$output"
    [ "$status" -eq 1 ]
    [ "$(grep -c '^fount:' <<< "$output")" -eq 1 ]
    [[ "$output" == *"Couldn't connect to server"* ]]
    [[ "$output" == *"0 rows written, 1000 failed"* ]]
    run "$FOUNT" run "$SHOP" --only customers --scale 0.1 --to "http://no-such-host.invalid/x"
    echo "$output"
    [ "$status" -eq 1 ]
    [ "$(grep -c '^fount:' <<< "$output")" -eq 1 ]
    [[ "$output" == *"Could not resolve host: no-such-host.invalid"* ]]
    [ "$SECONDS" -lt 20 ]
}

@test "profile settings: a body template, an idempotency key field, headers, GraphQL" {
    cat > p.json <<'EOF'
{
  "seed": 3,
  "entities": {
    "users": {"count": 20, "fields": {"id": {"type": "sequence", "start": 100},
                                      "plan": {"type": "choice", "values": ["free", "pro"]}}},
    "events": {"count": 5, "fields": {"id": {"type": "sequence"}}}
  },
  "sinks": {"http": {
    "headers": {"X-Team": "data"},
    "relations": {
      "users": {"template": "{\"type\": \"{{relation}}\", \"data\": {{body}}}",
                "idempotency_key": "id"},
      "events": {"graphql": "mutation Add($input: EventInput!) { add(input: $input) { id } }"}
    }
  }}
}
EOF
    receiver
    run "$FOUNT" run p.json --to "$URL/{relation}" -o method=PUT
    echo "$output"
    [ "$status" -eq 0 ]
    grep -q ' 200 PUT /users 100 ' log
    grep -q '^{"type": "users", "data": {"id":100,"plan":"' bodies
    grep -q '^{"query":"mutation Add($input: EventInput!) { add(input: $input) { id } }","variables":{"input":{"id":1}}}$' bodies
    [ "$(grep -c ' PUT /events events-' log)" -eq 5 ]
}

@test "bad http settings in a profile are file:line:col errors, exit 2" {
    cat > p.json <<'EOF'
{
  "entities": {"users": {"count": 2, "fields": {"id": {"type": "sequence"}}}},
  "sinks": {"http": {"relations": {"user": {}, "users": {"idempotency_key": "idd",
            "template": "{}", "headerz": 1}}}}
}
EOF
    run "$FOUNT" check p.json
    echo "$output"
    [ "$status" -eq 2 ]
    [[ "$output" == *'p.json:3:36: sinks.http.relations.user: no relation is named "user"'* ]]
    [[ "$output" == *'sinks.http.relations.users.idempotency_key: users has no field "idd" (did you mean "id"?)'* ]]
    [[ "$output" == *'sinks.http.relations.users.template: a body template needs {{body}}'* ]]
    [[ "$output" == *'sinks.http.relations.users.headerz'* ]]
}
