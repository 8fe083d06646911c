/* testcase.c: one test case of an outside fuzzing engine (afl-fuzz, libFuzzer): a state file parsed over the valid state and run in the worker's VM. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>

#include "mmu/err.h"
#include "vmm/fuzz/worker.h"
#include "vmm/state.h"

void fuzz_refuse_test_case(struct worker *w, struct fuzz_outcome *o)
{
	*o = (struct fuzz_outcome){ .cls = OUT_VMM_REFUSED, .unparsed = true };
	feedback_start(w); /* one edge, the one every run has: a refused state is never news */
	feedback_end(w, o);
	snprintf(o->detail, sizeof(o->detail), "%s", err_msg());
}

bool fuzz_run_forced(struct worker *w, const struct entry_state *st, struct fuzz_outcome *o)
{
	static struct entry_state ran;
	struct fuzz_mutation mut;
	struct fuzz_record rec = { .reset_diff = -1 };
	char diff[256];

	*o = (struct fuzz_outcome){ 0 };
	w->forced = st;
	bool done = fuzz_attempt(w, 0, &ran, &mut, o, &rec, diff, sizeof(diff));
	w->forced = NULL;
	return done;
}

bool fuzz_run_test_case(struct worker *w, const char *text, size_t len, struct fuzz_outcome *o)
{
	static struct entry_state st;

	st = w->m->entry;
	if (state_parse(text, len, &st) < 0) {
		fuzz_refuse_test_case(w, o);
		return true;
	}
	return fuzz_run_forced(w, &st, o);
}

void fuzz_print_test_case(FILE *f, const struct worker *w, const struct fuzz_outcome *o)
{
	fprintf(f, "%s%s%s, signature %016" PRIx64 ", %u edges%s\n", fuzz_outcome_name(o->cls),
		*o->detail ? " " : "", o->detail, fuzz_signature(o), w->fb->edges,
		fuzz_outcome_is_crash(o->cls) ? " (a crash)" : "");
}
