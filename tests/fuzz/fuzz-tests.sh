#!/bin/bash
# tests/fuzz/fuzz-tests.sh: CI check of the libFuzzer targets: each one built in BUILD runs briefly on its seeds.
# Usage: tests/fuzz/fuzz-tests.sh [BUILD]   (default build-fuzz; scripts/fuzz builds it)
# Each target first replays the inputs of the bugs it found (tests/fuzz/crashes/TARGET-*,
# "check fuzz-TARGET-crashes"), then runs FUZZ_SECONDS (default 5) on a copy of its seed
# corpus; any crash, leak, sanitizer report or broken invariant fails it ("check
# fuzz-TARGET"). Ends with "summary fuzz".
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$ROOT/build-fuzz}
# shellcheck source=SCRIPTDIR/../lib.sh
. "$ROOT/tests/lib.sh"
# shellcheck source=SCRIPTDIR/fuzz-lib.sh
. "$ROOT/tests/fuzz/fuzz-lib.sh"

# A fresh copy of the seeds: what a run finds never changes the next one.
corpora=$(mktemp -d)
trap 'rm -rf "$corpora"' EXIT
ran=0
for t in $(fuzz_targets "$ROOT"); do
    # A target with a source file but no binary is a failure, never a smaller run.
    if [ ! -x "$BUILD/tests/fuzz/fuzz-$t" ]; then
        fail "fuzz-$t" "not built in $BUILD (tests/fuzz/fuzz_$t.c has no binary)"
        continue
    fi
    ran=$((ran + 1))
    fuzz_replay "$ROOT" "$BUILD" "$t"
    if [ "$FUZZ_REPLAYED" -gt 0 ]; then
        check "fuzz-$t-crashes" "$FUZZ_STATUS" "$FUZZ_WHY"
        [ "$FUZZ_STATUS" -eq 0 ] || fuzz_excerpt "$BUILD/logs/$t-crashes.log"
    fi
    fuzz_run "$ROOT" "$BUILD" "$t" "${FUZZ_SECONDS:-5}" "$corpora"
    check "fuzz-$t" "$FUZZ_STATUS" "$FUZZ_WHY"
    [ "$FUZZ_STATUS" -eq 0 ] || fuzz_excerpt "$BUILD/logs/$t.log"
done
[ "$ran" -gt 0 ] || fail fuzz "no fuzz target is built in $BUILD (run scripts/fuzz, or meson setup with CC=clang -Dfuzz=true)"
summary fuzz
