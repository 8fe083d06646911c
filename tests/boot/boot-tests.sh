#!/bin/bash
# boot-tests.sh: boots Debian's kernel with the test initramfs in vmm on real KVM and checks what comes back.
# Run it where /dev/kvm works, normally through scripts/with-kvm (one nested L1 guest for all cases).
# Usage: tests/boot/boot-tests.sh VMM KERNEL INITRD VMLINUX
# (VMLINUX: KERNEL's payload as written by `vmm --extract-vmlinux`)
set -u
VMM=$1
KERNEL=$2
INITRD=$3
VMLINUX=$4
. "$(dirname "$0")/../lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
LIMIT=${BOOT_TEST_LIMIT:-240} # seconds: a hang fails the case instead of stalling CI
BASE="console=ttyS0 reboot=k panic=-1 $GUEST_IDLE"

# boot NAME APPEND [VMM OPTIONS...]: run vmm with stdin from /dev/null;
# output in $work/NAME.{out,err,txt}, status in rc.
boot() {
    local name=$1 append=$2
    shift 2
    timeout "$LIMIT" "$VMM" --kernel "$KERNEL" --initrd "$INITRD" \
        --append "$BASE $append" "$@" \
        </dev/null >"$work/$name.out" 2>"$work/$name.err"
    rc=$?
    tr -d '\r' <"$work/$name.out" >"$work/$name.txt"
}

# boots_to_userspace NAME: the marker is on stdout and vmm exited 0.
boots_to_userspace() {
    has "$1" "VMM-GUEST: userspace reached" && [ "$rc" -eq 0 ]
    check "$1" $? "exit status $rc, marker $(grep -c 'userspace reached' "$work/$1.txt")"
    [ "$rc" -eq 0 ] || show "$1"
}

has() {
    grep -qF -- "$2" "$work/$1.txt"
}

show() {
    echo "---- $1: last lines of stdout / stderr"
    show_text "$work/$1.txt" 15
    show_text "$work/$1.err" 25
}

# 1. Userspace reached (default entry: auto = 64-bit entry, long mode), then
#    guest `reboot -f` (i8042 reset) ends vmm with status 0.
boot reboot "guest.action=reboot"
has reboot "VMM-GUEST: userspace reached" && [ "$rc" -eq 0 ]
check userspace-marker $? "exit status $rc, marker $(grep -c 'userspace reached' "$work/reboot.txt")"
check guest-reboot-exits-0 "$rc" "vmm exit status $rc"
[ "$rc" -eq 0 ] && has reboot "VMM-GUEST: userspace reached" || show reboot

# 2. A command from the kernel command line runs and its output comes back.
boot cmd 'guest.cmd="echo vmm-cmd-$((6*7)); grep -c ^processor /proc/cpuinfo"'
has cmd "vmm-cmd-42" && has cmd "VMM-GUEST: cmd exit 0" && [ "$rc" -eq 0 ]
check command-output $? "exit status $rc, output $(grep -c vmm-cmd-42 "$work/cmd.txt") marker line(s)"
[ "$rc" -eq 0 ] || show cmd

# 3. Console input: stdin reaches the guest shell through the UART's receive interrupt.
interactive() {
    timeout "$LIMIT" "$(dirname "$0")/console-input.sh" "$VMM" "$KERNEL" "$INITRD" \
        "$BASE" "$LIMIT" </dev/null >"$work/shell.out" 2>"$work/shell.err"
    rc=$?
    tr -d '\r' <"$work/shell.out" >"$work/shell.txt"
}
interactive
has shell "typed-42" && [ "$rc" -eq 0 ]
check console-input $? "exit status $rc, typed command output $(grep -c typed-42 "$work/shell.txt") line(s)"
[ "$rc" -eq 0 ] || show shell

# 4. A triple fault (the kernel's reboot=t path) ends vmm with status 3 and a register dump.
boot triple "guest.action=reboot reboot=t"
[ "$rc" -eq 3 ] && grep -q "triple fault" "$work/triple.err" && grep -q "rip=0x" "$work/triple.err"
check triple-fault-exit-3 $? "exit status $rc, stderr: $(head -c 300 "$work/triple.err")"

# 5. Entry states: the 32-bit entry with paging off, explicitly.
boot linux32-off "guest.action=reboot" --boot=linux32 --paging=off
boots_to_userspace linux32-off

