/* test_cpu_model.c: CPUID edits (topology, hypervisor, TSC-deadline, KVM leaves) and the MSR table. */
#include <asm/kvm_para.h>
#include <criterion/criterion.h>
#include <string.h>

#include "vmm/cpu_model.h"

#define MAX 16

static struct cpuid_leaf e[MAX];
static uint32_t n;

static void add(uint32_t fn, uint32_t idx, uint32_t eax, uint32_t ebx, uint32_t ecx, uint32_t edx)
{
	e[n++] = (struct cpuid_leaf){ .function = fn, .index = idx, .eax = eax,
					    .ebx = ebx, .ecx = ecx, .edx = edx };
}

static struct cpuid_leaf *leaf(uint32_t fn, uint32_t idx)
{
	for (uint32_t i = 0; i < n; i++)
		if (e[i].function == fn && e[i].index == idx)
			return &e[i];
	cr_assert_fail("leaf 0x%x.%u missing", fn, idx);
	return NULL;
}

/* What a 2-socket, 16-thread host might report. */
static void host_like(void)
{
	memset(e, 0, sizeof(e));
	n = 0;
	add(1, 0, 0x00a00f11, 0x0f100800 | (7u << 24), 0x7ed8320b, 0x178bfbff);
	add(4, 0, 0x1c004121, 0, 0, 0);
	add(0xb, 0, 1, 2, 0x100, 7);
	add(0xb, 1, 4, 16, 0x201, 7);
	add(0xb, 2, 0, 0, 2, 7);
	add(0x80000001, 0, 0, 0, 0x75c237ff, 0);
	add(0x80000008, 0, 0x3030, 0, 0x700f, 0);
	add(0x8000001d, 0, 0x4121, 0, 0, 0);
	add(0x8000001e, 0, 7, 0x103, 0x1, 0);
}

Test(cpu_model, leaf1_one_processor_apic_id_0_hypervisor)
{
	struct cpu_caps caps = { .tsc_deadline = false };

	host_like();
	cpu_model_cpuid(e, &n, MAX, &caps);
	cr_expect_eq(leaf(1, 0)->ebx >> 24, 0);
	cr_expect_eq((leaf(1, 0)->ebx >> 16) & 0xff, 1);
	cr_expect_eq(leaf(1, 0)->ebx & 0xffff, 0x0800, "brand/CLFLUSH fields kept");
	cr_expect_eq(leaf(1, 0)->edx & (1u << 28), 0, "HTT off");
	cr_expect_neq(leaf(1, 0)->ecx & (1u << 31), 0, "hypervisor bit");
	cr_expect_eq(leaf(1, 0)->ecx & (1u << 24), 0, "no TSC-deadline without the cap");
	cr_expect_eq(leaf(1, 0)->eax, 0x00a00f11, "family/model kept");
}

Test(cpu_model, tsc_deadline_follows_the_capability)
{
	struct cpu_caps caps = { .tsc_deadline = true };

	host_like();
	cpu_model_cpuid(e, &n, MAX, &caps);
	cr_expect_neq(leaf(1, 0)->ecx & (1u << 24), 0);
	caps.tsc_deadline = false;
	cpu_model_cpuid(e, &n, MAX, &caps);
	cr_expect_eq(leaf(1, 0)->ecx & (1u << 24), 0);
}

Test(cpu_model, no_host_topology)
{
	struct cpu_caps caps = { 0 };

	host_like();
	cpu_model_cpuid(e, &n, MAX, &caps);
	cr_expect_eq(leaf(4, 0)->eax, 0x121, "leaf 4: one core, cache not shared");
	cr_expect_eq(leaf(0xb, 0)->eax, 0);
	cr_expect_eq(leaf(0xb, 0)->ebx, 1);
	cr_expect_eq(leaf(0xb, 0)->ecx, 0x100, "SMT level, subleaf 0");
	cr_expect_eq(leaf(0xb, 1)->ebx, 1);
	cr_expect_eq(leaf(0xb, 1)->ecx, 0x201, "core level, subleaf 1");
	cr_expect_eq(leaf(0xb, 2)->ebx, 0);
	cr_expect_eq(leaf(0xb, 2)->ecx, 2, "subleaf 2 invalid");
	for (uint32_t i = 0; i < 3; i++)
		cr_expect_eq(leaf(0xb, i)->edx, 0, "x2APIC ID 0");
	cr_expect_eq(leaf(0x80000001, 0)->ecx & 2, 0, "CmpLegacy off");
	cr_expect_eq(leaf(0x80000001, 0)->ecx, 0x75c237fd);
	cr_expect_eq(leaf(0x80000008, 0)->ecx, 0, "NC and ApicIdSize 0");
	cr_expect_eq(leaf(0x80000008, 0)->eax, 0x3030, "address sizes kept");
	cr_expect_eq(leaf(0x8000001d, 0)->eax, 0x121);
	cr_expect_eq(leaf(0x8000001e, 0)->eax, 0);
	cr_expect_eq(leaf(0x8000001e, 0)->ebx, 0);
	cr_expect_eq(leaf(0x8000001e, 0)->ecx, 0);
}

