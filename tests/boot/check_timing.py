#!/usr/bin/env python3
"""check_timing.py: checks one `vmm --timing=json` report (the last stderr line).

Usage: check_timing.py REPORT.json SIGNAL [REPORT.json SIGNAL ...]

Every phase from options_parsed to exit is present and in order, the first
boot-done signal is SIGNAL, KVM's own counters (where the host has them)
include the total "exits" (required on a kernel with KVM_GET_STATS_FD), the
exits that reached vmm include I/O on COM1, host CPU time and vmm's own peak
RSS are plausible, and console output went out in at most one write() per
byte. Prints what is wrong and exits 1, or prints "ok" and exits 0.
"""
import json
import os
import sys

PHASES = ["options_parsed", "files_mapped", "image_decoded", "vm_created", "ram_registered",
          "vcpu_created", "entry_state_loaded", "first_kvm_run", "first_serial_byte",
          "boot_done", "exit"]


# vmm's own memory, without guest RAM: its image buffers and tables, never a GiB.
MAX_RSS_KIB = 1 << 20


def host_has_stats_fd():
    """KVM_GET_STATS_FD exists from Linux 5.14 (Documentation/virt/kvm/api.rst 4.133)."""
    try:
        major, minor = (int(x) for x in os.uname().release.split(".")[:2])
    except ValueError:
        return False
    return (major, minor) >= (5, 14)


def problems(report, signal):
    phases = report.get("phases_ns", {})
    missing = [p for p in PHASES if p not in phases]
    if missing:
        yield "missing phases: " + ", ".join(missing)
        return
    times = [phases[p] for p in PHASES]
    if times != sorted(times):
        yield "phases out of order: " + json.dumps(phases)
    done = report.get("boot_done") or [{}]
    if done[0].get("signal") != signal:
        yield f"first boot-done signal {done[0].get('signal')}, want {signal}"
    if done[0].get("ns") != phases["boot_done"]:
        yield "boot_done phase differs from the first signal"
    kvm = report.get("kvm_stats")
    if kvm is None:
        why = report.get("kvm_stats_missing")
        if host_has_stats_fd():
            yield f"no kvm_stats on a kernel with KVM_GET_STATS_FD ({why})"
        elif not why or why == "unknown":
            yield f"no kvm_stats and no reason ({why})"
    elif kvm.get("exits", 0) <= 0 or kvm.get("io_exits", 0) <= 0:
        yield "kvm_stats without exits/io_exits: " + json.dumps(kvm)
    if report.get("exits_to_vmm", {}).get("io", 0) <= 0:
        yield "no I/O exits to vmm"
    # COM1's registers, 0x3f8-0x3ff: the line-status polls (0x3fd) exit even where KVM queues
    # the transmit writes (0x3f8) without one.
    com1 = sum(n for port, n in report.get("io_ports", {}).items() if 0x3f8 <= int(port, 16) <= 0x3ff)
    if com1 <= 0:
        yield "no exits counted on COM1 (0x3f8-0x3ff)"
    cpu = report.get("host_cpu_ns", {})
    user, system = cpu.get("user", -1), cpu.get("system", -1)
    if user < 0 or system < 0 or not 0 < user + system <= 64 * phases["exit"]:
        yield f"host CPU time user {user} + system {system} ns not in (0, 64 x the run)"
    rss = report.get("peak_rss_kib_without_guest_ram", -1)
    if not 0 < rss < MAX_RSS_KIB:
        yield f"peak_rss_kib_without_guest_ram {rss} not in (0, {MAX_RSS_KIB}) (wrapped?)"
    out = report.get("console_out", {})
    if not 0 < out.get("writes", 0) <= out.get("bytes", 0):
        yield "console_out without bytes and writes: " + json.dumps(out)


def check(path, signal):
    try:
        report = json.load(open(path))
    except (OSError, ValueError) as e:
        return [f"not a JSON report: {e}"]
    return list(problems(report, signal))


def main():
    """One pair: prints "ok" or the problems. Several pairs (one Python start for all, which
    costs seconds in a nested guest): one line per report, "REPORT: ok" or "REPORT: ..."."""
    pairs = list(zip(sys.argv[1::2], sys.argv[2::2]))
    if not pairs or len(sys.argv) % 2 == 0:
        print("usage: check_timing.py REPORT.json SIGNAL [REPORT.json SIGNAL ...]")
        sys.exit(2)
    failed = False
    for path, signal in pairs:
        bad = check(path, signal)
        failed = failed or bool(bad)
        line = "; ".join(bad) if bad else "ok"
        print(line if len(pairs) == 1 else f"{path}: {line}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
