/* pagetable.c: builds 1:1 page tables for 32-bit, PAE and 4-level paging, and walks them (SDM Vol. 3A ch. 4). */
#include "mmu/pagetable.h"

#include <errno.h>
#include <string.h>

#include "mmu/bits.h"
#include "mmu/err.h"

#define SIZE_4K (1ULL << 12)
#define SIZE_2M (1ULL << 21)
#define SIZE_4M (1ULL << 22)
#define SIZE_1G (1ULL << 30)
#define LIMIT_32BIT (1ULL << 32)   /* NONPAE and PAE address 4 GiB */
#define LIMIT_4LEVEL (1ULL << 39)  /* one PML4 entry: 512 GiB */
#define LEAF (PTE_P | PTE_RW)	   /* present, writable, supervisor, executable */

static const char *const mode_names[] = { "off", "nonpae", "pae", "long" };

const char *paging_mode_name(enum paging_mode m)
{
	return (unsigned)m < 4 ? mode_names[m] : NULL;
}

uint64_t pt_page_size(const struct pt_spec *s)
{
	if (s->mode == PAGING_NONPAE)
		return s->large ? SIZE_4M : SIZE_4K;
	return SIZE_2M;
}

static uint64_t div_up(uint64_t a, uint64_t b)
{
	return a / b + (a % b != 0);
}

bool pt_size(const struct pt_spec *s, uint64_t *bytes)
{
	uint64_t end = s->map_end;

	switch (s->mode) {
	case PAGING_OFF:
		*bytes = 0;
		return true;
	case PAGING_NONPAE: /* PD + one PT per 4 MiB, or the PD alone */
		*bytes = SIZE_4K * (1 + (s->large ? 0 : div_up(end, SIZE_4M)));
		return end <= LIMIT_32BIT;
	case PAGING_PAE: /* PDPT + one PD per GiB */
		*bytes = SIZE_4K * (1 + div_up(end, SIZE_1G));
		return end <= LIMIT_32BIT;
	case PAGING_LONG: /* PML4 + PDPT + one PD per GiB */
		*bytes = SIZE_4K * (2 + div_up(end, SIZE_1G));
		return end <= LIMIT_4LEVEL;
	}
	return false;
}

static void put32(uint8_t *t, uint64_t i, uint64_t v)
{
	uint32_t x = (uint32_t)v;

	memcpy(t + i * 4, &x, 4);
}

static void put64(uint8_t *t, uint64_t i, uint64_t v)
{
	memcpy(t + i * 8, &v, 8);
}

static void build_nonpae(uint8_t *t, const struct pt_spec *s, uint64_t mapped)
{
	uint64_t npt = div_up(mapped, SIZE_4M);

	if (s->large) {
		for (uint64_t i = 0; i < npt; i++)
			put32(t, i, (i * SIZE_4M) | LEAF | PTE_PS);
		return;
	}
	for (uint64_t i = 0; i < npt; i++)
		put32(t, i, (s->base + SIZE_4K * (1 + i)) | PTE_P | PTE_RW);
	for (uint64_t pg = 0; pg < mapped / SIZE_4K; pg++)
		put32(t + SIZE_4K, pg, (pg * SIZE_4K) | LEAF);
}

/* 2 MiB leaves for every PD, which start at table offset `pd_off`. */
static void fill_pds(uint8_t *t, uint64_t pd_off, uint64_t mapped)
{
	for (uint64_t i = 0; i < mapped / SIZE_2M; i++)
		put64(t + pd_off, i, (i * SIZE_2M) | LEAF | PTE_PS);
}

static void build_pae(uint8_t *t, const struct pt_spec *s, uint64_t mapped)
{
	for (uint64_t k = 0; k < div_up(mapped, SIZE_1G); k++)
		put64(t, k, (s->base + SIZE_4K * (1 + k)) | PTE_P);
	fill_pds(t, SIZE_4K, mapped);
}

static void build_long(uint8_t *t, const struct pt_spec *s, uint64_t mapped)
{
	put64(t, 0, (s->base + SIZE_4K) | PTE_P | PTE_RW);
	for (uint64_t k = 0; k < div_up(mapped, SIZE_1G); k++)
		put64(t + SIZE_4K, k, (s->base + SIZE_4K * (2 + k)) | PTE_P | PTE_RW);
	fill_pds(t, 2 * SIZE_4K, mapped);
}

