"""profdiff.py: scripts/profile-diff's comparison, also used by `scripts/bench --ab --profile`:
which functions a change made slower or faster, from vmm's folded profiles.

Usage: scripts/profile-diff [OPTIONS] --a A.folded [A2.folded ...] --b B.folded [B2.folded ...]

Each file is one boot's `--profile-out` (one `class;outer;...;leaf N` line per stack). Per
function and per boot, the samples with the function as the leaf (self) or anywhere in the
stack (total, counted once per stack); per side their mean over the boots; between the sides
the change of the mean and, for the --top rows with at least 2 boots a side, a permutation
test over the boots (scripts/abstats.py): a function is `slower` or `faster` when p < --alpha
and the change is at least --min-change percent, as `scripts/bench --ab` decides for phases
(at the default 0.01 that takes 5 boots a side at the very least; the rows shown are one family
of tests, their verdicts from Holm-adjusted p-values).
The statistic is the mean (--statistic median as bench's): with 5 boots a side the median's
test cannot tell even a function that vanished (53 samples a boot to 0: p = 0.17, nested). Samples are time when
both sides sampled at one rate (`--profile=HZ`); --share compares each function's share of its
boot's samples instead (for runs of different lengths). Rows are the --top functions by the
size of their change; --class keeps only stacks of one address class (kernel, decompressor,
early, userspace). Exit status 0, 1 when --fail-on-regression and a function is slower, 2 for
bad input (one line naming the file and line).
"""
import argparse
import sys

import abstats  # standard library only, beside this module


class InputError(Exception):
    """A folded file that cannot be read: the message names the file and line."""


def read_folded(path, keep_class=None):
    """One boot's samples per function: (self, total, samples in all), from a folded file."""
    self_samples, total_samples, all_samples = {}, {}, 0
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise InputError(f"{path}: {e.strerror}") from e
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        stack, _, count = line.rpartition(" ")
        if not stack or not (count.isascii() and count.isdigit()):  # int() refuses "²"
            raise InputError(f"{path}:{number}: not 'frame;frame;... COUNT': {line[:80]!r}")
        frames = stack.split(";")
        if keep_class is not None and frames[0] != keep_class:
            continue
        n = int(count)
        all_samples += n
        functions = frames[1:] or frames  # the class alone: a sample with no frame of its own
        self_samples[functions[-1]] = self_samples.get(functions[-1], 0) + n
        for name in set(functions):
            total_samples[name] = total_samples.get(name, 0) + n
    return self_samples, total_samples, all_samples


def per_boot(boots, name, by, share):
    """The function's value in each boot: samples, or per cent of the boot's samples."""
    values = []
    for self_samples, total_samples, all_samples in boots:
        n = (self_samples if by == "self" else total_samples).get(name, 0)
        values.append(100.0 * n / all_samples if share and all_samples else float(n))
    return values


def compare_function(name, a, b, args):
    """One row: the medians and the change (the test comes later, for the rows shown)."""
    va = per_boot(a, name, args.by, args.share)
    vb = per_boot(b, name, args.by, args.share)
    stat = abstats.STATISTICS[args.statistic]
    ma, mb = stat(va), stat(vb)
    change = (mb - ma) / ma if ma else (float("inf") if mb else 0.0)
    return {"name": name, "a": ma, "b": mb, "delta": mb - ma, "change": change, "p": None,
            "verdict": "-", "values": (va, vb)}


def test_row(row, args):
    """The permutation test over the boots (2 or more a side): the row's p."""
    va, vb = row["values"]
    if len(va) < 2 or len(vb) < 2:
        return
    row["p"] = abstats.permutation_test(va, vb, args.resamples, args.seed,
                                        abstats.STATISTICS[args.statistic])


def test_rows(rows, args):
    """Test every row, then the verdicts from Holm-adjusted p-values over the rows tested
    (`p_holm`): slower, faster or same (a function new in B counts as a change of +100%).
    Twenty tests at alpha each gave a false verdict in 27% of A/A comparisons (simulated,
    500 functions, 6 boots a side); adjusted, the chance of any among them stays near alpha."""
    for row in rows:
        test_row(row, args)
    tested = [r for r in rows if r["p"] is not None]
    for row, adjusted in zip(tested, abstats.holm([r["p"] for r in tested])):
        row["p_holm"] = adjusted
        change = row["change"] if row["a"] else (1.0 if row["b"] else 0.0)
        v = abstats.verdict(adjusted, change, args.alpha, args.min_change / 100)
        row["verdict"] = "slower" if v["regression"] else "faster" if v["improvement"] else "same"


