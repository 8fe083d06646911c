/* pagetable.h: 1:1 (identity) page tables the VMM builds for the entry state, and a walker. */
#ifndef VMM_PAGETABLE_H
#define VMM_PAGETABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "mmu/guest_mem.h"

/* Paging mode at entry (Intel SDM Vol. 3A §4.1.1). */
enum paging_mode {
	PAGING_OFF,    /* CR0.PG = 0 */
	PAGING_NONPAE, /* 32-bit paging: 2 levels, 4 KiB or 4 MiB (PSE) pages */
	PAGING_PAE,    /* PAE paging: PDPT + PDs, 2 MiB pages */
	PAGING_LONG,   /* 4-level paging: PML4 + PDPT + PDs, 2 MiB pages */
};

/* Paging-structure entry bits (SDM Vol. 3A §4.3, §4.4.2, §4.5). */
#define PTE_P (1ULL << 0)
#define PTE_RW (1ULL << 1)
#define PTE_US (1ULL << 2)
#define PTE_PS (1ULL << 7)
#define PTE_NX (1ULL << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000ULL
/* A PAE PDPTE may carry only P and the address: bits 1-2 and 5-8 are reserved (§4.4.1). */
#define PDPTE_RESERVED 0x1e6ULL

#define PT_PAGE 4096ULL

struct pt_spec {
	enum paging_mode mode;
	bool large;	 /* NONPAE only: 4 MiB PSE pages instead of 4 KiB */
	gpa_t base;	 /* where the tables go (page-aligned) */
	uint64_t limit;	 /* bytes available at base */
	uint64_t map_end; /* map [0, map_end) 1:1 */
};

struct pt_result {
	uint64_t cr3;
	uint64_t bytes;	    /* table bytes written at base */
	uint64_t mapped;    /* [0, mapped): map_end rounded up to the page size */
	uint64_t page_size;
};

/* Name of a mode ("off", "nonpae", "pae", "long"); NULL if out of range. */
const char *paging_mode_name(enum paging_mode m);
/* Page size used for `spec` (4 KiB, 2 MiB or 4 MiB). */
uint64_t pt_page_size(const struct pt_spec *spec);
/* Table bytes `spec` needs (0 for PAGING_OFF); false if the mode cannot
 * map spec->map_end (beyond 4 GiB for NONPAE/PAE, 512 GiB for LONG). */
bool pt_size(const struct pt_spec *spec, uint64_t *bytes);

/*
 * Build identity tables mapping [0, map_end) read/write, executable,
 * supervisor. -E2BIG if they do not fit in [base, base+limit) or in RAM, or
 * if map_end exceeds what the mode can address (4 GiB for NONPAE/PAE).
 */
int pt_build(struct guest_mem *gm, const struct pt_spec *spec,
	     struct pt_result *out);

struct pt_walk {
	uint64_t pa;
	uint64_t page_size;
	bool writable, executable;
};

/*
 * Translate `va` through the tables at `cr3` in mode `m` (for NONPAE,
 * `pse` says whether CR4.PSE honours PS bits). -EFAULT if not mapped or a
 * table lies outside RAM; -EINVAL on a reserved bit (PAE PDPTE).
 */
int pt_translate(const struct guest_mem *gm, enum paging_mode m, bool pse,
		 uint64_t cr3, uint64_t va, struct pt_walk *out);
/*
 * The same through 5-level tables (CR4.LA57 in long mode, SDM Vol. 3A §4.5): the PML5 at
 * `cr3`, then a 4-level walk below it. A guest's own tables only: vmm builds 4-level ones. A
 * Linux kernel runs with these where the CPU has LA57 (its decompressor switches to them).
 */
int pt_translate_la57(const struct guest_mem *gm, uint64_t cr3, uint64_t va, struct pt_walk *out);

#endif
