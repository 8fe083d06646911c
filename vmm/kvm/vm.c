/* vm.c: the KVM VM: /dev/kvm, the VM and its memory slots, IRQ lines and routing, vCPU limits, the dirty log. (split from vmm/kvm.c: git log --follow vmm/kvm/vcpu.c) */
#define _GNU_SOURCE /* strerrorname_np() */
#include "vmm/kvm/kvm_private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "loader/acpi.h"
#include "mmu/err.h"
#include "vmm/layout.h"

#define KVM_API_EXPECTED 12	  /* KVM_GET_API_VERSION, Documentation/virt/kvm/api.rst */

int kvm_sys_fail(const char *what)
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
		return kvm_sys_fail("KVM_SET_USER_MEMORY_REGION");
	return 0;
}

static int setup_vm(struct vm *vm, const struct guest_mem *gm, struct timing *t)
{
	uint64_t ident = LAYOUT_KVM_IDENTITY_MAP;
	struct kvm_pit_config pit = { .flags = 0 };
	int r;

	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0)
		return kvm_sys_fail("KVM_CREATE_VM");
	if (ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, LAYOUT_KVM_TSS) < 0)
		return kvm_sys_fail("KVM_SET_TSS_ADDR");
	if (ioctl(vm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &ident) < 0)
		return kvm_sys_fail("KVM_SET_IDENTITY_MAP_ADDR");
	if (ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0)
		return kvm_sys_fail("KVM_CREATE_IRQCHIP");
	if (ioctl(vm->vm_fd, KVM_CREATE_PIT2, &pit) < 0)
		return kvm_sys_fail("KVM_CREATE_PIT2");
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
	vm_dirty_log_free(vm);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	free(vm);
}

/* "Y" or "N" (a module's bool parameter): whether it reads N; false if it cannot be read. */
static bool kvm_param_off(const char *path)
{
	FILE *f = fopen(path, "re");
	int ch = f ? fgetc(f) : EOF;

	if (f)
		fclose(f);
	return ch == 'N' || ch == '0';
}

int vm_pmu_off(struct vm *vm)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_PMU_CAPABILITY, .args = { KVM_PMU_CAP_DISABLE } };
	int offered = ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_PMU_CAPABILITY);

	if (offered > 0 && (offered & KVM_PMU_CAP_DISABLE)) {
		if (ioctl(vm->vm_fd, KVM_ENABLE_CAP, &cap) < 0)
			return kvm_sys_fail("KVM_ENABLE_CAP(KVM_CAP_PMU_CAPABILITY)");
		vm->pmu_off = true;
		return 0;
	}
	/* KVM answers 0 also where its enable_pmu parameter is off (api.rst). */
	vm->pmu_off = kvm_param_off("/sys/module/kvm/parameters/enable_pmu");
	return 0;
}

int vm_irq_line(struct vm *vm, unsigned irq, bool level)
{
	struct kvm_irq_level l = { .irq = irq, .level = level };

	if (ioctl(vm->vm_fd, KVM_IRQ_LINE, &l) < 0)
		return kvm_sys_fail("KVM_IRQ_LINE");
	return 0;
}

int vm_pit_counter(struct vm *vm, unsigned ch, uint8_t *mode, uint32_t *count,
		   int64_t *load_ns)
{
	struct kvm_pit_state2 s;

	if (ch >= sizeof(s.channels) / sizeof(s.channels[0]))
		return errf(-EINVAL, "PIT counter %u: the 8254 has 3", ch);
	if (ioctl(vm->vm_fd, KVM_GET_PIT2, &s) < 0)
		return kvm_sys_fail("KVM_GET_PIT2");
	*mode = s.channels[ch].mode;
	*count = s.channels[ch].count;
	*load_ns = s.channels[ch].count_load_time;
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
		return kvm_sys_fail("KVM_SET_GSI_ROUTING");
	return 0;
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

int vm_coalesce_pio(struct vm *vm, uint16_t port, uint32_t size)
{
	struct kvm_coalesced_mmio_zone z = { .addr = port, .size = size, .pio = 1 };

	if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_COALESCED_PIO) <= 0)
		return errf(-EOPNOTSUPP, "this host's KVM has no KVM_CAP_COALESCED_PIO");
	if (ioctl(vm->vm_fd, KVM_REGISTER_COALESCED_MMIO, &z) < 0)
		return kvm_sys_fail("KVM_REGISTER_COALESCED_MMIO (pio)");
	return 0;
}
