/* test_guest_mem.c: GPA -> host translation bounds, including the split around the MMIO hole. */
#include <criterion/criterion.h>
#include <sys/mman.h>

#include "mmu/bits.h"
#include "mmu/guest_mem.h"

static uint8_t backing[64];

Test(guest_mem, small_ram_bounds)
{
	struct guest_mem gm = { .hva = backing, .size = sizeof(backing) };

	cr_assert_eq(gm_ptr(&gm, 0, 64), backing);
	cr_assert_eq(gm_ptr(&gm, 63, 1), backing + 63);
	cr_assert_null(gm_ptr(&gm, 63, 2));
	cr_assert_null(gm_ptr(&gm, 64, 1));
	cr_assert_eq(gm_low_size(&gm), 64);
	cr_assert_eq(gm_high_size(&gm), 0);
}

Test(guest_mem, overflow_is_rejected)
{
	struct guest_mem gm = { .hva = backing, .size = sizeof(backing) };

	cr_assert_null(gm_ptr(&gm, UINT64_MAX, 2));
	cr_assert_null(gm_ptr(&gm, 8, UINT64_MAX));
}

Test(guest_mem, ram_above_hole_moves_to_4g)
{
	/* 4 GiB of reserved, inaccessible address space: never touched. */
	uint8_t *big = mmap(NULL, GiB(4), PROT_NONE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	struct guest_mem gm = { .hva = big, .size = GiB(4) };

	cr_assert_neq(big, MAP_FAILED);

	cr_assert_eq(gm_low_size(&gm), GM_LOW_LIMIT);
	cr_assert_eq(gm_high_size(&gm), GiB(1));
	cr_assert_null(gm_ptr(&gm, GM_LOW_LIMIT - 1, 2), "range crosses into the hole");
	cr_assert_null(gm_ptr(&gm, GM_LOW_LIMIT, 1), "the hole is not RAM");
	cr_assert_eq(gm_ptr(&gm, GM_HIGH_BASE, 1), big + GM_LOW_LIMIT);
	cr_assert_eq(gm_ptr(&gm, GM_HIGH_BASE + GiB(1) - 1, 1), big + GiB(4) - 1);
	cr_assert_null(gm_ptr(&gm, GM_HIGH_BASE + GiB(1) - 1, 2));
	munmap(big, GiB(4));
}
