/* mutate_memory.c: guest memory as the mutated guest will see it: RAM overlaid with the state's pokes. */
#include "vmm/fuzz/mutate_private.h"

static int poke_index(const struct entry_state *st, uint64_t gpa)
{
	int last = -1;

	for (unsigned i = 0; i < st->npokes && i < ENTRY_POKES_MAX; i++)
		if (st->pokes[i].gpa == gpa)
			last = (int)i; /* entry_poke() writes in order: the last one wins */
	return last;
}

static bool word_get(const struct fz *f, uint64_t gpa, uint64_t *v)
{
	int i = poke_index(f->st, gpa);
	const uint8_t *p;

	if (i >= 0) {
		*v = f->st->pokes[i].value;
		return true;
	}
	p = f->t->mem ? gm_ptr(f->t->mem, gpa, 8) : NULL;
	if (!p)
		return false;
	*v = 0;
	for (unsigned b = 0; b < 8; b++)
		*v |= (uint64_t)p[b] << (8 * b);
	return true;
}

static void word_put(struct entry_state *st, uint64_t gpa, uint64_t v)
{
	int i = poke_index(st, gpa);

	if (i < 0) {
		i = (int)st->npokes++;
		st->pokes[i].gpa = gpa;
	}
	st->pokes[i].value = v;
}

/* `len` (1-8) little-endian bytes at gpa, which may straddle two 8-byte words. */
bool fz_mem_read(const struct fz *f, uint64_t gpa, unsigned len, uint64_t *v)
{
	uint64_t w, shift = 8 * (gpa & 7);

	*v = 0;
	if (shift / 8 + len <= 8) { /* within one word (a page-table entry): one lookup */
		if (!word_get(f, gpa & ~7ULL, &w))
			return false;
		*v = (w >> shift) & (len == 8 ? ~0ULL : (1ULL << (8 * len)) - 1);
		return true;
	}
	for (unsigned b = 0; b < len; b++) {
		if (!word_get(f, (gpa + b) & ~7ULL, &w))
			return false;
		*v |= ((w >> (8 * ((gpa + b) & 7))) & 0xff) << (8 * b);
	}
	return true;
}

/* Read-modify-write of the one or two aligned words holding [gpa, gpa+len) as pokes. */
bool fz_mem_write(struct fz *f, uint64_t gpa, unsigned len, uint64_t v)
{
	uint64_t lo = gpa & ~7ULL, hi = (gpa + len - 1) & ~7ULL, w;
	unsigned need = (poke_index(f->st, lo) < 0) + (hi != lo && poke_index(f->st, hi) < 0);

	if (hi < lo || f->st->npokes + need > ENTRY_POKES_MAX ||
	    !word_get(f, lo, &w) || !word_get(f, hi, &w))
		return false;
	for (unsigned b = 0; b < len; b++) {
		uint64_t a = gpa + b, shift = 8 * (a & 7);

		word_get(f, a & ~7ULL, &w);
		w = (w & ~(0xffULL << shift)) | (((v >> (8 * b)) & 0xff) << shift);
		word_put(f->st, a & ~7ULL, w);
	}
	return true;
}
