#!/usr/bin/env python3
"""bench_ab.py: scripts/bench --ab, the A/B comparison of two vmm variants (binary, kernel,
command line), in two stages: `run` boots both, interleaved, where /dev/kvm works and prints
one "AB-RUNS {json}" line (with --profile, before it an "AB-PROFILE {json}" line per run: its
folded profile, compressed); `report` (on the launching host) adds the statistics (abstats.py),
the host fingerprint, OUT/ab.json, the table, the functions that changed (profdiff.py) and the
chart (gnuplot), and sets the exit status.
"""
import argparse
import base64
import json
import os
import random
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import zlib

import abstats
import profdiff

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MARKER = "VMM-GUEST: userspace reached"
APPEND = "console=ttyS0 reboot=k panic=-1 quiet guest.action=reboot"
LIMIT = 300.0
GUEST = "guest:"  # the prefix of --phases' kernel points among the metrics
# vmm's phases in boot order (README, "Boot timing"); others it may add go after them.
PHASES = ["options_parsed", "files_mapped", "image_decoded", "vm_created", "ram_registered",
          "vcpu_created", "entry_state_loaded", "first_kvm_run", "first_serial_byte",
          "boot_done", "exit"]


def die(msg):
    """Exit 2 with one line: an error, never to be taken for a regression (1)."""
    print(f"bench --ab: {msg}", file=sys.stderr)
    sys.exit(2)


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="scripts/bench --ab", description="A/B boot-time comparison of two vmm variants: "
        "the shared options set both, --a-*/--b-* one side.", epilog="Exit status: 0, or 1 for "
        "a significant regression with --fail-on-regression, 2 for an error or no results.")
    p.add_argument("stage", choices=["run", "report"], help=argparse.SUPPRESS)
    p.add_argument("--log", help=argparse.SUPPRESS)
    for side in ("", "a-", "b-"):
        which = {"": "both variants", "a-": "variant A", "b-": "variant B"}[side]
        p.add_argument(f"--{side}vmm", metavar="PATH", help=f"vmm binary for {which}")
        p.add_argument(f"--{side}kernel", metavar="PATH", help=f"guest kernel for {which}")
        p.add_argument(f"--{side}initrd", metavar="PATH", help=f"initramfs for {which}")
        p.add_argument(f"--{side}append", metavar="PARAMS",
                       help=f"kernel parameters added for {which}")
        p.add_argument(f"--{side}args", metavar="OPTIONS",
                       help=f"extra vmm options for {which} (shell words)")
        p.add_argument(f"--{side}symbols", metavar="PATH",
                       help=f"with --profile: vmm --symbols for {which} (its kernel)")
    p.add_argument("--a-name", default="A", metavar="NAME", help="label of A (%(default)s)")
    p.add_argument("--b-name", default="B", metavar="NAME", help="label of B (%(default)s)")
    p.add_argument("--mem", type=int, default=512, metavar="MIB", help="guest RAM (%(default)s)")
    p.add_argument("--marker", default=MARKER, help="boot-done text on the console (the test "
                   "guest's by default)")
    p.add_argument("--runs", type=int, default=10, metavar="N",
                   help="measured runs per variant (%(default)s)")
    p.add_argument("--warmup", type=int, default=1, metavar="N",
                   help="rounds run first and dropped (%(default)s)")
    p.add_argument("--order", choices=["abba", "alternate", "random"], default="abba",
                   help="A,B then B,A in turn (each side as often first as second), A,B every "
                   "round, or a seeded random order per round (%(default)s)")
    p.add_argument("--seed", type=int, default=1, metavar="N",
                   help="seed of the order and the statistics (%(default)s)")
    p.add_argument("--resamples", type=int, default=9999, metavar="N",
                   help="bootstrap and permutation draws (%(default)s)")
    p.add_argument("--alpha", type=float, default=0.01, metavar="P",
                   help="significance level (%(default)s)")
    p.add_argument("--min-change", type=float, default=5.0, metavar="PCT",
                   help="least relative slowdown that counts, %% (%(default)s)")
    p.add_argument("--statistic", choices=sorted(abstats.STATISTICS), default="median",
                   help="what the permutation test and the change compare (%(default)s)")
    p.add_argument("--gate", default="boot_done", metavar="METRICS",
                   help="metrics (comma-separated) whose regression counts, or all "
                   "(%(default)s)")
    p.add_argument("--fail-on-regression", action="store_true", help="exit 1 on a regression")
    p.add_argument("--out", default=os.path.join(ROOT, "build", "bench-ab"), metavar="DIR",
                   help="where ab.json and ab.png go (build/bench-ab)")
    p.add_argument("--local", action="store_true",
                   help="run here as given: no build, no test guest, no scripts/with-kvm")
    p.add_argument("--profile", nargs="?", const="", metavar="HZ",
                   help="profile every run (vmm --profile[=HZ]) and compare the functions "
                   "(scripts/profile-diff) after the phases")
    p.add_argument("--profile-class", metavar="CLASS",
                   help="with --profile: compare one address class only (kernel, "
                   "decompressor, early, userspace)")
    p.add_argument("--profile-by", choices=("self", "total"), default="self",
                   help="with --profile: a function's samples as the leaf or anywhere in the "
                   "stack (%(default)s)")
    p.add_argument("--profile-top", type=int, default=20, metavar="N",
                   help="with --profile: functions shown and tested (%(default)s)")
    args = p.parse_args(argv)
    if args.runs < 2 or args.warmup < 0 or args.resamples < 1:
        p.error("--runs must be at least 2, --warmup at least 0, --resamples at least 1")
    if not 0 < args.alpha < 1:
        p.error(f"--alpha {args.alpha}: not a significance level (between 0 and 1)")
    if args.profile not in (None, "") and not (args.profile.isdigit() and int(args.profile) > 0):
        p.error(f"--profile={args.profile}: not a rate in Hz (a whole number above 0)")
    if args.profile_top < 1:
        p.error("--profile-top must be at least 1")
    return args


