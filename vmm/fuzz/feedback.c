/* feedback.c: the coverage map at run time: every VM exit (reason, RIP from the synced registers, port or address) as an edge, --trace-steps' single steps, progress points and the outcome. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/err.h"
#include "vmm/debug_regs.h"
#include "vmm/fuzz/worker.h"
#include "vmm/machine/stop.h"

#define STEP_PROBE_MS 500

/* One instruction of the valid state under KVM_GUESTDBG_SINGLESTEP: does it exit as a #DB
 * (a nested KVM under QEMU's TCG may not pass it on, as it does not for breakpoints)? The
 * next run's reset undoes the probe. */
static bool single_step_exits(struct worker *w)
{
	struct machine *m = w->m;
	struct vm_exit e = { .kind = EXIT_INTR };
	uint64_t until = timing_now() + STEP_PROBE_MS * 1000000ULL;
	int r = vcpu_load_state(m->vcpu, &m->entry.cpu);

	if (r == 0)
		r = vcpu_set_debug(m->vcpu, NULL, 0, VCPU_DEBUG_STEP);
	flush_timer_arm(&w->deadline, until);
	while (r == 0 && (r = vcpu_run(m->vcpu, &e)) == 0 && e.kind == EXIT_INTR &&
	       timing_now() < until && stop_pending(NULL) == STOP_NONE)
		;
	flush_timer_disarm(&w->deadline);
	vcpu_clear_exit_request(m->vcpu);
	vcpu_set_debug(m->vcpu, NULL, 0, 0);
	fprintf(stderr, "vmm fuzz: single-step probe: exit %u (%s) at 0x%llx, entry 0x%llx\n", e.reason,
		e.kind == EXIT_DEBUG ? "debug" : "other", (unsigned long long)e.addr,
		(unsigned long long)m->entry.cpu.rip);
	return r == 0 && e.kind == EXIT_DEBUG && e.count == 1 && (e.detail & DR6_BS);
}

int feedback_setup(struct worker *w)
{
	const struct config *cfg = w->cfg;
	int sync;

	w->fb = calloc(1, sizeof(*w->fb));
	if (!w->fb)
		return errf(-ENOMEM, "out of memory");
	memset(w->fb->virgin, 0xff, sizeof(w->fb->virgin));
	sync = vcpu_sync_regs(w->m->vcpu);
	if (cfg->fuzz.kcov && kcov_open(&w->fb->kcov) == 0)
		w->fb->kcov_ok = true;
	else if (cfg->fuzz.kcov)
		fprintf(stderr, "vmm fuzz: map: --kcov: none, no KCOV on this host (%s)\n", err_msg());
	if (cfg->fuzz.trace_steps)
		w->fb->can_step = single_step_exits(w);
	fprintf(stderr, "vmm fuzz: map: VM exits%s%s%s%s\n",
		sync ? " with RIP (KVM_CAP_SYNC_REGS)" : " without RIP (no KVM_CAP_SYNC_REGS)",
		!cfg->fuzz.trace_steps ? "" : w->fb->can_step ? ", single steps" : "",
		cfg->fuzz.trace_steps && !w->fb->can_step ?
		"; --trace-steps: none, single steps do not exit to vmm on this host" : "",
		w->fb->kcov_ok ? ", host KVM code (KCOV)" : "");
	return 0;
}

void feedback_free(struct worker *w)
{
	if (w->fb && w->fb->kcov_ok)
		kcov_close(&w->fb->kcov);
	free(w->fb);
	w->fb = NULL;
}

/* An empty map but for the site every run visits first (a refused state's whole map). */
static void map_begin(struct covmap *m)
{
	covmap_reset(m);
	covmap_visit(m, covmap_loc(COVMAP_RUN, 0, 0));
}

void feedback_start(struct worker *w)
{
	struct feedback *fb = w->fb;

	/* A run that ended within its --trace-steps left KVM stepping. Off before the next state
	 * is written: KVM_SET_GUEST_DEBUG reads RFLAGS with TF hidden while KVM steps and writes
	 * it back, so a state with TF written under it lost TF when points_start() re-armed. */
	if (fb->steps_left && w->pts.extra) {
		w->pts.extra = 0;
		points_rearm(&w->pts);
	}

	map_begin(&fb->map);
	if (fb->exits_used)
		covmap_reset(&fb->exits);
	fb->exits_used = false;
	fb->rip_seen = false;
	fb->seen_rip = 0;
	fb->tracing = false; /* a run a stop signal cut short left its trace behind */
	fb->steps_left = fb->can_step ? w->cfg->fuzz.trace_steps : 0;
	w->pts.extra = fb->steps_left ? VCPU_DEBUG_STEP : 0;
}

/* The site of an exit: its kind and where it came from; port and MMIO exits also say where
 * they went. A KVM_RUN cut short by vmm's own timer or a signal is no guest behaviour. */
