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
    [ -s "${T:-/nonexistent}/bg.pids" ] && kill $(cat "$T/bg.pids") 2>/dev/null
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
    awk '{ if ($(NF - 1) > 1500) bad++ } END { exit bad }' log
    [ "$(head -c1 bodies)" = "[" ]
    kill "$RPID"; wait "$RPID" || true; rm -f port
    receiver
    run "$FOUNT" run "$SHOP" --only customers --scale 0.05 --seed 7 --to "$URL/n" \
        -o body=ndjson -o batch.bytes=4KiB -o batch.records=1000
    [ "$status" -eq 0 ]
    got_ids
    cmp ref.ids got.ids
    awk '{ if ($(NF - 1) > 4096) bad++ } END { exit bad || NR < 30 }' log
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

# tls_certs: a throwaway CA (ca.pem) and a server certificate it signed for 127.0.0.1 and
# localhost (server.pem, server.key), with the openssl command line.
tls_certs() {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key \
        -out ca.pem -days 2 -subj /CN=fount-test-ca 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key \
        -out server.csr -subj /CN=localhost 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' > san.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
        -extfile san.ext -out server.pem 2>/dev/null
}

@test "https: the default verification refuses a server signed by an unknown CA, in one line" {
    tls_certs
    receiver --tls-cert server.pem --tls-key server.key
    run "$FOUNT" run "$SHOP" --only customers --scale 0.01 --seed 7 --to "${URL/http:/https:}/x"
    echo "$output"
    [ "$status" -eq 1 ]
    [ "$(grep -c '^fount:' <<< "$output")" -eq 1 ]
    [[ "$output" == *"SSL certificate problem"*"-o cacert=FILE"*"--insecure skips verification)"* ]]
    [[ "$output" == *"0 rows written, 100 failed"* ]]
    [ ! -s log ]                                # no request got through
}

@test "https: -o cacert delivers every record exactly once over kept-alive connections" {
    ref_ids
    tls_certs
    receiver --tls-cert server.pem --tls-key server.key
    run "$FOUNT" run "$SHOP" --only customers --scale 0.05 --seed 7 \
        --to "https://localhost:$(cat port)/in" -o cacert=ca.pem -o connections=4
    echo "$output"
    [ "$status" -eq 0 ]
    got_ids
    cmp ref.ids got.ids
    [ "$(wc -l < log)" -eq 500 ]
    conns=$(awk '{ print $NF }' log | sort -u | wc -l)
    echo "connections: $conns"
    [ "$conns" -ge 1 ] && [ "$conns" -le 4 ]    # 500 requests on at most 4 TLS connections
}

@test "https: --insecure and -o insecure=true deliver, with a warning line" {
    tls_certs
    receiver --tls-cert server.pem --tls-key server.key
    for flag in --insecure "-o insecure=true"; do
        # shellcheck disable=SC2086
        run "$FOUNT" run "$SHOP" --only customers --scale 0.01 --seed 7 \
            --to "${URL/http:/https:}/x" $flag
        echo "$output"
        [ "$status" -eq 0 ]
        [ "$(grep -c '^fount: http.0: warning: TLS certificate verification is off' <<< "$output")" -eq 1 ]
        [[ "$output" == *"100 rows written, 0 failed"* ]]
    done
    [ "$(wc -l < log)" -eq 200 ]
    run "$FOUNT" run "$SHOP" --only customers --scale 0.01 --to out.csv --insecure
    [ "$status" -eq 2 ]
    [[ "$output" == *"--insecure applies to http:// and https:// targets, not the file sink"* ]]
}

@test "HTTP/1.1 keep-alive: N connections carry every request, not one connection per request" {
    receiver --concurrency 8 --delay 2ms      # slow enough that all 6 are busy
    run "$FOUNT" run "$SHOP" --only customers --scale 0.05 --seed 7 --to "$URL/k" \
        -o connections=6
    [ "$status" -eq 0 ]
    [ "$(wc -l < log)" -eq 500 ]
    conns=$(awk '{ print $NF }' log | sort -u | wc -l)
    echo "connections: $conns"
    [ "$conns" -eq 6 ]
}

