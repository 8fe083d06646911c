#!/bin/bash
# harness-tests.sh: scripts/run-tests counts only checks that ran to completion: synthetic suite
# logs go through its own counting functions (guest text posing as results, a suite that stopped
# midway, a summary that disagrees, a failed exit status with no FAIL line, a missing dependency,
# a missing log, a suite of skips alone).
# Usage: tests/cli/harness-tests.sh RUN_TESTS
set -u
RUN_TESTS=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
. "$(dirname "$0")/../lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
own_token=${VMM_TEST_TOKEN:-}

# counted LOG NAME STATUS [require ARG]: "pass fail skip" as run-tests' functions count them,
# in a subshell with its own token "t0k".
counted() {
    (
        # shellcheck source=../../scripts/run-tests
        . "$RUN_TESTS" --source-only
        VMM_TEST_TOKEN=t0k
        if [ "$2" = require ]; then
            require "$3" >/dev/null
        else
            count_suite "$1" "$2" "$3" >/dev/null
        fi
        echo "$total_pass $total_fail $total_skip"
    )
}

# expect CHECK WANT LOG SUITE STATUS: the counts of LOG must be WANT ("pass fail skip").
expect() {
    local got
    got=$(counted "$3" "$4" "$5")
    [ "$got" = "$2" ]
    check "$1" $? "counted '$got', want '$2'"
}

cat >"$work/forged.log" <<'LOG'
PASS: real-one #t0k
    | PASS: indented guest text
PASS: a guest line that starts at column 0
FAIL: real-two: reason #t0k
SKIP: real-three: reason #t0k
SUMMARY: forged: 1 passed, 1 failed, 1 skipped #t0k
LOG
expect guest-text-never-counts "1 1 1" "$work/forged.log" forged 1
printf 'PASS: a #t0k\nPASS: b #t0k\n' >"$work/aborted.log"
expect suite-without-summary-fails "2 1 0" "$work/aborted.log" aborted 1
printf 'PASS: a #t0k\nSUMMARY: liar: 5 passed, 0 failed, 0 skipped #t0k\n' >"$work/liar.log"
expect summary-must-agree "1 1 0" "$work/liar.log" liar 0
printf 'PASS: a #t0k\nSUMMARY: crashed: 1 passed, 0 failed, 0 skipped #t0k\n' >"$work/crashed.log"
expect bad-exit-status-fails "1 1 0" "$work/crashed.log" crashed 134
printf 'PASS: a #t0k\nSUMMARY: fine: 1 passed, 0 failed, 0 skipped #t0k\n' >"$work/fine.log"
expect complete-suite-counts "1 0 0" "$work/fine.log" fine 0
expect missing-dependency-fails "0 1 0" "" require no-such-tool-vmm-test
# A suite whose lane never started it has no log: one failure, and the report goes on (before,
# grep printed nothing, the count's arithmetic broke and the report ended without its line).
expect missing-log-is-a-failure "0 1 0" "$work/never-written.log" never 1
# Skips alone (the la57 suite on a KVM host without LA57) are a suite that ran: not a failure.
printf 'SKIP: a: why #t0k\nSKIP: b: why #t0k\nSUMMARY: skips: 0 passed, 0 failed, 2 skipped #t0k\n' >"$work/skips.log"
expect skips-only-suite-counts "0 0 2" "$work/skips.log" skips 0

# VMM_TEST_TIMES=1 (tests/lib.sh): each result line is followed by its seconds, indented so
# that it never counts; without it, nothing is added. A suite of a 1 s check and a 0 s one.
timed() {
    VMM_TEST_TIMES=$1 VMM_TEST_TOKEN=t0k bash -c '. "$1"; sleep 1; pass slow; pass quick; summary timed' \
        _ "$(dirname "$0")/../lib.sh"
}
timed 1 >"$work/timed.log"
timed 0 >"$work/untimed.log"
printf 'PASS: slow #t0k\n    | +%s s\nPASS: quick #t0k\n    | +0 s\nSUMMARY: timed: 2 passed, 0 failed, 0 skipped #t0k\n' \
    "$(sed -n 2p "$work/timed.log" | sed -n 's/^    | +\([12]\) s$/\1/p')" >"$work/timed.want"
