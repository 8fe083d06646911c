/* phases.c: --phases at run time: every vCPU's debug registers at the kernel's boot points, re-armed as each is passed, each initcall timed from its entry to its return. */
#include "vmm/machine/phases.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "mmu/err.h"
#include "vmm/machine/kick.h"
#include "vmm/profile/kaslr.h"
#include "vmm/profile/stack.h"

#define PHASES_TOP_INITCALLS 10
/* DR6 (SDM Vol. 3B §18.2.3): B0-B3, which breakpoint condition was met. */
#define DR6_B0_B3 0xfULL

static struct initcall_time calls[PHASES_MAX_INITCALLS];

int phases_init(struct phases *ph, const struct config *cfg, const struct symtab *syms,
		enum boot_proto proto, uint64_t kernel_entry, uint64_t probe_rip,
		const struct guest_mem *mem, struct timing *t)
{
	bool bzimage = !boot_proto_loads_elf(proto);
	int r;

	*ph = (struct phases){ .syms = syms, .mem = mem, .t = t, .probe_rip = probe_rip, .off = "" };
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
		addr[n++] = ph->probe_rip;
	for (unsigned i = 0; i < set.n && n < BP_SLOTS; i++)
		addr[n++] = set.addr[i];
	ph->armed_gen[cpu] = ph->gen;
	return vcpu_set_debug(ph->vcpus[cpu], addr, n, inject);
}

static bool armed(const struct phases *ph, uint64_t rip)
{
	struct bp_set set;

	boot_phases_arm(&ph->b, &set);
	for (unsigned i = 0; i < set.n; i++)
		if (set.addr[i] == rip)
			return true;
	return false;
}

static void turn_off(struct phases *ph, const char *why)
{
	ph->on = false;
	ph->off = why;
	ph->gen++;
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
	ph->probing = true;
	ph->gen = 1;
	return arm(ph, 0, 0);
}

/* One of the armed points fired at `pc` on `cpu`: its time, the initcall's return address,
 * the set changed. Whether vCPU `cpu` must step over `pc` (still armed there). */
static bool hit(struct phases *ph, unsigned cpu, uint64_t pc)
{
	uint64_t now = timing_now(), ret = 0;
	struct vcpu_regs r = { 0 };
	bool want_ret;
	int k;
	/* The initcall and the return address: RDI and 8 bytes at RSP in 64-bit code; EAX
	 * (i386 Linux passes the first arguments in registers, -mregparm=3) and 4 bytes at ESP
	 * in 32-bit code. */
	uint64_t fn;
	size_t ret_len;

	if (pc == ph->b.sched.initcall && vcpu_regs(ph->vcpus[cpu], &r) < 0) {
		turn_off(ph, "the registers at do_one_initcall could not be read");
		return false;
	}
	fn = r.code64 ? r.rdi : (uint32_t)r.rax;
	ret_len = r.code64 ? 8 : 4;
	k = boot_phases_hit(&ph->b, pc, now - ph->t->start_ns, fn, &want_ret);
	if (k >= 0 && k < BOOT_PHASES_INITCALL)
		timing_guest_phase(ph->t, ph->b.p[k].name, now);
	if (want_ret && prof_read_as_vcpu(ph->mem, &r, r.rsp, &ret, ret_len))
		boot_phases_enter(&ph->b, ret);
	if (k >= 0)
		ph->gen++;
	return k == -ENOENT || armed(ph, pc);
}

/* A debug exit on `cpu`: the probe, one of ours, or the guest's own #DB (no B0-B3 bit: a
 * single step of its own), which goes back to it. Whether to step over the instruction. */
static bool on_debug(struct phases *ph, unsigned cpu, const struct vm_exit *e, unsigned *inject)
{
	if (!(e->detail & DR6_B0_B3)) {
		*inject = VCPU_DEBUG_INJECT_DB;
		return false;
	}
	if (cpu == 0 && ph->probing) {
		ph->probing = false; /* they fire: the probe is done */
		ph->gen++;
		/* A bzImage loaded where its kernel will be (the 32-bit entry at 0x1000000): the
		 * decompressor's first instruction is not the kernel point: step over it. */
		if (e->addr == ph->probe_rip)
			return armed(ph, e->addr);
	}
	return hit(ph, cpu, e->addr);
}

static void kick_others(const struct phases *ph, unsigned cpu)
{
	unsigned last = __atomic_load_n(ph->aps_started, __ATOMIC_SEQ_CST);

	for (unsigned i = 0; i <= last && i < ph->ncpus; i++) {
		if (i == cpu)
			continue;
		vcpu_request_exit(ph->vcpus[i]);
		kick_thread(ph->threads[i]);
	}
}

void phases_after_exit(struct phases *ph, unsigned cpu, const struct vm_exit *e)
{
	unsigned gen, inject = 0;
	bool step = false;

	if (!ph || !ph->vcpus)
		return;
	pthread_mutex_lock(&ph->lock);
	gen = ph->gen;
	if (ph->on && e->kind == EXIT_DEBUG)
		step = on_debug(ph, cpu, e, &inject);
	else if (ph->on && ph->probing && cpu == 0 && vcpu_rip(ph->vcpus[0]) != ph->probe_rip)
		turn_off(ph, "breakpoints do not fire on this host (a KVM nested in QEMU's TCG passes "
			     "no DR7 on to its guests: README, \"Machines without KVM\")");
	if ((ph->armed_gen[cpu] != ph->gen || inject) && arm(ph, cpu, inject) < 0)
		turn_off(ph, "KVM_SET_GUEST_DEBUG failed");
	if (step && vcpu_resume_over_breakpoint(ph->vcpus[cpu]) < 0)
		turn_off(ph, "KVM_SET_REGS failed");
	pthread_mutex_unlock(&ph->lock);
	if (ph->gen != gen && ph->ncpus > 1)
		kick_others(ph, cpu);
}

void phases_finish(struct phases *ph)
{
	if (!ph)
		return;
	if (!ph->on && *ph->off) {
		fprintf(stderr, "vmm: phases: none timed: %s\n", ph->off);
		return;
	}
	boot_phases_report(&ph->b, ph->syms, PHASES_TOP_INITCALLS, stderr);
}
