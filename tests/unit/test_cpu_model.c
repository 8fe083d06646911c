/* test_cpu_model.c: CPUID edits (topology, hypervisor, TSC-deadline, KVM leaves) and the MSR table. */
#include <asm/kvm_para.h>
#include <criterion/criterion.h>
#include <string.h>

#include "vmm/cpu_model.h"

#define MAX 32

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

/* A 4-level cache host, Intel or AMD, as KVM lists it: leaf 0 vendor, leaf 4
 * L1d, L1i, L2, L3 and the terminating null subleaf, 0xB and 0x1F with three
 * subleaves, and AMD's extended leaves. */
static void machine_like(const char *vendor)
{
	struct cpuid_leaf *l0;

	host_like(); /* leaf 4.0 there is the L1d: 2 threads, 8 cores */
	leaf(0x80000008, 0)->ecx = 0x1700f; /* PerfTscSize 1, ApicIdSize 7, NC 15 */
	add(0, 0, 0x10, 0, 0, 0);
	l0 = leaf(0, 0);
	memcpy(&l0->ebx, vendor, 4);
	memcpy(&l0->edx, vendor + 4, 4);
	memcpy(&l0->ecx, vendor + 8, 4);
	add(4, 1, 0x1c004122, 0, 0, 0);
	add(4, 2, 0x1c004143, 0, 0, 0);
	add(4, 3, 0x1c03c163, 0, 0, 0); /* L3: 16 threads */
	add(4, 4, 0, 0, 0, 0);
	add(0x1f, 0, 1, 2, 0x100, 7);
	add(0x1f, 1, 4, 16, 0x201, 7);
	add(0x1f, 2, 0, 0, 2, 7);
	add(0x8000001d, 1, 0x4143, 0, 0, 0);
	add(0x8000001d, 2, 0x3c163, 0, 0, 0);
}

/* Expected values for N vCPUs: APIC ID bits of the core field, leaf 1's
 * logical count (8 bits), leaf 4's cores - 1 (6 bits), both saturated. */
struct shape {
	unsigned ncpus, bits, logical, cores;
};

static const struct shape shapes[] = {
	{ 1, 0, 1, 0 },	   { 2, 1, 2, 1 },     { 3, 2, 4, 3 },
	{ 4, 2, 4, 3 },	   { 64, 6, 64, 63 },  { 255, 8, 255, 63 },
};

static void run(const char *vendor, unsigned ncpus, unsigned idx)
{
	struct cpu_caps caps = { .cpu_index = idx, .ncpus = ncpus };

	machine_like(vendor);
	cpu_model_cpuid(e, &n, MAX, &caps);
}

static void check_leaf1(const struct shape *s, unsigned idx)
{
	const struct cpuid_leaf *l = leaf(1, 0);

	cr_expect_eq(l->ebx >> 24, idx, "N=%u cpu %u: initial APIC ID", s->ncpus, idx);
	cr_expect_eq((l->ebx >> 16) & 0xff, s->logical, "N=%u: logical IDs", s->ncpus);
	cr_expect_eq(l->ebx & 0xffff, 0x0800, "brand/CLFLUSH fields kept");
	cr_expect_eq(!!(l->edx & (1u << 28)), s->ncpus > 1, "N=%u: HTT", s->ncpus);
	cr_expect_eq(l->edx & ~(1u << 28), 0x178bfbffu & ~(1u << 28), "other EDX bits kept");
	cr_expect_neq(l->ecx & (1u << 31), 0, "hypervisor bit");
}

