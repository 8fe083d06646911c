/* memmap.c: builds the e820-style map that matches guest RAM exactly. */
#include "loader/memmap.h"

static unsigned add(struct memmap_entry *out, unsigned n, uint64_t start,
		    uint64_t end, uint32_t type)
{
	if (end <= start)
		return n;
	out[n] = (struct memmap_entry){ .addr = start, .size = end - start,
					.type = type };
	return n + 1;
}

unsigned memmap_build(const struct guest_mem *gm,
		      struct memmap_entry out[MEMMAP_MAX])
{
	uint64_t low = gm_low_size(gm), high = gm_high_size(gm);
	unsigned n = 0;

	n = add(out, n, 0, low < MEMMAP_EBDA_START ? low : MEMMAP_EBDA_START,
		MEMMAP_RAM);
	n = add(out, n, MEMMAP_EBDA_START, MEMMAP_HIGH_MEM, MEMMAP_RESERVED);
	n = add(out, n, MEMMAP_HIGH_MEM, low, MEMMAP_RAM);
	n = add(out, n, GM_HIGH_BASE, GM_HIGH_BASE + high, MEMMAP_RAM);
	return n;
}
