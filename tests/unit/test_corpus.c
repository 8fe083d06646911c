/* test_corpus.c: corpus admission by new map bits, rare-edge weights, and the scheduler's determinism per seed. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "vmm/fuzz/corpus.h"

static struct corpus c;
static uint8_t virgin[COVMAP_SIZE], bits[COVMAP_SIZE];
static struct entry_state st;

static void setup(void)
{
	cr_assert_eq(corpus_init(&c), 0);
	memset(virgin, 0xff, sizeof(virgin));
	memset(bits, 0, sizeof(bits));
}

static void teardown(void)
{
	corpus_free(&c);
}

TestSuite(corpus, .init = setup, .fini = teardown);

/* Admit a state whose map has edges e[0..n) each hit once. */
static int admit(const unsigned *e, unsigned n, uint64_t rip)
{
	memset(bits, 0, sizeof(bits));
	for (unsigned i = 0; i < n; i++)
		bits[e[i]] = 1;
	st.cpu.rip = rip;
	return corpus_admit(&c, virgin, &st, bits, rip);
}

Test(corpus, admits_only_news)
{
	cr_assert_eq(admit((unsigned[]){ 1, 2, 3 }, 3, 0x100), 1);
	cr_assert_eq(admit((unsigned[]){ 1, 2 }, 2, 0x200), 0, "no new edge");
	cr_assert_eq(admit((unsigned[]){ 2, 9 }, 2, 0x300), 1, "edge 9 is new");
	bits[9] = 4; /* a new bucket of edge 9 */
	cr_assert_eq(corpus_admit(&c, virgin, &st, bits, 0), 1);
	cr_assert_eq(c.n, 3);
	cr_assert_eq(c.e[1].st.cpu.rip, 0x300);
	cr_assert_eq(c.e[1].nedges, 2);
	cr_assert_eq(c.hits[2], 3, "entries 0, 1 and 2");
}

Test(corpus, rare_edges_weigh_more)
{
	admit((unsigned[]){ 1, 2, 3 }, 3, 1);
	admit((unsigned[]){ 1, 2, 3, 4 }, 4, 2);
	admit((unsigned[]){ 1, 2, 3, 5 }, 4, 3);
	admit((unsigned[]){ 1, 2, 3, 6, 7, 8 }, 6, 4); /* three edges of its own */
	cr_assert_gt(corpus_weight(&c, 3), corpus_weight(&c, 1));
	cr_assert_gt(corpus_weight(&c, 1), corpus_weight(&c, 0));
}

Test(corpus, pick_is_deterministic_per_seed_and_favours_rare)
{
	unsigned count[4] = { 0 }, a[64], b[64], other = 0;

	admit((unsigned[]){ 1, 2, 3 }, 3, 1);
	admit((unsigned[]){ 1, 2, 3, 4 }, 4, 2);
	admit((unsigned[]){ 1, 2, 3, 5 }, 4, 3);
	admit((unsigned[]){ 1, 2, 3, 6, 7, 8 }, 6, 4);
	for (unsigned i = 0; i < 64; i++) {
		a[i] = corpus_pick(&c, 7, i);
		b[i] = corpus_pick(&c, 7, i);
		other += corpus_pick(&c, 8, i) != a[i];
	}
	cr_assert_arr_eq(a, b, sizeof(a), "same seed, same picks");
	cr_assert_gt(other, 0, "another seed, other picks");
	for (unsigned i = 0; i < 4000; i++)
		count[corpus_pick(&c, 11, i)]++;
	cr_assert_gt(count[3], count[1]);
	cr_assert_gt(count[1], count[0]);
	for (unsigned i = 0; i < 100; i++)
		cr_assert_neq(corpus_pick_other(&c, 7, i, 2), 2);
}

Test(corpus, half_the_picks_favour_few_rare_edges_over_a_long_common_trace)
{
	unsigned long_trace[21], by_mean[3] = { 0 }, by_sum[3] = { 0 }, means = 0;

	for (unsigned i = 0; i < 21; i++)
		long_trace[i] = i + 1; /* edges 1..20 and 21 */
	admit(long_trace, 20, 1);
	admit(long_trace, 21, 2);	 /* edges 1..20 shared, 21 its own */
	admit((unsigned[]){ 40 }, 1, 3); /* one edge, its own: a state that ends early */
	cr_assert_gt(corpus_weight(&c, 1), corpus_weight(&c, 2), "the sum favours the long trace");
	cr_assert_gt(corpus_weight_mean(&c, 2), corpus_weight_mean(&c, 1), "the mean, the short one");
	for (unsigned i = 0; i < 4000; i++) {
		bool mean = corpus_pick_by_mean(5, i);

		cr_assert_eq(mean, corpus_pick_by_mean(5, i));
		means += mean;
		(mean ? by_mean : by_sum)[corpus_pick(&c, 5, i)]++;
	}
	cr_assert(means > 1800 && means < 2200, "one pick in 2 by the mean: %u of 4000", means);
	cr_assert_gt(by_mean[2], by_mean[1]);
	cr_assert_gt(by_sum[1], by_sum[2]);
}

Test(corpus, one_run_in_4_explores_deterministically_per_seed)
{
	unsigned n = 0, differ = 0;

	for (uint64_t i = 0; i < 8000; i++) {
		bool e = corpus_explore(21, i);

		cr_assert_eq(e, corpus_explore(21, i), "index %lu: the same every time", (unsigned long)i);
		n += e;
		differ += e != corpus_explore(22, i);
	}
	/* 8000 / 4 = 2000; a binomial's standard deviation here is about 39. */
	cr_expect(n > 1800 && n < 2200, "%u of 8000 explore", n);
	cr_expect_gt(differ, 1000, "another seed explores at other indices (%u differ)", differ);
}

Test(corpus, full_corpus_says_so)
{
	unsigned e;

	for (e = 0; e < CORPUS_MAX; e++)
		cr_assert_eq(admit(&e, 1, e), 1);
	cr_assert_eq(admit(&e, 1, e), -ENOSPC);
	cr_assert_eq(c.n, CORPUS_MAX);
}

/* The draw's weights are kept between picks and worked out again after each admission: a
 * new entry is drawn, and entries whose edges it shares weigh less from then on. */
Test(corpus, picks_follow_each_admission)
{
	unsigned own[31], count[3] = { 0 };

	for (unsigned i = 0; i < 31; i++)
		own[i] = 10 + i;
	admit((unsigned[]){ 1, 2, 3 }, 3, 1);
	for (unsigned i = 0; i < 1000; i++)
		cr_assert_eq(corpus_pick(&c, 3, i), 0, "one entry");
	admit(own, 31, 2); /* 31 edges of its own */
	for (unsigned i = 0; i < 4000; i++)
		count[corpus_pick(&c, 3, i)]++;
	cr_assert_gt(count[1], 2 * count[0], "the new entry is drawn: %u against %u", count[1], count[0]);
	uint64_t before = corpus_weight(&c, 1);
	memset(bits, 0, sizeof(bits));
	for (unsigned i = 0; i < 31; i++)
		bits[own[i]] = 1;
	bits[50] = 1;
	cr_assert_eq(corpus_admit(&c, virgin, &st, bits, 3), 1);
	cr_assert_lt(corpus_weight(&c, 1), before, "its edges are shared now");
	memset(count, 0, sizeof(count));
	for (unsigned i = 0; i < 4000; i++)
		count[corpus_pick(&c, 3, i)]++;
	cr_assert_gt(count[2], 800, "the third entry is drawn: %u of 4000", count[2]);
	cr_assert_gt(count[2], count[1], "and more than the one whose edges it shares");
}
