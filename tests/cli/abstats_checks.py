#!/usr/bin/env python3
"""abstats_checks.py: scripts/abstats.py and bench_ab.py's pure parts on fixed samples; prints
"ok NAME" or "fail NAME: REASON" per check (tests/cli/abstats-tests.sh turns them into results)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
import abstats  # noqa: E402
import bench_ab  # noqa: E402

# Ten boot_done times (ms) as a quiet host gives them.
A = [301.2, 298.7, 305.4, 299.9, 302.3, 300.8, 297.5, 303.1, 304.0, 299.2]
CHECKS = []


def check(fn):
    CHECKS.append(fn)
    return fn


def scaled(factor):
    return [x * factor for x in A]


@check
def identical_samples_p_one():
    c = abstats.compare(A, list(A))
    assert c["p"] == 1.0 and c["change"] == 0.0, f"p {c['p']}, change {c['change']}"
    assert not c["significant"] and not c["regression"], c


@check
def shift_20_percent_is_regression():
    c = abstats.compare(A, scaled(1.2))
    assert c["p"] < 0.01, f"p {c['p']}"
    assert abs(c["change"] - 0.2) < 1e-9, f"change {c['change']}"
    assert c["regression"] and c["significant"] and not c["improvement"], c


@check
def shift_below_min_change_not_regression():
    c = abstats.compare(A, [x + 6 for x in A])  # +2%: every B slower, so significant, but small
    assert c["p"] < 0.01, f"p {c['p']} (a 2% shift of these samples is detectable)"
    assert 0 < c["change"] < 0.05 and not c["regression"] and not c["significant"], c


@check
def speed_up_is_improvement():
    c = abstats.compare(A, scaled(0.8))
    assert c["improvement"] and not c["regression"] and c["p"] < 0.01, c


@check
def mean_statistic_as_firecracker():
    c = abstats.compare(A, scaled(1.2), statistic="mean")
    assert c["p"] < 0.01 and c["regression"], c
    assert abs(c["change"] - 0.2) < 1e-9, c["change"]


@check
def thresholds_are_parameters():
    c = abstats.compare(A, scaled(1.2), alpha=0.01, min_change=0.25)
    assert not c["regression"], "a 20% slowdown counted with min_change 25%"
    v = abstats.verdict(0.02, 0.3, alpha=0.01, min_change=0.05)
    assert not v["significant"], "p 0.02 counted at alpha 0.01"
    v = abstats.verdict(0.009, 0.05, alpha=0.01, min_change=0.05)
    assert v["regression"], "p 0.009 and exactly 5% not a regression"


@check
def deterministic_per_seed():
    b = scaled(1.03)
    one = abstats.compare(A, b, resamples=999, seed=5)
    two = abstats.compare(A, b, resamples=999, seed=5)
    assert one == two, "same seed, different results"
    other = abstats.permutation_test(A, b, 999, seed=6)
    assert other != one["p"] or abstats.bootstrap_ci(A, 999, 6) != tuple(one["A"]["ci95"]), \
        "seed changes nothing"


@check
def bootstrap_ci_contains_median():
    for samples in (A, scaled(1.2), [1.0, 2.0, 3.0, 100.0], [5.0, 5.0, 5.0]):
        lo, hi = abstats.bootstrap_ci(samples, 2000, seed=3)
        m = abstats.median(samples)
        assert lo <= m <= hi, f"{m} outside [{lo}, {hi}] for {samples}"
        assert min(samples) <= lo and hi <= max(samples), f"[{lo}, {hi}] outside the samples"


@check
def p_value_bounds():
    p = abstats.permutation_test(A, scaled(2.0), resamples=99, seed=1)
    assert 0 < p <= 1 and p == 1 / 100, f"p {p}: want 1/100 when nothing beats the observed"


@check
def percentile_interpolates():
    assert abstats.percentile([1, 2, 3, 4, 5], 0.5) == 3
    assert abstats.percentile([0, 10], 0.25) == 2.5
    assert abstats.percentile([7], 0.975) == 7


@check
def too_few_samples_gives_none():
    assert abstats.compare([1.0], A) is None and abstats.compare(A, []) is None


@check
def schedule_interleaves():
    assert bench_ab.schedule(3, "alternate", 1) == list("ABABAB")
    assert bench_ab.schedule(4, "abba", 1) == list("ABBAABBA"), "abba: each side first as often"
    r = bench_ab.schedule(20, "random", 7)
    pairs = [r[i:i + 2] for i in range(0, 40, 2)]
    assert all(sorted(p) == ["A", "B"] for p in pairs), "a round without both sides"
    assert ["B", "A"] in pairs and ["A", "B"] in pairs, "random order never varies"
    assert r == bench_ab.schedule(20, "random", 7), "same seed, different order"


@check
def samples_drop_warmup_and_failures():
    ph = {"options_parsed": 1.0, "vm_created": 4.0, "boot_done": 10.0}
    runs = [{"variant": "A", "warmup": True, "status": 0, "wall_ms": 99.0, "phases_ms": ph},
            {"variant": "A", "warmup": False, "status": 0, "wall_ms": 12.0, "phases_ms": ph},
            {"variant": "B", "warmup": False, "status": 7, "wall_ms": 12.0, "phases_ms": ph},
            {"variant": "B", "warmup": False, "status": 0, "wall_ms": 13.0, "phases_ms": ph}]
    s = bench_ab.samples(runs)
    assert s["A"]["wall"] == [12.0] and s["B"]["wall"] == [13.0], s
    assert s["A"]["+vm_created"] == [3.0] and s["A"]["+options_parsed"] == [1.0], s["A"]


@check
def guest_segments_span_the_same_two_points():
    """--phases' points: a segment from the point before it in the first run's order (the first
    from first_kvm_run), and none in a run that missed that point."""
    full = {"first_kvm_run": 10.0, "guest:start_kernel": 30.0, "guest:rest_init": 70.0,
            "guest:kernel_init": 75.0}
    missed = {"first_kvm_run": 10.0, "guest:start_kernel": 32.0, "guest:kernel_init": 80.0}
    runs = [{"variant": side, "warmup": False, "status": 0, "wall_ms": 90.0, "phases_ms": ph}
            for side, ph in (("A", full), ("A", missed), ("B", full))]
    s = bench_ab.samples(runs)
    assert s["A"]["+guest:start_kernel"] == [20.0, 22.0], s["A"]
    assert s["A"]["+guest:rest_init"] == [40.0], s["A"]
    assert s["A"]["+guest:kernel_init"] == [5.0], "not 48: rest_init was missed"
    assert s["A"]["guest:kernel_init"] == [75.0, 80.0], s["A"]


@check
def min_p_is_the_exact_floor():
    """The smallest p the exact test can give, by enumeration: the median needs 8 a side for
    p < 0.01, the mean 5 (with 6 a side the median's floor is 12 of 924 splits)."""
    med, mean = abstats.STATISTICS["median"], abstats.STATISTICS["mean"]
    assert abs(abstats.min_p(6, 6, med) - 12 / 924) < 1e-12, abstats.min_p(6, 6, med)
    assert abstats.min_p(7, 7, med) >= 0.01 > abstats.min_p(8, 8, med)
    assert abs(abstats.min_p(5, 5, mean) - 2 / 252) < 1e-12, abstats.min_p(5, 5, mean)
    assert abstats.compare(A[:4], scaled(1.5)[:4])["can_reach_alpha"] is False


@check
def holm_adjusts_a_family():
    adj = abstats.holm([0.01, 0.04, 0.03, 0.005])
    assert [round(x, 6) for x in adj] == [0.03, 0.06, 0.06, 0.02], adj


@check
def equal_differences_tie_despite_rounding():
    """The mean of the same numbers in another order can round a hair lower: such a
    relabelling still counts as at least as large (exact p 0.4545; before, 0.4159)."""
    a, b = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [0.2, 0.3, 0.4, 0.5, 0.6, 0.7]
    p = abstats.permutation_test(a, b, 9999, 0, abstats.STATISTICS["mean"])
    assert abs(p - 0.4545) < 0.02, p


@check
def failures_counted_per_side():
    runs = [{"variant": "A", "warmup": True, "status": 3}, {"variant": "A", "warmup": False, "status": 0},
            {"variant": "B", "warmup": False, "status": "timeout"}, {"variant": "B", "warmup": False, "status": 3}]
    assert bench_ab.failures(runs) == {"A": 0, "B": 2}, bench_ab.failures(runs)


def main():
    bad = 0
    for fn in CHECKS:
        try:
            fn()
            print(f"ok {fn.__name__.replace('_', '-')}")
        except Exception as e:  # noqa: BLE001 (an error in a check is its failure)
            bad += 1
            print(f"fail {fn.__name__.replace('_', '-')}: {e}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
