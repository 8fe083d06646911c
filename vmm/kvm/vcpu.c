/* kvm.c: every KVM ioctl of the VMM: VM and vCPU creation, state loading, KVM_RUN and its decoding. */
#define _GNU_SOURCE /* strerrorname_np() */
#include "vmm/kvm/kvm.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "loader/acpi.h"
#include "mmu/err.h"
#include "vmm/cpu_model.h"
#include "vmm/layout.h"
#include "vmm/sandbox.h"

#define KVM_API_EXPECTED 12	  /* KVM_GET_API_VERSION, Documentation/virt/kvm/api.rst */
#define CPUID_MAX_ENTRIES 256
#define CPUID_SPARE_ENTRIES 2
#define APIC_LVT_LINT0 0x350	  /* local APIC register offsets (SDM Vol. 3A §11.5.1) */
#define APIC_LVT_LINT1 0x360
#define APIC_MODE_EXTINT 0x7	  /* LVT delivery modes, bits 10:8 */
#define APIC_MODE_NMI 0x4
#define FPU_FCW_DEFAULT 0x37f	  /* FNINIT control word */
#define MXCSR_DEFAULT 0x1f80	  /* all SSE exceptions masked */

struct vm {
	int kvm_fd, vm_fd;
};

struct vcpu {
	struct vm *vm;
	unsigned index; /* KVM's vcpu id, also the APIC ID; 0 is the boot CPU */
	int fd;
	struct kvm_run *run;
	size_t run_size;
	/* KVM's binary statistics (api.rst, KVM_GET_STATS_FD), read at the end. */
	int stats_fd;
	struct kvm_stats_header stats_hdr;
	uint8_t *stats_desc; /* num_desc descriptors, each followed by its name */
	const char *stats_missing;
};

static int sys_fail(const char *what)
{
	int e = errno;
	const char *name = strerrorname_np(e);

	return errf(-e, "%s: %s (%s)", what, strerror(e), name ? name : "?");
}

static int open_kvm(struct vm *vm)
{
	int version;

	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0) {
		int e = errno;

		return errf(-e, "cannot open /dev/kvm: %s (%s)", strerror(e),
			    e == EACCES ? "add yourself to the kvm group" :
			    "no KVM here: run vmm through scripts/with-kvm");
	}
	version = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
	if (version != KVM_API_EXPECTED)
		return errf(-ENOTSUP, "KVM API version %d, need %d", version,
			    KVM_API_EXPECTED);
	return 0;
}

static int map_region(struct vm *vm, uint32_t slot, gpa_t gpa, uint64_t size,
		      void *hva)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)hva,
	};

	if (size && ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0)
		return sys_fail("KVM_SET_USER_MEMORY_REGION");
	return 0;
}

static int setup_vm(struct vm *vm, const struct guest_mem *gm, struct timing *t)
{
	uint64_t ident = LAYOUT_KVM_IDENTITY_MAP;
	struct kvm_pit_config pit = { .flags = 0 };
	int r;

	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0)
		return sys_fail("KVM_CREATE_VM");
	if (ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, LAYOUT_KVM_TSS) < 0)
		return sys_fail("KVM_SET_TSS_ADDR");
	if (ioctl(vm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &ident) < 0)
		return sys_fail("KVM_SET_IDENTITY_MAP_ADDR");
	if (ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0)
		return sys_fail("KVM_CREATE_IRQCHIP");
	if (ioctl(vm->vm_fd, KVM_CREATE_PIT2, &pit) < 0)
		return sys_fail("KVM_CREATE_PIT2");
	timing_mark(t, TIMING_VM_CREATED, timing_now());
	r = map_region(vm, 0, 0, gm_low_size(gm), gm->hva);
	if (r == 0)
		r = map_region(vm, 1, GM_HIGH_BASE, gm_high_size(gm),
			       gm->hva + gm_low_size(gm));
	timing_mark(t, TIMING_RAM_REGISTERED, timing_now());
	return r;
}

