#!/bin/bash
# afl-tests.sh: `vmm fuzz --afl` under Debian's AFL++: one test case without a fork server
# (status as a replay, crash said), afl-showmap reads its map, afl-tmin and afl-cmin use its
# fork server, and afl-fuzz drives it as a persistent target: a -M instance on stdin with the
# dictionary and a -S instance with @@ in one sync directory, the -S one with runs longer than
# its -t (afl-fuzz kills the child pid it was given; vmm names a new one and goes on), and one
# whose AFL_KILL_SIGNAL=15 ends vmm.
# Also vmm-libfuzzer (a libFuzzer build's target over the same run): 12 s in fork mode from the
# seeds, its map as 65536 extra counters, inputs from vmm's mutator (every corpus file parses),
# and a triple fault as a crash. And vmm's custom mutator for afl-fuzz, without and with the
# image of --mutator-image.
# Run it where /dev/kvm works (normally inside one scripts/with-kvm guest).
# Usage: tests/boot/afl-tests.sh VMM KERNEL INITRD DICT [VMM_LIBFUZZER]
set -u
VMM=$1
KERNEL=$2
INITRD=$3
DICT=$4
LIBFUZZER=${5:-}
DIR=$(cd "$(dirname "$0")" && pwd)
. "$DIR/../lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# afl-fuzz's own checks that do not apply here (CPU frequency, core_pattern, the UI, pinning).
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1
export AFL_FORKSRV_INIT_TMOUT=60000
TARGET=(fuzz --kernel "$KERNEL" --initrd "$INITRD" --append "console=ttyS0 reboot=k panic=-1")

if ! command -v afl-fuzz >/dev/null || ! command -v afl-showmap >/dev/null; then
    for t in standalone-valid standalone-crash standalone-malformed refused-state-covers-nothing \
             limit-run-maps-no-exits \
             sandboxed showmap-map showmap-crash tmin-keeps-the-crash cmin-keeps-one-per-map \
             fuzz-main fuzz-secondary fuzz-timeouts fuzz-stop-signal-ends-vmm \
             fuzz-syntax-errors-one-signature fuzz-custom-mutator log-each-test-case fuzz-mutator-image \
             fuzz-mutator-image-refused target-refuses-another-image; do
        skip "afl-$t" "afl-fuzz/afl-showmap not installed (Debian package afl++; scripts/setup-deps)"
    done
    summary afl
    exit 0
fi

# Seeds: the valid state, one KVM refuses (CR0 0 with EFER.LMA) and one that triple-faults
# (a partial file: the rest stays valid).
mkdir -p "$work/seeds"
"$VMM" --kernel "$KERNEL" --dump-entry-state >"$work/seeds/valid.state"
sed 's/^cr0 .*/cr0 0x0/' "$work/seeds/valid.state" >"$work/seeds/refused.state"
printf 'rip 0x0\ncs.l 0x1\n' >"$work/crash.state"
printf 'rip 0xzz\n' >"$work/malformed.state"

