/* sandbox_rules.c: libseccomp rule shapes as masked comparisons (libseccomp 2.5.4 joins two 64-bit LT/GE rules on one argument wrongly). */
#include "vmm/sandbox_rules.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "lib/pow2_blocks.h"
#include "mmu/err.h"

int sandbox_allow(scmp_filter_ctx ctx, int nr, unsigned n, const struct scmp_arg_cmp *args)
{
	int r = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, n, args);

	return r < 0 ? errf(r, "seccomp: rule for system call %d: %s", nr, strerror(-r)) : 0;
}

/* Allow `nr` where A0 is in [lo, hi] (and `also` holds, unless NULL): libseccomp
 * takes one comparison per argument and rule, so the range goes as aligned blocks,
 * one masked comparison each, matching exactly [lo, hi]. */
static int allow_a0_range(scmp_filter_ctx ctx, int nr, uint64_t lo, uint64_t hi,
			  const struct scmp_arg_cmp *also)
{
	struct pow2_block blocks[POW2_BLOCKS_MAX];
	unsigned n = pow2_blocks(lo, hi, blocks);
	int r = 0;

	for (unsigned i = 0; r == 0 && i < n; i++) {
		struct scmp_arg_cmp a[2] = { SCMP_A0(SCMP_CMP_MASKED_EQ, blocks[i].mask, blocks[i].base) };

		if (also)
			a[1] = *also;
		r = sandbox_allow(ctx, nr, also ? 2 : 1, a);
	}
	return r;
}

int sandbox_allow_fds(scmp_filter_ctx ctx, int nr, int lo, int hi, unsigned long a1)
{
	struct scmp_arg_cmp eq = SCMP_A1(SCMP_CMP_EQ, a1, 0);

	if (lo < 0 || hi < lo)
		return 0;
	return allow_a0_range(ctx, nr, (uint64_t)lo, (uint64_t)hi, a1 == SANDBOX_ANY_A1 ? NULL : &eq);
}

int sandbox_allow_own_signal(scmp_filter_ctx ctx, int sig)
{
	struct scmp_arg_cmp a[2] = { SCMP_A0(SCMP_CMP_EQ, (uint64_t)getpid(), 0),
				     SCMP_A2(SCMP_CMP_MASKED_EQ, SANDBOX_LOW32, (uint64_t)sig) };

	return sandbox_allow(ctx, SCMP_SYS(tgkill), 2, a);
}

/* Blocks rather than A0 < start and A0 >= end: libseccomp 2.5.4 builds a
 * filter from those two rules that lets some A0 inside through where the
 * range crosses a 4 GiB boundary (tests/unit/test_sandbox_rules.c). */
int sandbox_allow_a0_outside(scmp_filter_ctx ctx, int nr, uint64_t start, uint64_t size,
			     const struct scmp_arg_cmp *also)
{
	uint64_t end = start + size;
	int r = 0;

	if (size == 0 || end < start)
		return errf(-EINVAL, "seccomp: range at 0x%llx of 0x%llx bytes: empty or past 2^64",
			    (unsigned long long)start, (unsigned long long)size);
	if (start > 0)
		r = allow_a0_range(ctx, nr, 0, start - 1, also);
	if (r == 0)
		r = allow_a0_range(ctx, nr, end, UINT64_MAX, also);
	return r;
}
