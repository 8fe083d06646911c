/* vcpu.c: vCPU creation (CPUID, MSRs, LAPIC, FPU), entry-state loading, KVM_RUN and its decoding, register dumps. */
#define _GNU_SOURCE /* strerrorname_np() */
#include "vmm/kvm/kvm_private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mmu/err.h"
#include "vmm/cpu_model.h"
#include "vmm/debug_regs.h"
#include "vmm/kvm/coalesced.h"

#define CPUID_MAX_ENTRIES 256
#define CPUID_SPARE_ENTRIES 2
#define APIC_LVT_LINT0 0x350	  /* local APIC register offsets (SDM Vol. 3A §11.5.1) */
#define APIC_LVT_LINT1 0x360
#define APIC_MODE_EXTINT 0x7	  /* LVT delivery modes, bits 10:8 */
#define APIC_MODE_NMI 0x4
#define FPU_FCW_DEFAULT 0x37f	  /* FNINIT control word */
#define MXCSR_DEFAULT 0x1f80	  /* all SSE exceptions masked */

/* KVM's list through cpu_model_cpuid(); added leaves have no significant index. Returns
 * whether the result shows the guest Hyper-V's interface. */
static bool model_cpuid(struct kvm_cpuid2 *cpuid, const struct cpu_caps *caps)
{
	static struct cpuid_leaf leaves[CPUID_MAX_ENTRIES];
	uint32_t n = cpuid->nent < CPUID_MAX_ENTRIES ? cpuid->nent : CPUID_MAX_ENTRIES;

	for (uint32_t i = 0; i < n; i++) {
		const struct kvm_cpuid_entry2 *k = &cpuid->entries[i];

		leaves[i] = (struct cpuid_leaf){ k->function, k->index, k->eax,
						 k->ebx, k->ecx, k->edx };
	}
	cpu_model_cpuid(leaves, &n, CPUID_MAX_ENTRIES, caps);
	for (uint32_t i = 0; i < n; i++) {
		struct kvm_cpuid_entry2 *k = &cpuid->entries[i];
		const struct cpuid_leaf *l = &leaves[i];

		if (i >= cpuid->nent)
			*k = (struct kvm_cpuid_entry2){ .function = l->function, .index = l->index };
		k->eax = l->eax;
		k->ebx = l->ebx;
		k->ecx = l->ecx;
		k->edx = l->edx;
	}
	cpuid->nent = n;
	return cpu_model_shows_hyperv(leaves, n);
}

static int setup_cpuid(struct vcpu *c, unsigned ncpus)
{
	size_t sz = sizeof(struct kvm_cpuid2) +
		    CPUID_MAX_ENTRIES * sizeof(struct kvm_cpuid_entry2);
	struct kvm_cpuid2 *cpuid = calloc(1, sz);
	struct cpu_caps caps = {
		.tsc_deadline = ioctl(c->vm->kvm_fd, KVM_CHECK_EXTENSION,
				      KVM_CAP_TSC_DEADLINE_TIMER) > 0,
		.cpu_index = c->index,
		.ncpus = ncpus,
	};
	int r = 0;

	if (!cpuid)
		return errf(-ENOMEM, "out of memory");
	/* Room for the KVM leaves cpu_model_cpuid() may add. */
	cpuid->nent = CPUID_MAX_ENTRIES - CPUID_SPARE_ENTRIES;
	if (ioctl(c->vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid) < 0)
		r = kvm_sys_fail("KVM_GET_SUPPORTED_CPUID");
	if (r == 0) {
		c->hyperv_msrs = model_cpuid(cpuid, &caps) ||
				 ioctl(c->vm->kvm_fd, KVM_CHECK_EXTENSION,
				       KVM_CAP_HYPERV_ENFORCE_CPUID) <= 0;
		if (ioctl(c->fd, KVM_SET_CPUID2, cpuid) < 0)
			r = kvm_sys_fail("KVM_SET_CPUID2");
	}
	free(cpuid);
	return r;
}

