/* coalesced.h: KVM's ring of coalesced writes (KVM_REGISTER_COALESCED_MMIO) read back in order: pure, over the shared page. */
#ifndef VMM_KVM_COALESCED_H
#define VMM_KVM_COALESCED_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Writes to a registered zone do not exit: KVM appends them to a ring in a page shared with
 * vmm (api.rst, KVM_REGISTER_COALESCED_MMIO; `pio` zones since Linux 4.19, KVM_CAP_COALESCED_PIO)
 * and only a full ring makes the write exit as usual. vmm takes the entries back, oldest
 * first, before it handles any exit, so the device sees every access in the guest's order.
 */
struct kvm_coalesced_mmio_ring;

struct coalesced_ring {
	struct kvm_coalesced_mmio_ring *ring; /* NULL: nothing registered */
	uint32_t capacity;		      /* entries the page holds */
	uint64_t taken;			      /* entries handed on so far */
	uint64_t bad;			      /* drains stopped by an index out of range */
};

/* Entries a ring page of `page_size` bytes holds (KVM_COALESCED_MMIO_MAX for that size). */
uint32_t coalesced_capacity(uint32_t page_size);

/* One write as KVM recorded it: `len` bytes (1-8) of `data` at port or address `addr`. */
typedef void (*coalesced_write_fn)(void *ctx, bool pio, uint64_t addr, const uint8_t *data,
				   uint32_t len);

/* Give every waiting entry to `fn`, oldest first, then give the slots back to KVM; returns
 * how many. The page is written by the kernel, not the guest, but its indexes are checked all
 * the same: one out of range ends the drain (counted in `bad`), an entry longer than 8 bytes
 * is passed on as 8. */
unsigned coalesced_drain(struct coalesced_ring *r, coalesced_write_fn fn, void *ctx);

/* Does an entry wait? (Any thread; a snapshot.) */
bool coalesced_pending(const struct coalesced_ring *r);

/* KVM's and vmm's positions in the ring as one value, to see whether either moved. */
uint64_t coalesced_position(const struct coalesced_ring *r);

#endif