Test(cpu_model, adds_kvm_leaves_when_missing)
{
	struct cpu_caps caps = { 0 };
	char sig[13] = { 0 };

	host_like();
	cpu_model_cpuid(e, &n, MAX, &caps);
	cr_assert_eq(n, 11);
	memcpy(sig, &leaf(KVM_CPUID_SIGNATURE, 0)->ebx, 4);
	memcpy(sig + 4, &leaf(KVM_CPUID_SIGNATURE, 0)->ecx, 4);
	memcpy(sig + 8, &leaf(KVM_CPUID_SIGNATURE, 0)->edx, 4);
	cr_expect_str_eq(sig, "KVMKVMKVM");
	cr_expect_eq(leaf(KVM_CPUID_SIGNATURE, 0)->eax, KVM_CPUID_FEATURES);
	uint32_t f = leaf(KVM_CPUID_FEATURES, 0)->eax;
	cr_expect_neq(f & (1u << KVM_FEATURE_CLOCKSOURCE2), 0);
	cr_expect_neq(f & (1u << KVM_FEATURE_NOP_IO_DELAY), 0);
	cr_expect_neq(f & (1u << KVM_FEATURE_CLOCKSOURCE_STABLE_BIT), 0);
}

Test(cpu_model, keeps_kvm_features_and_drops_hints)
{
	struct cpu_caps caps = { 0 };

	host_like();
	add(KVM_CPUID_SIGNATURE, 0, 0x40000001, 0x4b4d564b, 0x564b4d56, 0x4d);
	add(KVM_CPUID_FEATURES, 0, 1u << KVM_FEATURE_PV_UNHALT, 0, 0, 1u << KVM_HINTS_REALTIME);
	cpu_model_cpuid(e, &n, MAX, &caps);
	cr_expect_eq(n, 11, "nothing added twice");
	cr_expect_neq(leaf(KVM_CPUID_FEATURES, 0)->eax & (1u << KVM_FEATURE_PV_UNHALT), 0);
	cr_expect_neq(leaf(KVM_CPUID_FEATURES, 0)->eax & (1u << KVM_FEATURE_NOP_IO_DELAY), 0);
	cr_expect_eq(leaf(KVM_CPUID_FEATURES, 0)->edx, 0);
}

Test(cpu_model, full_list_is_never_overrun)
{
	struct cpu_caps caps = { 0 };
	uint32_t cap;

	host_like();
	cap = n;
	cpu_model_cpuid(e, &n, cap, &caps);
	cr_expect_eq(n, cap, "no room: nothing added");
	n = MAX + 5; /* a count above the room is clamped */
	cpu_model_cpuid(e, &n, MAX, &caps);
	cr_expect_eq(n, MAX);
}

Test(cpu_model, msr_table)
{
	bool misc = false, mtrr = false;

	cr_assert_leq(cpu_model_nmsrs, CPU_MODEL_MAX_MSRS);
	for (unsigned i = 0; i < cpu_model_nmsrs; i++) {
		if (cpu_model_msrs[i].index == 0x1a0) {
			misc = true;
			cr_expect_eq(cpu_model_msrs[i].value & 1, 1, "fast strings");
		}
		if (cpu_model_msrs[i].index == 0x2ff) {
			mtrr = true;
			cr_expect_eq(cpu_model_msrs[i].value, 0x806, "MTRRs on, default WB");
		}
	}
	cr_expect(misc && mtrr);
}
