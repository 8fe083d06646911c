/* cpu_model.c: the CPUID leaves and MSR values vmm gives its one vCPU: pure edits of KVM's lists. */
#include "vmm/cpu_model.h"

#include <asm/kvm_para.h>
#include <string.h>

/* CPUID leaf 1 (SDM Vol. 2A, CPUID, Table 3-8 and 3-10). */
#define LEAF1_EBX_APIC_ID_MASK (0xffu << 24)   /* initial APIC ID */
#define LEAF1_EBX_LOGICAL_MASK (0xffu << 16)   /* logical processors per package */
#define LEAF1_EBX_LOGICAL_ONE (1u << 16)
#define LEAF1_ECX_TSC_DEADLINE (1u << 24)
#define LEAF1_ECX_HYPERVISOR (1u << 31)
#define LEAF1_EDX_HTT (1u << 28)
/* Leaf 4 (Intel) and 0x8000001D (AMD): cache parameters, EAX[25:14] threads
 * sharing the cache - 1, EAX[31:26] cores per package - 1 (leaf 4 only). */
#define CACHE_EAX_SHARING_MASK (0xfffu << 14)
#define LEAF4_EAX_CORES_MASK (0x3fu << 26)
/* Leaves 0xB and 0x1F: x2APIC topology (SDM Vol. 2A, CPUID leaf 0BH).
 * ECX[15:8] level type: 1 SMT, 2 core, 0 invalid; ECX[7:0] the subleaf. */
#define TOPO_LEVEL_SMT 1u
#define TOPO_LEVEL_CORE 2u
/* AMD (APM Vol. 3, Appendix E): 0x80000001 ECX[1] CmpLegacy; 0x80000008
 * ECX[7:0] cores - 1 and ECX[15:12] ApicIdSize; 0x8000001E extended APIC
 * ID, core and node identifiers. */
#define EXT1_ECX_CMP_LEGACY (1u << 1)
#define EXT8_ECX_TOPOLOGY_MASK 0xf0ffu

/* KVM's paravirt features (api.rst "KVM CPUID bits", cpuid.rst): the clocks
 * and no I/O delay (Linux skips its port 0x80 writes, one exit each). */
#define KVM_BASE_FEATURES                                                          \
	((1u << KVM_FEATURE_CLOCKSOURCE) | (1u << KVM_FEATURE_NOP_IO_DELAY) |     \
	 (1u << KVM_FEATURE_CLOCKSOURCE2) | (1u << KVM_FEATURE_CLOCKSOURCE_STABLE_BIT))

/* MSR indices (SDM Vol. 4, Table 2-2) and values. */
#define MSR_IA32_MISC_ENABLE 0x1a0
#define MISC_ENABLE_FAST_STRINGS (1ull << 0)
#define MSR_MTRR_DEF_TYPE 0x2ff
#define MTRR_DEF_TYPE_ENABLE (1ull << 11) /* E: MTRRs on (SDM Vol. 3A §12.11.2.1) */
#define MTRR_TYPE_WRBACK 6ull

const struct cpu_msr cpu_model_msrs[] = {
	/* Fast-string REP MOVS/STOS, as firmware leaves it on every real CPU. */
	{ MSR_IA32_MISC_ENABLE, MISC_ENABLE_FAST_STRINGS },
	/* All memory write-back unless a variable range says otherwise (there is
	 * none): what firmware sets up, and what Linux expects of RAM. */
	{ MSR_MTRR_DEF_TYPE, MTRR_DEF_TYPE_ENABLE | MTRR_TYPE_WRBACK },
};
const unsigned cpu_model_nmsrs = sizeof(cpu_model_msrs) / sizeof(cpu_model_msrs[0]);

