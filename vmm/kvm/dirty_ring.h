/* dirty_ring.h: the set of guest pages written since the last reset, fed from KVM's dirty ring (KVM_CAP_DIRTY_LOG_RING) or its bitmap: pure, over the shared ring. */
#ifndef VMM_KVM_DIRTY_RING_H
#define VMM_KVM_DIRTY_RING_H

#include <stdbool.h>
#include <stdint.h>

#define DIRTY_SLOTS 2 /* vmm's memory slots: RAM below the hole (0) and above 4 GiB (1) */

/* Each slot's written pages, each once, in the order first seen: taking them back costs what
 * the run wrote, not what the VM has. */
struct dirty_set {
	uint64_t *bits[DIRTY_SLOTS];  /* a bit per page of the slot */
	uint64_t *pages[DIRTY_SLOTS]; /* page indexes within the slot, n[] of them */
	uint64_t n[DIRTY_SLOTS];
	uint64_t size[DIRTY_SLOTS];   /* pages in the slot */
	uint64_t bad;		      /* entries naming no page of a slot (ignored) */
};

/* Room for `pages[s]` pages in slot s; -ENOMEM. */
int dirty_set_init(struct dirty_set *d, const uint64_t pages[DIRTY_SLOTS]);
void dirty_set_free(struct dirty_set *d);
void dirty_set_add(struct dirty_set *d, uint32_t slot, uint64_t page);
/* Forget slot s's pages (the caller has taken them back): costs what it holds. */
void dirty_set_clear(struct dirty_set *d, unsigned slot);

struct kvm_dirty_gfn;

/*
 * One vCPU's dirty ring: KVM publishes each page the guest (or KVM for it) writes while it
 * is write-protected as an entry flagged DIRTY (api.rst, KVM_CAP_DIRTY_LOG_RING); vmm flags
 * what it collected RESET, and KVM_RESET_DIRTY_RINGS write-protects those pages again and
 * frees the entries. Near full, KVM_RUN exits with KVM_EXIT_DIRTY_RING_FULL until vmm does.
 */
struct dirty_ring {
	struct kvm_dirty_gfn *gfns; /* NULL: no ring */
	uint32_t entries;	    /* a power of two */
	uint32_t fetch;		    /* the next entry to look at (runs on; masked) */
};

/* Add every entry published since the last call to `d` and flag it collected; returns how
 * many. The ring is written by the kernel, not the guest, but slots and pages are checked. */
uint32_t dirty_ring_collect(struct dirty_ring *r, struct dirty_set *d);

#endif
