#!/bin/bash
# hostile-tests.sh: a hostile guest (tests/hostile/hostile.c) pokes every I/O port, random MMIO
# and the UART and floods the console; vmm must neither crash nor hang, must end with status 0
# when the guest finally resets, must keep its memory bounded and must restore the terminal.
# Usage: tests/boot/hostile-tests.sh VMM KERNEL INITRD HOSTILE
# (scripts/run-tests gives Debian's kernel as its extracted vmlinux: the guest's abuse, not its
# boot path, is the subject)
set -u
VMM=$1
KERNEL=$2
INITRD=$3
HOSTILE=$4
. "$(dirname "$0")/../lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
MEM_MIB=256
SLACK_MIB=64 # vmm's own memory beyond guest RAM

# The test initramfs plus a second cpio archive holding /hostile (the kernel unpacks both).
mkdir "$work/extra"
cp "$HOSTILE" "$work/extra/hostile"
(cd "$work/extra" && echo hostile | cpio -o -H newc -R 0:0 --quiet) | gzip >"$work/extra.cpio.gz"
cat "$INITRD" "$work/extra.cpio.gz" >"$work/initrd"

# Inside a pseudo-terminal (script): terminal settings before and after, vmm's peak RSS.
cat >"$work/run.sh" <<INNER
stty -g >"$work/stty.before"
exec 5<&0 # a background job's stdin would be /dev/null: give vmm the pty itself
"$VMM" --kernel "$KERNEL" --initrd "$work/initrd" --mem ${MEM_MIB}M --timeout 600 \\
    --append "console=ttyS0 reboot=k panic=-1 loglevel=1 $GUEST_IDLE guest.cmd=/hostile" <&5 >"$work/out" 2>"$work/err" &
pid=\$!
[ -t 5 ] && echo "isatty 1" >"$work/tty" # vmm really got a terminal (and set it raw)
while kill -0 \$pid 2>/dev/null; do
    grep VmHWM /proc/\$pid/status >"$work/hwm.tmp" 2>/dev/null && mv "$work/hwm.tmp" "$work/hwm"
    sleep 0.5
done
wait \$pid
echo \$? >"$work/rc"
stty -g >"$work/stty.after"
INNER
timeout 900 script -qec "bash $work/run.sh" /dev/null </dev/null >/dev/null 2>&1
rc=$(cat "$work/rc" 2>/dev/null || echo none)

[ "$rc" = 0 ]
check hostile-guest-exit-0 $? "exit status $rc, stderr: $(head -c 300 "$work/err")"
# The guest maps 2000 random pages of the MMIO hole through /dev/mem; a guest that mapped none
# (no /dev/mem, a refused mmap) would have poked nothing: at least half must have been poked.
pages=$(tr -d '\0' <"$work/out" | sed -n 's/.*HOSTILE: ports, uart and \([0-9]*\) mmio pages done.*/\1/p' | head -n 1)
[ "${pages:-0}" -ge 1000 ]
# (Seen once in 30-odd runs: exit 0 after 69 s with no such line, the console garbled by the
# UART abuse; vmm's last stderr lines say which reset ended it.)
check hostile-guest-finished $? "${pages:-no} mmio pages poked (want >= 1000 of 2000); last output: $(tail -c 200 "$work/out" | tr -d '\0' | tr '\n' ' '); vmm's stderr ends: $(tail -n 3 "$work/err" | tr '\n' ' ')"
# The flood: 2048 lines of 127 letters, line k all 'A' + k % 26 (the guest tty adds \r). Every
# one must arrive whole and in order. loglevel=1 keeps kernel messages from splitting a line
# (seen once: a printk in the middle of the flood cut one line in two).
flood=$(tr -d '\r' <"$work/out" | awk '
    /HOSTILE: start/ { on = 1; next }
    on && /^[A-Z]+$/ && length($0) == 127 {
        want = sprintf("%c", 65 + n % 26)
        if (substr($0, 1, 1) == want && $0 ~ ("^" want "+$")) n++
        else { bad++ }
    }
    END { print n + 0, bad + 0 }')
[ "$(grep -ac 'HOSTILE: start' "$work/out")" -eq 1 ] && [ "$flood" = "2048 0" ]
check console-flood-exact $? "flood lines in order / out of order: $flood (want 2048 0), $(wc -c <"$work/out") bytes of output"
grep -q "isatty 1" "$work/tty" && cmp -s "$work/stty.before" "$work/stty.after"
check terminal-restored $? "stty before '$(cat "$work/stty.before")' after '$(cat "$work/stty.after")'"
hwm_kib=$(awk '{print $2}' "$work/hwm" 2>/dev/null || echo 0)
# Only meaningful for a run that went the whole way.
[ "$rc" = 0 ] && [ "$hwm_kib" -gt 0 ] && [ "$hwm_kib" -lt $(((MEM_MIB + SLACK_MIB) * 1024)) ]
check memory-bounded $? "exit status $rc, peak RSS ${hwm_kib} KiB, limit $(((MEM_MIB + SLACK_MIB) * 1024)) KiB"
echo "hostile: vmm peak RSS ${hwm_kib} KiB with ${MEM_MIB} MiB of guest RAM"
echo "hostile: guest $(tr -d '\0\r' <"$work/out" | grep -a -m1 '^HOSTILE: ms:' || echo 'gave no step times')"

summary hostile
