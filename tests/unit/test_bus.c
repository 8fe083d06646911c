/* test_bus.c: unit tests for devices/bus.c range rules and dispatch. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "devices/bus.h"

/* Records the last callback so tests can check offset, length and data. */
struct probe {
	unsigned reads, writes;
	uint64_t off;
	unsigned len;
	uint8_t wdata[8];
	uint8_t fill;	/* byte returned by reads */
};

static void probe_read(void *dev, uint64_t off, void *data, unsigned len)
{
	struct probe *p = dev;

	p->reads++;
	p->off = off;
	p->len = len;
	memset(data, p->fill, len);
}

static void probe_write(void *dev, uint64_t off, const void *data,
			unsigned len)
{
	struct probe *p = dev;

	p->writes++;
	p->off = off;
	p->len = len;
	memcpy(p->wdata, data, len);
}

static const struct bus_ops probe_ops = {
	.read = probe_read,
	.write = probe_write,
};

static struct bus b;

static void setup(void)
{
	bus_init(&b);
}

TestSuite(bus, .init = setup);

Test(bus, read_and_write_get_offset)
{
	struct probe p = { .fill = 0x5a };
	uint8_t buf[4] = { 1, 2, 3, 4 };
	uint8_t out[2] = { 0 };

	cr_assert_eq(bus_add(&b, 0x3f8, 8, &probe_ops, &p), 0);
	cr_assert_eq(bus_access(&b, 0x3fb, buf, 1, true), 0);
	cr_assert_eq(p.writes, 1);
	cr_assert_eq(p.off, 3);
	cr_assert_eq(p.len, 1);
	cr_assert_eq(p.wdata[0], 1);

	cr_assert_eq(bus_access(&b, 0x3fe, out, 2, false), 0);
	cr_assert_eq(p.reads, 1);
	cr_assert_eq(p.off, 6);
	cr_assert_eq(p.len, 2);
	cr_assert_eq(out[0], 0x5a);
	cr_assert_eq(out[1], 0x5a);
}

Test(bus, eight_byte_mmio_access)
{
	struct probe p = { 0 };
	uint64_t v = 0x1122334455667788ULL;

	cr_assert_eq(bus_add(&b, 0xd0000000, 0x1000, &probe_ops, &p), 0);
	cr_assert_eq(bus_access(&b, 0xd0000ff8, &v, 8, true), 0);
	cr_assert_eq(p.off, 0xff8);
	cr_assert_eq(p.len, 8);
	cr_assert_eq(memcmp(p.wdata, &v, 8), 0);
}

