/* points.c: progress points at run time: symbols loaded, a probe that breakpoints fire, INT3s patched in and put back, debug registers armed, hits told apart from the guest's own. */
#include "vmm/fuzz/points.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "mmu/err.h"
#include "vmm/file.h"
#include "vmm/machine/stop.h"
#include "vmm/profile/kaslr.h"


static bool any_soft(const struct progress_plan *pl)
{
	for (unsigned i = 0; i < pl->n; i++)
		if (pl->p[i].soft)
			return true;
	return false;
}

#define PROBE_MS 500 /* how long a breakpoint at the entry may take to fire */
#define INT3 0xcc    /* the one-byte breakpoint instruction (SDM Vol. 2A, INT n) */

/* Whether a breakpoint at the valid state's first instruction (an INT3 there with `soft`,
 * else DR0) exits to vmm: a nested L1 under QEMU's TCG honours neither for its guests. The
 * next run's reset undoes the probe (vCPU state, the pages it dirtied). */
static bool breakpoints_fire(struct fuzz_points *pts, bool soft)
{
	struct machine *m = pts->m;
	uint64_t rip = m->entry.cpu.rip;
	uint8_t *p = soft ? gm_ptr(&m->mem, rip, 1) : NULL, saved = p ? *p : 0;
	struct vm_exit e = { .kind = EXIT_INTR };
	uint64_t until = timing_now() + PROBE_MS * 1000000ULL;
	int r = vcpu_load_state(m->vcpu, &m->entry.cpu);

	if (r == 0)
		r = vcpu_set_debug(m->vcpu, &rip, soft ? 0 : 1, soft ? VCPU_DEBUG_SOFT : 0);
	if (p)
		*p = INT3;
	flush_timer_arm(pts->deadline, until);
	while (r == 0 && (r = vcpu_run(m->vcpu, &e)) == 0 && e.kind == EXIT_INTR &&
	       timing_now() < until && stop_pending(NULL) == STOP_NONE)
		;
	flush_timer_disarm(pts->deadline);
	vcpu_clear_exit_request(m->vcpu);
	if (p)
		*p = saved;
	vcpu_set_debug(m->vcpu, NULL, 0, 0);
	return r == 0 && e.kind == EXIT_DEBUG && e.addr >= rip && e.addr <= rip + 1;
}

/* A bzImage's 32- and 64-bit entries start in its decompressor; ELF and PVH boots in the
 * kernel proper (vmm wrote it). */
static bool starts_in_decompressor(enum boot_proto p)
{
	return p == BOOT_LINUX32 || p == BOOT_LINUX64;
}

/* A bzImage's decompressor moves the kernel unless its command line says nokaslr; vmm places
 * an ELF's itself. */
bool points_link_addresses(const struct fuzz_points *pts)
{
	return boot_proto_loads_elf(pts->m->entry.proto) || kaslr_disabled(pts->cfg->append);
}

/* The progress points (README "Progress points"). */
int points_setup(struct fuzz_points *pts)
{
	const struct config *cfg = pts->cfg;
	enum boot_proto p = pts->m->entry.proto;
	struct progress_in in = {
		.until = cfg->fuzz.run_until,
		.link_addresses = points_link_addresses(pts),
		.kernel_entry = pts->m->load.kernel_entry,
		.image_loaded = boot_proto_loads_elf(p),
		.syms = pts->syms,
		.start_rip = pts->m->entry.cpu.rip,
		.start_in_kernel = !starts_in_decompressor(p),
	};
	int r = progress_plan(&pts->plan, &in);

	if (r < 0 || !pts->plan.n || breakpoints_fire(pts, any_soft(&pts->plan)))
		return r;
	pts->plan.n = 0;
	pts->plan.missing = "breakpoints do not fire on this host (a nested KVM under QEMU's "
			  "TCG passes neither DR7 nor INT3 on to its guests)";
	if (cfg->fuzz.run_until && strcmp(cfg->fuzz.run_until, "marker"))
		return errf(-EOPNOTSUPP, "--run-until %s: %s", cfg->fuzz.run_until, pts->plan.missing);
	return 0;
}