static int setup_msrs(struct vcpu *c)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e[CPU_MODEL_MAX_MSRS];
	} m = { .hdr.nmsrs = cpu_model_nmsrs };

	for (unsigned i = 0; i < cpu_model_nmsrs && i < CPU_MODEL_MAX_MSRS; i++)
		m.e[i] = (struct kvm_msr_entry){ .index = cpu_model_msrs[i].index,
						 .data = cpu_model_msrs[i].value };
	/* KVM_SET_MSRS returns how many it set; it stops at the first it refuses. */
	int n = ioctl(c->fd, KVM_SET_MSRS, &m);

	if (n < 0)
		return kvm_sys_fail("KVM_SET_MSRS");
	if ((unsigned)n != cpu_model_nmsrs)
		return errf(-EINVAL, "KVM_SET_MSRS: KVM refused MSR 0x%x",
			    cpu_model_msrs[n].index);
	return 0;
}

static void set_lvt_mode(struct kvm_lapic_state *l, unsigned reg, uint32_t mode)
{
	uint32_t v;

	memcpy(&v, &l->regs[reg], sizeof(v));
	v = (v & ~0x700u) | (mode << 8);
	memcpy(&l->regs[reg], &v, sizeof(v));
}

int vcpu_virtual_wire(struct vcpu *c)
{
	struct kvm_lapic_state l;

	if (ioctl(c->fd, KVM_GET_LAPIC, &l) < 0)
		return kvm_sys_fail("KVM_GET_LAPIC");
	set_lvt_mode(&l, APIC_LVT_LINT0, APIC_MODE_EXTINT);
	set_lvt_mode(&l, APIC_LVT_LINT1, APIC_MODE_NMI);
	if (ioctl(c->fd, KVM_SET_LAPIC, &l) < 0)
		return kvm_sys_fail("KVM_SET_LAPIC");
	return 0;
}

static int setup_fpu(struct vcpu *c)
{
	struct kvm_fpu fpu = { .fcw = FPU_FCW_DEFAULT, .mxcsr = MXCSR_DEFAULT };

	if (ioctl(c->fd, KVM_SET_FPU, &fpu) < 0)
		return kvm_sys_fail("KVM_SET_FPU");
	return 0;
}

static int map_run(struct vcpu *c)
{
	int sz = ioctl(c->vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);

	if (sz < (int)sizeof(struct kvm_run))
		return kvm_sys_fail("KVM_GET_VCPU_MMAP_SIZE");
	c->run = mmap(NULL, (size_t)sz, PROT_READ | PROT_WRITE, MAP_SHARED,
		      c->fd, 0);
	if (c->run == MAP_FAILED) {
		c->run = NULL;
		return kvm_sys_fail("mmap(kvm_run)");
	}
	c->run_size = (size_t)sz;
	return 0;
}

int vcpu_coalesced_ring(struct vcpu *c, struct coalesced_ring *out)
{
	long page = sysconf(_SC_PAGESIZE);
	/* The ring's page within the vCPU mapping (KVM_CHECK_EXTENSION answers its offset). */
	int off = ioctl(c->vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_COALESCED_MMIO);

	*out = (struct coalesced_ring){ 0 };
	if (off <= 0 || page <= 0 || (size_t)(off + 1) * (size_t)page > c->run_size)
		return errf(-EOPNOTSUPP, "this host's KVM maps no coalesced-write ring");
	out->ring = (struct kvm_coalesced_mmio_ring *)((uint8_t *)c->run + (size_t)off * (size_t)page);
	out->capacity = coalesced_capacity((uint32_t)page);
	return 0;
}

/* Index 0 is the boot CPU (KVM's default BSP): KVM starts it runnable and
 * every other vCPU waiting for INIT/SIPI (KVM_MP_STATE_UNINITIALIZED). */
int vcpu_create(struct vm *vm, unsigned index, unsigned ncpus, struct vcpu **out)
{
	struct vcpu *c = calloc(1, sizeof(*c));
	int r;

	if (!c)
		return errf(-ENOMEM, "out of memory");
	c->vm = vm;
	c->index = index;
	c->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, (unsigned long)index);
	if (c->fd < 0) {
		r = kvm_sys_fail("KVM_CREATE_VCPU");
		free(c);
		return r;
	}
	c->stats_fd = -1;
	c->stats_missing = "statistics not opened";
	r = map_run(c);
	if (r == 0)
		r = vcpu_map_dirty_ring(c);
	if (r == 0)
		r = setup_cpuid(c, ncpus);
	if (r == 0)
		r = setup_msrs(c);
	if (r == 0)
		r = setup_fpu(c);
	*out = c; /* owned by the caller even on failure; the process exits */
	return r;
}

