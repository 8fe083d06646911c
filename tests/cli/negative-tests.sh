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
    # Bounded: a refusal comes at once, and a hang is a failure (status 137), not a stall.
    timeout -s KILL 60 "$VMM" "$@" </dev/null >"$work/out" 2>"$work/err"
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
# A FIFO no one writes to: refused at once (before, open() waited for a writer for ever).
mkfifo "$work/fifo"
expect_error kernel-is-fifo 'not a regular file' --kernel "$work/fifo"
expect_error missing-initrd "initrd '.*': No such file" --kernel "$KERNEL" --initrd "$work/nope"
expect_error no-kernel-option 'missing --kernel' --mem 256M
expect_error unknown-option "unknown option '--frobnicate'" --kernel "$KERNEL" --frobnicate
expect_error option-without-value "needs a value" --kernel
expect_error bad-mem-unit "unknown unit" --kernel "$KERNEL" --mem 12Q
expect_error bad-mem-number "not a size" --kernel "$KERNEL" --mem lots
expect_error mem-too-small "outside 16M..1T" --kernel "$KERNEL" --mem 1M
expect_error mem-too-large "outside 16M..1T" --kernel "$KERNEL" --mem 4T
expect_error mem-below-init-size 'init_size .* use --mem [0-9]+M or more' --kernel "$KERNEL" --mem 32M
expect_error pvh-vmlinux-bigger-than-ram 'larger than guest RAM \(16 MiB\): use --mem [0-9]+M or more' \
    --kernel "$KERNEL" --boot=pvh --mem 16M --no-payload-cache
expect_error cmdline-too-long 'cmdline_size' --kernel "$KERNEL" --append "$(cat "$work/long")"
expect_error initrd-too-big 'initrd: [0-9]+ bytes do not fit' --kernel "$KERNEL" --mem 128M --initrd "$work/big-initrd"

# ELF, payload and entry-state inputs.
"$VMM" --kernel "$KERNEL" --extract-vmlinux "$work/vmlinux" >/dev/null 2>&1
head -c 5000000 "$work/vmlinux" >"$work/vmlinux-truncated"
# Its lowest segment does not fit, nor do the others: the advice is RAM for all of them.
need=$("$VMM" --kernel "$work/vmlinux" --mem 16M 2>&1 | grep -o 'use --mem [0-9]*M' | grep -o '[0-9]*')
"$VMM" --kernel "$work/vmlinux" --mem "${need:-16}M" --dump-entry-state >/dev/null 2>&1
check elf-mem-advice-is-enough $? "the advice at --mem 16M was ${need:-none}M, and at that size the vmlinux does not load"
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
# A state file of 16 MiB or more is refused by its size (sparse: it costs nothing to make),
# before vmm allocates or reads it (before: read whole, up to 4 GiB).
truncate -s 20M "$work/state-huge"
expect_error state-file-too-big "entry state '.*': 20971520 bytes; such a file is less than 16777216" \
    --kernel "$KERNEL" --entry-state "$work/state-huge"
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
# --afl: afl-fuzz chooses the states, so vmm's own ways of choosing and keeping them are refused.
expect_error afl-refuses-jobs "--afl: afl-fuzz chooses the states" fuzz --kernel "$KERNEL" --afl --jobs 2
expect_error afl-refuses-guided "--afl: afl-fuzz chooses the states" fuzz --kernel "$KERNEL" --afl --guided
expect_error afl-empty-file "--afl=: empty test-case file name" fuzz --kernel "$KERNEL" --afl=
expect_error afl-only-in-fuzz "option '--afl' is only for 'vmm fuzz'" --kernel "$KERNEL" --afl
# --symbols: Debian's placeholder System.map is named as such, in fuzz mode too (read before
# /dev/kvm is opened, where before a host without KVM said only that).
echo "ffffffffffffffff B The real System.map is in the linux-image-<version>-dbg package" >"$work/System.map"
expect_error fuzz-placeholder-system-map "System.map line 1 is a placeholder.*guest-symbols" \
    fuzz --kernel "$KERNEL" --symbols "$work/System.map" --runs 1 --out "$work/fzs"
