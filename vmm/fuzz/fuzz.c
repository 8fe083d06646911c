/* fuzz.c: `vmm fuzz`: many mutated entry states in one VM, reset between runs, classified. */
#define _GNU_SOURCE
#include "vmm/fuzz/fuzz.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mmu/err.h"
#include "mmu/mem_snapshot.h"
#include "vmm/exitcode.h"
#include "vmm/fuzz/findings.h"
#include "vmm/fuzz/hot_pages.h"
#include "vmm/fuzz/jobs.h"
#include "vmm/fuzz/outcome.h"
#include "vmm/fuzz/points.h"
#include "vmm/fuzz/stability.h"
#include "vmm/fuzz/worker.h"
#include "vmm/layout.h"
#include "vmm/machine/machine.h"
#include "vmm/sandbox.h"
#include "vmm/state.h"
#include "vmm/machine/stop.h"
#include "vmm/profile/symbols.h"

static void ignore_violation(void *ctx, const char *name, const char *detail)
{
	(void)ctx;
	(void)name;
	(void)detail;
}

/* The bytes entry_write() wrote for st's GDT: its entries at gdt.base, inside the GDT area
 * (where entry_write() refuses a GDT that leaves it, nothing was written). */
static uint64_t undo_gdt(struct worker *w, const struct entry_state *st)
{
	gpa_t lo = st->cpu.gdt.base, hi;

	if (__builtin_add_overflow(lo, (uint64_t)st->gdt_n * 8, &hi) || lo < LAYOUT_GDT ||
	    hi > LAYOUT_GDT_END)
		return 0;
	return mem_snapshot_restore_range(&w->mem, &w->m->mem, lo, hi - lo);
}

/* vmm's own writes of state `st` (GDT, PVH start info, zero page or memory map, its
 * `table_bytes` of tables, its pokes) back to the loaded image; returns the pages. */
static uint64_t undo_state_writes(struct worker *w, const struct entry_state *st,
				  uint64_t table_bytes)
{
	struct guest_mem *gm = &w->m->mem;
	uint64_t n = undo_gdt(w, st);

	/* load_write_memmap(): the PVH start info and memory map, or boot_params' e820 table. */
	n += mem_snapshot_restore_range(&w->mem, gm, LAYOUT_PVH_START_INFO,
					LAYOUT_ZERO_PAGE + SNAP_PAGE - LAYOUT_PVH_START_INFO);
	n += mem_snapshot_restore_range(&w->mem, gm, st->paging.base, table_bytes);
	for (unsigned i = 0; i < st->npokes && i < ENTRY_POKES_MAX; i++)
		n += mem_snapshot_restore_range(&w->mem, gm, st->pokes[i].gpa, 8);
	return n;
}

/* Near mode's judge: the candidate's violations as it would run, i.e. checked against its
 * own tables, memory map and pokes written into RAM (then put back), not the loaded image's.
 * A candidate vmm cannot write at all counts one more. */
static unsigned count_violations(void *ctx, const struct entry_state *st)
{
	struct worker *w = ctx;
	struct guest_mem *gm = &w->m->mem;
	struct region regions[LOAD_MAX_REGIONS];
	unsigned n = load_regions(&w->m->load, st, regions), v;
	struct pt_result pt = { 0 };
	bool written = entry_write(gm, st, LAYOUT_GDT, LAYOUT_GDT_END, &pt) == 0 &&
		       load_write_memmap(gm, st, pt.bytes) == 0 && entry_poke(gm, st) == 0;

	v = entry_validate(gm, st, regions, n, ignore_violation, NULL) + !written;
	undo_state_writes(w, st, pt.bytes);
	return v;
}


/* --symbols, read once per process: fuzz_main() reads them before /dev/kvm is opened (a bad
 * file is a usage error, exit 1, whatever the host), and --jobs workers inherit the table.
 * *out (unless `out` is NULL) is the table, NULL without --symbols. */
static int fuzz_symbols(const struct config *cfg, const struct symtab **out)
{
	static struct symtab syms;
	static bool loaded;
	int r = 0;

	if (cfg->symbols && !loaded) {
		r = symtab_load_file(&syms, cfg->symbols);
		loaded = r == 0;
	}
	if (out)
		*out = loaded ? &syms : NULL;
	return r;
}
/* KVM's dirty ring per vCPU: 1 MiB, 65,536 entries (a run that writes fewer pages makes no
 * full-ring exit). The test hook VMM_TEST_DIRTY_RING_BYTES sets another size (0: KVM's bitmap). */
