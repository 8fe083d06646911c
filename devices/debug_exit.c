/* debug_exit.c: debug-exit port model: any 1-4 byte write reports its value to the host. */
#include "devices/debug_exit.h"

#include <string.h>

void debug_exit_init(struct debug_exit *d, const struct debug_exit_host *host)
{
	d->host = *host;
}

static void debug_exit_read(void *dev, uint64_t off, void *data, unsigned len)
{
	(void)dev;
	(void)off;
	memset(data, 0xff, len);
}

static void debug_exit_write(void *dev, uint64_t off, const void *data, unsigned len)
{
	struct debug_exit *d = dev;
	uint32_t v = 0;

	(void)off;
	if (len > sizeof(v) || !d->host.exit)
		return;
	memcpy(&v, data, len); /* x86 is little endian: low bytes first */
	d->host.exit(d->host.ctx, v);
}

const struct bus_ops debug_exit_ops = {
	.read = debug_exit_read,
	.write = debug_exit_write,
};
