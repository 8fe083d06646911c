#!/usr/bin/env python3
"""bench.py: boot one kernel + initramfs with vmm and QEMU, interleaved, where /dev/kvm works.

Usage: bench.py RUNS MEM KERNEL INITRD VMLINUX VMM [minimal=K,V] [before=VMM] [only=N,...]
                [peer=NAME=COMMAND]...

Every VMM gets the same kernel, initramfs, command line and memory size; the
guest prints MARKER when its /init runs. The time to boot-done is measured
here, for every VMM the same way: from just before the process is started
to the moment MARKER arrives on its stdout; then the VMM is killed. VM exits
per boot come from KVM's own tracepoints with ftrace hist triggers (kvm_exit
by exit_reason, kvm_userspace_exit by reason), whatever the VMM. Prints a line per boot, then
"BENCH-RESULTS {json}" (every run and the summary) and "BENCH-PHASES {json}"
(one vmm --timing=json report of a whole boot); scripts/bench turns them
into the table, results.json and the chart (the nested guest's files are
thrown away).
"""
import json
import os
import select
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import time

MARKER = b"VMM-GUEST: userspace reached"
APPEND = "console=ttyS0 reboot=k panic=-1 quiet guest.action=shell"
TRACE = "/sys/kernel/tracing"
LIMIT = 300.0


def peer_command(template, values):
    """A --peer COMMAND as one boot's argv: its shell words, each {NAME} of `values` replaced
    within the word (so {append}, with its spaces, stays one argument)."""
    words = shlex.split(template)
    for key, value in values.items():
        words = [w.replace("{" + key + "}", value) for w in words]
    return words


def variants(mem, kernel, initrd, vmlinux, vmm, cache, before=None, tag="", peers=()):
    """Every VMM and boot path for one kernel; `cache` is vmm's primed payload cache; `peers`
    (NAME, COMMAND) more VMMs by their --peer templates."""
    mib = str(mem)
    base = [vmm, "--initrd", initrd, "--mem", mib + "M", "--append", APPEND]
    qemu = ["qemu-system-x86_64", "-accel", "kvm", "-cpu", "host", "-m", mib,
            "-nodefaults", "-no-user-config", "-display", "none", "-serial", "stdio",
            "-kernel", kernel, "-initrd", initrd, "-append", APPEND]
    v = {
        "vmm-linux64": base + ["--kernel", kernel, "--boot=linux64"],
        "vmm-linux64-4cpu": base + ["--kernel", kernel, "--boot=linux64", "--cpus", "4"],
        "vmm-linux64-noacpi": base + ["--kernel", kernel, "--boot=linux64", "--no-acpi"],
        "vmm-payload-pvh-cold": base + ["--kernel", kernel, "--boot=pvh", "--no-payload-cache"],
        "vmm-payload-pvh-cached": base + ["--kernel", kernel, "--boot=pvh",
                                          "--payload-cache", cache],
        "vmm-vmlinux-pvh": base + ["--kernel", vmlinux, "--boot=pvh"],
        "qemu-q35": qemu + ["-smp", "1", "-M", "q35"],
        "qemu-microvm": qemu + ["-smp", "1", "-M", "microvm"],
        "qemu-q35-4cpu": qemu + ["-smp", "4", "-M", "q35"],
    }
    if tag:  # the minimal kernel has neither SMP nor ACPI: those rows would repeat vmm-linux64
        for k in ("vmm-linux64-4cpu", "vmm-linux64-noacpi", "qemu-q35-4cpu"):
            del v[k]
    if before:
        v["vmm-before-linux64"] = [before] + base[1:] + ["--kernel", kernel, "--boot=linux64"]
    values = {"kernel": kernel, "vmlinux": vmlinux, "initrd": initrd, "append": APPEND,
              "mem": mib}
    for name, template in peers:
        if name in v:
            sys.exit(f"bench: --peer {name}: a built-in variant has that name")
        v[name] = peer_command(template, values)
    return {tag + k: c for k, c in v.items()}


def prime_cache(vmm, kernel, initrd, mem, cache):
    """One --boot=pvh --dump-entry-state run fills the payload cache (no guest runs)."""
    subprocess.run([vmm, "--kernel", kernel, "--initrd", initrd, "--mem", f"{mem}M",
                    "--boot=pvh", "--payload-cache", cache, "--dump-entry-state"],
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, check=False)


def trace_write(path, text):
    try:
        with open(os.path.join(TRACE, path), "w") as f:
            f.write(text)
        return True
    except OSError:
        return False


def hist_total(path):
    total = 0
    try:
        for line in open(os.path.join(TRACE, path)):
            if line.startswith("{") and "hitcount:" in line:
                total += int(line.split("hitcount:")[1].split()[0])
    except OSError:
        return None
    return total


TRIGGERS = [("events/kvm/kvm_exit/trigger", "hist:keys=exit_reason"),
            ("events/kvm/kvm_userspace_exit/trigger", "hist:keys=reason")]


def arm():
    return all(trace_write(p, t) for p, t in TRIGGERS)


def disarm():
    for p, t in TRIGGERS:
        trace_write(p, "!" + t)


