/* pow2_blocks.h: an inclusive range of 64-bit values as aligned power-of-two blocks (value under a mask). */
#ifndef VMM_POW2_BLOCKS_H
#define VMM_POW2_BLOCKS_H

#include <stdint.h>

/* Blocks one range can need: at most two per bit (one rising to the largest
 * aligned block, one falling from it). */
#define POW2_BLOCKS_MAX 128

/* The values v with (v & mask) == base: 2^k of them, base aligned to 2^k. */
struct pow2_block {
	uint64_t base, mask;
};

/*
 * [lo, hi] (inclusive, lo <= hi) as the fewest aligned blocks, in rising
 * order, each value in exactly one. Returns how many (1..POW2_BLOCKS_MAX),
 * or 0 where lo > hi.
 */
unsigned pow2_blocks(uint64_t lo, uint64_t hi, struct pow2_block out[POW2_BLOCKS_MAX]);

#endif