# 1. Without a fork server: one test case, its outcome line, the status its replay gives.
run1() {
    timeout -s KILL 120 "$VMM" "${TARGET[@]}" --afl --run-ms "$2" <"$work/${3:-}$1.state" \
        >"$work/$1.out" 2>"$work/$1.err"
    rc=$?
}
# showmap1 NAME [DIR/]: afl-showmap's map of one test case, 300 ms, in NAME.map (tuples
# "EDGE:BUCKET"); returns afl-showmap's status and leaves $rc as it was.
showmap1() {
    timeout -s KILL 120 afl-showmap -q -o "$work/$1.map" -t 20000 -- "$VMM" "${TARGET[@]}" \
        --afl --run-ms 300 <"$work/${2:-}$1.state" >/dev/null 2>&1
}
run1 valid 300 seeds/
[ "$rc" -eq 8 ] && grep -q "^time-limit running, signature [0-9a-f]\{16\}, [0-9]* edges$" "$work/valid.out"
check afl-standalone-valid $? "status $rc, '$(head -c 300 "$work/valid.out")' $(tail -c 300 "$work/valid.err")"
run1 crash 2000
[ "$rc" -eq 3 ] && grep -q "^triple-fault.*(a crash)" "$work/crash.out"
check afl-standalone-crash $? "status $rc, '$(head -c 300 "$work/crash.out")'"
run1 malformed 300
[ "$rc" -eq 1 ] && grep -q "^vmm-refused entry-state: line 1: rip: bad number '0xzz'" "$work/malformed.out"
check afl-standalone-malformed $? "status $rc, '$(head -c 300 "$work/malformed.out")'"
# A state vmm refuses (one that does not parse, one its checks refuse) reached neither KVM nor
# the guest: its map is the one edge every run has, so afl-fuzz never queues it as news (a
# valid run has more). The seeds include a state vmm refuses on QEMU TCG (EFER.LME without
# paging), so the campaigns below check that afl-fuzz accepts such a seed.
printf 'gdt.base 0x30001\n' >"$work/unplaced.state"
run1 unplaced 300
# Both maps (afl-showmap's tuples) are that one edge: the same for every refusal, so no
# refusal rule is news (before, each rule had an edge of its own).
showmap1 unplaced
showmap1 malformed
[ "$rc" -eq 1 ] && grep -q "^vmm-refused .*gdt.base .*, 1 edges$" "$work/unplaced.out" &&
    grep -q ", 1 edges$" "$work/malformed.out" && ! grep -q ", [01] edges$" "$work/valid.out" &&
    [ "$(wc -l <"$work/unplaced.map")" -eq 1 ] && cmp -s "$work/unplaced.map" "$work/malformed.map"
check afl-refused-state-covers-nothing $? "status $rc, '$(head -c 300 "$work/unplaced.out")' '$(head -c 300 "$work/malformed.out")', maps: $(cat "$work/unplaced.map" "$work/malformed.map" 2>&1 | tr '\n' ' ')"
# A run a limit stopped is mapped by how far it got, never by its VM exits (they went on until
# wherever the limit fell, so they differ between runs of one state: afl-fuzz's stability).
# Code poked at the entry point: a loop of port writes has the map of a loop without any, and
# a halt with interrupts off after one write (judged at the limit: halted in one run of a state,
# still running in the next where it halts near the limit) the same map. Fails on a0dcea6 (the
# port loop has 3 tuples against the bare loop's 2), c7eb036 (the halt 3) and e8d6136 (the
# halt's end bit its own).
rip=$(sed -n 's/^rip //p' "$work/seeds/valid.state")
printf 'poke.%s 0xfeeb\n' "$rip" >"$work/spin.state"        # jmp .
printf 'poke.%s 0xfceb99e6\n' "$rip" >"$work/outloop.state" # 1: out 0x99, al; jmp 1b
printf 'poke.%s 0xf499e6fa\n' "$rip" >"$work/hlt.state"     # cli; out 0x99, al; hlt
for s in spin outloop hlt; do
    run1 "$s" 300
    showmap1 "$s"
done
grep -q "^time-limit " "$work/outloop.out" && grep -q "^hlt-irqs-off, " "$work/hlt.out" &&
    [ -s "$work/spin.map" ] && cmp -s "$work/spin.map" "$work/outloop.map" &&
    cmp -s "$work/spin.map" "$work/hlt.map"
check afl-limit-run-maps-no-exits $? "$(head -c 100 "$work/outloop.out"); $(head -c 100 "$work/hlt.out"); maps: spin $(tr '\n' ' ' <"$work/spin.map" 2>&1), port loop $(tr '\n' ' ' <"$work/outloop.map" 2>&1), halt $(tr '\n' ' ' <"$work/hlt.map" 2>&1)"
# Under the worker's seccomp filter plus --afl's: a call on no list ends vmm with 159.
VMM_SECCOMP_SELFTEST=socket run1 valid 300 seeds/
[ "$rc" -eq 159 ] && grep -q "seccomp: forbidden system call" "$work/valid.err"
check afl-sandboxed $? "status $rc, $(tail -c 300 "$work/valid.err")"

