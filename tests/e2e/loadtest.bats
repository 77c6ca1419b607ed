#!/usr/bin/env bats
# Load testing end to end (docs/load-testing.md): the open model against a deliberately slow
# receiver (the null sink with -o delay), thresholds and exit status 3, the JSON report against
# its schema, the HTML report rendered by headless Chromium, the progress line, and the
# Prometheus endpoint scraped by a real Prometheus. Each test runs a few seconds.

load helpers

P=$BATS_TEST_DIRNAME/profiles
SCHEMA=$ROOT/docs/report.schema.json

# A receiver that answers each request of 10 rows after 20 ms, 2 at a time: 1000 rows/s at most
# (the null sink's simulation of one; the real one, tests/helpers/http-receiver, is used below).
SLOW=(--to null -o delay=20ms -o concurrency=2 -o batch=10)

schema_errors() {
    jq -r --slurpfile s "$SCHEMA" -f "$BATS_TEST_DIRNAME/jsonschema.jq" "$1"
}

@test "open model: above the receiver's capacity, backlog and latency grow instead of the rate dropping silently" {
    run "$FOUNT" run "$P/load-orders.json" "${SLOW[@]}" --stage 2000:2s --report r.json \
        --threshold 'rate>=0.95'
    echo "$output"
    [ "$status" -eq 3 ]                                  # the rate threshold fails
    [[ "$output" == *"threshold rate>=0.95: FAIL"* ]]
    [ -z "$(schema_errors r.json)" ]
    # every record the schedule placed was sent: nothing dropped, nothing hidden
    [ "$(jq .totals.generated r.json)" -eq 4000 ]
    [ "$(jq .totals.delivered r.json)" -eq 4000 ]
    jq -r '.series.samples[] | "t=\(.t1) target=\(.target_rate) achieved=\(.achieved_rate) backlog=\(.backlog) p99=\(.latency.p99)"' r.json
    # the first interval: target 2000/s, achieved about the receiver's 1000/s
    jq -e '.series.samples[0] | .target_rate > 1900 and .achieved_rate < 1300' r.json
    # the backlog grows while the schedule runs, and latency grows interval after interval
    jq -e '.series.samples[1].backlog > .series.samples[0].backlog' r.json
    jq -e '[.series.samples[] | select(.latency.count > 0) | .latency.p99] as $p
           | ($p | length) >= 3 and $p[-1] > 2 * $p[0]' r.json
    # p99 is far above the 20 ms service time: it counts from when each record was due
    jq -e '.totals.latency.p99 > 1000 and .totals.rate_ratio < 0.75' r.json
}

@test "open model against a real slow HTTP receiver (20 ms a request, 2 at a time): the same growth" {
    spawn "$HELPERS/http-receiver" --port-file port --delay 20ms --concurrency 2 --status 204 \
        --log log --bodies bodies
    for _ in $(seq 100); do [ -s port ] && break; sleep 0.05; done
    run "$FOUNT" run "$P/load-orders.json" --to "http://127.0.0.1:$(cat port)/ingest" \
        -o body=ndjson -o batch.records=10 -o connections=4 --stage 2000:2s --report r.json
    echo "$output"
    [ "$status" -eq 0 ]
    [ -z "$(schema_errors r.json)" ]
    [ "$(jq .totals.delivered r.json)" -eq 4000 ]
    # every row arrived once (requests carry at most 10: fewer when fewer were due)
    [ "$(grep -c . bodies)" -eq 4000 ]
    [ "$(grep -o '"id":[0-9]*' bodies | sort -u | wc -l)" -eq 4000 ]
    [ "$(wc -l < log)" -ge 400 ]
    jq -r '.series.samples[] | "t=\(.t1) target=\(.target_rate) achieved=\(.achieved_rate) backlog=\(.backlog) p99=\(.latency.p99)"' r.json
    # capacity 2 x 10 rows / 20 ms = 1000 rows/s against 2000/s asked
    jq -e '.series.samples[0] | .target_rate > 1900 and .achieved_rate < 1300' r.json
    jq -e '.series.samples[1].backlog > .series.samples[0].backlog' r.json
    # latency from the due time, far above the receiver's 20 ms
    jq -e '.totals.latency.p99 > 1000 and .totals.rate_ratio < 0.75' r.json
}