def variant(args, side):
    """The command line of one side: its own options where given, else the shared ones."""
    pick = lambda key: getattr(args, f"{side}_{key}") or getattr(args, key)  # noqa: E731
    vmm = os.path.abspath(pick("vmm") or os.path.join(ROOT, "build", "vmm"))
    kernel = pick("kernel")
    if not kernel:
        die(f"no kernel for {side.upper()} (--kernel or --{side}-kernel)")
    append = " ".join(x for x in (APPEND, args.append, getattr(args, f"{side}_append")) if x)
    cmd = [vmm, "--kernel", os.path.abspath(kernel), "--mem", f"{args.mem}M"]
    if pick("initrd"):
        cmd += ["--initrd", os.path.abspath(pick("initrd"))]
    cmd += ["--append", append, "--timing=json", "--timing-marker", args.marker]
    cmd += shlex.split(pick("args") or "")
    if args.profile is not None:
        cmd += ["--profile" + (f"={args.profile}" if args.profile else ""),
                "--symbols", os.path.abspath(pick("symbols") or kernel)]
    return {"name": getattr(args, f"{side}_name"), "cmd": cmd}


def schedule(rounds, order, seed):
    """The sides in run order: A,B and B,A in turn (abba: a cost of the second run of a round,
    a warm page cache or a hotter CPU, falls on both sides alike), A,B every round
    (alternate: it falls on B alone), or each round's order drawn from random(seed)."""
    rng = random.Random(seed)
    out = []
    for rnd in range(rounds):
        pair = ["A", "B"] if order != "abba" or rnd % 2 == 0 else ["B", "A"]
        if order == "random":
            rng.shuffle(pair)
        out += pair
    return out


