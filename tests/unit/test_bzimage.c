/* test_bzimage.c: setup-header validation (one test per rejected field), placement and loading. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loader/bzimage.h"
#include "mmu/bits.h"
#include "mmu/err.h"
#include "tests/unit/fixtures.h"

static uint8_t *img;
static struct bzimage bz;

static void setup(void)
{
	img = fixture_bzimage();
	err_clear();
}

static void teardown(void)
{
	free(img);
}

TestSuite(bzimage, .init = setup, .fini = teardown);

static void expect_reject(size_t len, const char *field)
{
	cr_assert_eq(bzimage_parse(img, len, &bz), -EINVAL);
	cr_assert_not_null(strstr(err_msg(), field), "message '%s' lacks '%s'",
			   err_msg(), field);
}

Test(bzimage, accepts_good_image)
{
	cr_assert_eq(bzimage_parse(img, FIX_IMAGE_LEN, &bz), 0, "%s", err_msg());
	cr_assert_eq(bz.pm_offset, FIX_PM_OFFSET);
	cr_assert_eq(bz.pm_size, FIX_PM_SIZE);
	cr_assert_eq(bz.hdr_end, 0x26c);
	cr_assert_eq(bz.hdr.init_size, FIX_INIT_SIZE);
}

Test(bzimage, setup_sects_zero_means_four)
{
	fixture_hdr(img)->setup_sects = 0;
	cr_assert_eq(bzimage_parse(img, FIX_IMAGE_LEN, &bz), 0, "%s", err_msg());
	cr_assert_eq(bz.pm_offset, 5 * 512);
}

Test(bzimage, rejects_truncated_header)
{
	expect_reject(0x200, "too short");
}

Test(bzimage, rejects_empty_file)
{
	expect_reject(0, "too short");
}

Test(bzimage, rejects_bad_boot_flag)
{
	fixture_hdr(img)->boot_flag = 0x1234;
	expect_reject(FIX_IMAGE_LEN, "boot_flag 0x1234");
}

Test(bzimage, rejects_bad_magic)
{
	fixture_hdr(img)->header = 0x12345678;
	expect_reject(FIX_IMAGE_LEN, "header magic 0x12345678");
}

Test(bzimage, rejects_too_old_version)
{
	fixture_hdr(img)->version = 0x0209;
	expect_reject(FIX_IMAGE_LEN, "version 2.09");
}

Test(bzimage, rejects_missing_loaded_high)
{
	fixture_hdr(img)->loadflags = 0;
	expect_reject(FIX_IMAGE_LEN, "LOADED_HIGH");
}

Test(bzimage, rejects_header_past_boot_params_limit)
{
	fixture_hdr(img)->jump = 0xffeb;
	expect_reject(FIX_IMAGE_LEN, "jump 0xffeb");
}

Test(bzimage, rejects_setup_sects_past_eof)
{
	fixture_hdr(img)->setup_sects = 200;
	expect_reject(FIX_IMAGE_LEN, "setup_sects 200");
}

Test(bzimage, rejects_truncated_protected_mode_code)
{
	expect_reject(FIX_IMAGE_LEN - 16, "syssize");
}

Test(bzimage, accepts_file_ending_inside_last_paragraph)
{
	/* memtest86+ 6.10: syssize rounds up, the file stops 8 bytes short. */
	cr_assert_eq(bzimage_parse(img, FIX_IMAGE_LEN - 8, &bz), 0, "%s", err_msg());
	cr_assert_eq(bz.pm_size, FIX_PM_SIZE - 8, "only the bytes the file holds");
	cr_assert_eq(bzimage_parse(img, FIX_IMAGE_LEN - 15, &bz), 0, "%s", err_msg());
	cr_assert_eq(bz.pm_size, FIX_PM_SIZE - 15);
}

Test(bzimage, rejects_zero_syssize)
{
	fixture_hdr(img)->syssize = 0;
	expect_reject(FIX_IMAGE_LEN, "syssize 0x0");
}

Test(bzimage, rejects_huge_syssize)
{
	fixture_hdr(img)->syssize = 0xffffffff;
	expect_reject(FIX_IMAGE_LEN, "syssize 0xffffffff");
}

Test(bzimage, rejects_bad_kernel_alignment)
{
	fixture_hdr(img)->kernel_alignment = 0x300000;
	expect_reject(FIX_IMAGE_LEN, "kernel_alignment 0x300000");
}

Test(bzimage, rejects_init_size_below_code)
{
	fixture_hdr(img)->init_size = 0x100;
	expect_reject(FIX_IMAGE_LEN, "init_size 0x100");
}

Test(bzimage, rejects_pref_address_in_low_memory)
{
	fixture_hdr(img)->pref_address = 0x7000;
	expect_reject(FIX_IMAGE_LEN, "pref_address 0x7000");
}