expect_error profile-placeholder-system-map "System.map line 1 is a placeholder" \
    --kernel "$KERNEL" --symbols "$work/System.map" --profile
# --phases finds its points by name, where --symbols put them: a bzImage that may move its
# kernel (KASLR) is refused with one line naming nokaslr, before /dev/kvm is opened.
expect_error phases-needs-symbols "--phases: the points are found by name: give --symbols" \
    --kernel "$KERNEL" --phases
printf 'ffffffff81000000 T _text\nffffffff83079e46 T start_kernel\n' >"$work/phases.map"
expect_error phases-refuses-kaslr "--phases: the kernel may move itself \\(KASLR\\).*add nokaslr" \
    --kernel "$KERNEL" --phases --symbols "$work/phases.map"
expect_error phase-not-in-symbols "--phase mm_init: not in --symbols" \
    --kernel "$KERNEL" --phase start_kernel --phase mm_init --symbols "$work/phases.map" --append nokaslr
printf 'ffffffff81000000 T _text\n' >"$work/phases-nostart.map"
expect_error phases-needs-start-kernel "--phases: --symbols has no start_kernel" \
    --kernel "$KERNEL" --phases --symbols "$work/phases-nostart.map" --append nokaslr
"$VMM" --kernel "$KERNEL" --cpus 4 --dump-entry-state </dev/null >"$work/out" 2>"$work/err"
rc=$?
[ "$rc" -eq 0 ] && [ "$(head -n 1 "$work/out")" = "# vcpus 4: this is vCPU 0's entry state; vCPUs 1-3 wait for INIT/SIPI" ]
check dump-names-vcpus $? "exit $rc: $(head -n 1 "$work/out")"

# Descriptors 0-2 closed by the caller (`<&- >&- 2>&-`): vmm puts /dev/null on them first, so no
# file it opens becomes stdin, stdout or stderr (before, the kernel image was opened as
# descriptor 0, and stderr's lines could go into a file vmm writes). Seen at the hook below,
# with the kernel open.
# wait_stopped PID: until the process stops (at the test hook VMM_TEST_STOP_BEFORE_READ) or
# ends, at most 60 s (ASan on a busy machine); sets stopped (T if it stopped there).
wait_stopped() {
    local i
    stopped=
    for i in $(seq 600); do
        stopped=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
        case $stopped in T | Z | "") break ;; esac
        sleep 0.1
    done
}

