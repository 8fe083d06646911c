/* test_debug_exit.c: guest writes to the debug-exit port reach the host with their value. */
#include <criterion/criterion.h>

#include "devices/debug_exit.h"

static uint32_t got;
static unsigned calls;

static void on_exit_cb(void *ctx, uint32_t v)
{
	(void)ctx;
	got = v;
	calls++;
}

Test(debug_exit, writes_report_the_value)
{
	struct debug_exit d;
	const struct debug_exit_host h = { .exit = on_exit_cb };
	struct bus b;
	uint8_t one = 5;
	uint32_t four = 0x12345678, rd = 0;

	got = calls = 0;
	debug_exit_init(&d, &h);
	bus_init(&b);
	cr_assert_eq(bus_add(&b, 0xf4, 4, &debug_exit_ops, &d), 0);
	cr_assert_eq(bus_access(&b, 0xf4, &one, 1, true), 0);
	cr_assert_eq(got, 5);
	cr_assert_eq(bus_access(&b, 0xf4, &four, 4, true), 0);
	cr_assert_eq(got, 0x12345678);
	cr_assert_eq(calls, 2);
	cr_assert_eq(bus_access(&b, 0xf4, &rd, 4, false), 0);
	cr_assert_eq(rd, 0xffffffffu, "reads are all-ones");
	cr_assert_eq(calls, 2, "reads report nothing");
}
