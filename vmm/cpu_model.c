/* cpu_model.c: the CPUID leaves and MSR values vmm gives its vCPUs: pure edits of KVM's lists. */
#include "vmm/cpu_model.h"

#include <asm/kvm_para.h>
#include <string.h>

/* CPUID leaf 0: the vendor in EBX, EDX, ECX (SDM Vol. 2A, CPUID, Table 3-8;
 * APM Vol. 3, Appendix E, Fn0000_0000). Hygon's CPUs are AMD's design and
 * Linux reads their topology the AMD way. */
#define VENDOR_AMD "AuthenticAMD"
#define VENDOR_HYGON "HygonGenuine"
#define VENDOR_LEN 12
/* CPUID leaf 1 (SDM Vol. 2A, CPUID, Table 3-8 and 3-10). */
#define LEAF1_EBX_APIC_ID_MASK (0xffu << 24) /* initial APIC ID */
#define LEAF1_EBX_LOGICAL_MASK (0xffu << 16) /* addressable logical processor IDs per package */
#define LEAF1_ECX_TSC_DEADLINE (1u << 24)
#define LEAF1_ECX_HYPERVISOR (1u << 31)
#define LEAF1_EDX_HTT (1u << 28) /* EBX[23:16] is valid */
/* Hyper-V TLFS §2.4.2: leaf 0x40000001's EAX is "Hv#1" where the Hyper-V interface is offered
 * (the leaf where KVM's own interface puts its feature bits). */
#define HYPERV_CPUID_INTERFACE 0x40000001
#define HYPERV_INTERFACE_SIGNATURE 0x31237648
/* Leaf 4 (Intel) and 0x8000001D (AMD, APM Vol. 3, Appendix E): cache
 * parameters, EAX[4:0] type (0: no more caches), EAX[7:5] level, EAX[25:14]
 * addressable IDs of the logical processors sharing the cache - 1, EAX[31:26]
 * addressable core IDs per package - 1 (leaf 4 only). */
#define CACHE_EAX_TYPE_MASK 0x1fu
#define CACHE_EAX_LEVEL_MASK (0x7u << 5)
#define CACHE_EAX_SHARING_MASK (0xfffu << 14)
#define LEAF4_EAX_CORES_MASK (0x3fu << 26)
/* Leaves 0xB and 0x1F: x2APIC topology (SDM Vol. 2A, CPUID leaf 0BH and
 * 1FH). EAX[4:0] the APIC ID shift to the next level, EBX[15:0] logical
 * processors at this level, ECX[15:8] level type (1 SMT, 2 core, 0 invalid),
 * ECX[7:0] the subleaf, EDX the x2APIC ID. */
#define TOPO_EAX_SHIFT_MASK 0x1fu
#define TOPO_EBX_COUNT_MASK 0xffffu
#define TOPO_ECX_TYPE_MASK (0xffu << 8)
#define TOPO_ECX_LEVEL_MASK 0xffu
#define TOPO_LEVEL_INVALID 0u
#define TOPO_LEVEL_SMT 1u
#define TOPO_LEVEL_CORE 2u
/* AMD (APM Vol. 3, Appendix E): Fn8000_0001 ECX[1] CmpLegacy (the cores of
 * leaf 1's logical count are not threads); Fn8000_0008 ECX[7:0] NC, cores -
 * 1, and ECX[15:12] ApicIdSize, the core bits of the APIC ID; Fn8000_001E
 * EAX extended APIC ID, EBX[7:0] core ID, EBX[15:8] threads per core - 1,
 * ECX[7:0] node ID, ECX[10:8] nodes per processor - 1. Intel reserves all of
 * these (SDM Vol. 2A, CPUID leaf 80000001H and 80000008H), so they are set
 * only for AMD's vendors, as QEMU and cloud-hypervisor do. */
#define EXT1_ECX_CMP_LEGACY (1u << 1)
#define EXT8_ECX_NC_MASK 0xffu
#define EXT8_ECX_APIC_ID_SIZE_MASK (0xfu << 12)
#define EXT1E_EBX_CORE_ID_MASK 0xffu

/*
 * The machine the leaves describe: one package of `ncpus` cores, one thread
 * each, APIC ID = vCPU index. An APIC ID then has an empty SMT field and a
 * core field of core_bits = ceil(log2(ncpus)) bits, and the package reserves
 * 1 << core_bits IDs (SDM Vol. 3A, "Hierarchical Mapping of Shared
 * Resources"; APM Vol. 3, Appendix E, "Multiple Processor Calculation").
 */
