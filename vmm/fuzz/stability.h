/* stability.h: whether a state, run again in another order, does the same thing (pure). */
#ifndef VMM_FUZZ_STABILITY_H
#define VMM_FUZZ_STABILITY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "vmm/fuzz/outcome.h"

/* What must repeat: the class, the signature, the exit count, the final RIP and the last
 * exits (README "Stability"). */
struct fuzz_print {
	enum fuzz_outcome_class cls;
	uint64_t sig, exits, rip;
	uint32_t last[FUZZ_LAST_EXITS];
	unsigned nlast;
	bool stable; /* every repeat so far agreed */
};

void fuzz_print_of(struct fuzz_print *p, const struct fuzz_outcome *o, uint64_t sig);
/* Fold a repeat into the first run's print: false (and p->stable cleared) if it differs. */
bool fuzz_print_repeat(struct fuzz_print *p, const struct fuzz_print *again);

struct fuzz_stability {
	uint64_t runs[OUT_CLASSES], stable[OUT_CLASSES]; /* by the first run's class */
	uint64_t short_runs, short_stable;		  /* runs that ended within 100 exits */
};
#define STABILITY_SHORT_EXITS 100

void fuzz_stability_add(struct fuzz_stability *s, const struct fuzz_print *p);
/* "stability: ..." lines: the share of stable states per class, and of those that ended by
 * themselves within 100 exits. */
void fuzz_stability_print(FILE *f, const struct fuzz_stability *s, unsigned k);
/* The order of pass `pass` (1..) over n runs: 1 as run, 2 reversed, then a shuffle seeded
 * by (seed, pass); order[] gets the positions 0..n-1. */
void fuzz_stability_order(uint64_t *order, uint64_t n, unsigned pass, uint64_t seed);

#endif
