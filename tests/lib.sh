# tests/lib.sh: shared helpers for the shell test suites: result lines and the summary.
# Each check prints "PASS: name", "FAIL: name: reason" or "SKIP: name: reason". Under
# scripts/run-tests every such line, and the suite's closing summary, ends in " #TOKEN"
# (VMM_TEST_TOKEN, a random value made per run): run-tests counts only those lines, so text a
# guest prints (console output shown for a failure) can never count as a result.

passed=0
failed=0
skipped=0
TAG=${VMM_TEST_TOKEN:+ #$VMM_TEST_TOKEN}
# VMM_TEST_TIMES=1: each result line is followed by "    | +S s", the seconds since the last one
# (or since the suite began), to see where a suite's time goes.
last_result=$SECONDS

# can_strace: strace is installed and may trace here as kvm_refused does (a container can
# forbid ptrace).
can_strace() {
    command -v strace >/dev/null 2>&1 && strace -f -qq --seccomp-bpf -o /dev/null true 2>/dev/null
}

# kvm_refused LOG ERRNO CMD...: CMD with every open of /dev/kvm failed with ERRNO by strace's
# fault injection, those opens logged to LOG (LeakSanitizer cannot run under ptrace).
kvm_refused() {
    local log=$1 err=$2
    shift 2
    ASAN_OPTIONS=detect_leaks=0 strace -f -qq --seccomp-bpf -o "$log" -e trace=open,openat \
        -e inject=open,openat:error="$err" -P /dev/kvm -e signal=none -- "$@"
}

# Extra guest kernel parameters for the test guests (none by default).
GUEST_IDLE=${GUEST_EXTRA_APPEND:-}

pass() {
    passed=$((passed + 1))
    echo "PASS: $1$TAG"
    result_time
}

fail() {
    failed=$((failed + 1))
    echo "FAIL: $1: $(echo "$2" | tr '\n' ' ')$TAG"
    result_time
}

skip() {
    skipped=$((skipped + 1))
    echo "SKIP: $1: $2$TAG"
    result_time
}

result_time() {
    [ "${VMM_TEST_TIMES:-0}" = 1 ] && echo "    | +$((SECONDS - last_result)) s"
    last_result=$SECONDS
}

# check NAME COND_STATUS REASON: pass if the preceding test command succeeded.
check() {
    if [ "$2" -eq 0 ]; then pass "$1"; else fail "$1" "$3"; fi
}

# show_text FILE [LINES]: the end of a file of guest or vmm output, indented so that no line of
# it can look like a result line.
show_text() {
    tail -n "${2:-15}" "$1" 2>/dev/null | sed 's/^/    | /'
}

# The closing line; run-tests checks it against the result lines it counted.
# summary NAME: the closing line; under tests/lane.sh the suite's name in its lane
# (VMM_SUITE_NAME: one script can run twice, e.g. the probe suite on two L1 kernels).
summary() {
    echo "SUMMARY: ${VMM_SUITE_NAME:-$1}: $passed passed, $failed failed, $skipped skipped$TAG"
    [ "$failed" -eq 0 ]
}
