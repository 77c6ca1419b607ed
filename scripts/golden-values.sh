#!/bin/sh
# golden-values.sh: golden samples of the value library, one per locale: the profile
# tests/golden/values/NAME.json gives tests/golden/values/NAME.csv byte for byte.
#   scripts/golden-values.sh FOUNT [check|update] [NAME...]
# check (the default) shows a diff for each sample that changed; update rewrites them, after which
# the diff is reviewed like code (a word list or an algorithm changed on purpose).
set -eu

[ $# -ge 1 ] || { echo "usage: scripts/golden-values.sh FOUNT [check|update] [NAME...]" >&2; exit 2; }
FOUNT=$1
shift
MODE=check
if [ $# -ge 1 ] && { [ "$1" = check ] || [ "$1" = update ]; }; then
    MODE=$1
    shift
fi
DIR=$(cd "$(dirname "$0")/../tests/golden/values" && pwd)
[ -x "$FOUNT" ] || { echo "golden-values.sh: $FOUNT is not an executable" >&2; exit 2; }
if [ $# -eq 0 ]; then
    for p in "$DIR"/*.json; do set -- "$@" "$(basename "$p" .json)"; done
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/golden-values.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
rc=0
for n in "$@"; do
    "$FOUNT" run "$DIR/$n.json" --to - --format csv --threads 2 --quiet > "$TMP/$n.csv" || { rc=2; continue; }
    if [ "$MODE" = update ]; then
        if ! cmp -s "$TMP/$n.csv" "$DIR/$n.csv" 2>/dev/null; then
            cp "$TMP/$n.csv" "$DIR/$n.csv"
            echo "updated tests/golden/values/$n.csv"
        fi
    elif [ ! -f "$DIR/$n.csv" ]; then
        echo "golden-values.sh: tests/golden/values/$n.csv is missing (update makes it)" >&2
        rc=1
    elif ! cmp -s "$TMP/$n.csv" "$DIR/$n.csv"; then
        echo "golden-values.sh: tests/golden/values/$n.csv differs from what fount makes now:" >&2
        diff -u --label "tests/golden/values/$n.csv" --label "fount now" "$DIR/$n.csv" "$TMP/$n.csv" |
            head -40 >&2 || true
        rc=1
    fi
done
exit $rc