def boot(cmd):
    """One boot: (exit status, wall ms, phases in ms from vmm's --timing=json report: its own,
    and with --phases the kernel's points as `guest:NAME`)."""
    start = time.monotonic()
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=LIMIT, check=False)
    except subprocess.TimeoutExpired:
        return "timeout", None, {}
    wall = (time.monotonic() - start) * 1000
    lines = p.stderr.decode(errors="replace").strip().splitlines()
    try:
        report = json.loads(lines[-1]) if lines else {}
        phases = dict(report.get("phases_ns", {}),
                      **{GUEST + k: v for k, v in report.get("guest_phases_ns", {}).items()})
    except (ValueError, AttributeError):
        phases = {}
    return p.returncode, wall, {k: v / 1e6 for k, v in phases.items()}


def read(path, default="absent"):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return default


def fingerprint():
    """What about the host moves boot times: its kernel, CPU, nesting, THP, nx_huge_pages."""
    cpuinfo = read("/proc/cpuinfo", "")
    model = next((l.split(":", 1)[1].strip() for l in cpuinfo.splitlines()
                  if l.startswith("model name")), "unknown")
    flags = next((l.split(":", 1)[1].split() for l in cpuinfo.splitlines()
                  if l.startswith("flags")), [])
    thp = read("/sys/kernel/mm/transparent_hugepage/enabled")
    return {"kernel": os.uname().release, "cpu": model, "cpus": os.cpu_count(),
            "nested": "hypervisor" in flags or os.environ.get("WITH_KVM_NESTED") == "1",
            "hypervisor_flag": "hypervisor" in flags,
            "with_kvm_l1": os.environ.get("WITH_KVM_NESTED") == "1",
            "thp": thp.split("[")[1].split("]")[0] if "[" in thp else thp,
            "nx_huge_pages": read("/sys/module/kvm/parameters/nx_huge_pages")}


def print_profile(index, path):
    """One run's folded profile as an "AB-PROFILE" line (zlib, base64: the runs happen where
    files may not come back, e.g. in the nested L1; only stdout does)."""
    try:
        with open(path, "rb") as f:
            folded = f.read()
        os.unlink(path)
    except OSError:
        return
    z = base64.b64encode(zlib.compress(folded, 9)).decode()
    print("AB-PROFILE " + json.dumps({"run": index, "z": z}), flush=True)


def run_stage(args):
    variants = {"A": variant(args, "a"), "B": variant(args, "b")}
    order = schedule(args.warmup + args.runs, args.order, args.seed)
    folded = None
    if args.profile is not None:
        folded = os.path.join(tempfile.mkdtemp(prefix="bench-ab-"), "run.folded")
        for v in variants.values():
            v["cmd"] += ["--profile-out", folded]
    runs = []
    for i, side in enumerate(order):
        status, wall, phases = boot(variants[side]["cmd"])
        if folded:
            print_profile(i, folded)
        rnd = i // 2
        runs.append({"variant": side, "round": rnd, "warmup": rnd < args.warmup,
                     "status": status, "wall_ms": wall, "phases_ms": phases})
        done = phases.get("boot_done")
        print(f"bench-ab: round {rnd + 1}{' (warm-up)' if rnd < args.warmup else ''} "
              f"{side} {variants[side]['name']}: status {status}, boot_done "
              f"{f'{done:.1f} ms' if done is not None else 'none'}", flush=True)
    if folded:
        shutil.rmtree(os.path.dirname(folded), ignore_errors=True)
    print("AB-RUNS " + json.dumps({"variants": variants, "runs": runs,
                                   "fingerprint": fingerprint()}), flush=True)


def guest_points(phases):
    """A run's kernel points (--phases), in the order it passed them."""
    return sorted((k for k in phases if k.startswith(GUEST)), key=phases.get)


