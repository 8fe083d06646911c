#!/bin/bash
# kvm-suites.sh: every suite that needs real KVM, run in one go (one nested L1 boot under with-kvm).
# Usage: tests/boot/kvm-suites.sh VMM PROBE KERNEL INITRD VMLINUX K686 K686PAE INITRD_I386 HOSTILE
set -u
VMM=$1
PROBE=$2
KERNEL=$3
INITRD=$4
VMLINUX=$5
K686=$6
K686PAE=$7
INITRD_I386=$8
HOSTILE=$9
dir=$(dirname "$0")
status=0
"$dir/boot-tests.sh" "$VMM" "$KERNEL" "$INITRD" "$VMLINUX" || status=1
"$dir/probe-tests.sh" "$VMM" "$PROBE" || status=1
"$dir/i386-tests.sh" "$VMM" "$K686" "$K686PAE" "$INITRD_I386" || status=1
"$dir/hostile-tests.sh" "$VMM" "$KERNEL" "$INITRD" "$HOSTILE" || status=1
exit "$status"
