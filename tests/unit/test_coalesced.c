/* test_coalesced.c: KVM's coalesced-write ring is taken back oldest first, across the wrap, and its slots given back; bad indexes stop the drain. */
#include <criterion/criterion.h>
#include <linux/kvm.h>
#include <string.h>

#include "vmm/kvm/coalesced.h"

#define PAGE 4096

static union {
	struct kvm_coalesced_mmio_ring ring;
	uint8_t page[PAGE];
} shared;

struct seen {
	unsigned n;
	uint64_t addr[256];
	uint8_t byte[256];
	uint32_t len[256];
	bool pio[256];
};

static void record(void *ctx, bool pio, uint64_t addr, const uint8_t *data, uint32_t len)
{
	struct seen *s = ctx;

	s->addr[s->n] = addr;
	s->byte[s->n] = data[0];
	s->len[s->n] = len;
	s->pio[s->n] = pio;
	s->n++;
}

/* What KVM does for one byte write to `port` (coalesced_mmio_write()). */
static void kvm_writes(struct coalesced_ring *r, uint16_t port, uint8_t byte)
{
	struct kvm_coalesced_mmio *e = &shared.ring.coalesced_mmio[shared.ring.last];

	e->phys_addr = port;
	e->len = 1;
	e->pio = 1;
	e->data[0] = byte;
	shared.ring.last = (shared.ring.last + 1) % r->capacity;
}

static struct coalesced_ring fresh(void)
{
	memset(&shared, 0, sizeof(shared));
	return (struct coalesced_ring){ .ring = &shared.ring, .capacity = coalesced_capacity(PAGE) };
}

Test(coalesced, capacity_is_kvms_for_a_page)
{
	/* KVM_COALESCED_MMIO_MAX with PAGE_SIZE 4096: (4096 - 8) / 24. */
	cr_expect_eq(coalesced_capacity(PAGE), (PAGE - 8) / 24);
	cr_expect_eq(coalesced_capacity(8), 0);
}

Test(coalesced, drains_in_order_and_gives_slots_back)
{
	struct coalesced_ring r = fresh();
	struct seen s = { 0 };

	cr_expect_not(coalesced_pending(&r));
	for (unsigned i = 0; i < 5; i++)
		kvm_writes(&r, 0x3f8, (uint8_t)('a' + i));
	cr_expect(coalesced_pending(&r));
	cr_assert_eq(coalesced_drain(&r, record, &s), 5);
	for (unsigned i = 0; i < 5; i++) {
		cr_expect_eq(s.byte[i], 'a' + i);
		cr_expect_eq(s.addr[i], 0x3f8);
		cr_expect_eq(s.len[i], 1);
		cr_expect(s.pio[i]);
	}
	cr_expect_eq(shared.ring.first, 5);
	cr_expect_not(coalesced_pending(&r));
	cr_expect_eq(coalesced_drain(&r, record, &s), 0);
	cr_expect_eq(r.taken, 5);
}

Test(coalesced, wraps_around_the_page)
{
	struct coalesced_ring r = fresh();
	struct seen s = { 0 };
	uint64_t before;

	shared.ring.first = shared.ring.last = r.capacity - 2;
	before = coalesced_position(&r);
	for (unsigned i = 0; i < 4; i++)
		kvm_writes(&r, 0x3f8, (uint8_t)i);
	cr_expect_neq(coalesced_position(&r), before);
	cr_assert_eq(coalesced_drain(&r, record, &s), 4);
	for (unsigned i = 0; i < 4; i++)
		cr_expect_eq(s.byte[i], i);
	cr_expect_eq(shared.ring.first, 2);
}

Test(coalesced, bad_indexes_stop_the_drain)
{
	struct coalesced_ring r = fresh();
	struct seen s = { 0 };

	shared.ring.last = r.capacity; /* one past the end */
	cr_expect_eq(coalesced_drain(&r, record, &s), 0);
	cr_expect_eq(r.bad, 1);
	shared.ring.last = 0;
	shared.ring.first = 0xffffffff;
	cr_expect_eq(coalesced_drain(&r, record, &s), 0);
	cr_expect_eq(r.bad, 2);
	cr_expect_eq(s.n, 0);
}

Test(coalesced, long_entries_are_cut_to_8_bytes)
{
	struct coalesced_ring r = fresh();
	struct seen s = { 0 };

	kvm_writes(&r, 0x3f8, 'x');
	shared.ring.coalesced_mmio[0].len = 0xffffffff;
	cr_assert_eq(coalesced_drain(&r, record, &s), 1);
	cr_expect_eq(s.len[0], 8);
}

Test(coalesced, no_ring_no_entries)
{
	struct coalesced_ring r = { 0 };
	struct seen s = { 0 };

	cr_expect_eq(coalesced_drain(&r, record, &s), 0);
	cr_expect_not(coalesced_pending(&r));
	cr_expect_eq(coalesced_position(&r), 0);
}