static void to_kvm_segment(struct kvm_segment *k, const struct segment *s)
{
	*k = (struct kvm_segment){
		.base = s->base, .limit = s->limit, .selector = s->selector,
		.type = s->type, .present = s->present, .dpl = s->dpl,
		.db = s->db, .s = s->s, .l = s->l, .g = s->g, .avl = s->avl,
		.unusable = s->unusable,
	};
}

static void to_kvm_sregs(struct kvm_sregs *k, const struct boot_cpu *s)
{
	to_kvm_segment(&k->cs, &s->cs);
	to_kvm_segment(&k->ds, &s->ds);
	to_kvm_segment(&k->es, &s->es);
	to_kvm_segment(&k->fs, &s->fs);
	to_kvm_segment(&k->gs, &s->gs);
	to_kvm_segment(&k->ss, &s->ss);
	to_kvm_segment(&k->tr, &s->tr);
	to_kvm_segment(&k->ldt, &s->ldt);
	k->gdt = (struct kvm_dtable){ .base = s->gdt.base, .limit = s->gdt.limit };
	k->idt = (struct kvm_dtable){ .base = s->idt.base, .limit = s->idt.limit };
	k->cr0 = s->cr0;
	k->cr3 = s->cr3;
	k->cr4 = s->cr4;
	k->efer = s->efer;
}

int vcpu_load_state_over(struct vcpu *c, const struct boot_cpu *s, const struct kvm_sregs *base)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs = {
		.rax = s->rax, .rbx = s->rbx, .rcx = s->rcx, .rdx = s->rdx,
		.rsi = s->rsi, .rdi = s->rdi, .rsp = s->rsp, .rbp = s->rbp,
		.rip = s->rip, .rflags = s->rflags,
	};

	if (base)
		sregs = *base;
	else if (ioctl(c->fd, KVM_GET_SREGS, &sregs) < 0)
		return kvm_sys_fail("KVM_GET_SREGS");
	to_kvm_sregs(&sregs, s);
	if (ioctl(c->fd, KVM_SET_SREGS, &sregs) < 0)
		return kvm_sys_fail("KVM_SET_SREGS");
	if (ioctl(c->fd, KVM_SET_REGS, &regs) < 0)
		return kvm_sys_fail("KVM_SET_REGS");
	return 0;
}

int vcpu_load_state(struct vcpu *c, const struct boot_cpu *s)
{
	return vcpu_load_state_over(c, s, NULL); /* KVM's own apic_base and interrupt bitmap */
}

static void decode_io(struct vm_exit *e, struct kvm_run *run)
{
	e->kind = EXIT_IO;
	e->addr = run->io.port;
	e->len = run->io.size;
	e->count = run->io.count;
	e->is_write = run->io.direction == KVM_EXIT_IO_OUT;
	e->data = (uint8_t *)run + run->io.data_offset;
}

static void decode_mmio(struct vm_exit *e, struct kvm_run *run)
{
	e->kind = EXIT_MMIO;
	e->addr = run->mmio.phys_addr;
	e->len = run->mmio.len;
	e->count = 1;
	e->is_write = run->mmio.is_write;
	e->data = run->mmio.data;
}

static enum exit_kind system_event_kind(uint32_t type)
{
	switch (type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN: return EXIT_SYSTEM_SHUTDOWN;
	case KVM_SYSTEM_EVENT_RESET: return EXIT_SYSTEM_RESET;
	case KVM_SYSTEM_EVENT_CRASH: return EXIT_SYSTEM_CRASH;
	default: return EXIT_OTHER;
	}
}

