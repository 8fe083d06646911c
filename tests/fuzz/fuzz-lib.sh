# tests/fuzz/fuzz-lib.sh: shared by scripts/fuzz and tests/fuzz/fuzz-tests.sh: the target list and one bounded libFuzzer run.
# shellcheck shell=bash disable=SC2034 # the FUZZ_* results are read by the sourcing script

# The targets: tests/fuzz/fuzz_NAME.c builds BUILD/tests/fuzz/fuzz-NAME.
fuzz_targets() { # fuzz_targets ROOT
    local f
    for f in "$1"/tests/fuzz/fuzz_*.c; do
        f=${f##*/fuzz_}
        [ "$f" = util.c ] || echo "${f%.c}"
    done
}

# fuzz_run ROOT BUILD TARGET SECONDS [CORPORA]: fuzz TARGET for SECONDS on CORPORA/TARGET
# (default BUILD/corpus: the seeds of tests/fuzz/corpus/TARGET plus what earlier runs found
# there), crash inputs to
# BUILD/artifacts/TARGET/, output to BUILD/logs/TARGET.log. Extra libFuzzer flags come from
# $FUZZ_ARGS (e.g. "-jobs=8 -workers=8"). Sets FUZZ_STATUS (0: no finding), FUZZ_EXECS,
# FUZZ_SECS and FUZZ_WHY (a one-line reason when FUZZ_STATUS is not 0).
fuzz_run() {
    local root=$1 build=$2 t=$3 secs=$4 exe corpus art log t0 found
    exe=$build/tests/fuzz/fuzz-$t
    corpus=${5:-$build/corpus}/$t
    art=$build/artifacts/$t
    log=$build/logs/$t.log
    FUZZ_EXECS=0 FUZZ_SECS=0 FUZZ_WHY=''
    if [ ! -x "$exe" ]; then
        FUZZ_STATUS=1 FUZZ_WHY="$exe was not built"
        return
    fi
    mkdir -p "$corpus" "$art" "${log%/*}"
    cp -n "$root/tests/fuzz/corpus/$t"/* "$corpus"/ 2>/dev/null || :
    t0=$(date +%s)
    FUZZ_STATUS=0
    # shellcheck disable=SC2086 # FUZZ_ARGS is a list of flags
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
        "$exe" -max_total_time="$secs" -timeout=25 -print_final_stats=1 \
        -artifact_prefix="$art/" ${FUZZ_ARGS:-} "$corpus" >"$log" 2>&1 || FUZZ_STATUS=$?
    FUZZ_SECS=$(($(date +%s) - t0))
    # (Pipelines end in "|| :": the callers may run under set -e -o pipefail.)
    FUZZ_EXECS=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1 || :)
    FUZZ_EXECS=${FUZZ_EXECS:-0}
    found=$(grep -o "Test unit written to .*" "$log" | tail -n 1 | sed 's/^Test unit written to //' || :)
    if [ "$FUZZ_STATUS" -ne 0 ] || [ -n "$found" ]; then
        [ "$FUZZ_STATUS" -ne 0 ] || FUZZ_STATUS=1
        FUZZ_WHY="status $FUZZ_STATUS: $(grep -m 1 -E 'ERROR:|runtime error:|invariant failed' "$log" |
            sed 's/^==[0-9]*==//' || :)${found:+; input: $found}; log: $log"
    fi
}

# fuzz_excerpt LOG: the start of the first report in a fuzz log (the error and its stack),
# indented so that no line of it can look like a result line.
fuzz_excerpt() {
    grep -m 1 -A 14 -E 'ERROR:|runtime error:|invariant failed|Test unit written' "$1" |
        sed 's/^/    | /' || :
}

# fuzz_replay ROOT BUILD TARGET: run TARGET once on each tests/fuzz/crashes/TARGET-* input (the
# bugs it found: each must stay fixed). Sets FUZZ_STATUS (0: all pass, or there are none),
# FUZZ_REPLAYED (how many) and FUZZ_WHY; output goes to BUILD/logs/TARGET-crashes.log.
fuzz_replay() {
    local root=$1 build=$2 t=$3 log inputs
    log=$build/logs/$t-crashes.log
    inputs=("$root/tests/fuzz/crashes/$t"-*)
    FUZZ_STATUS=0 FUZZ_WHY='' FUZZ_REPLAYED=0
    [ -e "${inputs[0]}" ] || return 0
    FUZZ_REPLAYED=${#inputs[@]}
    mkdir -p "${log%/*}"
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
        "$build/tests/fuzz/fuzz-$t" -runs=1 "${inputs[@]}" >"$log" 2>&1 || FUZZ_STATUS=$?
    if [ "$FUZZ_STATUS" -ne 0 ]; then
        FUZZ_WHY="status $FUZZ_STATUS on $(grep -o 'Running: .*' "$log" | tail -n 1 |
            sed 's/^Running: //' || :): $(grep -m 1 -E 'ERROR:|runtime error:|invariant failed' "$log" |
            sed 's/^==[0-9]*==//' || :); log: $log"
    fi
}
