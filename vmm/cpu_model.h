/* cpu_model.h: the CPUID leaves and MSR values vmm gives its vCPUs: pure edits of KVM's lists. */
#ifndef VMM_CPU_MODEL_H
#define VMM_CPU_MODEL_H

#include <stdbool.h>
#include <stdint.h>

/* One CPUID leaf/subleaf as KVM lists it (kvm_cpuid_entry2 without the flags). */
struct cpuid_leaf {
	uint32_t function, index;
	uint32_t eax, ebx, ecx, edx;
};

/* What the host's KVM can do (KVM_CHECK_EXTENSION), and which vCPU of how
 * many the leaves are for. */
struct cpu_caps {
	bool tsc_deadline; /* KVM_CAP_TSC_DEADLINE_TIMER */
	unsigned cpu_index; /* this vCPU: its initial (x2)APIC ID */
	unsigned ncpus;     /* vCPUs in the machine (0 is taken as 1) */
};

/*
 * Turn the entries KVM_GET_SUPPORTED_CPUID returned (`*nent` of them, room
 * for `max`) into what vCPU `caps->cpu_index` of a real machine with one
 * package of `caps->ncpus` single-thread cores (1..255, APIC IDs 0..ncpus-1)
 * shows: that topology instead of the host's, the hypervisor bit,
 * TSC-deadline when KVM emulates it, and KVM's paravirt leaves (added if KVM
 * did not list them and there is room). Call it once per vCPU, each time on
 * a fresh copy of KVM's list; cpu_index must be below ncpus. README, "CPU
 * model", has the table and the reasons.
 */
void cpu_model_cpuid(struct cpuid_leaf *e, uint32_t *nent, uint32_t max,
		     const struct cpu_caps *caps);

/* Whether leaves e[0..n) show the guest Hyper-V's interface ("Hv#1" in leaf 0x40000001's EAX,
 * Hyper-V TLFS §2.4): only then does KVM give it Hyper-V's MSRs (api.rst,
 * KVM_CAP_HYPERV_ENFORCE_CPUID). cpu_model_cpuid() puts KVM's leaves there, so never. */
bool cpu_model_shows_hyperv(const struct cpuid_leaf *e, uint32_t n);

struct cpu_msr {
	uint32_t index;
	uint64_t value;
};

#define CPU_MODEL_MAX_MSRS 8

/* The MSRs vmm sets before the first KVM_RUN, and how many. */
extern const struct cpu_msr cpu_model_msrs[];
extern const unsigned cpu_model_nmsrs;

#endif
