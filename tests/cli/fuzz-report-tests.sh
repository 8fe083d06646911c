#!/bin/bash
# fuzz-report-tests.sh: scripts/fuzz-report on two synthetic campaigns (no KVM): a guided one
# whose lines name their origins and whose .err has a minimized repro, and a blind one; the
# totals, outcomes, origins, each signature's first run and repro, and the chart are checked.
# Usage: tests/cli/fuzz-report-tests.sh FUZZ_REPORT   (scripts/fuzz-report)
set -u
REPORT=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
. "$(dirname "$0")/../lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# run INDEX SIGNATURE OUTCOME MAP US [ORIGIN FIELDS]: one JSON line as vmm fuzz prints it
# (the fields the report reads).
run() {
    printf '{"seed":1,"index":%s,"outcome":"%s","detail":"d%s","signature":"%016x","map":%s,"us":%s%s}\n' \
        "$1" "$3" "$2" "$2" "$4" "$5" "${6:-}"
}
mkdir "$work/c"
{
    run 0 10 triple-fault 5 1000 ',"from":"valid"'
    run 1 11 kvm-refused 6 2000 ',"from":"blind"'
    run 2 10 triple-fault 9 3000 ',"from":"corpus","parent":0'
    run 3 12 entry-failure 12 250000 ',"from":"corpus","parent":2,"splice":1'
    run 4 11 kvm-refused 12 4000 ',"from":"corpus","parent":0'
} >"$work/c/guided.jsonl"
printf 'vmm fuzz: minimized %016x: 2 fields: cr0.pe 1->0, rip 0x1000000->0x0 -> entry-failure\n' 12 \
    >"$work/c/guided.err"
{
    run 0 10 triple-fault 5 1000
    run 1 13 time-limit 7 100000
    echo 'not json'
} >"$work/c/blind.jsonl"
"$REPORT" "$work/c" >"$work/out.txt" 2>&1
rc=$?
out() { grep -qF -- "$1" "$work/out.txt"; }

[ "$rc" -eq 0 ] && out "== guided: 5 runs in 0.3 s, map 12 edges, 3 signatures" &&
    out "== blind: 2 runs in 0.1 s, map 7 edges, 2 signatures"
check report-totals $? "status $rc: $(grep '^==' "$work/out.txt" | tr '\n' ' ')"
out "outcomes: triple-fault 2, kvm-refused 2, entry-failure 1" && out "slowest: #3 entry-failure 250 ms"
check report-outcomes-and-slowest $? "$(grep -E 'outcomes|slowest' "$work/out.txt" | head -2 | tr '\n' ' ')"
out "origins of runs: valid 1, blind 1, corpus 3 (1 spliced); of each signature's first run: valid 1, blind 1, corpus 1 (1 spliced)" &&
    [ "$(grep -c 'origins of' "$work/out.txt")" -eq 1 ]
check report-guided-origins $? "$(grep 'origins' "$work/out.txt" || echo 'no origins line')"
out "000000000000000c entry-failure" && out "first #3 from #2+#1" && out "first #1 from blind" &&
    out "      minimized: 2 fields: cr0.pe 1->0, rip 0x1000000->0x0 -> entry-failure" &&
    out "minimized 1 repros, 1 to <= 3 fields"
check report-signature-sources-and-repros $? "$(grep -E 'first #|minimized' "$work/out.txt" | tr '\n' ' ')"
[ "$(head -c 4 "$work/c/fuzz.png" 2>/dev/null | od -An -tx1 | tr -d ' ')" = 89504e47 ]
check report-chart-is-png $? "$(ls -l "$work/c/fuzz.png" 2>&1)"
mkdir "$work/empty"
"$REPORT" "$work/empty" >"$work/empty.txt" 2>&1
rc=$?
[ "$rc" -eq 1 ] && grep -q "fuzz-report: no NAME.jsonl in" "$work/empty.txt"
check report-empty-dir-refused $? "status $rc: $(head -c 200 "$work/empty.txt")"
summary report
