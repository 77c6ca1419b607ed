# helpers.bash: shared by the .bats files (`load helpers`). Each test runs in its own temporary
# directory, removed afterwards. FOUNT is the binary under test (make test-e2e sets it; the default
# is ./fount of the directory bats was started in); HELPERS the directory of the test programs.
FOUNT=${FOUNT:-$PWD/fount}
# The test programs of tests/helpers (make test-e2e sets it; the default is the build of make).
HELPERS=${HELPERS:-$PWD/build/tests/helpers}
ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
SHOP=$ROOT/profiles/shop.json

setup() {
    [ -x "$FOUNT" ] || { echo "FOUNT=$FOUNT is not an executable (run make first)" >&2; return 1; }
    T=$(mktemp -d "${TMPDIR:-/tmp}/fount-e2e.XXXXXX")
    cd "$T"
}

teardown() {
    # background programs a test started (see spawn): stopped whatever happened to the test
    [ -s "${T:-/nonexistent}/bg.pids" ] && kill $(cat "$T/bg.pids") 2>/dev/null
    cd /
    [ -n "${T:-}" ] && rm -rf "$T"
}

# spawn CMD...: start a test program in the background, stopped in teardown even when the test fails
# (its fd 3 closed, or bats would wait for it). $! is its pid.
spawn() {
    "$@" 3>&- &
    echo $! >>"$T/bg.pids"
}

# cut_proxy PORTFILE PORT PATTERN N: tests/helpers/cut-proxy in the background (spawn), relaying
# to 127.0.0.1:PORT and cutting the connection after the Nth PATTERN; returns once it listens,
# on the port it wrote to PORTFILE. Its stderr goes to $T/proxy.err.
cut_proxy() {
    spawn "$HELPERS/cut-proxy" "$1" "$2" "$3" "$4" 300 2>"$T/proxy.err"
    for _ in $(seq 1 200); do [ -s "$1" ] && return 0; sleep 0.05; done
}

# wait_for_size FILE BYTES: until FILE holds more than BYTES (at most 20 s; 1 if it never did):
# a run is then under way, however fast this build of fount starts (a sanitizer build is slow).
wait_for_size() {
    for _ in $(seq 1 400); do
        [ "$(stat -c %s "$1" 2>/dev/null || echo 0)" -gt "$2" ] && return 0
        sleep 0.05
    done
    return 1
}

sha() {
    sha256sum "$1" | cut -d' ' -f1
}

# jsonl_check FILE: prints "LINES VALID", the number of lines and how many are valid JSON
# (sqlite3's json_valid: no python or jq needed).
jsonl_check() {
    sqlite3 :memory: 'CREATE TABLE j(line)' '.mode ascii' '.separator "\t" "\n"' ".import $1 j" \
        '.mode list' '.separator " "' 'SELECT count(*), coalesce(sum(json_valid(line)), 0) FROM j'
}

# The entity names of a profile, parents first, from `fount check` (lines "  NAME  N rows ...").
entities_of() {
    "$FOUNT" check "$@" | awk 'NR > 1 && $3 == "rows" { print $1 }'
}

# rows_of PROFILE ENTITY [options]: the row count `fount check` reports for an entity.
rows_of() {
    local p=$1 e=$2
    shift 2
    "$FOUNT" check "$p" "$@" | awk -v e="$e" 'NR > 1 && $1 == e && $3 == "rows" { print $2 }'
}
