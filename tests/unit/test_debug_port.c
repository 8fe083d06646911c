/* test_debug_port.c: port 0x80 writes reach the host as codes; the ranges are cloud-hypervisor's. */
#include <criterion/criterion.h>

#include "devices/debug_port.h"

static uint8_t codes[8];
static unsigned calls;

static void on_code(void *ctx, uint8_t code)
{
	(void)ctx;
	if (calls < 8)
		codes[calls] = code;
	calls++;
}

Test(debug_port, writes_report_their_byte_reads_report_nothing)
{
	struct debug_port d;
	const struct debug_port_host h = { .code = on_code };
	struct bus b;
	uint8_t one = 0x41, two = 0x61;
	uint32_t rd = 0;

	calls = 0;
	debug_port_init(&d, &h);
	bus_init(&b);
	cr_assert_eq(bus_add(&b, 0x80, 1, &debug_port_ops, &d), 0);
	cr_assert_eq(bus_access(&b, 0x80, &one, 1, true), 0);
	cr_assert_eq(bus_access(&b, 0x80, &two, 1, true), 0);
	cr_assert_eq(calls, 2);
	cr_assert_eq(codes[0], 0x41);
	cr_assert_eq(codes[1], 0x61);
	cr_assert_eq(bus_access(&b, 0x80, &rd, 1, false), 0);
	cr_assert_eq(rd & 0xff, 0xff, "reads are all-ones");
	cr_assert_eq(calls, 2, "reads report nothing");
}

Test(debug_port, ranges)
{
	cr_expect_str_eq(debug_port_range_name(debug_port_range_of(0x00)), "firmware");
	cr_expect_str_eq(debug_port_range_name(debug_port_range_of(0x1f)), "firmware");
	cr_expect_str_eq(debug_port_range_name(debug_port_range_of(0x20)), "bootloader");
	cr_expect_str_eq(debug_port_range_name(debug_port_range_of(0x40)), "kernel");
	cr_expect_str_eq(debug_port_range_name(debug_port_range_of(0x5f)), "kernel");
	cr_expect_str_eq(debug_port_range_name(debug_port_range_of(0x60)), "userspace");
	cr_expect_str_eq(debug_port_range_name(debug_port_range_of(0x7f)), "userspace");
	cr_expect_str_eq(debug_port_range_name(debug_port_range_of(0x80)), "custom");
	cr_expect_str_eq(debug_port_range_name(debug_port_range_of(0xff)), "custom");
}

Test(debug_port, described_as_the_timeline_names_it)
{
	char buf[48];

	debug_port_describe(0x41, buf, sizeof(buf));
	cr_expect_str_eq(buf, "debug port 0x41 (kernel)");
	debug_port_describe(0x9, buf, sizeof(buf));
	cr_expect_str_eq(buf, "debug port 0x09 (firmware)");
}
