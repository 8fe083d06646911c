/* test_board.c: unit tests for vmm/machine/board.c: every device at its place, ACPI's only with ACPI, callbacks wired. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "vmm/layout.h"
#include "vmm/machine/board.h"

struct host_log {
	uint8_t last_tx;
	unsigned ntx, resets, sleeps, exits;
};

static void tx(void *ctx, uint8_t c)
{
	((struct host_log *)ctx)->last_tx = c;
	((struct host_log *)ctx)->ntx++;
}

static void set_irq(void *ctx, bool level)
{
	(void)ctx;
	(void)level;
}

static void reset(void *ctx)
{
	((struct host_log *)ctx)->resets++;
}

static void sleep_to(void *ctx, unsigned typ)
{
	(void)typ;
	((struct host_log *)ctx)->sleeps++;
}

static void exit_with(void *ctx, uint32_t v)
{
	(void)v;
	((struct host_log *)ctx)->exits++;
}

static void fixed_clock(void *ctx, struct timespec *ts)
{
	(void)ctx;
	*ts = (struct timespec){ 0 };
}

static struct board b;
static struct bus pio, mmio;
static struct host_log log_;

static void setup(bool acpi)
{
	const struct board_host h = {
		.uart = { .tx = tx, .set_irq = set_irq, .ctx = &log_ },
		.i8042 = { .reset = reset, .ctx = &log_ },
		.debug_exit = { .exit = exit_with, .ctx = &log_ },
		.rtc = { .now = fixed_clock },
		.pm = { .sleep = sleep_to, .reset = reset, .ctx = &log_ },
	};

	memset(&log_, 0, sizeof(log_));
	board_reset(&b, &h);
	cr_assert_eq(board_wire(&b, &pio, &mmio, acpi), 0);
}

static int access8(struct bus *bus, uint64_t addr, uint8_t v, bool write)
{
	return bus_access(bus, addr, &v, 1, write);
}

Test(board, every_device_claims_its_ports)
{
	const uint64_t ports[] = { LAYOUT_COM1_PORT, LAYOUT_COM1_PORT + 7, LAYOUT_I8042_DATA_PORT,
				   LAYOUT_I8042_CMD_PORT, LAYOUT_NMI_SC_PORT, LAYOUT_RTC_PORT, LAYOUT_RTC_PORT + 1,
				   LAYOUT_BOOT_TIMER_PORT, LAYOUT_DEBUG_EXIT_PORT };

	setup(false);
	for (unsigned i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
		cr_expect_eq(access8(&pio, ports[i], 0, false), 0, "port %#lx", (unsigned long)ports[i]);
	cr_expect_eq(access8(&mmio, LAYOUT_BOOT_TIMER_MMIO, 0, false), 0);
	cr_expect_eq(access8(&mmio, LAYOUT_BOOT_TIMER_MMIO_NOW, 0, false), 0, "Firecracker's current address");
	cr_expect_eq(access8(&pio, LAYOUT_COM1_PORT + 8, 0, false), -ENOENT);
}

Test(board, acpi_registers_only_with_acpi)
{
	setup(false);
	cr_expect_eq(access8(&pio, LAYOUT_PM1A_CNT_PORT, 0, false), -ENOENT);
	cr_expect_eq(access8(&pio, LAYOUT_RESET_PORT, 0, false), -ENOENT);
	setup(true);
	cr_expect_eq(access8(&pio, LAYOUT_PM1A_EVT_PORT, 0, false), 0);
	cr_expect_eq(access8(&pio, LAYOUT_PM1A_CNT_PORT, 0, false), 0);
	cr_expect_eq(access8(&pio, LAYOUT_RESET_PORT, 0, false), 0);
}

Test(board, callbacks_reach_the_host)
{
	setup(true);
	cr_assert_eq(access8(&pio, LAYOUT_COM1_PORT, 'k', true), 0);
	cr_expect_eq(log_.ntx, 1);
	cr_expect_eq(log_.last_tx, 'k');
	cr_assert_eq(access8(&pio, LAYOUT_I8042_CMD_PORT, 0xfe, true), 0); /* pulse reset */
	cr_expect_eq(log_.resets, 1);
	cr_assert_eq(access8(&pio, LAYOUT_DEBUG_EXIT_PORT, 1, true), 0);
	cr_expect_eq(log_.exits, 1);
}

static unsigned booted;

static void boot_timer_hit(void *ctx, bool by_mmio)
{
	(void)ctx;
	booted += by_mmio;
}

Test(board, boot_timer_at_both_firecracker_addresses)
{
	const struct board_host h = { .rtc = { .now = fixed_clock },
				      .boot_timer = { .booted = boot_timer_hit } };
	uint8_t magic = BOOT_TIMER_MAGIC;

	board_reset(&b, &h);
	cr_assert_eq(board_wire(&b, &pio, &mmio, false), 0);
	booted = 0;
	cr_assert_eq(bus_access(&mmio, LAYOUT_BOOT_TIMER_MMIO_NOW, &magic, 1, true), 0);
	cr_assert_eq(bus_access(&mmio, LAYOUT_BOOT_TIMER_MMIO, &magic, 1, true), 0);
	cr_expect_eq(booted, 2);
}

Test(board, rewiring_starts_from_empty_buses)
{
	setup(true);
	cr_expect_eq(board_wire(&b, &pio, &mmio, true), 0, "a second wiring must not collide");
}
