/* mutate_splice.c: the guided mode's splice: fields of a second corpus state carried into the first, through their dumps (vmm/fuzz/fields.c). */
#include <stdio.h>
#include <stdlib.h>

#include "vmm/fuzz/fields.h"
#include "vmm/fuzz/mutate.h"

static void note(struct fuzz_mutation *out, const char *key)
{
	if (out->n >= FUZZ_MAX_MUTATIONS)
		return;
	out->cls[out->n] = FUZZ_SPLICE;
	snprintf(out->field[out->n++], sizeof(out->field[0]), "splice.%s", key);
}

unsigned fuzz_splice(struct entry_state *st, const struct entry_state *valid,
		     const struct entry_state *other, uint64_t *rng, struct fuzz_mutation *out)
{
	static struct field_list l; /* ~8 KiB: not on the stack */
	static struct entry_state next;
	bool keep[FIELDS_MAX];
	unsigned n = 0;

	if (fields_diff(valid, other, &l) < 0 || l.n == 0)
		return 0;
	for (unsigned i = 0; i < l.n; i++)
		n += keep[i] = fuzz_splitmix64(rng) & 1;
	if (n == 0)
		n = keep[fuzz_splitmix64(rng) % l.n] = true;
	if (fields_apply(st, &l, keep, &next) < 0)
		return 0;
	*st = next;
	for (unsigned i = 0; i < l.n; i++)
		if (keep[i])
			note(out, l.c[i].key);
	return n;
}