def samples(runs):
    """Per side, metric -> the values of the measured runs that ended with status 0: every
    phase (ms since vmm started), `wall` (ms the process lived) and `+PHASE` segments (ms from
    the phase before it, or from the start; a guest point's from the point before it in the
    first such run's order, the first one's from first_kvm_run, and none where the run missed
    the point before it: a segment always spans the same two points)."""
    out = {"A": {}, "B": {}}
    good = [r for r in runs if not r["warmup"] and r["status"] == 0]
    order = next((o for o in (guest_points(r["phases_ms"]) for r in good) if o), [])
    for r in good:
        ph = r["phases_ms"]
        own = [k for k in ph if not k.startswith(GUEST)]
        names = sorted(own, key=lambda k: (PHASES.index(k) if k in PHASES else len(PHASES), ph[k]))
        values = dict(ph, wall=r["wall_ms"])
        values.update({"+" + k: ph[k] - (ph[p] if p else 0) for p, k in zip([None] + names, names)})
        for prev, k in zip(["first_kvm_run"] + order, order):
            if k in ph and prev in ph:
                values["+" + k] = ph[k] - ph[prev]
        for k, v in values.items():
            out[r["variant"]].setdefault(k, []).append(v)
    return out


def statistics_of(data, args):
    """Every metric both sides have: its comparison, and whether it is gated. Where more than
    one metric is gated, their verdicts use Holm-adjusted p-values (`p_holm`): with --gate all
    a dozen correlated metrics are tested at once, and each at alpha alone would let a false
    regression through far more often than alpha."""
    gate = set(args.gate.split(","))
    result = {}
    for name in data["A"]:
        c = abstats.compare(data["A"][name], data["B"].get(name, []), args.resamples,
                            args.seed, args.alpha, args.min_change / 100, args.statistic)
        if c is not None:
            c["gated"] = not name.startswith("+") and ("all" in gate or name in gate)
            result[name] = c
    gated = [k for k, c in result.items() if c["gated"]]
    if len(gated) > 1:
        for k, adj in zip(gated, abstats.holm([result[k]["p"] for k in gated])):
            result[k]["p_holm"] = adj
            result[k].update(abstats.verdict(adj, result[k]["change"], args.alpha,
                                             args.min_change / 100))
    return result


def failures(runs):
    """Per side, the measured runs that did not exit with 0 (a timeout included): they are
    not in the statistics, and a side that fails more often is worse whatever its times."""
    return {side: sum(1 for r in runs if not r["warmup"] and r["variant"] == side
                      and r["status"] != 0) for side in "AB"}


def table(metrics, variants, statistic):
    a, b = variants["A"]["name"], variants["B"]["name"]
    lines = [f"{'metric (ms)':<22}{a + f' {statistic} [95% CI]':>30}"
             f"{b + f' {statistic} [95% CI]':>30}{'change':>9}{'p':>9}  verdict"]
    for name, m in metrics.items():
        cell = lambda d: f"{d['stat']:.2f} [{d['ci95'][0]:.2f}, {d['ci95'][1]:.2f}]"  # noqa: E731
        word = ("REGRESSION" if m["regression"] else "improvement" if m["improvement"]
                else "-") + (" (gated)" if m["gated"] else "")
        if "p_holm" in m:
            word += f" (Holm p {m['p_holm']:.4f})"
        lines.append(f"{name:<22}{cell(m['A']):>30}{cell(m['B']):>30}"
                     f"{m['change']:>+9.1%}{m['p']:>9.4f}  {word}")
    return "\n".join(lines)


