"""abstats.py: A/B statistics for boot times (standard library only): medians, bootstrap CIs, a
permutation test on the difference, and the regression verdict Firecracker's A/B tests use
(significant at p < alpha AND a relative change of at least min_change)."""
import functools
import itertools
import math
import random
import statistics

STATISTICS = {"median": statistics.median, "mean": statistics.fmean}


def median(samples):
    """The median of a non-empty sequence of numbers."""
    return statistics.median(samples)


def percentile(ordered, q):
    """The q-th quantile (0..1) of sorted numbers, interpolated linearly between ranks."""
    pos = q * (len(ordered) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def bootstrap_ci(samples, resamples=9999, seed=0, level=0.95, stat=median):
    """Percentile bootstrap confidence interval (lo, hi) of stat(samples): `resamples` draws
    with replacement from a random.Random(seed), so the same inputs give the same interval."""
    rng = random.Random(seed)
    n = len(samples)
    draws = sorted(stat(rng.choices(samples, k=n)) for _ in range(resamples))
    tail = (1 - level) / 2
    return percentile(draws, tail), percentile(draws, 1 - tail)


def permutation_test(a, b, resamples=9999, seed=0, stat=median):
    """Two-sided p-value of stat(b) - stat(a) under the null that the labels A and B are
    exchangeable: the share of `resamples` random relabellings (random.Random(seed)) whose
    difference is at least as large in magnitude, counting the observed one, so p > 0."""
    rng = random.Random(seed)
    observed = abs(stat(b) - stat(a))
    pooled = list(a) + list(b)
    n = len(a)
    hits = 0
    # A relabelling whose difference equals the observed one counts, also where floating point
    # rounds it a hair lower (the mean of the same numbers summed in another order).
    floor = observed - 1e-9 * max(1.0, observed)
    for _ in range(resamples):
        rng.shuffle(pooled)
        if abs(stat(pooled[n:]) - stat(pooled[:n])) >= floor:
            hits += 1
    return (hits + 1) / (resamples + 1)


# Beyond this many splits min_p() does not enumerate them: its floor is far below any alpha used.
MIN_P_SPLITS = 200000


@functools.lru_cache(maxsize=None)
def min_p(n_a, n_b, stat=median):
    """The smallest two-sided p the exact permutation test can give with n_a and n_b samples
    of distinct values (ties only raise it): the share of the C(n_a + n_b, n_a) splits whose
    |stat(B) - stat(A)| reaches the largest one. For the median more splits than the two
    extreme ones reach it (swapping the outermost values moves no median): 6 a side, 12 of 924.
    0.0 where there are more than MIN_P_SPLITS splits."""
    total = math.comb(n_a + n_b, n_a)
    if total > MIN_P_SPLITS:
        return 0.0
    ranks = range(n_a + n_b)
    diffs = []
    for a in itertools.combinations(ranks, n_a):
        chosen = set(a)
        diffs.append(abs(stat([r for r in ranks if r not in chosen]) - stat(a)))
    top = max(diffs)
    return sum(d >= top - 1e-9 for d in diffs) / total


def holm(pvalues):
    """Holm's step-down adjustment (1979) of a family of p-values, in their order: each
    adjusted p is what to compare with alpha so that the chance of any false finding in the
    family stays at most alpha (the family-wise error rate), whatever their dependence."""
    order = sorted(range(len(pvalues)), key=lambda i: pvalues[i])
    adjusted, running = [0.0] * len(pvalues), 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (len(pvalues) - rank) * pvalues[i]))
        adjusted[i] = running
    return adjusted


def relative_change(a, b, stat=median):
    """(stat(b) - stat(a)) / stat(a): +0.2 means B takes 20% longer than A."""
    base = stat(a)
    return (stat(b) - base) / base if base else 0.0


def verdict(p, change, alpha=0.01, min_change=0.05):
    """Significant: p < alpha and |change| >= min_change; for times, a significant rise is a
    regression and a significant fall an improvement."""
    significant = p < alpha and abs(change) >= min_change
    return {"significant": significant, "regression": significant and change > 0,
            "improvement": significant and change < 0}


def describe(samples, resamples, seed, stat):
    """n, median, mean, the compared statistic (`stat`: the median or the mean) and its
    bootstrap 95% CI, for one variant's samples."""
    lo, hi = bootstrap_ci(samples, resamples, seed, stat=stat)
    return {"n": len(samples), "median": median(samples), "mean": statistics.fmean(samples),
            "stat": stat(samples), "ci95": [lo, hi]}


def compare(a, b, resamples=9999, seed=0, alpha=0.01, min_change=0.05, statistic="median"):
    """Everything about one metric: both variants described, the relative change of the
    statistic, the permutation test's p and the verdict; None with fewer than 2 samples a side."""
    if len(a) < 2 or len(b) < 2:
        return None
    stat = STATISTICS[statistic]
    p = permutation_test(a, b, resamples, seed, stat)
    change = relative_change(a, b, stat)
    floor = min_p(len(a), len(b), stat)
    return {"A": describe(a, resamples, seed, stat), "B": describe(b, resamples, seed, stat),
            "change": change, "p": p, "min_p": floor, "can_reach_alpha": floor < alpha,
            **verdict(p, change, alpha, min_change)}