def boot(cmd):
    """Seconds from start to MARKER (None if it never came), exits, userspace exits."""
    traced = arm()
    start = time.monotonic()
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL)
    except OSError as e:  # a --peer whose program is not there: a row that never booted
        print(f"bench: {cmd[0]}: {e.strerror}", flush=True)
        disarm()
        return None, None, None
    seen, buf = None, b""
    while seen is None and time.monotonic() - start < LIMIT:
        ready, _, _ = select.select([proc.stdout], [], [], 1.0)
        if not ready:
            if proc.poll() is not None:
                break
            continue
        chunk = os.read(proc.stdout.fileno(), 65536)
        if not chunk:
            break
        buf = (buf + chunk)[-4096:]
        if MARKER in buf:
            seen = time.monotonic() - start
    exits = hist_total("events/kvm/kvm_exit/hist") if traced else None
    uexits = hist_total("events/kvm/kvm_userspace_exit/hist") if traced else None
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    disarm()
    return seen, exits, uexits


def summarize(results):
    rows = {}
    for name in dict.fromkeys(r["vmm"] for r in results):
        times = [r["s"] for r in results if r["vmm"] == name and r["s"] is not None]
        ex = [r["exits"] for r in results if r["vmm"] == name and r["exits"] is not None]
        ux = [r["uexits"] for r in results if r["vmm"] == name and r["uexits"] is not None]
        rows[name] = {
            "runs": sum(1 for r in results if r["vmm"] == name), "booted": len(times),
            "median_ms": round(statistics.median(times) * 1000) if times else None,
            "min_ms": round(min(times) * 1000) if times else None,
            "max_ms": round(max(times) * 1000) if times else None,
            "median_exits": round(statistics.median(ex)) if ex else None,
            "median_userspace_exits": round(statistics.median(ux)) if ux else None,
        }
    # Ratios to the fastest median for the same kernel ("min:" rows: the minimal kernel).
    def kernel_of(name):
        return name.split(":")[0] if ":" in name else ""
    for name, r in rows.items():
        best = min((o["median_ms"] for n, o in rows.items()
                    if kernel_of(n) == kernel_of(name) and o["median_ms"]), default=None)
        r["ratio"] = round(r["median_ms"] / best, 2) if best and r["median_ms"] else None
    return rows


def phases(vmm, mem, kernel, initrd, cache):
    """One vmm --timing=json report of a boot that ends by itself (guest reboot), on the
    fastest path (the payload through PVH from the primed payload cache)."""
    cmd = [vmm, "--kernel", kernel, "--initrd", initrd, "--mem", f"{mem}M",
           "--boot=pvh", "--payload-cache", cache,
           "--append", APPEND.replace("guest.action=shell", "guest.action=reboot"),
           "--timing=json", "--timing-marker", MARKER.decode()]
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=LIMIT, check=False)
        lines = p.stderr.decode(errors="replace").strip().splitlines()
        return json.loads(lines[-1]) if lines else {}
    except (subprocess.TimeoutExpired, ValueError):
        return {}


def main():
    """bench.py RUNS MEM KERNEL INITRD VMLINUX VMM [minimal=KERNEL,VMLINUX] [before=VMM]
    [only=NAME,NAME...] (only these variants) [peer=NAME=COMMAND]... (more VMMs)"""
    runs, mem, kernel, initrd, vmlinux, vmm = sys.argv[1:7]
    opts = dict(a.split("=", 1) for a in sys.argv[7:] if not a.startswith("peer="))
    peers = [tuple(a[len("peer="):].split("=", 1)) for a in sys.argv[7:] if a.startswith("peer=")]
    runs, mem = int(runs), int(mem)
    subprocess.run(["mount", "-t", "tracefs", "nodev", TRACE], stderr=subprocess.DEVNULL)
    cache = tempfile.mkdtemp(prefix="vmm-bench-cache-")
    prime_cache(vmm, kernel, initrd, mem, cache)
    vs = variants(mem, kernel, initrd, vmlinux, vmm, cache, opts.get("before"), peers=peers)
    if opts.get("minimal"):
        mk, mvl = opts["minimal"].split(",")
        prime_cache(vmm, mk, initrd, mem, cache)
        vs.update(variants(mem, mk, initrd, mvl, vmm, cache, None, "min:", peers))
    if opts.get("only"):
        vs = {k: v for k, v in vs.items() if k in opts["only"].split(",")}
    results = []
    for run in range(1, runs + 1):
        for name, cmd in vs.items():
            s, exits, uexits = boot(cmd)
            results.append({"vmm": name, "run": run, "s": s, "exits": exits, "uexits": uexits})
            print(f"bench: run {run} {name}: " +
                  (f"{s * 1000:.0f} ms" if s is not None else "no marker") +
                  f", exits {exits}, userspace exits {uexits}", flush=True)
    print("BENCH-RESULTS " + json.dumps({"mem_mib": mem, "runs": runs, "append": APPEND,
                                         "results": results, "summary": summarize(results)}))
    print("BENCH-PHASES " + json.dumps(phases(vmm, mem, kernel, initrd, cache)), flush=True)
    if opts.get("minimal"):
        print("BENCH-PHASES-MIN " + json.dumps(phases(vmm, mem, opts["minimal"].split(",")[0],
                                                      initrd, cache)), flush=True)


if __name__ == "__main__":
    main()
