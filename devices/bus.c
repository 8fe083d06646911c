/* bus.c: range dispatch: sorted array, linear scan, Firecracker's rules. */
#include "devices/bus.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "mmu/err.h"

/* Largest single access: a 64-bit MMIO load/store. */
#define BUS_MAX_ACCESS 8

void bus_init(struct bus *b)
{
	memset(b, 0, sizeof(*b));
}

/* Both ranges have len > 0 and ends that do not wrap. */
static bool range_overlaps(const struct bus_range *r, uint64_t base,
			   uint64_t len)
{
	return base < r->base + r->len && r->base < base + len;
}

int bus_add(struct bus *b, uint64_t base, uint64_t len,
	    const struct bus_ops *ops, void *dev)
{
	uint64_t end;
	unsigned i;

	if (!ops)
		return errf(-EINVAL, "bus: range %#" PRIx64 ": no ops", base);
	if (len == 0 || __builtin_add_overflow(base, len, &end))
		return errf(-EINVAL, "bus: range %#" PRIx64 " len %#" PRIx64
			    ": empty or wraps", base, len);
	for (i = 0; i < b->n; i++) {
		if (range_overlaps(&b->r[i], base, len))
			return errf(-EEXIST, "bus: range [%#" PRIx64
				    ", %#" PRIx64 ") overlaps [%#" PRIx64
				    ", %#" PRIx64 ")", base, end, b->r[i].base,
				    b->r[i].base + b->r[i].len);
	}
	if (b->n == BUS_MAX_RANGES)
		return errf(-ENOSPC, "bus: range %#" PRIx64
			    ": all %d slots used", base, BUS_MAX_RANGES);

	for (i = b->n; i > 0 && b->r[i - 1].base > base; i--)
		b->r[i] = b->r[i - 1];
	b->r[i] = (struct bus_range){ base, len, ops, dev };
	b->n++;
	return 0;
}

/* The range holding all of [addr, addr + len), or NULL. */
static const struct bus_range *bus_find(const struct bus *b, uint64_t addr,
					unsigned len)
{
	unsigned i;

	for (i = 0; i < b->n && b->r[i].base <= addr; i++) {
		const struct bus_range *r = &b->r[i];
		uint64_t off = addr - r->base;

		/* Subtractions, not addr + len: nothing here can wrap. */
		if (off < r->len && len <= r->len - off)
			return r;
	}
	return NULL;
}

int bus_access(struct bus *b, uint64_t addr, void *data, unsigned len,
	       bool is_write)
{
	const struct bus_range *r;

	if (len == 0 || len > BUS_MAX_ACCESS)
		return errf(-EINVAL, "bus: access at %#" PRIx64 ": len %u",
			    addr, len);

	r = bus_find(b, addr, len);
	if (!r) {
		/* Unclaimed (§6.5): reads float high, writes vanish. */
		if (!is_write)
			memset(data, 0xff, len);
		return -ENOENT;
	}

	if (is_write) {
		if (r->ops->write)
			r->ops->write(r->dev, addr - r->base, data, len);
	} else if (r->ops->read) {
		r->ops->read(r->dev, addr - r->base, data, len);
	} else {
		memset(data, 0xff, len);
	}
	return 0;
}