static void decode_exit(struct vm_exit *e, struct kvm_run *run)
{
	e->reason = run->exit_reason;
	switch (run->exit_reason) {
	case KVM_EXIT_IO: decode_io(e, run); break;
	case KVM_EXIT_MMIO: decode_mmio(e, run); break;
	case KVM_EXIT_INTR: e->kind = EXIT_INTR; break;
	case KVM_EXIT_HLT: e->kind = EXIT_HLT; break;
	case KVM_EXIT_SHUTDOWN: e->kind = EXIT_SHUTDOWN; break;
	case KVM_EXIT_FAIL_ENTRY:
		e->kind = EXIT_FAIL_ENTRY;
		e->detail = run->fail_entry.hardware_entry_failure_reason;
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		e->kind = EXIT_INTERNAL;
		e->detail = run->internal.suberror;
		break;
	case KVM_EXIT_DEBUG:
		e->kind = EXIT_DEBUG;
		e->addr = run->debug.arch.pc;
		e->count = run->debug.arch.exception;
		e->detail = run->debug.arch.dr6;
		break;
	case KVM_EXIT_SYSTEM_EVENT:
		e->kind = system_event_kind(run->system_event.type);
		e->detail = run->system_event.type;
		break;
	default: e->kind = EXIT_OTHER; break;
	}
}

/* The #DB that just exited goes back to the guest: its DR6 bits first, which the #DB that
 * KVM_GUESTDBG_INJECT_DB queues does not carry (kvm_queue_exception(), no payload). */
static int give_guest_its_dr6(struct vcpu *c)
{
	struct kvm_debugregs d;

	if (c->run->exit_reason != KVM_EXIT_DEBUG)
		return 0;
	if (ioctl(c->fd, KVM_GET_DEBUGREGS, &d) < 0)
		return kvm_sys_fail("KVM_GET_DEBUGREGS");
	d.dr6 = dr6_after_guest_db(d.dr6, c->run->debug.arch.dr6);
	if (ioctl(c->fd, KVM_SET_DEBUGREGS, &d) < 0)
		return kvm_sys_fail("KVM_SET_DEBUGREGS");
	return 0;
}

int vcpu_set_debug(struct vcpu *c, const uint64_t *addr, unsigned n, unsigned flags)
{
	struct kvm_guest_debug d = { .control = 0 };
	int r;

	if (n > VCPU_BREAKPOINTS)
		return errf(-EINVAL, "%u breakpoints: the CPU has %u", n, VCPU_BREAKPOINTS);
	for (unsigned i = 0; i < n; i++) {
		d.arch.debugreg[i] = addr[i];
		d.arch.debugreg[7] |= DR7_LOCAL_ENABLE(i);
	}
	if ((flags & VCPU_DEBUG_INJECT_DB) && (r = give_guest_its_dr6(c)) < 0)
		return r;
	if (n || flags)
		d.control = KVM_GUESTDBG_ENABLE | (n ? KVM_GUESTDBG_USE_HW_BP : 0) |
			    (flags & VCPU_DEBUG_SOFT ? KVM_GUESTDBG_USE_SW_BP : 0) |
			    (flags & VCPU_DEBUG_STEP ? KVM_GUESTDBG_SINGLESTEP : 0) |
			    (flags & VCPU_DEBUG_INJECT_DB ? KVM_GUESTDBG_INJECT_DB : 0) |
			    (flags & VCPU_DEBUG_INJECT_BP ? KVM_GUESTDBG_INJECT_BP : 0);
	if (ioctl(c->fd, KVM_SET_GUEST_DEBUG, &d) < 0)
		return kvm_sys_fail("KVM_SET_GUEST_DEBUG");
	return 0;
}

/* Read the registers, change RIP (if `rip`) and set `rflags_set`, write them back. */
static int edit_regs(struct vcpu *c, const uint64_t *rip, uint64_t rflags_set)
{
	struct kvm_regs regs;

	if (ioctl(c->fd, KVM_GET_REGS, &regs) < 0)
		return kvm_sys_fail("KVM_GET_REGS");
	if (rip)
		regs.rip = *rip;
	regs.rflags |= rflags_set;
	if (ioctl(c->fd, KVM_SET_REGS, &regs) < 0)
		return kvm_sys_fail("KVM_SET_REGS");
	return 0;
}

int vcpu_set_rip(struct vcpu *c, uint64_t rip)
{
	return edit_regs(c, &rip, 0);
}

int vcpu_resume_over_breakpoint(struct vcpu *c)
{
	return edit_regs(c, NULL, X86_RFLAGS_RF);
}

void vcpu_request_exit(struct vcpu *c)
{
	/* api.rst: KVM_RUN returns -EINTR at once while immediate_exit is set. */
	if (c && c->run)
		((volatile struct kvm_run *)c->run)->immediate_exit = 1;
}

