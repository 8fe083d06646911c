#!/bin/bash
# smp-tests.sh: several vCPUs and the ACPI machine on Debian's kernel: power-off and reset through
# ACPI end vmm with status 0, an AP's triple fault ends the VM with that vCPU's registers, and
# --no-acpi keeps the machine without tables. Run where /dev/kvm works (scripts/with-kvm).
# Usage: tests/boot/smp-tests.sh VMM KERNEL INITRD
set -u
VMM=$1
KERNEL=$2
INITRD=$3
. "$(dirname "$0")/../lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
LIMIT=${BOOT_TEST_LIMIT:-240} # seconds: a hang fails the case instead of stalling CI
# No reboot=k here: Linux then resets through the FADT's reset register first (reboot_type ACPI).
BASE="console=ttyS0 panic=-1 $GUEST_IDLE"

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

# 1. 4 vCPUs online, then `poweroff -f`: ACPI S5 through the PM1a control block, status 0.
boot poweroff 'guest.cmd="cat /sys/devices/system/cpu/online" guest.action=poweroff' --cpus 4 -v
has poweroff "^0-3$" && has poweroff "smp: Brought up 1 node, 4 CPUs"
check four-cpus-online $? "$(grep -E '^[0-9-]+$|Brought up' "$work/poweroff.txt" | tr '\n' ' ')"
[ "$rc" -eq 0 ] && grep -q "^vmm: guest powered off (ACPI S5)" "$work/poweroff.err"
check poweroff-exits-0 $? "exit status $rc, stderr: $(tail -n 3 "$work/poweroff.err" | tr '\n' ' ')"
[ "$rc" -eq 0 ] || show poweroff

# 2. 2 vCPUs, `reboot -f` without reboot=k: the FADT's reset register (0xcf9), status 0.
boot reboot 'guest.cmd="cat /sys/devices/system/cpu/online"' --cpus 2 -v
has reboot "^0-1$"
check two-cpus-online $? "$(grep -E '^[0-9-]+$' "$work/reboot.txt" | tr '\n' ' ')"
[ "$rc" -eq 0 ] && grep -q "^vmm: guest reset through the ACPI reset register" "$work/reboot.err"
check acpi-reset-exits-0 $? "exit status $rc, stderr: $(tail -n 3 "$work/reboot.err" | tr '\n' ' ')"
[ "$rc" -eq 0 ] || show reboot

# 3. A panic on CPU 1 with reboot=t: that CPU triple-faults; the VM ends with status 3 and
#    vCPU 1's registers, whatever the boot CPU was doing.
boot ap-triple "reboot=t guest.cmd=\"taskset -c 1 sh -c 'echo c >/proc/sysrq-trigger'\"" --cpus 2
[ "$rc" -eq 3 ] && grep -q "triple fault" "$work/ap-triple.err" &&
    grep -q "^vmm: vCPU 1 state:" "$work/ap-triple.err"
check ap-triple-fault-dumps-vcpu-1 $? "exit status $rc, stderr: $(grep -E 'vmm:' "$work/ap-triple.err" | head -3 | tr '\n' ' ')"
[ "$rc" -eq 3 ] || show ap-triple

# 4. --no-acpi: no tables (the kernel finds no RSDP), one CPU, the i8042 reset still works.
boot no-acpi 'reboot=k guest.cmd="grep -c ^processor /proc/cpuinfo"' --no-acpi
has no-acpi "VMM-GUEST: cmd exit 0" && has no-acpi "^1$" && ! has no-acpi "ACPI: RSDP" && [ "$rc" -eq 0 ]
check no-acpi-boots $? "exit status $rc, $(grep -E 'ACPI: RSDP|^[0-9]+$' "$work/no-acpi.txt" | head -3 | tr '\n' ' ')"
[ "$rc" -eq 0 ] || show no-acpi

summary smp