def format_row(row, share):
    unit = "%" if share else ""
    change = "new" if row["change"] == float("inf") else f"{100 * row['change']:+.1f}%"
    p = "-" if row["p"] is None else f"{row['p']:.4f}"
    holm = "-" if row.get("p_holm") is None else f"{row['p_holm']:.4f}"
    return (f"{row['name'][:48]:48} {row['a']:10.1f}{unit} {row['b']:10.1f}{unit} "
            f"{row['delta']:+10.1f} {change:>9} {p:>7} {holm:>7}  {row['verdict']}")


def parse_args(argv):
    p = argparse.ArgumentParser(prog="profile-diff", description="which functions a change made "
                                "slower or faster, from vmm's folded profiles (one file a boot)")
    p.add_argument("--a", nargs="+", required=True, metavar="FOLDED", help="side A's boots")
    p.add_argument("--b", nargs="+", required=True, metavar="FOLDED", help="side B's boots")
    p.add_argument("--a-name", default="A")
    p.add_argument("--b-name", default="B")
    p.add_argument("--by", choices=("self", "total"), default="self")
    p.add_argument("--share", action="store_true", help="per cent of each boot's samples")
    p.add_argument("--class", dest="keep_class", metavar="CLASS",
                   help="only stacks of this address class")
    p.add_argument("--statistic", choices=sorted(abstats.STATISTICS), default="mean")
    p.add_argument("--top", type=int, default=20)
    p.add_argument("--alpha", type=float, default=0.01)
    p.add_argument("--min-change", type=float, default=5.0, metavar="PCT")
    p.add_argument("--resamples", type=int, default=9999)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--fail-on-regression", action="store_true")
    args = p.parse_args(argv)
    if args.top < 1 or args.resamples < 1 or not 0 < args.alpha < 1 or args.min_change < 0:
        p.error("--top and --resamples must be at least 1, --alpha in (0, 1), --min-change >= 0")
    return args


def compare(args):
    """The comparison as lines to print, the rows shown, and the slower and faster functions.
    Raises InputError for a file that cannot be read."""
    a = [read_folded(path, args.keep_class) for path in args.a]
    b = [read_folded(path, args.keep_class) for path in args.b]
    names = set()
    for self_samples, total_samples, _ in a + b:
        names.update(self_samples if args.by == "self" else total_samples)
    rows = [compare_function(name, a, b, args) for name in sorted(names)]
    rows.sort(key=lambda r: (-abs(r["delta"]), r["name"]))
    unit = "share of samples" if args.share else "samples"
    where = f", class {args.keep_class}" if args.keep_class else ""
    lines = [f"profile-diff: {args.a_name} {len(a)} boot(s), {args.b_name} {len(b)} boot(s); "
             f"{args.by} {unit} per boot, {args.statistic}s{where}",
             f"  samples per boot (median): {args.a_name} {abstats.median([x[2] for x in a]):.0f}, "
             f"{args.b_name} {abstats.median([x[2] for x in b]):.0f}"]
    if len(a) < 2 or len(b) < 2:
        lines.append("  one boot on a side: no test (a boot's profile varies from boot to boot; "
                     "give 2 or more a side)")
    else:
        # The smallest p the exact test of these sizes and statistic can give (abstats.min_p).
        floor = abstats.min_p(len(a), len(b), abstats.STATISTICS[args.statistic])
        if floor >= args.alpha:
            lines.append(f"  {len(a)} and {len(b)} boots: no p below {floor:.4f} is possible "
                         f"for the {args.statistic}, none can pass --alpha {args.alpha}: "
                         "give more boots a side")
        tests = min(args.top, len(rows))
        lines.append(f"  the {tests} rows shown are tested together: verdicts use Holm-adjusted "
                     f"p (p holm) at --alpha {args.alpha}; the rows were picked by the size of "
                     "their change, so a verdict near the line is still worth a second run")
    shown = rows[:args.top]
    test_rows(shown, args)
    lines.append(f"{'function':48} {args.a_name:>10} {args.b_name:>10} {'B-A':>10} {'change':>9} "
                 f"{'p':>7} {'p holm':>7}  verdict")
    lines += [format_row(row, args.share) for row in shown]
    slower = [r["name"] for r in shown if r["verdict"] == "slower"]
    faster = [r["name"] for r in shown if r["verdict"] == "faster"]
    lines.append(f"slower in {args.b_name}: {', '.join(slower) or 'none'}; "
                 f"faster: {', '.join(faster) or 'none'}")
    return {"lines": lines, "rows": shown, "slower": slower, "faster": faster}


def main(argv):
    args = parse_args(argv)
    try:
        result = compare(args)
    except InputError as e:
        print(f"profile-diff: {e}", file=sys.stderr)
        return 2
    except Exception as e:  # noqa: BLE001 (any failure is an error, 2, never "slower", 1)
        print(f"profile-diff: internal error: {e!r}", file=sys.stderr)
        return 2
    print("\n".join(result["lines"]))
    return 1 if args.fail_on_regression and result["slower"] else 0
