/* test_dispatch.c: synthetic VM exits reach the right device or end the run with the right status. */
#include <criterion/criterion.h>
#include <string.h>

#include "vmm/machine/dispatch.h"
#include "vmm/exitcode.h"

struct fake {
	uint64_t last_off;
	uint8_t last_val;
	unsigned writes, reads;
};

static void fake_read(void *dev, uint64_t off, void *data, unsigned len)
{
	struct fake *f = dev;

	f->reads++;
	f->last_off = off;
	memset(data, 0x42, len);
}

static void fake_write(void *dev, uint64_t off, const void *data, unsigned len)
{
	struct fake *f = dev;

	(void)len;
	f->writes++;
	f->last_off = off;
	f->last_val = *(const uint8_t *)data;
}

static const struct bus_ops fake_ops = { .read = fake_read, .write = fake_write };
static struct dispatch d;

/* A reset device: a write ends the run, as the i8042's 0xfe does. */
static void reset_write(void *dev, uint64_t off, const void *data, unsigned len)
{
	struct dispatch *dd = dev;

	(void)off, (void)data, (void)len;
	dd->device_status = VMM_EXIT_OK;
	dd->device_why = "guest reset";
}

static const struct bus_ops reset_ops = { .read = fake_read, .write = reset_write };
static struct fake dev;
static const char *why;

static void setup(void)
{
	memset(&dev, 0, sizeof(dev));
	memset(&d, 0, sizeof(d));
	d.device_status = DISPATCH_CONTINUE;
	bus_init(&d.pio);
	bus_init(&d.mmio);
	cr_assert_eq(bus_add(&d.pio, 0x3f8, 8, &fake_ops, &dev), 0);
	cr_assert_eq(bus_add(&d.pio, 0x64, 1, &reset_ops, &d), 0);
	why = NULL;
}

TestSuite(dispatch, .init = setup);

static struct vm_exit io(uint16_t port, bool write, uint8_t *data, unsigned count)
{
	return (struct vm_exit){ .kind = EXIT_IO, .addr = port, .is_write = write,
				 .data = data, .len = 1, .count = count };
}

Test(dispatch, port_write_reaches_device_with_offset)
{
	uint8_t b = 'A';
	struct vm_exit e = io(0x3f8, true, &b, 1);

	cr_assert_eq(dispatch_exit(&d, &e, &why), DISPATCH_CONTINUE);
	cr_assert_eq(dev.writes, 1);
	cr_assert_eq(dev.last_off, 0);
	cr_assert_eq(dev.last_val, 'A');
}

Test(dispatch, rep_outs_repeats_count_times)
{
	uint8_t buf[3] = { 'a', 'b', 'c' };
	struct vm_exit e = io(0x3fd, true, buf, 3);

	cr_assert_eq(dispatch_exit(&d, &e, &why), DISPATCH_CONTINUE);
	cr_assert_eq(dev.writes, 3);
	cr_assert_eq(dev.last_val, 'c');
	cr_assert_eq(dev.last_off, 5);
}

Test(dispatch, unclaimed_port_reads_all_ones)
{
	uint8_t buf[2] = { 0, 0 };
	struct vm_exit e = io(0x80, false, buf, 2);

	cr_assert_eq(dispatch_exit(&d, &e, &why), DISPATCH_CONTINUE);
	cr_assert_eq(buf[0], 0xff);
	cr_assert_eq(buf[1], 0xff);
	cr_assert_eq(dev.reads, 0);
}

Test(dispatch, unclaimed_mmio_reads_all_ones)
{
	uint8_t data[8] = { 0 };
	struct vm_exit e = { .kind = EXIT_MMIO, .addr = 0xfeb00000, .data = data,
			     .len = 4, .count = 1 };

	cr_assert_eq(dispatch_exit(&d, &e, &why), DISPATCH_CONTINUE);
	cr_assert_eq(data[0] & data[1] & data[2] & data[3], 0xff);
	cr_assert_eq(data[4], 0);
}

Test(dispatch, oversized_access_is_ignored)
{
	uint8_t data[16] = { 0 };
	struct vm_exit e = { .kind = EXIT_MMIO, .addr = 0, .data = data,
			     .len = 16, .count = 1 };

	cr_assert_eq(dispatch_exit(&d, &e, &why), DISPATCH_CONTINUE);
	cr_assert_eq(data[0], 0);
}

Test(dispatch, reset_request_ends_run_with_ok)
{
	uint8_t b = 0xfe;
	struct vm_exit e = io(0x64, true, &b, 1);

	cr_assert_eq(dispatch_exit(&d, &e, &why), VMM_EXIT_OK);
	cr_assert_str_eq(why, "guest reset");
}

/* vCPU 1's write ended the run; vCPU 0's next exit (a kick, a UART byte)
 * must not claim that end, or the dump shows vCPU 0's registers. */
Test(dispatch, only_the_exit_that_ended_the_run_reports_it)
{
	uint8_t b = 0xfe, c = 'A';
	struct vm_exit reset = io(0x64, true, &b, 1), uart = io(0x3f8, true, &c, 1);
	struct vm_exit kick = { .kind = EXIT_INTR };

	cr_assert_eq(dispatch_exit(&d, &reset, &why), VMM_EXIT_OK);
	cr_assert_eq(dispatch_exit(&d, &kick, &why), DISPATCH_CONTINUE);
	cr_assert_eq(dispatch_exit(&d, &uart, &why), DISPATCH_CONTINUE);
}

Test(dispatch, final_statuses)
{
	struct { enum exit_kind k; int status; } cases[] = {
		{ EXIT_SHUTDOWN, VMM_EXIT_TRIPLE_FAULT },
		{ EXIT_FAIL_ENTRY, VMM_EXIT_ENTRY_FAIL },
		{ EXIT_INTERNAL, VMM_EXIT_INTERNAL },
		{ EXIT_HLT, VMM_EXIT_INTERNAL },
		{ EXIT_OTHER, VMM_EXIT_INTERNAL },
		{ EXIT_SYSTEM_RESET, VMM_EXIT_OK },
		{ EXIT_SYSTEM_SHUTDOWN, VMM_EXIT_OK },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vm_exit e = { .kind = cases[i].k };

		why = NULL;
		cr_assert_eq(dispatch_exit(&d, &e, &why), cases[i].status, "case %zu", i);
		cr_assert_not_null(why);
	}
	cr_assert(dispatch_is_failure(VMM_EXIT_TRIPLE_FAULT));
	cr_assert(dispatch_is_failure(VMM_EXIT_PANIC));
	cr_assert(dispatch_is_failure(VMM_EXIT_TIMEOUT));
	cr_assert_not(dispatch_is_failure(VMM_EXIT_OK));
	cr_assert_not(dispatch_is_failure(VMM_EXIT_DEBUG_BASE + 3), "guest-chosen code");
}

Test(dispatch, interrupted_run_continues)
{
	struct vm_exit e = { .kind = EXIT_INTR };

	cr_assert_eq(dispatch_exit(&d, &e, &why), DISPATCH_CONTINUE);
}

Test(dispatch, breakpoint_exit_continues)
{
	struct vm_exit e = { .kind = EXIT_DEBUG, .addr = 0x1000000 };

	cr_assert_eq(dispatch_exit(&d, &e, &why), DISPATCH_CONTINUE);
}
