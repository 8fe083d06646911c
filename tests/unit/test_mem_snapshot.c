/* test_mem_snapshot.c: restoring the dirty pages (and vmm's own writes) gives back the image bit for bit. */
#include <criterion/criterion.h>
#include <string.h>

#include "mmu/bits.h"
#include "mmu/mem_snapshot.h"
#include "tests/unit/fixtures.h"

static struct guest_mem gm;
static struct mem_snapshot snap;

static void setup(void)
{
	gm = fixture_ram(MiB(8));
	for (uint64_t off = 0; off < MiB(2); off += 64) /* an "image" in the first 2 MiB */
		gm.hva[off] = (uint8_t)(off >> 6);
	cr_assert_eq(mem_snapshot_take(&snap, &gm), 0);
}

static void teardown(void)
{
	mem_snapshot_free(&snap);
	fixture_ram_free(&gm);
}

TestSuite(mem_snapshot, .init = setup, .fini = teardown);

Test(mem_snapshot, copies_only_non_zero_pages)
{
	cr_assert_eq(snap.pages_copied, MiB(2) / SNAP_PAGE, "the image pages, not the zero ones: %llu",
		     (unsigned long long)snap.pages_copied);
	cr_assert_eq(mem_snapshot_diff(&snap, &gm, NULL), 0);
}

Test(mem_snapshot, dirty_pages_come_back_bit_exact)
{
	uint64_t pages[] = { MiB(7) / SNAP_PAGE, 3, MiB(5) / SNAP_PAGE }, first;

	memset(gm.hva + 0x3000, 0xff, 10);       /* an image page */
	memset(gm.hva + MiB(5) + 0x100, 0x5a, 1); /* a page that was zero */
	memset(gm.hva + MiB(7), 0x77, SNAP_PAGE);
	cr_assert_eq(mem_snapshot_diff(&snap, &gm, &first), 3);
	cr_assert_eq(first, 0x3000, "the first page that differs");
	cr_assert_eq(mem_snapshot_restore_pages(&snap, &gm, 0, gm.size, pages, 3, NULL), 3);
	cr_assert_eq(snap.pages_rewritten, 3);
	cr_assert_eq(mem_snapshot_diff(&snap, &gm, NULL), 0, "bit-exact after restoring the dirty pages");
}

Test(mem_snapshot, a_page_written_back_with_its_own_bytes_is_only_read)
{
	uint64_t pages[] = { 4, 6 };

	gm.hva[0x4000] = gm.hva[0x4000]; /* the guest stored what was there: dirty, unchanged */
	gm.hva[0x6040] ^= 0x10;
	bool changed[2] = { true, false };

	cr_assert_eq(mem_snapshot_restore_pages(&snap, &gm, 0, gm.size, pages, 2, changed), 2, "both covered");
	cr_assert_eq(snap.pages_rewritten, 1, "only the changed one written back");
	cr_assert(!changed[0] && changed[1], "which of them differed: %d %d", changed[0], changed[1]);
	cr_assert_eq(mem_snapshot_restore_range(&snap, &gm, 0x4000, 0x3000), 3);
	cr_assert_eq(snap.pages_rewritten, 1, "nothing left to write");
	cr_assert_eq(mem_snapshot_diff(&snap, &gm, NULL), 0);
}

/* A page that was all zero is checked against zero and put back zeroed, its last byte too. */
Test(mem_snapshot, a_zero_page_changed_at_its_last_byte_comes_back_zero)
{
	uint64_t pages[] = { MiB(6) / SNAP_PAGE, MiB(6) / SNAP_PAGE + 1 };
	bool changed[2];

	gm.hva[MiB(6) + SNAP_PAGE - 1] = 0x80;
	gm.hva[MiB(6) + SNAP_PAGE] = 0; /* stored zero over zero: unchanged */
	cr_assert_eq(mem_snapshot_diff(&snap, &gm, NULL), 1);
	cr_assert_eq(mem_snapshot_restore_pages(&snap, &gm, 0, gm.size, pages, 2, changed), 2);
	cr_assert(changed[0] && !changed[1], "%d %d", changed[0], changed[1]);
	cr_assert_eq(snap.pages_rewritten, 1);
	cr_assert_eq(gm.hva[MiB(6) + SNAP_PAGE - 1], 0);
	cr_assert_eq(mem_snapshot_diff(&snap, &gm, NULL), 0);
}

/* Each page checked as what it was at take time: a zero page inside the image against zero,
 * an image page among zero pages against its copy, their neighbours as theirs. */