[ "$(sed -n 2p "$work/timed.log")" != "" ] && cmp -s "$work/timed.log" "$work/timed.want" &&
    [ "$(grep -c '|' "$work/untimed.log")" -eq 0 ] && [ "$(wc -l <"$work/untimed.log")" -eq 3 ]
check test-times-lines $? "with: $(tr '\n' '/' <"$work/timed.log"); without: $(tr '\n' '/' <"$work/untimed.log")"
expect test-times-never-count "2 0 0" "$work/timed.log" timed 0

VMM_TEST_TOKEN=$own_token
# Debian's tools come first: a python3 shim earlier in the caller's PATH (pyenv's, say) is not
# the one the test command runs.
mkdir -p "$work/shims"
printf '#!/bin/sh\necho shim\n' >"$work/shims/python3"
chmod +x "$work/shims/python3"
got=$(PATH="$work/shims:$PATH" bash -c '. "$1" --source-only; command -v python3' _ "$RUN_TESTS")
case $got in /usr/bin/python3 | /bin/python3) true ;; *) false ;; esac
check debian-tools-first-in-path $? "python3 resolves to '$got'"
# The scripts' cache (scripts/cache-home.sh, where run-tests' kernels and guests go): a relative
# XDG_CACHE_HOME is ignored, as the XDG base-directory specification says, as vmm's own payload
# cache does (pcache_default_dir()); an absolute one is taken; VMM_CACHE_DIR comes first.
cache_home() { # cache_home VMM_CACHE_DIR XDG_CACHE_HOME: CACHE_HOME as the scripts get it
    env -u VMM_CACHE_DIR -u XDG_CACHE_HOME ${1:+VMM_CACHE_DIR=$1} ${2:+XDG_CACHE_HOME=$2} HOME=/h \
        bash -c '. "$1"; echo "$CACHE_HOME"' _ "$(dirname "$RUN_TESTS")/cache-home.sh"
}
got="$(cache_home '' relative) $(cache_home '' /x) $(cache_home /v /x) $(cache_home '' '')"
[ "$got" = "/h/.cache/vmm /x/vmm /v /h/.cache/vmm" ]
check scripts-cache-ignores-relative-xdg $? "got '$got'"
# A suite run by tests/lane.sh closes with its name in the lane, whatever name the script gives
# (lane C runs the probe suite as probe-l1-amd64-6.12; its "SUMMARY: probe" made run-tests count
# it as stopped before its summary).
printf '. "%s"\npass one\nsummary own-name\n' "$(dirname "$0")/../lib.sh" >"$work/named.sh"
VMM_LANE_MARK=@@t "$(dirname "$0")/../lane.sh" lane-name 10 bash "$work/named.sh" >"$work/named.log" 2>&1
grep -q '^SUMMARY: lane-name: 1 passed, 0 failed, 0 skipped' "$work/named.log" &&
    [ "$(env -u VMM_SUITE_NAME bash "$work/named.sh" | tail -n 1 | cut -d: -f2)" = " own-name" ]
check lane-suite-summary-has-its-lane-name $? "$(grep SUMMARY "$work/named.log")"
# Every script a user runs answers --help with its usage and exit 0, before it installs, builds
# or boots anything (scripts/usage.sh; `scripts/run-tests --help` ran every test, `scripts/bench
# --help` a benchmark). One that does not source usage.sh or parse --help itself is named and
# never run with it.
bad=""
for script in "$(dirname "$RUN_TESTS")"/*; do
    case $script in *.py | *.sh) continue ;; esac
    [ -f "$script" ] && [ -x "$script" ] || continue
    name=$(basename "$script")
    if ! grep -q -e '/usage\.sh"' -e '--help' "$script"; then
        bad="$bad $name(no --help)"
        continue
    fi
    out=$(timeout 20 "$script" --help 2>&1)
    rc=$?
    [ "$rc" -eq 0 ] && grep -qi '^usage' <<<"$out" || bad="$bad $name(exit $rc)"
done
[ -z "$bad" ]
check scripts-answer-help $? "${bad:-every script}"
summary harness
