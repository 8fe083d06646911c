#!/bin/bash
# lane.sh: runs several KVM suites one after another in one KVM environment (one nested L1 per
# lane instead of one per suite), each under its own time limit, between marker lines that
# scripts/run-tests splits back into one log, status and duration per suite.
# Usage: tests/lane.sh NAME LIMIT CMD ARGS... -- NAME LIMIT CMD ARGS... -- ...
set -u
MARK=${VMM_LANE_MARK:-@@vmm-lane}

run_one() { # run_one NAME LIMIT CMD...
    local name=$1 limit=$2 t0 status
    shift 2
    t0=$(date +%s)
    echo "$MARK start $name"
    # LIMIT is in host seconds; the L1's own clock was seen running up to twice as fast under
    # load, so it gets twice that by its clock (the host bounds the whole lane).
    VMM_SUITE_NAME=$name timeout -k 10 $((2 * limit)) "$@" </dev/null 2>&1
    status=$?
    echo "$MARK end $name $status $(($(date +%s) - t0))"
}

args=()
while [ $# -gt 0 ]; do
    if [ "$1" = -- ]; then
        run_one "${args[@]}"
        args=()
    else
        args+=("$1")
    fi
    shift
done
[ ${#args[@]} -eq 0 ] || run_one "${args[@]}"
