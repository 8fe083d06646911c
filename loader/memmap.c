/* memmap.c: builds the e820-style map that matches guest RAM exactly. */
#include "loader/memmap.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

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

static bool inside(const struct memmap_entry *e, uint64_t start, uint64_t len)
{
	return start >= e->addr && len <= e->size && start - e->addr <= e->size - len;
}

bool memmap_ram_holds(const struct memmap_entry *map, unsigned n, uint64_t start,
		      uint64_t len)
{
	for (unsigned i = 0; i < n; i++)
		if (map[i].type == MEMMAP_RAM && inside(&map[i], start, len))
			return true;
	return false;
}

int memmap_reserve(struct memmap_entry map[MEMMAP_MAX], unsigned n,
		   uint64_t start, uint64_t len)
{
	struct memmap_entry tail[MEMMAP_MAX];
	unsigned i = 0, m = 0;

	while (i < n && !(map[i].type == MEMMAP_RAM && inside(&map[i], start, len)))
		i++;
	if (len == 0 || i == n || n + 2 > MEMMAP_MAX)
		return -EINVAL;
	struct memmap_entry ram = map[i];

	memcpy(tail, &map[i + 1], (n - i - 1) * sizeof(*map));
	m = add(map, i, ram.addr, start, MEMMAP_RAM);
	m = add(map, m, start, start + len, MEMMAP_RESERVED);
	m = add(map, m, start + len, ram.addr + ram.size, MEMMAP_RAM);
	memcpy(&map[m], tail, (n - i - 1) * sizeof(*map));
	return (int)(m + n - i - 1);
}
