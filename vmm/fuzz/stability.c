/* stability.c: prints of fuzz runs, their comparison across repeats, per-class tallies and the orders of the repeat passes. */
#include "vmm/fuzz/stability.h"

#include <inttypes.h>
#include <string.h>

void fuzz_print_of(struct fuzz_print *p, const struct fuzz_outcome *o, uint64_t sig)
{
	*p = (struct fuzz_print){ .cls = o->cls, .sig = sig, .exits = o->exits, .rip = o->rip,
				  .nlast = o->nlast, .stable = true };
	memcpy(p->last, o->last, sizeof(p->last));
}

bool fuzz_print_repeat(struct fuzz_print *p, const struct fuzz_print *again)
{
	bool same = p->cls == again->cls && p->sig == again->sig && p->exits == again->exits &&
		    p->rip == again->rip && p->nlast == again->nlast &&
		    !memcmp(p->last, again->last, sizeof(p->last[0]) * p->nlast);

	p->stable = p->stable && same;
	return same;
}

static bool ended_by_itself(enum fuzz_outcome_class c)
{
	return !fuzz_outcome_ended_by_limit(c) && c != OUT_KVM_ERROR;
}

void fuzz_stability_add(struct fuzz_stability *s, const struct fuzz_print *p)
{
	if ((unsigned)p->cls >= OUT_CLASSES)
		return;
	s->runs[p->cls]++;
	s->stable[p->cls] += p->stable;
	if (ended_by_itself(p->cls) && p->exits <= STABILITY_SHORT_EXITS) {
		s->short_runs++;
		s->short_stable += p->stable;
	}
}

static double share(uint64_t part, uint64_t all)
{
	return all ? 100.0 * (double)part / (double)all : 100.0;
}

void fuzz_stability_print(FILE *f, const struct fuzz_stability *s, unsigned k)
{
	uint64_t runs = 0, stable = 0, self = 0, self_stable = 0;

	for (unsigned c = 0; c < OUT_CLASSES; c++) {
		runs += s->runs[c];
		stable += s->stable[c];
		if (ended_by_itself((enum fuzz_outcome_class)c)) {
			self += s->runs[c];
			self_stable += s->stable[c];
		}
	}
	fprintf(f, "stability: %u runs of each state; %" PRIu64 " of %" PRIu64 " states stable "
		"(%.1f%%); ended by themselves %.1f%%, within %u exits %.1f%% (%" PRIu64 ")\n",
		k, stable, runs, share(stable, runs), share(self_stable, self),
		STABILITY_SHORT_EXITS, share(s->short_stable, s->short_runs), s->short_runs);
	for (unsigned c = 0; c < OUT_CLASSES; c++)
		if (s->runs[c])
			fprintf(f, "stability %-16s %6" PRIu64 " of %6" PRIu64 " (%.1f%%)\n",
				fuzz_outcome_name((enum fuzz_outcome_class)c), s->stable[c],
				s->runs[c], share(s->stable[c], s->runs[c]));
}

void fuzz_stability_order(uint64_t *order, uint64_t n, unsigned pass, uint64_t seed)
{
	uint64_t x = seed ^ ((uint64_t)pass << 32);

	for (uint64_t i = 0; i < n; i++)
		order[i] = pass == 2 ? n - 1 - i : i;
	for (uint64_t i = n; pass > 2 && i > 1; i--) { /* Fisher-Yates */
		uint64_t j = fuzz_splitmix64(&x) % i, t = order[i - 1];

		order[i - 1] = order[j];
		order[j] = t;
	}
}