/* L1d, L1i and L2 private to the core; the last level, L3, shared by the package. */
static void check_leaf4(const struct shape *s)
{
	static const uint32_t host[] = { 0x1c004121, 0x1c004122, 0x1c004143, 0x1c03c163 };

	for (uint32_t i = 0; i < 4; i++) {
		uint32_t eax = leaf(4, i)->eax;
		uint32_t share = i == 3 ? (1u << s->bits) - 1 : 0;

		cr_expect_eq(eax >> 26, s->cores, "N=%u leaf 4.%u: cores - 1", s->ncpus, i);
		cr_expect_eq((eax >> 14) & 0xfff, share, "N=%u leaf 4.%u: sharing", s->ncpus, i);
		cr_expect_eq(eax & 0x3fff, host[i] & 0x3fff, "leaf 4.%u: type, level kept", i);
	}
	cr_expect_eq(leaf(4, 4)->eax, 0, "null subleaf stays null");
}

static void check_x2apic(uint32_t fn, const struct shape *s, unsigned idx)
{
	cr_expect_eq(leaf(fn, 0)->eax, 0, "%#x.0: SMT shift", fn);
	cr_expect_eq(leaf(fn, 0)->ebx, 1, "%#x.0: one thread", fn);
	cr_expect_eq(leaf(fn, 0)->ecx, 0x100, "%#x.0: SMT level", fn);
	cr_expect_eq(leaf(fn, 1)->eax, s->bits, "N=%u %#x.1: core shift", s->ncpus, fn);
	cr_expect_eq(leaf(fn, 1)->ebx, s->ncpus, "N=%u %#x.1: processors", s->ncpus, fn);
	cr_expect_eq(leaf(fn, 1)->ecx, 0x201, "%#x.1: core level", fn);
	cr_expect_eq(leaf(fn, 2)->eax, 0);
	cr_expect_eq(leaf(fn, 2)->ebx, 0);
	cr_expect_eq(leaf(fn, 2)->ecx, 2, "%#x.2: invalid", fn);
	for (uint32_t i = 0; i < 3; i++)
		cr_expect_eq(leaf(fn, i)->edx, idx, "N=%u %#x.%u: x2APIC ID", s->ncpus, fn, i);
}

static void check_amd(const struct shape *s, unsigned idx)
{
	uint32_t ecx8 = leaf(0x80000008, 0)->ecx;

	cr_expect_eq(!!(leaf(0x80000001, 0)->ecx & 2), s->ncpus > 1, "N=%u: CmpLegacy", s->ncpus);
	cr_expect_eq(leaf(0x80000001, 0)->ecx & ~2u, 0x75c237fd, "other ECX bits kept");
	cr_expect_eq(ecx8 & 0xff, s->ncpus - 1, "N=%u: NC", s->ncpus);
	cr_expect_eq((ecx8 >> 12) & 0xf, s->bits, "N=%u: ApicIdSize", s->ncpus);
	cr_expect_eq(ecx8 & ~0xf0ffu, 0x10000, "PerfTscSize kept");
	cr_expect_eq(leaf(0x80000008, 0)->eax, 0x3030, "address sizes kept");
	cr_expect_eq(leaf(0x8000001d, 0)->eax, 0x121, "L1 private");
	cr_expect_eq(leaf(0x8000001d, 1)->eax, 0x143, "L2 private");
	cr_expect_eq(leaf(0x8000001d, 2)->eax, 0x163 | (((1u << s->bits) - 1) << 14), "L3 shared");
	cr_expect_eq(leaf(0x8000001e, 0)->eax, idx, "extended APIC ID");
	cr_expect_eq(leaf(0x8000001e, 0)->ebx, idx, "core ID, one thread per core");
	cr_expect_eq(leaf(0x8000001e, 0)->ecx, 0, "node 0 of 1");
}

Test(cpu_model, topology_intel_vendor)
{
	for (size_t k = 0; k < sizeof(shapes) / sizeof(shapes[0]); k++) {
		const struct shape *s = &shapes[k];
		unsigned idxs[] = { 0, s->ncpus / 2, s->ncpus - 1 };

		for (size_t j = 0; j < 3; j++) {
			run("GenuineIntel", s->ncpus, idxs[j]);
			check_leaf1(s, idxs[j]);
			check_leaf4(s);
			check_x2apic(0xb, s, idxs[j]);
			check_x2apic(0x1f, s, idxs[j]);
			cr_expect_eq(leaf(0x80000001, 0)->ecx & 2, 0, "CmpLegacy: reserved on Intel");
			cr_expect_eq(leaf(0x80000008, 0)->ecx, 0x10000, "NC, ApicIdSize: reserved on Intel");
		}
	}
}

