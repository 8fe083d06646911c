/* kvm_private.h: the KVM handles behind vmm/kvm/kvm.h, shared by the files of vmm/kvm/ only. */
#ifndef VMM_KVM_PRIVATE_H
#define VMM_KVM_PRIVATE_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stddef.h>

#include "vmm/kvm/dirty_ring.h"
#include "vmm/kvm/kvm.h"

#define VM_MAX_RINGS 8 /* vCPUs with a dirty ring (fuzz mode has 1) */

struct vm {
	int kvm_fd, vm_fd;
	bool pmu_off; /* its vCPUs have no virtual PMU (vm_pmu_off()) */
	/* Dirty logging (dirty_log.c): each vCPU's ring of ring_bytes where KVM has rings and
	 * vm_dirty_ring_enable() turned them on, else KVM's bitmap per slot. */
	uint32_t ring_bytes;
	struct dirty_ring *rings[VM_MAX_RINGS];
	unsigned nrings;
	uint64_t ring_full_exits;
	uint64_t *log_bitmap[DIRTY_SLOTS];
	struct dirty_set dirty;
	bool handed[DIRTY_SLOTS]; /* vm_dirty_pages() handed out the slot's pages */
	bool manual_protect; /* vm_dirty_log_manual(): reading the bitmap protects nothing */
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
	/* A KVM_RUN since the last vm_snapshot_restore(): only then can the guest, KVM or a
	 * device exit have changed state beyond what vcpu_load_state() writes. */
	bool entered;
	/* The last KVM_RUN may have left an instruction for the next one to finish. */
	bool io_pending;
	/* Its guest can reach Hyper-V's MSRs: its CPUID shows the Hyper-V interface, or this KVM
	 * may predate the rule that it must (KVM_CAP_HYPERV_ENFORCE_CPUID's api.rst entry). */
	bool hyperv_msrs;
	struct dirty_ring ring; /* where the VM has rings */
	/* timing_now() just before the TSC was last put back (or read for the snapshot). */
	uint64_t tsc_written_ns;
};

/* vcpu_load_state() over `base` (apic_base and the interrupt bitmap come from there, every
 * other field from `s`), or over what KVM_GET_SREGS reads where `base` is NULL. */
int vcpu_load_state_over(struct vcpu *c, const struct boot_cpu *s, const struct kvm_sregs *base);
/* -errno with err_msg() naming the call, the error and its symbolic name. */
int kvm_sys_fail(const char *what);
/* A new vCPU's dirty ring mapped and listed with the VM's, where the VM has rings. */
int vcpu_map_dirty_ring(struct vcpu *c);
/* Every ring's new entries into vm->dirty, and the pages written back to KVM for protection
 * again (KVM_RESET_DIRTY_RINGS); at a KVM_EXIT_DIRTY_RING_FULL and before the pages are read. */
int vm_dirty_ring_harvest(struct vm *vm);
void vm_dirty_log_free(struct vm *vm);

#endif