int vm_create(struct vm **out, const struct guest_mem *gm, struct timing *t)
{
	struct vm *vm = calloc(1, sizeof(*vm));
	int r;

	if (!vm)
		return errf(-ENOMEM, "out of memory");
	vm->vm_fd = -1;
	r = open_kvm(vm);
	if (r == 0)
		r = setup_vm(vm, gm, t);
	if (r < 0) {
		vm_destroy(vm);
		return r;
	}
	*out = vm;
	return 0;
}

void vm_destroy(struct vm *vm)
{
	if (!vm)
		return;
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	free(vm);
}

int vm_irq_line(struct vm *vm, unsigned irq, bool level)
{
	struct kvm_irq_level l = { .irq = irq, .level = level };

	if (ioctl(vm->vm_fd, KVM_IRQ_LINE, &l) < 0)
		return sys_fail("KVM_IRQ_LINE");
	return 0;
}

/* The in-kernel irqchip (api.rst, KVM_CREATE_IRQCHIP): two cascaded 8259s
 * (ISA IRQs 0-15, IRQ 2 the cascade) and a 24-pin IOAPIC. */
#define PIC_IRQS 16
#define PIC_CASCADE_IRQ 2
#define IOAPIC_PINS 24

static void add_route(struct kvm_irq_routing *t, uint32_t gsi, uint32_t chip, uint32_t pin)
{
	t->entries[t->nr++] = (struct kvm_irq_routing_entry){
		.gsi = gsi, .type = KVM_IRQ_ROUTING_IRQCHIP,
		.u.irqchip = { .irqchip = chip, .pin = pin },
	};
}

/* The PC's wiring, which the MADT's interrupt source override announces: the
 * PIT's IRQ 0 reaches IOAPIC pin 2, every other ISA IRQ the pin of its number
 * (KVM's default routing sends GSI 0 to pin 0). Both PICs keep IRQs 0-15. */
int vm_route_pc_irqs(struct vm *vm)
{
	struct {
		struct kvm_irq_routing t;
		struct kvm_irq_routing_entry e[PIC_IRQS + IOAPIC_PINS];
	} r = { .t.nr = 0 };

	for (uint32_t irq = 0; irq < PIC_IRQS; irq++)
		if (irq != PIC_CASCADE_IRQ)
			add_route(&r.t, irq, irq < 8 ? KVM_IRQCHIP_PIC_MASTER : KVM_IRQCHIP_PIC_SLAVE,
				  irq % 8);
	for (uint32_t gsi = 0; gsi < IOAPIC_PINS; gsi++)
		if (gsi != ACPI_PC_PIT_GSI) /* pin 2 is the PIT's (GSI 0) */
			add_route(&r.t, gsi, KVM_IRQCHIP_IOAPIC,
				  gsi == ACPI_PC_PIT_IRQ ? ACPI_PC_PIT_GSI : gsi);
	if (ioctl(vm->vm_fd, KVM_SET_GSI_ROUTING, &r.t) < 0)
		return sys_fail("KVM_SET_GSI_ROUTING");
	return 0;
}

