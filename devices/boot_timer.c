/* boot_timer.c: the boot-done signal guests built for Firecracker send (123 to a port or MMIO). */
#include "devices/boot_timer.h"

#include <string.h>

void boot_timer_init(struct boot_timer *b, const struct boot_timer_host *host)
{
	memset(b, 0, sizeof(*b));
	if (host)
		b->host = *host;
}

static void signal_if_magic(struct boot_timer *b, uint64_t off, const void *data, bool mmio)
{
	if (off == 0 && *(const uint8_t *)data == BOOT_TIMER_MAGIC && b->host.booted)
		b->host.booted(b->host.ctx, mmio);
}

static void port_write(void *dev, uint64_t off, const void *data, unsigned len)
{
	(void)len;
	signal_if_magic(dev, off, data, false);
}

static void mmio_write(void *dev, uint64_t off, const void *data, unsigned len)
{
	(void)len;
	signal_if_magic(dev, off, data, true);
}

const struct bus_ops boot_timer_port_ops = { .read = NULL, .write = port_write };
const struct bus_ops boot_timer_mmio_ops = { .read = NULL, .write = mmio_write };