def chart(out, metrics, variants, runs):
    """OUT/ab.png: the median of every phase's segment stacked per variant, and the gated
    metrics' samples in run order (gnuplot; skipped with a note where it is missing)."""
    segs = [k for k in metrics if k.startswith("+") and not k.startswith("+" + GUEST)]
    with open(os.path.join(out, "segments.dat"), "w") as f:
        f.write("variant " + " ".join(s[1:] for s in segs) + "\n")
        for side in "AB":
            f.write(f'"{variants[side]["name"]}" ' +
                    " ".join(f"{metrics[s][side]['median']:.3f}" for s in segs) + "\n")
    with open(os.path.join(out, "samples.dat"), "w") as f:
        for i, r in enumerate(x for x in runs if not x["warmup"] and x["status"] == 0):
            f.write(f"{i} {r['variant']} {r['phases_ms'].get('boot_done', 'NaN')} {r['wall_ms']}\n")
    if not shutil.which("gnuplot"):
        print("bench --ab: no gnuplot, no chart", file=sys.stderr)
        return
    script = f"""
set terminal pngcairo size 1200,900 noenhanced
set output "{out}/ab.png"
set multiplot layout 2,1
set title "vmm --timing phases per variant: median of each phase's segment, stacked (ms)"
set style data histogram
set style histogram rowstacked
set style fill solid 0.7 border -1
set boxwidth 0.5
set key outside right invert
set linetype 9 lc rgb "#8c564b"
set linetype 10 lc rgb "#17becf"
set linetype 11 lc rgb "#bcbd22"
set linetype 12 lc rgb "#7f7f7f"
set linetype cycle 12
set ylabel "ms since vmm started"
plot for [i=2:{len(segs) + 1}] "{out}/segments.dat" using i:xtic(1) title columnheader(i)
set title "boot_done and wall time of every measured run, in run order"
set key outside right noinvert
set xtics 1
set style data points
set xlabel "run"
set ylabel "ms"
plot "{out}/samples.dat" using 1:(strcol(2) eq "A" ? $3 : NaN) title "{variants['A']['name']} boot_done" pt 7, \\
     "" using 1:(strcol(2) eq "B" ? $3 : NaN) title "{variants['B']['name']} boot_done" pt 5, \\
     "" using 1:(strcol(2) eq "A" ? $4 : NaN) title "{variants['A']['name']} wall" pt 6, \\
     "" using 1:(strcol(2) eq "B" ? $4 : NaN) title "{variants['B']['name']} wall" pt 4
unset multiplot
"""
    subprocess.run(["gnuplot"], input=script.encode(), check=False)


def save_profiles(out, raw, profiles):
    """OUT/profiles/SIDE-rROUND.folded for every measured run that ended with status 0 and
    left a profile; each run's "profile" names its file. Per side, the paths."""
    paths = {"A": [], "B": []}
    shutil.rmtree(os.path.join(out, "profiles"), ignore_errors=True)
    os.makedirs(os.path.join(out, "profiles"))
    for i, r in enumerate(raw["runs"]):
        if r["warmup"] or r["status"] != 0 or i not in profiles:
            continue
        name = os.path.join("profiles", f"{r['variant']}-r{r['round'] + 1}.folded")
        try:
            folded = zlib.decompress(base64.b64decode(profiles[i]))
        except (ValueError, zlib.error) as e:
            die(f"the profile of run {i + 1} is damaged ({e})")
        with open(os.path.join(out, name), "wb") as f:
            f.write(folded)
        r["profile"] = name
        paths[r["variant"]].append(os.path.join(out, name))
    return paths


def functions_of(args, raw, paths):
    """scripts/profile-diff over the runs' profiles, with this comparison's names, alpha,
    min-change, draws and seed (its statistic stays profile-diff's mean: README)."""
    if not paths["A"] or not paths["B"]:
        die("--profile: no profile from a good measured run on "
            f"{'A' if not paths['A'] else 'B'} (does this vmm have --profile?)")
    argv = ["--a", *paths["A"], "--b", *paths["B"], "--a-name", raw["variants"]["A"]["name"],
            "--b-name", raw["variants"]["B"]["name"], "--by", args.profile_by,
            "--top", str(args.profile_top), "--alpha", str(args.alpha),
            "--min-change", str(args.min_change), "--resamples", str(args.resamples),
            "--seed", str(args.seed)]
    if args.profile_class:
        argv += ["--class", args.profile_class]
    try:
        result = profdiff.compare(profdiff.parse_args(argv))
    except profdiff.InputError as e:
        die(f"--profile: {e}")
    rows = [{k: v for k, v in r.items() if k != "values"} for r in result["rows"]]
    for r in rows:
        r["change"] = None if r["change"] == float("inf") else r["change"]
    return result["lines"], {"by": args.profile_by, "class": args.profile_class,
                             "statistic": "mean", "rows": rows, "slower": result["slower"],
                             "faster": result["faster"]}