Test(bus, overlap_rejected_all_shapes)
{
	struct probe p = { 0 };
	/* Existing range is [0x100, 0x110). */
	static const uint64_t bad[][2] = {
		{ 0x100, 0x10 },	/* identical */
		{ 0x0f8, 0x10 },	/* covers the start */
		{ 0x108, 0x10 },	/* covers the end */
		{ 0x104, 0x04 },	/* inside */
		{ 0x000, 0x1000 },	/* encloses */
		{ 0x10f, 0x01 },	/* last byte */
		{ 0x0ff, 0x02 },	/* first byte */
	};
	unsigned i;

	cr_assert_eq(bus_add(&b, 0x100, 0x10, &probe_ops, &p), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(bus_add(&b, bad[i][0], bad[i][1], &probe_ops, &p),
			     -EEXIST, "shape %u", i);
	cr_assert_eq(b.n, 1);
}

Test(bus, empty_and_wrapping_rejected)
{
	struct probe p = { 0 };

	cr_assert_eq(bus_add(&b, 0x100, 0, &probe_ops, &p), -EINVAL);
	cr_assert_eq(bus_add(&b, UINT64_MAX, 2, &probe_ops, &p), -EINVAL);
	cr_assert_eq(bus_add(&b, UINT64_MAX - 0xf, 0x10, &probe_ops, &p),
		     -EINVAL);
	cr_assert_eq(bus_add(&b, 0x100, 1, NULL, &p), -EINVAL);
	cr_assert_eq(b.n, 0);
	/* Largest legal range ends at 2^64 - 1. */
	cr_assert_eq(bus_add(&b, UINT64_MAX - 0xf, 0xf, &probe_ops, &p), 0);
}

Test(bus, unclaimed_read_fills_ones)
{
	struct probe p = { 0 };
	uint8_t buf[8];

	cr_assert_eq(bus_add(&b, 0x3f8, 8, &probe_ops, &p), 0);
	memset(buf, 0, sizeof(buf));
	cr_assert_eq(bus_access(&b, 0x80, buf, 4, false), -ENOENT);
	cr_assert_eq(buf[0], 0xff);
	cr_assert_eq(buf[3], 0xff);
	cr_assert_eq(buf[4], 0x00, "wrote past len");
	cr_assert_eq(p.reads, 0);
}

Test(bus, unclaimed_write_touches_nothing)
{
	struct probe p = { 0 };
	uint8_t buf[2] = { 0xaa, 0xbb };

	cr_assert_eq(bus_add(&b, 0x3f8, 8, &probe_ops, &p), 0);
	cr_assert_eq(bus_access(&b, 0x3f0, buf, 2, true), -ENOENT);
	cr_assert_eq(buf[0], 0xaa);
	cr_assert_eq(buf[1], 0xbb);
	cr_assert_eq(p.writes, 0);
	cr_assert_eq(p.reads, 0);
}

Test(bus, straddling_end_is_unclaimed)
{
	struct probe p = { 0 };
	uint32_t v = 0;

	cr_assert_eq(bus_add(&b, 0x3f8, 8, &probe_ops, &p), 0);
	cr_assert_eq(bus_access(&b, 0x3fe, &v, 4, false), -ENOENT);
	cr_assert_eq(v, 0xffffffffu);
	cr_assert_eq(bus_access(&b, 0x3ff, &v, 2, true), -ENOENT);
	/* Straddling the start is unclaimed too. */
	cr_assert_eq(bus_access(&b, 0x3f7, &v, 2, true), -ENOENT);
	cr_assert_eq(p.reads + p.writes, 0);
	/* The last byte alone is fine. */
	cr_assert_eq(bus_access(&b, 0x3ff, &v, 1, false), 0);
	cr_assert_eq(p.off, 7);
}

Test(bus, straddling_into_adjacent_range_is_unclaimed)
{
	struct probe a = { 0 }, c = { 0 };
	uint16_t v = 0;

	cr_assert_eq(bus_add(&b, 0x60, 1, &probe_ops, &a), 0);
	cr_assert_eq(bus_add(&b, 0x61, 1, &probe_ops, &c), 0);
	cr_assert_eq(bus_access(&b, 0x60, &v, 2, false), -ENOENT);
	cr_assert_eq(a.reads + c.reads, 0);
}

Test(bus, adjacent_ranges_both_work)
{
	struct probe lo = { .fill = 0x11 }, hi = { .fill = 0x22 };
	uint8_t v;

	/* Added out of order to exercise the sorted insert. */
	cr_assert_eq(bus_add(&b, 0x108, 8, &probe_ops, &hi), 0);
	cr_assert_eq(bus_add(&b, 0x100, 8, &probe_ops, &lo), 0);
	cr_assert_eq(b.r[0].base, 0x100);
	cr_assert_eq(b.r[1].base, 0x108);

	cr_assert_eq(bus_access(&b, 0x107, &v, 1, false), 0);
	cr_assert_eq(v, 0x11);
	cr_assert_eq(lo.off, 7);
	cr_assert_eq(bus_access(&b, 0x108, &v, 1, false), 0);
	cr_assert_eq(v, 0x22);
	cr_assert_eq(hi.off, 0);
	cr_assert_eq(lo.reads, 1);
	cr_assert_eq(hi.reads, 1);
}

Test(bus, kept_sorted)
{
	struct probe p = { 0 };
	static const uint64_t bases[] = { 0x500, 0x100, 0x900, 0x300, 0x700 };
	unsigned i;

	for (i = 0; i < 5; i++)
		cr_assert_eq(bus_add(&b, bases[i], 0x10, &probe_ops, &p), 0);
	for (i = 1; i < b.n; i++)
		cr_assert_lt(b.r[i - 1].base, b.r[i].base);
}

Test(bus, full_bus_enospc)
{
	struct probe p = { 0 };
	uint8_t v;
	unsigned i;

	for (i = 0; i < BUS_MAX_RANGES; i++)
		cr_assert_eq(bus_add(&b, 0x1000 + 0x10 * i, 0x10, &probe_ops,
				     &p), 0);
	cr_assert_eq(bus_add(&b, 0x9000, 0x10, &probe_ops, &p), -ENOSPC);
	cr_assert_eq(b.n, BUS_MAX_RANGES);
	cr_assert_eq(bus_access(&b, 0x9000, &v, 1, false), -ENOENT);
	cr_assert_eq(bus_access(&b, 0x10f5, &v, 1, false), 0);
	cr_assert_eq(p.off, 5);
}

Test(bus, bad_access_len)
{
	struct probe p = { 0 };
	uint8_t buf[16];

	memset(buf, 0x33, sizeof(buf));
	cr_assert_eq(bus_add(&b, 0x100, 0x100, &probe_ops, &p), 0);
	cr_assert_eq(bus_access(&b, 0x100, buf, 0, false), -EINVAL);
	cr_assert_eq(bus_access(&b, 0x100, buf, 9, false), -EINVAL);
	cr_assert_eq(bus_access(&b, 0x100, buf, 9, true), -EINVAL);
	cr_assert_eq(buf[0], 0x33);
	cr_assert_eq(p.reads + p.writes, 0);
}

Test(bus, access_near_top_of_address_space)
{
	struct probe p = { 0 };
	uint64_t v = 0;

	cr_assert_eq(bus_add(&b, UINT64_MAX - 7, 7, &probe_ops, &p), 0);
	/* addr + len would wrap: must be unclaimed, not a false hit. */
	cr_assert_eq(bus_access(&b, UINT64_MAX - 1, &v, 8, false), -ENOENT);
	cr_assert_eq(bus_access(&b, UINT64_MAX, &v, 1, false), -ENOENT);
	cr_assert_eq(bus_access(&b, UINT64_MAX - 7, &v, 4, false), 0);
}

Test(bus, null_callbacks_claim_the_range)
{
	static const struct bus_ops none = { 0 };
	uint8_t v = 0;

	cr_assert_eq(bus_add(&b, 0x80, 1, &none, NULL), 0);
	cr_assert_eq(bus_access(&b, 0x80, &v, 1, true), 0);
	cr_assert_eq(bus_access(&b, 0x80, &v, 1, false), 0);
	cr_assert_eq(v, 0xff);
}