# 2. afl-showmap: the map of one run (tuples "EDGE:BUCKET"), and a crash said as one (status 2:
#    run without a fork server, vmm dies by SIGABRT where an AFL tool gave it a map).
showmap1 valid seeds/
rc=$?
[ "$rc" -eq 0 ] && [ "$(grep -c '^[0-9]*:[0-9]*$' "$work/valid.map")" -ge 1 ]
check afl-showmap-map $? "status $rc, $(wc -l <"$work/valid.map" 2>/dev/null) tuples"
# AFL_DEBUG_CHILD=1 shows vmm's stderr: the crash must be vmm's SIGABRT, not a SIGSYS from
# its own filter.
AFL_DEBUG_CHILD=1 timeout -s KILL 120 afl-showmap -o "$work/crash.map" -t 20000 -- "$VMM" \
    "${TARGET[@]}" --afl --run-ms 2000 <"$work/crash.state" >"$work/showmap-crash.out" 2>&1
rc=$?
[ "$rc" -eq 2 ] && grep -aq "^triple-fault.*(a crash)" "$work/showmap-crash.out" &&
    ! grep -aq "seccomp: forbidden system call" "$work/showmap-crash.out"
check afl-showmap-crash $? "status $rc (afl-showmap says 2 for a crash): $(grep -a 'crash\|forbidden' "$work/showmap-crash.out" | head -n 3 | tr '\n' ' ')"

# 2b. AFL++'s other tools over the fork server. afl-tmin cuts a crashing state file and keeps a
#     crash (a partial file changes only the keys it has, so most cuts still parse); afl-cmin
#     keeps the smallest input for each map tuple among the valid state, a copy with another
#     RBX (the same map, a longer file) and a crash (dropped unless -C), i.e. the valid state
#     alone. Both refuse directories under /tmp without AFL_ALLOW_TMP.
{ cat "$work/crash.state"; echo 'rbx 0x1234'; } >"$work/crash3.state"
AFL_ALLOW_TMP=1 timeout -s KILL 300 afl-tmin -i "$work/crash3.state" -o "$work/tmin.state" \
    -t 20000 -- "$VMM" "${TARGET[@]}" --afl --run-ms 300 >"$work/tmin.log" 2>&1
tmin_rc=$?
run1 tmin 300
[ "$tmin_rc" -eq 0 ] && [ "$rc" -eq 3 ] && grep -q "^triple-fault.*(a crash)" "$work/tmin.out" &&
    [ "$(wc -c <"$work/tmin.state")" -le "$(wc -c <"$work/crash3.state")" ]
check afl-tmin-keeps-the-crash $? "afl-tmin status $tmin_rc, $(wc -c <"$work/crash3.state") -> $(wc -c <"$work/tmin.state" 2>&1) bytes '$(tr '\n' ';' <"$work/tmin.state" 2>&1)', alone: status $rc '$(head -c 100 "$work/tmin.out")'; $(grep -a 'PROGRAM ABORT\|Error' "$work/tmin.log" | head -n 2 | tr '\n' ' ')"
mkdir -p "$work/cmin-in"
cp "$work/seeds/valid.state" "$work/crash.state" "$work/cmin-in/"
sed 's/^rbx .*/rbx 0x12345678/' "$work/seeds/valid.state" >"$work/cmin-in/valid-rbx.state"
AFL_ALLOW_TMP=1 timeout -s KILL 300 afl-cmin -i "$work/cmin-in" -o "$work/cmin-out" -t 20000 \
    -- "$VMM" "${TARGET[@]}" --afl --run-ms 300 >"$work/cmin.log" 2>&1
cmin_rc=$?
[ "$cmin_rc" -eq 0 ] && [ "$(ls "$work/cmin-out" 2>/dev/null)" = valid.state ]
check afl-cmin-keeps-one-per-map $? "afl-cmin status $cmin_rc, kept: $(ls "$work/cmin-out" 2>&1 | tr '\n' ' '); $(grep -a 'Error\|PROGRAM ABORT\|Narrowed' "$work/cmin.log" | head -n 2 | tr '\n' ' ')"

