/* test_memmap.c: e820 map for several RAM sizes. */
#include <criterion/criterion.h>

#include "loader/memmap.h"
#include "mmu/bits.h"

static unsigned build(uint64_t size, struct memmap_entry *map)
{
	struct guest_mem gm = { .hva = NULL, .size = size };

	return memmap_build(&gm, map);
}

static void expect(const struct memmap_entry *e, uint64_t addr, uint64_t size,
		   uint32_t type)
{
	cr_assert_eq(e->addr, addr, "addr 0x%llx", (unsigned long long)e->addr);
	cr_assert_eq(e->size, size, "size 0x%llx", (unsigned long long)e->size);
	cr_assert_eq(e->type, type);
}

Test(memmap, ram_256m)
{
	struct memmap_entry m[MEMMAP_MAX];

	cr_assert_eq(build(MiB(256), m), 3);
	expect(&m[0], 0, 0x9fc00, MEMMAP_RAM);
	expect(&m[1], 0x9fc00, 0x100000 - 0x9fc00, MEMMAP_RESERVED);
	expect(&m[2], 0x100000, MiB(256) - 0x100000, MEMMAP_RAM);
}

Test(memmap, ram_16m)
{
	struct memmap_entry m[MEMMAP_MAX];

	cr_assert_eq(build(MiB(16), m), 3);
	expect(&m[2], 0x100000, MiB(15), MEMMAP_RAM);
}

Test(memmap, ram_exactly_3g_has_no_high_part)
{
	struct memmap_entry m[MEMMAP_MAX];

	cr_assert_eq(build(GiB(3), m), 3);
	expect(&m[2], 0x100000, GiB(3) - 0x100000, MEMMAP_RAM);
}

Test(memmap, ram_8g_splits_around_the_hole)
{
	struct memmap_entry m[MEMMAP_MAX];

	cr_assert_eq(build(GiB(8), m), 4);
	expect(&m[2], 0x100000, GiB(3) - 0x100000, MEMMAP_RAM);
	expect(&m[3], GiB(4), GiB(5), MEMMAP_RAM);
}

Test(memmap, ram_below_ebda)
{
	struct memmap_entry m[MEMMAP_MAX];

	cr_assert_eq(build(KiB(512), m), 2);
	expect(&m[0], 0, KiB(512), MEMMAP_RAM);
	expect(&m[1], 0x9fc00, 0x100000 - 0x9fc00, MEMMAP_RESERVED);
}
