#!/bin/bash
# console-input.sh: boot vmm with the guest shell on the console, wait for the userspace marker,
# type a command, show the serial port's line of /proc/interrupts (which interrupt controller
# delivers its IRQ), and `reboot -f`; prints vmm's stdout/stderr and exits with vmm's status.
# Usage: tests/boot/console-input.sh VMM KERNEL INITRD APPEND LIMIT [VMM OPTIONS...]
# (run where KVM works)
set -u
VMM=$1
KERNEL=$2
INITRD=$3
APPEND=$4
LIMIT=$5
shift 5
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkfifo "$work/in"
timeout "$LIMIT" "$VMM" --kernel "$KERNEL" --initrd "$INITRD" \
    --append "$APPEND guest.action=shell" "$@" <"$work/in" >"$work/out" 2>"$work/err" &
pid=$!
exec 4>"$work/in"
for _ in $(seq "$LIMIT"); do
    grep -q "VMM-GUEST: userspace reached" "$work/out" && break
    sleep 1
done
printf 'echo typed-$((40+2))\n' >&4
printf 'grep ttyS /proc/interrupts\n' >&4
sleep 2
printf 'reboot -f\n' >&4
wait "$pid"
rc=$?
exec 4>&-
cat "$work/out"
cat "$work/err" >&2
exit "$rc"
