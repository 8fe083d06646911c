/* msr_class.c: which MSRs a guest can reach at all, by class (Hyper-V's synthetic MSRs, the PMU's). */
#include "vmm/msr_class.h"

#include <stddef.h>

struct msr_range {
	uint32_t first, last;
};

/* Hyper-V TLFS, "Hypervisor synthetic MSRs": 0x40000000-0x400000ff, and the crash,
 * reenlightenment and TSC-emulation MSRs from 0x40000100 (KVM's highest is
 * HV_X64_MSR_TSC_INVARIANT_CONTROL, 0x40000118). */
static const struct msr_range hyperv_msrs[] = { { 0x40000000, 0x400001ff } };

static const struct msr_range pmu_msrs[] = {
	/* Intel SDM Vol. 4, Table 2-2 (architectural MSRs). */
	{ 0xc1, 0xc8 },	    /* IA32_PMC0-7 */
	{ 0x186, 0x18d },   /* IA32_PERFEVTSEL0-7 */
	{ 0x309, 0x30c },   /* IA32_FIXED_CTR0-3 */
	{ 0x345, 0x345 },   /* IA32_PERF_CAPABILITIES */
	{ 0x38d, 0x392 },   /* IA32_FIXED_CTR_CTRL, IA32_PERF_GLOBAL_STATUS/_CTRL/_OVF_CTRL/_STATUS_SET/_INUSE */
	{ 0x3f1, 0x3f2 },   /* IA32_PEBS_ENABLE, MSR_PEBS_DATA_CFG */
	{ 0x4c1, 0x4c8 },   /* IA32_A_PMC0-7 */
	{ 0x600, 0x600 },   /* IA32_DS_AREA (PEBS and BTS buffers) */
	/* AMD APM Vol. 2, §13.2 (performance counters). */
	{ 0xc0000300, 0xc0000303 }, /* PerfCntrGlobalStatus, _Ctl, _StatusClr, _StatusSet (PerfMonV2) */
	{ 0xc0010000, 0xc0010007 }, /* PerfEvtSel0-3, PerfCtr0-3 (legacy) */
	{ 0xc0010200, 0xc001020b }, /* PerfEvtSel0-5 / PerfCtr0-5 pairs (PerfCtrExtCore) */
};

/* Written by the host only (KVM 6.1, kvm_set_msr_common() in arch/x86/kvm/x86.c and
 * vmx_set_msr() in vmx/vmx.c: "if (!msr_info->host_initiated) return 1", or the write is
 * dropped), and left alone by INIT (svm_vcpu_reset()/vmx_vcpu_reset() reset the microcode
 * revision only at creation). */
static const struct msr_range read_only_msrs[] = {
	{ 0x8b, 0x8b },	  /* IA32_BIOS_SIGN_ID (KVM's MSR_IA32_UCODE_REV): a guest write is dropped */
	{ 0xce, 0xce },	  /* MSR_PLATFORM_INFO */
	{ 0x10a, 0x10a }, /* IA32_ARCH_CAPABILITIES */
	{ 0x345, 0x345 }, /* IA32_PERF_CAPABILITIES */
	{ 0x480, 0x491 }, /* IA32_VMX_BASIC .. IA32_VMX_VMFUNC, read-only (Intel SDM Vol. 4, Table 2-2) */
};

static bool in(const struct msr_range *r, size_t n, uint32_t index)
{
	for (size_t i = 0; i < n; i++)
		if (index >= r[i].first && index <= r[i].last)
			return true;
	return false;
}

bool msr_guest_read_only(uint32_t index)
{
	return in(read_only_msrs, sizeof(read_only_msrs) / sizeof(read_only_msrs[0]), index);
}

enum msr_class msr_class_of(uint32_t index)
{
	if (in(hyperv_msrs, sizeof(hyperv_msrs) / sizeof(hyperv_msrs[0]), index))
		return MSR_CLASS_HYPERV;
	if (in(pmu_msrs, sizeof(pmu_msrs) / sizeof(pmu_msrs[0]), index))
		return MSR_CLASS_PMU;
	return MSR_CLASS_OTHER;
}

bool msr_guest_reachable(uint32_t index, struct msr_reach reach)
{
	switch (msr_class_of(index)) {
	case MSR_CLASS_HYPERV:
		return reach.hyperv;
	case MSR_CLASS_PMU:
		return reach.pmu;
	default:
		return true;
	}
}