static uint32_t dirty_ring_bytes(void)
{
	const char *env = getenv("VMM_TEST_DIRTY_RING_BYTES");

	return env ? (uint32_t)strtoul(env, NULL, 0) : 1u << 20;
}

/* A test hook's milliseconds (VMM_TEST_RESET_STALL_MS), 0 where unset; at most a minute. */
static unsigned env_ms(const char *name)
{
	const char *env = getenv(name);
	unsigned long ms = env ? strtoul(env, NULL, 10) : 0;

	return ms > 60000 ? 60000 : (unsigned)ms;
}

/* --hot-pages: KVM's bitmap read without clearing it, and a count per page of each slot
 * (with its room: allocated now, as the sandbox comes before the first reset). */
static int hot_pages_setup(struct worker *w)
{
	static struct hot_pages hot;
	const uint64_t pages[HOT_PAGES_SLOTS] = { gm_low_size(&w->m->mem) / SNAP_PAGE,
						  gm_high_size(&w->m->mem) / SNAP_PAGE };
	int r = vm_dirty_log_manual(w->m->vm);

	if (r == 0)
		r = hot_pages_init(&hot, pages);
	if (r == 0)
		w->hot = &hot;
	return r;
}

/* The dirty pages of `slot` back as in the snapshot; with --hot-pages, those not kept
 * writable are write-protected again (the bitmap does not do it by itself then). */
static int restore_slot(struct worker *w, unsigned slot, uint64_t *n)
{
	struct machine *m = w->m;
	uint64_t low = gm_low_size(&m->mem), high = gm_high_size(&m->mem), np, k;
	const uint64_t *pages;
	int r = vm_dirty_pages(m->vm, slot, &pages, &np);

	if (r < 0)
		return r;
	*n += mem_snapshot_restore_pages(&w->mem, &m->mem, slot ? low : 0, slot ? high : low,
					 pages, np, w->hot ? w->hot->changed : NULL);
	if (!w->hot || !np)
		return 0;
	k = hot_pages_after_run(w->hot, slot, pages, w->hot->changed, np, w->hot->again);
	return vm_dirty_reprotect(m->vm, slot, w->hot->again, k);
}

static int setup(struct worker *w)
{
	struct machine *m = w->m;
	int r;

	m->no_pmu = true;
	m->dirty_ring_bytes = w->cfg->fuzz.hot_pages ? 0 : dirty_ring_bytes();
	r = machine_start(m);
	m->discard_output = true;
	if (r == 0)
		r = flush_timer_init(&w->deadline, m->vcpu);
	if (r == 0 && w->cfg->fuzz.hot_pages)
		r = hot_pages_setup(w);
	if (r == 0)
		r = vm_dirty_log_start(m->vm, &m->mem);
	if (r == 0)
		r = mem_snapshot_take(&w->mem, &m->mem);
	/* Saved as KVM_RUN leaves it (KVM_RUN, even one that runs nothing, rewrites the XSAVE
	 * image's header): the reset and its check re-enter the same way. */
	if (r == 0)
		r = vcpu_finish_pending_io(m->vcpu);
	if (r == 0)
		r = vm_snapshot_save(m->vcpu, &w->cpu);
	w->last = m->entry;
	w->last_table_bytes = m->pt.bytes;
	w->pts = (struct fuzz_points){ .cfg = w->cfg, .m = m, .deadline = &w->deadline };
	if (r == 0)
		r = fuzz_symbols(w->cfg, &w->pts.syms);
	return r == 0 ? points_setup(&w->pts) : r;
}

/* Guest RAM back to the loaded image: the pages the guest dirtied and vmm's own writes.
 * `entered`: the vCPU ran since the last reset. Else neither the guest nor KVM wrote a page
 * (KVM's own writes, kvmclock and steal time, happen on entry), the dirty log is left for
 * the next reset to read, and only vmm's own writes are undone. */