/* KVM's list through cpu_model_cpuid(); added leaves have no significant index. */
static void model_cpuid(struct kvm_cpuid2 *cpuid, const struct cpu_caps *caps)
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
		r = sys_fail("KVM_GET_SUPPORTED_CPUID");
	if (r == 0) {
		model_cpuid(cpuid, &caps);
		if (ioctl(c->fd, KVM_SET_CPUID2, cpuid) < 0)
			r = sys_fail("KVM_SET_CPUID2");
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
		return sys_fail("KVM_SET_MSRS");
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

/* Virtual-wire mode: PIC interrupts reach the BSP through LINT0 (MP spec §3.6.2.2). */
static int setup_lapic(struct vcpu *c)
{
	struct kvm_lapic_state l;

	if (ioctl(c->fd, KVM_GET_LAPIC, &l) < 0)
		return sys_fail("KVM_GET_LAPIC");
	set_lvt_mode(&l, APIC_LVT_LINT0, APIC_MODE_EXTINT);
	set_lvt_mode(&l, APIC_LVT_LINT1, APIC_MODE_NMI);
	if (ioctl(c->fd, KVM_SET_LAPIC, &l) < 0)
		return sys_fail("KVM_SET_LAPIC");
	return 0;
}

static int setup_fpu(struct vcpu *c)
{
	struct kvm_fpu fpu = { .fcw = FPU_FCW_DEFAULT, .mxcsr = MXCSR_DEFAULT };

	if (ioctl(c->fd, KVM_SET_FPU, &fpu) < 0)
		return sys_fail("KVM_SET_FPU");
	return 0;
}

static int map_run(struct vcpu *c)
{
	int sz = ioctl(c->vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);

	if (sz < (int)sizeof(struct kvm_run))
		return sys_fail("KVM_GET_VCPU_MMAP_SIZE");
	c->run = mmap(NULL, (size_t)sz, PROT_READ | PROT_WRITE, MAP_SHARED,
		      c->fd, 0);
	if (c->run == MAP_FAILED) {
		c->run = NULL;
		return sys_fail("mmap(kvm_run)");
	}
	c->run_size = (size_t)sz;
	return 0;
}

#define STATS_TYPE(flags) ((flags) & KVM_STATS_TYPE_MASK)

void vcpu_open_stats(struct vcpu *c)
{
	struct kvm_stats_header *h = &c->stats_hdr;
	size_t len;

	if (ioctl(c->vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_BINARY_STATS_FD) <= 0) {
		c->stats_missing = "this kernel has no KVM_GET_STATS_FD (Linux 5.14+)";
		return;
	}
	c->stats_fd = ioctl(c->fd, KVM_GET_STATS_FD, NULL);
	if (c->stats_fd < 0 || pread(c->stats_fd, h, sizeof(*h), 0) != (ssize_t)sizeof(*h)) {
		c->stats_missing = "KVM_GET_STATS_FD failed";
		return;
	}
	len = (size_t)h->num_desc * (sizeof(struct kvm_stats_desc) + h->name_size);
	c->stats_desc = malloc(len);
	if (!c->stats_desc || h->num_desc > 1024 ||
	    pread(c->stats_fd, c->stats_desc, len, h->desc_offset) != (ssize_t)len) {
		free(c->stats_desc);
		c->stats_desc = NULL;
		c->stats_missing = "cannot read the KVM statistics descriptors";
		return;
	}
	c->stats_missing = NULL;
}

unsigned vcpu_read_stats(struct vcpu *c, struct timing_counter *out, unsigned max,
			 const char **missing)
{
	const struct kvm_stats_header *h = &c->stats_hdr;
	size_t step = sizeof(struct kvm_stats_desc) + h->name_size;
	unsigned n = 0;

	*missing = c->stats_missing;
	for (uint32_t i = 0; c->stats_desc && i < h->num_desc && n < max; i++) {
		const struct kvm_stats_desc *d = (const void *)(c->stats_desc + i * step);
		uint64_t v;

		/* Counters only (one u64, cumulative): exits by reason and the rest. */
		if (STATS_TYPE(d->flags) != KVM_STATS_TYPE_CUMULATIVE || d->size != 1 ||
		    pread(c->stats_fd, &v, sizeof(v), h->data_offset + d->offset) != sizeof(v) || !v)
			continue;
		snprintf(out[n].name, sizeof(out[n].name), "%.*s", (int)h->name_size, d->name);
		out[n++].value = v;
	}
	return n;
}

/* [*lo, *hi] spans the descriptors fd(c[i]) that are not -1; both -1 if none. */
static void fd_span(struct vcpu *const *c, unsigned n, int (*fd)(const struct vcpu *),
		    int *lo, int *hi)
{
	*lo = *hi = -1;
	for (unsigned i = 0; i < n; i++) {
		int f = fd(c[i]);

		if (f < 0)
			continue;
		*lo = *lo < 0 || f < *lo ? f : *lo;
		*hi = f > *hi ? f : *hi;
	}
}

static int stats_fd(const struct vcpu *c)
{
	return c->stats_desc ? c->stats_fd : -1;
}

static int run_fd(const struct vcpu *c)
{
	return c->fd;
}

void vcpu_stats_fds(struct vcpu *const *c, unsigned n, int *lo, int *hi)
{
	fd_span(c, n, stats_fd, lo, hi);
}

int vm_check_vcpus(struct vm *vm, unsigned n)
{
	/* api.rst: KVM_CAP_MAX_VCPUS, or KVM_CAP_NR_VCPUS where it is missing, else 4. */
	int max = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);

	if (max <= 0)
		max = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_VCPUS);
	if (max <= 0)
		max = 4;
	if (n > (unsigned)max)
		return errf(-EINVAL, "--cpus %u: this host's KVM runs at most %d vCPUs per VM", n, max);
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
		r = sys_fail("KVM_CREATE_VCPU");
		free(c);
		return r;
	}
	c->stats_fd = -1;
	c->stats_missing = "statistics not opened";
	r = map_run(c);
	if (r == 0)
		r = setup_cpuid(c, ncpus);
	if (r == 0)
		r = setup_msrs(c);
	if (r == 0 && index == 0) /* as firmware: the other LAPICs keep their reset state */
		r = setup_lapic(c);
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

