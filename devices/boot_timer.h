/* boot_timer.h: Firecracker's boot-timer signal: the guest writes 123 when it has booted. */
#ifndef VMM_DEVICES_BOOT_TIMER_H
#define VMM_DEVICES_BOOT_TIMER_H

#include <stdbool.h>

#include "devices/bus.h"

/* The value a guest writes (Firecracker's MAGIC_VALUE_SIGNAL_GUEST_BOOT_COMPLETE). */
#define BOOT_TIMER_MAGIC 123

struct boot_timer_host {
	void (*booted)(void *ctx, bool mmio); /* 123 arrived at the port or the MMIO address */
	void *ctx;
};

struct boot_timer {
	struct boot_timer_host host;
};

void boot_timer_init(struct boot_timer *b, const struct boot_timer_host *host);
/* One adapter each for the port (0x3f0) and the MMIO address (0xd0000000): a write
 * whose first byte is 123, at offset 0, signals; other writes are dropped, reads
 * give all-ones. */
extern const struct bus_ops boot_timer_port_ops;
extern const struct bus_ops boot_timer_mmio_ops;

#endif
