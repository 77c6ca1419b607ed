#!/usr/bin/env bats
# bad_profiles.bats: every case of tests/cases/bad_profiles.txt through the real binary, in an empty
# directory, as p.json: `fount run p.json --to file:out/` and `fount check p.json` both exit 2,
# print exactly the expected text on stderr (nothing on stdout), and write nothing.

load helpers

CASES=$ROOT/tests/cases/bad_profiles.txt

# Splits the case file into cases/N/{name,p.json,expect}, N from 1.
split_cases() {
    mkdir -p cases
    awk -v dir=cases '
        /^%%FAIL / { n++; d = dir "/" n; system("mkdir -p " d); print substr($0, 8) > (d "/name")
                     close(d "/name"); out = d "/p.json"; printf "" > out; next }
        /^%%EXPECT/ { close(out); out = d "/expect"; printf "" > out; next }
        /^%%END/ { close(out); out = ""; next }
        out != "" { print > out }
    ' "$CASES"
    ls cases | wc -l
}

# check_cases COMMAND...: runs COMMAND p.json ... in an empty directory per case; reports every case
# that differs, then fails if any did.
check_cases() {
    local n i bad=0 name st
    n=$(split_cases)
    [ "$n" -ge 20 ]
    for i in $(seq "$n"); do
        name=$(cat "cases/$i/name")
        mkdir "run$i"
        cp "cases/$i/p.json" "run$i/p.json"
        st=0
        (cd "run$i" && "$FOUNT" "$@" > stdout 2> stderr) || st=$?
        if [ "$st" -ne 2 ]; then
            echo "$name: exit status $st, want 2" >&2
            bad=$((bad + 1))
        fi
        if ! cmp -s "run$i/stderr" "cases/$i/expect"; then
            echo "$name: stderr differs:" >&2
            diff -u --label expected --label got "cases/$i/expect" "run$i/stderr" >&2 || true
            bad=$((bad + 1))
        fi
        if [ -s "run$i/stdout" ]; then
            echo "$name: wrote to stdout:" >&2
            head -5 "run$i/stdout" >&2
            bad=$((bad + 1))
        fi
        if [ "$(ls "run$i")" != "$(printf 'p.json\nstderr\nstdout')" ]; then
            echo "$name: created files: $(ls "run$i" | tr '\n' ' ')" >&2
            bad=$((bad + 1))
        fi
    done
    echo "$n cases, $bad problems" >&2
    [ "$bad" -eq 0 ]
}

@test "fount run: every bad profile exits 2 with exactly the expected messages and writes nothing" {
    check_cases run p.json --to file:out/
}

@test "fount check: every bad profile exits 2 with exactly the expected messages" {
    check_cases check p.json
}

@test "the case file parses into at least 20 cases, each with an expected text" {
    n=$(split_cases)
    [ "$n" -ge 20 ]
    for i in $(seq "$n"); do
        [ -s "cases/$i/p.json" ]
        [ -s "cases/$i/expect" ]
        grep -q '^p\.json:' "cases/$i/expect"
    done
}