VMM_TEST_STOP_BEFORE_READ=kernel "$VMM" --kernel "$KERNEL" --dump-entry-state <&- >&- 2>&- &
pid=$!
wait_stopped "$pid"
std=$(for fd in 0 1 2; do readlink "/proc/$pid/fd/$fd"; done | tr '\n' ' ')
kfd=$(for f in /proc/$pid/fd/*; do [ "$(readlink "$f")" = "$(readlink -f "$KERNEL")" ] && basename "$f"; done)
kill -CONT "$pid" 2>/dev/null
wait "$pid"
rc=$?
[ "$stopped" = T ] && [ "$std" = "/dev/null /dev/null /dev/null " ] && [ "${kfd:-0}" -gt 2 ] && [ "$rc" -eq 0 ]
check closed-standard-descriptors-get-dev-null $? "state '$stopped', descriptors 0-2: $std, the kernel's: ${kfd:-none}, exit $rc"

# --- Inputs that change under vmm (issue 19): a file truncated while vmm reads it is an input
# error (exit 1, one line naming the file), never SIGBUS. vmm stops itself between fstat() and the
# read (test hook VMM_TEST_STOP_BEFORE_READ=WHAT); the test changes the file and lets it go on.
# run_stopped WHAT FILE SIZE ARGS...: sets rc, and stopped (T if vmm stopped at the hook).
run_stopped() {
    local what=$1 file=$2 size=$3 pid
    shift 3
    VMM_TEST_STOP_BEFORE_READ=$what "$VMM" "$@" </dev/null >"$work/out" 2>"$work/err" &
    pid=$!
    wait_stopped "$pid"
    truncate -s "$size" "$file"
    kill -CONT "$pid" 2>/dev/null
    wait "$pid"
    rc=$?
}

# expect_changed NAME WHAT FILE SIZE PATTERN ARGS...: exit 1, one stderr line matching PATTERN.
expect_changed() {
    local name=$1 what=$2 file=$3 size=$4 pattern=$5
    shift 5
    run_stopped "$what" "$file" "$size" "$@"
    if [ "$stopped" != T ]; then
        fail "$name" "vmm did not stop at the hook (state '$stopped', exit $rc)"
    elif [ "$rc" -ne 1 ]; then
        fail "$name" "exit status $rc, expected 1 ($(head -c 300 "$work/err"))"
    elif [ "$(wc -l <"$work/err")" -ne 1 ] || ! grep -qE -- "$pattern" "$work/err"; then
        fail "$name" "stderr '$(cat "$work/err")' is not one line matching /$pattern/"
    else
        pass "$name"
    fi
}

cp "$KERNEL" "$work/k"
expect_changed kernel-truncated-while-read kernel "$work/k" 0 \
    "^vmm: kernel '.*/k': the file shrank while vmm read it \([0-9]+ bytes at open, 0 now\)$" \
    --kernel "$work/k" --dump-entry-state
cp "$KERNEL" "$work/k"
expect_changed kernel-halved-while-read kernel "$work/k" 3000000 \
    "kernel '.*/k': the file shrank .*, 3000000 now" --kernel "$work/k" --dump-entry-state
cp "$KERNEL" "$work/k"
expect_changed kernel-grew-while-read kernel "$work/k" 100M \
    "kernel '.*/k': the file grew while vmm read it" --kernel "$work/k" --dump-entry-state
head -c 1000000 /dev/urandom >"$work/initrd"
expect_changed initrd-truncated-while-read initrd "$work/initrd" 1000 \
    "^vmm: initrd '.*/initrd': the file shrank .*, 1000 now" \
    --kernel "$KERNEL" --initrd "$work/initrd" --dump-entry-state
printf 'rip 0x1000000\n# padding\n' >"$work/state-file"
expect_changed state-file-truncated-while-read "entry state" "$work/state-file" 0 \
    "entry state '.*/state-file': the file shrank" \
    --kernel "$KERNEL" --entry-state "$work/state-file" --dump-entry-state

# Without the hook: the kernel is truncated and rewritten in a loop while vmm reads it, 20 times;
# vmm must end every run by itself (0, or 1 with one line), never by a signal.
cp "$KERNEL" "$work/k"
(while :; do : >"$work/k"; cat "$KERNEL" >"$work/k"; done) 2>/dev/null &
looper=$!
bad=
for i in $(seq 20); do
    "$VMM" --kernel "$work/k" --dump-entry-state </dev/null >/dev/null 2>"$work/err"
    rc=$?
    if [ "$rc" -gt 1 ] || { [ "$rc" -eq 1 ] && [ "$(wc -l <"$work/err")" -ne 1 ]; }; then
        bad="run $i: exit $rc: $(head -c 200 "$work/err")"
        break
    fi
done
kill "$looper"
wait "$looper" 2>/dev/null
[ -z "$bad" ]
check kernel-rewritten-in-a-loop $? "$bad"

# --- The payload cache (issue 19): what it trusts. Each run is --boot=elf --dump-entry-state, whose
# dump must equal the one made without any cache whatever the cache holds.
"$VMM" --kernel "$KERNEL" --boot=elf --no-payload-cache --dump-entry-state </dev/null \
    >"$work/dump-ref" 2>/dev/null
# cache_run NAME DIR: rc, $work/out (the dump), $work/err.
cache_run() {
    "$VMM" --kernel "$KERNEL" --boot=elf --payload-cache "$2" --dump-entry-state "${@:3}" \
        </dev/null >"$work/out" 2>"$work/err"
    rc=$?
}
mkdir "$work/pc"
cache_run fill "$work/pc"
entry=$(ls "$work/pc")
[ "$rc" -eq 0 ] && [ ! -s "$work/err" ] && [ -n "$entry" ] && cmp -s "$work/out" "$work/dump-ref"
check cache-fills $? "exit $rc, entry '$entry', $(head -c 200 "$work/err")"
size=$(stat -c %s "$work/pc/$entry")

# An entry truncated while vmm reads it is a damaged entry: decompressed as without it, and replaced.
run_stopped "payload cache entry" "$work/pc/$entry" 4096 --kernel "$KERNEL" --boot=elf \
    --payload-cache "$work/pc" --dump-entry-state
[ "$stopped" = T ] && [ "$rc" -eq 0 ] && [ ! -s "$work/err" ] && cmp -s "$work/out" "$work/dump-ref" &&
    [ "$(stat -c %s "$work/pc/$entry")" = "$size" ]
check cache-entry-truncated-while-read $? \
    "state '$stopped', exit $rc, $(stat -c %s "$work/pc/$entry") bytes, $(head -c 200 "$work/err")"

# A directory others can write: one warning line, the run goes on without the cache, nothing stored.
mkdir "$work/open"
chmod 0777 "$work/open"
cache_run open "$work/open"
[ "$rc" -eq 0 ] && [ "$(wc -l <"$work/err")" -eq 1 ] &&
    grep -qx "vmm: payload cache not used: '.*/open' is writable by group or others (mode 0777)" "$work/err" &&
    cmp -s "$work/out" "$work/dump-ref" && [ -z "$(ls "$work/open")" ]
check cache-dir-writable-by-others-refused $? "exit $rc, $(ls "$work/open" | wc -l) files, $(head -c 300 "$work/err")"

# A path through a symbolic link: the same.
ln -s pc "$work/pclink"
cache_run link "$work/pclink/"
[ "$rc" -eq 0 ] && [ "$(wc -l <"$work/err")" -eq 1 ] &&
    grep -qx "vmm: payload cache not used: '.*/pclink/' is a symbolic link (give the real path)" "$work/err" &&
    cmp -s "$work/out" "$work/dump-ref"
check cache-dir-symlink-refused $? "exit $rc, $(head -c 300 "$work/err")"

# An entry vmm did not write (another user's file in the directory): not used, and replaced.
if chown nobody "$work/pc/$entry" 2>/dev/null; then
    cache_run planted "$work/pc"
    [ "$rc" -eq 0 ] && [ ! -s "$work/err" ] && cmp -s "$work/out" "$work/dump-ref" &&
        [ "$(stat -c %u "$work/pc/$entry")" = "$(id -u)" ]
    check cache-entry-of-another-user-replaced $? \
        "exit $rc, entry owner $(stat -c %U "$work/pc/$entry"), $(head -c 200 "$work/err")"
else
    skip cache-entry-of-another-user-replaced "chown to nobody needs root"
fi

# Exit status 2, a host error during setup: /dev/kvm cannot be opened (strace makes every open
# of it fail with ENOENT, whether or not this machine has one). One line names it; no guest ran.
if can_strace; then
    kvm_refused /dev/null ENOENT "$VMM" --kernel "$KERNEL" --timeout 30 </dev/null >"$work/out" 2>"$work/err"
    rc=$?
    [ "$rc" -eq 2 ] && [ "$(wc -l <"$work/err")" -eq 1 ] &&
        grep -q "cannot open /dev/kvm: No such file or directory" "$work/err" && [ ! -s "$work/out" ]
    check no-dev-kvm-exits-2 $? "exit $rc, stderr: $(head -c 300 "$work/err")"
else
    skip no-dev-kvm-exits-2 "strace missing or not permitted (it fails the open of /dev/kvm)"
fi

"$VMM" --help >"$work/out" 2>&1
check help-exits-0 $? "--help failed"
"$VMM" --version | grep -q '^vmm '
check version-prints-version $? "--version output"

summary negative
