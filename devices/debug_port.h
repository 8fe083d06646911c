/* debug_port.h: port 0x80, the PC's POST-code port, as cloud-hypervisor's debug port: each byte written is a progress code with a time. */
#ifndef VMM_DEVICES_DEBUG_PORT_H
#define VMM_DEVICES_DEBUG_PORT_H

#include <stddef.h>
#include <stdint.h>

#include "devices/bus.h"

/* cloud-hypervisor (devices/src/legacy/debug_port.rs): who a code is from, by range. */
enum debug_port_range {
	DEBUG_PORT_FIRMWARE,	/* 0x00-0x1f */
	DEBUG_PORT_BOOTLOADER,	/* 0x20-0x3f */
	DEBUG_PORT_KERNEL,	/* 0x40-0x5f */
	DEBUG_PORT_USERSPACE,	/* 0x60-0x7f */
	DEBUG_PORT_CUSTOM,	/* 0x80-0xff */
};

struct debug_port_host {
	void (*code)(void *ctx, uint8_t code); /* a byte was written */
	void *ctx;
};

struct debug_port {
	struct debug_port_host host;
};

void debug_port_init(struct debug_port *d, const struct debug_port_host *host);
enum debug_port_range debug_port_range_of(uint8_t code);
/* "firmware", "bootloader", "kernel", "userspace" or "custom". */
const char *debug_port_range_name(enum debug_port_range r);

/* "debug port 0xCC (RANGE)": how the timeline names a code (--timing's text, --trace). */
void debug_port_describe(uint8_t code, char *buf, size_t len);

/* One byte wide (an 8-bit port, outb): each write is a code; reads give all-ones. */
extern const struct bus_ops debug_port_ops;

#endif