void points_print(const struct progress_plan *pl)
{
	fputs("vmm fuzz: progress points:", stderr);
	for (unsigned i = 0; i < pl->n; i++)
		fprintf(stderr, " %s%s@0x%" PRIx64 "%s", pl->p[i].name,
			(int)i == pl->until ? "(until)" : "", pl->p[i].addr,
			pl->p[i].soft ? "(int3)" : "(dr)");
	fprintf(stderr, "%s%s%s\n", pl->n ? "" : " none", *pl->missing ? "; " : "", pl->missing);
}

/* Arm the points this run has not passed (`inject`: and hand the last #DB/#BP to the
 * guest); 0 if there are none. */
static int arm(struct fuzz_points *pts, unsigned inject)
{
	uint64_t addr[PROGRESS_MAX];
	unsigned n = progress_pending(&pts->plan, &pts->passage, addr);
	unsigned flags = (any_soft(&pts->plan) ? VCPU_DEBUG_SOFT : 0) | inject | pts->extra;

	if (!pts->plan.n && !pts->extra && !pts->debug_on)
		return 0;
	pts->debug_on = n || flags;
	return vcpu_set_debug(pts->m->vcpu, addr, n, flags);
}

int points_rearm(struct fuzz_points *pts)
{
	return arm(pts, 0);
}

/* INT3 over the first byte of every software point the run has not passed (the reset puts
 * the bytes back); each one's byte is kept for its hit. */
static void patch(struct fuzz_points *pts)
{
	for (unsigned i = 0; i < pts->plan.n; i++) {
		uint8_t *p = gm_ptr(&pts->m->mem, pts->plan.p[i].phys, 1);

		if (!pts->plan.p[i].soft || (pts->passage.passed & (1u << i)) || !p)
			continue;
		pts->saved_byte[i] = *p;
		*p = INT3;
	}
}

/* Our INT3 at `pc` (or just before it) was hit: its byte back, RIP onto it. */
static int soft_hit(struct fuzz_points *pts, uint64_t pc, int *point)
{
	for (uint64_t at = pc; at + 1 >= pc && at <= pc; at--) {
		int i = progress_hit(&pts->plan, &pts->passage, at);
		uint8_t *p;

		if (i < 0 || !pts->plan.p[i].soft)
			continue;
		p = gm_ptr(&pts->m->mem, pts->plan.p[i].phys, 1);
		if (p)
			*p = pts->saved_byte[i];
		*point = i;
		return vcpu_set_rip(pts->m->vcpu, at);
	}
	*point = -1;
	return 0;
}

/* A debug exit: one of our points (the --run-until one ends the run), the decompressor's
 * first instruction where the kernel's will be (run on over it), or the guest's own #DB or
 * INT3 (handed back to it). */
int points_on_debug_exit(struct fuzz_points *pts, const struct vm_exit *e, const char **reached)
{
	bool bp = e->count == 3; /* #BP: an INT3; else #DB */
	int i, r = 0;

	if (bp)
		r = soft_hit(pts, e->addr, &i);
	else
		i = progress_hit(&pts->plan, &pts->passage, e->addr);
	if (r < 0)
		return r;
	if (i == PROGRESS_SKIPPED)
		return vcpu_resume_over_breakpoint(pts->m->vcpu);
	if (i < 0)
		return arm(pts, bp ? VCPU_DEBUG_INJECT_BP : VCPU_DEBUG_INJECT_DB);
	if (i == pts->plan.until)
		*reached = pts->plan.p[i].name;
	return arm(pts, 0);
}

/* Which points the run passed, by name, in the plan's order. */
void points_note(const struct fuzz_points *pts, struct fuzz_outcome *o)
{
	size_t used = 0;

	o->passed = pts->passage.passed;
	o->progress[0] = '\0';
	for (unsigned i = 0; i < pts->plan.n && used < sizeof(o->progress); i++)
		if (o->passed & (1u << i))
			used += (size_t)snprintf(o->progress + used, sizeof(o->progress) - used,
						 "%s%s", used ? "," : "", pts->plan.p[i].name);
}


int points_start(struct fuzz_points *pts, const struct entry_state *st)
{
	progress_start(&pts->plan, &pts->passage, st->cpu.rip, starts_in_decompressor(st->proto));
	patch(pts);
	return arm(pts, 0);
}

uint64_t points_restore(const struct fuzz_points *pts, struct mem_snapshot *snap,
			struct guest_mem *gm)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < pts->plan.n; i++)
		if (pts->plan.p[i].soft)
			n += mem_snapshot_restore_range(snap, gm, pts->plan.p[i].phys, 1);
	return n;
}
