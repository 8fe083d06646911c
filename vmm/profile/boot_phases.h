/* boot_phases.h: --phases: the kernel's boot points by symbol, their times, each initcall's time, and the report (pure; the debug registers are bp_schedule's). */
#ifndef VMM_PROFILE_BOOT_PHASES_H
#define VMM_PROFILE_BOOT_PHASES_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "vmm/config.h"
#include "vmm/profile/bp_schedule.h"
#include "vmm/profile/symbols.h"

#define PHASES_MAX CONFIG_MAX_PHASES
/* Initcalls kept (Debian's 6.1 kernel ran 666 here; the rest are counted, not kept). */
#define PHASES_MAX_INITCALLS 16384

struct boot_point {
	const char *name;
	uint64_t addr; /* where the breakpoint goes (linear) */
	uint64_t at;   /* ns on the timeline; 0: not hit */
};

struct initcall_time {
	uint64_t fn; /* the initcall's address (do_one_initcall's first argument) */
	uint64_t ns; /* entry to return */
};

/* The initcalls of one caller of do_one_initcall (one return address): Linux has a loop for
 * the early ones and one per level (both inlined into kernel_init_freeable() in Debian's). */
#define PHASES_CALL_SITES 4
struct call_site {
	uint64_t ret;		 /* the return address */
	uint64_t n, sum_ns;
	uint64_t first_at, last_at; /* the first one's entry, the last one's return */
};

struct boot_phases {
	struct boot_point p[PHASES_MAX];
	unsigned n;
	struct bp_schedule sched;
	bool initcalls;		/* do_one_initcall is timed */
	unsigned from, to;	/* the points that open and close the initcall window */
	uint64_t call_fn, call_at; /* the initcall under way (call_at 0: none) */
	struct initcall_time *calls;
	uint64_t ncalls, kept, cap;
	struct call_site site[PHASES_CALL_SITES];
	unsigned nsites;
	uint64_t dropped;	/* entered, never seen returning (another entry or a point came first) */
	uint64_t unread;	/* entered, their return address unreadable (not timed) */
};

/*
 * The points from `st`, in boot order: `kernel` (a bzImage's kernel proper at
 * `kernel_entry`, its physical entry: the decompressor maps it 1:1), start_kernel,
 * rest_init, kernel_init, console_on_rootfs (after do_basic_setup's initcalls),
 * free_initmem and run_init_process (the exec of init); each that `st` lacks is left out.
 * `names` (n of them; --phase) replace that list: each must be in `st` (or be `kernel`, of a
 * bzImage). With do_one_initcall, kernel_init and console_on_rootfs (or, in a kernel from
 * before it, free_initmem), every initcall between them is timed. `calls` (room for `cap`) keeps them. -ENOENT (with a message) without
 * start_kernel or for a name not found; -EINVAL for `kernel` of an ELF or a repeated point.
 */
int boot_phases_plan(struct boot_phases *b, const struct symtab *st, bool bzimage,
		     uint64_t kernel_entry, const char *const *names, unsigned n,
		     struct initcall_time *calls, uint64_t cap);
/* A breakpoint at `rip` fired at `now` (ns since the timeline's start): the point's index,
 * or BOOT_PHASES_INITCALL for do_one_initcall's entry (`fn` is its argument; *want_ret is
 * set: call boot_phases_enter() with the return address read from the stack) or its
 * return; -ENOENT for a hit that is not one of the armed points. Arm again after it. */
#define BOOT_PHASES_INITCALL PHASES_MAX
int boot_phases_hit(struct boot_phases *b, uint64_t rip, uint64_t now, uint64_t fn,
		    bool *want_ret);
void boot_phases_enter(struct boot_phases *b, uint64_t ret);
/* do_one_initcall's return address could not be read: that initcall is not timed. */
void boot_phases_unread(struct boot_phases *b);
/* The addresses to arm now. */
void boot_phases_arm(const struct boot_phases *b, struct bp_set *out);
/* The report: each point's time (ms on the timeline), then the initcalls: how many, their sum
 * against the window, and the `top` slowest by name. */
void boot_phases_report(const struct boot_phases *b, const struct symtab *st, unsigned top,
			FILE *f);

#endif
