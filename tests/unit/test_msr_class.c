/* test_msr_class.c: MSR classes and what a guest without Hyper-V or a virtual PMU reaches. */
#include <criterion/criterion.h>

#include "vmm/msr_class.h"

Test(msr_class, hyperv_range)
{
	cr_assert_eq(msr_class_of(0x40000000), MSR_CLASS_HYPERV); /* HV_X64_MSR_GUEST_OS_ID */
	cr_assert_eq(msr_class_of(0x40000020), MSR_CLASS_HYPERV); /* HV_X64_MSR_TIME_REF_COUNT */
	cr_assert_eq(msr_class_of(0x40000118), MSR_CLASS_HYPERV); /* TSC_INVARIANT_CONTROL */
	cr_assert_eq(msr_class_of(0x4b564d00), MSR_CLASS_OTHER);  /* KVM's kvmclock: KVM's own */
	cr_assert_eq(msr_class_of(0x3fffffff), MSR_CLASS_OTHER);
	cr_assert_eq(msr_class_of(0x40000200), MSR_CLASS_OTHER);
}

Test(msr_class, pmu_ranges_intel_and_amd)
{
	static const uint32_t pmu[] = { 0xc1, 0xc8, 0x186, 0x18d, 0x309, 0x30c, 0x345, 0x38d,
					0x38f, 0x392, 0x3f1, 0x3f2, 0x4c1, 0x600, 0xc0000300,
					0xc0000303, 0xc0010000, 0xc0010007, 0xc0010200,
					0xc001020b };
	static const uint32_t other[] = { 0x10, 0xc0, 0xc9, 0x174, 0x1a0, 0x30d, 0x3f3, 0x601,
					  0xc0000080, 0xc0000102, 0xc0000304, 0xc0010008,
					  0xc0010015, 0xc0010117, 0xc001020c };

	for (size_t i = 0; i < sizeof(pmu) / sizeof(pmu[0]); i++)
		cr_assert_eq(msr_class_of(pmu[i]), MSR_CLASS_PMU, "0x%x", pmu[i]);
	for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++)
		cr_assert_eq(msr_class_of(other[i]), MSR_CLASS_OTHER, "0x%x", other[i]);
}

Test(msr_class, reach_follows_what_the_vcpu_offers)
{
	struct msr_reach none = { false, false }, all = { true, true };

	cr_assert_not(msr_guest_reachable(0x40000001, none));
	cr_assert_not(msr_guest_reachable(0xc0010004, none));
	cr_assert(msr_guest_reachable(0x10, none), "the TSC always");
	cr_assert(msr_guest_reachable(0x4b564d01, none), "kvmclock always");
	cr_assert(msr_guest_reachable(0x40000001, all));
	cr_assert(msr_guest_reachable(0xc0010004, all));
	cr_assert(msr_guest_reachable(0x40000001, (struct msr_reach){ .hyperv = true }));
	cr_assert_not(msr_guest_reachable(0xc0010004, (struct msr_reach){ .hyperv = true }));
}

Test(msr_class, only_host_written_msrs_are_read_only)
{
	static const uint32_t ro[] = { 0x8b, 0xce, 0x10a, 0x345, 0x480, 0x48c, 0x491 };
	static const uint32_t rw[] = { 0x10, 0x1b, 0x3a, 0x8a, 0x8c, 0xcf, 0x109, 0x10b, 0x344,
				       0x47f, 0x492, 0xc0000080, 0xc0000102, 0x4b564d01, 0x40000001 };

	for (unsigned i = 0; i < sizeof(ro) / sizeof(ro[0]); i++)
		cr_assert(msr_guest_read_only(ro[i]), "0x%x", ro[i]);
	for (unsigned i = 0; i < sizeof(rw) / sizeof(rw[0]); i++)
		cr_assert_not(msr_guest_read_only(rw[i]), "0x%x", rw[i]);
}