static int check_spec(const struct pt_spec *s, uint64_t *bytes)
{
	if (s->base % SIZE_4K)
		return errf(-EINVAL, "pagetable: base 0x%llx is not page-aligned",
			    (unsigned long long)s->base);
	if (!pt_size(s, bytes))
		return errf(-E2BIG, "pagetable: %s paging cannot map up to 0x%llx",
			    paging_mode_name(s->mode),
			    (unsigned long long)s->map_end);
	/* 32-bit CR3, and non-PAE entries hold 32-bit addresses: nonpae and PAE
	 * tables must lie below 4 GiB (SDM Vol. 3A §4.3, §4.4.1). */
	if ((s->mode == PAGING_NONPAE || s->mode == PAGING_PAE) &&
	    (s->base >= GiB(4) || *bytes > GiB(4) - s->base))
		return errf(-E2BIG, "pagetable: %s tables at 0x%llx+0x%llx must lie below 4 GiB",
			    paging_mode_name(s->mode), (unsigned long long)s->base,
			    (unsigned long long)*bytes);
	if (*bytes > s->limit)
		return errf(-E2BIG,
			    "pagetable: %s tables for 0x%llx bytes need %llu KiB, the RAM at 0x%llx holds %llu KiB",
			    paging_mode_name(s->mode),
			    (unsigned long long)s->map_end,
			    (unsigned long long)(*bytes >> 10),
			    (unsigned long long)s->base,
			    (unsigned long long)(s->limit >> 10));
	return 0;
}

int pt_build(struct guest_mem *gm, const struct pt_spec *s, struct pt_result *out)
{
	uint64_t bytes, page = pt_page_size(s), mapped;
	uint8_t *t;
	int r = check_spec(s, &bytes);

	if (r < 0)
		return r;
	memset(out, 0, sizeof(*out));
	if (s->mode == PAGING_OFF)
		return 0;
	t = gm_ptr(gm, s->base, bytes);
	if (!t || !align_up(s->map_end, page, &mapped))
		return errf(-E2BIG, "pagetable: tables at 0x%llx+0x%llx are not RAM",
			    (unsigned long long)s->base, (unsigned long long)bytes);
	memset(t, 0, bytes);
	if (s->mode == PAGING_NONPAE)
		build_nonpae(t, s, mapped);
	else if (s->mode == PAGING_PAE)
		build_pae(t, s, mapped);
	else
		build_long(t, s, mapped);
	*out = (struct pt_result){ .cr3 = s->base, .bytes = bytes,
				   .mapped = mapped, .page_size = page };
	return 0;
}

static int not_mapped(uint64_t va)
{
	return errf(-EFAULT, "pagetable: 0x%llx is not mapped", (unsigned long long)va);
}

/* Entry `index` of the table at `table` (width 4 or 8 bytes) on the way to `va`: -EFAULT if
 * the table is not RAM or the entry is not present. */
static int read_entry(const struct guest_mem *gm, uint64_t table,
		      uint64_t index, unsigned width, uint64_t va, uint64_t *e)
{
	const uint8_t *p = gm_ptr(gm, table + index * width, width);
	uint32_t e32;

	if (!p)
		return errf(-EFAULT, "pagetable: table 0x%llx is not RAM",
			    (unsigned long long)table);
	if (width == 4) {
		memcpy(&e32, p, 4);
		*e = e32;
	} else {
		memcpy(e, p, 8);
	}
	return *e & PTE_P ? 0 : not_mapped(va);
}

static void leaf(struct pt_walk *w, uint64_t e, uint64_t base, uint64_t size,
		 uint64_t va, bool rw, bool nx)
{
	*w = (struct pt_walk){ .pa = base + (va & (size - 1)), .page_size = size,
			       .writable = rw && (e & PTE_RW),
			       .executable = !nx && !(e & PTE_NX) };
}

static int walk_nonpae(const struct guest_mem *gm, bool pse, uint64_t cr3,
		       uint64_t va, struct pt_walk *w)
{
	uint64_t pde = 0, pte = 0;
	int r = read_entry(gm, cr3 & 0xfffff000, (va >> 22) & 0x3ff, 4, va, &pde);

	if (r < 0)
		return r;
	if (pse && (pde & PTE_PS)) {
		leaf(w, pde, pde & 0xffc00000, SIZE_4M, va, true, false);
		return 0;
	}
	r = read_entry(gm, pde & 0xfffff000, (va >> 12) & 0x3ff, 4, va, &pte);
	if (r < 0)
		return r;
	leaf(w, pte, pte & 0xfffff000, SIZE_4K, va, pde & PTE_RW, false);
	return 0;
}

