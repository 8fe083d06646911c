/* mutate.c: the fuzz mode's mutator: boundary values in the fields of a valid entry state, one PRNG stream per run; the field classes are in mutate_*.c. */
#include "vmm/fuzz/mutate_private.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define CLASS_TRIES 32 /* class draws before falling back to FUZZ_REGS, which always applies */


const unsigned fuzz_class_weight[FUZZ_CLASSES] = {
	[FUZZ_PAGING] = 20, [FUZZ_GDT] = 20, [FUZZ_SEGMENT] = 15,
	[FUZZ_REGS] = 15, [FUZZ_PTE] = 15, [FUZZ_BOOTINFO] = 15,
};

static const char *const class_names[FUZZ_CLASSES + 1] = {
	"paging", "gdt", "segment", "regs", "pte", "bootinfo", "splice",
};

const char *fuzz_class_name(enum fuzz_class c)
{
	return (unsigned)c <= FUZZ_SPLICE ? class_names[c] : NULL;
}


gpa_t fuzz_boot_info(const struct entry_state *valid)
{
	return valid->proto == BOOT_PVH ? valid->cpu.rbx : valid->cpu.rsi;
}

/* SplitMix64 (Steele, Lea, Flood, OOPSLA 2014; constants from Vigna's splitmix64.c). */
uint64_t fuzz_splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A number in [0, n), n > 0. */
unsigned fz_pick(struct fz *f, unsigned n)
{
	return (unsigned)(fuzz_splitmix64(&f->rng) % n);
}

__attribute__((format(printf, 3, 4)))
bool fz_record(struct fz *f, enum fuzz_class c, const char *fmt, ...)
{
	struct fuzz_mutation *o = f->out;
	va_list ap;

	va_start(ap, fmt);
	o->cls[o->n] = c;
	vsnprintf(o->field[o->n], sizeof(o->field[0]), fmt, ap);
	va_end(ap);
	o->n++;
	return true;
}

uint64_t fz_load(const void *p, unsigned size)
{
	uint64_t v = 0;

	memcpy(&v, p, size); /* little-endian host: the low `size` bytes */
	return v;
}

void fz_store(void *p, unsigned size, uint64_t v)
{
	memcpy(p, &v, size);
}

uint64_t fz_size_mask(unsigned size)
{
	return size >= 8 ? UINT64_MAX : (1ULL << (8 * size)) - 1;
}

/* A value of `mask`'s width that differs from cur: 0, all ones, +/-1, one bit flipped or `special`. */
uint64_t fz_boundary(struct fz *f, uint64_t cur, uint64_t mask, uint64_t special)
{
	unsigned width = 64 - (unsigned)__builtin_clzll(mask);
	uint64_t v;

	cur &= mask;
	switch (fz_pick(f, 6)) {
	case 0: v = 0; break;
	case 1: v = mask; break;
	case 2: v = cur + 1; break;
	case 3: v = cur - 1; break;
	case 4: v = special; break;
	default: v = cur ^ (1ULL << fz_pick(f, width)); break;
	}
	v &= mask;
	return v != cur ? v : cur ^ 1;
}

/* A value in [0, max] other than cur (cur <= max). */
uint64_t fz_other_small(struct fz *f, uint64_t cur, uint64_t max)
{
	return (cur + 1 + fz_pick(f, (unsigned)max)) % (max + 1);
}

/* ---- Driver ---- */

static bool (*const appliers[FUZZ_CLASSES])(struct fz *) = {
	[FUZZ_PAGING] = fz_apply_paging, [FUZZ_GDT] = fz_apply_gdt, [FUZZ_SEGMENT] = fz_apply_segment,
	[FUZZ_REGS] = fz_apply_regs, [FUZZ_PTE] = fz_apply_pte, [FUZZ_BOOTINFO] = fz_apply_bootinfo,
};

static enum fuzz_class draw_class(struct fz *f)
{
	unsigned r = fz_pick(f, FUZZ_WEIGHT_TOTAL), c = 0;

	while (c < FUZZ_CLASSES - 1 && r >= fuzz_class_weight[c])
		r -= fuzz_class_weight[c++];
	return (enum fuzz_class)c;
}

/* One mutation; a class that cannot apply to this state is drawn again. */
static void mutate_one(struct fz *f)
{
	for (unsigned i = 0; i < CLASS_TRIES; i++)
		if (appliers[draw_class(f)](f))
			return;
	fz_apply_regs(f);
}

/* Near mode with a validator: redraw until at most one violation, else keep the last. */
static void mutate_near(struct fz *f)
{
	const struct fuzz_target *t = f->t;
	struct entry_state orig = *f->st;

	for (unsigned i = 0; i < FUZZ_NEAR_TRIES; i++) {
		if (i > 0) {
			*f->st = orig;
			memset(f->out, 0, sizeof(*f->out));
		}
		mutate_one(f);
		if (t->violations(t->ctx, f->st) <= 1)
			return;
	}
}

void fuzz_mutate(struct entry_state *st, const struct fuzz_target *t, uint64_t seed,
		 uint64_t index, enum fuzz_mode mode, struct fuzz_mutation *out)
{
	struct fz f = { .st = st, .t = t, .out = out, .mode0 = st->paging.mode,
			.base0 = st->paging.base, .rng = seed };

	memset(out, 0, sizeof(*out));
	if (index == 0)
		return; /* the baseline: the valid state itself */
	f.rng = fuzz_splitmix64(&f.rng) ^ (index * 0x9e3779b97f4a7c15ULL); /* one stream per (seed, index) */
	if (mode == FUZZ_WILD) {
		for (unsigned n = 1 + fz_pick(&f, FUZZ_MAX_MUTATIONS); n > 0; n--)
			mutate_one(&f);
	} else if (t->violations) {
		mutate_near(&f);
	} else {
		mutate_one(&f);
	}
}

void fuzz_mutate_from(struct entry_state *st, const struct entry_state *valid,
		      const struct fuzz_target *t, uint64_t seed, uint64_t index,
		      enum fuzz_mode mode, struct fuzz_mutation *out)
{
	struct fz f = { .st = st, .t = t, .out = out, .mode0 = valid->paging.mode,
			.base0 = valid->paging.base, .rng = seed ^ 0x6775696465640000ULL };
	unsigned n = 1;

	memset(out, 0, sizeof(*out));
	f.rng = fuzz_splitmix64(&f.rng) ^ (index * 0x9e3779b97f4a7c15ULL);
	if (mode == FUZZ_WILD)
		n += fz_pick(&f, FUZZ_MAX_MUTATIONS);
	for (; n > 0 && out->n < FUZZ_MAX_MUTATIONS; n--)
		mutate_one(&f);
}
