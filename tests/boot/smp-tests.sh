#!/bin/bash
# smp-tests.sh: several vCPUs and the ACPI machine on Debian's kernel: power-off and reset through
# ACPI end vmm with status 0, an AP's triple fault or i8042 reset ends the VM with that vCPU's
# registers, a stalled stdout stalls no vCPU's device exit, input or SIGTERM, and --no-acpi keeps
# the machine without tables. Run where /dev/kvm works (scripts/with-kvm).
# Usage: tests/boot/smp-tests.sh VMM KERNEL INITRD
# (scripts/run-tests gives Debian's kernel as its extracted vmlinux: vCPUs, ACPI and the console
# are the same on every boot path, and nested the bzImage's XZ decompressor would cost each of the
# six boots about 3 s more; the boot suite boots the bzImage with several vCPUs)
set -u
VMM=$1
KERNEL=$2
INITRD=$3
. "$(dirname "$0")/../lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
LIMIT=${BOOT_TEST_LIMIT:-240} # seconds: a hang fails the case instead of stalling CI
# No reboot=k here: Linux then resets through the FADT's reset register first (reboot_type ACPI).
# quiet: the checks ask the guest (sysfs, procfs), not its boot messages; fewer console exits.
BASE="console=ttyS0 panic=-1 quiet $GUEST_IDLE"

# boot NAME APPEND [VMM OPTIONS...]: output in $work/NAME.{txt,err}, status in rc.
boot() {
    local name=$1 append=$2
    shift 2
    timeout "$LIMIT" "$VMM" --kernel "$KERNEL" --initrd "$INITRD" --no-payload-cache \
        --append "$BASE $append" "$@" </dev/null 2>"$work/$name.err" | tr -d '\r' >"$work/$name.txt"
    rc=${PIPESTATUS[0]}
}

has() {
    grep -qE -- "$2" "$work/$1.txt"
}

show() {
    echo "---- $1: last lines of stdout / stderr"
    show_text "$work/$1.txt" 15
    show_text "$work/$1.err" 25
}

# 1. SMP_CPUS vCPUs (32: the largest count this suite's budget holds nested, README "Several
#    vCPUs and ACPI") online, each with its own APIC ID (0..N-1, as CPUID and the MADT say), then
#    `poweroff -f`: ACPI S5 through the PM1a control block, status 0. While the guest sleeps,
#    every thread of vmm (a vCPU thread each) is under the seccomp filter.
N=${SMP_CPUS:-32}
timeout "$LIMIT" "$VMM" --kernel "$KERNEL" --initrd "$INITRD" --no-payload-cache --cpus "$N" -v \
    --append "$BASE guest.cmd=\"sleep 4; cat /sys/devices/system/cpu/online; grep ^apicid /proc/cpuinfo\" guest.action=poweroff" \
    </dev/null >"$work/poweroff.out" 2>"$work/poweroff.err" &
pid=$!
for _ in $(seq "$LIMIT"); do
    grep -q "VMM-GUEST: userspace reached" "$work/poweroff.out" && break
    sleep 1
