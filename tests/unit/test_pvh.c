/* test_pvh.c: the XEN_ELFNOTE_PHYS32_ENTRY note scanner and hvm_start_info/modlist/memmap construction. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loader/memmap.h"
#include "loader/pvh.h"
#include "mmu/bits.h"
#include "mmu/err.h"
#include "tests/unit/fixtures.h"

static uint8_t buf[0x4000];
static bool found;
static uint32_t entry;

static void setup(void)
{
	memset(buf, 0, sizeof(buf));
	err_clear();
}

TestSuite(pvh, .init = setup);

static void expect_scan_reject(size_t len, const char *field)
{
	cr_assert_eq(pvh_note_scan(buf, len, &found, &entry), -EINVAL);
	cr_assert_not_null(strstr(err_msg(), field), "message '%s' lacks '%s'",
			   err_msg(), field);
}

/* descsz at most 8: the desc is read from `value`. */
static size_t pvh_note(uint8_t *p, uint64_t value, uint32_t descsz)
{
	return fixture_note(p, "Xen", 18, &value, descsz);
}

/* Header words of the note at p: 0 namesz, 1 descsz, 2 type. */
static void set_word(uint8_t *p, unsigned word, uint32_t v)
{
	memcpy(p + 4 * word, &v, sizeof(v));
}

Test(pvh, finds_4_byte_desc)
{
	size_t len = pvh_note(buf, 0x1000850, 4);

	cr_assert_eq(len, 20);
	cr_assert_eq(pvh_note_scan(buf, len, &found, &entry), 0, "%s", err_msg());
	cr_assert(found);
	cr_assert_eq(entry, 0x1000850);
}

/* x86_64 kernels emit _ASM_PTR: 8 bytes, the low 32 are the entry. */
Test(pvh, finds_8_byte_desc)
{
	size_t len = pvh_note(buf, 0x1000850, 8);

	cr_assert_eq(pvh_note_scan(buf, len, &found, &entry), 0, "%s", err_msg());
	cr_assert(found);
	cr_assert_eq(entry, 0x1000850);
}

Test(pvh, finds_note_after_others)
{
	size_t len = fixture_note(buf, "GNU", 3, "0123456789abcdefghij", 20);

	len += fixture_note(buf + len, "Xen", 6, "linux", 6);
	len += pvh_note(buf + len, 0x1234560, 8);
	cr_assert_eq(pvh_note_scan(buf, len, &found, &entry), 0, "%s", err_msg());
	cr_assert(found);
	cr_assert_eq(entry, 0x1234560);
}

Test(pvh, no_note_in_empty_segment)
{
	cr_assert_eq(pvh_note_scan(buf, 0, &found, &entry), 0);
	cr_assert(!found);
}

Test(pvh, ignores_other_owner)
{
	uint64_t v = 0x1000000;
	size_t len = fixture_note(buf, "Xem", 18, &v, 8);

	cr_assert_eq(pvh_note_scan(buf, len, &found, &entry), 0, "%s", err_msg());
	cr_assert(!found);
}

Test(pvh, ignores_owner_without_nul)
{
	size_t len = pvh_note(buf, 0x1000000, 8);

	set_word(buf, 0, 3); /* "Xen" without its NUL: still padded to 4 */
	cr_assert_eq(pvh_note_scan(buf, len, &found, &entry), 0, "%s", err_msg());
	cr_assert(!found);
}

Test(pvh, ignores_other_xen_type)
{
	size_t len = fixture_note(buf, "Xen", 19, "\0\0\0\1\0\0\0\1\0\0\0\1", 12);

	cr_assert_eq(pvh_note_scan(buf, len, &found, &entry), 0, "%s", err_msg());
	cr_assert(!found);
}

Test(pvh, rejects_truncated_header)
{
	pvh_note(buf, 0x1000000, 8);
	expect_scan_reject(8, "header truncated (8 bytes left");
}

Test(pvh, rejects_truncated_desc)
{
	pvh_note(buf, 0x1000000, 8);
	expect_scan_reject(20, "namesz 4 + descsz 8 run past the 20-byte");
}