@test "open model: below capacity the rate holds and latency stays near the service time" {
    run "$FOUNT" run "$P/load-orders.json" "${SLOW[@]}" --stage 500:2s --report r.json \
        --threshold 'rate>=0.95' --threshold 'p50<100ms'
    echo "$output"
    [ "$status" -eq 0 ]
    jq -e '.totals.generated == 1000 and .totals.rate_ratio >= 0.95' r.json
}

@test "open model with --pace realtime: a stream's rate curve is the target, latency from event time" {
    # 20,000 events/s for 10 s of event time, played 5 times faster; the receiver takes
    # 4 requests of 100 at a time, 10 ms each: about 40,000/s of the 100,000/s asked
    "$FOUNT" run "$P/stream-rate.json" --to null -o delay=10ms -o concurrency=4 -o batch=100 \
        --speed 5 --report r.json --quiet
    [ -z "$(schema_errors r.json)" ]
    jq -r '.series.samples[] | "t=\(.t1) target=\(.target_rate) achieved=\(.achieved_rate) backlog=\(.backlog) p99=\(.latency.p99)"' r.json
    jq -e '.options.pace == "realtime" and .totals.generated > 195000 and .totals.generated < 205000' r.json
    jq -e '.series.samples[-1].target_rate == 0' r.json   # the curve ended after 2 s
    jq -e '.series.samples[0].target_rate > 99000 and .series.samples[0].target_rate < 101000' r.json
    jq -e '.totals.rate_ratio > 0.2 and .totals.rate_ratio < 0.7' r.json
    jq -e '.series.samples[1].backlog > .series.samples[0].backlog' r.json
    jq -e '.totals.latency.p99 > 1000' r.json
}

@test "a ramp stage: the rate climbs linearly, so the records due by t are the area under it" {
    # 0 to 6,000/s over 2 s, then 6,000/s for 1 s: 6,000 + 6,000 records; the first second
    # of the ramp holds a quarter of its records (1,500), the second three quarters (4,500)
    run "$FOUNT" run "$P/load-orders.json" --to null --stage 0..6000:2s --stage 6000:1s \
        --report r.json --quiet
    [ "$status" -eq 0 ]
    [ -z "$(schema_errors r.json)" ]
    jq -c '.series.samples[] | {t0, t1, target_rate, sent}' r.json
    jq -e '.totals.generated == 12000' r.json
    jq -e '[.stages[] | {rate, from, due}] == [{"rate": 6000, "from": 0, "due": 6000}, {"rate": 6000, "from": null, "due": 6000}]' r.json
    jq -e '.options.stages[0].from == 0 and .options.stages[1].from == null' r.json
    # by interval: the target (the mean rate asked for) and what went out, within 5%
    jq -e '.series.samples[0] | (.target_rate - 1500 | fabs) < 75 and (.sent - 1500 | fabs) < 75' r.json
    jq -e '.series.samples[1] | (.target_rate - 4500 | fabs) < 225 and (.sent - 4500 | fabs) < 225' r.json
    # the same ramp from the profile's stages
    jq '. + {stages: [{from: 0, rate: 6000, for: "2s"}, {rate: 6000, for: "1s"}]}' \
        "$P/load-orders.json" >ramp.json
    run "$FOUNT" run ramp.json --to null --report r2.json --quiet
    [ "$status" -eq 0 ]
    jq -e '.totals.generated == 12000 and .stages[0].from == 0' r2.json
}

@test "thresholds pass and fail as stated, exit status 3 on a failure" {
    run "$FOUNT" run "$P/load-orders.json" --to null --rate 5000 --stage 5000:0.4s \
        --threshold 'p99<5s' --threshold 'errors<0.1%' --threshold 'errors<=0' \
        --threshold 'throughput>=100/s'
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"threshold p99<5s: pass"* ]]
    [[ "$output" == *"threshold errors<0.1%: pass (0% failed)"* ]]
    [[ "$output" == *"threshold throughput>=100/s: pass"* ]]
    [[ "$(echo "$output" | tail -n 1)" == "2000 rows written, 0 failed,"* ]]

    run "$FOUNT" run "$P/load-orders.json" --to null --stage 5000:0.4s \
        --threshold 'p99<1ns' --threshold 'errors<0.1%'
    echo "$output"
    [ "$status" -eq 3 ]
    [[ "$output" == *"threshold p99<1ns: FAIL"* ]]
    [[ "$output" == *"threshold errors<0.1%: pass"* ]]

    # an unpaced run has no target rate: a rate threshold cannot pass
    run "$FOUNT" run "$P/load-thresholds.json" --to null --stage 1000:0.2s --quiet \
        --threshold 'rate>=0.5'
    [ "$status" -eq 0 ]
    run "$FOUNT" run "$SHOP" --to null --scale 0.01 --quiet --threshold 'rate>=0.5'
    echo "$output"
    [ "$status" -eq 3 ]
    [[ "$output" == *"threshold rate>=0.5: FAIL (the run had no target rate"* ]]
}

