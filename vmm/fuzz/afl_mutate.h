/* afl_mutate.h: one test case from another for AFL++'s custom mutator: vmm fuzz's own field mutations over a mutator image's image, or text edits without one. */
#ifndef VMM_FUZZ_AFL_MUTATE_H
#define VMM_FUZZ_AFL_MUTATE_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/fuzz/mutator_image.h"

struct afl_mutate {
	const struct mutator_image *ti; /* NULL: text edits only (text_mutate()) */
	const struct guest_mem *mem;   /* ti's image, mutator_image_map() */
	struct entry_state st, other;  /* scratch */
};

/*
 * Write into `out` (room `max`) a test case made from the state file `in` (and `other`, a
 * second test case; may be NULL), drawing from *rng. With a mutator image and an `in` that
 * parses: one draw in 4 is text_mutate()'s, one in 4 splices `other`'s fields into `in`
 * (fuzz_splice(), where `other` parses) before the mutation, and every other draw is
 * fuzz_mutate_from()'s: the field classes of `vmm fuzz --guided` (paging, GDT, segments,
 * registers, page-table entries and boot info as pokes) in the image's mode, printed as a
 * state file. Otherwise text_mutate() alone. The same *rng and inputs give the same text.
 * Returns its length, 0 if nothing fits in `max`.
 */
size_t afl_mutate(struct afl_mutate *m, const char *in, size_t len, const char *other, size_t olen,
		  uint64_t *rng, char *out, size_t max);

#endif
