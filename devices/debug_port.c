/* debug_port.c: port 0x80 writes as progress codes (cloud-hypervisor's debug port): the device says which code, the host stamps the time. */
#include "devices/debug_port.h"

#include <stdio.h>
#include <string.h>

void debug_port_init(struct debug_port *d, const struct debug_port_host *host)
{
	memset(d, 0, sizeof(*d));
	if (host)
		d->host = *host;
}

enum debug_port_range debug_port_range_of(uint8_t code)
{
	return code >= 0x80 ? DEBUG_PORT_CUSTOM : (enum debug_port_range)(code >> 5);
}

const char *debug_port_range_name(enum debug_port_range r)
{
	static const char *const names[] = { "firmware", "bootloader", "kernel", "userspace", "custom" };

	return (unsigned)r < sizeof(names) / sizeof(names[0]) ? names[r] : "custom";
}

void debug_port_describe(uint8_t code, char *buf, size_t len)
{
	snprintf(buf, len, "debug port 0x%02x (%s)", code,
		 debug_port_range_name(debug_port_range_of(code)));
}

static void port_write(void *dev, uint64_t off, const void *data, unsigned len)
{
	struct debug_port *d = dev;

	(void)len;
	if (off == 0 && d->host.code)
		d->host.code(d->host.ctx, *(const uint8_t *)data);
}

const struct bus_ops debug_port_ops = { .read = NULL, .write = port_write };
