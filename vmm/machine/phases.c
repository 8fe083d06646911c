/* phases.c: --phases at run time: every vCPU's debug registers at the kernel's boot points, re-armed as each is passed, each initcall timed from its entry to its return. */
#include "vmm/machine/phases.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "mmu/err.h"
#include "vmm/debug_regs.h"
#include "vmm/machine/kick.h"
#include "vmm/profile/kaslr.h"
#include "vmm/profile/stack.h"

#define PHASES_TOP_INITCALLS 10

static struct initcall_time calls[PHASES_MAX_INITCALLS];

/* Where the first instruction is, as a debug register compares it: RIP in 64-bit code, else
 * CS.base + EIP (an entry state may give CS a base). */
static uint64_t linear_entry(const struct entry_state *entry)
{
	const struct boot_cpu *c = &entry->cpu;

	return c->cs.l && (c->efer & X86_EFER_LMA) ? c->rip : (uint32_t)(c->cs.base + c->rip);
}

int phases_init(struct phases *ph, const struct config *cfg, const struct symtab *syms,
		const struct entry_state *entry, uint64_t kernel_entry,
		const struct guest_mem *mem, struct timing *t)
{
	bool bzimage = !boot_proto_loads_elf(entry->proto);
	int r;

	*ph = (struct phases){ .syms = syms, .mem = mem, .t = t, .probe_rip = entry->cpu.rip,
			       .probe_at = linear_entry(entry), .off = "" };
	if (bzimage && !kaslr_disabled(cfg->append))
		return errf(-EINVAL, "--phases: the kernel may move itself (KASLR), so its points are not "
			    "where --symbols says: add nokaslr to --append, or boot it by --boot=elf or pvh");
	if (!syms) {
		r = symtab_load_file(&ph->own, cfg->symbols);
		if (r < 0)
			return r;
		ph->syms = &ph->own;
	}
	r = boot_phases_plan(&ph->b, ph->syms, bzimage, kernel_entry, cfg->phase, cfg->nphase, calls,
			     PHASES_MAX_INITCALLS);
	ph->on = r == 0;
	pthread_mutex_init(&ph->lock, NULL);
	return r;
}

/* The armed set changed: a new version for every vCPU to arm. Under the lock. */
static void bump(struct phases *ph)
{
	__atomic_add_fetch(&ph->gen, 1, __ATOMIC_SEQ_CST);
}

static unsigned version(const struct phases *ph)
{
	return __atomic_load_n(&ph->gen, __ATOMIC_SEQ_CST);
}

/* vCPU `cpu`'s registers as the set is now (the probe on vCPU 0 while it has not fired;
 * nothing once off); `inject`: hand the guest its own #DB. Under the lock. */
static int arm(struct phases *ph, unsigned cpu, unsigned inject)
{
	struct bp_set set = { .n = 0 };
	uint64_t addr[BP_SLOTS];
	unsigned n = 0;

	if (ph->on)
		boot_phases_arm(&ph->b, &set);
	if (ph->on && ph->probing && cpu == 0)
		addr[n++] = ph->probe_at;
	for (unsigned i = 0; i < set.n && n < BP_SLOTS; i++)
		addr[n++] = set.addr[i];
	ph->armed_gen[cpu] = version(ph);
	return vcpu_set_debug(ph->vcpus[cpu], addr, n, inject);
}

static void turn_off(struct phases *ph, const char *why)
{
	ph->on = false;
	ph->off = why;
	bump(ph);
}

int phases_start(struct phases *ph, struct vcpu *const *vcpus, unsigned ncpus,
		 const pthread_t *threads, const unsigned *aps_started)
{
	if (!ph || !ph->on)
		return 0;
	ph->vcpus = vcpus;
	ph->ncpus = ncpus;
	ph->threads = threads;
	ph->aps_started = aps_started;
	__atomic_store_n(&ph->probing, true, __ATOMIC_SEQ_CST);
	bump(ph);
	return arm(ph, 0, 0);
}

/* One of the armed points fired at `pc` on `cpu`: its time, the initcall's return address,
 * the set changed. Whether vCPU `cpu` must step over `pc` (still armed there). */
static bool hit(struct phases *ph, unsigned cpu, uint64_t pc)
{
	uint64_t now = timing_now(), ret = 0, fn;
	struct vcpu_regs r = { 0 };
	size_t ret_len;
	bool want_ret;
	int k;

	if (pc == ph->b.sched.initcall && vcpu_regs(ph->vcpus[cpu], &r) < 0) {
		turn_off(ph, "the registers at do_one_initcall could not be read");
		return false;
	}
	/* The initcall and the return address: RDI and 8 bytes at RSP in 64-bit code; EAX
	 * (i386 Linux passes the first arguments in registers, -mregparm=3) and 4 bytes at ESP
	 * in 32-bit code. */
	fn = r.code64 ? r.rdi : (uint32_t)r.rax;
	ret_len = r.code64 ? 8 : 4;
	k = boot_phases_hit(&ph->b, pc, now - ph->t->start_ns, fn, &want_ret);
	if (k >= 0 && k < BOOT_PHASES_INITCALL)
		timing_guest_phase(ph->t, ph->b.p[k].name, now);
	if (want_ret && prof_read_as_vcpu(ph->mem, &r, r.rsp, &ret, ret_len))
		boot_phases_enter(&ph->b, ret);
	else if (want_ret)
		boot_phases_unread(&ph->b);
	if (k >= 0)
		bump(ph);
	return k == -ENOENT || bp_schedule_armed(&ph->b.sched, pc);
}

