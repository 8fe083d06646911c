/* msr_class.h: which MSRs a guest can reach at all, by class (Hyper-V's synthetic MSRs, the PMU's). */
#ifndef VMM_MSR_CLASS_H
#define VMM_MSR_CLASS_H

#include <stdbool.h>
#include <stdint.h>

enum msr_class {
	MSR_CLASS_OTHER,
	MSR_CLASS_HYPERV, /* Hyper-V's synthetic MSRs */
	MSR_CLASS_PMU,	  /* performance counters and their controls, Intel's and AMD's */
};

enum msr_class msr_class_of(uint32_t index);

/* What the vCPU offers its guest: KVM gives a guest Hyper-V's MSRs only where its CPUID shows
 * the Hyper-V interface, and the PMU's only with a virtual PMU. */
struct msr_reach {
	bool hyperv, pmu;
};

/* Whether a guest with `reach` can read or write MSR `index` (false: it gets #GP, or KVM
 * ignores the write and reads 0, as for AMD's legacy counters without a virtual PMU). */
bool msr_guest_reachable(uint32_t index, struct msr_reach reach);

/* Whether the guest can read MSR `index` but never change it: KVM refuses its writes (#GP) or
 * ignores them, takes the value from the host only, and keeps it over INIT. */
bool msr_guest_read_only(uint32_t index);

#endif
