#!/usr/bin/env bats
# Series families end to end (docs/series.md): determinism across threads and shards, gaps,
# labels, counters, and the two text formats: exact text for a tiny family, then real parsers:
# `promtool check metrics` (Debian package prometheus) and an InfluxDB 1.x server (package
# influxdb) started here on a free loopback port in a temporary directory and stopped in teardown.
# The parser tests fail when the package is missing (make check installs it: scripts/bootstrap).

FOUNT=${FOUNT:-$PWD/fount}
ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
METRICS=$ROOT/profiles/metrics.json

setup() {
    [ -x "$FOUNT" ] || { echo "FOUNT=$FOUNT is not an executable (run make first)" >&2; return 1; }
    T=$(mktemp -d "${TMPDIR:-/tmp}/fount-series.XXXXXX")
    cd "$T"
    INFLUX_PID=
}

teardown() {
    influx_stop
    cd /
    [ -n "${T:-}" ] && rm -rf "$T"
}

# A tiny family whose every byte is known: a counter with no noise, and tags that need escaping.
tiny() {
    cat > tiny.json <<'EOF'
{"seed": 1, "series": {"reqs": {
  "metric": "http_requests_total", "description": "Requests served",
  "start": "2026-01-01T00:00:00Z", "duration": "20s", "interval": "10s",
  "tags": {"host": ["web-1", "web 2,a=b"], "path": ["/q\"x\\y"]},
  "value": {"model": "counter", "base": 2, "initial": 100}}}}
EOF
}

@test "metrics.json: every family as many rows as fount check says, in every format" {
    "$FOUNT" check "$METRICS" > check.txt
    for f in csv jsonl influx prometheus; do
        "$FOUNT" run "$METRICS" --to file:out-$f/ --format $f --quiet
    done
    for fam in cpu http_requests temperature; do
        want=$(awk -v e=$fam '$1 == e && $3 == "rows" { print $2 }' check.txt)
        [ "$want" -gt 10000 ]
        [ "$(($(wc -l < out-csv/$fam.csv) - 1))" -eq "$want" ]
        [ "$(wc -l < out-jsonl/$fam.jsonl)" -eq "$want" ]
        [ "$(wc -l < out-influx/$fam.lp)" -eq "$want" ]
        [ "$(grep -vc '^#' out-prometheus/$fam.prom)" -eq "$want" ]
    done
}

@test "a family is byte-identical for --threads 1 and 2, and its shards concatenate to it" {
    # (a shard is a slice of each relation: the concatenation is compared family by family)
    for f in csv influx prometheus; do
        "$FOUNT" run "$METRICS" --to - --format $f --threads 1 --quiet > t1.$f
        "$FOUNT" run "$METRICS" --to - --format $f --threads 2 --quiet > t2.$f
        cmp t1.$f t2.$f
        for fam in cpu http_requests temperature; do
            "$FOUNT" run "$METRICS" --only $fam --to - --format $f --quiet > all.$f
            "$FOUNT" run "$METRICS" --only $fam --to - --format $f --shard 0/2 --quiet > s0.$f
            "$FOUNT" run "$METRICS" --only $fam --to - --format $f --shard 1/2 --quiet > s1.$f
            [ -s s0.$f ]
            [ -s s1.$f ]
            cat s0.$f s1.$f | cmp - all.$f
        done
    done
}

@test "--seed changes the values, not the shape" {
    "$FOUNT" run "$METRICS" --only temperature --to a.csv --quiet
    "$FOUNT" run "$METRICS" --only temperature --to b.csv --seed 99 --quiet
    ! cmp -s a.csv b.csv
    [ "$(head -1 a.csv)" = "$(head -1 b.csv)" ]
}

