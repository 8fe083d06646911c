/* test_i8042.c: unit tests for the reset-only i8042 stub in devices/i8042.c. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>

#include "devices/bus.h"
#include "devices/i8042.h"

static unsigned resets;
static struct i8042 k;
static struct bus b;

static void count_reset(void *ctx)
{
	cr_assert_eq(ctx, &resets, "reset got the wrong ctx");
	resets++;
}

/* Wire it exactly as the header tells the machine to. */
static void setup(void)
{
	const struct i8042_host host = { count_reset, &resets };

	resets = 0;
	i8042_init(&k, &host);
	bus_init(&b);
	cr_assert_eq(bus_add(&b, 0x60, 1, &i8042_data_ops, &k), 0);
	cr_assert_eq(bus_add(&b, 0x64, 1, &i8042_cmd_ops, &k), 0);
}

TestSuite(i8042, .init = setup);

static int outb(uint16_t port, uint8_t v)
{
	return bus_access(&b, port, &v, 1, true);
}

static uint8_t inb(uint16_t port)
{
	uint8_t v = 0x5a;

	cr_assert_eq(bus_access(&b, port, &v, 1, false), 0);
	return v;
}

Test(i8042, reset_command_pulses_reset_once)
{
	cr_assert_eq(outb(0x64, 0xfe), 0);
	cr_assert_eq(resets, 1);
	cr_assert_eq(outb(0x64, 0xfe), 0);
	cr_assert_eq(resets, 2, "one call per command");
}

Test(i8042, other_commands_ignored)
{
	unsigned v;

	for (v = 0; v < 256; v++)
		if (v != 0xfe)
			cr_assert_eq(outb(0x64, (uint8_t)v), 0);
	cr_assert_eq(resets, 0);
}

Test(i8042, data_port_writes_ignored)
{
	cr_assert_eq(outb(0x60, 0xfe), 0);
	cr_assert_eq(resets, 0);
	cr_assert_eq(inb(0x60), 0x00);
}

/* reboot.c kb_wait() needs IBF (bit 1) clear; i8042_flush() needs OBF set. */
Test(i8042, status_ibf_clear_obf_set)
{
	uint8_t st = inb(0x64);

	cr_assert_eq(st & 0x02, 0, "IBF set: kb_wait() would spin");
	cr_assert_eq(st & 0x01, 0x01, "OBF clear");
	outb(0x64, 0xfe);
	cr_assert_eq(inb(0x64), st, "status is constant");
}

/* i8042_flush() reads up to 16 bytes; OBF must still be set after that. */
Test(i8042, data_reads_zero_and_obf_stays)
{
	unsigned i;

	for (i = 0; i < 17; i++) {
		cr_assert(inb(0x64) & 0x01);
		cr_assert_eq(inb(0x60), 0x00);
	}
}

Test(i8042, port_0x61_left_alone)
{
	uint8_t v = 0;

	cr_assert_eq(bus_access(&b, 0x61, &v, 1, false), -ENOENT);
	cr_assert_eq(bus_access(&b, 0x63, &v, 1, true), -ENOENT);
}

Test(i8042, wide_accesses)
{
	uint16_t w = 0x00fe;

	i8042_cmd_ops.write(&k, 0, &w, 2);
	cr_assert_eq(resets, 0, "only a byte write is a command");
	i8042_cmd_ops.read(&k, 0, &w, 2);
	cr_assert_eq(w, 0xffff);
}

Test(i8042, no_host_is_safe)
{
	struct i8042 bare;
	uint8_t v = 0xfe;

	i8042_init(&bare, NULL);
	i8042_cmd_ops.write(&bare, 0, &v, 1);
	cr_assert_eq(resets, 0);
}
