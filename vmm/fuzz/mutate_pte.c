/* mutate_pte.c: the FUZZ_PTE class: one present paging-structure entry changed, as a poke. */
#include "vmm/fuzz/mutate_private.h"

static const char *const pte_ops[] = { "p", "addr", "reserved", "nx", "ps", "rw", "us" };
#define N_PTE_OPS N(pte_ops)

/* Whether op applies to present entry e (w bytes): 32-bit paging has no NX and no
 * reserved bit outside a 4 MiB PDE; setting a set bit or clearing a clear one is no change. */
static bool pte_op_ok(unsigned op, unsigned w, uint64_t e)
{
	switch (op) {
	case 2: return w == 8 || (e & PTE_PS);
	case 3: return w == 8 && !(e & PTE_NX);
	case 5: return e & PTE_RW;
	case 6: return !(e & PTE_US);
	default: return true;
	}
}

static uint64_t pte_op(struct fz *f, unsigned op, unsigned w, uint64_t e)
{
	bool ps = e & PTE_PS;
	unsigned low = !ps ? 12 : w == 4 ? 22 : 21; /* lowest address bit of the page or table */

	switch (op) {
	case 0: return e & ~PTE_P;
	case 1: return e ^ (1ULL << (low + fz_pick(f, 8)));
	case 2: return e | (w == 4 ? PDE_4M_RSVD : ps ? PDE_2M_RSVD : PA_BIT_51);
	case 3: return e | PTE_NX;
	case 4: return e ^ PTE_PS;
	case 5: return e & ~PTE_RW;
	default: return e | PTE_US;
	}
}

/* One of the ops that apply to e, uniformly (op 0, clear P, always applies). */
static unsigned pte_pick_op(struct fz *f, unsigned w, uint64_t e)
{
	unsigned ok[N_PTE_OPS], n = 0;

	for (unsigned op = 0; op < N_PTE_OPS; op++)
		if (pte_op_ok(op, w, e))
			ok[n++] = op;
	return ok[fz_pick(f, n)];
}

/* A present entry in the tables, scanning from a random one. */
static bool pte_find(struct fz *f, unsigned w, uint64_t *gpa, uint64_t *e)
{
	uint64_t n = f->t->table_bytes / w, start;

	if (n == 0 || n > UINT32_MAX)
		return false;
	start = fz_pick(f, (unsigned)n);
	for (uint64_t j = 0; j < n; j++) {
		*gpa = f->base0 + ((start + j) % n) * w;
		if (fz_mem_read(f, *gpa, w, e) && (*e & PTE_P))
			return true;
	}
	return false;
}

bool fz_apply_pte(struct fz *f)
{
	unsigned w = f->mode0 == PAGING_NONPAE ? 4 : 8, op;
	uint64_t gpa, e;

	if (f->mode0 == PAGING_OFF || !pte_find(f, w, &gpa, &e))
		return false;
	op = pte_pick_op(f, w, e);
	if (!fz_mem_write(f, gpa, w, pte_op(f, op, w, e)))
		return false;
	return fz_record(f, FUZZ_PTE, "pte.0x%llx.%s", (unsigned long long)gpa, pte_ops[op]);
}
