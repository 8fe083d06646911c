/* test_covmap.c: the coverage map hashes sites stably, counts edges AFL's way, buckets counts as classify_counts() does and finds new bits against a virgin map. */
#include <criterion/criterion.h>
#include <string.h>

#include "vmm/fuzz/covmap.h"

static struct covmap m;
static uint8_t virgin[COVMAP_SIZE];

Test(covmap, loc_is_stable_and_spreads)
{
	uint32_t a = covmap_loc(COVMAP_EXIT, 2, 0x1000), b = covmap_loc(COVMAP_EXIT, 2, 0x1001);

	cr_assert_eq(a, covmap_loc(COVMAP_EXIT, 2, 0x1000));
	cr_assert_neq(a, b);
	cr_assert_neq(a, covmap_loc(COVMAP_STEP, 2, 0x1000), "the kind is part of the hash");
	cr_assert_lt(a, COVMAP_SIZE);
}

Test(covmap, edges_are_directed_and_counted)
{
	uint32_t a = 0x1234, b = 0x4321;

	covmap_reset(&m);
	covmap_visit(&m, a); /* 0 -> a */
	covmap_visit(&m, b); /* a -> b */
	cr_assert_eq(m.bits[a], 1);
	cr_assert_eq(m.bits[b ^ (a >> 1)], 1);
	covmap_visit(&m, a); /* b -> a: another edge */
	cr_assert_eq(m.bits[a ^ (b >> 1)], 1);
	cr_assert_eq(covmap_count(m.bits), 3);
	for (int i = 0; i < 300; i++)
		covmap_visit(&m, a); /* a -> a saturates at 255 */
	cr_assert_eq(m.bits[a ^ (a >> 1)], 255);
}

Test(covmap, classify_counts_like_afl)
{
	static const uint8_t in[] = { 0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 127, 128, 255 };
	static const uint8_t out[] = { 0, 1, 2, 4, 8, 8, 16, 16, 32, 32, 64, 64, 128, 128 };
	static uint8_t bits[COVMAP_SIZE];

	memcpy(bits, in, sizeof(in));
	covmap_classify(bits);
	cr_assert_arr_eq(bits, out, sizeof(out));
}

Test(covmap, new_bits_against_virgin)
{
	static uint8_t bits[COVMAP_SIZE];

	memset(virgin, 0xff, sizeof(virgin));
	bits[10] = 1;
	cr_assert_eq(covmap_new_bits(bits, virgin), 2, "a new edge");
	cr_assert_eq(covmap_new_bits(bits, virgin), 0, "seen");
	bits[10] = 4; /* 3 hits: a new bucket of a known edge */
	cr_assert_eq(covmap_new_bits(bits, virgin), 1);
	cr_assert_eq(covmap_seen(virgin), 1);
	bits[11] = 8;
	cr_assert_eq(covmap_new_bits(bits, virgin), 2);
	cr_assert_eq(covmap_seen(virgin), 2);
}

Test(covmap, host_pc_traces_are_edges_between_pcs)
{
	static struct covmap a, b, c;
	const uint64_t t1[] = { 0xffffffff81001000, 0xffffffff81002000, 0xffffffff81001000 };
	const uint64_t t2[] = { 0xffffffff81002000, 0xffffffff81001000, 0xffffffff81001000 };

	covmap_reset(&a);
	covmap_reset(&b);
	covmap_reset(&c);
	covmap_visit_pcs(&a, t1, 3);
	covmap_visit_pcs(&b, t1, 3);
	covmap_visit_pcs(&c, t2, 3);
	cr_expect_eq(memcmp(a.bits, b.bits, COVMAP_SIZE), 0, "the same trace, the same map");
	cr_expect_eq(covmap_count(a.bits), 3, "entry->A, A->B, B->A");
	cr_expect_neq(memcmp(a.bits, c.bits, COVMAP_SIZE), 0, "another order, other edges");
	cr_expect_neq(covmap_loc(COVMAP_HOST_PC, 0x1000, 0), covmap_loc(COVMAP_EXIT, 0x1000, 0),
		      "a host PC is no guest site");
	covmap_visit_pcs(&a, t1, 0);
	cr_expect_eq(memcmp(a.bits, b.bits, COVMAP_SIZE), 0, "an empty trace adds nothing");
}

/* The passes read the map a word at a time; a byte-by-byte reference must agree on maps with
 * sparse, dense and word-edge bytes (seeded xorshift, so a failure repeats). */
static uint64_t rng = 88172645463325252ULL;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void random_map(uint8_t *bits, unsigned per_mille)
{
	for (unsigned i = 0; i < COVMAP_SIZE; i++)
		bits[i] = next() % 1000 < per_mille ? (uint8_t)(1 + next() % 255) : 0;
	bits[0] = bits[7] = bits[8] = bits[COVMAP_SIZE - 1] = (uint8_t)(1 + next() % 255);
}

Test(covmap, word_passes_match_a_byte_reference)
{
	static uint8_t bits[COVMAP_SIZE], ref_bits[COVMAP_SIZE], ref_virgin[COVMAP_SIZE];
	static const unsigned density[] = { 1, 30, 500, 1000 };

	memset(virgin, 0xff, sizeof(virgin));
	memset(ref_virgin, 0xff, sizeof(ref_virgin));
	for (unsigned t = 0; t < 12; t++) {
		unsigned count = 0, seen = 0;
		int news = 0;

		random_map(bits, density[t % 4]);
		memcpy(ref_bits, bits, sizeof(bits));
		covmap_classify(bits);
		for (unsigned i = 0; i < COVMAP_SIZE; i++) {
			uint8_t n = ref_bits[i], b;

			b = n == 0 ? 0 : n <= 2 ? n : n == 3 ? 4 : n <= 7 ? 8 : n <= 15 ? 16 :
			    n <= 31 ? 32 : n <= 127 ? 64 : 128;
			cr_assert_eq(bits[i], b, "classify, byte %u (count %u)", i, n);
			count += b != 0;
			if (b & ref_virgin[i]) {
				if (news < 2)
					news = ref_virgin[i] == 0xff ? 2 : 1;
				ref_virgin[i] &= (uint8_t)~b;
			}
			seen += ref_virgin[i] != 0xff;
		}
		cr_assert_eq(covmap_count(bits), count, "count, map %u", t);
		cr_assert_eq(covmap_new_bits(bits, virgin), news, "new bits, map %u", t);
		cr_assert_arr_eq(virgin, ref_virgin, sizeof(virgin), "virgin after map %u", t);
		cr_assert_eq(covmap_seen(virgin), seen, "seen, map %u", t);
	}
}

Test(covmap, add_sums_counts_edge_by_edge_up_to_255)
{
	static struct covmap a, b;

	covmap_reset(&a);
	covmap_reset(&b);
	a.bits[3] = 2;
	a.bits[70] = 250;
	b.bits[3] = 5;
	b.bits[70] = 10;
	b.bits[COVMAP_SIZE - 1] = 1;
	a.prev = 77;
	covmap_add(&a, &b);
	cr_assert_eq(a.bits[3], 7);
	cr_assert_eq(a.bits[70], 255, "counts stop at 255");
	cr_assert_eq(a.bits[COVMAP_SIZE - 1], 1, "the last word too");
	cr_assert_eq(covmap_count(a.bits), 3, "nothing else set");
	cr_assert_eq(a.prev, 77, "the destination's previous site is kept");
	cr_assert_eq(b.bits[3], 5, "the source is unchanged");
}
