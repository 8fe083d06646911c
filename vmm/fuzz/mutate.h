/* mutate.h: the fuzz mode's mutator: a deterministic entry state per (seed, run index). */
#ifndef VMM_FUZZ_MUTATE_H
#define VMM_FUZZ_MUTATE_H

#include <stdbool.h>
#include <stdint.h>

#include "mmu/guest_mem.h"
#include "vmm/boot.h"

/* Field classes (README "Fuzzing entry states" gives each one's weight and what it touches). */
enum fuzz_class {
	FUZZ_PAGING,	/* paging mode, CR0/CR3/CR4/EFER bits */
	FUZZ_GDT,	/* a GDT descriptor: type, S, DPL, P, D/B, L, G, AVL, limit, base */
	FUZZ_SEGMENT,	/* a selector or segment-cache field that disagrees with the GDT */
	FUZZ_REGS,	/* RIP, RSP, RSI, RBX, RFLAGS */
	FUZZ_PTE,	/* a page-table entry (a poke): P, address, reserved, NX, PS, U/S, R/W */
	FUZZ_BOOTINFO,	/* boot_params (loadflags, hardware_subarch, cmd_line_ptr, e820) or
			   hvm_start_info (cmdline_paddr, memmap) fields (pokes) */
	FUZZ_CLASSES,
	FUZZ_SPLICE = FUZZ_CLASSES, /* guided mode only, never drawn: fields of a second corpus state */
};

/* near: one mutation, kept to at most one validator violation (the boundary
 * of what vmm accepts); wild: 1 to 8 mutations, the validator ignored. */
enum fuzz_mode { FUZZ_NEAR, FUZZ_WILD };
#define FUZZ_NEAR_TRIES 16 /* near mode: candidates drawn before keeping the last */

/* What the mutator may read: the loaded image with the valid state written. */
struct fuzz_target {
	const struct guest_mem *mem;
	gpa_t info;		/* zero page (linux32/linux64/elf) or hvm_start_info (pvh) */
	uint64_t table_bytes;	/* page-table bytes at st->paging.base */
	/* near mode: violations of a candidate state (CPU/GDT/paging, pokes
	 * not applied); NULL accepts every candidate. */
	unsigned (*violations)(void *ctx, const struct entry_state *st);
	void *ctx;
};

#define FUZZ_MAX_MUTATIONS 8
struct fuzz_mutation {
	unsigned n;
	enum fuzz_class cls[FUZZ_MAX_MUTATIONS];
	char field[FUZZ_MAX_MUTATIONS][48]; /* e.g. "cr4.bit5", "gdt.2.dpl", "pte.0x31008.nx" */
};

/* The boot info the mutator edits: a valid state's zero page (RSI, boot protocol) or its
 * hvm_start_info (EBX, PVH). */
gpa_t fuzz_boot_info(const struct entry_state *valid);

/* The class weights, out of FUZZ_WEIGHT_TOTAL. */
extern const unsigned fuzz_class_weight[FUZZ_CLASSES];
#define FUZZ_WEIGHT_TOTAL 100
const char *fuzz_class_name(enum fuzz_class c);

/* The mutator's generator, SplitMix64 (Steele, Lea, Flood, OOPSLA 2014; constants from
 * Vigna's splitmix64.c): the next number of the stream in *s. */
uint64_t fuzz_splitmix64(uint64_t *s);

/*
 * Mutate the valid state `st` in place for run `index` of `seed`: the same
 * (seed, index, mode, st, target) always gives the same result. Run index 0
 * is the valid state unchanged (the baseline). Memory edits become pokes in
 * st (read-modify-write of the 8 bytes at their GPA), never direct writes.
 */
void fuzz_mutate(struct entry_state *st, const struct fuzz_target *t, uint64_t seed,
		 uint64_t index, enum fuzz_mode mode, struct fuzz_mutation *out);

/*
 * Guided mode: mutate `st`, a corpus state (the valid state `valid` plus earlier changes),
 * once (near: no validator here, the parent may already be past it) or 1 to 8 times (wild),
 * from the stream of (seed, index). Page-table edits address the tables of `valid`, the
 * ones in t->mem. Deterministic like fuzz_mutate().
 */
void fuzz_mutate_from(struct entry_state *st, const struct entry_state *valid,
		      const struct fuzz_target *t, uint64_t seed, uint64_t index,
		      enum fuzz_mode mode, struct fuzz_mutation *out);
/*
 * Splice (mutate_splice.c): each field in which `other` differs from `valid` goes into `st`
 * with probability 1/2 (at least one), drawn from *rng; recorded as "splice.KEY" of class
 * FUZZ_SPLICE in `out` (appended, up to FUZZ_MAX_MUTATIONS names). Returns how many fields
 * came over; 0 (st unchanged) if `other` has none or the result does not parse.
 */
unsigned fuzz_splice(struct entry_state *st, const struct entry_state *valid,
		     const struct entry_state *other, uint64_t *rng, struct fuzz_mutation *out);

#endif
