/* ddmin.c: Zeller's ddmin over a set of kept items, with a final one-by-one pass so the result is 1-minimal. */
#include "vmm/fuzz/ddmin.h"

#include <string.h>

/* The kept items' indices into idx[]; their count. */
static unsigned kept(const bool *keep, unsigned n, unsigned *idx)
{
	unsigned k = 0;

	for (unsigned i = 0; i < n; i++)
		if (keep[i])
			idx[k++] = i;
	return k;
}

/* Try chunk c of `parts` (alone, or its complement): on success *keep becomes that. */
static bool try_chunk(bool *keep, unsigned n, const unsigned *idx, unsigned k, unsigned parts,
		      unsigned c, bool complement, ddmin_test test, void *ctx, unsigned *calls)
{
	bool cand[DDMIN_MAX] = { false };
	unsigned lo = c * k / parts, hi = (c + 1) * k / parts;

	for (unsigned j = 0; j < k; j++)
		cand[idx[j]] = (j >= lo && j < hi) != complement;
	(*calls)++;
	if (!test(ctx, cand, n))
		return false;
	memcpy(keep, cand, n * sizeof(*keep));
	return true;
}

/* One round at `parts` chunks: true (and *parts adjusted) if the set shrank. */
static bool round_at(bool *keep, unsigned n, unsigned *parts, ddmin_test test, void *ctx,
		     unsigned *calls)
{
	unsigned idx[DDMIN_MAX], k = kept(keep, n, idx);

	for (unsigned c = 0; c < *parts; c++)
		if (try_chunk(keep, n, idx, k, *parts, c, false, test, ctx, calls)) {
			*parts = 2;
			return true;
		}
	for (unsigned c = 0; *parts > 2 && c < *parts; c++)
		if (try_chunk(keep, n, idx, k, *parts, c, true, test, ctx, calls)) {
			*parts = *parts - 1;
			return true;
		}
	return false;
}

unsigned ddmin(bool *keep, unsigned n, ddmin_test test, void *ctx)
{
	unsigned calls = 0, parts = 2, idx[DDMIN_MAX];

	if (n > DDMIN_MAX)
		return 0;
	for (unsigned k = kept(keep, n, idx); k >= 2; k = kept(keep, n, idx)) {
		if (round_at(keep, n, &parts, test, ctx, &calls))
			continue;
		if (parts >= k)
			break;
		parts = parts * 2 < k ? parts * 2 : k;
	}
	/* 1-minimal: no single item can go (ddmin at granularity k already tried this, but
	 * only when it got there; a flaky test can stop it early). */
	for (unsigned i = 0; i < n; i++) {
		if (!keep[i])
			continue;
		keep[i] = false;
		calls++;
		if (!test(ctx, keep, n))
			keep[i] = true;
	}
	return calls;
}