static void leaf1(struct cpuid_leaf *e, const struct cpu_caps *caps)
{
	e->ebx = (e->ebx & ~(LEAF1_EBX_APIC_ID_MASK | LEAF1_EBX_LOGICAL_MASK)) |
		 LEAF1_EBX_LOGICAL_ONE;
	e->edx &= ~LEAF1_EDX_HTT;
	e->ecx |= LEAF1_ECX_HYPERVISOR;
	if (caps->tsc_deadline)
		e->ecx |= LEAF1_ECX_TSC_DEADLINE;
	else
		e->ecx &= ~LEAF1_ECX_TSC_DEADLINE;
}

/* One thread, one core: subleaf 0 the SMT level, 1 the core level, each with
 * one processor and a zero shift; the rest invalid; x2APIC ID 0 everywhere. */
static void x2apic_topology(struct cpuid_leaf *e)
{
	e->eax = 0;
	e->edx = 0;
	if (e->index == 0 || e->index == 1) {
		e->ebx = 1;
		e->ecx = ((e->index ? TOPO_LEVEL_CORE : TOPO_LEVEL_SMT) << 8) | e->index;
	} else {
		e->ebx = 0;
		e->ecx = e->index & 0xff;
	}
}

static void kvm_features(struct cpuid_leaf *e)
{
	e->eax |= KVM_BASE_FEATURES;
	e->edx = 0; /* no hints: KVM_HINTS_REALTIME would promise a pinned vCPU */
}

static void edit(struct cpuid_leaf *e, const struct cpu_caps *caps)
{
	switch (e->function) {
	case 1:
		leaf1(e, caps);
		break;
	case 4:
		e->eax &= ~(CACHE_EAX_SHARING_MASK | LEAF4_EAX_CORES_MASK);
		break;
	case 0xb:
	case 0x1f:
		x2apic_topology(e);
		break;
	case 0x80000001:
		e->ecx &= ~EXT1_ECX_CMP_LEGACY;
		break;
	case 0x80000008:
		e->ecx &= ~EXT8_ECX_TOPOLOGY_MASK;
		break;
	case 0x8000001d:
		e->eax &= ~CACHE_EAX_SHARING_MASK;
		break;
	case 0x8000001e:
		e->eax = e->ebx = e->ecx = 0;
		break;
	case KVM_CPUID_SIGNATURE:
		if (e->eax < KVM_CPUID_FEATURES)
			e->eax = KVM_CPUID_FEATURES;
		break;
	case KVM_CPUID_FEATURES:
		kvm_features(e);
		break;
	}
}

static struct cpuid_leaf *find(struct cpuid_leaf *e, uint32_t n, uint32_t fn)
{
	for (uint32_t i = 0; i < n; i++)
		if (e[i].function == fn)
			return &e[i];
	return NULL;
}

/* "KVMKVMKVM\0\0\0" in EBX, ECX, EDX (cpuid.rst). */
static void add_kvm_leaves(struct cpuid_leaf *e, uint32_t *nent, uint32_t max)
{
	static const char sig[12] = "KVMKVMKVM\0\0";
	struct cpuid_leaf s = { .function = KVM_CPUID_SIGNATURE, .eax = KVM_CPUID_FEATURES };
	struct cpuid_leaf f = { .function = KVM_CPUID_FEATURES, .eax = KVM_BASE_FEATURES };

	memcpy(&s.ebx, sig, 4);
	memcpy(&s.ecx, sig + 4, 4);
	memcpy(&s.edx, sig + 8, 4);
	if (!find(e, *nent, KVM_CPUID_SIGNATURE) && *nent < max)
		e[(*nent)++] = s;
	if (!find(e, *nent, KVM_CPUID_FEATURES) && *nent < max)
		e[(*nent)++] = f;
}

void cpu_model_cpuid(struct cpuid_leaf *e, uint32_t *nent, uint32_t max,
		     const struct cpu_caps *caps)
{
	if (*nent > max)
		*nent = max;
	add_kvm_leaves(e, nent, max);
	for (uint32_t i = 0; i < *nent; i++)
		edit(&e[i], caps);
}
