#!/bin/bash
# negative-tests.sh: bad options and bad input files each give one clear line on stderr and exit 1.
# Needs no KVM: vmm validates everything before it opens /dev/kvm.
# Usage: tests/cli/negative-tests.sh VMM KERNEL
set -u
VMM=$1
KERNEL=$2
. "$(dirname "$0")/../lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# expect_error NAME PATTERN ARGS...: exit status 1, exactly one stderr line matching PATTERN.
expect_error() {
    local name=$1 pattern=$2 rc lines
    shift 2
    "$VMM" "$@" </dev/null >"$work/out" 2>"$work/err"
    rc=$?
    lines=$(wc -l <"$work/err")
    if [ "$rc" -ne 1 ]; then
        fail "$name" "exit status $rc, expected 1 ($(head -c 200 "$work/err"))"
    elif [ "$lines" -ne 1 ]; then
        fail "$name" "$lines lines on stderr, expected 1"
    elif ! grep -qE -- "$pattern" "$work/err"; then
        fail "$name" "stderr '$(cat "$work/err")' lacks /$pattern/"
    else
        pass "$name"
    fi
}

head -c 100000 "$KERNEL" >"$work/truncated"
head -c 300 "$KERNEL" >"$work/tiny"
head -c 2000000 /dev/urandom >"$work/random"
: >"$work/empty"
python3 -c 'print("x" * 3000, end="")' >"$work/long" 2>/dev/null || printf '%3000s' '' | tr ' ' x >"$work/long"
head -c $((200 * 1024 * 1024)) /dev/zero >"$work/big-initrd"

expect_error truncated-bzimage 'syssize .*truncated' --kernel "$work/truncated"
expect_error tiny-file 'too short to hold a setup header' --kernel "$work/tiny"
expect_error random-file 'not a Linux kernel image|not a bzImage' --kernel "$work/random"
expect_error empty-file 'file is empty' --kernel "$work/empty"
expect_error missing-kernel "kernel '.*/nope': No such file" --kernel "$work/nope"
expect_error kernel-is-directory 'not a regular file' --kernel "$work"
expect_error missing-initrd "initrd '.*': No such file" --kernel "$KERNEL" --initrd "$work/nope"
expect_error no-kernel-option 'missing --kernel' --mem 256M
expect_error unknown-option "unknown option '--frobnicate'" --kernel "$KERNEL" --frobnicate
expect_error option-without-value "needs a value" --kernel
expect_error bad-mem-unit "unknown unit" --kernel "$KERNEL" --mem 12Q
expect_error bad-mem-number "not a size" --kernel "$KERNEL" --mem lots
expect_error mem-too-small "outside 16M..1T" --kernel "$KERNEL" --mem 1M
expect_error mem-too-large "outside 16M..1T" --kernel "$KERNEL" --mem 4T
expect_error mem-below-init-size 'init_size .* use --mem [0-9]+M or more' --kernel "$KERNEL" --mem 32M
expect_error cmdline-too-long 'cmdline_size' --kernel "$KERNEL" --append "$(cat "$work/long")"
expect_error initrd-too-big 'initrd: [0-9]+ bytes do not fit' --kernel "$KERNEL" --mem 128M --initrd "$work/big-initrd"

# ELF, payload and entry-state inputs.
"$VMM" --kernel "$KERNEL" --extract-vmlinux "$work/vmlinux" >/dev/null 2>&1
head -c 5000000 "$work/vmlinux" >"$work/vmlinux-truncated"
expect_error elf-truncated 'elf: .*(past|beyond|outside|end of)' --kernel "$work/vmlinux-truncated"
printf '\177ELF\001' >"$work/elf32-stub"; head -c 200 /dev/zero >>"$work/elf32-stub"
expect_error elf-not-64bit 'elf: ' --kernel "$work/elf32-stub"
# Corrupt the middle of the payload: the decompressor must notice.
cp "$KERNEL" "$work/corrupt"
printf '\x55\xaa\x55\xaa\x55\xaa\x55\xaa' | dd of="$work/corrupt" bs=1 seek=4000000 conv=notrunc status=none
expect_error payload-corrupt '(xz|lz4|gzip|zstd|lzma|bzip2|lzo)' --kernel "$work/corrupt" --boot=elf
expect_error extract-from-elf 'bzimage: ' --kernel "$work/vmlinux" --extract-vmlinux "$work/x"
expect_error elf-with-bzimage-entry 'needs a bzImage' --kernel "$work/vmlinux" --boot=linux64
expect_error bad-boot-path "--boot: 'efi'" --kernel "$KERNEL" --boot=efi
expect_error bad-paging-mode "--paging: 'huge'" --kernel "$KERNEL" --paging=huge
expect_error bad-selector 'code selector 0x13' --kernel "$KERNEL" --boot-cs 0x13
printf 'rip 0x1000000\ncs.dpl 4\n' >"$work/state-range"
expect_error state-out-of-range 'line 2: cs.dpl: 0x4 is out of range' --kernel "$KERNEL" --entry-state "$work/state-range"
printf 'bogus 1\n' >"$work/state-unknown"
expect_error state-unknown-field "line 1: unknown field 'bogus'" --kernel "$KERNEL" --entry-state "$work/state-unknown"
printf 'rip 0x12q\n' >"$work/state-number"
expect_error state-bad-number "rip: bad number '0x12q'" --kernel "$KERNEL" --entry-state "$work/state-number"
expect_error state-missing-file "entry state '.*': No such file" --kernel "$KERNEL" --entry-state "$work/nope"
# An entry state that breaks the protocol is refused by name (one line per violation + a summary).
printf 'rflags 0x202\n' >"$work/state-if"
"$VMM" --kernel "$KERNEL" --entry-state "$work/state-if" </dev/null >/dev/null 2>"$work/err"
rc=$?
[ "$rc" -eq 1 ] && grep -q 'violation interrupts-enabled' "$work/err"
check violation-refused $? "exit $rc: $(cat "$work/err")"

# vCPUs: the range, --no-acpi's one vCPU, and fuzz mode's one vCPU; the dump says the count.
expect_error cpus-zero "--cpus: 0 vCPUs" --kernel "$KERNEL" --cpus 0
expect_error cpus-too-many "--cpus: '256'" --kernel "$KERNEL" --cpus 256
expect_error cpus-without-acpi "--cpus 2 needs ACPI" --kernel "$KERNEL" --cpus 2 --no-acpi
expect_error fuzz-refuses-cpus-2 "--cpus 2: fuzz mode runs one vCPU" fuzz --kernel "$KERNEL" --cpus 2 \
    --runs 1 --out "$work/fz"
[ ! -e "$work/fz" ]
check fuzz-refusal-writes-nothing $? "$(ls -d "$work/fz" 2>&1)"
"$VMM" --kernel "$KERNEL" --cpus 4 --dump-entry-state </dev/null >"$work/out" 2>"$work/err"
rc=$?
[ "$rc" -eq 0 ] && [ "$(head -n 1 "$work/out")" = "# vcpus 4: this is vCPU 0's entry state; vCPUs 1-3 wait for INIT/SIPI" ]
check dump-names-vcpus $? "exit $rc: $(head -n 1 "$work/out")"

"$VMM" --help >"$work/out" 2>&1
check help-exits-0 $? "--help failed"
"$VMM" --version | grep -q '^vmm '
check version-prints-version $? "--version output"

summary negative