int vcpu_load_state(struct vcpu *c, const struct boot_cpu *s)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs = {
		.rax = s->rax, .rbx = s->rbx, .rcx = s->rcx, .rdx = s->rdx,
		.rsi = s->rsi, .rdi = s->rdi, .rsp = s->rsp, .rbp = s->rbp,
		.rip = s->rip, .rflags = s->rflags,
	};

	/* Start from KVM's own sregs so apic_base and the interrupt bitmap stay. */
	if (ioctl(c->fd, KVM_GET_SREGS, &sregs) < 0)
		return sys_fail("KVM_GET_SREGS");
	to_kvm_sregs(&sregs, s);
	if (ioctl(c->fd, KVM_SET_SREGS, &sregs) < 0)
		return sys_fail("KVM_SET_SREGS");
	if (ioctl(c->fd, KVM_SET_REGS, &regs) < 0)
		return sys_fail("KVM_SET_REGS");
	return 0;
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
	case KVM_EXIT_SYSTEM_EVENT:
		e->kind = system_event_kind(run->system_event.type);
		e->detail = run->system_event.type;
		break;
	default: e->kind = EXIT_OTHER; break;
	}
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

int vcpu_run(struct vcpu *c, struct vm_exit *out)
{
	memset(out, 0, sizeof(*out));
	if (ioctl(c->fd, KVM_RUN, 0) < 0) {
		if (errno == EINTR || errno == EAGAIN) {
			out->kind = EXIT_INTR;
			return 0;
		}
		return sys_fail("KVM_RUN");
	}
	decode_exit(out, c->run);
	return 0;
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

unsigned vcpu_run_ioctls(struct vcpu *const *c, unsigned n, struct sandbox_ioctl *out,
			 unsigned max)
{
	int lo, hi;

	fd_span(c, n, run_fd, &lo, &hi);
	const struct sandbox_ioctl list[] = {
		{ lo, hi, KVM_RUN },				/* the run loops */
		{ c[0]->vm->vm_fd, c[0]->vm->vm_fd, KVM_IRQ_LINE }, /* device interrupts */
		{ lo, hi, KVM_GET_REGS },			/* register dumps */
		{ lo, hi, KVM_GET_SREGS },
	};
	unsigned k = sizeof(list) / sizeof(list[0]);

	k = k < max ? k : max;
	memcpy(out, list, k * sizeof(list[0]));
	return k;
}

/* ---- Fuzz mode: the VM's state as blocks, saved once and put back before each run ---- */

#define SNAP_MAX_MSRS 512
#define APIC_TMCCT 0x390   /* timer current count: runs on its own (SDM Vol. 3A §11.5.4) */
#define MSR_IA32_TSC 0x10  /* the TSC runs on: left out of the comparison */
/* Hyper-V TLFS: HV_X64_MSR_VP_RUNTIME and HV_X64_MSR_TIME_REF_COUNT count 100 ns
 * units by themselves (KVM lists them even for a guest that never enabled Hyper-V). */
#define MSR_HV_VP_RUNTIME 0x40000010
#define MSR_HV_TIME_REF_COUNT 0x40000020
#define PIC_MASTER 0       /* KVM_GET_IRQCHIP chip ids (api.rst) */
#define PIC_SLAVE 1
#define IOAPIC 2

struct vm_snapshot {
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_fpu fpu;
	struct kvm_xsave xsave;
	struct kvm_xcrs xcrs;
	struct kvm_lapic_state lapic;
	struct kvm_vcpu_events events;
	struct kvm_debugregs debugregs;
	struct kvm_mp_state mp;
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e[SNAP_MAX_MSRS];
	} msrs;
	struct kvm_irqchip chip[3];
	struct kvm_pit_state2 pit;
};

