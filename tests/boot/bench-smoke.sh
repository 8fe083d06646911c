#!/bin/bash
# bench-smoke.sh: scripts/bench's short mode: one interleaved round of every VMM and boot path
# (scripts/bench.py) and the report (table, JSON, chart), to prove the benchmark works. It
# checks that every variant reached userspace and had its VM exits counted, and that A/B mode
# (scripts/bench --ab) measures every phase of the real vmm and compares its profiles; it
# asserts no time.
# Run it where /dev/kvm works (normally through scripts/with-kvm).
# Usage: tests/boot/bench-smoke.sh VMM KERNEL INITRD VMLINUX
set -u
VMM=$1
KERNEL=$2
INITRD=$3
VMLINUX=$4
DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$DIR/../.." && pwd)
. "$DIR/../lib.sh"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Every vmm variant and one QEMU machine (the peers' rows share one code path in bench.py; the
# other two, microvm and q35 with 4 vCPUs, run in the full benchmark: the test command's 15
# minutes had no room for their boots).
# A --peer too, as a user adds kvmtool or Firecracker: vmm itself through a template (its
# placeholders replaced word by word, the command line one word), beside one whose program is
# not there (a row that never boots, not a crash).
VARIANTS="vmm-linux64 vmm-linux64-4cpu vmm-linux64-noacpi vmm-payload-pvh-cold vmm-payload-pvh-cached vmm-vmlinux-pvh qemu-q35 peer-vmm-elf"
peer="peer-vmm-elf=$(printf %q "$VMM") --kernel {vmlinux} --initrd {initrd} --mem {mem}M --append {append} --boot=elf --no-payload-cache"
python3 "$ROOT/scripts/bench.py" 1 256 "$KERNEL" "$INITRD" "$VMLINUX" "$VMM" \
    "only=${VARIANTS// /,},peer-missing" "peer=$peer" "peer=peer-missing=/nonexistent/vmm -k {kernel}" \
    </dev/null >"$out/log.txt" 2>"$out/err.txt"
"$ROOT/scripts/bench-report" "$out" >"$out/report.txt" 2>&1
report=$?
check bench-report "$report" "$(tail -n 3 "$out/report.txt" "$out/err.txt")"
# Exit counts need KVM's tracepoints and ftrace hist triggers (bench.py mounts tracefs); where
# they cannot be armed (no tracefs, no permission) the counts are skipped, never faked.
traced=0
[ -w /sys/kernel/tracing/events/kvm/kvm_exit/trigger ] && traced=1
# One python for every variant (python starts slowly in the nested guest): "NAME BOOTED EXITS".
python3 - "$out/results.json" "$VARIANTS" >"$out/verdicts.txt" 2>&1 <<'PY'
import json, sys
summary = json.load(open(sys.argv[1]))["summary"]
for name in sys.argv[2].split():
    r = summary.get(name)
    booted = bool(r and r["booted"] == r["runs"] == 1)
    exits = bool(r and r["median_exits"] and r["median_userspace_exits"])
    print(name, int(booted), int(exits))
PY
for name in $VARIANTS; do
    line=$(grep -a "^bench: run 1 $name:" "$out/log.txt" || echo 'no line')
    verdict=$(grep "^$name " "$out/verdicts.txt" || echo "$name 0 0")
    [ "$(cut -d' ' -f2 <<<"$verdict")" = 1 ]
    check "bench-$name-booted" $? "$line"
    if [ "$traced" -eq 1 ]; then
        [ "$(cut -d' ' -f3 <<<"$verdict")" = 1 ]
        check "bench-$name-exits-counted" $? "$line"
    else
        skip "bench-$name-exits-counted" "KVM's tracepoints cannot be armed here (no writable tracefs)"
    fi
done
grep -q '^bench: /nonexistent/vmm: No such file or directory$' "$out/log.txt" &&
    grep -q '^bench: run 1 peer-missing: no marker' "$out/log.txt"
check bench-peer-missing-program-never-boots $? "$(grep -a 'peer-missing\|nonexistent' "$out/log.txt" | tr '\n' ' ')"
[ -s "$out/bench.png" ] && grep -q "start-up (to first KVM_RUN)" "$out/report.txt"
check bench-chart-and-phases $? "$(grep -a 'vmm phases' "$out/report.txt" | head -c 300)"
# A/B mode on the real vmm: both stages here (A/A, 2 runs a side, few resamples, profiled); it
# asserts the pipeline, never a time or a verdict (so the boots are `quiet`: nested, the
# kernel's console messages cost seconds a boot, and of the extracted vmlinux: the bzImage's own
# decompressor costs about 3 s more a boot, and its symbols 2.5 s more to read).
ab=(--runs 2 --warmup 0 --profile=250 --profile-class kernel)
python3 "$ROOT/scripts/bench_ab.py" run --vmm "$VMM" --kernel "$VMLINUX" --initrd "$INITRD" \
    --append quiet --mem 256 "${ab[@]}" </dev/null >"$out/ab-log.txt" 2>&1 &&
    python3 "$ROOT/scripts/bench_ab.py" report --log "$out/ab-log.txt" "${ab[@]}" \
        --resamples 99 --out "$out/ab" >"$out/ab-report.txt" 2>&1
status=$?
python3 -c 'import json, sys; j = json.load(open(sys.argv[1])); m = j["metrics"]
sys.exit(not all(m[k]["A"]["n"] == m[k]["B"]["n"] == 2 for k in ("first_kvm_run", "boot_done", "exit")))' \
    "$out/ab/ab.json" 2>/dev/null && [ "$status" -eq 0 ]
check bench-ab-phases "$?" "$(grep -a '^bench-ab:' "$out/ab-log.txt" | tail -n 2) $(tail -n 2 "$out/ab-report.txt")"
# --profile: a folded profile per run and side came back, and the kernel's functions are
# compared, most of the rows named from the vmlinux's own symbol table rather than in hex.
[ "$status" -eq 0 ] && [ "$(ls "$out/ab/profiles" | tr '\n' ' ')" = "A-r1.folded A-r2.folded B-r1.folded B-r2.folded " ] &&
    python3 -c 'import json, sys; rows = json.load(open(sys.argv[1]))["functions"]["rows"]
named = sum(r["name"][:2] != "0x" for r in rows)
sys.exit(not rows or 2 * named < len(rows))' "$out/ab/ab.json" &&
    grep -q '^profile-diff: A 2 boot(s), B 2 boot(s); self samples per boot, means, class kernel$' "$out/ab-report.txt"
check bench-ab-profile-functions "$?" "$(ls "$out/ab/profiles" 2>&1 | tr '\n' ' ') $(grep -A 4 '^profile-diff:' "$out/ab-report.txt")"
# scripts/fuzz-reset-ab's inner half (the KVM environment is this one): an A/A of the real vmm,
# 30 wild runs a side, one round (seed 21's states: some end in triple faults, the report's own
# class); it asserts the report's lines, never a time.
"$ROOT/scripts/fuzz-reset-ab" --inner "$VMM" "$VMM" 30 1 wild 256M 100 "$KERNEL" "$INITRD" \
    </dev/null >"$out/reset-ab.txt" 2>&1 &&
    grep -Eq '^old after a run +n= *[1-9].*rewritten [0-9]+$' "$out/reset-ab.txt" &&
    grep -Eq '^old   a triple fault +n= *[1-9].*rewritten [0-9]+$' "$out/reset-ab.txt" &&
    grep -Eq '^new all +n= *[1-9].* p10 p25 p50 p75 p90 p99: [0-9]+( [0-9]+){5} ' "$out/reset-ab.txt"
check fuzz-reset-ab-report "$?" "$(tail -n 4 "$out/reset-ab.txt")"
echo "---- the table"
cat "$out/report.txt"
summary bench
