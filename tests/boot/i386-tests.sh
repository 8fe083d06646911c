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
# quiet: the checks read the marker and vmm's status, not boot messages (nested, printing them
# costs a boot seconds of emulated console code).
APPEND="console=ttyS0 reboot=k panic=-1 quiet $GUEST_IDLE guest.action=reboot"

# run NAME KERNEL LIMIT [VMM OPTIONS...]: status in rc, output in $work/NAME.{txt,err}.
run() {
    local name=$1 kernel=$2 limit=$3
    shift 3
    timeout "$limit" "$VMM" --kernel "$kernel" --initrd "$INITRD" --append "$APPEND" \
        --boot=linux32 "$@" </dev/null >"$work/$name.out" 2>"$work/$name.err"
    rc=$?
    tr -d '\r' <"$work/$name.out" >"$work/$name.txt"
}

# paging_of OPTIONS...: the entry state's paging as CR0.PG, CR4.PAE and CR4.PSE say it
# (--dump-entry-state of those options; the probe suite shows the CPU gets what the dump says):
# off, nonpae-4k, nonpae-4m or pae.
paging_of() {
    local dump cr0 cr4
    dump=$("$VMM" --kernel "$K686" --initrd "$INITRD" --append "$APPEND" --boot=linux32 "$@" \
        --dump-entry-state 2>/dev/null)
    cr0=$(sed -n 's/^cr0 \(0x[0-9a-f]*\).*/\1/p' <<<"$dump")
    cr4=$(sed -n 's/^cr4 \(0x[0-9a-f]*\).*/\1/p' <<<"$dump")
    if [ -z "$cr0" ] || [ -z "$cr4" ]; then echo "no-dump"
    elif (((cr0 & 0x80000000) == 0)); then echo off
    elif ((cr4 & 0x20)); then echo pae
    elif ((cr4 & 0x10)); then echo nonpae-4m
    else echo nonpae-4k
    fi
}

# userspace NAME [VMM OPTIONS...]: the 686 kernel to userspace; NAME's paging part (after
# "686-": paging-off, nonpae-4k, nonpae-4m, pae-tables) must be the entry state's.
userspace() {
    local name=$1 want got
    shift
    case $name in
    *paging-off*) want=off ;; *nonpae-4k*) want=nonpae-4k ;; *nonpae-4m*) want=nonpae-4m ;;
    *pae-tables*) want=pae ;; *) want=unknown ;;
    esac
    got=$(paging_of "$@")
    run "$name" "$K686" "$LIMIT" "$@"
    grep -q "VMM-GUEST: userspace reached" "$work/$name.txt" && [ "$rc" -eq 0 ] && [ "$got" = "$want" ]
    check "$name" $? "exit status $rc, paging $got (want $want); $(tail -n 3 "$work/$name.err" | tr '\n' ' ')"
    [ "$rc" -eq 0 ] || show_text "$work/$name.txt" 10
}

# The 686 kernel's payload, extracted once: the ELF32 vmlinux (its kallsyms for the profile
# below, and the elf32 cases further down).
"$VMM" --kernel "$K686" --extract-vmlinux "$work/vmlinux-686" >/dev/null 2>&1

# The non-PAE 686 kernel to userspace: paging off (the protocol), 1:1 non-PAE paging on.
# The first boot is also profiled with the kernel's own kallsyms (read from the stripped ELF32
# vmlinux): the kernel moved itself (KASLR), and a 32-bit kernel's slide is read from its IDT
# (vector 0: the divide-error handler), so its samples are named by function.
userspace 686-paging-off --paging=off --profile=100 --symbols "$work/vmlinux-686" \
    --profile-out "$work/686.folded"
named=$(grep -cE '^kernel;[A-Za-z_][A-Za-z0-9_.]* [0-9]+$' "$work/686.folded" 2>/dev/null)
grep -q 'KASLR slide 0x[0-9a-f]* (from the guest.s IDT)' "$work/686-paging-off.err" &&
    [ "${named:-0}" -gt 0 ]
check 686-profile-slide-from-idt $? "${named:-no} named kernel stacks; $(grep -m1 'KASLR\|kernel addresses' "$work/686-paging-off.err")"
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

# The 32-bit kernel proper, without its decompressor (elf32): the ELF32 i386 vmlinux at
# e_entry (startup_32, boot_params in ESI), from the bzImage's payload (--boot=elf, which names
# elf32 for a 32-bit payload) and from the extracted file (auto), with paging off and on.
elf32_userspace() {
    local name=$1 kernel=$2 boot
    shift 2
    boot=$("$VMM" --kernel "$kernel" --initrd "$INITRD" "$@" --dump-entry-state 2>&1 |
        sed -n 's/^boot //p')
    run "$name" "$kernel" "$LIMIT" "$@"
    grep -q "VMM-GUEST: userspace reached" "$work/$name.txt" && [ "$rc" -eq 0 ] && [ "$boot" = elf32 ]
    check "$name" $? "exit status $rc, entry state 'boot ${boot:-?}' (want elf32); $(tail -n 3 "$work/$name.err" | tr '\n' ' ')"
    [ "$rc" -eq 0 ] || show_text "$work/$name.txt" 10
}
elf32_userspace 686-elf32-payload "$K686" --boot=elf
elf32_userspace 686-elf32-vmlinux-nonpae "$work/vmlinux-686" --boot=auto --paging=nonpae

# 686-pae hangs early under nested (emulated) SVM with any VMM, QEMU microvm included
# (../shared/reference/nested-kvm.md); it runs only where /dev/kvm is real hardware.
if [ "${WITH_KVM_NESTED:-0}" = 1 ]; then
    skip 686pae-paging-off "686-pae hangs early under nested SVM with any VMM"
    skip 686pae-paging-pae "686-pae hangs early under nested SVM with any VMM"
    skip 686pae-pvh "686-pae cannot boot under nested SVM: by pvh it triple-faults at once (tried with vmm only)"
else
    for mode in off pae; do
        run "686pae-$mode" "$K686PAE" "$LIMIT" --paging="$mode"
        grep -q "VMM-GUEST: userspace reached" "$work/686pae-$mode.txt" && [ "$rc" -eq 0 ]
        check "686pae-paging-$mode" $? "exit status $rc"
    done
    # Its ELF32 payload's PVH note (CONFIG_PVH; 686 without PAE has none).
    run 686pae-pvh "$K686PAE" "$LIMIT" --boot=pvh
    grep -q "VMM-GUEST: userspace reached" "$work/686pae-pvh.txt" && [ "$rc" -eq 0 ]
    check 686pae-pvh $? "exit status $rc"
fi

summary i386