@test "thresholds and stages in the profile; --quiet prints only failures" {
    run "$FOUNT" run "$P/load-thresholds.json" --to null
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"threshold errors<0.1%: pass"* ]]
    [[ "$output" == *"threshold p99<10s: pass"* ]]
    run "$FOUNT" run "$P/load-thresholds.json" --to null --quiet --threshold 'max<1ns'
    [ "$status" -eq 3 ]
    [ "$output" = "threshold max<1ns: FAIL (${output##*FAIL (}" ]
    [ "$(echo "$output" | wc -l)" -eq 1 ]
}

@test "bad thresholds and stages are usage errors (exit 2)" {
    run "$FOUNT" run "$P/load-orders.json" --to null --threshold 'p99<50'
    [ "$status" -eq 2 ]
    [[ "$output" == *'--threshold: threshold "p99<50": "50" is not a duration with a unit'* ]]
    run "$FOUNT" run "$P/load-orders.json" --to null --threshold 'lat<5ms'
    [ "$status" -eq 2 ]
    [[ "$output" == *'unknown metric "lat"'* ]]
    run "$FOUNT" run "$P/load-orders.json" --to null --stage 1000
    [ "$status" -eq 2 ]
    [[ "$output" == *"--stage takes RATE:DURATION such as 1000:30s"* ]]
    run "$FOUNT" run "$P/load-orders.json" --to null --stage 10..:1s
    [ "$status" -eq 2 ]
    [[ "$output" == *"or a ramp FROM..TO:DURATION such as 100..5000:1m, got \"10..:1s\""* ]]
    run "$FOUNT" run "$P/load-orders.json" --to null --rate fast
    [ "$status" -eq 2 ]
    run "$FOUNT" run "$P/load-orders.json" --to null -o delay=20ms -o concurrency=0 --stage 10:1s
    [ "$status" -ne 0 ]
}

@test "the JSON report validates against docs/report.schema.json, paced or not, with faults" {
    "$FOUNT" run "$P/stream-faults.json" --to null --report plain.json --quiet
    [ -z "$(schema_errors plain.json)" ]
    jq -e '.options.pace == "max" and .totals.rate_ratio == null' plain.json
    jq -e '[.relations[].faults | add] | add > 0' plain.json
    "$FOUNT" run "$P/load-orders.json" --to null --stage 1000:0.5s --stage 3000:0.5s \
        --report paced.json --quiet
    [ -z "$(schema_errors paced.json)" ]
    jq -e '.stages | length == 2 and .[0].due == 500 and .[1].due == 1500' paced.json
    # the checker does catch a bad report
    jq '.totals.failed = -1 | del(.seed)' paced.json > bad.json
    [ "$(schema_errors bad.json | wc -l)" -eq 2 ]
}

@test "the HTML report renders its charts in headless Chromium, self-contained" {
    command -v chromium >/dev/null || { echo "chromium is not installed (scripts/bootstrap installs it)"; return 1; }
    "$FOUNT" run "$P/load-orders.json" "${SLOW[@]}" --stage 1500:1.5s --report r.html --quiet
    ! grep -Eq '<script|src=|href=|@import|url\(' r.html
    timeout 60 chromium --headless --no-sandbox --disable-gpu --no-first-run \
        --disable-background-networking --user-data-dir="$(mktemp -d)" --dump-dom \
        "file://$PWD/r.html" > dom.html 2> chromium.log || { cat chromium.log; false; }
    for id in chart-throughput chart-backlog chart-latency chart-histogram chart-errors; do
        grep -q "<svg id=\"$id\"" dom.html
    done
    [ "$(grep -o '<polyline class="series"' dom.html | wc -l)" -eq 7 ]
    [ "$(grep -o '<rect class="bar"' dom.html | wc -l)" -ge 40 ]
    timeout 60 chromium --headless --no-sandbox --disable-gpu --no-first-run \
        --disable-background-networking --user-data-dir="$(mktemp -d)" --window-size=900,2000 \
        --screenshot="$PWD/shot.png" "file://$PWD/r.html" 2>> chromium.log
    [ "$(stat -c %s shot.png)" -gt 30000 ]
}