# 3. afl-fuzz: -M on stdin with the dictionary, -S with @@ and runs (2 s) longer than its -t.
stat_of() { sed -n "s/^$2 *: //p" "$work/${3:-sync}/$1/fuzzer_stats" 2>/dev/null; }
timeout -s KILL 150 afl-fuzz -i "$work/seeds" -o "$work/sync" -M main -x "$DICT" -t 5000 -V 10 \
    -- "$VMM" "${TARGET[@]}" --afl --run-ms 300 >"$work/main.log" 2>&1 &
main_pid=$!
timeout -s KILL 150 afl-fuzz -i "$work/seeds" -o "$work/sync" -S second -t 1000 -V 10 \
    -- "$VMM" "${TARGET[@]}" --afl=@@ --run-ms 2000 >"$work/second.log" 2>&1
second_rc=$?
wait "$main_pid"
main_rc=$?
echo "    | main: status $main_rc, $(stat_of main execs_done) execs, corpus $(stat_of main corpus_count), $(stat_of main edges_found) edges, $(stat_of main saved_crashes) crashes"
echo "    | second: status $second_rc, $(stat_of second execs_done) execs, corpus $(stat_of second corpus_count), $(stat_of second saved_hangs) hangs saved"
[ "$main_rc" -eq 0 ] && grep -q "Target map size: 65536" "$work/main.log" &&
    grep -q "Loaded a total of [1-9][0-9]* extras" "$work/main.log" &&
    [ "$(stat_of main execs_done)" -ge 20 ] && [ "$(stat_of main corpus_count)" -ge 2 ]
check afl-fuzz-main $? "status $main_rc; $(grep -a -m3 'PROGRAM ABORT\|Location\|fork server' "$work/main.log" | tr '\n' ' ')"
[ "$second_rc" -eq 0 ] && [ "$(stat_of second execs_done)" -ge 5 ] &&
    [ -d "$work/sync/main/queue" ] && [ -d "$work/sync/second/queue" ]
check afl-fuzz-secondary $? "status $second_rc; $(grep -a -m3 'PROGRAM ABORT\|Location' "$work/second.log" | tr '\n' ' ')"
# The valid seed runs 2 s against -t 1000: afl-fuzz kills the child pid; vmm goes on.
grep -aq "results in a timeout" "$work/second.log" && [ "$(stat_of second execs_done)" -ge 5 ]
check afl-fuzz-timeouts $? "$(grep -a -m2 -i 'timeout' "$work/second.log" | tr '\n' ' ')"

# afl-fuzz ends the fork server with AFL_KILL_SIGNAL and waits for it: with a stop signal vmm
# must end (printing its summary, which AFL_DEBUG_CHILD=1 shows), not wait on for a request.
AFL_KILL_SIGNAL=15 AFL_DEBUG_CHILD=1 timeout -s KILL 150 afl-fuzz -i "$work/seeds" \
    -o "$work/sync-term" -M term -t 5000 -V 5 -- "$VMM" "${TARGET[@]}" --afl --run-ms 300 \
    >"$work/term.log" 2>&1
rc=$?
[ "$rc" -eq 0 ] && grep -aq "vmm fuzz: stopped by signal 15" "$work/term.log" &&
    grep -aq "^vmm fuzz: [0-9]* runs in .* signatures" "$work/term.log"
check afl-fuzz-stop-signal-ends-vmm $? "status $rc (137: afl-fuzz still waited for vmm at the hang guard); $(grep -a 'vmm fuzz: stopped\|vmm fuzz: [0-9]* runs in\|PROGRAM ABORT' "$work/term.log" | head -n 3 | tr '\n' ' ')"
# Its summary: the test cases that did not parse (most of afl-fuzz's) are one signature, not one
# per syntax error (which filled the table's 4,096 rows in 2 minutes).
unparsed=$(grep -ac "^[0-9a-f]\{16\} *vmm-refused *entry-state: line " "$work/term.log")
[ "$rc" -eq 0 ] && [ "$unparsed" -eq 1 ]
check afl-fuzz-syntax-errors-one-signature $? "$unparsed rows of syntax errors in vmm's summary: $(grep -a "vmm-refused *entry-state: " "$work/term.log" | head -n 3 | tr '\n' ' ')"