/* The MSRs KVM lists that it both reads and takes back (some are read-only). */
static int snapshot_msr_list(struct vcpu *c, struct vm_snapshot *s)
{
	struct {
		struct kvm_msr_list hdr;
		uint32_t idx[SNAP_MAX_MSRS];
	} list = { .hdr.nmsrs = SNAP_MAX_MSRS };
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e;
	} one = { .hdr.nmsrs = 1 };

	if (ioctl(c->vm->kvm_fd, KVM_GET_MSR_INDEX_LIST, &list) < 0)
		return sys_fail("KVM_GET_MSR_INDEX_LIST");
	s->msrs.hdr.nmsrs = 0;
	for (uint32_t i = 0; i < list.hdr.nmsrs && i < SNAP_MAX_MSRS; i++) {
		one.e = (struct kvm_msr_entry){ .index = list.idx[i] };
		if (ioctl(c->fd, KVM_GET_MSRS, &one) != 1 || ioctl(c->fd, KVM_SET_MSRS, &one) != 1)
			continue;
		s->msrs.e[s->msrs.hdr.nmsrs++] = one.e;
	}
	return 0;
}

struct state_block {
	const char *name;
	unsigned long get, set;
	size_t off, size;
	bool vm; /* a VM ioctl (else vCPU) */
};

#define BLOCK(n, g, st, field, isvm) { n, g, st, offsetof(struct vm_snapshot, field), \
				       sizeof(((struct vm_snapshot *)0)->field), isvm }
/* Put back in this order (as QEMU's kvm_arch_put_registers): sregs before the
 * LAPIC (APIC base), MSRs after sregs (EFER), events and mp_state last. */
static const struct state_block blocks[] = {
	BLOCK("sregs", KVM_GET_SREGS, KVM_SET_SREGS, sregs, false),
	BLOCK("regs", KVM_GET_REGS, KVM_SET_REGS, regs, false),
	BLOCK("fpu", KVM_GET_FPU, KVM_SET_FPU, fpu, false),
	BLOCK("xsave", KVM_GET_XSAVE, KVM_SET_XSAVE, xsave, false),
	BLOCK("xcrs", KVM_GET_XCRS, KVM_SET_XCRS, xcrs, false),
	BLOCK("msrs", KVM_GET_MSRS, KVM_SET_MSRS, msrs, false),
	BLOCK("lapic", KVM_GET_LAPIC, KVM_SET_LAPIC, lapic, false),
	BLOCK("vcpu_events", KVM_GET_VCPU_EVENTS, KVM_SET_VCPU_EVENTS, events, false),
	BLOCK("debugregs", KVM_GET_DEBUGREGS, KVM_SET_DEBUGREGS, debugregs, false),
	BLOCK("mp_state", KVM_GET_MP_STATE, KVM_SET_MP_STATE, mp, false),
	BLOCK("pic_master", KVM_GET_IRQCHIP, KVM_SET_IRQCHIP, chip[PIC_MASTER], true),
	BLOCK("pic_slave", KVM_GET_IRQCHIP, KVM_SET_IRQCHIP, chip[PIC_SLAVE], true),
	BLOCK("ioapic", KVM_GET_IRQCHIP, KVM_SET_IRQCHIP, chip[IOAPIC], true),
	BLOCK("pit", KVM_GET_PIT2, KVM_SET_PIT2, pit, true),
};
#define NBLOCKS (sizeof(blocks) / sizeof(blocks[0]))

