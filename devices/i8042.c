/* i8042.c: just enough i8042 for reboot=k; Linux's driver gives up at once. */
#include "devices/i8042.h"

#include <string.h>

/*
 * Status register bits (Linux drivers/input/serio/i8042.h I8042_STR_*).
 *
 * IBF is always clear so arch/x86/kernel/reboot.c kb_wait(), which polls
 * port 0x64 until bit 1 is 0 before writing 0xfe, never spins.
 *
 * OBF is always set and the data port reads 0x00, so the output buffer never
 * drains: drivers/input/serio/i8042.c i8042_flush() gives up after
 * I8042_BUFFER_SIZE (16) reads and i8042_controller_check() prints
 * "i8042: No controller found" within about a millisecond, instead of the
 * driver sending commands and waiting for their timeouts (~0.5 s of boot).
 */
#define I8042_STR_OBF 0x01
#define I8042_STR_IBF 0x02
#define I8042_STATUS I8042_STR_OBF

/* Command "pulse output port bit 0 low": bit 0 drives the CPU reset line. */
#define I8042_CMD_RESET 0xfe

void i8042_init(struct i8042 *k, const struct i8042_host *host)
{
	memset(k, 0, sizeof(*k));
	if (host)
		k->host = *host;
}

static void i8042_read_byte(void *data, unsigned len, uint8_t val)
{
	if (len != 1) {
		memset(data, 0xff, len);
		return;
	}
	*(uint8_t *)data = val;
}

static void i8042_data_read(void *dev, uint64_t off, void *data, unsigned len)
{
	(void)dev;
	(void)off;
	i8042_read_byte(data, len, 0x00);
}

static void i8042_status_read(void *dev, uint64_t off, void *data,
			      unsigned len)
{
	(void)dev;
	(void)off;
	i8042_read_byte(data, len, I8042_STATUS);
}

static void i8042_cmd_write(void *dev, uint64_t off, const void *data,
			    unsigned len)
{
	struct i8042 *k = dev;

	(void)off;
	if (len != 1 || *(const uint8_t *)data != I8042_CMD_RESET)
		return;
	if (k->host.reset)
		k->host.reset(k->host.ctx);
}

/* Data port writes (keyboard/controller parameters) are dropped. */
const struct bus_ops i8042_data_ops = {
	.read = i8042_data_read,
	.write = NULL,
};

const struct bus_ops i8042_cmd_ops = {
	.read = i8042_status_read,
	.write = i8042_cmd_write,
};