@test "gaps: the share of missing points is the configured rate" {
    # temperature: 5 x 8 sensors, 1440 steps, gaps 0.02
    "$FOUNT" run "$METRICS" --only temperature --to t.csv --quiet
    awk -F, 'NR > 1 { n++ } END { miss = 1 - n / (40 * 1440); print miss
                                  exit !(miss > 0.016 && miss < 0.024) }' t.csv
}

@test "labels: anomalies are named in the label column, the rest is empty" {
    "$FOUNT" run "$METRICS" --only cpu --to c.csv --quiet
    [ "$(head -1 c.csv)" = "time,host,region,value,anomaly" ]
    awk -F, 'NR > 1 { n[$5]++ } END { for (k in n) print (k == "" ? "(none)" : k), n[k]
        exit !(n["spike"] > 30 && n["level_shift"] > 0 && n[""] > 300000) }' c.csv
    ! awk -F, 'NR > 1 && $5 != "" && $5 != "spike" && $5 != "level_shift" && $5 != "flatline"' \
        c.csv | grep -q .
}

@test "counters never decrease within a series" {
    "$FOUNT" run "$METRICS" --only http_requests --to h.csv --quiet
    awk -F, 'NR > 1 { k = $2 "," $3; if (k in last && $4 + 0 < last[k]) { print "down at " NR; bad = 1 }
                      last[k] = $4 + 0; n++ }
             END { exit bad || n < 60000 }' h.csv
}

@test "line protocol and Prometheus text of a tiny family, byte for byte" {
    tiny
    "$FOUNT" run tiny.json --to - --format influx --quiet > got.lp
    cat > want.lp <<'EOF'
http_requests_total,host=web-1,path=/q"x\y value=100 1767225600000000000
http_requests_total,host=web\ 2\,a\=b,path=/q"x\y value=100 1767225600000000000
http_requests_total,host=web-1,path=/q"x\y value=120 1767225610000000000
http_requests_total,host=web\ 2\,a\=b,path=/q"x\y value=120 1767225610000000000
EOF
    diff -u want.lp got.lp
    "$FOUNT" run tiny.json --to - --format prometheus --quiet > got.prom
    cat > want.prom <<'EOF'
# HELP http_requests_total Requests served
# TYPE http_requests_total counter
http_requests_total{host="web-1",path="/q\"x\\y"} 100 1767225600000
http_requests_total{host="web 2,a=b",path="/q\"x\\y"} 100 1767225600000
http_requests_total{host="web-1",path="/q\"x\\y"} 120 1767225610000
http_requests_total{host="web 2,a=b",path="/q\"x\\y"} 120 1767225610000
EOF
    diff -u want.prom got.prom
}

@test "the format follows the file name: .lp is line protocol, .prom Prometheus text" {
    tiny
    "$FOUNT" run tiny.json --to file:x.lp --quiet
    "$FOUNT" run tiny.json --to file:x.prom --quiet
    grep -q '^http_requests_total,host=web-1' x.lp
    grep -q '^# TYPE http_requests_total counter$' x.prom
}

@test "promtool accepts the Prometheus text of every family" {
    command -v promtool >/dev/null || { echo "promtool not installed (Debian package prometheus): make check installs it (scripts/bootstrap)" >&2; return 1; }
    "$FOUNT" run "$METRICS" --to file:all.prom --quiet
    promtool check metrics < all.prom
    tiny
    "$FOUNT" run tiny.json --to file:tiny.prom --quiet
    promtool check metrics < tiny.prom
}

