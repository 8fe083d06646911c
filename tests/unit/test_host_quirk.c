/* test_host_quirk.c: QEMU TCG's signature, and the one state its nested SVM cannot survive refused there only. */
#include <criterion/criterion.h>

#include "vmm/host_quirk.h"

Test(host_quirk, tcg_signature)
{
	cr_expect(host_quirks_is_tcg("TCGTCGTCGTCG"));
	cr_expect_not(host_quirks_is_tcg("KVMKVMKVM\0\0\0"));
	cr_expect_not(host_quirks_is_tcg("Microsoft Hv"));
}

Test(host_quirk, lme_without_paging_refused_on_tcg_only)
{
	const struct host_quirks tcg = { .qemu_tcg = true }, other = { 0 };
	struct boot_cpu s = { .cr0 = X86_CR0_PE | X86_CR0_ET, .efer = X86_EFER_LME };

	cr_expect_not_null(host_quirks_refuse(&tcg, &s), "LME, paging off, on TCG");
	cr_expect_null(host_quirks_refuse(&other, &s), "elsewhere a state like any other");
	s.cr0 |= X86_CR0_PG;
	cr_expect_null(host_quirks_refuse(&tcg, &s), "long mode proper");
	s.cr0 &= ~X86_CR0_PG;
	s.efer = 0;
	cr_expect_null(host_quirks_refuse(&tcg, &s), "32-bit entry with paging off (the protocol)");
}
