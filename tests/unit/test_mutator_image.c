/* test_mutator_image.c: the mutator image round-trips (state, paging.limit, boot info, page tables), refuses every truncation and bad field by name, and maps its regions into zeroed memory. */
#define _GNU_SOURCE
#include <asm/bootparam.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/pvh.h"
#include "mmu/bits.h"
#include "mmu/err.h"
#include "tests/unit/fixtures.h"
#include "vmm/fuzz/mutator_image.h"
#include "vmm/state.h"

#define ZP 0x7000ULL
#define PVH_SI 0x6000ULL
#define PVH_MAP 0x7000ULL
#define HEADER 64 /* the file's header bytes (README "AFL++") */

static struct guest_mem gm, mapped;
static struct entry_state base;
static struct mutator_image ti, back;
static uint8_t *buf;
static size_t len;

static void setup(void)
{
	gm = fixture_ram(MiB(64));
}

static void teardown(void)
{
	free(buf);
	buf = NULL;
	if (mapped.hva)
		mutator_image_unmap(&mapped);
	fixture_ram_free(&gm);
}

TestSuite(mutator_image, .init = setup, .fini = teardown);

/* A loaded image: state, GDT, tables, and the zero page (or hvm_start_info and its map). */
static void load(enum boot_proto proto)
{
	struct entry_options o = { .proto = proto, .paging = proto == BOOT_PVH ? PAGING_OFF : PAGING_LONG };
	struct pt_result pt;

	cr_assert_eq(fixture_entry(&base, &o, MiB(64)), 0, "%s", err_msg());
	cr_assert_eq(entry_write(&gm, &base, 0x500, 0x6000, &pt), 0, "%s", err_msg());
	if (proto == BOOT_PVH) {
		struct hvm_start_info *si = gm_ptr(&gm, PVH_SI, sizeof(*si));
		struct hvm_memmap_table_entry *map = gm_ptr(&gm, PVH_MAP, 2 * sizeof(*map));

		*si = (struct hvm_start_info){ .magic = HVM_START_MAGIC, .memmap_paddr = PVH_MAP,
					       .memmap_entries = 2 };
		map[0] = (struct hvm_memmap_table_entry){ 0, 0x9fc00, 1, 0 };
		map[1] = (struct hvm_memmap_table_entry){ 0x100000, MiB(63), 1, 0 };
		base.cpu.rbx = PVH_SI;
	} else {
		struct boot_params *bp = gm_ptr(&gm, ZP, sizeof(*bp));

		bp->e820_entries = 1;
		bp->hdr.cmd_line_ptr = 0x20000;
	}
	base.paging.limit = 0x6d000;
	cr_assert(proto == BOOT_PVH || base.cpu.rsi == ZP, "fixture_entry()'s zero page");
	cr_assert_eq(mutator_image_make(&ti, &gm, &base, pt.bytes, true), 0, "%s", err_msg());
	cr_assert_eq(mutator_image_encode(&ti, &buf, &len), 0);
}

Test(mutator_image, a_zero_page_image_round_trips)
{
	char *a, *b;

	load(BOOT_LINUX64);
	cr_assert_eq(ti.nregions, 2, "the zero page and the page tables");
	cr_assert_eq(mutator_image_parse(buf, len, &back), 0, "%s", err_msg());
	cr_assert_eq(back.mem_size, MiB(64));
	cr_assert_eq(back.info, ZP);
	cr_assert_eq(back.table_bytes, ti.table_bytes);
	cr_assert(back.wild);
	cr_assert_eq(back.valid.paging.limit, 0x6d000, "paging.limit is carried (no state file has it)");
	a = state_text(&base, &(size_t){ 0 });
	b = state_text(&back.valid, &(size_t){ 0 });
	cr_assert_str_eq(a, b);
	free(a);
	free(b);
	for (unsigned i = 0; i < ti.nregions; i++) {
		cr_assert_eq(back.region[i].gpa, ti.region[i].gpa);
		cr_assert_eq(back.region[i].len, ti.region[i].len);
		cr_assert_eq(memcmp(back.region[i].bytes, gm_ptr(&gm, ti.region[i].gpa, ti.region[i].len),
				    ti.region[i].len), 0);
	}
	cr_assert_eq(back.region[0].len, sizeof(struct boot_params));
	cr_assert_eq(back.region[1].gpa, base.paging.base);
}