Test(pvh, rejects_huge_namesz)
{
	size_t len = pvh_note(buf, 0x1000000, 8);

	set_word(buf, 0, 0xffffffff);
	expect_scan_reject(len, "namesz 4294967295");
}

Test(pvh, rejects_huge_descsz)
{
	size_t len = pvh_note(buf, 0x1000000, 8);

	set_word(buf, 1, 0xfffffffd);
	expect_scan_reject(len, "descsz 4294967293");
}

Test(pvh, rejects_desc_of_2_bytes)
{
	size_t len = pvh_note(buf, 0x1000000, 2);

	expect_scan_reject(len, "descsz 2 is neither 4 nor 8");
}

Test(pvh, rejects_desc_of_16_bytes)
{
	uint64_t desc[2] = { 0x1000000, 0 };
	size_t len = fixture_note(buf, "Xen", 18, desc, sizeof(desc));

	expect_scan_reject(len, "descsz 16 is neither 4 nor 8");
}

Test(pvh, rejects_entry_above_4g)
{
	size_t len = pvh_note(buf, 0x100000000ull | 0x1000000, 8);

	expect_scan_reject(len, "PHYS32_ENTRY 0x0000000101000000 is above 4 GiB");
}

Test(pvh, rejects_misaligned_length)
{
	size_t len = pvh_note(buf, 0x1000000, 8);

	expect_scan_reject(len + 2, "length 26 is not a multiple of 4");
}

Test(pvh, rejects_duplicate_note)
{
	size_t len = pvh_note(buf, 0x1000000, 8);

	len += pvh_note(buf + len, 0x2000000, 8);
	expect_scan_reject(len, "second XEN_ELFNOTE_PHYS32_ENTRY");
}

/* Empty notes (12 zero bytes each) are legal; the walk still ends. */
Test(pvh, rejects_too_many_notes)
{
	expect_scan_reject((PVH_NOTE_MAX + 1) * 12, "more than 1024 notes");
}

Test(pvh, accepts_many_empty_notes_up_to_bound)
{
	cr_assert_eq(pvh_note_scan(buf, PVH_NOTE_MAX * 12, &found, &entry), 0,
		     "%s", err_msg());
	cr_assert(!found);
}

static struct guest_mem ram;
static struct pvh_args args;

static void build_setup(void)
{
	setup();
	ram = fixture_ram(MiB(64));
	args = (struct pvh_args){
		.start_info = 0x6000, .modlist = 0x6040, .memmap = 0x7000,
		.cmdline = 0x20000, .cmdline_max = 0x800,
		.cmdline_str = "console=ttyS0 panic=-1",
		.initrd = 0x3000000, .initrd_size = 0x123456,
	};
}

static void build_teardown(void)
{
	fixture_ram_free(&ram);
}

TestSuite(pvh_build, .init = build_setup, .fini = build_teardown);

static uint32_t rd32(gpa_t gpa)
{
	uint32_t v;

	memcpy(&v, ram.hva + gpa, sizeof(v));
	return v;
}

static uint64_t rd64(gpa_t gpa)
{
	uint64_t v;

	memcpy(&v, ram.hva + gpa, sizeof(v));
	return v;
}

/* Read back at the offsets of start_info.h, not through our struct. */
Test(pvh_build, start_info_fields_at_abi_offsets)
{
	struct memmap_entry map[MEMMAP_MAX];
	unsigned n = memmap_build(&ram, map);

	cr_assert_eq(pvh_build(&ram, &args), 0, "%s", err_msg());
	cr_assert_eq(rd32(0x6000 + 0), 0x336ec578);
	cr_assert_eq(rd32(0x6000 + 4), 1);
	cr_assert_eq(rd32(0x6000 + 8), 0);
	cr_assert_eq(rd32(0x6000 + 12), 1);
	cr_assert_eq(rd64(0x6000 + 16), 0x6040);
	cr_assert_eq(rd64(0x6000 + 24), 0x20000);
	cr_assert_eq(rd64(0x6000 + 32), 0);
	cr_assert_eq(rd64(0x6000 + 40), 0x7000);
	cr_assert_eq(rd32(0x6000 + 48), n);
	cr_assert_eq(rd32(0x6000 + 52), 0);
	cr_assert_str_eq((char *)ram.hva + 0x20000, "console=ttyS0 panic=-1");
}

