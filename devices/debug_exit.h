/* debug_exit.h: a debug-exit port (like QEMU's isa-debug-exit): a guest write ends the VM with a code. */
#ifndef VMM_DEBUG_EXIT_H
#define VMM_DEBUG_EXIT_H

#include <stdint.h>

#include "devices/bus.h"

struct debug_exit_host {
	void (*exit)(void *ctx, uint32_t value); /* the guest wrote `value` */
	void *ctx;
};

struct debug_exit {
	struct debug_exit_host host;
};

void debug_exit_init(struct debug_exit *d, const struct debug_exit_host *host);
/* Writes of 1, 2 or 4 bytes report the value (little endian); reads give all-ones. */
extern const struct bus_ops debug_exit_ops;

#endif