/* The PD/PT levels shared by PAE and 4-level paging (8-byte entries). */
static int walk_pd(const struct guest_mem *gm, uint64_t pd, uint64_t va,
		   bool rw, bool nx, struct pt_walk *w)
{
	uint64_t pde = 0, pte = 0;
	int r = read_entry(gm, pd, (va >> 21) & 0x1ff, 8, va, &pde);

	if (r < 0)
		return r;
	rw = rw && (pde & PTE_RW);
	nx = nx || (pde & PTE_NX);
	if (pde & PTE_PS) {
		leaf(w, pde, pde & PTE_ADDR_MASK & ~(SIZE_2M - 1), SIZE_2M, va, rw, nx);
		return 0;
	}
	r = read_entry(gm, pde & PTE_ADDR_MASK, (va >> 12) & 0x1ff, 8, va, &pte);
	if (r < 0)
		return r;
	leaf(w, pte, pte & PTE_ADDR_MASK, SIZE_4K, va, rw, nx);
	return 0;
}

static int walk_pae(const struct guest_mem *gm, uint64_t cr3, uint64_t va,
		    struct pt_walk *w)
{
	uint64_t pdpte = 0;
	int r = read_entry(gm, cr3 & 0xffffffe0, (va >> 30) & 3, 8, va, &pdpte);

	if (r < 0)
		return r;
	if (pdpte & PDPTE_RESERVED)
		return errf(-EINVAL, "pagetable: PDPTE %llu = 0x%llx has reserved bits set",
			    (unsigned long long)((va >> 30) & 3),
			    (unsigned long long)pdpte);
	return walk_pd(gm, pdpte & PTE_ADDR_MASK, va, true, false, w);
}

static int walk_long(const struct guest_mem *gm, uint64_t cr3, uint64_t va,
		     struct pt_walk *w)
{
	uint64_t pml4e = 0, pdpte = 0;
	int r = read_entry(gm, cr3 & PTE_ADDR_MASK, (va >> 39) & 0x1ff, 8, va, &pml4e);

	if (r < 0)
		return r;
	r = read_entry(gm, pml4e & PTE_ADDR_MASK, (va >> 30) & 0x1ff, 8, va, &pdpte);
	if (r < 0)
		return r;
	if (pdpte & PTE_PS) {
		leaf(w, pdpte, pdpte & PTE_ADDR_MASK & ~(SIZE_1G - 1), SIZE_1G, va,
		     (pml4e & PTE_RW) != 0, (pml4e & PTE_NX) != 0);
		w->writable = w->writable && (pdpte & PTE_RW);
		return 0;
	}
	return walk_pd(gm, pdpte & PTE_ADDR_MASK, va,
		       (pml4e & PTE_RW) && (pdpte & PTE_RW),
		       (pml4e & PTE_NX) || (pdpte & PTE_NX), w);
}

int pt_translate_la57(const struct guest_mem *gm, uint64_t cr3, uint64_t va, struct pt_walk *w)
{
	uint64_t pml5e = 0;
	int r;

	/* Canonical for 57 bits: bits 63..56 all equal (SDM Vol. 3A §4.5.1). */
	if (va >> 56 != 0 && va >> 56 != 0xff)
		return not_mapped(va);
	r = read_entry(gm, cr3 & PTE_ADDR_MASK, (va >> 48) & 0x1ff, 8, va, &pml5e);
	if (r < 0)
		return r;
	/* The PML4 below it is walked as 4-level paging's, which indexes bits 47:12 alone. */
	r = walk_long(gm, pml5e & PTE_ADDR_MASK, va, w);
	if (r == 0) {
		w->writable = w->writable && (pml5e & PTE_RW);
		w->executable = w->executable && !(pml5e & PTE_NX);
	}
	return r;
}

int pt_translate(const struct guest_mem *gm, enum paging_mode m, bool pse,
		 uint64_t cr3, uint64_t va, struct pt_walk *out)
{
	switch (m) {
	case PAGING_OFF:
		*out = (struct pt_walk){ .pa = va & 0xffffffff, .page_size = 0,
					 .writable = true, .executable = true };
		return 0;
	case PAGING_NONPAE:
		return va >> 32 ? not_mapped(va) : walk_nonpae(gm, pse, cr3, va, out);
	case PAGING_PAE:
		return va >> 32 ? not_mapped(va) : walk_pae(gm, cr3, va, out);
	case PAGING_LONG:
		/* Canonical addresses only (bits 63..47 all equal): vmm's own
		 * tables map the lower half, a guest kernel's the upper half. */
		return (va >> 47 != 0 && va >> 47 != 0x1ffff) ? not_mapped(va)
							       : walk_long(gm, cr3, va, out);
	}
	return errf(-EINVAL, "pagetable: bad mode %d", (int)m);
}