# 6. A dumped state, edited (data segments moved to a new GDT entry 0x28), loaded, boots.
"$VMM" --kernel "$KERNEL" --initrd "$INITRD" --dump-entry-state >"$work/state.txt"
sed -i -e 's/^\(ds\|es\|fs\|gs\|ss\)\.selector 0x18$/\1.selector 0x28/' \
    -e 's/^gdt\.limit 0x27$/gdt.limit 0x2f/' "$work/state.txt"
echo "gdt.5 0xcf93000000ffff" >>"$work/state.txt"
"$VMM" --kernel "$KERNEL" --initrd "$INITRD" --entry-state "$work/state.txt" --dump-entry-state \
    >"$work/state2.txt"
grep -q '^ss.selector 0x28$' "$work/state2.txt" && ! grep -q '^# violation' "$work/state2.txt"
check edited-state-is-valid $? "$(grep '^# violation' "$work/state2.txt" | head -3)"
boot edited-state "guest.action=reboot" --entry-state "$work/state.txt"
boots_to_userspace edited-state

# 7. A state KVM refuses (CR0.PG without PE) ends with status 6, naming the ioctl and errno.
"$VMM" --kernel "$KERNEL" --initrd "$INITRD" --boot=linux32 --paging=nonpae --dump-entry-state |
    sed 's/^cr0 .*/cr0 0x80000000/' >"$work/bad.txt"
boot kvm-refused "guest.action=reboot" --entry-state "$work/bad.txt" --no-validate
[ "$rc" -eq 6 ] && grep -q "KVM refused the entry state: KVM_SET_SREGS: .*(EINVAL)" "$work/kvm-refused.err"
check kvm-refused-state-exit-6 $? "exit status $rc, stderr: $(head -c 300 "$work/kvm-refused.err")"

# 8. The ELF boot paths, each to userspace with the initrd (the marker comes from it):
#    the bzImage's payload decompressed by vmm, entered at e_entry (64-bit) and via its
#    PVH note; the extracted vmlinux file as a plain ELF and as PVH.
boot payload-elf "guest.action=reboot" --boot=elf
boots_to_userspace payload-elf
boot payload-pvh "guest.action=reboot" --boot=pvh
boots_to_userspace payload-pvh
KERNEL=$VMLINUX boot vmlinux-elf "guest.action=reboot" --boot=elf
boots_to_userspace vmlinux-elf
KERNEL=$VMLINUX boot vmlinux-pvh "guest.action=reboot" --boot=pvh
boots_to_userspace vmlinux-pvh

# 9. Exit-code taxonomy, each from a real guest (all runs above had the seccomp filter on).
boot panic 'guest.cmd="echo c >/proc/sysrq-trigger"'
[ "$rc" -eq 7 ] && has panic "Kernel panic - not syncing" && grep -q "guest kernel panic" "$work/panic.err"
check guest-panic-exit-7 $? "exit status $rc, stderr: $(head -c 200 "$work/panic.err")"
boot debug-exit 'guest.cmd="printf \\005 | dd of=/dev/port bs=1 seek=244 2>/dev/null"'
[ "$rc" -eq 69 ]
check debug-exit-5-gives-69 $? "exit status $rc, stderr: $(head -c 200 "$work/debug-exit.err")"
boot timeout "guest.action=shell" --timeout 25
[ "$rc" -eq 8 ] && grep -q -- "--timeout reached" "$work/timeout.err" && grep -q "rip=0x" "$work/timeout.err"
check timeout-exit-8 $? "exit status $rc, stderr: $(head -c 200 "$work/timeout.err")"

# 10. seccomp: a forbidden system call after the filter is in place kills vmm with SIGSYS
#     (the test hook VMM_SECCOMP_SELFTEST; vmm's status is then 128 + 31).
VMM_SECCOMP_SELFTEST=1 boot seccomp "guest.action=reboot"
[ "$rc" -eq 159 ] && grep -q "seccomp: forbidden system call" "$work/seccomp.err"
check seccomp-sigsys $? "exit status $rc, stderr: $(head -c 200 "$work/seccomp.err")"
boot no-seccomp "guest.action=reboot" --no-seccomp
boots_to_userspace no-seccomp

# 11. Long mode with RAM above 4 GiB (8 GiB: the 1:1 map covers low RAM, e820 the rest).
boot long-8g "guest.action=reboot" --mem 8G
boots_to_userspace long-8g

summary boot
