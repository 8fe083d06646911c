/* progress.h: a fuzz run's progress points: where each lies in the boot (a breakpoint address), which a run passed, and the one that ends it. */
#ifndef VMM_FUZZ_PROGRESS_H
#define VMM_FUZZ_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/profile/symbols.h"

#define PROGRESS_MAX 4 /* one hardware breakpoint each (DR0-DR3) */
/* `userspace`: the kernel is about to exec init (init/main.c). */
#define PROGRESS_USERSPACE_SYMBOL "run_init_process"

struct progress_point {
	char name[128];
	uint64_t addr; /* linear */
	uint64_t phys; /* where its first byte lies in guest RAM */
	bool soft;     /* an INT3 vmm writes there (the image is vmm's), else a debug register */
};

struct progress_plan {
	struct progress_point p[PROGRESS_MAX]; /* in boot order where known */
	unsigned n;
	int until;	      /* the --run-until point's index; -1: none (or `marker`) */
	const char *missing;  /* why a default point is left out ("" if none is) */
};

struct progress_in {
	const char *until;	   /* --run-until, or NULL */
	bool link_addresses;	   /* the kernel runs where it was linked (nokaslr, ELF/PVH boots) */
	uint64_t kernel_entry;	   /* the kernel proper's entry (physical = linear there); 0: none */
	bool image_loaded;	   /* vmm wrote the kernel image (ELF/PVH): INT3s can go in at start */
	const struct symtab *syms; /* NULL: no --symbols */
	uint64_t start_rip;	   /* the valid state's first instruction */
	bool start_in_kernel;	   /* ... is the kernel proper's (ELF), not a decompressor's */
};

/*
 * The points every run watches: `kernel` (the kernel proper's entry), then with symbols
 * `start_kernel` and `userspace`, and the --run-until point if it is another. Without
 * link addresses (a bzImage under KASLR) a default point is left out (pl->missing says
 * why) and asking for it in --run-until is refused with a message naming nokaslr.
 * -ENOENT if the --run-until symbol is not in the table; -EINVAL if the --run-until point is
 * the kernel's first instruction the valid state starts at (a run would end before it began).
 */
int progress_plan(struct progress_plan *pl, const struct progress_in *in);

/* One run's passage: bit i set once point i was hit; bit i of `skip`: its next hit is not
 * it yet. */
struct progress_run {
	uint32_t passed, skip;
};

/*
 * A run starts at `rip`. A point there is passed already when the run enters the kernel
 * proper itself (ELF); when a bzImage's decompressor starts there (the 32-bit entry: the
 * compressed startup_32 sits where the kernel's will), its first hit is skipped.
 */
void progress_start(const struct progress_plan *pl, struct progress_run *r, uint64_t rip,
		    bool in_decompressor);
#define PROGRESS_SKIPPED (-2)
/* A breakpoint fired at `rip`: the point's index (marked passed), PROGRESS_SKIPPED (resume
 * over it: it stays armed), or -1 if none of ours. */
int progress_hit(const struct progress_plan *pl, struct progress_run *r, uint64_t rip);
/* The addresses of the debug-register points not yet passed (what to arm now); returns
 * how many. */
unsigned progress_pending(const struct progress_plan *pl, const struct progress_run *r,
			  uint64_t addr[PROGRESS_MAX]);
/* The furthest point passed, in the plan's order; -1 if none. */
int progress_furthest(const struct progress_plan *pl, const struct progress_run *r);

#endif