static int reset_memory(struct worker *w, struct fuzz_record *rec, bool entered)
{
	struct machine *m = w->m;
	uint64_t n = 0;
	uint64_t rewritten = w->mem.pages_rewritten;
	const char *skip = w->reset_test.skip;

	for (unsigned slot = 0; entered && !(skip && !strcmp(skip, "pages")) && slot < 2; slot++) {
		int r = restore_slot(w, slot, &n);

		if (r < 0)
			return r;
	}
	/* What the log named: the guest's (and KVM's) writes; with --hot-pages every kept page. */
	rec->pages_dirty = n;
	n += undo_state_writes(w, &w->last, w->last_table_bytes);
	n += points_restore(&w->pts, &w->mem, &m->mem); /* the INT3s */
	rec->pages_restored = n;
	rec->pages_rewritten = w->mem.pages_rewritten - rewritten;
	return 0;
}

/* Every vCPU/VM state block, every device and guest RAM back to the fresh VM's. In this
 * order: what the last exit left pending inside KVM is finished first (else the next
 * KVM_RUN finishes it against the new state), then the vCPU state (its kvmclock, steal
 * time and PV EOI MSRs off again, so KVM writes no more guest pages), then the pages.
 * After a state KVM or vmm refused (the vCPU never entered), only what writing the state
 * changed goes back: sregs, regs and vmm's own pages; no exit reached a device. */
static int reset(struct worker *w, struct fuzz_record *rec)
{
	struct machine *m = w->m;
	uint64_t t0 = timing_now(), t1;
	bool entered = vcpu_entered(m->vcpu);
	int r = 0;

	if (entered && vcpu_io_may_be_pending(m->vcpu))
		r = vcpu_finish_pending_io(m->vcpu);
	if (entered && r == 0)
		r = machine_lower_device_irqs(m);
	if (r == 0)
		r = vm_snapshot_restore(m->vcpu, w->cpu, &w->reset_test);
	if (entered)
		machine_reset_devices(m);
	t1 = timing_now();
	rec->reset_cpu_ns = t1 - t0;
	if (r < 0)
		return r;
	r = reset_memory(w, rec, entered);
	rec->reset_mem_ns = timing_now() - t1;
	timing_start(m->timing, timing_now());
	memset(m->exits, 0, sizeof(m->exits));
	return r;
}

/* Write the run's state (as machine_prepare() does for one run); false if vmm cannot. */
static bool write_state(struct worker *w, const struct entry_state *st, struct fuzz_outcome *o)
{
	struct machine *m = w->m;
	struct pt_result pt = { 0 };
	const char *unsafe = host_quirks_refuse(&w->host, &st->cpu);
	int r = entry_write(&m->mem, st, LAYOUT_GDT, LAYOUT_GDT_END, &pt);

	w->last = *st;
	w->last_table_bytes = pt.bytes; /* 0 with paging off: vmm wrote no tables */
	if (r == 0)
		r = load_write_memmap(&m->mem, st, pt.bytes);
	if (r == 0)
		r = entry_poke(&m->mem, st);
	if (r == 0 && unsafe) /* vmm-refused, before KVM sees it */
		r = errf(-EPERM, "%s", unsafe);
	if (r == 0 && (r = vm_snapshot_load_state(m->vcpu, w->cpu, &st->cpu)) < 0)
		o->cls = OUT_KVM_REFUSED;
	else if (r < 0)
		o->cls = OUT_VMM_REFUSED;
	if (r < 0)
		snprintf(o->detail, sizeof(o->detail), "%s", err_msg());
	return r == 0;
}


static void fail_run(struct fuzz_outcome *o, const char *what)
{
	o->cls = OUT_KVM_ERROR;
	snprintf(o->detail, sizeof(o->detail), "%s", what);
}

/* Run until the classifier says the run ended; false if a stop signal ended it
 * first (the run is then no finding: it is dropped, never classified). */
