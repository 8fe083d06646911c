/* pow2_blocks.c: an inclusive range of 64-bit values as aligned power-of-two blocks. */
#include "lib/pow2_blocks.h"

/* The largest block that starts at x (aligned to its size) and ends at or
 * before hi, as its size minus one (so 2^64 blocks fit). */
static uint64_t largest_block_span(uint64_t x, uint64_t hi)
{
	uint64_t span = 0;

	while (span != UINT64_MAX) {
		uint64_t next = span * 2 + 1;

		if ((x & next) != 0 || next > hi - x)
			break;
		span = next;
	}
	return span;
}

unsigned pow2_blocks(uint64_t lo, uint64_t hi, struct pow2_block out[POW2_BLOCKS_MAX])
{
	unsigned n = 0;

	if (lo > hi)
		return 0;
	for (uint64_t x = lo;; ) {
		uint64_t span = largest_block_span(x, hi);

		out[n++] = (struct pow2_block){ .base = x, .mask = ~span };
		if (span >= hi - x || n == POW2_BLOCKS_MAX)
			return n;
		x += span + 1;
	}
}
