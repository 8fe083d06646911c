#!/bin/bash
# la57-tests.sh: a guest with 5-level paging (CR4.LA57), as Debian's kernel runs on any CPU with
# LA57 (recent Intel and AMD servers): the profile places a randomised kernel through its 5-level
# tables and names its functions. Run it where the L1 CPU has LA57 (scripts/run-tests starts
# this lane's nested L1 with WITH_KVM_CPU=EPYC,+la57).
# Usage: tests/boot/la57-tests.sh VMM KERNEL INITRD
set -u
VMM=$1
KERNEL=$2
INITRD=$3
. "$(dirname "$0")/../lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
LIMIT=${BOOT_TEST_LIMIT:-240}
# KASLR on (no nokaslr): the profile finds the slide in the guest's own page tables.
APPEND="console=ttyS0 reboot=k panic=-1 quiet $GUEST_IDLE guest.cmd=\"grep -c -w la57 /proc/cpuinfo\""

timeout "$LIMIT" "$VMM" --kernel "$KERNEL" --initrd "$INITRD" --append "$APPEND" --no-payload-cache \
    --profile --symbols "$KERNEL" --profile-out "$work/p.folded" \
    </dev/null >"$work/out" 2>"$work/err"
rc=$?
# The kernel shows the la57 flag only while it runs on 5-level tables (it clears the flag
# otherwise): its decompressor switched to them because the CPU has LA57.
la57=$(tr -d '\r' <"$work/out" | grep -a -x '[0-9][0-9]*' | head -n 1)
if [ "$rc" -eq 0 ] && [ "$la57" = 0 ] && ! grep -qw la57 /proc/cpuinfo; then
    skip la57-guest-runs-5-level-paging "this CPU has no LA57 (under scripts/run-tests the lane's L1 gets EPYC,+la57)"
    skip la57-profile-names-kaslr-kernel-functions "no 5-level guest here"
    summary la57
    exit 0
fi
[ "$rc" -eq 0 ] && [ "$la57" = 1 ]
check la57-guest-runs-5-level-paging $? "status $rc, la57 in the guest's /proc/cpuinfo: '${la57}'"
# The profile's kernel samples by name, not by address: the slide came from the right tables
# (read as 4-level ones, a PML5 gave a slide, but a wrong one, and every sample stayed an
# address).
read -r named hex <<<"$(awk '$1 ~ /^kernel;/ { split($1, f, ";"); if (f[2] ~ /^0x/) h += $NF; else n += $NF }
    END { print n + 0, h + 0 }' "$work/p.folded" 2>/dev/null)"
[ "$rc" -eq 0 ] && grep -q 'KASLR slide 0x[0-9a-f]* (from the guest' "$work/err" &&
    [ $((named + hex)) -gt 0 ] && [ $((named * 10)) -ge $((9 * (named + hex))) ]
check la57-profile-names-kaslr-kernel-functions $? "status $rc, kernel samples named $named, by address $hex; $(grep -a -e 'KASLR' -e 'kernel stacks' "$work/err" | tr '\n' ' ')"
summary la57
