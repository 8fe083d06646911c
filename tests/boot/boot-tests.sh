#!/bin/bash
# boot-tests.sh: boots Debian's kernel with the test initramfs in vmm on real KVM and checks what comes back.
# Run it where /dev/kvm works, normally through scripts/with-kvm (one nested L1 guest for all cases).
# Usage: tests/boot/boot-tests.sh VMM KERNEL INITRD VMLINUX [MINIMAL MINIMAL_VMLINUX [CLOUD CLOUD_VMLINUX [NEWER [MEMTEST]]]]
# (VMLINUX: KERNEL's payload as written by `vmm --extract-vmlinux`; MINIMAL: the kernel
# scripts/build-minimal-kernel built, and its vmlinux, empty where not built (those cases then
# do not run); CLOUD: Debian's cloud-amd64 kernel and its vmlinux (run-tests always gives them;
# without them their six cases are skips that say so); NEWER: a kernel of a newer series,
# Debian's 6.12 (scripts/fetch-kernel amd64-6.12), empty where this machine's apt sources have
# none (its four cases are then skips that say so); MEMTEST: Debian's memtest86+ 64-bit image,
# /boot/memtest86+x64.bin, a guest that is not Linux (its case is a skip that says so without it))
set -u
VMM=$1
KERNEL=$2
INITRD=$3
VMLINUX=$4
MINIMAL=${5:-}
MINIMAL_VMLINUX=${6:-}
CLOUD=${7:-}
CLOUD_VMLINUX=${8:-}
NEWER=${9:-}
MEMTEST=${10:-}
. "$(dirname "$0")/../lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
LIMIT=${BOOT_TEST_LIMIT:-240} # seconds: a hang fails the case instead of stalling CI
BASE="console=ttyS0 reboot=k panic=-1 $GUEST_IDLE"
# Most cases boot `quiet`: their checks read vmm's status, stderr and what the guest's commands
# print, not the kernel's boot messages, which nested cost a Debian boot about 4 s of its 8-13 s
# (the guest's console code, emulated). Case 1 boots without it (the console path under a full
# boot's output, batching) and the timeout case too.
QUIET="$BASE quiet"
# Cases whose subject is what vmm does with a running guest (exit codes, seccomp, RAM size), not
# how the kernel gets in, boot the same kernel's extracted vmlinux (ELF entry, `elf`): nested,
# the bzImage's own XZ decompressor costs a boot about 3 s of its 6 (measured 2026-12-06,
# `quiet`: 6.1 s against 3.0 s), and the boot-path cases below keep the bzImage.
# What sees_cpus reads, from the guest's kernel log (printed by the command, quiet or not).
CPU_LOG='guest.cmd="dmesg | grep -e RSDP -e Brought"'