static bool run(struct worker *w, const struct entry_state *st, struct fuzz_outcome *o)
{
	struct machine *m = w->m;
	struct vm_exit e;
	const char *why = "";
	unsigned events = 0;
	bool ended = true;

	m->run_deadline_ns = timing_now() + (uint64_t)w->run_ms * 1000000ULL;
	flush_timer_arm(&w->deadline, m->run_deadline_ns);
	feedback_state(w, st);
	for (int r = points_start(&w->pts, st); r == 0 || (fail_run(o, err_msg()), false);) {
		struct fuzz_step s = { .exit = &e, .boot_signal = -1,
				       .max_exits = w->cfg->fuzz.run_exits };

		s.status = machine_step(m, &e, &why);
		if (s.status == -EINTR) { /* only while a stop is pending */
			ended = false;
			break;
		}
		if (s.status == -EIO) {
			fail_run(o, err_msg());
			break;
		}
		if (feedback_exit(w, &e))
			continue; /* a single step of --trace-steps */
		if (e.kind == EXIT_DEBUG)
			r = points_on_debug_exit(&w->pts, &e, &s.reached);
		if (m->timing->nevents > events)
			s.boot_signal = (int)m->timing->events[events++].sig;
		s.panic_seen = m->panic.seen;
		s.time_up = timing_now() >= m->run_deadline_ns;
		if (s.time_up && vcpu_halted(m->vcpu, &s.irqs_off) == 1)
			s.halted = true;
		if (fuzz_classify(&s, o))
			break;
	}
	flush_timer_disarm(&w->deadline);
	m->run_deadline_ns = 0;
	o->rip = vcpu_rip(m->vcpu);
	o->seen = w->fb->rip_seen;
	o->seen_rip = w->fb->seen_rip;
	points_note(&w->pts, o);
	return ended;
}

/* --check-reset: every block and page against the fresh VM's; pages that differ are named
 * "page:0xGPA" (the first one). */
static void check_reset(struct worker *w, struct fuzz_record *rec, char *diff, size_t len)
{
	/* Whatever KVM still held pending would change the state at the next KVM_RUN. */
	bool stuck = vcpu_finish_pending_io(w->m->vcpu) < 0;
	uint64_t first, pages;
	unsigned blocks;
	size_t used;

	/* The two blocks the next load writes whole, as the valid state's load writes them (if
	 * that fails, the comparison names them). */
	(void)vm_snapshot_restore_loaded(w->m->vcpu, w->cpu);
	pages = mem_snapshot_diff(&w->mem, &w->m->mem, &first);
	blocks = vm_snapshot_compare(w->m->vcpu, w->cpu, diff, len);
	used = strlen(diff);

	rec->reset_diff = (int)(blocks + pages + stuck);
	if (pages)
		used += (size_t)snprintf(diff + used, len - used, "%spages:%" PRIu64 "@0x%" PRIx64,
					 used ? "," : "", pages, first);
	if (stuck && used < len)
		snprintf(diff + used, len - used, "%spending-io", used ? "," : "");
	rec->reset_what = diff;
}

/* --check-reset after the last run too: nothing runs after that reset, so no run line
 * carries it; one line on stderr says whether it was bit-exact. */
static void check_last_reset(struct worker *w, unsigned id)
{
	struct fuzz_record rec = { .reset_diff = -1 };
	char diff[256];

	if (reset(w, &rec) < 0) {
		fprintf(stderr, "vmm fuzz: worker %u reset after the last run: %s\n", id, err_msg());
		return;
	}
	check_reset(w, &rec, diff, sizeof(diff));
	fprintf(stderr, "vmm fuzz: worker %u reset after the last run: reset_diff %d%s%s\n", id,
		rec.reset_diff, rec.reset_diff ? " " : " (bit-exact)", rec.reset_diff ? rec.reset_what : "");
}

/* Reset, mutate, write and run state `index`; false if a stop signal interrupted it. */
bool fuzz_attempt(struct worker *w, uint64_t index, struct entry_state *st,
		    struct fuzz_mutation *mut, struct fuzz_outcome *o, struct fuzz_record *rec,
		    char *diff, size_t len)
{
	const struct config *cfg = w->cfg;
	struct fuzz_target t = { .mem = &w->m->mem, .info = fuzz_boot_info(&w->m->entry),
				 .table_bytes = w->m->pt.bytes, .violations = count_violations,
				 .ctx = w };
	uint64_t t1;

	*st = w->m->entry;
	mut->n = 0;
	feedback_start(w); /* every run gets a map, also one KVM or vmm refuses */
	if (reset(w, rec) < 0) {
		o->cls = OUT_KVM_ERROR;
		snprintf(o->detail, sizeof(o->detail), "reset: %s", err_msg());
		feedback_end(w, o);
		return true;
	}
	if (cfg->fuzz.check_reset)
		check_reset(w, rec, diff, len);
	if (w->g) /* guided_make() names any other origin */
		w->g->origin = (struct fuzz_origin){ .kind = ORIGIN_VALID };
	/* After the reset: pokes read guest RAM, which must be the loaded image. */
	if (w->forced)
		*st = *w->forced;
	else if (w->g && index > 0)
		guided_make(w, index, st, &t, mut);
	else
		fuzz_mutate(st, &t, cfg->fuzz.seed, index, cfg->fuzz.wild ? FUZZ_WILD : FUZZ_NEAR, mut);
	rec->violations = cfg->fuzz.wild || w->forced || w->g ? -1 : (int)count_violations(w, st);
	t1 = timing_now();
	feedback_host_start(w);
	if (write_state(w, st, o) && !run(w, st, o))
		return false;
	feedback_end(w, o);
	rec->run_ns = timing_now() - t1;
	return true;
}

