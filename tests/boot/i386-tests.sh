#!/bin/bash
# i386-tests.sh: Debian's 32-bit kernels (686, 686-pae) with a 32-bit busybox initramfs in vmm,
# through the 32-bit entry in each paging mode. Run where /dev/kvm works (normally via with-kvm).
# Usage: tests/boot/i386-tests.sh VMM KERNEL_686 KERNEL_686PAE INITRD_I386
set -u
VMM=$1
K686=$2
K686PAE=$3
INITRD=$4
. "$(dirname "$0")/../lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
LIMIT=${BOOT_TEST_LIMIT:-240}
KVM=${KVM:-} # as in boot-tests.sh
OUTER=${OUTER_LIMIT:-$LIMIT}
APPEND="console=ttyS0 reboot=k panic=-1 $GUEST_IDLE guest.action=reboot"

# run NAME KERNEL LIMIT [VMM OPTIONS...]: status in rc, output in $work/NAME.{txt,err}.
run() {
    local name=$1 kernel=$2 limit=$3
    shift 3
    timeout "$OUTER" $KVM timeout "$limit" "$VMM" --kernel "$kernel" --initrd "$INITRD" --append "$APPEND" \
        --boot=linux32 "$@" </dev/null >"$work/$name.out" 2>"$work/$name.err"
    rc=$?
    tr -d '\r' <"$work/$name.out" >"$work/$name.txt"
}

userspace() {
    local name=$1
    shift
    run "$name" "$K686" "$LIMIT" "$@"
    grep -q "VMM-GUEST: userspace reached" "$work/$name.txt" && [ "$rc" -eq 0 ]
    check "$name" $? "exit status $rc; $(tail -n 3 "$work/$name.err" | tr '\n' ' ')"
}

# The non-PAE 686 kernel to userspace: paging off (the protocol), 1:1 non-PAE paging on.
userspace 686-paging-off --paging=off
userspace 686-nonpae-4k --paging=nonpae
userspace 686-nonpae-4m --paging=nonpae --large-pages

# 686 entered with PAE tables, the mismatch the protocol's PAE flag was meant to prevent:
# whatever the kernel does, vmm must end cleanly (a boot, or a guest-failure code with a
# register dump), never crash (status > 128) or hang (124).
run 686-pae-tables "$K686" "$LIMIT" --paging=pae
ended_cleanly=1
case $rc in
    0) grep -q "VMM-GUEST: userspace reached" "$work/686-pae-tables.txt" && ended_cleanly=0 ;;
    3|4|5) grep -q "rip=0x" "$work/686-pae-tables.err" && ended_cleanly=0 ;;
esac
check 686-pae-tables-ends-cleanly "$ended_cleanly" "exit status $rc"
echo "note: 686 with PAE tables ended with status $rc"

# 686-pae hangs early under nested (emulated) SVM with any VMM, QEMU microvm included
# (../shared/reference/nested-kvm.md); it runs only where /dev/kvm is real hardware.
if [ "${WITH_KVM_NESTED:-0}" = 1 ]; then
    skip 686pae-paging-off "686-pae hangs early under nested SVM with any VMM"
    skip 686pae-pae "686-pae hangs early under nested SVM with any VMM"
else
    for mode in off pae; do
        run "686pae-$mode" "$K686PAE" "$LIMIT" --paging="$mode"
        grep -q "VMM-GUEST: userspace reached" "$work/686pae-$mode.txt" && [ "$rc" -eq 0 ]
        check "686pae-paging-$mode" $? "exit status $rc"
    done
fi

summary i386
