/* afl_mutate.c: one test case from another for AFL++'s custom mutator: vmm fuzz's field classes over the mutator image, text edits one time in 4 or without an image. */
#define _GNU_SOURCE
#include "vmm/fuzz/afl_mutate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/fuzz/mutate.h"
#include "vmm/fuzz/text_mutate.h"
#include "vmm/state.h"

enum draw { DRAW_TEXT, DRAW_SPLICE, DRAW_FIELDS, DRAWS = 4 }; /* DRAW_FIELDS: 2 in 4 */

/* st as a state file in out; its length, or 0 if it does not fit. */
static size_t print_state(const struct entry_state *st, char *out, size_t max)
{
	size_t len = 0;
	char *text = state_text(st, &len);

	if (!text || len > max)
		len = 0;
	if (len)
		memcpy(out, text, len);
	free(text);
	return len;
}

size_t afl_mutate(struct afl_mutate *m, const char *in, size_t len, const char *other, size_t olen,
		  uint64_t *rng, char *out, size_t max)
{
	const struct mutator_image *ti = m->ti;
	struct fuzz_target t;
	struct fuzz_mutation mut;
	unsigned d;
	size_t n;

	if (ti)
		m->st = ti->valid; /* a test case applies to the valid state, as in vmm fuzz --afl */
	if (!ti || state_parse(in, len, &m->st) < 0)
		return text_mutate(in, len, other, olen, rng, &m->st, out, max);
	d = (unsigned)(fuzz_splitmix64(rng) % DRAWS);
	if (d == DRAW_TEXT)
		return text_mutate(in, len, other, olen, rng, &m->st, out, max);
	memset(&mut, 0, sizeof(mut));
	if (d == DRAW_SPLICE && other) {
		m->other = ti->valid;
		if (state_parse(other, olen, &m->other) == 0)
			fuzz_splice(&m->st, &ti->valid, &m->other, rng, &mut);
	}
	t = (struct fuzz_target){ .mem = m->mem, .info = ti->info, .table_bytes = ti->table_bytes };
	fuzz_mutate_from(&m->st, &ti->valid, &t, fuzz_splitmix64(rng), 1,
			 ti->wild ? FUZZ_WILD : FUZZ_NEAR, &mut);
	n = print_state(&m->st, out, max);
	return n ? n : text_mutate(in, len, other, olen, rng, &m->st, out, max);
}
