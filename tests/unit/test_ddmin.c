/* test_ddmin.c: delta debugging finds the items a synthetic oracle needs, 1-minimal, in few tests. */
#include <criterion/criterion.h>

#include "vmm/fuzz/ddmin.h"

/* Fails (true: "still the same signature") while every item of `need` is kept. */
struct need {
	unsigned n, item[4];
	unsigned calls;
};

static bool needs_all(void *ctx, const bool *keep, unsigned n)
{
	struct need *q = ctx;

	(void)n;
	q->calls++;
	for (unsigned i = 0; i < q->n; i++)
		if (!keep[q->item[i]])
			return false;
	return true;
}

static void check(unsigned total, struct need q)
{
	bool keep[DDMIN_MAX];
	unsigned kept = 0;

	for (unsigned i = 0; i < total; i++)
		keep[i] = true;
	ddmin(keep, total, needs_all, &q);
	for (unsigned i = 0; i < total; i++)
		kept += keep[i];
	cr_assert_eq(kept, q.n, "%u kept of %u, want %u", kept, total, q.n);
	for (unsigned i = 0; i < q.n; i++)
		cr_assert(keep[q.item[i]], "item %u dropped", q.item[i]);
	cr_assert_lt(q.calls, 8 * total, "%u tests for %u items", q.calls, total);
}

Test(ddmin, finds_one_item)
{
	check(8, (struct need){ .n = 1, .item = { 5 } });
}

Test(ddmin, finds_two_apart)
{
	check(20, (struct need){ .n = 2, .item = { 3, 17 } });
}

Test(ddmin, keeps_everything_needed)
{
	check(3, (struct need){ .n = 3, .item = { 0, 1, 2 } });
}

Test(ddmin, nothing_needed_ends_empty)
{
	check(6, (struct need){ .n = 0 });
}

/* An oracle that only holds for an exact subset of 2 of 4 ({1, 2}) shows 1-minimality. */
static bool exactly_one_and_two(void *ctx, const bool *keep, unsigned n)
{
	(void)ctx;
	(void)n;
	return keep[1] && keep[2];
}

Test(ddmin, result_is_one_minimal)
{
	bool keep[4] = { true, true, true, true };

	ddmin(keep, 4, exactly_one_and_two, NULL);
	cr_assert(!keep[0] && keep[1] && keep[2] && !keep[3]);
}