/* A new signature's repro in --out, its path in the record. A name taken already is another
 * worker's run that had the signature first; any other failure (a full disk) is said, as the
 * signature is not tried again. */
static void write_repro(struct worker *w, const char *name, const char *path,
			const struct entry_state *st, uint64_t index, const struct fuzz_outcome *o,
			struct fuzz_record *rec)
{
	int r = findings_write(w->cfg, false, name, st, index, o);

	if (r == 0)
		rec->repro = path;
	else if (r != -EEXIST)
		fprintf(stderr, "vmm fuzz: --out %s: %s not written: %s\n", w->cfg->fuzz.out_dir,
			name, strerror(-r));
}

/* One run with its JSON line, summary count and repro file; false if interrupted (then
 * it is not a finding and is left out). `print`: for --stability, what repeats must match. */
static bool one_run(struct worker *w, uint64_t index, struct fuzz_print *print)
{
	const struct config *cfg = w->cfg;
	struct entry_state st;
	struct fuzz_mutation mut;
	struct fuzz_outcome o = { 0 };
	struct fuzz_record rec = { .seed = cfg->fuzz.seed, .index = index, .mut = &mut,
				   .out = &o, .reset_diff = -1, .violations = -1 };
	char hash[17], name[32], path[PATH_MAX], diff[256];
	uint64_t t0 = timing_now();

	if (!fuzz_attempt(w, index, &st, &mut, &o, &rec, diff, sizeof(diff)))
		return false;
	rec.us = (timing_now() - t0) / 1000;
	rec.signature = fuzz_signature(&o);
	if (w->reset_ns) {
		w->reset_ns[w->nresets] = rec.reset_mem_ns + rec.reset_cpu_ns;
		w->reset_pages[w->nresets++] = rec.pages_restored;
	}
	if (print)
		fuzz_print_of(print, &o, rec.signature);
	fuzz_state_hash(&st, hash);
	rec.state_hash = hash;
	rec.edges = (int)w->fb->edges;
	rec.map_seen = w->fb->seen;
	rec.map_news = w->fb->news;
	if (w->g) {
		rec.origin = &w->g->origin;
		guided_after(w, index, &st, &o, rec.signature);
	}
	snprintf(name, sizeof(name), "%016" PRIx64 ".state", rec.signature);
	if (fuzz_summary_add(&w->sum, &o, rec.signature, index) &&
	    snprintf(path, sizeof(path), "%s/%s", cfg->fuzz.out_dir, name) < (int)sizeof(path))
		write_repro(w, name, path, &st, index, &o, &rec);
	if (rec.repro && cfg->fuzz.minimize_repros)
		minimize_repro(w, name, &st, rec.signature);
	snprintf(name, sizeof(name), "%06" PRIu64 ".state", index);
	if (cfg->fuzz.save_states)
		findings_write(cfg, true, name, &st, index, &o);
	fuzz_print_record(w->out, &rec);
	fflush(w->out);
	return true;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* The nearest-rank percentile `pct` of v[0..n) (sorted here). */
static uint64_t percentile(uint64_t *v, uint64_t n, unsigned pct)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	return n ? v[(n * pct + 99) / 100 - 1] : 0;
}

/* "reset: p50 ... µs, p99 ... µs; pages p50 ..., p99 ..." over this worker's runs. */
static void print_reset_figures(struct worker *w, unsigned id)
{
	uint64_t n = w->nresets;

	if (!n)
		return;
	fprintf(stderr, "vmm fuzz: worker %u reset: p50 %.1f us, p99 %.1f us; pages restored p50 %"
		PRIu64 ", p99 %" PRIu64 " (%" PRIu64 " runs)\n", id,
		(double)percentile(w->reset_ns, n, 50) / 1000, (double)percentile(w->reset_ns, n, 99) / 1000,
		percentile(w->reset_pages, n, 50), percentile(w->reset_pages, n, 99), n);
	if (vm_dirty_ring_entries(w->m->vm))
		fprintf(stderr, "vmm fuzz: worker %u dirty ring: %" PRIu64 " full-ring exits\n", id,
			vm_dirty_ring_full_exits(w->m->vm));
	if (w->hot)
		fprintf(stderr, "vmm fuzz: worker %u hot pages: %" PRIu64 " kept writable at the end\n",
			id, w->hot->hot);
}