# boot NAME APPEND [VMM OPTIONS...]: run vmm with stdin from /dev/null, the command line
# $QUIET (or $BOOT_BASE) and APPEND;
# output in $work/NAME.{out,err,txt}, status in rc. Without a --payload-cache option the run
# gets --no-payload-cache: the tests neither read nor fill the user's payload cache.
boot() {
    local name=$1 append=$2 cache=(--no-payload-cache)
    shift 2
    [[ " $* " == *" --payload-cache "* ]] && cache=()
    timeout "$LIMIT" "$VMM" --kernel "$KERNEL" --initrd "$INITRD" \
        --append "${BOOT_BASE:-$QUIET} $append" "${cache[@]}" "$@" \
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

# sees_cpus NAME N: the kernel found vmm's RSDP at 0xe0000 (ACPI tables, vmm/acpi_place.c) and
# brought up N CPUs (MADT: one local APIC per vCPU; the others started by INIT/SIPI), as its
# kernel log says: on the console (case 1) or printed by the boot's command $CPU_LOG.
sees_cpus() {
    local want="smp: Brought up 1 node, $2 CPU"
    [ "$2" -gt 1 ] && want="${want}s"
    has "$1" "ACPI: RSDP 0x00000000000E0000" && has "$1" "$want"
    check "$1-sees-$2-cpus" $? "$(grep -E 'ACPI: RSDP|smp: Brought up' "$work/$1.txt" | tr '\n' ' ')"
}

# 1. Userspace reached (default entry: auto = 64-bit entry, long mode), then
#    guest `reboot -f` (i8042 reset) ends vmm with status 0.
#    The same boot carries --timing=json: on Debian's kernel every phase is stamped in order,
#    the marker is the boot-done signal, and the console output (kernel messages, not quiet)
#    went out in batches (vmm/console/output.c): every byte, in fewer write()s than half the bytes.
BOOT_BASE=$BASE boot reboot "guest.action=reboot" --timing=json --timing-marker "VMM-GUEST: userspace reached"
has reboot "VMM-GUEST: userspace reached" && [ "$rc" -eq 0 ]
check userspace-marker $? "exit status $rc, marker $(grep -c 'userspace reached' "$work/reboot.txt")"
check guest-reboot-exits-0 "$rc" "vmm exit status $rc"
[ "$rc" -eq 0 ] && has reboot "VMM-GUEST: userspace reached" || show reboot
tail -n 1 "$work/reboot.err" >"$work/reboot.json"
python3 "$(dirname "$0")/check_timing.py" "$work/reboot.json" serial-marker >"$work/reboot.check" 2>&1
check timing-debian-kernel $? "$(cat "$work/reboot.check")"
python3 - "$work/reboot.json" "$(wc -c <"$work/reboot.out")" >"$work/reboot.batch" 2>&1 <<'PY'
import json, sys
out = json.load(open(sys.argv[1])).get("console_out", {})
b, w, n = out.get("bytes", -1), out.get("writes", -1), int(sys.argv[2])
print(f"{b} bytes in {w} writes, {n} bytes on stdout, {out.get('queued', -1)} port writes queued")
sys.exit(0 if b == n and b >= 1000 and 0 < 2 * w <= b else 1)
PY
check console-output-batched $? "$(cat "$work/reboot.batch")"
# ... and KVM queued the transmit writes without exits (README "Serial writes without
# exits"): every console byte but a few written before the port's setup (the divisor).
python3 -c 'import json, sys; o = json.load(open(sys.argv[1]))["console_out"]
sys.exit(not o["bytes"] <= o["queued"] <= o["bytes"] + 16)' "$work/reboot.json"
check serial-writes-queued-without-exits $? "$(cat "$work/reboot.batch")"
sees_cpus reboot 1

# 2. A command from the kernel command line runs and its output comes back. The same boot
#    shows the RTC (devices/rtc_cmos.c): Linux's rtc_cmos driver registers it (no "broken or
#    not accessible"), and the RTC and the system clock it set agree with the host's clock.
t0=$(date +%s)
boot cmd 'guest.cmd="echo vmm-cmd-$((6*7)); grep -c ^processor /proc/cpuinfo; echo rtc-epoch=$(cat /sys/class/rtc/rtc0/since_epoch); echo sys-epoch=$(date +%s); dmesg | grep rtc_cmos"' \
    --profile=100 --profile-out "$work/cmd.folded" --trace "$work/cmd.trace.json" \
    --symbols "$VMLINUX"
t1=$(date +%s)
# The same boot is profiled (README "Profiling a boot"; at 100 Hz: each sample is an exit of
# the nested guest, and the check asserts samples, not a rate): samples in the kernel's phase, a
# non-empty folded file, and a trace that parses as JSON with slices, counters and console lines.
nsamples=$(sed -n 's/^vmm: profile: \([0-9][0-9]*\) samples at.*/\1/p' "$work/cmd.err")
[ "${nsamples:-0}" -gt 0 ] && [ -s "$work/cmd.folded" ] && grep -q '^kernel;' "$work/cmd.folded"
check profile-debian-kernel $? "samples ${nsamples:-none}, folded $(wc -l <"$work/cmd.folded" 2>/dev/null) lines"
# Its symbols are the kernel's own kallsyms, read from the stripped vmlinux (no System.map, no
# guest boot); with KASLR on, the slide comes from the guest's page tables: kernel samples are
# named by function, not in hex.
named=$(grep -cE '^kernel;[A-Za-z_][A-Za-z0-9_.]* [0-9]+$' "$work/cmd.folded")
grep -q 'KASLR slide 0x[0-9a-f]* (from the guest' "$work/cmd.err" && [ "$named" -gt 0 ]
check profile-names-kernel-functions-from-kallsyms $? "$named named kernel stacks; $(grep -m1 'KASLR\|nokaslr' "$work/cmd.err")"
python3 - "$work/cmd.trace.json" >"$work/cmd.trace.check" 2>&1 <<'PY'
import json, sys
ev = json.load(open(sys.argv[1]))["traceEvents"]
ph = {e["ph"] for e in ev}
assert {"X", "C", "i", "M"} <= ph, ph
assert any(e.get("cat") == "console" for e in ev), "no console lines"
assert any(e.get("name") == "kernel" and e["ph"] == "X" for e in ev), "no kernel slice"
PY
check trace-debian-kernel $? "$(tail -n 1 "$work/cmd.trace.check")"
has cmd "vmm-cmd-42" && has cmd "VMM-GUEST: cmd exit 0" && [ "$rc" -eq 0 ]
check command-output $? "exit status $rc, output $(grep -c vmm-cmd-42 "$work/cmd.txt") marker line(s)"
[ "$rc" -eq 0 ] || show cmd
grep -q "rtc_cmos.*registered as rtc0" "$work/cmd.txt" && ! grep -q "broken or not accessible" "$work/cmd.txt"
check rtc-cmos-probed $? "$(grep rtc_cmos "$work/cmd.txt" | head -3 | tr '\n' ' ')"
# within_host_clock KEY: the guest's KEY=seconds lies between the host's clock before and after
# the boot, give or take 2 s (the RTC counts whole seconds).
within_host_clock() {
    local v
    v=$(sed -n "s/^$1=\([0-9][0-9]*\)$/\1/p" "$work/cmd.txt" | head -n 1)
    [ -n "$v" ] && [ "$v" -ge $((t0 - 2)) ] && [ "$v" -le $((t1 + 2)) ]
    check "$2" $? "guest ${1}=${v:-missing}, host clock ${t0}..${t1}"
}
within_host_clock rtc-epoch rtc-time-is-host-time
within_host_clock sys-epoch guest-date-is-host-time

# 3. Console input: stdin reaches the guest shell through the UART's receive interrupt.
interactive() {
    timeout "$LIMIT" "$(dirname "$0")/console-input.sh" "$VMM" "$KERNEL" "$INITRD" \
        "$QUIET" "$LIMIT" --cpus 2 </dev/null >"$work/shell.out" 2>"$work/shell.err"
    rc=$?
    tr -d '\r' <"$work/shell.out" >"$work/shell.txt"
}
interactive
has shell "typed-42" && [ "$rc" -eq 0 ]
check console-input $? "exit status $rc, typed command output $(grep -c typed-42 "$work/shell.txt") line(s)"
[ "$rc" -eq 0 ] || show shell
# The same run had 2 vCPUs and the ACPI tables: the serial interrupt came through the IOAPIC.
grep -qE "^ *4: .*IO-APIC.*ttyS0" "$work/shell.txt"
check console-irq-through-ioapic $? "$(grep ttyS "$work/shell.txt" | head -2 | tr '\n' ' ')"

# 4. A triple fault (the kernel's reboot=t path) ends vmm with status 3 and a register dump.
KERNEL=$VMLINUX boot triple "guest.action=reboot reboot=t"
[ "$rc" -eq 3 ] && grep -q "triple fault" "$work/triple.err" && grep -q "rip=0x" "$work/triple.err"
check triple-fault-exit-3 $? "exit status $rc, stderr: $(head -c 300 "$work/triple.err")"

# 5. Entry states: the 32-bit entry with paging off, explicitly.
boot linux32-off "$CPU_LOG" --boot=linux32 --paging=off --cpus 2
boots_to_userspace linux32-off
sees_cpus linux32-off 2

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
#    The payload cache: the first boot decompresses and stores the payload, the second (same
#    bzImage, other entry) takes it from the cache without decompressing.
#    Every path carries the RSDP (boot_params.acpi_rsdp_addr or hvm_start_info.rsdp_paddr) and
#    boots 4 or 2 vCPUs.
boot payload-elf "$CPU_LOG" --boot=elf --payload-cache "$work/payloads" --verbose --cpus 4
boots_to_userspace payload-elf
sees_cpus payload-elf 4
grep -q "^vmm: payload decompressed$" "$work/payload-elf.err"
check payload-cache-miss-stores $? "$(grep '^vmm: payload' "$work/payload-elf.err"), $(ls "$work/payloads" 2>&1 | head -3)"
boot payload-pvh "$CPU_LOG" --boot=pvh --payload-cache "$work/payloads" --verbose --cpus 2
boots_to_userspace payload-pvh
sees_cpus payload-pvh 2
grep -q "^vmm: payload from the payload cache" "$work/payload-pvh.err"
check payload-cache-hit $? "$(grep '^vmm: payload' "$work/payload-pvh.err")"
KERNEL=$VMLINUX boot vmlinux-elf "$CPU_LOG" --boot=elf --cpus 2
boots_to_userspace vmlinux-elf
sees_cpus vmlinux-elf 2
KERNEL=$VMLINUX boot vmlinux-pvh "$CPU_LOG" --boot=pvh --cpus 4
boots_to_userspace vmlinux-pvh
sees_cpus vmlinux-pvh 4

# 9. Exit-code taxonomy, each from a real guest (all runs above had the seccomp filter on).
KERNEL=$VMLINUX boot panic 'guest.cmd="echo c >/proc/sysrq-trigger"'
[ "$rc" -eq 7 ] && has panic "Kernel panic - not syncing" && grep -q "guest kernel panic" "$work/panic.err"
check guest-panic-exit-7 $? "exit status $rc, stderr: $(head -c 200 "$work/panic.err")"
KERNEL=$VMLINUX boot debug-exit 'guest.cmd="printf \\005 | dd of=/dev/port bs=1 seek=244 2>/dev/null"'
[ "$rc" -eq 69 ]
check debug-exit-5-gives-69 $? "exit status $rc, stderr: $(head -c 200 "$work/debug-exit.err")"
# --timeout ends a guest that would run on (its shell waits for input) wherever it is: 8 s is
# within the kernel's boot nested, later than that at the shell where KVM runs natively (the
# console suite ends a halted guest the same way).
BOOT_BASE=$BASE boot timeout "guest.action=shell" --timeout 8
[ "$rc" -eq 8 ] && grep -q -- "--timeout reached" "$work/timeout.err" && grep -q "rip=0x" "$work/timeout.err"
check timeout-exit-8 $? "exit status $rc, stderr: $(head -c 200 "$work/timeout.err")"

# 10. seccomp: a forbidden system call after the filter is in place kills vmm with SIGSYS
#     (the test hook VMM_SECCOMP_SELFTEST=NAME, vmm/sandbox_selftest.c; vmm's status is then
#     128 + 31). One call per narrowed rule, each harmless where a filter lets it through (then
#     the guest boots and reboots: status 0): tgkill to another process, or to itself with a
#     signal vmm never sends; newfstatat on a path; read on a descriptor other than stdin (the
#     old handler turned it into read(0, NULL, 0) and carried on); munmap of guest RAM; an
#     executable mmap (malloc's anonymous read-write blocks are allowed); madvise
#     other than MADV_DONTNEED; timer_settime on a timer vmm did not create; mincore into another
#     buffer (with --timing, where mincore is allowed at all); kill; mremap of guest RAM, or
#     with MREMAP_FIXED (over another mapping).
for t in 1 tgkill tgkill-signal newfstatat read munmap mmap-exec madvise timer mincore kill mremap mremap-fixed; do
    VMM_SECCOMP_SELFTEST=$t boot "seccomp-$t" "guest.action=reboot" --timing
    [ "$rc" -eq 159 ] && grep -q "seccomp: forbidden system call" "$work/seccomp-$t.err"
    check "seccomp-forbids-$t" $? "exit status $rc, stderr: $(grep -v '^vmm: timing' "$work/seccomp-$t.err" | head -c 200)"
done
# On a terminal (a pty from script(1)): the SIGSYS handler restores it before vmm dies.
mkfifo "$work/tty.keys"
cat >"$work/tty.sh" <<INNER
stty -g >"$work/tty.before"
VMM_SECCOMP_SELFTEST=socket timeout --foreground -s KILL $LIMIT "$VMM" --kernel "$KERNEL" \
    --initrd "$INITRD" --append "$QUIET guest.action=reboot" --no-payload-cache >/dev/null 2>"$work/tty.err"
echo \$? >"$work/tty.rc"
[ -t 0 ] && echo yes >"$work/tty.tty"
stty -g >"$work/tty.after"
INNER
script -qec "bash $work/tty.sh" /dev/null <"$work/tty.keys" >/dev/null 2>&1 &
spid=$!
exec 6>"$work/tty.keys"
wait "$spid"
exec 6>&-
rc=$(cat "$work/tty.rc" 2>/dev/null || echo none)
[ "$rc" = 159 ] && grep -q yes "$work/tty.tty" && cmp -s "$work/tty.before" "$work/tty.after"
check seccomp-sigsys-restores-terminal $? "status $rc, stty before '$(cat "$work/tty.before")' after '$(cat "$work/tty.after" 2>/dev/null)'"
KERNEL=$VMLINUX boot no-seccomp "guest.action=reboot" --no-seccomp --no-serial-coalescing --timing=json
boots_to_userspace no-seccomp
# The same boot with every serial write an exit: nothing queued, COM1's data port among the
# busiest ports.
tail -n 1 "$work/no-seccomp.err" | python3 -c 'import json, sys; t = json.load(sys.stdin)
sys.exit(not (t["console_out"]["queued"] == 0 and t["io_ports"].get("0x3f8", 0) >= t["console_out"]["bytes"]))' \
    >"$work/no-coalescing.check" 2>&1
check no-serial-coalescing-exits-per-byte $? "$(tail -n 1 "$work/no-seccomp.err" | head -c 300)"

# 11. Long mode with RAM above 4 GiB (8 GiB: the 1:1 map covers low RAM, e820 the rest); the
#     guest must see it: MemTotal at least 7.5 GiB (8 GiB less the kernel's own reservations).
#     The same boot times the kernel's points with breakpoints (--phases, README "Boot phases
#     by breakpoints"): where they fire, the points in boot order on vmm's clock, after its
#     first KVM_RUN, and initcalls timed by name; where they do not (a KVM nested in Debian's
#     QEMU), one line says so and the boot goes on undisturbed (the case boots to userspace).
KERNEL=$VMLINUX boot long-8g "guest.action=reboot guest.cmd=\"grep MemTotal /proc/meminfo\"" --mem 8G \
    --phases --symbols "$VMLINUX" --timing=json
boots_to_userspace long-8g
kib=$(sed -n 's/^MemTotal:[[:space:]]*\([0-9]*\) kB$/\1/p' "$work/long-8g.txt")
[ "${kib:-0}" -ge $((15 * 512 * 1024)) ]
check long-8g-guest-sees-8-gib $? "MemTotal ${kib:-missing} kB, want >= $((15 * 512 * 1024))"
# Which branch runs is vmm's own probe's word: on real KVM (not nested) breakpoints fire, and a
# probe that says they do not is a failure there, not the other branch passing.
if grep -q '^vmm: phases: none timed: breakpoints do not fire on this host' "$work/long-8g.err"; then
    [ "${WITH_KVM_NESTED:-0}" = 1 ] && [ "$rc" -eq 0 ] && [ "$(grep -c '^vmm: phases' "$work/long-8g.err")" -eq 1 ] &&
        tail -n 1 "$work/long-8g.err" | grep -q '"guest_phases_ns":{}'
    check phases-say-why-none-where-breakpoints-do-not-fire $? "$(grep '^vmm: phases' "$work/long-8g.err")"
else
    tail -n 1 "$work/long-8g.err" | python3 -c 'import json, sys; j = json.loads(sys.stdin.read())
g = j["guest_phases_ns"]; order = ["start_kernel", "rest_init", "kernel_init", "console_on_rootfs"]
sys.exit(not all(k in g for k in order) or [g[k] for k in order] != sorted(g[k] for k in order)
         or g["start_kernel"] <= j["phases_ns"]["first_kvm_run"])' &&
        grep -qE '^vmm: phases: [1-9][0-9]* initcalls timed from kernel_init to console_on_rootfs' "$work/long-8g.err" &&
        grep -A1 'slowest initcalls:$' "$work/long-8g.err" | grep -qE '^ +[0-9.]+ ms  [a-z_][a-z0-9_.]*$'
    check phases-in-boot-order-and-initcalls-named $? "$(grep -A3 '^vmm: phases' "$work/long-8g.err")"
fi

# every_path NAME BZIMAGE VMLINUX APPEND: a kernel to userspace by all six boot paths (the
# bzImage by its 64- and 32-bit entries and its payload as ELF and PVH, the vmlinux as ELF and
# PVH), one case NAME-PATH each.
boot_paths=(linux64 linux32 elf pvh vmlinux-elf vmlinux-pvh)
every_path() {
    local path k
    for path in "${boot_paths[@]}"; do
        k=$2
        case $path in vmlinux-*) k=$3 ;; esac
        KERNEL=$k boot "$1-$path" "$4" --boot="${path#vmlinux-}"
        boots_to_userspace "$1-$path"
    done
}

