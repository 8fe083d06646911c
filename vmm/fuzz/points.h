/* points.h: a fuzz worker's progress points at run time: the symbols, the probe that they fire, INT3s and debug registers armed per run, and the hits. */
#ifndef VMM_FUZZ_POINTS_H
#define VMM_FUZZ_POINTS_H

#include "mmu/mem_snapshot.h"
#include "vmm/config.h"
#include "vmm/fuzz/outcome.h"
#include "vmm/fuzz/progress.h"
#include "vmm/machine/machine.h"

struct fuzz_points {
	const struct config *cfg;
	struct machine *m;
	struct flush_timer *deadline;	/* the worker's run deadline, for the probe */
	const struct symtab *syms;	/* --symbols; NULL: none */
	struct progress_plan plan;	/* the points every run watches */
	struct progress_run passage;	/* the current run's */
	uint8_t saved_byte[PROGRESS_MAX]; /* under each software point's INT3 */
	unsigned extra;			/* more VCPU_DEBUG_* flags (--trace-steps: STEP) */
	bool debug_on;			/* guest debugging was last set to something */
};

/* The kernel runs at its link-time addresses, so --symbols name them as they are: vmm placed
 * its ELF image, or a bzImage's decompressor was told nokaslr. */
bool points_link_addresses(const struct fuzz_points *pts);
/* Plan the points (README "Progress points") from pts->syms and check with a probe run that
 * breakpoints fire here: where they do not, --run-until is refused and runs watch no point. */
int points_setup(struct fuzz_points *pts);
void points_print(const struct progress_plan *pl);
/* A run starts in `st`: its INT3s written, its debug registers armed. */
int points_start(struct fuzz_points *pts, const struct entry_state *st);
/* An EXIT_DEBUG: ours (*reached set when it is the --run-until point), or the guest's own
 * (handed back to it). */
int points_on_debug_exit(struct fuzz_points *pts, const struct vm_exit *e, const char **reached);
/* Set the debug registers and flags again (after pts->extra changed). */
int points_rearm(struct fuzz_points *pts);
/* The points the run passed, into the outcome. */
void points_note(const struct fuzz_points *pts, struct fuzz_outcome *o);
/* Put back the bytes under the INT3s from `snap`; returns the pages restored. */
uint64_t points_restore(const struct fuzz_points *pts, struct mem_snapshot *snap,
			struct guest_mem *gm);

#endif
