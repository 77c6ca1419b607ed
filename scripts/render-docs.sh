#!/usr/bin/env bash
# make docs: render docs/*.md from docs/src/*.md.in, running every command they show against the
# fount in this checkout (a command with an unexpected exit status fails the render). Needs python3.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin"
ln -s "$root/fount" "$work/bin/fount"
export FOUNT_BIN_DIR="$work/bin"
rc=0
render() { # template, output, name of its working directory
    mkdir -p "$work/$3/profiles"
    ln -sf "$root/profiles/shop.json" "$work/$3/profiles/shop.json"
    ln -sf "$root/profiles/saas.json" "$work/$3/profiles/saas.json"
    scripts/render-docs.py "docs/src/$1" "$2" "$work/$3" || rc=1
}
render profile.md.in docs/profile.md profile
render cli.md.in docs/cli.md cli
render determinism.md.in docs/determinism.md det
render file.md.in docs/sinks/file.md file
render generators.md.in docs/generators.md generators
mkdir -p "$work/load"
ln -sf "$root/docs/report.schema.json" "$root/tests/e2e/jsonschema.jq" "$work/load/"
render load-testing.md.in docs/load-testing.md load
exit $rc
