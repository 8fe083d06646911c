#!/bin/bash
# bench-smoke.sh: scripts/bench's short mode: one interleaved round of every VMM and boot path
# (scripts/bench.py) and the report (table, JSON, chart), to prove the benchmark works. It
# checks that every variant reached userspace and had its VM exits counted; it asserts no time.
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

python3 "$ROOT/scripts/bench.py" 1 256 "$KERNEL" "$INITRD" "$VMLINUX" "$VMM" </dev/null \
    >"$out/log.txt" 2>"$out/err.txt"
"$ROOT/scripts/bench-report" "$out" >"$out/report.txt" 2>&1
report=$?
check bench-report "$report" "$(tail -n 3 "$out/report.txt" "$out/err.txt")"
# Exit counts need KVM's tracepoints and ftrace hist triggers (bench.py mounts tracefs); where
# they cannot be armed (no tracefs, no permission) the counts are skipped, never faked.
traced=0
[ -w /sys/kernel/tracing/events/kvm/kvm_exit/trigger ] && traced=1
for name in vmm-linux64 vmm-payload-pvh-cold vmm-payload-pvh-cached vmm-vmlinux-pvh qemu-q35 qemu-microvm; do
    line=$(grep -a "^bench: run 1 $name:" "$out/log.txt" || echo 'no line')
    python3 - "$out/results.json" "$name" booted <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["summary"].get(sys.argv[2])
sys.exit(0 if r and r["booted"] == r["runs"] == 1 else 1)
PY
    check "bench-$name-booted" $? "$line"
    if [ "$traced" -eq 1 ]; then
        python3 - "$out/results.json" "$name" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["summary"].get(sys.argv[2])
sys.exit(0 if r and r["median_exits"] and r["median_userspace_exits"] else 1)
PY
        check "bench-$name-exits-counted" $? "$line"
    else
        skip "bench-$name-exits-counted" "KVM's tracepoints cannot be armed here (no writable tracefs)"
    fi
done
[ -s "$out/bench.png" ] && grep -q "start-up (to first KVM_RUN)" "$out/report.txt"
check bench-chart-and-phases $? "$(grep -a 'vmm phases' "$out/report.txt" | head -c 300)"
echo "---- the table"
cat "$out/report.txt"
summary bench
