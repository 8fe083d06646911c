# tests/lib.sh: shared helpers for the shell test suites: result lines and the summary.
# Each check prints "PASS: name" or "FAIL: name: reason"; scripts/run-tests counts those lines.

passed=0
failed=0
skipped=0

# Extra guest kernel parameters for the test guests (none by default).
GUEST_IDLE=${GUEST_EXTRA_APPEND:-}

pass() {
    passed=$((passed + 1))
    echo "PASS: $1"
}

fail() {
    failed=$((failed + 1))
    echo "FAIL: $1: $2"
}

skip() {
    skipped=$((skipped + 1))
    echo "SKIP: $1: $2"
}

# check NAME COND_STATUS REASON: pass if the preceding test command succeeded.
check() {
    if [ "$2" -eq 0 ]; then pass "$1"; else fail "$1" "$3"; fi
}

summary() {
    echo "$1: $passed passed, $failed failed, $skipped skipped"
    [ "$failed" -eq 0 ]
}
