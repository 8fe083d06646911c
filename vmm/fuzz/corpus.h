/* corpus.h: the guided fuzz mode's corpus: states that set new map bits, the edges each covers, and the scheduler that picks the next parent (favouring rare edges). Pure. */
#ifndef VMM_FUZZ_CORPUS_H
#define VMM_FUZZ_CORPUS_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/boot.h"
#include "vmm/fuzz/covmap.h"

#define CORPUS_MAX 1024 /* an entry_state is ~23 KiB (its GDT array) */

struct corpus_entry {
	struct entry_state st;
	uint32_t *edges;	/* the map bytes its run set (sorted) */
	unsigned nedges;
	uint64_t sig;		/* its run's signature */
	uint64_t run;		/* the run index that added it (its file's name) */
};

struct corpus {
	struct corpus_entry *e;
	unsigned n, cap;
	uint32_t *hits;		/* per map byte: how many entries cover it (COVMAP_SIZE) */
	/* corpus_pick()'s weights of every entry (CORPUS_MAX each) and their totals, worked
	 * out again only after an entry was added (a weight reads every edge of its entry). */
	uint64_t *by_sum, *by_mean, total_sum, total_mean;
	bool stale;
};

int corpus_init(struct corpus *c);
void corpus_free(struct corpus *c);
/*
 * Admission: `bits` (a run's classified map) against `virgin` (AFL's virgin_bits: 0xff
 * where nothing was seen yet), which it updates.
 * A state that set an edge never seen before or a new hit-count bucket (covmap_new_bits()
 * > 0) is added with its edges; returns 1 if added, 0 if not, -ENOMEM, or -ENOSPC when the
 * corpus is full (then nothing is added, but the virgin map still learns).
 */
int corpus_admit(struct corpus *c, uint8_t *virgin, const struct entry_state *st,
		 const uint8_t *bits, uint64_t sig);
/* Add `st` with the edges of `bits` unconditionally (the caller knows the news): 0,
 * -ENOMEM, or -ENOSPC when the corpus is full. */
int corpus_add(struct corpus *c, const struct entry_state *st, const uint8_t *bits, uint64_t sig);
/* Entry i's weight: 1 + the sum over its edges of 1024 / (entries covering the edge): an
 * entry alone on an edge outweighs one whose edges every entry shares. */
uint64_t corpus_weight(const struct corpus *c, unsigned i);
/* Entry i's mean rarity: 1 + (corpus_weight() - 1) / its edge count, so an entry with few,
 * rare edges (a state that ends early and differently) outweighs a long common trace. */
uint64_t corpus_weight_mean(const struct corpus *c, unsigned i);
/* Whether run `index` of `seed` draws its parent by corpus_weight_mean() (one run in 2)
 * rather than corpus_weight(): the sum grows the map, the mean finds new ends. */
bool corpus_pick_by_mean(uint64_t seed, uint64_t index);
/* The parent for run `index` of `seed`: drawn in proportion to the weight above that
 * corpus_pick_by_mean() names, from a SplitMix64 stream of (seed, index) only, so the same
 * corpus, seed and index always give the same entry. c->n must be > 0. */
unsigned corpus_pick(struct corpus *c, uint64_t seed, uint64_t index);
/* Whether run `index` of `seed` explores instead: a state drawn from the valid one as blind
 * mode draws it at that index, one run in CORPUS_EXPLORE_ONE_IN (from the same stream of
 * (seed, index) only). */
#define CORPUS_EXPLORE_ONE_IN 4
bool corpus_explore(uint64_t seed, uint64_t index);
/* A second parent for splicing: any entry other than `not` (uniformly), or `not` if alone. */
unsigned corpus_pick_other(const struct corpus *c, uint64_t seed, uint64_t index, unsigned not);

#endif
