/* bp_schedule.h: which boot points to arm in the 4 debug registers next, as each one is hit (pure state machine). */
#ifndef VMM_PROFILE_BP_SCHEDULE_H
#define VMM_PROFILE_BP_SCHEDULE_H

#include <stdbool.h>
#include <stdint.h>

#define BP_SLOTS 4 /* DR0-DR3 (Intel SDM Vol. 3B §18.2) */
#define BP_MAX_PHASES 32

/*
 * Phase points are passed in boot order; only the next ones fit in the
 * debug registers. While the guest is inside do_initcalls (the phase
 * `initcalls_from` has been hit, `initcalls_to` not yet), do_one_initcall's
 * entry stays armed, and on each entry its return address too, so each
 * initcall's time is one entry-to-return span.
 */
struct bp_schedule {
	uint64_t phase[BP_MAX_PHASES]; /* wanted addresses, boot order */
	unsigned nphase;
	unsigned next;                 /* the first phase point not yet passed */
	uint64_t initcall;             /* do_one_initcall's entry; 0: none */
	unsigned initcalls_from, initcalls_to;
	uint64_t ret;                  /* the current initcall's return; 0: none */
};

/* The addresses to load into DR0.. in order; n <= BP_SLOTS. */
struct bp_set {
	uint64_t addr[BP_SLOTS];
	unsigned n;
};

enum bp_hit_kind { BP_HIT_PHASE, BP_HIT_INITCALL, BP_HIT_INITCALL_RET };

struct bp_hit {
	enum bp_hit_kind kind;
	unsigned phase;   /* BP_HIT_PHASE: which one */
	unsigned skipped; /* BP_HIT_PHASE: earlier points passed unseen */
};

/* Start with `n` phase points (no zeros, no repeats). -EINVAL with a
 * message naming the point at fault, or too many (BP_MAX_PHASES). */
int bp_schedule_init(struct bp_schedule *s, const uint64_t *phase, unsigned n);
/*
 * Also time each initcall: `entry` is do_one_initcall's address; the phase
 * points `from` and `to` (from < to < nphase) are do_initcalls' start and
 * end. -EINVAL if the indices are out of order or entry is 0 or a phase.
 */
int bp_schedule_initcalls(struct bp_schedule *s, uint64_t entry, unsigned from, unsigned to);
/* What to arm now: the initcall pair while inside do_initcalls, then the
 * next phase points in boot order while slots remain. */
void bp_schedule_arm(const struct bp_schedule *s, struct bp_set *out);
/* Whether `rip` is among the addresses bp_schedule_arm() gives now. */
bool bp_schedule_armed(const struct bp_schedule *s, uint64_t rip);
/*
 * A breakpoint at `rip` fired: say which and advance (a phase hit drops the
 * points before it; the end of do_initcalls drops the initcall pair).
 * -ENOENT if rip is not in the armed set (a stale hit: ignore it). After
 * BP_HIT_INITCALL, call bp_schedule_enter() with the return address.
 */
int bp_schedule_hit(struct bp_schedule *s, uint64_t rip, struct bp_hit *hit);
/* Arm `ret` (read from the guest stack at do_one_initcall's entry). */
void bp_schedule_enter(struct bp_schedule *s, uint64_t ret);
/* True once every phase point is passed: nothing is left to arm. */
bool bp_schedule_done(const struct bp_schedule *s);

#endif