Test(cpu_model, topology_amd_vendor)
{
	for (size_t k = 0; k < sizeof(shapes) / sizeof(shapes[0]); k++) {
		const struct shape *s = &shapes[k];
		unsigned idxs[] = { 0, s->ncpus / 2, s->ncpus - 1 };

		for (size_t j = 0; j < 3; j++) {
			run("AuthenticAMD", s->ncpus, idxs[j]);
			check_leaf1(s, idxs[j]);
			check_x2apic(0xb, s, idxs[j]);
			check_amd(s, idxs[j]);
		}
	}
}

Test(cpu_model, hygon_counts_as_amd)
{
	run("HygonGenuine", 4, 3);
	check_amd(&shapes[3], 3);
}

Test(cpu_model, zero_cpus_is_one)
{
	static const char *vendors[] = { "GenuineIntel", "AuthenticAMD" };
	struct cpuid_leaf one[MAX];
	uint32_t n_one;

	for (size_t v = 0; v < 2; v++) {
		run(vendors[v], 1, 0);
		memcpy(one, e, sizeof(e));
		n_one = n;
		run(vendors[v], 0, 0);
		cr_expect_eq(n, n_one);
		cr_expect_arr_eq(e, one, sizeof(e), "%s: ncpus 0 == ncpus 1", vendors[v]);
		check_amd(&shapes[0], 0); /* and 1 is what vmm gave its one vCPU */
	}
}

/* Without an L3, the L2 is the last level and is the one shared. */
Test(cpu_model, last_level_is_the_highest_listed)
{
	struct cpu_caps caps = { .cpu_index = 1, .ncpus = 4 };

	machine_like("GenuineIntel");
	leaf(4, 3)->eax = 0; /* L3 gone: its subleaf is the null one */
	cpu_model_cpuid(e, &n, MAX, &caps);
	cr_expect_eq((leaf(4, 0)->eax >> 14) & 0xfff, 0, "L1d private");
	cr_expect_eq((leaf(4, 2)->eax >> 14) & 0xfff, 3, "L2 shared by the 4 cores");
	cr_expect_eq(leaf(4, 3)->eax, 0);
}

/* Two vCPUs of one machine differ only in their APIC IDs. */
Test(cpu_model, vcpus_differ_only_in_apic_id)
{
	struct cpuid_leaf first[MAX];

	run("AuthenticAMD", 8, 0);
	memcpy(first, e, sizeof(e));
	run("AuthenticAMD", 8, 5);
	for (uint32_t i = 0; i < n; i++) {
		struct cpuid_leaf a = first[i], b = e[i];

		if (a.function == 1)
			a.ebx ^= 5u << 24;
		if (a.function == 0xb || a.function == 0x1f)
			a.edx ^= 5;
		if (a.function == 0x8000001e) {
			a.eax ^= 5;
			a.ebx ^= 5;
		}
		cr_expect_arr_eq(&a, &b, sizeof(a), "leaf %#x.%u", a.function, a.index);
	}
}

Test(cpu_model, hyperv_interface_never_shown)
{
	host_like();
	cpu_model_cpuid(e, &n, MAX, &(struct cpu_caps){ .ncpus = 1 });
	cr_assert_not(cpu_model_shows_hyperv(e, n), "KVM's leaves at 0x40000001, not Hyper-V's");
	leaf(0x40000001, 0)->eax = 0x31237648; /* "Hv#1" */
	cr_assert(cpu_model_shows_hyperv(e, n));
	cr_assert_not(cpu_model_shows_hyperv(e, 0));
}