# vmm's custom mutator alone (AFL_CUSTOM_MUTATOR_ONLY): every test case afl-fuzz makes is a state
# file that parses, so every execution runs in the VM (with byte-level havoc almost none does).
MUTATOR=$(cd "$(dirname "$VMM")" && pwd)/vmm-afl-mutator.so
if [ ! -f "$MUTATOR" ]; then
    skip afl-fuzz-custom-mutator "$MUTATOR not built (meson builds it beside vmm)"
    skip afl-log-each-test-case "$MUTATOR not built (meson builds it beside vmm)"
else
    VMM_AFL_LOG=1 AFL_CUSTOM_MUTATOR_LIBRARY=$MUTATOR AFL_CUSTOM_MUTATOR_ONLY=1 AFL_KILL_SIGNAL=15 AFL_DEBUG_CHILD=1 \
        timeout -s KILL 150 afl-fuzz -i "$work/seeds" -o "$work/sync-mut" -M mut -t 5000 -V 10 \
        -- "$VMM" "${TARGET[@]}" --afl --run-ms 300 >"$work/mut.log" 2>&1
    rc=$?
    runs=$(sed -n 's/^vmm fuzz: \([0-9]*\) runs in.*/\1/p' "$work/mut.log")
    unparsed=$(grep -ac "^[0-9a-f]\{16\} *vmm-refused *entry-state: line " "$work/mut.log")
    echo "    | custom mutator: status $rc, $(stat_of mut execs_done sync-mut) execs, vmm: ${runs:-no} runs, $unparsed of them unparsed"
    [ "$rc" -eq 0 ] && [ "${runs:-0}" -ge 5 ] && [ "$unparsed" -eq 0 ] &&
        [ "$(stat_of mut execs_done sync-mut)" -ge 5 ]
    check afl-fuzz-custom-mutator $? "status $rc; $(grep -a -i -m3 'custom mutator\|PROGRAM ABORT\|runs in' "$work/mut.log" | tr '\n' ' ')"
    # VMM_AFL_LOG: one numbered outcome line per test case vmm ran, the last one numbered as
    # many as its summary counts.
    logged=$(grep -ac "^vmm fuzz --afl: test case [0-9]*: [a-z-]*.*, signature [0-9a-f]\{16\}, [0-9]* edges" "$work/mut.log")
    [ "$rc" -eq 0 ] && [ "${runs:-0}" -ge 5 ] && [ "$logged" -eq "$runs" ] &&
        grep -aq "^vmm fuzz --afl: test case $runs: " "$work/mut.log"
    check afl-log-each-test-case $? "$logged lines logged, $runs runs: $(grep -a -m2 '^vmm fuzz --afl: test case ' "$work/mut.log" | tr '\n' ' ')"
fi

# The mutator with vmm's image (VMM_MUTATOR_IMAGE from vmm fuzz --mutator-image): vmm fuzz's
# own field classes, page-table and boot-info pokes included; and an image file that is not
# one stops afl-fuzz before it runs anything, naming the variable.
if [ ! -f "$MUTATOR" ]; then
    skip afl-fuzz-mutator-image "$MUTATOR not built (meson builds it beside vmm)"
    skip afl-fuzz-mutator-image-refused "$MUTATOR not built (meson builds it beside vmm)"
