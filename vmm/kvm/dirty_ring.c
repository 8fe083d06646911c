/* dirty_ring.c: the set of guest pages written since the last reset, fed from KVM's dirty ring or its bitmap (pure: the shared ring only). */
#include "vmm/kvm/dirty_ring.h"

#include <errno.h>
#include <linux/kvm.h>
#include <stdlib.h>

int dirty_set_init(struct dirty_set *d, const uint64_t pages[DIRTY_SLOTS])
{
	*d = (struct dirty_set){ 0 };
	for (unsigned s = 0; s < DIRTY_SLOTS; s++) {
		d->size[s] = pages[s];
		d->bits[s] = calloc(pages[s] / 64 + 1, sizeof(uint64_t));
		d->pages[s] = calloc(pages[s] + 1, sizeof(uint64_t));
		if (!d->bits[s] || !d->pages[s]) {
			dirty_set_free(d);
			return -ENOMEM;
		}
	}
	return 0;
}

void dirty_set_free(struct dirty_set *d)
{
	for (unsigned s = 0; s < DIRTY_SLOTS; s++) {
		free(d->bits[s]);
		free(d->pages[s]);
	}
	*d = (struct dirty_set){ 0 };
}

void dirty_set_add(struct dirty_set *d, uint32_t slot, uint64_t page)
{
	uint64_t bit;

	if (slot >= DIRTY_SLOTS || page >= d->size[slot]) {
		d->bad++;
		return;
	}
	bit = 1ull << (page % 64);
	if (d->bits[slot][page / 64] & bit)
		return;
	d->bits[slot][page / 64] |= bit;
	d->pages[slot][d->n[slot]++] = page;
}

void dirty_set_clear(struct dirty_set *d, unsigned slot)
{
	if (slot >= DIRTY_SLOTS)
		return;
	for (uint64_t i = 0; i < d->n[slot]; i++)
		d->bits[slot][d->pages[slot][i] / 64] = 0;
	d->n[slot] = 0;
}

uint32_t dirty_ring_collect(struct dirty_ring *r, struct dirty_set *d)
{
	uint32_t n = 0;

	if (!r->gfns || !r->entries)
		return 0;
	while (n < r->entries) {
		struct kvm_dirty_gfn *e = &r->gfns[r->fetch & (r->entries - 1)];
		/* KVM fills slot and offset, then sets DIRTY (release): read it first, acquire. */
		uint32_t flags = __atomic_load_n(&e->flags, __ATOMIC_ACQUIRE);

		if (!(flags & KVM_DIRTY_GFN_F_DIRTY))
			return n;
		dirty_set_add(d, e->slot, e->offset);
		__atomic_store_n(&e->flags, KVM_DIRTY_GFN_F_RESET, __ATOMIC_RELEASE);
		r->fetch++;
		n++;
	}
	return n;
}
