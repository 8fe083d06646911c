/* test_pow2_blocks.c: ranges as aligned power-of-two blocks: exact cover, in order, aligned, fewest. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "lib/pow2_blocks.h"

/* The blocks tile [lo, hi] exactly: each aligned, each starting where the last ended. */
static unsigned expect_tiles(uint64_t lo, uint64_t hi)
{
	struct pow2_block b[POW2_BLOCKS_MAX];
	unsigned n = pow2_blocks(lo, hi, b);
	uint64_t next = lo;

	cr_assert(n >= 1 && n <= POW2_BLOCKS_MAX, "[%#llx, %#llx]: %u blocks",
		  (unsigned long long)lo, (unsigned long long)hi, n);
	for (unsigned i = 0; i < n; i++) {
		uint64_t span = ~b[i].mask;

		cr_assert_eq(span & (span + 1), 0, "block %u: mask %#llx is not a power of two",
			     i, (unsigned long long)b[i].mask);
		cr_assert_eq(b[i].base & span, 0, "block %u: base %#llx not aligned", i,
			     (unsigned long long)b[i].base);
		cr_assert_eq(b[i].base, next, "block %u starts at %#llx, want %#llx", i,
			     (unsigned long long)b[i].base, (unsigned long long)next);
		cr_assert_leq(span, hi - b[i].base, "block %u runs past hi", i);
		next = b[i].base + span + 1;
		if (i + 1 == n)
			cr_assert_eq(b[i].base + span, hi, "the last block ends at %#llx, want %#llx",
				     (unsigned long long)(b[i].base + span), (unsigned long long)hi);
	}
	return n;
}

Test(pow2_blocks, single_values_and_aligned_blocks_are_one_block)
{
	cr_expect_eq(expect_tiles(0, 0), 1);
	cr_expect_eq(expect_tiles(7, 7), 1);
	cr_expect_eq(expect_tiles(UINT64_MAX, UINT64_MAX), 1);
	cr_expect_eq(expect_tiles(0x1000, 0x1fff), 1);
	cr_expect_eq(expect_tiles(0, UINT64_MAX), 1);
	cr_expect_eq(expect_tiles(1ULL << 63, UINT64_MAX), 1);
}

Test(pow2_blocks, rising_then_falling)
{
	cr_expect_eq(expect_tiles(1, 6), 4);	/* 1 | 2..3 | 4..5 | 6 */
	cr_expect_eq(expect_tiles(0x3000, 0x6fff), 3);	/* 0x3000..0x3fff | 0x4000..0x5fff | 0x6000..0x6fff */
}

Test(pow2_blocks, worst_case_fits)
{
	/* 1 .. 2^64-2: one block per bit rising, one per bit falling. */
	cr_expect_eq(expect_tiles(1, UINT64_MAX - 1), 126);
	cr_expect_eq(expect_tiles(1, UINT64_MAX), 64);
	cr_expect_eq(expect_tiles(0, UINT64_MAX - 1), 64);
}

Test(pow2_blocks, empty_range)
{
	struct pow2_block b[POW2_BLOCKS_MAX];

	cr_expect_eq(pow2_blocks(5, 4, b), 0);
}

Test(pow2_blocks, random_ranges_tile)
{
	srandom(42);
	for (int i = 0; i < 20000; i++) {
		uint64_t a = ((uint64_t)random() << 33) ^ ((uint64_t)random() << 2) ^ (uint64_t)random();
		uint64_t b = a + ((uint64_t)random() << (random() % 40));

		expect_tiles(a, b < a ? UINT64_MAX : b);
	}
}