Test(mutator_image, a_pvh_image_holds_start_info_and_its_memory_map)
{
	load(BOOT_PVH);
	cr_assert_eq(ti.nregions, 2, "no page tables with paging off");
	cr_assert_eq(ti.region[0].gpa, PVH_SI);
	cr_assert_eq(ti.region[0].len, sizeof(struct hvm_start_info));
	cr_assert_eq(ti.region[1].gpa, PVH_MAP);
	cr_assert_eq(ti.region[1].len, 2 * sizeof(struct hvm_memmap_table_entry));
	cr_assert_eq(mutator_image_parse(buf, len, &back), 0, "%s", err_msg());
	cr_assert(back.wild, "the mode is carried");
}

Test(mutator_image, boot_info_outside_ram_is_refused_by_name)
{
	struct entry_options o = { .proto = BOOT_LINUX64, .paging = PAGING_LONG };

	cr_assert_eq(fixture_entry(&base, &o, MiB(64)), 0);
	base.cpu.rsi = MiB(64) - 8;
	cr_assert_eq(mutator_image_make(&ti, &gm, &base, 0, false), -EINVAL);
	cr_assert_not_null(strstr(err_msg(), "zero page"), "%s", err_msg());
}

Test(mutator_image, every_truncation_is_refused)
{
	load(BOOT_LINUX64);
	for (size_t n = 0; n < len; n++)
		cr_assert_lt(mutator_image_parse(buf, n, &back), 0, "%zu of %zu bytes parsed", n, len);
}

/* Set the u32 or u64 at `off`, parse, and expect a refusal naming `field`. */
static void refused(size_t off, unsigned size, uint64_t v, const char *field)
{
	uint8_t *b = malloc(len);

	memcpy(b, buf, len);
	memcpy(b + off, &v, size);
	cr_assert_eq(mutator_image_parse(b, len, &back), -EINVAL, "%s 0x%llx was taken", field,
		     (unsigned long long)v);
	cr_assert_not_null(strstr(err_msg(), field), "'%s' does not name %s", err_msg(), field);
	free(b);
}

Test(mutator_image, each_bad_field_is_named)
{
	load(BOOT_LINUX64);
	refused(0, 4, 0x20626f6f, "not a mutator image");
	refused(16, 4, 2, "version");
	refused(20, 4, 2, "flags");
	refused(24, 8, MiB(8), "mem_size");
	refused(24, 8, 1ULL << 41, "mem_size");
	refused(40, 8, ti.table_bytes + 8, "page tables");
	refused(40, 8, 1ULL << 40, "table_bytes");
	refused(56, 4, 0, "nregions");
	refused(56, 4, MUTATOR_IMAGE_REGIONS + 1, "nregions");
	refused(60, 4, 0, "state_len");
	refused(60, 4, 100, "state_len");
	refused(32, 8, ZP + 8, "boot info");
	refused(HEADER + 8, 8, 0, "region 0: len");
	refused(HEADER + 8, 8, UINT64_MAX, "region 0: len");
}

Test(mutator_image, a_state_that_does_not_parse_is_refused)
{
	uint32_t state_len;

	load(BOOT_LINUX64);
	memcpy(&state_len, buf + 60, 4);
	memcpy(buf + len - state_len, "bogus 1\n", 8); /* over the dump's first line */
	cr_assert_eq(mutator_image_parse(buf, len, &back), -EINVAL);
	cr_assert_not_null(strstr(err_msg(), "valid state"), "%s", err_msg());
}