else
    "$VMM" "${TARGET[@]}" --fuzz-mode wild --mutator-image "$work/vmm.image" 2>"$work/image.err"
    rc=$?
    VMM_MUTATOR_IMAGE=$work/vmm.image AFL_CUSTOM_MUTATOR_LIBRARY=$MUTATOR AFL_CUSTOM_MUTATOR_ONLY=1 \
        AFL_KILL_SIGNAL=15 AFL_DEBUG_CHILD=1 timeout -s KILL 150 afl-fuzz -i "$work/seeds" \
        -o "$work/sync-img" -M img -t 5000 -V 10 -- "$VMM" "${TARGET[@]}" --afl --run-ms 300 \
        >"$work/img.log" 2>&1
    rc2=$?
    runs=$(sed -n 's/^vmm fuzz: \([0-9]*\) runs in.*/\1/p' "$work/img.log")
    unparsed=$(grep -ac "^[0-9a-f]\{16\} *vmm-refused *entry-state: line " "$work/img.log")
    echo "    | mutator image: $(cat "$work/image.err"); afl-fuzz status $rc2, $(stat_of img execs_done sync-img) execs, vmm: ${runs:-no} runs, $unparsed of them unparsed"
    [ "$rc" -eq 0 ] && [ "$rc2" -eq 0 ] && grep -aq "vmm-afl-mutator: vmm fuzz's field mutations" "$work/img.log" &&
        [ "${runs:-0}" -ge 5 ] && [ "$unparsed" -eq 0 ] && [ "$(stat_of img execs_done sync-img)" -ge 5 ] &&
        grep -aq "^vmm fuzz --afl: $runs test cases in [0-9.]* s: vmm's runs [0-9.]* s ([0-9.]* ms each), waiting for afl-fuzz [0-9.]* s ([0-9.]* ms each)$" "$work/img.log"
    check afl-fuzz-mutator-image $? "status $rc/$rc2; $(grep -a -i -m4 'vmm-afl-mutator\|PROGRAM ABORT\|runs in\|test cases in' "$work/img.log" | tr '\n' ' ')"
    head -c 100 "$work/vmm.image" >"$work/cut.image"
    VMM_MUTATOR_IMAGE=$work/cut.image AFL_CUSTOM_MUTATOR_LIBRARY=$MUTATOR AFL_NO_UI=1 \
        timeout -s KILL 60 afl-fuzz -i "$work/seeds" -o "$work/sync-cut" -M cut -t 5000 -V 5 \
        -- "$VMM" "${TARGET[@]}" --afl --run-ms 300 >"$work/cut.log" 2>&1
    rc=$?
    [ "$rc" -ne 0 ] && [ "$rc" -ne 137 ] &&
        grep -aq "vmm-afl-mutator: VMM_MUTATOR_IMAGE=$work/cut.image: mutator image: region 0" "$work/cut.log"
    check afl-fuzz-mutator-image-refused $? "status $rc; $(grep -a -m2 'vmm-afl-mutator\|PROGRAM ABORT' "$work/cut.log" | tr '\n' ' ')"
fi

# afl-fuzz hands VMM_MUTATOR_IMAGE to the target too: vmm fuzz --afl refuses an image made with
# other options (here another --mem) before any run, naming what differs (the matching one of
# afl-fuzz-mutator-image above ran). The image is vmm's own work: no mutator library needed.
"$VMM" "${TARGET[@]}" --mem 512M --mutator-image "$work/other.image" 2>"$work/other-image.err"
VMM_MUTATOR_IMAGE=$work/other.image timeout -s KILL 120 "$VMM" "${TARGET[@]}" --afl --run-ms 300 \
    <"$work/seeds/valid.state" >"$work/other.out" 2>"$work/other.err"
rc=$?
[ "$rc" -eq 1 ] && [ ! -s "$work/other.out" ] && grep -q "^vmm fuzz --afl: VMM_MUTATOR_IMAGE=$work/other.image was not made with this command's options .*: mutator image: mem_size 0x20000000, here 0x10000000$" "$work/other.err"
check afl-target-refuses-another-image $? "status $rc; $(tail -c 400 "$work/other.err")"

# 4. vmm-libfuzzer: vmm's options as --name=value (libFuzzer ignores them), its own as -name=value.
if [ -z "$LIBFUZZER" ] || [ ! -x "$LIBFUZZER" ]; then
    skip libfuzzer-runs "vmm-libfuzzer not built (scripts/fuzz --build-only builds it)"
    skip libfuzzer-crash "vmm-libfuzzer not built (scripts/fuzz --build-only builds it)"
    skip libfuzzer-vmm-mutator "vmm-libfuzzer not built (scripts/fuzz --build-only builds it)"
    summary afl
    exit
