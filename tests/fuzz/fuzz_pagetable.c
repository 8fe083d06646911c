/* fuzz_pagetable.c: libFuzzer target: pt_build() from a fuzzed pt_spec, then pt_translate() on fuzzed addresses and tables. */
#include "mmu/bits.h"
#include "mmu/pagetable.h"
#include "tests/fuzz/fuzz_util.h"

/*
 * Two RAM sizes over one mapping: 64 MiB, or all of low RAM (3 GiB, up to
 * the MMIO hole) plus 64 MiB above 4 GiB, so that tables and walks also
 * meet the hole and the high region (guest_mem.h). Only touched pages cost.
 */
#define SMALL_RAM MiB(64)
#define BIG_RAM (GM_LOW_LIMIT + MiB(64))
/* Bases are taken modulo the top of the big RAM's high region. */
#define BASE_SPAN (GM_HIGH_BASE + MiB(64))

struct built {
	struct pt_spec spec;
	struct pt_result pt;
	bool ok, pse, dirty; /* dirty: the input has rewritten table bytes */
};

/*
 * Header: flags byte (bits 0-1 mode, bit 2 large pages, bit 3 CR4.PSE for
 * the walks, bit 4 the big RAM), 3 bytes of base page number, 4 bytes of
 * limit, 5 bytes of map_end (enough to cross LONG's 512 GiB).
 */
static struct built build(struct guest_mem *gm, struct fuzz_in *in)
{
	uint8_t flags = (uint8_t)fuzz_take(in, 1);
	struct built b = { .pse = flags & 8 };
	uint64_t bytes = 0;
	bool sized;

	gm->size = flags & 16 ? BIG_RAM : SMALL_RAM;
	b.spec.mode = (enum paging_mode)(flags & 3);
	b.spec.large = flags & 4;
	b.spec.base = (fuzz_take(in, 3) * PT_PAGE) % BASE_SPAN;
	b.spec.limit = fuzz_take(in, 4);
	b.spec.map_end = fuzz_take(in, 5);
	(void)paging_mode_name(b.spec.mode);
	sized = pt_size(&b.spec, &bytes);
	b.ok = pt_build(gm, &b.spec, &b.pt) == 0;
	if (b.ok && (!sized || b.pt.bytes != bytes ||
		     (b.spec.mode != PAGING_OFF && b.pt.page_size != pt_page_size(&b.spec))))
		fuzz_fail("pt_build: result disagrees with pt_size()/pt_page_size()");
	return b;
}

/* Untouched tables map [0, mapped) 1:1, read/write/execute. The 4 MiB PS
 * entries of large nonpae tables are leaves only when CR4.PSE is set. */
static void check_identity(const struct built *b, uint64_t va, int r,
			   const struct pt_walk *w)
{
	if (!b->ok || b->dirty || va >= b->pt.mapped || b->spec.mode == PAGING_OFF)
		return;
	if (b->spec.mode == PAGING_NONPAE && b->spec.large && !b->pse)
		return;
	if (r < 0 || w->pa != va || w->page_size != b->pt.page_size ||
	    !w->writable || !w->executable)
		fuzz_fail("pt_translate: built tables do not map va 1:1");
}

/* Overwrite 8 bytes of the tables, at an offset the input picks. */
static void poke(struct guest_mem *gm, struct built *b, struct fuzz_in *in)
{
	uint64_t off = fuzz_take(in, 3), v = fuzz_take(in, 8);
	uint8_t *t;

	if (b->pt.bytes < 8)
		return;
	off %= b->pt.bytes - 7;
	t = gm_ptr(gm, b->spec.base + off, 8);
	if (!t)
		fuzz_fail("gm_ptr: built tables are not RAM");
	for (unsigned i = 0; i < 8; i++)
		t[i] = (uint8_t)(v >> (8 * i));
	b->dirty = true;
}

/*
 * Records: an op byte, then its operands. Op bits 0-1: 0-1 walk the built
 * tables at an 8-byte va; 2 walk from a 5-byte cr3 in the mode of op bits
 * 2-3; 3 poke the tables.
 */
static void walk(struct guest_mem *gm, struct built *b, struct fuzz_in *in)
{
	uint8_t op = (uint8_t)fuzz_take(in, 1);
	struct pt_walk w = { 0 };
	uint64_t va, cr3;
	int r;

	switch (op & 3) {
	case 0:
	case 1:
		va = fuzz_take(in, 8);
		r = pt_translate(gm, b->spec.mode, b->pse, b->pt.cr3, va, &w);
		check_identity(b, va, r, &w);
		break;
	case 2:
		cr3 = fuzz_take(in, 5);
		va = fuzz_take(in, 8);
		(void)pt_translate(gm, (enum paging_mode)((op >> 2) & 3), op & 0x10,
				   cr3, va, &w);
		break;
	default:
		poke(gm, b, in);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct guest_mem gm = fuzz_ram(BIG_RAM);
	struct fuzz_in in = { data, size };
	struct built b = build(&gm, &in);

	while (fuzz_more(&in))
		walk(&gm, &b, &in);
	fuzz_ram_reset();
	return 0;
}