void vcpu_clear_exit_request(struct vcpu *c)
{
	((volatile struct kvm_run *)c->run)->immediate_exit = 0;
}

int vcpu_sync_regs(struct vcpu *c)
{
	int caps = ioctl(c->vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SYNC_REGS);

	if (caps <= 0 || !(caps & KVM_SYNC_X86_REGS))
		return 0;
	/* api.rst, kvm_valid_regs: copied out at every exit; kvm_dirty_regs stays 0, so
	 * KVM_RUN never reads them back in (KVM_SET_REGS stays the only way in). */
	c->run->kvm_valid_regs = KVM_SYNC_X86_REGS;
	c->run->kvm_dirty_regs = 0;
	return 1;
}

/* Exits after which the next KVM_RUN has nothing to finish: KVM sets complete_userspace_io
 * only where it hands an instruction to userspace (port I/O, MMIO and the like; x86.c), never
 * for a shutdown, a failed entry, an internal error, a debug exit or HLT. Any other exit
 * counts as pending. */
static bool exit_leaves_io_pending(uint32_t reason)
{
	return reason != KVM_EXIT_SHUTDOWN && reason != KVM_EXIT_FAIL_ENTRY &&
	       reason != KVM_EXIT_INTERNAL_ERROR && reason != KVM_EXIT_DEBUG &&
	       reason != KVM_EXIT_HLT;
}

int vcpu_run(struct vcpu *c, struct vm_exit *out)
{
	memset(out, 0, sizeof(*out));
	c->entered = true;
	for (;;) {
		int r;

		if (ioctl(c->fd, KVM_RUN, 0) < 0) {
			/* KVM finishes a pending instruction before it looks at signals and
			 * immediate_exit, so an interrupted KVM_RUN leaves none; a failed one may. */
			c->io_pending = !(errno == EINTR || errno == EAGAIN);
			if (!c->io_pending) {
				out->kind = EXIT_INTR;
				return 0;
			}
			return kvm_sys_fail("KVM_RUN");
		}
		if (c->run->exit_reason != KVM_EXIT_DIRTY_RING_FULL)
			break;
		/* KVM's own exit, before guest entry: the ring collected, then on. */
		c->vm->ring_full_exits++;
		r = vm_dirty_ring_harvest(c->vm);
		if (r < 0)
			return r;
	}
	c->io_pending = exit_leaves_io_pending(c->run->exit_reason);
	decode_exit(out, c->run);
	if (c->run->kvm_valid_regs & KVM_SYNC_X86_REGS) {
		out->has_rip = true;
		out->rip = c->run->s.regs.regs.rip;
	}
	return 0;
}

/* Re-entries that may each finish one chunk of a string instruction before giving up. */
#define FINISH_TRIES 64

bool vcpu_entered(const struct vcpu *c)
{
	return c->entered;
}

bool vcpu_io_may_be_pending(const struct vcpu *c)
{
	return c->io_pending;
}

int vcpu_finish_pending_io(struct vcpu *c)
{
	for (unsigned i = 0; i < FINISH_TRIES; i++) {
		int r;

		((volatile struct kvm_run *)c->run)->immediate_exit = 1;
		r = ioctl(c->fd, KVM_RUN, 0);
		((volatile struct kvm_run *)c->run)->immediate_exit = 0;
		if (r < 0 && (errno == EINTR || errno == EAGAIN)) {
			c->io_pending = false;
			return 0; /* nothing (more) pending: no guest instruction ran */
		}
		if (r < 0)
			return kvm_sys_fail("KVM_RUN (finishing pending I/O)");
		/* A string instruction's next chunk exited again: read data is
		 * left as it is, the state is about to be replaced anyway. */
	}
	return errf(-EBUSY, "an I/O string instruction still pending after %u re-entries",
		    FINISH_TRIES);
}

static void dump_segment(FILE *f, const char *name, const struct kvm_segment *s)
{
	fprintf(f, "  %-3s sel=0x%04x base=0x%016llx limit=0x%08x type=0x%x s=%u dpl=%u p=%u db=%u l=%u g=%u unusable=%u\n",
		name, s->selector, (unsigned long long)s->base, s->limit,
		s->type, s->s, s->dpl, s->present, s->db, s->l, s->g,
		s->unusable);
}