def report_stage(args):
    raw, profiles = None, {}
    for number, line in enumerate(open(args.log, errors="replace"), 1):
        try:
            if line.startswith("AB-RUNS "):
                raw = json.loads(line[len("AB-RUNS "):])
            elif line.startswith("AB-PROFILE "):
                p = json.loads(line[len("AB-PROFILE "):])
                profiles[p["run"]] = p["z"]
        except (ValueError, KeyError, TypeError) as e:
            die(f"{args.log}:{number}: a damaged {line.split(' ', 1)[0]} line ({e})")
    if raw is None:
        die(f"no results (see {args.log})")
    stats = statistics_of(samples(raw["runs"]), args)
    if not stats:
        die("fewer than 2 good runs a side; no statistics")
    unknown = set(args.gate.split(",")) - set(stats) - {"all"}
    if unknown:
        die(f"--gate names no metric measured: {', '.join(sorted(unknown))} "
            f"(measured: {', '.join(k for k in stats if not k.startswith('+'))})")
    settings = {k: getattr(args, k) for k in ("runs", "warmup", "order", "seed", "resamples",
                                              "alpha", "min_change", "statistic", "gate")}
    regressions = [k for k, m in stats.items() if m["gated"] and m["regression"]]
    failed = failures(raw["runs"])
    if failed["B"] > failed["A"]:
        regressions.append("failed_boots")
    blind = [k for k, m in stats.items() if m["gated"] and not m["can_reach_alpha"]]
    result = {"ab": 1, "variants": raw["variants"], "settings": settings,
              "fingerprint": raw["fingerprint"], "launcher": fingerprint(),
              "metrics": {k: m for k, m in stats.items() if not k.startswith("+")},
              "segments": {k[1:]: m for k, m in stats.items() if k.startswith("+")},
              "regression": bool(regressions), "regressions": regressions,
              "failed": failed, "verdict_possible": not blind, "runs": raw["runs"]}
    os.makedirs(args.out, exist_ok=True)
    lines = []
    if args.profile is not None:
        lines, result["functions"] = functions_of(args, raw, save_profiles(args.out, raw,
                                                                           profiles))
    with open(os.path.join(args.out, "ab.json"), "w") as f:
        json.dump(result, f, indent=1)
    print(table(stats, raw["variants"], args.statistic))
    if lines:
        print("\n".join(lines))
    chart(args.out, stats, raw["variants"], raw["runs"])
    measured = {side: sum(1 for r in raw["runs"] if not r["warmup"] and r["variant"] == side)
                for side in "AB"}
    print(f"bench --ab: boots that failed or timed out (left out of the statistics): "
          f"{raw['variants']['A']['name']} {failed['A']} of {measured['A']}, "
          f"{raw['variants']['B']['name']} {failed['B']} of {measured['B']}")
    for k in blind:
        m = stats[k]
        print(f"bench --ab: {k}: with {m['A']['n']} and {m['B']['n']} good runs no p below "
              f"{m['min_p']:.4f} is possible for the {args.statistic}, so no verdict at alpha "
              f"{args.alpha}: use more --runs", file=sys.stderr)
    crit = f"p < {args.alpha} and a slowdown of at least {args.min_change:g}%"
    if regressions:
        why = "; failed_boots: B failed more boots than A" if "failed_boots" in regressions else ""
        print(f"bench --ab: significant regression in {', '.join(regressions)} ({crit}{why})")
    elif blind:
        print(f"bench --ab: no verdict possible for {', '.join(blind)}: too few runs ({crit})")
    else:
        print(f"bench --ab: no significant regression in {args.gate} ({crit})")
    print(f"bench --ab: results {args.out}/ab.json, chart {args.out}/ab.png"
          + (f", profiles {args.out}/profiles/" if lines else ""))
    return 1 if regressions and args.fail_on_regression else 0


def main():
    args = parse_args(sys.argv[1:])
    if args.stage == "run":
        run_stage(args)
        return 0
    if not args.log:
        die("report needs --log")
    return report_stage(args)


if __name__ == "__main__":
    sys.exit(main())