struct topo {
	uint32_t apic_id, ncpus, core_bits;
	uint64_t ids;        /* 1 << core_bits */
	bool amd;            /* AMD's topology fields are defined */
	uint32_t llc4, llcx; /* last cache level listed in leaf 4, 0x8000001D */
};

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

/* `v` placed in the register field `mask`, saturated at the field's
 * maximum (QEMU does the same for 255 CPUs in leaf 1 and leaf 4). */
static uint32_t field(uint64_t v, uint32_t mask)
{
	unsigned shift = (unsigned)__builtin_ctz(mask);
	uint64_t max = mask >> shift;

	return (uint32_t)((v < max ? v : max) << shift);
}

/* The register field `mask` of `reg`, shifted down. */
static uint32_t field_of(uint32_t reg, uint32_t mask)
{
	return (reg & mask) >> __builtin_ctz(mask);
}

static void set_bit(uint32_t *reg, uint32_t bit, bool on)
{
	if (on)
		*reg |= bit;
	else
		*reg &= ~bit;
}

static void leaf1(struct cpuid_leaf *e, const struct cpu_caps *caps, const struct topo *t)
{
	e->ebx = (e->ebx & ~(LEAF1_EBX_APIC_ID_MASK | LEAF1_EBX_LOGICAL_MASK)) |
		 field(t->apic_id, LEAF1_EBX_APIC_ID_MASK) |
		 field(t->ids, LEAF1_EBX_LOGICAL_MASK);
	set_bit(&e->edx, LEAF1_EDX_HTT, t->ncpus > 1);
	e->ecx |= LEAF1_ECX_HYPERVISOR;
	set_bit(&e->ecx, LEAF1_ECX_TSC_DEADLINE, caps->tsc_deadline);
}

/*
 * Leaf 4 or 0x8000001D subleaf. Each core has its own L1 and L2 (one thread:
 * shared by no one else), and the last level `llc` is shared by the whole
 * package, as QEMU (l3-cache=on, its default since 2.8), Firecracker and
 * cloud-hypervisor present it. Linux builds its LLC scheduling domain from
 * this field (cacheinfo: llc_id = the APIC ID less its low log2(sharing)
 * bits): with a private LLC every wakeup of a task on another vCPU becomes
 * a reschedule IPI (ttwu_queue_cond(): !cpus_share_cache()), which a vCPU
 * pays for in VM exits, and select_idle_sibling() never looks at the other
 * vCPUs. The count is the package's 1 << core_bits IDs, as in EAX[31:26].
 */
static void cache_leaf(struct cpuid_leaf *e, uint32_t llc, const struct topo *t)
{
	bool valid = (e->eax & CACHE_EAX_TYPE_MASK) != 0;
	bool last = valid && field_of(e->eax, CACHE_EAX_LEVEL_MASK) == llc;

	e->eax &= ~CACHE_EAX_SHARING_MASK;
	if (last)
		e->eax |= field(t->ids - 1, CACHE_EAX_SHARING_MASK);
	if (e->function != 4)
		return;
	e->eax &= ~LEAF4_EAX_CORES_MASK;
	if (valid)
		e->eax |= field(t->ids - 1, LEAF4_EAX_CORES_MASK);
}

static void topo_level(struct cpuid_leaf *e, uint32_t shift, uint32_t count, uint32_t type)
{
	e->eax = field(shift, TOPO_EAX_SHIFT_MASK);
	e->ebx = field(count, TOPO_EBX_COUNT_MASK);
	e->ecx = field(type, TOPO_ECX_TYPE_MASK) | field(e->index, TOPO_ECX_LEVEL_MASK);
}

/* Subleaf 0 the SMT level (one thread, shift 0), 1 the core level (all
 * vCPUs, shift core_bits), the rest invalid; the x2APIC ID everywhere. Real
 * CPUs may list more levels in 0x1F (module, die); one package needs none. */
static void x2apic_topology(struct cpuid_leaf *e, const struct topo *t)
{
	e->edx = t->apic_id;
	if (e->index == 0)
		topo_level(e, 0, 1, TOPO_LEVEL_SMT);
	else if (e->index == 1)
		topo_level(e, t->core_bits, t->ncpus, TOPO_LEVEL_CORE);
	else
		topo_level(e, 0, 0, TOPO_LEVEL_INVALID);
}