/* A repeat of run `index` (no line, no repro): does it do what its first run did? */
static bool repeat_run(struct worker *w, uint64_t index, struct fuzz_print *first)
{
	struct entry_state st;
	struct fuzz_mutation mut;
	struct fuzz_outcome o = { 0 };
	struct fuzz_record rec = { .reset_diff = -1, .violations = -1 };
	struct fuzz_print again;
	char diff[256];

	if (!fuzz_attempt(w, index, &st, &mut, &o, &rec, diff, sizeof(diff)))
		return false;
	fuzz_print_of(&again, &o, fuzz_signature(&o));
	fuzz_print_repeat(first, &again);
	return true;
}

/* --stability K: passes 2..K over the same states, reversed and then shuffled; each state's
 * print must repeat. Reported per class of its first run. */
static void stability_passes(struct worker *w, struct fuzz_print *prints, uint64_t n)
{
	const struct config *cfg = w->cfg;
	struct fuzz_stability tally = { 0 };
	uint64_t *order = calloc(n ? n : 1, sizeof(*order));
	bool stopped = !order;

	for (unsigned pass = 2; !stopped && pass <= cfg->fuzz.stability; pass++) {
		fuzz_stability_order(order, n, pass, cfg->fuzz.seed);
		for (uint64_t i = 0; i < n && !stopped; i++)
			stopped = stop_pending(NULL) != STOP_NONE || !repeat_run(w, order[i], &prints[order[i]]);
	}
	for (uint64_t i = 0; !stopped && i < n; i++)
		fuzz_stability_add(&tally, &prints[i]);
	if (!stopped)
		fuzz_stability_print(stderr, &tally, cfg->fuzz.stability);
	free(order);
}

int fuzz_worker_sandbox(struct worker *w, FILE *out, const struct sandbox_afl *afl)
{
	const char *selftest = getenv("VMM_SECCOMP_SELFTEST");
	struct sandbox_ioctl ioctls[64];
	struct sandbox_policy p = sandbox_policy_none();
	int r;

	if (w->cfg->no_seccomp)
		return 0;
	p.ioctls = ioctls;
	p.nioctls = vcpu_fuzz_ioctls(w->m->vcpu, ioctls, 64);
	if (w->fb && w->fb->kcov_ok) /* --kcov: kcov_close() at the end */
		p.kcov_fd = w->fb->kcov.fd;
	p.write_fds[p.nwrite_fds++] = fileno(out);
	machine_sandbox_common(w->m, &p);
	if (flush_timer_id(&w->deadline) >= 0)
		p.timers[p.ntimers++] = flush_timer_id(&w->deadline);
	p.afl = afl;
	if (!afl) { /* --afl writes no files: afl-fuzz keeps the findings */
		p.dirs[p.ndirs++] = findings_dir(false);
		if (findings_dir(true) >= 0)
			p.dirs[p.ndirs++] = findings_dir(true);
		if (w->g) /* --guided's corpus */
			p.dirs[p.ndirs++] = w->g->dir_fd;
		p.file_fd = sandbox_next_fd();
	}
	r = sandbox_install(&p);
	if (r == 0 && selftest && strncmp(selftest, "parent:", 7))
		r = sandbox_selftest(selftest, &p);
	return r;
}

/* vmm's exit status for the stop that ended the runs (as machine_run() gives it). */
int fuzz_stop_status(void)
{
	int signo;

	switch (stop_pending(&signo)) {
	case STOP_SIGNAL: return VMM_EXIT_SIGNAL_BASE + signo;
	case STOP_TIMEOUT: return VMM_EXIT_TIMEOUT;
	default: return VMM_EXIT_OK;
	}
}

int fuzz_worker_open(const struct config *cfg, struct timing *timeline, unsigned id, FILE *out,
		     struct worker *w)
{
	static struct machine m;
	int r = machine_prepare(&m, cfg, timeline);

