#!/bin/bash
# console-tests.sh: how vmm's run ends and what its console does, on the entry-state probe (a
# guest that boots in milliseconds): --timeout on a halted and a spinning guest (also when the
# alarm lands between the stop check and KVM_RUN), SIGTERM/SIGHUP/SIGINT with and without a
# terminal (exit 128+N, terminal restored), SIGHUP under nohup and another process's SIGALRM
# and SIGUSR1 (ignored), Ctrl-A x on a halted guest, Ctrl-A Ctrl-A and Ctrl-C
# typed to the guest, raw again after a stop and SIGCONT, the stops with 4 vCPUs, a stdout closed
# early (status 0) or full (a note), an O_NONBLOCK stdin, a stdout reader
# that pauses for seconds (no byte lost, input still taken), --timing reports and the CPU model.
# Run it where /dev/kvm works (normally inside one scripts/with-kvm guest).
# Usage: tests/boot/console-tests.sh VMM PROBE_BZIMAGE
set -u
VMM=$1
PROBE=$2
DIR=$(cd "$(dirname "$0")" && pwd)
. "$DIR/../lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
LIMIT=${CONSOLE_TEST_LIMIT:-120} # seconds: a hang fails the case instead of stalling the suite
BASE="console=ttyS0"

# run NAME APPEND [VMM OPTIONS...]: vmm on the probe, stdin /dev/null; status in rc.
run() {
    local name=$1 append=$2
    shift 2
    timeout -s KILL "$LIMIT" "$VMM" --kernel "$PROBE" --append "$BASE $append" "$@" \
        </dev/null >"$work/$name.out" 2>"$work/$name.err"
    rc=$?
}

