/* covmap.c: AFL-style edge map: site hashing, edge counting, count buckets, new-bit detection. */
#include "vmm/fuzz/covmap.h"

#include <string.h>

void covmap_reset(struct covmap *m)
{
	memset(m->bits, 0, sizeof(m->bits));
	m->prev = 0;
}

/* A 64-bit mix (the SplitMix64 finaliser, Vigna's splitmix64.c): every input bit moves
 * about half the output bits, so nearby RIPs and ports land far apart in the map. */
static uint64_t mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint32_t covmap_loc(enum covmap_kind kind, uint64_t a, uint64_t b)
{
	uint64_t h = mix(a ^ ((uint64_t)kind << 56)) ^ mix(b + 0x9e3779b97f4a7c15ULL);

	return (uint32_t)(mix(h) % COVMAP_SIZE);
}

void covmap_visit(struct covmap *m, uint32_t loc)
{
	uint8_t *c = &m->bits[(loc ^ m->prev) % COVMAP_SIZE];

	if (*c < 255)
		(*c)++;
	m->prev = loc >> 1;
}

void covmap_visit_pcs(struct covmap *m, const uint64_t *pcs, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		covmap_visit(m, covmap_loc(COVMAP_HOST_PC, pcs[i], 0));
}

/* AFL's count_class_lookup8 (afl-fuzz.c), as a function of the count. */
static uint8_t bucket(uint8_t n)
{
	if (n <= 3)
		return n == 3 ? 4 : n;
	if (n <= 7)
		return 8;
	if (n <= 15)
		return 16;
	if (n <= 31)
		return 32;
	return n <= 127 ? 64 : 128;
}

/* The map is read a 64-bit word at a time: a run sets a few hundred of its 65,536 bytes, so
 * most words are zero (or all 0xff in a virgin map) and are passed over whole. */
static uint64_t word_at(const uint8_t *p)
{
	uint64_t w;

	memcpy(&w, p, sizeof(w));
	return w;
}

/* How many of the word's 8 bytes are not zero. */
static unsigned nonzero_bytes(uint64_t w)
{
	w |= w >> 4;
	w |= w >> 2;
	w |= w >> 1;
	/* One bit per byte now: the multiply sums the 8 bytes into the top one (no popcount
	 * call: without -mpopcnt, __builtin_popcountll is a libgcc function). */
	return (unsigned)(((w & 0x0101010101010101ULL) * 0x0101010101010101ULL) >> 56);
}

void covmap_classify(uint8_t bits[COVMAP_SIZE])
{
	for (unsigned i = 0; i < COVMAP_SIZE; i += 8) {
		if (!word_at(&bits[i]))
			continue;
		for (unsigned j = i; j < i + 8; j++)
			if (bits[j])
				bits[j] = bucket(bits[j]);
	}
}

int covmap_new_bits(const uint8_t bits[COVMAP_SIZE], uint8_t virgin[COVMAP_SIZE])
{
	int r = 0;

	for (unsigned i = 0; i < COVMAP_SIZE; i += 8) {
		if (!(word_at(&bits[i]) & word_at(&virgin[i])))
			continue;
		for (unsigned j = i; j < i + 8; j++) {
			if (!(bits[j] & virgin[j]))
				continue;
			if (r < 2)
				r = virgin[j] == 0xff ? 2 : 1;
			virgin[j] &= (uint8_t)~bits[j];
		}
	}
	return r;
}

unsigned covmap_count(const uint8_t bits[COVMAP_SIZE])
{
	unsigned n = 0;

	for (unsigned i = 0; i < COVMAP_SIZE; i += 8)
		n += nonzero_bytes(word_at(&bits[i]));
	return n;
}

unsigned covmap_seen(const uint8_t virgin[COVMAP_SIZE])
{
	unsigned n = 0;

	for (unsigned i = 0; i < COVMAP_SIZE; i += 8)
		n += nonzero_bytes(~word_at(&virgin[i]));
	return n;
}

void covmap_add(struct covmap *dst, const struct covmap *src)
{
	for (unsigned i = 0; i < COVMAP_SIZE; i += 8) {
		if (word_at(&src->bits[i]) == 0)
			continue;
		for (unsigned j = i; j < i + 8; j++) {
			unsigned sum = dst->bits[j] + src->bits[j];

			dst->bits[j] = (uint8_t)(sum < 255 ? sum : 255);
		}
	}
}
