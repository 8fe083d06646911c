/* fields.h: a state as the fields of its dump that differ from the valid state's: listing, re-applying a subset (minimization, splicing) and the one-line summary. Pure. */
#ifndef VMM_FUZZ_FIELDS_H
#define VMM_FUZZ_FIELDS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "vmm/boot.h"

#define FIELDS_MAX 96 /* the dump has ~140 keys; pokes add up to ENTRY_POKES_MAX */

/* One dump key whose value differs ("gdt.2", "poke.0x7000"), or one bit of a flag register
 * (cr0, cr4, efer, rflags: "cr4.pae", "rflags.bit5"): `reg` names the register and `mask` the
 * bit, and `from`/`to` are "0"/"1". `from` is "-" for a key the valid state does not print (a
 * poke). */
struct field_change {
	char key[40];
	char from[24], to[24];
	const char *reg;	/* NULL: a whole key */
	uint64_t mask;
};

struct field_list {
	unsigned n;
	struct field_change c[FIELDS_MAX];
};

/* The keys of `st`'s dump (vmm/state.c state_print) whose values differ from `valid`'s, in
 * dump order (paging.mode before paging.page_size, as state_parse() needs); a flag
 * register's change is one item per bit that differs. -E2BIG past
 * FIELDS_MAX, -ENOMEM. */
int fields_diff(const struct entry_state *valid, const struct entry_state *st,
		struct field_list *out);
/* *out = `base` with the changes i of `l` where keep[i] (keep NULL: all) applied in order
 * through state_parse(); -EINVAL (err_msg() says why) if a subset does not parse, e.g.
 * a page size without the paging mode it needs. */
int fields_apply(const struct entry_state *base, const struct field_list *l, const bool *keep,
		 struct entry_state *out);
/* "N fields: KEY FROM->TO, ..." of the kept changes (the minimizer's line, without its end). */
void fields_print(FILE *f, const struct field_list *l, const bool *keep);

#endif
