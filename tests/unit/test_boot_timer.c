/* test_boot_timer.c: 123 at offset 0 of the port or MMIO range signals; anything else does not. */
#include <criterion/criterion.h>

#include "devices/boot_timer.h"

static int port_hits, mmio_hits;

static void booted(void *ctx, bool mmio)
{
	(void)ctx;
	if (mmio)
		mmio_hits++;
	else
		port_hits++;
}

Test(boot_timer, magic_value_signals_once_per_write)
{
	struct boot_timer b;
	const struct boot_timer_host h = { .booted = booted };
	uint8_t v = BOOT_TIMER_MAGIC, other = 122;
	uint32_t wide = BOOT_TIMER_MAGIC;

	port_hits = mmio_hits = 0;
	boot_timer_init(&b, &h);
	boot_timer_port_ops.write(&b, 0, &v, 1);
	boot_timer_mmio_ops.write(&b, 0, &wide, 4);
	boot_timer_port_ops.write(&b, 0, &other, 1);
	boot_timer_mmio_ops.write(&b, 1, &v, 1);
	cr_assert_eq(port_hits, 1);
	cr_assert_eq(mmio_hits, 1);
	cr_assert_null(boot_timer_port_ops.read, "reads are unclaimed: all-ones");
}