Test(mem_snapshot, each_page_is_checked_as_what_it_was)
{
	uint64_t pages[] = { 299, 300, 301, 699, 700, 701 };
	bool changed[6];

	mem_snapshot_free(&snap);
	memset(gm.hva + 300 * SNAP_PAGE, 0, SNAP_PAGE);
	memset(gm.hva + 700 * SNAP_PAGE, 0x42, SNAP_PAGE);
	cr_assert_eq(mem_snapshot_take(&snap, &gm), 0);
	cr_assert_eq(mem_snapshot_restore_pages(&snap, &gm, 0, gm.size, pages, 6, changed), 6);
	cr_assert_eq(snap.pages_rewritten, 0, "nothing changed, nothing written");
	gm.hva[300 * SNAP_PAGE + 7] = 1;
	gm.hva[700 * SNAP_PAGE + SNAP_PAGE - 1] = 0;
	cr_assert_eq(mem_snapshot_restore_pages(&snap, &gm, 0, gm.size, pages, 6, changed), 6);
	for (unsigned i = 0; i < 6; i++)
		cr_assert_eq(changed[i], pages[i] == 300 || pages[i] == 700, "page %llu",
			     (unsigned long long)pages[i]);
	cr_assert_eq(gm.hva[700 * SNAP_PAGE + SNAP_PAGE - 1], 0x42);
	cr_assert_eq(mem_snapshot_diff(&snap, &gm, NULL), 0);
}

Test(mem_snapshot, a_page_left_out_of_the_list_stays_changed)
{
	uint64_t pages[] = { 4 };

	gm.hva[0x5000] ^= 1;
	cr_assert_eq(mem_snapshot_restore_pages(&snap, &gm, 0, gm.size, pages, 1, NULL), 1);
	cr_assert_eq(mem_snapshot_diff(&snap, &gm, NULL), 1);
}

Test(mem_snapshot, ranges_cover_partial_pages_and_skip_non_ram)
{
	memset(gm.hva + 0x1ff0, 1, 0x20); /* straddles pages 1 and 2 */
	cr_assert_eq(mem_snapshot_restore_range(&snap, &gm, 0x1ff0, 0x20), 2);
	cr_assert_eq(mem_snapshot_diff(&snap, &gm, NULL), 0);
	cr_assert_eq(mem_snapshot_restore_range(&snap, &gm, MiB(8) - 8, 0x2000), 1,
		     "only the page that is RAM");
	cr_assert_eq(mem_snapshot_restore_range(&snap, &gm, UINT64_MAX - 8, 100), 0, "no overflow");
}

Test(mem_snapshot, a_range_puts_back_its_bytes_only)
{
	gm.hva[0x3000] ^= 1;
	gm.hva[0x3100] ^= 1;
	cr_assert_eq(mem_snapshot_restore_range(&snap, &gm, 0x3000, 8), 1);
	cr_assert_eq(snap.pages_rewritten, 1);
	cr_assert_eq(gm.hva[0x3000], snap.copy[0x3000], "the range is back");
	cr_assert_neq(gm.hva[0x3100], snap.copy[0x3100], "the byte past it is left");
	cr_assert_eq(mem_snapshot_restore_range(&snap, &gm, 0x3000, 8), 1);
	cr_assert_eq(snap.pages_rewritten, 1, "read, not written, when already back");
	cr_assert_eq(mem_snapshot_restore_range(&snap, &gm, UINT64_MAX - 0xfff, 0x1000), 0,
		     "the top page: no wrap");
}

/* Whole pages in a range take the page path: a zero page comes back zero, an image page as
 * its copy, and neither is written where it is already back. */
Test(mem_snapshot, whole_pages_of_a_range_come_back_as_they_were)
{
	memset(gm.hva + MiB(3), 0x33, 2 * SNAP_PAGE); /* two zero pages */
	gm.hva[0x5000 + SNAP_PAGE - 1] ^= 0xff;	       /* an image page */
	cr_assert_eq(mem_snapshot_restore_range(&snap, &gm, MiB(3), 2 * SNAP_PAGE), 2);
	cr_assert_eq(mem_snapshot_restore_range(&snap, &gm, 0x5000, SNAP_PAGE), 1);
	cr_assert_eq(snap.pages_rewritten, 3);
	cr_assert_eq(mem_snapshot_diff(&snap, &gm, NULL), 0);
	cr_assert_eq(mem_snapshot_restore_range(&snap, &gm, MiB(3), 2 * SNAP_PAGE), 2);
	cr_assert_eq(snap.pages_rewritten, 3, "read, not written, when already back");
}

Test(mem_snapshot, pages_of_a_slot_at_an_offset)
{
	uint64_t pages[] = { 0, MiB(4) / SNAP_PAGE };

	gm.hva[MiB(4)] = 9;
	cr_assert_eq(mem_snapshot_restore_pages(&snap, &gm, MiB(4), MiB(4), pages, 2, NULL), 1,
		     "the page past the slot's end is skipped");
	cr_assert_eq(gm.hva[MiB(4)], 0);
	cr_assert_eq(mem_snapshot_restore_pages(&snap, &gm, MiB(6), MiB(4), pages, 1, NULL), 0,
		     "a slot past the copy is refused");
}