	*w = (struct worker){ .cfg = cfg, .m = &m, .out = out, .host = host_quirks_detect(),
			      .run_ms = cfg->fuzz.run_ms,
			      .reset_test = { getenv("VMM_TEST_RESET_SKIP"),
					      env_ms("VMM_TEST_RESET_STALL_MS") } };
	if (r == 0)
		r = setup(w);
	if (r == 0)
		r = feedback_setup(w);
	if (r == 0 && cfg->fuzz.guided)
		r = guided_setup(w);
	if (r == 0)
		fprintf(stderr, "vmm fuzz: worker %u ready %.1f ms after start (%" PRIu64
			" non-zero pages in the RAM snapshot)\n", id,
			(double)(timing_now() - timeline->start_ns) / 1e6, w->mem.pages_copied);
	if (r == 0 && id == 0) {
		unsigned hyperv, pmu, ro, n = vm_snapshot_msrs(w->cpu, &hyperv, &pmu, &ro);

		fprintf(stderr, "vmm fuzz: the reset puts back %u MSRs; left out, as the guest "
			"cannot reach them: %u Hyper-V (no Hyper-V interface in its CPUID), %u PMU "
			"(no virtual PMU); as it cannot change them: %u (compared only)\n",
			n, hyperv, pmu, ro);
		if (vm_dirty_ring_entries(w->m->vm))
			fprintf(stderr, "vmm fuzz: dirty pages from KVM's dirty ring (%u entries)\n",
				vm_dirty_ring_entries(w->m->vm));
		else
			fprintf(stderr, "vmm fuzz: dirty pages from KVM's dirty bitmap (%s)\n",
				w->hot ? "--hot-pages: pages written in 2 runs stay writable" :
				w->m->dirty_ring_bytes ? "no dirty ring on this host" : "asked for");
		points_print(&w->pts.plan);
	}
	if (r < 0)
		fprintf(stderr, "vmm fuzz: %s\n", err_msg());
	return r;
}

/* Worker `id` of `jobs` takes run indices id, id + jobs, id + 2 * jobs, ... */
static int worker_main(const struct config *cfg, struct timing *timeline, unsigned id,
		       FILE *out, struct fuzz_summary *sum)
{
	static struct worker w;
	struct fuzz_print *prints;
	int r = fuzz_worker_open(cfg, timeline, id, out, &w);

	if (r < 0)
		return r == -ENOMEM ? VMM_EXIT_HOST : VMM_EXIT_USAGE;
	if (cfg->fuzz.minimize)
		return minimize_main(&w);
	if (cfg->fuzz.afl) {
		r = afl_main(&w);
		if (sum)
			*sum = w.sum;
		return r;
	}
	prints = cfg->fuzz.stability > 1 ? calloc(cfg->fuzz.runs, sizeof(*prints)) : NULL;
	if (cfg->fuzz.stability > 1 && !prints)
		fprintf(stderr, "vmm fuzz: --stability: no memory for %" PRIu64 " runs' prints: stability is not measured\n",
			(uint64_t)cfg->fuzz.runs);
	w.reset_ns = calloc(cfg->fuzz.runs, sizeof(uint64_t));
	w.reset_pages = calloc(cfg->fuzz.runs, sizeof(uint64_t));
	if (!w.reset_ns || !w.reset_pages) {
		free(w.reset_ns);
		w.reset_ns = NULL;
	}
	findings_init_worker(); /* their temporary names differ */
	r = fuzz_worker_sandbox(&w, out, NULL);
	if (r < 0) {
		fprintf(stderr, "vmm fuzz: %s\n", err_msg());
		return VMM_EXIT_HOST;
	}
	for (uint64_t i = id; i < cfg->fuzz.runs && stop_pending(NULL) == STOP_NONE;
	     i += cfg->fuzz.jobs)
		one_run(&w, i, prints ? &prints[i] : NULL);
	if (cfg->fuzz.check_reset && stop_pending(NULL) == STOP_NONE)
		check_last_reset(&w, id);
	print_reset_figures(&w, id);
	if (prints && stop_pending(NULL) == STOP_NONE)
		stability_passes(&w, prints, cfg->fuzz.runs);
	free(prints);
	free(w.reset_ns);
	free(w.reset_pages);
	if (w.g)
		fprintf(stderr, "vmm fuzz: worker %u guided: corpus %u states (%" PRIu64 " admitted, %u seeds), %" PRIu64 " splices, %" PRIu64 " blind draws\n",
			id, w.g->corpus.n, w.g->admitted, w.g->nseeds, w.g->splices, w.g->explored);
	fprintf(stderr, "vmm fuzz: worker %u map: %u edges seen", id, w.fb->seen);
	if (w.fb->own_tf) /* feedback_state() */
		fprintf(stderr, "; %" PRIu64 " runs not single-stepped, their state has RFLAGS.TF",
			w.fb->own_tf);
	fputc('\n', stderr);
	guided_free(&w);
	feedback_free(&w);
	if (sum)
		*sum = w.sum;
	return fuzz_stop_status();
}

