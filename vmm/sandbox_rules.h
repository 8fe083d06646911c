/* sandbox_rules.h: libseccomp rule shapes the allow-lists are made of (a descriptor range, an address range left out). */
#ifndef VMM_SANDBOX_RULES_H
#define VMM_SANDBOX_RULES_H

#include <seccomp.h>
#include <stdint.h>

/* int arguments: compare the low half only (the upper half of the register is not theirs). */
#define SANDBOX_LOW32 0xffffffffULL

/* Allow system call `nr` where its `n` comparisons hold. 0 or a negative errno, err_msg() set. */
int sandbox_allow(scmp_filter_ctx ctx, int nr, unsigned n, const struct scmp_arg_cmp *args);

/* Allow `nr` on a descriptor (A0) in [lo, hi], with A1 == a1 unless a1 is SANDBOX_ANY_A1. */
#define SANDBOX_ANY_A1 (~0UL)
int sandbox_allow_fds(scmp_filter_ctx ctx, int nr, int lo, int hi, unsigned long a1);

/* Allow tgkill() of vmm's own process (A0 == its pid) with signal `sig` only. */
int sandbox_allow_own_signal(scmp_filter_ctx ctx, int sig);

/* Allow `nr` where A0 lies outside [start, start + size) (and `also` holds, unless NULL). */
int sandbox_allow_a0_outside(scmp_filter_ctx ctx, int nr, uint64_t start, uint64_t size,
			     const struct scmp_arg_cmp *also);

/* sandbox_afl.c: what `vmm fuzz --afl` adds (struct sandbox_afl in vmm/sandbox.h). */
struct sandbox_afl;
int sandbox_allow_afl(scmp_filter_ctx ctx, const struct sandbox_afl *a);

#endif
