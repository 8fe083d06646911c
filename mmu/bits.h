/* bits.h: small integer helpers shared by every area (alignment, overflow-checked sums). */
#ifndef VMM_BITS_H
#define VMM_BITS_H

#include <stdbool.h>
#include <stdint.h>

#define KiB(x) ((uint64_t)(x) << 10)
#define MiB(x) ((uint64_t)(x) << 20)
#define GiB(x) ((uint64_t)(x) << 30)

static inline bool is_pow2(uint64_t x)
{
	return x != 0 && (x & (x - 1)) == 0;
}

/* Round x up to `align` (a power of two); false if the result wraps. */
static inline bool align_up(uint64_t x, uint64_t align, uint64_t *out)
{
	uint64_t sum;

	if (__builtin_add_overflow(x, align - 1, &sum))
		return false;
	*out = sum & ~(align - 1);
	return true;
}

static inline uint64_t align_down(uint64_t x, uint64_t align)
{
	return x & ~(align - 1);
}

/* True if [a, a+alen) and [b, b+blen) share a byte (lengths must not wrap). */
static inline bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b,
				  uint64_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

#endif