/* A debug exit on `cpu`: the guest's own #DB (no B0-B3 bit: a single step of its own), which
 * goes back to it with its DR6 bits (vcpu_set_debug()), a breakpoint armed before the
 * feature stopped (stepped over), the probe, or one of ours. Whether to step over the
 * instruction. */
static bool on_debug(struct phases *ph, unsigned cpu, const struct vm_exit *e, unsigned *inject)
{
	if (!(e->detail & DR6_B0_B3)) {
		*inject = VCPU_DEBUG_INJECT_DB;
		return false;
	}
	if (!ph->on)
		return true;
	if (cpu == 0 && ph->probing) {
		__atomic_store_n(&ph->probing, false, __ATOMIC_SEQ_CST); /* they fire: probe done */
		bump(ph);
		/* A bzImage loaded where its kernel will be (the 32-bit entry at 0x1000000): the
		 * decompressor's first instruction is not the kernel point: step over it. */
		if (e->addr == ph->probe_at)
			return bp_schedule_armed(&ph->b.sched, e->addr);
	}
	return hit(ph, cpu, e->addr);
}

/* Under the lock: phases_stop() takes it too, so no thread is kicked once joining began. */
static void kick_others(const struct phases *ph, unsigned cpu)
{
	unsigned last = __atomic_load_n(ph->aps_started, __ATOMIC_SEQ_CST);

	if (ph->stopped || ph->ncpus < 2)
		return;
	for (unsigned i = 0; i <= last && i < ph->ncpus; i++) {
		if (i == cpu)
			continue;
		vcpu_request_exit(ph->vcpus[i]);
		kick_thread(ph->threads[i]);
	}
}

/* vCPU `cpu`'s registers as the current version. Under the lock. */
static void catch_up(struct phases *ph, unsigned cpu, unsigned inject)
{
	if ((ph->armed_gen[cpu] != version(ph) || inject) && arm(ph, cpu, inject) < 0)
		turn_off(ph, "KVM_SET_GUEST_DEBUG failed");
}

void phases_before_run(struct phases *ph, unsigned cpu)
{
	if (!ph || !ph->vcpus || ph->armed_gen[cpu] == version(ph))
		return;
	pthread_mutex_lock(&ph->lock);
	catch_up(ph, cpu, 0);
	pthread_mutex_unlock(&ph->lock);
}

void phases_after_exit(struct phases *ph, unsigned cpu, const struct vm_exit *e)
{
	unsigned gen, inject = 0;
	bool step = false;

	if (!ph || !ph->vcpus)
		return;
	/* Most exits: not a debug exit, no probe to decide, this vCPU up to date. */
	if (e->kind != EXIT_DEBUG && !(cpu == 0 && __atomic_load_n(&ph->probing, __ATOMIC_SEQ_CST)) &&
	    ph->armed_gen[cpu] == version(ph))
		return;
	pthread_mutex_lock(&ph->lock);
	gen = version(ph);
	if (e->kind == EXIT_DEBUG)
		step = on_debug(ph, cpu, e, &inject);
	else if (ph->on && ph->probing && cpu == 0 && vcpu_rip(ph->vcpus[0]) != ph->probe_rip)
		turn_off(ph, "breakpoints do not fire on this host (a KVM nested in QEMU's TCG passes "
			     "no DR7 on to its guests: README, \"Machines without KVM\")");
	catch_up(ph, cpu, inject);
	if (step && vcpu_resume_over_breakpoint(ph->vcpus[cpu]) < 0)
		turn_off(ph, "KVM_SET_REGS failed");
	if (version(ph) != gen)
		kick_others(ph, cpu);
	pthread_mutex_unlock(&ph->lock);
}

void phases_stop(struct phases *ph)
{
	if (!ph)
		return;
	pthread_mutex_lock(&ph->lock);
	ph->stopped = true;
	pthread_mutex_unlock(&ph->lock);
}

/* Whether any point or initcall was timed before the feature stopped. */
static bool timed_any(const struct phases *ph)
{
	for (unsigned i = 0; i < ph->b.n; i++)
		if (ph->b.p[i].at)
			return true;
	return ph->b.ncalls != 0;
}

void phases_finish(struct phases *ph)
{
	if (!ph)
		return;
	if (!ph->on && *ph->off && !timed_any(ph)) {
		fprintf(stderr, "vmm: phases: none timed: %s\n", ph->off);
		return;
	}
	if (!ph->on && *ph->off)
		fprintf(stderr, "vmm: phases: stopped early: %s\n", ph->off);
	boot_phases_report(&ph->b, ph->syms, PHASES_TOP_INITCALLS, stderr);
}