# 12. The minimal kernel (scripts/build-minimal-kernel) by every boot path, where it is built.
if [ -n "$MINIMAL" ] && [ -f "$MINIMAL" ] && [ -f "$MINIMAL_VMLINUX" ]; then
    every_path minimal "$MINIMAL" "$MINIMAL_VMLINUX" "guest.action=reboot"
else
    # Not skips: a fresh machine never has it (building it takes longer than the whole test
    # command), so six skip lines would only say the same thing every time.
    echo "    | not run: the minimal kernel by ${#boot_paths[@]} boot paths (not built here;" \
        "scripts/build-minimal-kernel builds it, and the boot suite then boots it)"
fi

# 13. A second kernel by every boot path, on every machine: Debian's cloud flavour (another
#     config of the same tree; its payload is LZ4, the generic kernel's XZ, so --boot=elf and
#     pvh run vmm's LZ4 decompressor on a real kernel), the same initramfs.
if [ -n "$CLOUD" ] && [ -f "$CLOUD" ] && [ -f "$CLOUD_VMLINUX" ]; then
    every_path cloud "$CLOUD" "$CLOUD_VMLINUX" "guest.action=reboot"
else
    for path in "${boot_paths[@]}"; do
        skip "cloud-$path" "no cloud kernel given (scripts/fetch-kernel cloud-amd64; run-tests gives it)"
    done
