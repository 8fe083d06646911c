/* test_tsc.c: the unsynchronizing TSC value and the bound a reset TSC must read back within. */
#include <criterion/criterion.h>

#include "vmm/tsc.h"

#define KHZ_3GHZ 3000000u

Test(tsc, the_unsync_value_is_over_a_second_away_at_any_clock_below_a_petahertz)
{
	uint64_t saved = 123456789;
	uint64_t far = tsc_unsync_value(saved);

	cr_assert_gt(far - saved, 1000000000000000ULL); /* 1 PHz for 1 s */
	cr_assert_gt(tsc_unsync_value(0), 0);
}

Test(tsc, a_tsc_read_back_within_the_time_since_the_write_held)
{
	/* 1 ms after the write at 3 GHz: 3,000,000 cycles on. */
	cr_assert(tsc_reset_held(1000 + 3000000, 1000, 1000000, KHZ_3GHZ));
	cr_assert(tsc_reset_held(1000, 1000, 1000000, KHZ_3GHZ));
	/* The slack: 100 us and 1% more than the time since. */
	cr_assert(tsc_reset_held(1000 + 3000000 + 30000 + 300000, 1000, 1000000, KHZ_3GHZ));
}

Test(tsc, a_tsc_that_kept_running_through_the_reset_did_not_hold)
{
	/* KVM kept its offset: the TSC reads 100 ms of cycles past the saved value, 1 ms on. */
	cr_assert_not(tsc_reset_held(1000 + 300000000, 1000, 1000000, KHZ_3GHZ));
	/* Behind the saved value: it never got there. */
	cr_assert_not(tsc_reset_held(999, 1000, 1000000, KHZ_3GHZ));
}

Test(tsc, an_unknown_clock_rate_checks_nothing_and_huge_times_do_not_overflow)
{
	cr_assert(tsc_reset_held(UINT64_MAX, 0, 1, 0));
	cr_assert(tsc_reset_held(UINT64_MAX, 0, UINT64_MAX - 1, KHZ_3GHZ));
	cr_assert(tsc_reset_held(UINT64_MAX, 0, UINT64_MAX / 2, UINT32_MAX));
}
