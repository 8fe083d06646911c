#!/bin/bash
# run.sh: the bad-input corpus (tests/badinput/gen.py) against vmm: every malformed kernel, ELF,
# payload, initrd, command line, entry-state file and option value must give exactly one line on
# stderr matching the case's regex, the case's exit status (1), no sanitizer report, no output on
# stdout, and must be refused before /dev/kvm is opened. Needs no KVM; never starts a guest.
# Usage: tests/badinput/run.sh VMM KERNEL VMLINUX [GUARD_VMM]
#   VMM        vmm binary (build-fuzz/vmm for ASan+UBSan)
#   KERNEL     a real bzImage (Debian's vmlinuz), VMLINUX its ELF (vmm --extract-vmlinux)
#   GUARD_VMM  the binary run 1 runs (default VMM): the same sources built without sanitizers
#              (build/vmm) start faster under strace, and run 1 only watches for /dev/kvm
# Each case runs twice, with stdin from /dev/null and a 60 s limit (a hang fails):
#   1. under strace, with every open of /dev/kvm failed by injection (EACCES) and logged: a case
#      that reaches /dev/kvm fails, and cannot start a guest. LeakSanitizer cannot run under
#      ptrace, so this run has ASAN_OPTIONS=detect_leaks=0.
#   2. only if run 1 did not touch /dev/kvm: directly, with leak detection on; this run's exit
#      status and stderr are the ones checked.
# Without a working strace, run 2 alone runs, unguarded, and a SKIP line says so; a format whose
# compressor is missing is a SKIP line too, and the count of cases run must equal gen.py's.
# The corpus takes about 2 GiB (sparse) under $TMPDIR while it runs.
set -u
if [ $# -lt 3 ] || [ $# -gt 4 ]; then
    echo "usage: $0 VMM KERNEL VMLINUX [GUARD_VMM]" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck disable=SC1091
. "$here/../lib.sh"
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
VMM=$(abs "$1")
KERNEL=$(abs "$2")
VMLINUX=$(abs "$3")
GUARD_VMM=$(abs "${4:-$1}")
LIMIT=${BADINPUT_LIMIT:-60}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
corpus=$work/corpus
if ! python3 "$here/gen.py" "$corpus" "$KERNEL" "$VMLINUX" >"$work/gen.log" 2>&1; then
    cat "$work/gen.log"
    fail gen.py "corpus generation failed"
    summary badinput
    exit 1
fi
cat "$work/gen.log"

guard=
if can_strace; then
    guard=strace
else
    skip kvm-guard "strace missing or not permitted: no case is checked for opening /dev/kvm (run 2 alone)"
fi
# A compressor gen.py could not run drops that format's cases: each such format is a SKIP.
while IFS=$'\t' read -r fmt why; do
    skip "payload-$fmt" "$why: its cases were not made"
done <"$corpus/skipped.tsv"
# The cases gen.py wrote; every one must run.
made=$(sed -n 's/^gen.py: \([0-9]*\) cases in .*/\1/p' "$work/gen.log")

export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
SANITIZER='runtime error|AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|MemorySanitizer|ThreadSanitizer'

# run_case NAME WANT_RC REGEX ARGS...
run_case() {
    local name=$1 want=$2 regex=$3 rc lines
    shift 3
    local out=$work/out err=$work/err kvmlog=$work/kvm.log
    rm -f "$out" "$err" "$kvmlog"
    if [ -n "$guard" ]; then
        kvm_refused "$kvmlog" EACCES timeout "$LIMIT" "$GUARD_VMM" "$@" </dev/null >"$out" 2>"$err"
        rc=$?
        if grep -q '/dev/kvm' "$kvmlog"; then
            fail "$name" "reached /dev/kvm (exit $rc): $(head -c 300 "$err" | tr '\n' '|')"
            return
        fi
        if grep -qE "$SANITIZER" "$err"; then
            fail "$name" "sanitizer report: $(grep -m1 -E "$SANITIZER" "$err")"
            return
        fi
    fi
    timeout "$LIMIT" "$VMM" "$@" </dev/null >"$out" 2>"$err"
    rc=$?
    lines=$(wc -l <"$err")
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
        fail "$name" "hang: no exit within ${LIMIT}s"
    elif grep -qE "$SANITIZER" "$err"; then
        fail "$name" "sanitizer report: $(grep -m1 -E "$SANITIZER" "$err")"
    elif [ "$rc" -ne "$want" ]; then
        fail "$name" "exit status $rc, expected $want ($(head -c 300 "$err" | tr '\n' '|'))"
    elif [ "$lines" -ne 1 ] || [ "$(wc -c <"$err")" -ne "$(head -n 1 "$err" | wc -c)" ]; then
        fail "$name" "$lines lines on stderr, expected 1: $(head -c 300 "$err" | tr '\n' '|')"
    elif ! grep -qE -- "$regex" "$err"; then
        fail "$name" "stderr '$(cat "$err")' lacks /$regex/"
    elif [ -s "$out" ]; then
        fail "$name" "wrote $(wc -c <"$out") bytes to stdout (guest output?)"
    else
        pass "$name"
    fi
}

tried=0
cd "$corpus" || exit 1
while IFS= read -r line || [ -n "$line" ]; do
    case $line in '#'* | '') continue ;; esac
    # Split on every tab, keeping empty fields (read -a would merge them).
    fields=()
    while [[ $line == *$'\t'* ]]; do
        fields+=("${line%%$'\t'*}")
        line=${line#*$'\t'}
    done
    fields+=("$line")
    args=()
    for a in "${fields[@]:3}"; do
        case $a in
        '<@'*) args+=("$(cat "${a#<@}")") ;;
        *) args+=("$a") ;;
        esac
    done
    tried=$((tried + 1))
    run_case "${fields[0]}" "${fields[1]}" "${fields[2]}" "${args[@]}"
done <"$corpus/cases.tsv"
cd / || exit 1

echo "badinput: cases tried $tried of the ${made:-?} gen.py made"
[ "$tried" -gt 0 ] && [ "$tried" = "${made:-}" ] || fail cases.tsv "$tried cases ran, gen.py made ${made:-none}"
summary badinput
