#!/bin/sh
# golden.sh: golden files, a profile plus a seed giving tests/golden/<name>.<format> byte for byte.
#   scripts/golden.sh FOUNT [check|update] [FILE...]
# check (the default) compares each golden file with what FOUNT makes now and shows a diff; update
# rewrites them (make golden), after which the diff is reviewed like code. FILE names a golden file
# (escape.csv); the default is every one. The profile of NAME.* is tests/golden/NAME.json, and the
# file's extension says how to run it:
#   .csv  .jsonl  .sqlite.sql  .postgres.sql  .mysql.sql
set -eu

usage() {
    echo "usage: scripts/golden.sh FOUNT [check|update] [FILE...]" >&2
    exit 2
}

[ $# -ge 1 ] || usage
FOUNT=$1
shift
MODE=check
if [ $# -ge 1 ] && { [ "$1" = check ] || [ "$1" = update ]; }; then
    MODE=$1
    shift
fi
DIR=$(cd "$(dirname "$0")/../tests/golden" && pwd)
[ -x "$FOUNT" ] || { echo "golden.sh: $FOUNT is not an executable" >&2; exit 2; }

# Every golden file the profiles call for: NAME.json gives the five formats.
all_files() {
    for p in "$DIR"/*.json; do
        n=$(basename "$p" .json)
        printf '%s\n' "$n.csv" "$n.jsonl" "$n.sqlite.sql" "$n.postgres.sql" "$n.mysql.sql"
    done
}

# make FILE OUT: write what FOUNT makes for golden file FILE into OUT.
make_one() {
    f=$1
    case "$f" in
    *.csv) name=${f%.csv} fmt="--format csv" ;;
    *.jsonl) name=${f%.jsonl} fmt="--format jsonl" ;;
    *.sqlite.sql) name=${f%.sqlite.sql} fmt="--format sql --dialect sqlite" ;;
    *.postgres.sql) name=${f%.postgres.sql} fmt="--format sql --dialect postgres" ;;
    *.mysql.sql) name=${f%.mysql.sql} fmt="--format sql --dialect mysql" ;;
    *) echo "golden.sh: $f: unknown kind of golden file" >&2; return 2 ;;
    esac
    [ -f "$DIR/$name.json" ] || { echo "golden.sh: no profile $DIR/$name.json" >&2; return 2; }
    # shellcheck disable=SC2086
    "$FOUNT" run "$DIR/$name.json" --to - $fmt --threads 2 --quiet > "$2"
}

[ $# -ge 1 ] || set -- $(all_files)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/golden.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
rc=0
for f in "$@"; do
    make_one "$f" "$TMP/$f" || { rc=2; continue; }
    if [ "$MODE" = update ]; then
        if ! cmp -s "$TMP/$f" "$DIR/$f" 2>/dev/null; then
            cp "$TMP/$f" "$DIR/$f"
            echo "updated tests/golden/$f"
        fi
    elif [ ! -f "$DIR/$f" ]; then
        echo "golden.sh: tests/golden/$f is missing (scripts/golden.sh FOUNT update makes it)" >&2
        rc=1
    elif ! cmp -s "$TMP/$f" "$DIR/$f"; then
        echo "golden.sh: tests/golden/$f differs from what fount makes now:" >&2
        diff -u --label "tests/golden/$f" --label "fount now" "$DIR/$f" "$TMP/$f" |
            head -50 >&2 || true
        rc=1
    fi
done
exit $rc
