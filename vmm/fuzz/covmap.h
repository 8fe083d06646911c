/* covmap.h: the fuzz mode's coverage map: AFL's 64 KiB edge map, its hit-count buckets and the virgin map that says what is new. Pure. */
#ifndef VMM_FUZZ_COVMAP_H
#define VMM_FUZZ_COVMAP_H

#include <stdint.h>

#define COVMAP_SIZE 65536 /* AFL's MAP_SIZE (config.h: 1 << 16) */

/* One run's map: bits[edge] counts how often the edge was taken (AFL's trace_bits). */
struct covmap {
	uint8_t bits[COVMAP_SIZE];
	uint32_t prev;	/* AFL's prev_loc: the previous site's location, shifted right by one */
};

/* Site kinds: what a site's hash is made of (README "Feedback"). */
enum covmap_kind {
	COVMAP_EXIT,	/* a VM exit: reason, guest RIP, port or MMIO address */
	COVMAP_STEP,	/* a single-stepped instruction: its RIP */
	COVMAP_POINT,	/* a progress point passed: its index */
	COVMAP_END,	/* how the run ended: outcome class */
	COVMAP_HOST_PC,	/* --kcov: a host kernel PC that KVM's ioctls ran */
	COVMAP_RUN,	/* the site every run visits first: all a state vmm refused has */
};

/* An empty map, as at the start of a run. */
void covmap_reset(struct covmap *m);
/* A site's location in [0, COVMAP_SIZE): a hash of (kind, a, b), the same on every host. */
uint32_t covmap_loc(enum covmap_kind kind, uint64_t a, uint64_t b);
/* Visit a site: the edge from the previous one is counted (AFL: bits[cur ^ prev]++, then
 * prev = cur >> 1, so A->B and B->A differ and A->A is not 0); counts stop at 255. */
void covmap_visit(struct covmap *m, uint32_t loc);
/* Add `src`'s counts to `dst`'s (each stops at 255), edge by edge; `dst`'s prev is kept. */
void covmap_add(struct covmap *dst, const struct covmap *src);
/* A host KCOV trace (`n` PCs in the order the kernel ran them) as sites, each edge from the
 * PC before: the host KVM code a run made the kernel execute. */
void covmap_visit_pcs(struct covmap *m, const uint64_t *pcs, uint64_t n);
/* AFL's classify_counts(): each count into its bucket 1, 2, 3, 4-7, 8-15, 16-31, 32-127,
 * 128+ (one bit each), so a loop that runs a few more times is no news. */
void covmap_classify(uint8_t bits[COVMAP_SIZE]);
/* AFL's has_new_bits() against `virgin` (all 0xff at the start of a campaign), which it
 * updates: 2 if an edge never seen before, 1 if only a new bucket of a known edge, 0. */
int covmap_new_bits(const uint8_t bits[COVMAP_SIZE], uint8_t virgin[COVMAP_SIZE]);
/* Edges with a non-zero count in `bits`. */
unsigned covmap_count(const uint8_t bits[COVMAP_SIZE]);
/* Edges the campaign has seen: bytes of `virgin` that are no longer 0xff. */
unsigned covmap_seen(const uint8_t virgin[COVMAP_SIZE]);

#endif