static void amd_core_count(struct cpuid_leaf *e, const struct topo *t)
{
	e->ecx &= ~(EXT8_ECX_NC_MASK | EXT8_ECX_APIC_ID_SIZE_MASK);
	if (t->amd)
		e->ecx |= field(t->ncpus - 1, EXT8_ECX_NC_MASK) |
			  field(t->core_bits, EXT8_ECX_APIC_ID_SIZE_MASK);
}

/* One thread per core, so the core ID is the APIC ID; node 0 of one. */
static void amd_apic_ids(struct cpuid_leaf *e, const struct topo *t)
{
	e->eax = t->apic_id;
	e->ebx = field(t->apic_id, EXT1E_EBX_CORE_ID_MASK);
	e->ecx = 0;
}

static void kvm_features(struct cpuid_leaf *e)
{
	e->eax |= KVM_BASE_FEATURES;
	e->edx = 0; /* no hints: KVM_HINTS_REALTIME would promise a pinned vCPU */
}

static void edit(struct cpuid_leaf *e, const struct cpu_caps *caps, const struct topo *t)
{
	switch (e->function) {
	case 1:
		leaf1(e, caps, t);
		break;
	case 4:
		cache_leaf(e, t->llc4, t);
		break;
	case 0xb:
	case 0x1f:
		x2apic_topology(e, t);
		break;
	case 0x80000001:
		set_bit(&e->ecx, EXT1_ECX_CMP_LEGACY, t->amd && t->ncpus > 1);
		break;
	case 0x80000008:
		amd_core_count(e, t);
		break;
	case 0x8000001d:
		cache_leaf(e, t->llcx, t);
		break;
	case 0x8000001e:
		amd_apic_ids(e, t);
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

static const struct cpuid_leaf *find(const struct cpuid_leaf *e, uint32_t n, uint32_t fn)
{
	for (uint32_t i = 0; i < n; i++)
		if (e[i].function == fn)
			return &e[i];
	return NULL;
}

/* The highest level among the caches leaf `fn` lists (0 if none). */
static uint32_t last_cache_level(const struct cpuid_leaf *e, uint32_t n, uint32_t fn)
{
	uint32_t llc = 0;

	for (uint32_t i = 0; i < n; i++) {
		uint32_t level = field_of(e[i].eax, CACHE_EAX_LEVEL_MASK);

		if (e[i].function == fn && field_of(e[i].eax, CACHE_EAX_TYPE_MASK) && level > llc)
			llc = level;
	}
	return llc;
}

static bool amd_vendor(const struct cpuid_leaf *leaf0)
{
	uint32_t id[3];

	if (!leaf0)
		return false;
	id[0] = leaf0->ebx;
	id[1] = leaf0->edx;
	id[2] = leaf0->ecx;
	return !memcmp(id, VENDOR_AMD, VENDOR_LEN) || !memcmp(id, VENDOR_HYGON, VENDOR_LEN);
}

static struct topo topo_scan(const struct cpuid_leaf *e, uint32_t n, const struct cpu_caps *caps)
{
	struct topo t = { .apic_id = caps->cpu_index, .ncpus = caps->ncpus ? caps->ncpus : 1 };

	/* ceil(log2(ncpus)): the bit width of the highest APIC ID, ncpus - 1. */
	t.core_bits = t.ncpus > 1 ? 32 - (uint32_t)__builtin_clz(t.ncpus - 1) : 0;
	t.ids = 1ull << t.core_bits;
	t.amd = amd_vendor(find(e, n, 0));
	t.llc4 = last_cache_level(e, n, 4);
	t.llcx = last_cache_level(e, n, 0x8000001d);
	return t;
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

bool cpu_model_shows_hyperv(const struct cpuid_leaf *e, uint32_t n)
{
	const struct cpuid_leaf *l = find(e, n, HYPERV_CPUID_INTERFACE);

	return l && l->eax == HYPERV_INTERFACE_SIGNATURE;
}

void cpu_model_cpuid(struct cpuid_leaf *e, uint32_t *nent, uint32_t max,
		     const struct cpu_caps *caps)
{
	struct topo t;

	if (*nent > max)
		*nent = max;
	add_kvm_leaves(e, nent, max);
	t = topo_scan(e, *nent, caps);
	for (uint32_t i = 0; i < *nent; i++)
		edit(&e[i], caps, &t);
}
