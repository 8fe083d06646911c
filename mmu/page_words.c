/* page_words.c: page checks for the reset, 64 bytes of 8-byte words per step with an early exit. Measured per 4 KiB page (README, "Hot pages"): on the dev machine's CPU as fast as glibc's memcmp or faster; under QEMU's TCG, where the nested L1 runs vmm, 1.8x (two pages) and 3x (against zero, reading one page) faster, as TCG emulates memcmp's AVX2 and this is plain integer code. */
#include "mmu/page_words.h"

#include <string.h>

#define WORDS_PER_STEP 8 /* 64 bytes, a cache line */

static inline uint64_t word(const uint8_t *p, unsigned i)
{
	uint64_t w;

	memcpy(&w, p + i * sizeof(w), sizeof(w)); /* one load; no alignment or aliasing rule */
	return w;
}

bool page_words_zero(const uint8_t *p)
{
	for (unsigned i = 0; i < PAGE_WORDS_BYTES / 8; i += WORDS_PER_STEP) {
		uint64_t any = 0;

		for (unsigned k = 0; k < WORDS_PER_STEP; k++)
			any |= word(p, i + k);
		if (any)
			return false;
	}
	return true;
}

bool page_words_same(const uint8_t *a, const uint8_t *b)
{
	for (unsigned i = 0; i < PAGE_WORDS_BYTES / 8; i += WORDS_PER_STEP) {
		uint64_t diff = 0;

		for (unsigned k = 0; k < WORDS_PER_STEP; k++)
			diff |= word(a, i + k) ^ word(b, i + k);
		if (diff)
			return false;
	}
	return true;
}