@test "progress: a refreshed line on a terminal, nothing with --quiet" {
    command -v script >/dev/null || { echo "script (util-linux) is not installed"; return 1; }
    script -qfec "$FOUNT run $P/load-orders.json --to null --stage 2000:2.5s" typescript \
        > /dev/null
    grep -a -q $'\r\033\\[Kfount: 1s  ' typescript
    grep -a -q 'of 2000/s target' typescript
    grep -a -q '^5000 rows written, 0 failed' typescript
    script -qfec "$FOUNT run $P/load-orders.json --to null --stage 2000:1.5s --quiet" quiet \
        > /dev/null
    ! grep -a -q 'fount: ' quiet
}

# A free TCP port on 127.0.0.1 (bash's /dev/tcp: nothing listens when the connect fails).
free_port() {
    local p
    while :; do
        p=$((20000 + RANDOM % 30000))
        (exec 3<>"/dev/tcp/127.0.0.1/$p") 2> /dev/null || { echo "$p"; return; }
    done
}

@test "--metrics-listen: a real Prometheus scrapes the counters and the histogram during the run" {
    command -v prometheus >/dev/null || { echo "prometheus is not installed"; return 1; }
    MP=$(free_port)
    PP=$(free_port)
    cat > prom.yml <<EOF2
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: fount
    static_configs:
      - targets: ['127.0.0.1:$MP']
EOF2
    prometheus --config.file=prom.yml --storage.tsdb.path=tsdb \
        --web.listen-address=127.0.0.1:$PP > prom.log 2>&1 &
    ppid=$!
    "$FOUNT" run "$P/load-orders.json" "${SLOW[@]}" --stage 300:6s --quiet \
        --metrics-listen 127.0.0.1:$MP > fount.log 2>&1 &
    fpid=$!
    for i in $(seq 50); do
        curl -sf "http://127.0.0.1:$MP/metrics" > metrics.txt && break
        sleep 0.1
    done
    sleep 2.5
    curl -sf "http://127.0.0.1:$MP/metrics" > metrics.txt
    grep -q '^fount_records_total{relation="orders",outcome="delivered"} [1-9]' metrics.txt
    grep -q '^fount_latency_seconds_bucket{relation="orders",le="+Inf"} [1-9]' metrics.txt
    grep -q '^# TYPE fount_latency_seconds histogram' metrics.txt
    ok=0
    for i in $(seq 40); do
        v=$(curl -sf "http://127.0.0.1:$PP/api/v1/query?query=sum(fount_records_total%7Boutcome%3D%22delivered%22%7D)" \
            | jq -r '.data.result[0].value[1] // 0' 2> /dev/null || echo 0)
        if awk -v v="$v" 'BEGIN { exit !(v > 0) }'; then ok=1; break; fi
        sleep 0.25
    done
    h=$(curl -sf "http://127.0.0.1:$PP/api/v1/query?query=histogram_quantile(0.99,fount_latency_seconds_bucket)" \
        | jq -r '.data.result[0].value[1] // "none"')
    kill "$ppid"
    wait "$fpid"
    wait "$ppid" || true
    echo "prometheus saw $v delivered, p99 $h s"
    [ "$ok" -eq 1 ]
    [ "$h" != none ]
}

@test "a schedule decides when rows leave, never what they hold: paced output is byte-identical" {
    "$FOUNT" run "$P/load-orders.json" --to - --format csv --quiet --scale 0.000025 > plain.csv
    "$FOUNT" run "$P/load-orders.json" --to - --format csv --quiet --stage 5000:0.5s > paced.csv
    [ "$(wc -l < paced.csv)" -eq 2501 ]
    cmp plain.csv paced.csv
    # a schedule that ends inside a chunk: the rows after it are not made, the rest is exact
    "$FOUNT" run "$P/load-orders.json" --to file:out/ --format jsonl --quiet --stage 3000:0.3s \
        --report r.json
    [ "$(wc -l < out/orders.jsonl)" -eq 900 ]
    [ "$(jq .totals.bytes r.json)" -eq "$(stat -c %s out/orders.jsonl)" ]   # bytes counted exactly
    head -n 900 <("$FOUNT" run "$P/load-orders.json" --to - --format jsonl --quiet --scale 0.00001) \
        | cmp - out/orders.jsonl
}
