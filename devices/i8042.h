/* i8042.h: stub PS/2 controller: 0xfe resets, otherwise "no controller". */
#ifndef VMM_DEVICES_I8042_H
#define VMM_DEVICES_I8042_H

#include "devices/bus.h"

struct i8042_host {
	/* The guest pulsed the CPU reset line; may be called repeatedly. */
	void (*reset)(void *ctx);
	void *ctx;
};

struct i8042 {
	struct i8042_host host;
};

/* Bind `host` (copied; NULL or a NULL reset means resets are ignored). */
void i8042_init(struct i8042 *k, const struct i8042_host *host);

/*
 * Two bus adapters, each registered with len 1 and dev = the struct i8042
 * (port numbers are the machine's: LAYOUT_I8042_* in vmm/layout.h):
 *   bus_add(pio, 0x60, 1, &i8042_data_ops, k);   data (Linux I8042_DATA_REG)
 *   bus_add(pio, 0x64, 1, &i8042_cmd_ops, k);    status read, command write
 * Not one range 0x60..0x64: 0x61 is the NMI status and control port
 * (devices/nmi_sc.h), and 0x62/0x63 are not the controller's.
 * Reads: data port 0x00, status port OBF set and IBF clear (see i8042.c).
 * Writes: command 0xfe calls host.reset; everything else is dropped.
 * Non-byte accesses read all-ones and their writes are dropped.
 */
extern const struct bus_ops i8042_data_ops;
extern const struct bus_ops i8042_cmd_ops;

#endif
