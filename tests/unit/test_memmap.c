/* test_memmap.c: e820 map for several RAM sizes. */
#include <criterion/criterion.h>
#include <errno.h>

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

Test(memmap, reserve_at_the_start_of_a_ram_entry)
{
	struct memmap_entry m[MEMMAP_MAX];
	int n = memmap_reserve(m, build(GiB(8), m), MiB(1), KiB(516));

	cr_assert_eq(n, 5);
	expect(&m[0], 0, 0x9fc00, MEMMAP_RAM);
	expect(&m[2], MiB(1), KiB(516), MEMMAP_RESERVED);
	expect(&m[3], MiB(1) + KiB(516), GiB(3) - MiB(1) - KiB(516), MEMMAP_RAM);
	expect(&m[4], GiB(4), GiB(5), MEMMAP_RAM);
}

Test(memmap, reserve_splits_a_ram_entry_in_three)
{
	struct memmap_entry m[MEMMAP_MAX];
	int n = memmap_reserve(m, build(GiB(8), m), MiB(2), MiB(1));

	cr_assert_eq(n, MEMMAP_MAX);
	expect(&m[2], MiB(1), MiB(1), MEMMAP_RAM);
	expect(&m[3], MiB(2), MiB(1), MEMMAP_RESERVED);
	expect(&m[4], MiB(3), GiB(3) - MiB(3), MEMMAP_RAM);
	expect(&m[5], GiB(4), GiB(5), MEMMAP_RAM);
	cr_assert_eq(memmap_reserve(m, (unsigned)n, MiB(8), MiB(1)), -EINVAL, "no room left");
}

Test(memmap, reserve_at_the_start_of_low_ram)
{
	struct memmap_entry m[MEMMAP_MAX];
	int n = memmap_reserve(m, build(MiB(256), m), 0x30000, 0x5000);

	cr_assert_eq(n, 5);
	expect(&m[0], 0, 0x30000, MEMMAP_RAM);
	expect(&m[1], 0x30000, 0x5000, MEMMAP_RESERVED);
	expect(&m[2], 0x35000, 0x9fc00 - 0x35000, MEMMAP_RAM);
	expect(&m[3], 0x9fc00, 0x100000 - 0x9fc00, MEMMAP_RESERVED);
}

Test(memmap, reserve_refuses_ranges_outside_one_ram_entry)
{
	struct memmap_entry m[MEMMAP_MAX];
	unsigned n = build(MiB(256), m);

	cr_assert_eq(memmap_reserve(m, n, 0x9f000, 0x2000), -EINVAL, "across the EBDA");
	cr_assert_eq(memmap_reserve(m, n, MiB(255), MiB(2)), -EINVAL, "past the end of RAM");
	cr_assert_eq(memmap_reserve(m, n, UINT64_MAX - 0xfff, 0x2000), -EINVAL, "wrapping");
	cr_assert_eq(memmap_reserve(m, n, MiB(1), 0), -EINVAL, "empty");
	expect(&m[2], 0x100000, MiB(255), MEMMAP_RAM);
}