fi

# 14. A kernel of a newer series than the one every other case boots (Debian's 6.12, where 6.1
#     is bookworm's own), by the bzImage's two entries and its payload as ELF and PVH.
for path in linux64 linux32 elf pvh; do
    if [ -n "$NEWER" ] && [ -f "$NEWER" ]; then
        KERNEL=$NEWER boot "newer-$path" "guest.action=reboot" --boot="$path"
        boots_to_userspace "newer-$path"
    else
        skip "newer-$path" "no newer kernel given (scripts/fetch-kernel amd64-6.12 found none in this machine's apt sources)"
    fi
done

# 15. A guest that is not Linux: memtest86+ (its 64-bit image is a bzImage of protocol 2.12 with
#     no ELF payload, syssize rounded up past the file's end), by the 64-bit entry, with 2 vCPUs,
#     until --timeout. It must draw its screen with the RAM vmm gave it (from the e820 map) and a
#     CPU clock, which it measures by polling port 0x61 for PIT counter 2's output (before vmm
#     emulated that port, "CLK/Temp:   N/A"), then start its second CPU by INIT/SIPI without
#     ever enabling its LAPIC and test (before vmm set the boot CPU's LAPIC after the last vCPU
#     existed, "Status: Init." for ever). About 5-8 s to the screen nested, testing soon after.
if [ -n "$MEMTEST" ] && [ -f "$MEMTEST" ]; then
    timeout "$LIMIT" "$VMM" --kernel "$MEMTEST" --append "console=ttyS0,115200" --mem 256M \
        --cpus 2 --timeout "${MEMTEST_SECONDS:-16}" </dev/null >"$work/memtest.out" 2>"$work/memtest.err"
    rc=$?
    clk=$(grep -ao 'CLK/Temp: *[0-9]*MH' "$work/memtest.out" | head -n 1)
    mem=$(grep -ao 'Memory  : *[0-9]*MB' "$work/memtest.out" | head -n 1)
    smp=$(grep -ao 'SMP: 2T' "$work/memtest.out" | head -n 1)
    testing=$(grep -ao 'Status: Testing' "$work/memtest.out" | head -n 1)
    [ "$rc" -eq 8 ] && grep -aq 'Memtest86+ v' "$work/memtest.out" && [ -n "$clk" ] &&
        [ "$(grep -o '[0-9]*' <<<"$mem")" = 256 ] && [ -n "$smp" ] && [ -n "$testing" ]
    check memtest86-x64 $? "exit status $rc (8: --timeout), '${clk:-no CPU clock}', '${mem:-no memory line}', '${smp:-no SMP: 2T}', '${testing:-never Status: Testing}'"
    [ "$rc" -eq 8 ] && [ -n "$clk" ] || tail -c 600 "$work/memtest.err" | sed 's/^/    | /'
else
    skip memtest86-x64 "no memtest86+ image given (Debian's memtest86+ package, which scripts/setup-deps installs)"
fi

summary boot