fi
# Fork mode runs each job through a shell command line (libFuzzer's FuzzerFork.cpp joins the
# arguments with spaces), so no option may hold a space: vmm's default --append is used.
LF_TARGET=(--kernel="$KERNEL" --initrd="$INITRD")
mkdir -p "$work/lfcorpus"
# Mutated states triple-fault often and a crash ends a plain libFuzzer run, so the run is in
# fork mode with -ignore_crashes=1, as services run it: each job a fresh process and VM.
timeout -s KILL 120 "$LIBFUZZER" "${LF_TARGET[@]}" --run-ms=300 -fork=1 -ignore_crashes=1 \
    -max_total_time=12 "$work/lfcorpus" "$work/seeds" >"$work/lf.log" 2>&1
rc=$?
last=$(grep -a '^#[0-9]*: cov: ' "$work/lf.log" | tail -n 1)
echo "    | vmm-libfuzzer -fork=1: status $rc; $last"
# In fork mode libFuzzer exits with the status of the job that ended last (FuzzerFork.cpp,
# "INFO: exiting: N"): 0, or 77 (-error_exitcode) when that job was an ignored crash, whose
# "deadly signal" line the parent repeats. A sanitizer report in any job is a failure.
exiting=$(grep -a -o 'INFO: exiting: [0-9]*' "$work/lf.log" | grep -o '[0-9]*$')
{ [ "$rc" -eq 0 ] || { [ "$rc" -eq 77 ] && grep -q "ERROR: libFuzzer: deadly signal" "$work/lf.log"; }; } &&
    [ "$exiting" = "$rc" ] && grep -q "wrapping up soon" "$work/lf.log" &&
    ! grep -q "Sanitizer\|runtime error:" "$work/lf.log" &&
    grep -q "INFO: 65536 Extra Counters" "$work/lf.log" &&
    [[ $last =~ job:\ ([0-9]+) ]] && [ "${BASH_REMATCH[1]}" -ge 1 ] && [ -n "$(ls "$work/lfcorpus")" ]
check libfuzzer-runs $? "status $rc; $(grep -a 'ERROR\|INFO: -fork\|vmm-libfuzzer' "$work/lf.log" | head -n 3 | tr '\n' ' ')"
# Its inputs come from vmm's mutator: every corpus file the campaign kept is a state file that
# parses (libFuzzer's byte mutations would have kept one that does not: its edge is new once).
bad=0
for f in "$work"/lfcorpus/*; do
    "$VMM" --kernel "$KERNEL" --entry-state "$f" --no-validate --dump-entry-state 2>&1 >/dev/null |
        grep -q "entry-state: line" && bad=$((bad + 1))
done
echo "    | vmm-libfuzzer corpus: $(ls "$work/lfcorpus" | wc -l) files, $bad that do not parse"
grep -q "vmm-libfuzzer: new inputs from vmm's mutator (near mode" "$work/lf.log" && [ "$bad" -eq 0 ] &&
    [ -n "$(ls "$work/lfcorpus")" ]
check libfuzzer-vmm-mutator $? "$bad corpus files do not parse; $(grep -a -m1 'vmm-libfuzzer:' "$work/lf.log")"
timeout -s KILL 120 "$LIBFUZZER" "${LF_TARGET[@]}" --run-ms=2000 "$work/crash.state" \
    >"$work/lfcrash.log" 2>&1
rc=$?
[ "$rc" -ne 0 ] && grep -q "^triple-fault.*(a crash)" "$work/lfcrash.log" &&
    grep -q "ERROR: libFuzzer: deadly signal" "$work/lfcrash.log"
check libfuzzer-crash $? "status $rc; $(grep -a 'ERROR\|triple' "$work/lfcrash.log" | head -n 2 | tr '\n' ' ')"
summary afl