done
vmm_pid=$(cat "/proc/$pid/task/$pid/children" 2>/dev/null | cut -d' ' -f1)
grep -h "^Seccomp:" /proc/"${vmm_pid:-none}"/task/*/status >"$work/seccomp" 2>/dev/null
[ "$(grep -c . "$work/seccomp")" -ge "$N" ] && ! grep -qv "^Seccomp:[[:space:]]*2$" "$work/seccomp"
check every-thread-under-seccomp $? "vmm pid ${vmm_pid:-?}: $(sort "$work/seccomp" | uniq -c | tr '\n' ' ')"
wait "$pid"
rc=$?
tr -d '\r' <"$work/poweroff.out" >"$work/poweroff.txt"
has poweroff "^0-$((N - 1))$"
check "$N-cpus-online" $? "$(grep -E '^[0-9-]+$' "$work/poweroff.txt" | tr '\n' ' ')"
ids=$(sed -n 's/^apicid[[:space:]]*: //p' "$work/poweroff.txt" | sort -n | tr '\n' ' ')
[ "$ids" = "$(seq 0 $((N - 1)) | tr '\n' ' ')" ]
check "$N-cpus-apic-ids-0-to-$((N - 1))" $? "the guest's apicid lines: ${ids:-none}"
[ "$rc" -eq 0 ] && grep -q "^vmm: guest powered off (ACPI S5)" "$work/poweroff.err"
check poweroff-exits-0 $? "exit status $rc, stderr: $(tail -n 3 "$work/poweroff.err" | tr '\n' ' ')"
[ "$rc" -eq 0 ] || show poweroff

# 2. 2 vCPUs, `reboot -f` without reboot=k: the FADT's reset register (0xcf9), status 0.
#    With --timing=json: KVM's counters of both vCPUs are read at the end, under the filter.
boot reboot 'guest.cmd="cat /sys/devices/system/cpu/online; ls /sys/firmware/acpi/tables/APIC"' --cpus 2 -v \
    --timing=json
has reboot "^0-1$" && has reboot "^/sys/firmware/acpi/tables/APIC$"
check two-cpus-online $? "$(grep -E '^[0-9-]+$|APIC' "$work/reboot.txt" | tr '\n' ' ')"
[ "$rc" -eq 0 ] && grep -q "^vmm: guest reset through the ACPI reset register" "$work/reboot.err"
check acpi-reset-exits-0 $? "exit status $rc, stderr: $(tail -n 3 "$work/reboot.err" | tr '\n' ' ')"
grep -qE '^\{"vmm_timing":1,.*"kvm_stats":\{[^}]*"exits":[1-9]' "$work/reboot.err"
check timing-json-with-2-vcpus $? "$(grep -E '^\{' "$work/reboot.err" | head -c 300)"
[ "$rc" -eq 0 ] || show reboot

# 3. A panic on CPU 1 with reboot=t: that CPU triple-faults; the VM ends with status 3 and
#    vCPU 1's registers, whatever the boot CPU was doing.
boot ap-triple "reboot=t guest.cmd=\"taskset -c 1 sh -c 'echo c >/proc/sysrq-trigger'\"" --cpus 2
[ "$rc" -eq 3 ] && grep -q "triple fault" "$work/ap-triple.err" &&
    grep -q "^vmm: vCPU 1 state:" "$work/ap-triple.err"
check ap-triple-fault-dumps-vcpu-1 $? "exit status $rc, stderr: $(grep -E 'vmm:' "$work/ap-triple.err" | head -3 | tr '\n' ' ')"
[ "$rc" -eq 3 ] || show ap-triple
# ... and only that vCPU's: the boot CPU, which reports the end, is not the one that failed.
! grep -q "^vmm: vCPU 0 state:" "$work/ap-triple.err"
check ap-triple-fault-dumps-only-vcpu-1 $? "$(grep -c '^vmm: vCPU . state:' "$work/ap-triple.err") register dumps"

# --timeout ends a run no vCPU caused: every vCPU's registers (where is each one?), here 3 s
# into a boot with 2 vCPUs.
boot timeout-2 "" --cpus 2 --timeout 3
[ "$rc" -eq 8 ] && grep -q "^vmm: vCPU 0 state:" "$work/timeout-2.err" &&
    grep -q "^vmm: vCPU 1 state:" "$work/timeout-2.err"
check timeout-dumps-every-vcpu $? "exit status $rc, $(grep -c '^vmm: vCPU . state:' "$work/timeout-2.err") register dumps"

# 4. A panic on CPU 1 with reboot=k: that CPU resets through the i8042 (a device, not a triple
#    fault); the VM ends with status 7 and vCPU 1's registers, not those of the next vCPU to leave
#    KVM_RUN (the boot CPU, kicked to report the end).
boot ap-reset "reboot=k guest.cmd=\"taskset -c 1 sh -c 'echo c >/proc/sysrq-trigger'\"" --cpus 2
[ "$rc" -eq 7 ] && grep -q "^vmm: guest kernel panic" "$work/ap-reset.err" &&
    grep -q "^vmm: vCPU 1 state:" "$work/ap-reset.err"
check ap-device-reset-dumps-vcpu-1 $? "exit status $rc, stderr: $(grep -E 'vmm:' "$work/ap-reset.err" | head -3 | tr '\n' ' ')"
[ "$rc" -eq 7 ] || show ap-reset

# 5. A stdout nobody reads, 2 vCPUs, the flood on CPU 1 (the writer and the UART's interrupt, so
#    CPU 1's exits carry the bytes): typed bytes are still taken, SIGTERM ends vmm with 143 within
#    5 s while the pipe stays full, and what comes out plus what vmm says it did not write is
#    every byte the guest wrote, the flood in order (tests/boot/stalled_stop.py).
STALL_CMD="echo 2 >/proc/irq/4/smp_affinity; taskset -c 1 sh -c 'echo flood-start; seq 1 1000000'"
timeout -s KILL "$LIMIT" python3 "$(dirname "$0")/stalled_stop.py" 150 "$VMM" --kernel "$KERNEL" \
    --initrd "$INITRD" --no-payload-cache --cpus 2 --timing=json \
    --append "$BASE guest.cmd=\"$STALL_CMD\"" >"$work/stall.txt" 2>"$work/stall.err"
for finding in output-stalled-in-flood input-taken-during-stall sigterm-ends-promptly sigterm-exits-143 \
    no-accepted-byte-lost flood-without-gaps; do
    grep -q "^ok $finding" "$work/stall.txt"
    check "stalled-stdout-$finding" $? "$(grep -E "$finding" "$work/stall.txt" || tail -n 3 "$work/stall.err")"
done
grep "^info" "$work/stall.txt"

# 6. --no-acpi: no tables (the kernel has none in /sys/firmware/acpi/tables), one CPU, the
#    i8042 reset still works. The reboot case above had them (its MADT, "APIC").
boot no-acpi 'reboot=k guest.cmd="grep -c ^processor /proc/cpuinfo; ls /sys/firmware/acpi/tables/APIC || echo no-madt"' --no-acpi
has no-acpi "VMM-GUEST: cmd exit 0" && has no-acpi "^1$" && has no-acpi "^no-madt$" && [ "$rc" -eq 0 ]
check no-acpi-boots $? "exit status $rc, $(grep -E 'madt|APIC|^[0-9]+$' "$work/no-acpi.txt" | head -3 | tr '\n' ' ')"
[ "$rc" -eq 0 ] || show no-acpi

summary smp
