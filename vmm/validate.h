/* validate.h: checks an entry state against the boot protocol before running it. */
#ifndef VMM_VALIDATE_H
#define VMM_VALIDATE_H

#include "vmm/boot.h"

/* A guest-physical range the kernel needs at entry (kernel, zero page, ...). */
struct region {
	const char *name;
	uint64_t start, len;
};

typedef void (*violation_fn)(void *ctx, const char *name, const char *detail);

/*
 * Check `st` (whose GDT and page tables are already in `gm`): paging
 * registers consistent with paging.mode and the boot protocol, PAE/long-mode
 * rules, selectors inside the GDT limit, segment registers equal to their
 * GDT descriptors, interrupts off, and every region mapped 1:1 and writable.
 * Calls `report` once per violation (name like "selector-outside-gdt:ds")
 * and returns how many there were.
 */
unsigned entry_validate(const struct guest_mem *gm, const struct entry_state *st,
			const struct region *regions, unsigned nregions,
			violation_fn report, void *ctx);

#endif
