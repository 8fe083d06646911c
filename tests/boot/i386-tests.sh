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
APPEND="console=ttyS0 reboot=k panic=-1 $GUEST_IDLE guest.action=reboot"

# run NAME KERNEL LIMIT [VMM OPTIONS...]: status in rc, output in $work/NAME.{txt,err}.
run() {
    local name=$1 kernel=$2 limit=$3
    shift 3
    timeout "$limit" "$VMM" --kernel "$kernel" --initrd "$INITRD" --append "$APPEND" \
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
    [ "$rc" -eq 0 ] || show_text "$work/$name.txt" 10
}

# The non-PAE 686 kernel to userspace: paging off (the protocol), 1:1 non-PAE paging on.
userspace 686-paging-off --paging=off
userspace 686-nonpae-4k --paging=nonpae
userspace 686-nonpae-4m --paging=nonpae --large-pages

# 686 entered with PAE tables, the mismatch the protocol's PAE flag was meant to prevent: the
# non-PAE kernel's head_32.S turns paging off before it builds its own tables, so it boots.
userspace 686-pae-tables-boots-to-userspace --paging=pae

# Big RAM in every 32-bit paging mode: 1 GiB (past the 896 MiB lowmem line) and 3 GiB; at
# 512 MiB only non-PAE 4 KiB, whose tables move above 1 MiB beyond 432 MiB (4 MiB pages and
# PAE tables have no line there; I386_ALL_SIZES=1 runs them at 512 MiB too).
userspace "686-nonpae-4k-512M" --paging=nonpae --mem 512M
for mem in ${I386_ALL_SIZES:+512M} 1G 3G; do
    [ "$mem" = 512M ] || userspace "686-nonpae-4k-$mem" --paging=nonpae --mem "$mem"
    userspace "686-nonpae-4m-$mem" --paging=nonpae --large-pages --mem "$mem"
    userspace "686-pae-tables-$mem" --paging=pae --mem "$mem"
done

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