struct jobs_ctx {
	const struct config *cfg;
	struct timing *timeline;
};

static int job_run(void *ctx, unsigned id, FILE *out)
{
	struct jobs_ctx *c = ctx;

	return worker_main(c->cfg, c->timeline, id, out, NULL);
}

static int job_stop_signal(void)
{
	int signo;

	return stop_pending(&signo) == STOP_SIGNAL ? signo : 0;
}

/* The --jobs parent's allow-list, once its workers run: their pipes, pids and output. */
static int parent_sandbox(void *ctx, const pid_t *pids, unsigned n, int pipe_lo, int pipe_hi)
{
	const char *selftest = getenv("VMM_SECCOMP_SELFTEST");
	struct sandbox_policy p = sandbox_policy_none();
	struct jobs_ctx *c = ctx;
	int r;

	if (c->cfg->no_seccomp)
		return 0;
	p.write_fds[p.nwrite_fds++] = STDOUT_FILENO;
	p.pipe_lo = pipe_lo;
	p.pipe_hi = pipe_hi;
	p.workers = pids;
	p.nworkers = n;
	r = sandbox_install(&p);
	if (r == 0 && selftest && !strncmp(selftest, "parent:", 7))
		r = sandbox_selftest(selftest + 7, &p);
	if (r < 0)
		fprintf(stderr, "vmm fuzz: %s\n", err_msg());
	return r;
}

/* --jobs N: N worker processes, each with its own VM; their lines merged here. */
static int run_jobs(const struct config *cfg, struct timing *timeline, struct fuzz_summary *sum)
{
	struct jobs_ctx ctx = { .cfg = cfg, .timeline = timeline };
	struct jobs_worker w = { .run = job_run, .stop_signal = job_stop_signal,
				 .sandbox = parent_sandbox, .ctx = &ctx };
	int status[CONFIG_MAX_JOBS];
	int r = jobs_run(&w, cfg->fuzz.jobs, stdout, sum, status);

	for (unsigned i = 0; i < cfg->fuzz.jobs; i++)
		if (status[i] != VMM_EXIT_OK)
			fprintf(stderr, "vmm fuzz: worker %u ended with status %d\n", i, status[i]);
	return r;
}

int fuzz_main(const struct config *cfg, struct timing *timeline)
{
	static struct fuzz_summary sum;
	uint64_t t0 = timing_now();
	int r;

	if (cfg->fuzz.mutator_image)
		return fuzz_save_mutator_image(cfg, timeline);
	r = fuzz_symbols(cfg, NULL);
	if (r == 0 && !cfg->fuzz.afl) /* --afl: afl-fuzz keeps the findings */
		r = findings_open_dirs(cfg);

	if (r < 0) {
		fprintf(stderr, "vmm fuzz: %s\n", err_msg());
		return VMM_EXIT_USAGE;
	}
	fprintf(stderr, "vmm fuzz: 1 vCPU, %s\n", cfg->no_acpi ? "no ACPI tables" : "ACPI tables");
	/* From now on a stop signal ends the runs and the summary is printed; --jobs
	 * workers inherit the handlers, and the parent passes the signal on to them. */
	stop_init();
	if (cfg->fuzz.jobs > 1)
		r = run_jobs(cfg, timeline, &sum);
	else
		r = worker_main(cfg, timeline, 0, stdout, &sum);
	if (r > VMM_EXIT_SIGNAL_BASE)
		fprintf(stderr, "vmm fuzz: stopped by signal %d; a run under way was dropped\n",
			r - VMM_EXIT_SIGNAL_BASE);
	fuzz_summary_print(stderr, &sum, (double)(timing_now() - t0) / 1e9);
	if (fflush(stdout) != 0 || ferror(stdout)) /* a full disk, a reader gone: say so */
		fprintf(stderr, "vmm fuzz: stdout: not every JSON line was written (a write failed)\n");
	return r;
}
