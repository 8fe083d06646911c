/* bus.h: address-range dispatch for port I/O and MMIO (sorted array). */
#ifndef VMM_DEVICES_BUS_H
#define VMM_DEVICES_BUS_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Device callbacks. `off` is the offset from the start of the device's range,
 * never the absolute address; `data` holds `len` bytes (1..8) in guest byte
 * order. Either callback may be NULL: the range is still claimed, reads then
 * return all-ones and writes are dropped (useful for write-only ports).
 */
struct bus_ops {
	void (*read)(void *dev, uint64_t off, void *data, unsigned len);
	void (*write)(void *dev, uint64_t off, const void *data, unsigned len);
};

struct bus_range {
	uint64_t base, len;
	const struct bus_ops *ops;
	void *dev;
};

#define BUS_MAX_RANGES 16

/* r[0..n) is sorted by base and the ranges never overlap. */
struct bus {
	struct bus_range r[BUS_MAX_RANGES];
	unsigned n;
};

/* Empty the bus. Cannot fail. */
void bus_init(struct bus *b);

/*
 * Claim [base, base + len) for `dev`; `ops` and `dev` are borrowed and must
 * outlive the bus. base + len must be representable (a range cannot end at
 * 2^64). Returns 0, or (with an errf() message):
 *   -EINVAL  len == 0, base + len wraps, or ops == NULL
 *   -EEXIST  the range overlaps one already on the bus
 *   -ENOSPC  the bus already holds BUS_MAX_RANGES ranges
 */
int bus_add(struct bus *b, uint64_t base, uint64_t len,
	    const struct bus_ops *ops, void *dev);

/*
 * Dispatch one guest access of `len` bytes at `addr` to the range that
 * contains all of [addr, addr + len); the callback gets addr - base.
 * Returns:
 *   0        handled
 *   -ENOENT  unclaimed (no range, or the access straddles a range's end):
 *            a read fills data with 0xff for len bytes, a write does nothing.
 *            This is guest behaviour, not an error: no message is recorded.
 *   -EINVAL  len == 0 or len > 8 (a VMM bug); data is untouched
 */
int bus_access(struct bus *b, uint64_t addr, void *data, unsigned len,
	       bool is_write);

#endif