static int block_io(struct vcpu *c, const struct state_block *b, void *p, bool set)
{
	int fd = b->vm ? c->vm->vm_fd : c->fd;
	int r = ioctl(fd, set ? b->set : b->get, p);

	/* KVM_GET/SET_MSRS return how many they did: all of them, or it failed. */
	if (b->get == KVM_GET_MSRS && r >= 0 && (uint32_t)r != ((struct kvm_msrs *)p)->nmsrs)
		return errf(-EINVAL, "%s msrs: %d of %u", set ? "KVM_SET_MSRS" : "KVM_GET_MSRS",
			    r, ((struct kvm_msrs *)p)->nmsrs);
	if (r < 0)
		return errf(-errno, "%s %s: %s", set ? "set" : "get", b->name, strerror(errno));
	return 0;
}

/* A block read back into `p` (set up with the fields the ioctl needs first). */
static int read_block(struct vcpu *c, const struct vm_snapshot *ref, unsigned i, void *p)
{
	const struct state_block *b = &blocks[i];

	memcpy(p, (const uint8_t *)ref + b->off, b->size); /* chip_id, nmsrs and indices */
	if (b->get == KVM_GET_MSRS)
		for (uint32_t k = 0; k < ref->msrs.hdr.nmsrs; k++)
			((struct kvm_msrs *)p)->entries[k].data = 0;
	return block_io(c, b, p, false);
}

int vm_snapshot_save(struct vcpu *c, struct vm_snapshot **out)
{
	struct vm_snapshot *s = calloc(1, sizeof(*s));
	int r;

	if (!s)
		return errf(-ENOMEM, "out of memory");
	s->chip[PIC_MASTER].chip_id = PIC_MASTER;
	s->chip[PIC_SLAVE].chip_id = PIC_SLAVE;
	s->chip[IOAPIC].chip_id = IOAPIC;
	r = snapshot_msr_list(c, s);
	for (unsigned i = 0; r == 0 && i < NBLOCKS; i++)
		r = block_io(c, &blocks[i], (uint8_t *)s + blocks[i].off, false);
	if (r < 0) {
		free(s);
		return r;
	}
	/* Events: say which fields are given, so all of them are put back. */
	s->events.flags |= KVM_VCPUEVENT_VALID_NMI_PENDING | KVM_VCPUEVENT_VALID_SIPI_VECTOR;
	*out = s;
	return 0;
}

int vm_snapshot_restore(struct vcpu *c, const struct vm_snapshot *s)
{
	static struct vm_snapshot scratch; /* the ioctls may write back into their argument */
	int r = 0;

	memcpy(&scratch, s, sizeof(scratch));
	for (unsigned i = 0; r == 0 && i < NBLOCKS; i++)
		r = block_io(c, &blocks[i], (uint8_t *)&scratch + blocks[i].off, true);
	return r;
}

/* Fields that run on by themselves whatever the guest did: left out of the comparison. */
static void mask_running_fields(unsigned i, struct vm_snapshot *s)
{
	if (!strcmp(blocks[i].name, "lapic"))
		memset(&s->lapic.regs[APIC_TMCCT], 0, 4);
	if (!strcmp(blocks[i].name, "pit"))
		for (unsigned ch = 0; ch < 3; ch++)
			s->pit.channels[ch].count_load_time = 0;
	if (!strcmp(blocks[i].name, "msrs"))
		for (uint32_t k = 0; k < s->msrs.hdr.nmsrs; k++)
			if (s->msrs.e[k].index == MSR_IA32_TSC ||
			    s->msrs.e[k].index == MSR_HV_VP_RUNTIME ||
			    s->msrs.e[k].index == MSR_HV_TIME_REF_COUNT)
				s->msrs.e[k].data = 0;
}