port_free() { # nothing listens on 127.0.0.1:$1
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# influx_start: influxd on a free port with everything under $T/influx; sets INFLUX_URL.
influx_start() {
    local d=$T/influx try port
    mkdir -p "$d"
    for try in 1 2 3 4 5 6 7 8; do
        port=$((20000 + RANDOM % 40000))
        port_free "$port" && port_free $((port + 1)) || continue
        cat > "$d/influxdb.conf" <<EOF
reporting-enabled = false
bind-address = "127.0.0.1:$((port + 1))"
[meta]
  dir = "$d/meta"
  logging-enabled = false
[data]
  dir = "$d/data"
  wal-dir = "$d/wal"
  query-log-enabled = false
[monitor]
  store-enabled = false
[http]
  bind-address = "127.0.0.1:$port"
  log-enabled = false
[logging]
  level = "error"
EOF
        influxd run -config "$d/influxdb.conf" > "$d/log" 2>&1 &
        INFLUX_PID=$!
        INFLUX_URL=http://127.0.0.1:$port
        for i in $(seq 100); do
            curl -sf "$INFLUX_URL/ping" && return 0
            kill -0 "$INFLUX_PID" 2>/dev/null || break
            sleep 0.1
        done
        influx_stop
    done
    echo "cannot start influxd: $(cat "$d/log")" >&2
    return 1
}

influx_stop() {
    [ -n "${INFLUX_PID:-}" ] || return 0
    kill "$INFLUX_PID" 2>/dev/null || true
    wait "$INFLUX_PID" 2>/dev/null || true
    INFLUX_PID=
}

influx_query() { # prints the JSON answer
    curl -sf -G "$INFLUX_URL/query" --data-urlencode "db=test" --data-urlencode "q=$1"
}

@test "InfluxDB takes every line and reads the tags back" {
    command -v influxd >/dev/null || { echo "influxd not installed (Debian package influxdb): make check installs it (scripts/bootstrap)" >&2; return 1; }
    command -v curl >/dev/null || { echo "curl not installed: make check installs it (scripts/bootstrap)" >&2; return 1; }
    influx_start
    curl -sf -XPOST "$INFLUX_URL/query" --data-urlencode "q=CREATE DATABASE test" > /dev/null
    "$FOUNT" run "$METRICS" --to file:m/ --format influx --quiet
    for fam in cpu http_requests temperature; do
        # InfluxDB refuses bodies above 25 MB by default: send 50,000 lines at a time
        split -l 50000 "m/$fam.lp" "m/$fam.part."
        for part in m/$fam.part.*; do
            code=$(curl -s -o resp -w '%{http_code}' -XPOST "$INFLUX_URL/write?db=test" \
                --data-binary @"$part")
            [ "$code" = 204 ] || { cat resp >&2; false; }
        done
    done
    check=$("$FOUNT" check "$METRICS")
    for m in cpu_usage_percent:cpu http_requests_total:http_requests \
             temperature_celsius:temperature; do
        want=$(echo "$check" | awk -v e=${m#*:} '$1 == e && $3 == "rows" { print $2 }')
        got=$(influx_query "SELECT count(value) FROM ${m%%:*}" |
            sed -E 's/.*"values":\[\["[^"]*",([0-9]+)\]\].*/\1/')
        echo "${m%%:*}: $got points, want $want"
        [ "$got" = "$want" ]
    done
    # the anomaly label is a string field of the points that have one
    labelled=$(awk -F, 'NR > 1 && $5 != ""' <("$FOUNT" run "$METRICS" --only cpu --to - --quiet) |
        wc -l)
    got=$(influx_query "SELECT count(anomaly) FROM cpu_usage_percent" |
        sed -E 's/.*"values":\[\["[^"]*",([0-9]+)\]\].*/\1/')
    [ "$got" = "$labelled" ]
    # escaped tags come back as they were
    tiny
    "$FOUNT" run tiny.json --to file:tiny.lp --quiet
    [ "$(curl -s -o /dev/null -w '%{http_code}' -XPOST "$INFLUX_URL/write?db=test" \
        --data-binary @tiny.lp)" = 204 ]
    influx_query 'SHOW TAG VALUES FROM http_requests_total WITH KEY = "host"' > tags.json
    grep -qF '"web 2,a=b"' tags.json
    influx_query 'SHOW TAG VALUES FROM http_requests_total WITH KEY = "path"' > path.json
    grep -qF '"/q\"x\\y"' path.json
    influx_stop
}
