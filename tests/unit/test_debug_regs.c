/* test_debug_regs.c: the guest's DR6 after a #DB that vmm hands back to it. */
#include <criterion/criterion.h>

#include "vmm/debug_regs.h"

#define DR6_INIT 0xffff0ff0ULL /* DR6 at power-up and after INIT (SDM Vol. 3A Table 10-1) */

Test(debug_regs, a_single_step_sets_bs_and_keeps_the_rest)
{
	/* What KVM reports for a guest's own TF trap: the active-low bits set, BS. */
	cr_assert_eq(dr6_after_guest_db(DR6_INIT, DR6_INIT | DR6_BS), DR6_INIT | DR6_BS);
	/* BD and BT from an earlier #DB are never cleared by the processor. */
	cr_assert_eq(dr6_after_guest_db(DR6_INIT | DR6_BT, DR6_INIT | DR6_BS),
		     DR6_INIT | DR6_BT | DR6_BS);
}

Test(debug_regs, the_breakpoint_bits_are_cleared_and_never_taken_from_vmm)
{
	/* The guest's own B1 from before goes; vmm's B0 in the exit (its own breakpoint, met
	 * at the same instruction boundary) never reaches the guest. */
	cr_assert_eq(dr6_after_guest_db(DR6_INIT | 0x2, DR6_INIT | DR6_BS | 0x1), DR6_INIT | DR6_BS);
}

Test(debug_regs, an_active_low_bit_the_exit_reports_clear_is_cleared)
{
	cr_assert_eq(dr6_after_guest_db(DR6_INIT, (DR6_INIT | DR6_BS) & ~DR6_RTM),
		     (DR6_INIT | DR6_BS) & ~DR6_RTM);
	cr_assert_eq(dr6_after_guest_db(DR6_INIT, (DR6_INIT | DR6_BS) & ~DR6_BLD),
		     (DR6_INIT | DR6_BS) & ~DR6_BLD);
}

Test(debug_regs, rtm_is_set_again_by_a_db_outside_an_rtm_region)
{
	/* An earlier #DB inside an RTM region left RTM clear; this one, outside, sets it. */
	cr_assert_eq(dr6_after_guest_db(DR6_INIT & ~DR6_RTM, DR6_INIT | DR6_BS), DR6_INIT | DR6_BS);
	/* BLD is set by nothing but software: a cleared one stays clear. */
	cr_assert_eq(dr6_after_guest_db(DR6_INIT & ~DR6_BLD, DR6_INIT | DR6_BS),
		     (DR6_INIT | DR6_BS) & ~DR6_BLD);
}

Test(debug_regs, the_reserved_upper_half_stays_zero)
{
	/* KVM_SET_DEBUGREGS refuses a DR6 with any of bits 63:32 set (kvm_dr6_valid()). */
	cr_assert_eq(dr6_after_guest_db(~0ULL, ~0ULL) >> 32, 0);
	cr_assert_eq(dr6_after_guest_db(DR6_INIT, ~0ULL) >> 32, 0);
}