static bool exit_site(const struct vm_exit *e, uint32_t *loc)
{
	uint64_t where = e->kind == EXIT_IO || e->kind == EXIT_MMIO ?
			 e->addr << 2 | e->is_write << 1 : e->detail;

	if (e->kind == EXIT_INTR)
		return false;
	*loc = covmap_loc(COVMAP_EXIT, (uint64_t)e->reason << 32 ^ where, e->has_rip ? e->rip : 0);
	return true;
}

/* A state that starts with RFLAGS.TF takes a single step of its own after its first
 * instruction (a #DB with DR6.BS). Under KVM_GUESTDBG_SINGLESTEP that #DB exits to vmm as one
 * of its own steps, and when the trace ends KVM clears the guest's TF as well (the
 * KVM_SET_GUEST_DEBUG that stops stepping writes back RFLAGS as kvm_get_rflags() read it,
 * TF hidden), so the run did what the state without TF does: 64 steps made a state that
 * triple-faults at its first instruction run on to the time limit. Such a run is not
 * traced; its map comes from its exits. */
void feedback_state(struct worker *w, const struct entry_state *st)
{
	struct feedback *fb = w->fb;

	if (!fb->steps_left || !(st->cpu.rflags & X86_RFLAGS_TF))
		return;
	fb->steps_left = 0;
	fb->own_tf++;
	w->pts.extra = 0;
}

void feedback_host_start(struct worker *w)
{
	if (w->fb->kcov_ok) {
		kcov_start(&w->fb->kcov);
		w->fb->tracing = true;
	}
}

static void see(struct feedback *fb, uint64_t rip)
{
	fb->rip_seen = true;
	fb->seen_rip = rip;
}

bool feedback_exit(struct worker *w, const struct vm_exit *e)
{
	struct feedback *fb = w->fb;
	uint32_t loc;

	if (fb->steps_left && e->kind == EXIT_DEBUG && e->count == 1 && (e->detail & DR6_BS)) {
		covmap_visit(&fb->map, covmap_loc(COVMAP_STEP, e->addr, 0));
		see(fb, e->addr); /* the next instruction: if it faults, the fault's own */
		if (--fb->steps_left == 0) {
			w->pts.extra = 0;
			points_rearm(&w->pts);
		}
		return true;
	}
	if (exit_site(e, &loc)) {
		covmap_visit(&fb->exits, loc);
		fb->exits_used = true;
	}
	if (e->has_rip && e->kind != EXIT_INTR && e->kind != EXIT_SHUTDOWN)
		see(fb, e->rip); /* a shutdown's RIP is the reset state on AMD */
	return false;
}

void feedback_end(struct worker *w, const struct fuzz_outcome *o)
{
	struct feedback *fb = w->fb;
	bool at_limit = fuzz_outcome_judged_at_limit(o->cls);

	if (fb->tracing) { /* KVM_SET_* of the state and every KVM_RUN since */
		uint64_t n;
		const uint64_t *pcs = kcov_stop(&fb->kcov, &n);

		covmap_visit_pcs(&fb->map, pcs, n);
		fb->tracing = false;
	}

	/* A run a limit stopped is mapped as it is signed, by how far it got (its progress
	 * points, and its first --trace-steps instructions, which come before any timer): its
	 * exits went on until wherever the timer or the count stopped it, so they differ from
	 * one run of the state to the next, and afl-fuzz called the target unstable (0.00% on
	 * Debian's cloud kernel, wild, where such runs made thousands of exits; 3.37% on its
	 * amd64 kernel from runs judged hlt-irqs-off at the limit). */
	if (fb->exits_used && !at_limit)
		covmap_add(&fb->map, &fb->exits);
	for (unsigned i = 0; i < 32; i++)
		if (o->passed & (1u << i))
			covmap_visit(&fb->map, covmap_loc(COVMAP_POINT, i, 0));
	/* How it ended; for a run that ended by itself its signature (detail, where), so a
	 * state that faults somewhere new sets a new bit; every run judged at its limit the
	 * same bit (fuzz_outcome_map_class(): a halt near the time limit made afl-fuzz's
	 * stability 50.00% on the cloud kernel, README "AFL++"). A state vmm refused (it did
	 * not parse, or vmm's own checks) reached neither KVM nor the guest: it has only the
	 * site every run has, so it is never news, and neither the corpus nor afl-fuzz's queue
	 * keeps it (they kept one per rule, and afl-fuzz, which favours fast entries, then spent
	 * most of its executions on their refused mutants). Not an empty map: afl-fuzz stops at
	 * a seed without one ("No instrumentation detected"). */
	if (o->cls == OUT_VMM_REFUSED)
		map_begin(&fb->map);
	else
		covmap_visit(&fb->map, covmap_loc(COVMAP_END, fuzz_outcome_map_class(o->cls),
						  at_limit ? 0 : fuzz_signature(o)));
	if (fb->export) /* afl-fuzz buckets the counts itself */
		memcpy(fb->export, fb->map.bits, fb->export_len);
	covmap_classify(fb->map.bits);
	fb->edges = covmap_count(fb->map.bits);
	fb->news = covmap_new_bits(fb->map.bits, fb->virgin);
	fb->seen = covmap_seen(fb->virgin);
}
