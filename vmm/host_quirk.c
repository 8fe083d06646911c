/* host_quirk.c: the known host bug vmm steers around (QEMU TCG's nested SVM and EFER.LME without paging), detected by CPUID, the check pure. */
#include "vmm/host_quirk.h"

#include <cpuid.h>
#include <string.h>

#define CPUID_HYPERVISOR_BIT (1U << 31) /* CPUID.1:ECX[31] (SDM Vol. 2A, CPUID) */
#define CPUID_HYPERVISOR_LEAF 0x40000000 /* the hypervisor's signature in EBX, ECX, EDX */

bool host_quirks_is_tcg(const char sig[12])
{
	return memcmp(sig, "TCGTCGTCGTCG", 12) == 0; /* QEMU target/i386/cpu.c, TCG's signature */
}

struct host_quirks host_quirks_detect(void)
{
	struct host_quirks h = { 0 };
	unsigned a, b, c, d;
	char sig[12];

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & CPUID_HYPERVISOR_BIT))
		return h;
	__cpuid(CPUID_HYPERVISOR_LEAF, a, b, c, d);
	memcpy(sig, &b, 4);
	memcpy(sig + 4, &c, 4);
	memcpy(sig + 8, &d, 4);
	h.qemu_tcg = host_quirks_is_tcg(sig);
	return h;
}

const char *host_quirks_refuse(const struct host_quirks *h, const struct boot_cpu *s)
{
	if (h->qemu_tcg && (s->efer & X86_EFER_LME) && !(s->cr0 & X86_CR0_PG))
		return "EFER.LME with CR0.PG clear: on QEMU TCG's nested SVM the host never gets its "
		       "CPU back (it runs on with paging off); not run on this host";
	return NULL;
}