static void dump_regs(FILE *f, const struct kvm_regs *r)
{
	fprintf(f, "  rip=0x%016llx rsp=0x%016llx rflags=0x%016llx\n"
		   "  rax=0x%016llx rbx=0x%016llx rcx=0x%016llx rdx=0x%016llx\n"
		   "  rsi=0x%016llx rdi=0x%016llx rbp=0x%016llx\n"
		   "  r8 =0x%016llx r9 =0x%016llx r10=0x%016llx r11=0x%016llx\n"
		   "  r12=0x%016llx r13=0x%016llx r14=0x%016llx r15=0x%016llx\n",
		r->rip, r->rsp, r->rflags, r->rax, r->rbx, r->rcx, r->rdx,
		r->rsi, r->rdi, r->rbp, r->r8, r->r9, r->r10, r->r11, r->r12,
		r->r13, r->r14, r->r15);
}

static void dump_sregs(FILE *f, const struct kvm_sregs *s)
{
	fprintf(f, "  cr0=0x%016llx cr2=0x%016llx cr3=0x%016llx cr4=0x%016llx efer=0x%llx\n",
		s->cr0, s->cr2, s->cr3, s->cr4, s->efer);
	dump_segment(f, "cs", &s->cs);
	dump_segment(f, "ds", &s->ds);
	dump_segment(f, "es", &s->es);
	dump_segment(f, "fs", &s->fs);
	dump_segment(f, "gs", &s->gs);
	dump_segment(f, "ss", &s->ss);
	dump_segment(f, "tr", &s->tr);
	dump_segment(f, "ldt", &s->ldt);
	fprintf(f, "  gdt base=0x%016llx limit=0x%04x  idt base=0x%016llx limit=0x%04x\n",
		s->gdt.base, s->gdt.limit, s->idt.base, s->idt.limit);
}

void vcpu_dump(struct vcpu *c, FILE *f)
{
	struct kvm_regs regs;
	struct kvm_sregs sregs;

	fprintf(f, "vmm: vCPU %u state:\n", c->index);
	if (ioctl(c->fd, KVM_GET_REGS, &regs) == 0)
		dump_regs(f, &regs);
	else
		fprintf(f, "  KVM_GET_REGS: %s\n", strerror(errno));
	if (ioctl(c->fd, KVM_GET_SREGS, &sregs) == 0)
		dump_sregs(f, &sregs);
	else
		fprintf(f, "  KVM_GET_SREGS: %s\n", strerror(errno));
}


int vcpu_halted(struct vcpu *c, bool *irqs_off)
{
	struct kvm_mp_state mp;
	struct kvm_regs regs;

	if (ioctl(c->fd, KVM_GET_MP_STATE, &mp) < 0 || ioctl(c->fd, KVM_GET_REGS, &regs) < 0)
		return kvm_sys_fail("KVM_GET_MP_STATE");
	*irqs_off = !(regs.rflags & X86_RFLAGS_IF);
	return mp.mp_state == KVM_MP_STATE_HALTED;
}

uint64_t vcpu_rip(struct vcpu *c)
{
	struct kvm_regs regs;

	return ioctl(c->fd, KVM_GET_REGS, &regs) < 0 ? 0 : regs.rip;
}

int vcpu_regs(struct vcpu *c, struct vcpu_regs *out)
{
	struct kvm_regs regs;
	struct kvm_sregs sregs;

	if (ioctl(c->fd, KVM_GET_REGS, &regs) < 0)
		return kvm_sys_fail("KVM_GET_REGS");
	if (ioctl(c->fd, KVM_GET_SREGS, &sregs) < 0)
		return kvm_sys_fail("KVM_GET_SREGS");
	*out = (struct vcpu_regs){ .rip = regs.rip, .rsp = regs.rsp, .rbp = regs.rbp, .rdi = regs.rdi,
				   .rax = regs.rax,
				   .cr0 = sregs.cr0, .cr3 = sregs.cr3, .cr4 = sregs.cr4,
				   .efer = sregs.efer, .idt_base = sregs.idt.base, .cpl = sregs.cs.dpl,
				   .code64 = sregs.cs.l && (sregs.efer & X86_EFER_LMA) };
	return 0;
}
