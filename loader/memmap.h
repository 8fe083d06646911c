/* memmap.h: the guest's physical memory map (e820 / PVH memmap entries) derived from guest RAM. */
#ifndef VMM_MEMMAP_H
#define VMM_MEMMAP_H

#include <stdbool.h>

#include "mmu/guest_mem.h"

/* Entry types shared by e820 and hvm_memmap_table_entry (ACPI spec §15, "E820"). */
#define MEMMAP_RAM 1
#define MEMMAP_RESERVED 2

/* Legacy PC holes: EBDA at 639 KiB up to the end of the BIOS ROM at 1 MiB. */
#define MEMMAP_EBDA_START 0x9fc00ULL
#define MEMMAP_HIGH_MEM 0x100000ULL

/* The plain map has at most 4 entries; one reservation splits a RAM entry in 3. */
#define MEMMAP_MAX 6

struct memmap_entry {
	uint64_t addr, size;
	uint32_t type;
};

/*
 * Fill `out` with the map of `gm`: RAM below the EBDA, the legacy hole
 * reserved up to 1 MiB, RAM from 1 MiB to the low top, RAM above 4 GiB.
 * Returns the number of entries (at most MEMMAP_MAX).
 */
unsigned memmap_build(const struct guest_mem *gm,
		      struct memmap_entry out[MEMMAP_MAX]);

/* True if [start, start + len) lies inside one RAM entry of `map` (overflow-safe). */
bool memmap_ram_holds(const struct memmap_entry *map, unsigned n, uint64_t start,
		      uint64_t len);

/*
 * Mark [start, start + len) reserved in the `n` sorted, disjoint entries of
 * `map` (room for MEMMAP_MAX): the RAM entry that contains it is split in
 * up to three. Returns the new count, or -EINVAL if the range is not inside
 * one RAM entry or there is no room.
 */
int memmap_reserve(struct memmap_entry map[MEMMAP_MAX], unsigned n,
		   uint64_t start, uint64_t len);

#endif