# wait_for FILE TEXT: until TEXT appears in FILE (at most LIMIT seconds).
wait_for() {
    local i
    for ((i = 0; i < LIMIT * 10; i++)); do
        grep -aq -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# within_limit NAME LIMIT_MS: NAME's --timing=json report (the stderr line that starts with
# {"vmm_timing"; a register dump follows it at status 8) shows the run ended no sooner than
# LIMIT_MS after vmm armed its timer and at most LIMIT_MS + SLACK_MS after. The timer is armed
# between the image_decoded and vm_created stamps, so exit - image_decoded >= LIMIT_MS and
# exit - vm_created <= LIMIT_MS + SLACK_MS bound it from both sides. Sets span.
SLACK_MS=600
within_limit() {
    local json decoded created first exit
    json=$(grep -a '^{"vmm_timing"' "$work/$1.err" | tail -n 1)
    # (sed, not python: a python start costs seconds in the nested guest)
    phase_ms() { sed -n "s/.*\"phases_ns\":{[^}]*\"$1\":\([0-9]*\).*/\1/p" <<<"$json"; }
    decoded=$(phase_ms image_decoded) created=$(phase_ms vm_created)
    first=$(phase_ms first_kvm_run) exit=$(phase_ms exit)
    span="image_decoded ${decoded:-?}, vm_created ${created:-?}, first_kvm_run ${first:-?}, exit ${exit:-?} (ns)"
    [ -n "$decoded" ] && [ -n "$created" ] && [ -n "$exit" ] || return 1
    span="image_decoded $((decoded / 1000000)), vm_created $((created / 1000000)), first_kvm_run $((${first:-0} / 1000000)), exit $((exit / 1000000)) ms"
    [ $(((exit - decoded) / 1000000)) -ge "$2" ] && [ $(((exit - created) / 1000000)) -le $(($2 + SLACK_MS)) ]
}

# child_of PID: the process `timeout` runs (signals go to vmm itself, not through timeout).
child_of() {
    local c
    c=$(cat "/proc/$1/task/$1/children" 2>/dev/null)
    echo "${c%% *}"
}

# 1. --timeout ends a guest that halts with interrupts off or spins, with status 8 and a dump,
#    no sooner than the limit and at most SLACK_MS later (timed from vmm's own --timing=json).
run timeout-halt "probe.then=halt" --timeout 1 --timing=json
[ "$rc" -eq 8 ] && grep -q -- "--timeout reached" "$work/timeout-halt.err" && grep -q "rip=0x" "$work/timeout-halt.err" &&
    within_limit timeout-halt 1000
check timeout-ends-halted-guest "$?" "status $rc, $span, stderr: $(head -c 300 "$work/timeout-halt.err")"
# A fraction of a second: --timeout 0.3 ends the halted guest after 300 ms, well before a second.
run timeout-fraction "probe.then=halt" --timeout 0.3 --timing=json
[ "$rc" -eq 8 ] && grep -q -- "--timeout reached" "$work/timeout-fraction.err" && within_limit timeout-fraction 300
check timeout-fraction-of-a-second "$?" "status $rc, $span"
run timeout-spin "probe.then=spin" --timeout 1 --timing=json
[ "$rc" -eq 8 ] && grep -q -- "--timeout reached" "$work/timeout-spin.err" && within_limit timeout-spin 1000
check timeout-ends-spinning-guest "$?" "status $rc, $span, stderr: $(head -c 300 "$work/timeout-spin.err")"
# The alarm fires while vmm sleeps between its stop check and the first KVM_RUN (test hook: it
# says when a signal cut its sleep short), and the guest halts at once without a single exit to
# vmm: a flag-only design loses the alarm and the guest runs forever (killed after LIMIT, 137).
VMM_TEST_RUN_DELAY_MS=2500 run timeout-race "probe.then=halt-at-entry" --timeout 1 --timing=json
[ "$rc" -eq 8 ] && grep -q "test hook: KVM_RUN delayed, a signal landed in the delay" "$work/timeout-race.err" &&
    within_limit timeout-race 1000
check timeout-between-check-and-kvm-run "$?" "status $rc (137: the alarm was lost and the guest ran on), $span, $(grep 'test hook' "$work/timeout-race.err")"

# 2. Termination signals without a terminal: exit 128+N, a message naming the signal.
for sig in TERM HUP INT; do
    num=$(kill -l "$sig")
    name=signal-$sig-pipe
    timeout -s KILL "$LIMIT" "$VMM" --kernel "$PROBE" --append "$BASE probe.then=spin" \
        </dev/null >"$work/$name.out" 2>"$work/$name.err" &
    pid=$!
    wait_for "$work/$name.out" "probe: done"
    kill -s "$sig" "$(child_of "$pid")"
    wait "$pid"
    rc=$?
    [ "$rc" -eq $((128 + num)) ] && grep -q "stopped by signal $num" "$work/$name.err"
    check "sig$sig-without-terminal-exits-$((128 + num))" "$?" "status $rc, stderr: $(head -c 300 "$work/$name.err")"
done

# survives NAME SIG [WRAPPER...]: vmm (started through WRAPPER, e.g. nohup) on a spinning probe
# gets SIG, must still run a second later, and then SIGTERM ends it with 143.
survives() {
    local name=$1 sig=$2 pid alive
    shift 2
    "$@" "$VMM" --kernel "$PROBE" --append "$BASE probe.then=spin" </dev/null >"$work/$name.out" \
        2>"$work/$name.err" &
    pid=$!
    wait_for "$work/$name.out" "probe: done"
    kill -s "$sig" "$pid"
    sleep 1
    kill -0 "$pid" 2>/dev/null
    alive=$?
    kill -s TERM "$pid"
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -s KILL "$pid" 2>/dev/null
    wait "$pid"
    rc=$?
    [ "$alive" -eq 0 ] && [ "$rc" -eq 143 ]
    check "$name" "$?" "alive 1 s after SIG$sig: $([ "$alive" -eq 0 ] && echo yes || echo no), status $rc after SIGTERM (want 143), stderr: $(head -c 300 "$work/$name.err")"
}
# 2a. Under nohup (SIGHUP ignored by its parent) a hangup leaves vmm running (before, 129);
#     SIGALRM and SIGUSR1 from another process are not its --timeout and Ctrl-A x (before, 8
#     and 0).
survives nohup-outlives-a-hangup HUP nohup
survives sigalrm-from-another-process-is-ignored ALRM
survives sigusr1-from-another-process-is-ignored USR1

# 2b. Bytes KVM queued while the guest runs on with no exit at all (probe.then=late-line: a line
#     written to THR without LSR polls, long after its last exit, then a spin) reach stdout while
#     vmm still runs: its watcher thread kicks the boot CPU (README "Serial writes without
#     exits"); without it the line would wait for the end of the run. Then SIGTERM ends it.
name=queued-line-while-spinning
timeout -s KILL "$LIMIT" "$VMM" --kernel "$PROBE" --append "$BASE probe.then=late-line" \
    </dev/null >"$work/$name.out" 2>"$work/$name.err" &
pid=$!
wait_for "$work/$name.out" "probe: done"
got=0
# 30 s by the clock (nested the line comes about 2 s after "probe: done", natively within ms).
for ((t0 = SECONDS; SECONDS - t0 < 30; )); do
    # The whole line, its newline included (grep alone would match a line still cut short).
    if grep -aq "^probe: late line" "$work/$name.out" &&
        [ "$(tail -c 1 "$work/$name.out" | od -An -tx1 | tr -d ' ')" = 0a ]; then
        got=1
        break
    fi
    sleep 0.1
done
kill -s TERM "$(child_of "$pid")"
wait "$pid"
rc=$?
[ "$got" = 1 ] && [ "$rc" -eq 143 ]
check queued-line-shown-while-guest-spins "$?" "line seen before the stop: $got, status $rc, stdout ends: $(tail -c 40 "$work/$name.out" | tr '\n' '|')"

# 3. The same on a terminal (a pty from script(1)): vmm puts it in raw mode, so it must restore it;
#    before the fix the sandbox killed vmm by SIGSYS here (rt_sigaction was not allowed).
# tty_run NAME SIG|quit|keys [THEN [VMM OPTIONS...]]: vmm on the probe (probe.then=THEN, default
# halt) on a pty; once the probe is ready, SIG to vmm, Ctrl-A x (quit), or Ctrl-A Ctrl-A, Ctrl-C
# and q typed (keys, for probe.then=echo). Writes NAME.{rc,out,err,before,after,tty}.
tty_run() {
    local name=$1 what=$2 then=${3:-halt} n=$work/$1 ready="probe: done"
    shift $(($# < 3 ? $# : 3))
    [ "$then" = echo ] && ready="probe: echo ready"
    cat >"$n.sh" <<INNER
stty -g >"$n.before"
exec 5<&0 # a background job's stdin would be /dev/null: give vmm the pty itself
# --foreground: vmm stays in the terminal's foreground process group (tcsetattr, no SIGTTOU)
timeout --foreground -s KILL $LIMIT "$VMM" --kernel "$PROBE" --append "$BASE probe.then=$then" $* <&5 >"$n.out" 2>"$n.err" &
pid=\$!
[ -t 5 ] && echo yes >"$n.tty"
tty >"$n.ttyname"
echo \$pid >"$n.pid"
wait \$pid
echo \$? >"$n.rc"
stty -g >"$n.after"
INNER
    mkfifo "$n.keys"
    script -qec "bash $n.sh" /dev/null <"$n.keys" >/dev/null 2>&1 &
    local spid=$!
    exec 6>"$n.keys"
    wait_for "$n.out" "$ready"
    if [ "$what" = quit ]; then
        printf '\001x' >&6
    elif [ "$what" = full-quit ]; then # 64 keys the halted guest never reads, then Ctrl-A x
        printf 'a%.0s' $(seq 64) >&6
        sleep 0.5
        printf '\001x' >&6
    elif [ "$what" = keys ]; then
        printf '\001\001\003q' >&6
    elif [ "$what" = stop-keys ]; then
        stop_and_continue "$n"
        printf '\001\001\003q' >&6
    else
        kill -s "$what" "$(child_of "$(cat "$n.pid")")"
    fi
    wait "$spid"
    exec 6>&-
    rc=$(cat "$n.rc" 2>/dev/null || echo none)
}
# stop_and_continue N: SIGSTOP to vmm, the pty set back to cooked mode as a job-control shell
# does when its job stops, SIGCONT (as `fg`), then until the pty is raw again (at most 10 s).
stop_and_continue() {
    local vmm tty i
    vmm=$(child_of "$(cat "$1.pid")") tty=$(cat "$1.ttyname")
    kill -s STOP "$vmm"
    stty -F "$tty" sane
    stty -F "$tty" -a >"$1.stopped"
    kill -s CONT "$vmm"
    for i in $(seq 100); do
        stty -F "$tty" -a | grep -q -- '-icanon' && break
        sleep 0.1
    done
    stty -F "$tty" -a >"$1.continued"
}
restored() {
    grep -q yes "$work/$1.tty" && cmp -s "$work/$1.before" "$work/$1.after"
}
for sig in TERM HUP INT; do
    num=$(kill -l "$sig")
    tty_run "signal-$sig-tty" "$sig"
    [ "$rc" = $((128 + num)) ] && grep -q "stopped by signal $num" "$work/signal-$sig-tty.err"
    check "sig$sig-on-terminal-exits-$((128 + num))" "$?" "status $rc, stderr: $(head -c 300 "$work/signal-$sig-tty.err")"
    restored "signal-$sig-tty"
    check "sig$sig-on-terminal-restores-it" "$?" "stty before '$(cat "$work/signal-$sig-tty.before")' after '$(cat "$work/signal-$sig-tty.after")'"
done

# 4. Ctrl-A x on a halted guest: one kick, exit 0, terminal restored.
tty_run quit quit
[ "$rc" = 0 ]
check ctrl-a-x-quits-halted-guest "$?" "status $rc, stderr: $(head -c 300 "$work/quit.err")"
restored quit
check ctrl-a-x-restores-terminal "$?" "stty before '$(cat "$work/quit.before")' after '$(cat "$work/quit.after")'"

# 4'. Ctrl-A x behind 64 typed keys a halted guest never reads (its receive FIFO full after
#     16): seen all the same, exit 0 (before, the input thread waited for room in the FIFO and
#     never read the escape: vmm ran on until killed).
tty_run quitfull full-quit
[ "$rc" = 0 ]
check ctrl-a-x-quits-while-the-guest-reads-nothing "$?" "status $rc (137: killed at the limit), stderr: $(head -c 300 "$work/quitfull.err")"

# 4a. Ctrl-A Ctrl-A sends one Ctrl-A and Ctrl-C goes to the guest (raw mode: no SIGINT): the probe
# echoes what it got, 0x01 once, 0x03, then 'q' ends it (reset, status 0).
tty_run keys keys echo
got=$(tr -d '\r' <"$work/keys.out" | sed -n 's/^probe: got //p' | tr '\n' ' ')
[ "$got" = "0x1 0x3 0x71 " ]
check ctrl-a-ctrl-a-sends-one-ctrl-a-and-ctrl-c-reaches-guest "$?" "the guest got: $got(want 0x1 0x3 0x71)"
[ "$rc" = 0 ] && restored keys
check typed-q-resets-guest-and-restores-terminal "$?" "status $rc, stderr: $(head -c 300 "$work/keys.err")"

# 4b. A stop and `fg`: the shell's cooked settings are back when vmm continues (SIGCONT), and
#     vmm puts the terminal raw again, so Ctrl-C still reaches the guest (before, cooked mode
#     made it SIGINT: exit 130) and the keys arrive one by one.
tty_run stop-keys stop-keys echo
got=$(tr -d '\r' <"$work/stop-keys.out" | sed -n 's/^probe: got //p' | tr '\n' ' ')
grep -q -- ' icanon' "$work/stop-keys.stopped" && grep -q -- '-icanon' "$work/stop-keys.continued" &&
    [ "$got" = "0x1 0x3 0x71 " ] && [ "$rc" = 0 ] && restored stop-keys
check continued-after-a-stop-the-terminal-is-raw-again "$?" "status $rc, the guest got: $got(want 0x1 0x3 0x71), stopped: '$(grep -o -- '-*icanon' "$work/stop-keys.stopped")', continued: '$(grep -o -- '-*icanon' "$work/stop-keys.continued")', stderr: $(head -c 300 "$work/stop-keys.err")"

# 4c. Stops with 4 vCPUs (3 of them waiting for a SIPI that never comes, inside KVM_RUN):
#     Ctrl-A x, SIGTERM and --timeout end every vCPU thread, with the same statuses.
tty_run quit-4-cpus quit halt --cpus 4
[ "$rc" = 0 ] && restored quit-4-cpus
check ctrl-a-x-quits-4-cpus "$?" "status $rc, stderr: $(head -c 300 "$work/quit-4-cpus.err")"
timeout -s KILL "$LIMIT" "$VMM" --kernel "$PROBE" --append "$BASE probe.then=spin" --cpus 4 \
    </dev/null >"$work/term-4-cpus.out" 2>"$work/term-4-cpus.err" &
pid=$!
wait_for "$work/term-4-cpus.out" "probe: done"
kill -s TERM "$(child_of "$pid")"
wait "$pid"
rc=$?
[ "$rc" -eq 143 ] && grep -q "stopped by signal 15" "$work/term-4-cpus.err"
check sigterm-ends-4-cpus-with-143 "$?" "status $rc, stderr: $(head -c 300 "$work/term-4-cpus.err")"
run timeout-4-cpus "probe.then=spin" --cpus 4 --timeout 1 --timing=json
[ "$rc" -eq 8 ] && grep -q -- "--timeout reached" "$work/timeout-4-cpus.err" && within_limit timeout-4-cpus 1000
check timeout-ends-4-cpus "$?" "status $rc, $span"

# 4d. A reader that has gone away (stdout a pipe with no reader left, as after `| head -c 100`
#     has exited: a FIFO opened read-write and write-only, then its read-write end closed):
#     every console write fails with EPIPE, vmm takes it (no death by SIGPIPE, 141) and the
#     guest runs on through its 8 KiB flood to its reset: status 0.
mkfifo "$work/gone"
exec 4<>"$work/gone" 5>"$work/gone" 4<&-
timeout -s KILL "$LIMIT" "$VMM" --kernel "$PROBE" --append "$BASE probe.then=flood probe.kib=8" \
    </dev/null >&5 2>"$work/closed.err"
rc=$?
exec 5>&-
[ "$rc" -eq 0 ]
check closed-stdout-exits-0 "$?" "status $rc (141: died by SIGPIPE), stderr: $(head -c 200 "$work/closed.err")"

# 4e. A stdout that takes nothing (a full disk: /dev/full says ENOSPC): the guest runs on through
#     its 8 KiB flood to its reset (status 0), and vmm says once at the end how many bytes it
#     discarded and why (before, nothing was said).
timeout -s KILL "$LIMIT" "$VMM" --kernel "$PROBE" --append "$BASE probe.then=flood probe.kib=8" \
    </dev/null >/dev/full 2>"$work/full.err"
rc=$?
lost=$(sed -n 's/^vmm: \([0-9]*\) bytes of console output discarded: stdout: No space left on device$/\1/p' "$work/full.err")
[ "$rc" -eq 0 ] && [ "${lost:-0}" -ge 8192 ] && [ "$(wc -l <"$work/full.err")" -eq 1 ]
check full-stdout-says-what-it-discarded "$?" "status $rc, stderr: $(head -c 300 "$work/full.err")"

# 4e'. A stdout file at its size limit (ulimit -f 4: 4 KiB): write() says EFBIG, as a full disk
#      says ENOSPC, and the guest runs on to its reset (before, SIGXFSZ killed vmm: status 153,
#      no report, a terminal stdin left raw).
(ulimit -f 4 && exec timeout -s KILL "$LIMIT" "$VMM" --kernel "$PROBE" \
    --append "$BASE probe.then=flood probe.kib=8" </dev/null >"$work/fsz.out" 2>"$work/fsz.err")
rc=$?
lost=$(sed -n 's/^vmm: \([0-9]*\) bytes of console output discarded: stdout: File too large$/\1/p' "$work/fsz.err")
[ "$rc" -eq 0 ] && [ "${lost:-0}" -ge 4096 ]
check file-size-limit-says-what-it-discarded "$?" "status $rc (153: died by SIGXFSZ), stderr: $(head -c 300 "$work/fsz.err")"

# 4f. An O_NONBLOCK stdin (a parent that set it on a shared pipe, as node does): read() says
#     EAGAIN until a key comes; vmm waits for input instead of ending its input thread (before,
#     the 'q' typed once the probe was ready never reached it: killed at the limit).
mkfifo "$work/nb.keys"
perl -e 'use Fcntl; fcntl(STDIN, F_SETFL, fcntl(STDIN, F_GETFL, 0) | O_NONBLOCK) or die; exec @ARGV' \
    timeout -s KILL "$LIMIT" "$VMM" --kernel "$PROBE" --append "$BASE probe.then=echo" \
    <"$work/nb.keys" >"$work/nb.out" 2>"$work/nb.err" &
pid=$!
exec 7>"$work/nb.keys"
wait_for "$work/nb.out" "probe: echo ready"
printf q >&7
wait "$pid"
rc=$?
exec 7>&-
got=$(tr -d '\r' <"$work/nb.out" | sed -n 's/^probe: got //p' | tr '\n' ' ')
[ "$rc" -eq 0 ] && [ "$got" = "0x71 " ]
check nonblocking-stdin-reaches-the-guest "$?" "status $rc, the guest got: $got(want 0x71), stderr: $(head -c 200 "$work/nb.err")"

# 5. A reader that stops reading until the pipe is full and then 4 s more while the guest writes
#    96 KiB (more than the 64 KiB pipe): nothing lost, input still taken during the stall.
timeout -s KILL 600 python3 "$DIR/slow_reader.py" 96 4 "$VMM" --kernel "$PROBE" \
    --append "$BASE probe.then=flood probe.kib=96 probe.read=26" >"$work/slow.txt" 2>"$work/slow.err"
rc=$?
for finding in output-was-stalled input-taken-during-stall input-reached-guest flood-exact; do
    grep -q "^ok $finding" "$work/slow.txt"
    check "slow-reader-$finding" "$?" "$(grep "$finding" "$work/slow.txt" || tail -n 3 "$work/slow.err")"
done
[ "$rc" -eq 0 ]
check slow-reader-vmm-exits-0 "$?" "status $rc"

# 6. --timing: every phase stamped in order, the boot-done signal named, KVM's own exit counts,
#    exits by port; boot-done from the serial marker, Firecracker's boot timer (port and MMIO)
#    and the debug-exit port.
# timing_case NAME SIGNAL STATUS APPEND [VMM OPTIONS...]: vmm must exit STATUS; its report is
# checked with the others below (one Python start for all: each costs seconds nested).
timing_names=() timing_args=()
timing_case() {
    local name=$1 signal=$2 want=$3 append=$4
    shift 4
    run "$name" "$append" --timing=json "$@"
    tail -n 1 "$work/$name.err" >"$work/$name.json"
    echo "$rc $want" >"$work/$name.status"
    timing_names+=("$name")
    timing_args+=("$work/$name.json" "$signal")
}
timing_case marker serial-marker 0 "probe.then=reset" --timing-marker "probe: done"
timing_case boot-timer-port boot-timer-port-0x3f0 0 "probe.then=boot-timer-port"
timing_case boot-timer-mmio boot-timer-mmio-0xd0000000 0 "probe.then=boot-timer-mmio" \
    --boot=linux32 --paging=off
timing_case debug-exit debug-exit-port 64 "probe.then=debug-exit"
python3 "$DIR/check_timing.py" "${timing_args[@]}" >"$work/timing.check" 2>&1
for name in "${timing_names[@]}"; do
    read -r rc want <"$work/$name.status"
    line=$(grep -F "$work/$name.json: " "$work/timing.check")
    [ "${line##*: }" = ok ] && [ "$rc" -eq "$want" ]
    check "timing-$name" "$?" "status $rc (want $want): ${line:-no line from check_timing.py: $(head -c 200 "$work/timing.check")}"
done
# cloud-hypervisor's debug port: each code written to port 0x80 a timeline event, in order, with
# its range, between the first KVM_RUN and the exit; the text report names them too.
run debug-port "probe.then=debug-port" --timing=json
tail -n 1 "$work/debug-port.err" >"$work/debug-port.json"
python3 - "$work/debug-port.json" >"$work/debug-port.check" 2>&1 <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
codes = [(c["code"], c["range"]) for c in r["debug_port"]]
times = [c["ns"] for c in r["debug_port"]]
ph = r["phases_ns"]
ok = (codes == [(0x41, "kernel"), (0x42, "kernel"), (0x61, "userspace")] and r["debug_port_total"] == 3
      and times == sorted(times) and ph["first_kvm_run"] <= times[0] and times[-1] <= ph["exit"])
print("ok" if ok else f"codes {codes}, total {r['debug_port_total']}, at {times}, phases {ph}")
sys.exit(0 if ok else 1)
PY
check timing-debug-port "$?" "status $rc: $(cat "$work/debug-port.check")"
run debug-port-text "probe.then=debug-port" --timing
grep -q "^vmm: timing: debug port 0x61 (userspace) at [0-9.]* ms$" "$work/debug-port-text.err"
check timing-debug-port-text "$?" "$(grep 'debug port' "$work/debug-port-text.err" | head -n 3 | tr '\n' ' ')"

# 7. The CPU model (vmm/cpu_model.c) as the guest sees it: one logical processor with APIC ID 0,
#    no HTT, the hypervisor bit, TSC-deadline (KVM emulates it wherever it has an in-kernel
#    LAPIC), KVM's signature and paravirt clock and NOP_IO_DELAY, fast strings on and MTRRs on
#    with write-back as the default type.
run cpu-model "probe.then=cpu-model"
tr -d '\r' <"$work/cpu-model.out" | sed -n 's/^probe: \(cpuid\.[^ ]*\|msr\.[^ ]*\) \(0x[0-9a-f]*\)$/\1=\2/p' \
    | tr '.' '_' >"$work/cpu-model.vars"
cpu_check() { # cpu_check NAME ARITHMETIC-TEST: fails if the probe printed no value for a key in it
    local expr=$2 k v missing=""
    for k in $(grep -o '[a-z0-9_]*' <<<"$expr" | grep -E '^(cpuid|msr)_' | sort -u); do
        v=$(sed -n "s/^$k=//p" "$work/cpu-model.vars")
        [ -n "$v" ] || missing="$missing $k"
        expr=${expr//$k/$((${v:-0}))}
    done
    [ -z "$missing" ] && (( expr ))
    check "cpu-model-$1" "$?" "status $rc, $2${missing:+, no value for$missing} with $(tr '\n' ' ' <"$work/cpu-model.vars")"
}
cpu_check apic-id-0-one-logical '(cpuid_1_ebx >> 24) == 0 && ((cpuid_1_ebx >> 16) & 0xff) == 1'
cpu_check no-htt '(cpuid_1_edx & (1 << 28)) == 0'
cpu_check hypervisor-bit '(cpuid_1_ecx & (1 << 31)) != 0'
cpu_check tsc-deadline '(cpuid_1_ecx & (1 << 24)) != 0'
cpu_check kvm-signature 'cpuid_40000000_ebx == 0x4b4d564b && cpuid_40000000_ecx == 0x564b4d56 && cpuid_40000000_edx == 0x4d'
cpu_check kvm-clock-and-nop-io-delay '(cpuid_40000001_eax & 0x0100000b) == 0x0100000b && cpuid_40000001_edx == 0'
cpu_check misc-enable-fast-strings '(msr_1a0 & 1) == 1'
cpu_check mtrr-default-write-back 'msr_2ff == 0x806'
[ "$rc" -eq 0 ]
check cpu-model-probe-exits-0 "$?" "status $rc: $(tail -n 2 "$work/cpu-model.err")"

summary console
