/* test_dirty_ring.c: KVM's dirty ring collected in order, and the set of dirty pages it feeds. */
#include <criterion/criterion.h>
#include <linux/kvm.h>

#include "vmm/kvm/dirty_ring.h"

#define ENTRIES 8

static struct kvm_dirty_gfn gfns[ENTRIES];
static struct dirty_set set;
static const uint64_t sizes[DIRTY_SLOTS] = { 200, 70 };

static void setup(void)
{
	memset(gfns, 0, sizeof(gfns));
	cr_assert_eq(dirty_set_init(&set, sizes), 0);
}

static void teardown(void)
{
	dirty_set_free(&set);
}

static void publish(uint32_t i, uint32_t slot, uint64_t offset)
{
	gfns[i % ENTRIES] = (struct kvm_dirty_gfn){ .flags = KVM_DIRTY_GFN_F_DIRTY, .slot = slot,
						    .offset = offset };
}

TestSuite(dirty_ring, .init = setup, .fini = teardown);

Test(dirty_ring, collects_in_order_and_flags_each_for_reset)
{
	struct dirty_ring r = { .gfns = gfns, .entries = ENTRIES };

	publish(0, 0, 5);
	publish(1, 1, 64);
	publish(2, 0, 199);
	cr_assert_eq(dirty_ring_collect(&r, &set), 3);
	cr_assert_eq(r.fetch, 3);
	cr_assert_eq(set.n[0], 2);
	cr_assert_eq(set.pages[0][0], 5);
	cr_assert_eq(set.pages[0][1], 199);
	cr_assert_eq(set.n[1], 1);
	cr_assert_eq(set.pages[1][0], 64);
	for (unsigned i = 0; i < 3; i++)
		cr_assert_eq(gfns[i].flags, KVM_DIRTY_GFN_F_RESET, "entry %u", i);
	cr_assert_eq(dirty_ring_collect(&r, &set), 0, "nothing new: the collected ones are RESET");
}

Test(dirty_ring, wraps_around_and_stops_after_one_lap)
{
	struct dirty_ring r = { .gfns = gfns, .entries = ENTRIES, .fetch = ENTRIES - 2 };

	for (uint32_t i = ENTRIES - 2; i < ENTRIES + 2; i++)
		publish(i, 0, i);
	cr_assert_eq(dirty_ring_collect(&r, &set), 4);
	cr_assert_eq(set.pages[0][2], ENTRIES, "entry 0 after the wrap");
	for (uint32_t i = 0; i < ENTRIES; i++)
		publish(i, 0, 100 + i);
	cr_assert_eq(dirty_ring_collect(&r, &set), ENTRIES, "a full ring: one lap, no more");
}

Test(dirty_ring, pages_come_once_and_bad_entries_are_counted)
{
	struct dirty_ring r = { .gfns = gfns, .entries = ENTRIES };

	publish(0, 0, 7);
	publish(1, 0, 7); /* again after a KVM_RESET_DIRTY_RINGS within one run */
	publish(2, 1, 70); /* past slot 1's 70 pages */
	publish(3, 2, 0);  /* no such slot */
	publish(4, 0x10000, 1); /* address space 1 (SMM): not vmm's */
	cr_assert_eq(dirty_ring_collect(&r, &set), 5);
	cr_assert_eq(set.n[0], 1);
	cr_assert_eq(set.n[1], 0);
	cr_assert_eq(set.bad, 3);
}

Test(dirty_ring, clearing_costs_what_it_holds_and_frees_the_pages)
{
	dirty_set_add(&set, 0, 3);
	dirty_set_add(&set, 0, 130);
	dirty_set_add(&set, 1, 0);
	dirty_set_clear(&set, 0);
	cr_assert_eq(set.n[0], 0);
	cr_assert_eq(set.n[1], 1, "the other slot keeps its page");
	dirty_set_add(&set, 0, 130);
	cr_assert_eq(set.n[0], 1, "a cleared page comes again");
	dirty_set_clear(&set, 5); /* no such slot: nothing */
}

Test(dirty_ring, no_ring_collects_nothing)
{
	struct dirty_ring r = { 0 };

	cr_assert_eq(dirty_ring_collect(&r, &set), 0);
}