Test(bzimage, relocatable_loads_at_pref_address)
{
	struct guest_mem gm = { .size = MiB(256) };
	struct kernel_place kp;

	cr_assert_eq(bzimage_parse(img, FIX_IMAGE_LEN, &bz), 0);
	cr_assert_eq(bzimage_place(&bz, &gm, &kp), 0, "%s", err_msg());
	cr_assert_eq(kp.load, FIX_PREF_ADDRESS);
	cr_assert_eq(kp.runtime_start, FIX_PREF_ADDRESS);
	cr_assert_eq(kp.end, FIX_PREF_ADDRESS + FIX_INIT_SIZE);
}

Test(bzimage, non_relocatable_loads_at_1m_and_runs_at_pref_address)
{
	struct guest_mem gm = { .size = MiB(256) };
	struct kernel_place kp;

	fixture_hdr(img)->relocatable_kernel = 0;
	cr_assert_eq(bzimage_parse(img, FIX_IMAGE_LEN, &bz), 0);
	cr_assert_eq(bzimage_place(&bz, &gm, &kp), 0, "%s", err_msg());
	cr_assert_eq(kp.load, 0x100000);
	cr_assert_eq(kp.runtime_start, FIX_PREF_ADDRESS);
	cr_assert_eq(kp.end, FIX_PREF_ADDRESS + FIX_INIT_SIZE);
}

Test(bzimage, rejects_init_size_beyond_ram_and_names_needed_mem)
{
	struct guest_mem gm = { .size = MiB(32) };
	struct kernel_place kp;

	cr_assert_eq(bzimage_parse(img, FIX_IMAGE_LEN, &bz), 0);
	cr_assert_eq(bzimage_place(&bz, &gm, &kp), -E2BIG);
	cr_assert_not_null(strstr(err_msg(), "init_size 0x2000000"), "%s", err_msg());
	cr_assert_not_null(strstr(err_msg(), "--mem 48M"), "%s", err_msg());
}

Test(bzimage, init_size_exactly_fitting_is_accepted)
{
	struct guest_mem gm = { .size = MiB(48) };
	struct kernel_place kp;

	cr_assert_eq(bzimage_parse(img, FIX_IMAGE_LEN, &bz), 0);
	cr_assert_eq(bzimage_place(&bz, &gm, &kp), 0, "%s", err_msg());
}

Test(bzimage, load_copies_protected_mode_code)
{
	struct guest_mem gm = fixture_ram(MiB(64));
	struct kernel_place kp;

	cr_assert_eq(bzimage_parse(img, FIX_IMAGE_LEN, &bz), 0);
	cr_assert_eq(bzimage_place(&bz, &gm, &kp), 0);
	cr_assert_eq(bzimage_load(&bz, &gm, &kp), 0);
	cr_assert_eq(memcmp(gm.hva + FIX_PREF_ADDRESS, img + FIX_PM_OFFSET,
			    FIX_PM_SIZE), 0);
	cr_assert_eq(gm.hva[FIX_PREF_ADDRESS + FIX_PM_SIZE], 0, "nothing past syssize");
	fixture_ram_free(&gm);
}

static int place_initrd(uint64_t ram, uint64_t size, gpa_t *addr)
{
	struct guest_mem gm = { .size = ram };
	struct kernel_place kp;

	cr_assert_eq(bzimage_parse(img, FIX_IMAGE_LEN, &bz), 0);
	cr_assert_eq(bzimage_place(&bz, &gm, &kp), 0);
	return bzimage_place_initrd(&bz, &gm, &kp, size, addr);
}

Test(bzimage, initrd_goes_page_aligned_to_top_of_ram)
{
	gpa_t a;

	cr_assert_eq(place_initrd(MiB(256), 12345, &a), 0, "%s", err_msg());
	cr_assert_eq(a, align_down(MiB(256) - 12345, 4096));
	cr_assert_geq(a, FIX_PREF_ADDRESS + FIX_INIT_SIZE);
}

Test(bzimage, initrd_stays_below_initrd_addr_max)
{
	gpa_t a;

	fixture_hdr(img)->initrd_addr_max = 0x5ffffff; /* 96 MiB - 1 */
	cr_assert_eq(place_initrd(MiB(256), 0x1000, &a), 0, "%s", err_msg());
	cr_assert_eq(a, 0x6000000 - 0x1000);
}

Test(bzimage, rejects_initrd_too_big)
{
	gpa_t a;

	cr_assert_eq(place_initrd(MiB(64), MiB(17), &a), -E2BIG);
	cr_assert_not_null(strstr(err_msg(), "initrd"), "%s", err_msg());
}

Test(bzimage, rejects_initrd_limit_below_kernel)
{
	gpa_t a;

	fixture_hdr(img)->initrd_addr_max = 0x1ffffff; /* inside init_size */
	cr_assert_eq(place_initrd(MiB(256), 0x1000, &a), -E2BIG);
	cr_assert_not_null(strstr(err_msg(), "initrd_addr_max 0x1ffffff"), "%s", err_msg());
}