# nginx_h2: nginx (Debian's, built with http_v2) on a free port of 127.0.0.1, https with HTTP/2
# (ALPN) and HTTP/1.1, server.pem from tls_certs; sets NGX_URL. Each request's body is read in
# full (proxied to a 204 on a unix socket, so nginx never answers before the body is in: see
# docs/sinks/http.md on RST_STREAM) and logged: PROTOCOL CONNECTION STATUS LENGTH BODY, where
# CONNECTION is nginx's serial number of the TCP connection.
nginx_h2() {
    command -v nginx >/dev/null || { echo "nginx is not installed (scripts/bootstrap installs it)"; return 1; }
    local port
    port=$("$RECEIVER" --port-file p3 & pid=$!; for _ in $(seq 100); do [ -s p3 ] && break; sleep 0.05; done
           cat p3; kill $pid)
    mkdir ngx
    cat > ngx/nginx.conf <<EOF
daemon off;
worker_processes 1;
$([ "$(id -u)" -eq 0 ] && echo "user root;")
error_log $T/ngx/error.log;
pid $T/ngx/nginx.pid;
events { worker_connections 1024; }
http {
    log_format t escape=none '\$server_protocol \$connection \$status \$request_length \$request_body';
    client_body_temp_path $T/ngx/body;
    proxy_temp_path $T/ngx/proxy;
    fastcgi_temp_path $T/ngx/fastcgi;
    uwsgi_temp_path $T/ngx/uwsgi;
    scgi_temp_path $T/ngx/scgi;
    client_body_buffer_size 1m;
    keepalive_requests 100000;
    server {
        listen 127.0.0.1:$port ssl http2;
        ssl_certificate $T/server.pem;
        ssl_certificate_key $T/server.key;
        access_log $T/ngx/access.log t;
        location / { proxy_pass http://unix:$T/ngx/up.sock:/; }
    }
    server {
        listen unix:$T/ngx/up.sock;
        access_log off;
        location / { return 204; }
    }
}
EOF
    spawn nginx -p "$T/ngx" -c "$T/ngx/nginx.conf" -e "$T/ngx/error.log"
    NGX_URL="https://127.0.0.1:$port"
    for _ in $(seq 100); do
        if curl -s -o /dev/null --cacert ca.pem "$NGX_URL/"; then
            : > ngx/access.log                  # without the readiness probe
            return 0
        fi
        sleep 0.05
    done
    cat ngx/error.log >&2
    return 1
}

@test "HTTP/2 against nginx: every record once, multiplexed on one connection; HTTP/1.1 uses N" {
    ref_ids
    tls_certs
    nginx_h2
    run "$FOUNT" run "$SHOP" --only customers --scale 0.05 --seed 7 --to "$NGX_URL/in" \
        -o cacert=ca.pem -o http2=true -o connections=8
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"customers: http requests: 204 500"* ]]
    [ "$(wc -l < ngx/access.log)" -eq 500 ]
    [ "$(awk '$1 == "HTTP/2.0" && $3 == 204' ngx/access.log | wc -l)" -eq 500 ]
    grep -o '"id":[0-9]*' ngx/access.log | sort > got.ids
    cmp ref.ids got.ids                         # each id once, none missing
    [ "$(awk '{ print $2 }' ngx/access.log | sort -u | wc -l)" -eq 1 ]  # 8 streams, 1 connection
    : > ngx/access.log
    run "$FOUNT" run "$SHOP" --only customers --scale 0.05 --seed 7 --to "$NGX_URL/in" \
        -o cacert=ca.pem -o connections=8 -o body=array -o batch.records=10
    [ "$status" -eq 0 ]
    [ "$(wc -l < ngx/access.log)" -eq 50 ]
    [ "$(awk '$1 == "HTTP/1.1" && $3 == 204' ngx/access.log | wc -l)" -eq 50 ]
    grep -o '"id":[0-9]*' ngx/access.log | sort > got.ids
    cmp ref.ids got.ids
    conns=$(awk '{ print $2 }' ngx/access.log | sort -u | wc -l)
    echo "HTTP/1.1 connections: $conns"
    [ "$conns" -ge 2 ] && [ "$conns" -le 8 ]    # kept alive: at most one per slot
}

@test "HTTP/2 over http:// with a libcurl that breaks it on reuse is refused in one line" {
    case "$(curl --version | head -1)" in
        *libcurl/7.88.*) ;;
        *) skip "libcurl is not 7.88.x" ;;
    esac
    run "$FOUNT" run "$SHOP" --only customers --scale 0.01 --to http://127.0.0.1:9/x -o http2=true
    echo "$output"
    [ "$status" -eq 1 ]
    [ "$(grep -c '^fount:' <<< "$output")" -eq 1 ]
    [[ "$output" == *"option http2: libcurl 7.88"*"use https://, or HTTP/1.1"* ]]
}