Test(pvh_build, memmap_equals_memmap_build)
{
	struct memmap_entry map[MEMMAP_MAX];
	unsigned n = memmap_build(&ram, map);

	cr_assert_eq(pvh_build(&ram, &args), 0, "%s", err_msg());
	cr_assert_geq(n, 3);
	for (unsigned i = 0; i < n; i++) {
		gpa_t e = 0x7000 + 24 * i;

		cr_assert_eq(rd64(e), map[i].addr, "entry %u", i);
		cr_assert_eq(rd64(e + 8), map[i].size, "entry %u", i);
		cr_assert_eq(rd32(e + 16), map[i].type, "entry %u", i);
		cr_assert_eq(rd32(e + 20), 0, "entry %u", i);
	}
}

Test(pvh_build, module_0_is_the_initrd)
{
	cr_assert_eq(pvh_build(&ram, &args), 0, "%s", err_msg());
	cr_assert_eq(rd64(0x6040 + 0), 0x3000000);
	cr_assert_eq(rd64(0x6040 + 8), 0x123456);
	cr_assert_eq(rd64(0x6040 + 16), 0);
	cr_assert_eq(rd64(0x6040 + 24), 0);
}

Test(pvh_build, no_modules_without_initrd)
{
	memset(ram.hva + 0x6040, 0xaa, 32);
	args.initrd = 0;
	args.initrd_size = 0;
	cr_assert_eq(pvh_build(&ram, &args), 0, "%s", err_msg());
	cr_assert_eq(rd32(0x6000 + 12), 0);
	cr_assert_eq(rd64(0x6000 + 16), 0);
	cr_assert_eq(ram.hva[0x6040], 0xaa);
}

Test(pvh_build, rejects_long_cmdline_before_writing)
{
	args.cmdline_max = 8;
	cr_assert_eq(pvh_build(&ram, &args), -EINVAL);
	cr_assert_not_null(strstr(err_msg(), "22 bytes exceed"), "%s", err_msg());
	cr_assert_eq(rd32(0x6000), 0);
	cr_assert_eq(ram.hva[0x20000], 0);
}

Test(pvh_build, accepts_cmdline_filling_its_area)
{
	args.cmdline_max = strlen(args.cmdline_str) + 1;
	cr_assert_eq(pvh_build(&ram, &args), 0, "%s", err_msg());
}

Test(pvh_build, rejects_memmap_outside_ram)
{
	args.memmap = MiB(64) - 24;
	cr_assert_eq(pvh_build(&ram, &args), -E2BIG);
	cr_assert_not_null(strstr(err_msg(), "memmap 0x3ffffe8"), "%s", err_msg());
	cr_assert_eq(rd32(0x6000), 0);
}

Test(pvh_build, rejects_start_info_above_4g)
{
	args.start_info = GiB(4);
	cr_assert_eq(pvh_build(&ram, &args), -EINVAL);
	cr_assert_not_null(strstr(err_msg(), "above 4 GiB"), "%s", err_msg());
}

Test(pvh_build, rejects_overlapping_regions)
{
	args.modlist = 0x6020;
	cr_assert_eq(pvh_build(&ram, &args), -EINVAL);
	cr_assert_not_null(strstr(err_msg(), "start_info 0x6000 overlaps modlist 0x6020"),
			   "%s", err_msg());
	cr_assert_eq(rd32(0x6000), 0);
}

Test(pvh_build, rejects_empty_initrd)
{
	args.initrd_size = 0;
	cr_assert_eq(pvh_build(&ram, &args), -EINVAL);
	cr_assert_not_null(strstr(err_msg(), "size 0"), "%s", err_msg());
}
