/* host_quirk.h: entry states a known host bug cannot survive: refused there, by name, before KVM sees them. */
#ifndef VMM_HOST_QUIRK_H
#define VMM_HOST_QUIRK_H

#include <stdbool.h>

#include "vmm/boot.h"

/* Which host vmm runs on, as far as its known bugs go. */
struct host_quirks {
	bool qemu_tcg; /* a QEMU TCG guest: CPUID 0x40000000 says "TCGTCGTCGTCG" */
};

/* The host's quirks, from CPUID (the hypervisor bit, then leaf 0x40000000's signature). */
struct host_quirks host_quirks_detect(void);
/* Whether a hypervisor signature (CPUID 0x40000000 EBX, ECX, EDX) is QEMU TCG's. */
bool host_quirks_is_tcg(const char sig[12]);
/*
 * NULL if the vCPU state `s` is safe on host `h`, else why not, in one line. On QEMU TCG's
 * nested SVM (QEMU 7.2), a state with EFER.LME set and CR0.PG clear never gives the host its
 * CPU back: the host kernel (L1) is left running with paging off (README "Machines without KVM").
 */
const char *host_quirks_refuse(const struct host_quirks *h, const struct boot_cpu *s);

#endif