Test(mutator_image, mapped_memory_is_the_regions_on_zeros)
{
	const uint8_t *zp;

	load(BOOT_LINUX64);
	cr_assert_eq(mutator_image_parse(buf, len, &back), 0, "%s", err_msg());
	cr_assert_eq(mutator_image_map(&back, &mapped), 0, "%s", err_msg());
	cr_assert_eq(mapped.size, MiB(64));
	zp = gm_ptr(&mapped, ZP, sizeof(struct boot_params));
	cr_assert_eq(memcmp(zp, gm_ptr(&gm, ZP, sizeof(struct boot_params)), sizeof(struct boot_params)), 0);
	cr_assert_eq(memcmp(gm_ptr(&mapped, base.paging.base, ti.table_bytes),
			    gm_ptr(&gm, base.paging.base, ti.table_bytes), ti.table_bytes), 0);
	for (gpa_t a = 0x100000; a < MiB(64); a += MiB(4))
		cr_assert_eq(*(const uint64_t *)gm_ptr(&mapped, a, 8), 0, "0x%llx", (unsigned long long)a);
}

Test(mutator_image, a_region_outside_ram_is_refused_when_mapped)
{
	uint64_t far = MiB(64) - 16; /* region 1 (the tables) moved to the end of RAM, past it */

	load(BOOT_LINUX64);
	cr_assert_eq(mutator_image_parse(buf, len, &back), 0, "%s", err_msg());
	back.region[1].gpa = far;
	cr_assert_eq(mutator_image_map(&back, &mapped), -EINVAL);
	cr_assert_not_null(strstr(err_msg(), "region 1"), "%s", err_msg());
	cr_assert_null(mapped.hva, "nothing left mapped");
}

/* vmm fuzz --afl's check of VMM_MUTATOR_IMAGE: the file parsed against the image made here. */
static void expect_apart(const char *what)
{
	cr_assert_eq(mutator_image_compare(&back, &ti), -EINVAL, "%s: no difference found", what);
	cr_assert_not_null(strstr(err_msg(), what), "'%s' not in: %s", what, err_msg());
}

Test(mutator_image, the_same_image_compares_equal_whatever_its_mode)
{
	load(BOOT_LINUX64);
	cr_assert_eq(mutator_image_parse(buf, len, &back), 0, "%s", err_msg());
	back.wild = false;
	cr_assert_eq(mutator_image_compare(&back, &ti), 0, "%s", err_msg());
}

Test(mutator_image, each_difference_from_this_image_is_named)
{
	uint8_t *bytes;

	load(BOOT_LINUX64);
	cr_assert_eq(mutator_image_parse(buf, len, &back), 0, "%s", err_msg());
	back.mem_size = MiB(128);
	expect_apart("mem_size 0x8000000, here 0x4000000");
	back.mem_size = ti.mem_size;
	back.info = ZP + 0x1000;
	expect_apart("boot info at");
	back.info = ti.info;
	back.table_bytes += 0x1000;
	expect_apart("table_bytes");
	back.table_bytes = ti.table_bytes;
	back.valid.paging.limit = 0x7d000;
	expect_apart("paging.limit 0x7d000, here 0x6d000");
	back.valid.paging.limit = ti.valid.paging.limit;
	back.nregions = 1;
	expect_apart("1 regions, here 2");
	back.nregions = 2;
	back.region[1].gpa += 0x1000;
	expect_apart("region 1 [");
	back.region[1].gpa = ti.region[1].gpa;
	bytes = buf + HEADER + 16 + 0x210; /* the zero page's byte 0x210 in the file's buffer */
	cr_assert_eq(back.region[0].bytes + 0x210, bytes);
	*bytes ^= 1;
	expect_apart("region 0: byte 0x210 (at 0x7210)");
	*bytes ^= 1;
	back.valid.cpu.rip ^= 0x10;
	expect_apart("valid state 'rip ");
	cr_assert_not_null(strstr(err_msg(), "here 'rip "), "%s", err_msg());
	back.valid.cpu.rip ^= 0x10;
	cr_assert_eq(mutator_image_compare(&back, &ti), 0, "all put back: %s", err_msg());
}
