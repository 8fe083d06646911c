/* coalesced.c: KVM's coalesced-write ring taken back in order (pure: the shared page only). */
#include "vmm/kvm/coalesced.h"

#include <linux/kvm.h>
#include <stddef.h>

#define ENTRY_DATA_MAX 8 /* struct kvm_coalesced_mmio's data[8] */

uint32_t coalesced_capacity(uint32_t page_size)
{
	if (page_size <= sizeof(struct kvm_coalesced_mmio_ring))
		return 0;
	return (uint32_t)((page_size - sizeof(struct kvm_coalesced_mmio_ring)) /
			  sizeof(struct kvm_coalesced_mmio));
}

unsigned coalesced_drain(struct coalesced_ring *r, coalesced_write_fn fn, void *ctx)
{
	struct kvm_coalesced_mmio_ring *ring = r->ring;
	uint32_t first, last;
	unsigned n = 0;

	if (!ring)
		return 0;
	first = ring->first; /* only vmm writes it */
	/* KVM fills the entry, then moves `last` (smp_wmb()): read it first, acquire. */
	last = __atomic_load_n(&ring->last, __ATOMIC_ACQUIRE);
	if (first >= r->capacity || last >= r->capacity) {
		r->bad++;
		return 0;
	}
	while (first != last) {
		const struct kvm_coalesced_mmio *e = &ring->coalesced_mmio[first];
		uint32_t len = e->len < ENTRY_DATA_MAX ? e->len : ENTRY_DATA_MAX;

		fn(ctx, e->pio != 0, e->phys_addr, e->data, len);
		first = (first + 1) % r->capacity;
		n++;
	}
	/* The slots go back once read: KVM may refill them from here on. */
	__atomic_store_n(&ring->first, first, __ATOMIC_RELEASE);
	r->taken += n;
	return n;
}

bool coalesced_pending(const struct coalesced_ring *r)
{
	return r->ring && __atomic_load_n(&r->ring->first, __ATOMIC_ACQUIRE) !=
				  __atomic_load_n(&r->ring->last, __ATOMIC_ACQUIRE);
}

uint64_t coalesced_position(const struct coalesced_ring *r)
{
	if (!r->ring)
		return 0;
	return (uint64_t)__atomic_load_n(&r->ring->first, __ATOMIC_ACQUIRE) << 32 |
	       __atomic_load_n(&r->ring->last, __ATOMIC_ACQUIRE);
}
