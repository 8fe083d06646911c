/* page_words.c: page checks for the reset, 64 bytes of 8-byte words per step with an early exit. Measured per 4 KiB page (README, "Hot pages"): on the dev machine's CPU as fast as glibc's memcmp or faster; under QEMU's TCG, where the nested L1 runs vmm, 1.8x (two pages) and 3x (against zero, reading one page) faster, as TCG emulates memcmp's AVX2 and this is plain integer code. */
#include "mmu/page_words.h"

#include <string.h>

#define STEP 64u /* bytes per step: 8 words, a cache line */

static inline uint64_t word(const uint8_t *p, unsigned i)
{
	uint64_t w;

	memcpy(&w, p + i * sizeof(w), sizeof(w)); /* one load; no alignment or aliasing rule */
	return w;
}

/* Written out, not as a loop: gcc -O2 keeps this in integer registers (a loop it turns into
 * SSE2, which measured 3x slower than memcmp under TCG). */
static inline uint64_t step_or(const uint8_t *p)
{
	return word(p, 0) | word(p, 1) | word(p, 2) | word(p, 3) |
	       word(p, 4) | word(p, 5) | word(p, 6) | word(p, 7);
}

static inline uint64_t step_xor(const uint8_t *a, const uint8_t *b)
{
	return (word(a, 0) ^ word(b, 0)) | (word(a, 1) ^ word(b, 1)) |
	       (word(a, 2) ^ word(b, 2)) | (word(a, 3) ^ word(b, 3)) |
	       (word(a, 4) ^ word(b, 4)) | (word(a, 5) ^ word(b, 5)) |
	       (word(a, 6) ^ word(b, 6)) | (word(a, 7) ^ word(b, 7));
}

bool page_words_zero(const uint8_t *p)
{
	for (unsigned off = 0; off < PAGE_WORDS_BYTES; off += STEP)
		if (step_or(p + off))
			return false;
	return true;
}

bool page_words_same(const uint8_t *a, const uint8_t *b)
{
	for (unsigned off = 0; off < PAGE_WORDS_BYTES; off += STEP)
		if (step_xor(a + off, b + off))
			return false;
	return true;
}