/* The first MSR that differs, as ":0xINDEX". */
static size_t name_msr_diff(const struct vm_snapshot *a, const struct vm_snapshot *b, char *out,
			    size_t len)
{
	for (uint32_t k = 0; k < a->msrs.hdr.nmsrs && len > 12; k++)
		if (a->msrs.e[k].data != b->msrs.e[k].data)
			return (size_t)snprintf(out, len, ":0x%x", a->msrs.e[k].index);
	return 0;
}

unsigned vm_snapshot_compare(struct vcpu *c, const struct vm_snapshot *ref, char *diff, size_t len)
{
	static struct vm_snapshot now, want;
	unsigned bad = 0;
	size_t used = 0;

	if (len)
		diff[0] = '\0';
	memcpy(&want, ref, sizeof(want));
	for (unsigned i = 0; i < NBLOCKS; i++) {
		const struct state_block *b = &blocks[i];
		bool same = read_block(c, ref, i, (uint8_t *)&now + b->off) == 0;

		if (b->get == KVM_GET_VCPU_EVENTS) /* flags are an input of SET, not state */
			now.events.flags = want.events.flags;
		mask_running_fields(i, &now);
		mask_running_fields(i, &want);
		same = same && !memcmp((uint8_t *)&now + b->off, (uint8_t *)&want + b->off, b->size);
		if (!same && used + strlen(b->name) + 2 < len)
			used += (size_t)snprintf(diff + used, len - used, "%s%s", bad ? "," : "", b->name);
		if (!same && b->get == KVM_GET_MSRS)
			used += name_msr_diff(&now, &want, diff + used, len - used);
		bad += !same;
	}
	return bad;
}

int vm_dirty_log_start(struct vm *vm, const struct guest_mem *gm)
{
	struct kvm_userspace_memory_region r[2] = {
		{ .slot = 0, .flags = KVM_MEM_LOG_DIRTY_PAGES, .memory_size = gm_low_size(gm),
		  .userspace_addr = (uintptr_t)gm->hva },
		{ .slot = 1, .flags = KVM_MEM_LOG_DIRTY_PAGES, .guest_phys_addr = GM_HIGH_BASE,
		  .memory_size = gm_high_size(gm),
		  .userspace_addr = (uintptr_t)(gm->hva + gm_low_size(gm)) },
	};

	for (unsigned i = 0; i < 2; i++)
		if (r[i].memory_size && ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r[i]) < 0)
			return sys_fail("KVM_SET_USER_MEMORY_REGION (dirty log)");
	return 0;
}

int vm_dirty_log_get(struct vm *vm, unsigned slot, uint64_t *bitmap)
{
	struct kvm_dirty_log d = { .slot = slot, .dirty_bitmap = bitmap };

	if (ioctl(vm->vm_fd, KVM_GET_DIRTY_LOG, &d) < 0)
		return sys_fail("KVM_GET_DIRTY_LOG");
	return 0;
}

int vcpu_halted(struct vcpu *c, bool *irqs_off)
{
	struct kvm_mp_state mp;
	struct kvm_regs regs;

	if (ioctl(c->fd, KVM_GET_MP_STATE, &mp) < 0 || ioctl(c->fd, KVM_GET_REGS, &regs) < 0)
		return sys_fail("KVM_GET_MP_STATE");
	*irqs_off = !(regs.rflags & X86_RFLAGS_IF);
	return mp.mp_state == KVM_MP_STATE_HALTED;
}

uint64_t vcpu_rip(struct vcpu *c)
{
	struct kvm_regs regs;

	return ioctl(c->fd, KVM_GET_REGS, &regs) < 0 ? 0 : regs.rip;
}
