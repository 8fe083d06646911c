/* test_bootparams.c: zero page contents: header copy, loader fields, command line, e820. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loader/bootparams.h"
#include "loader/memmap.h"
#include "mmu/bits.h"
#include "mmu/err.h"
#include "tests/unit/fixtures.h"

#define ZP 0x7000
#define CMDLINE 0x20000

static uint8_t *img;
static struct bzimage bz;
static struct kernel_place kp;
static struct guest_mem gm;

static void setup(void)
{
	img = fixture_bzimage();
	gm = fixture_ram(MiB(64));
	cr_assert_eq(bzimage_parse(img, FIX_IMAGE_LEN, &bz), 0);
	cr_assert_eq(bzimage_place(&bz, &gm, &kp), 0);
}

static void teardown(void)
{
	free(img);
	fixture_ram_free(&gm);
}

TestSuite(bootparams, .init = setup, .fini = teardown);

static struct bootparams_args args(const char *cmdline)
{
	struct bootparams_args a = { .zero_page = ZP, .cmdline = CMDLINE,
				     .cmdline_max = 0x10000,
				     .cmdline_str = cmdline };

	bootparams_from_bzimage(&a, &bz, &kp);
	return a;
}

static struct boot_params *zp(void)
{
	return (struct boot_params *)(gm.hva + ZP);
}

Test(bootparams, header_copied_from_0x1f1_without_sentinel)
{
	struct bootparams_args a = args("console=ttyS0");

	memset(gm.hva + ZP, 0xaa, 4096); /* stale bytes must be cleared */
	cr_assert_eq(bootparams_build(&gm, &a), 0, "%s", err_msg());
	cr_assert_eq(gm.hva[ZP + 0x1ef], 0, "sentinel must stay 0");
	cr_assert_eq(gm.hva[ZP + 0x1f0], 0);
	cr_assert_eq(gm.hva[ZP + 0x1f1], FIX_SETUP_SECTS);
	cr_assert_eq(zp()->hdr.header, 0x53726448);
	cr_assert_eq(zp()->hdr.init_size, FIX_INIT_SIZE);
	cr_assert_eq(zp()->hdr.kernel_alignment, 0x200000);
	cr_assert_eq(zp()->hdr.pref_address, FIX_PREF_ADDRESS);
	cr_assert_eq(gm.hva[ZP + 0x26c], 0, "nothing after the header end");
	cr_assert_eq(zp()->screen_info.orig_video_lines, 0);
}

Test(bootparams, loader_fields)
{
	struct bootparams_args a = args("");

	a.initrd = 0x3000000;
	a.initrd_size = 0x12345;
	cr_assert_eq(bootparams_build(&gm, &a), 0, "%s", err_msg());
	cr_assert_eq(zp()->hdr.type_of_loader, 0xff);
	cr_assert_eq(zp()->hdr.code32_start, FIX_PREF_ADDRESS);
	cr_assert_eq(zp()->hdr.ramdisk_image, 0x3000000);
	cr_assert_eq(zp()->hdr.ramdisk_size, 0x12345);
	cr_assert_eq(zp()->hdr.hardware_subarch, 0);
	cr_assert_eq(zp()->hdr.loadflags & LOADED_HIGH, LOADED_HIGH);
}

Test(bootparams, cmdline_pointer_and_contents)
{
	struct bootparams_args a = args("console=ttyS0 reboot=k");

	cr_assert_eq(bootparams_build(&gm, &a), 0, "%s", err_msg());
	cr_assert_eq(zp()->hdr.cmd_line_ptr, CMDLINE);
	cr_assert_str_eq((char *)gm.hva + CMDLINE, "console=ttyS0 reboot=k");
}

Test(bootparams, empty_cmdline_still_has_pointer)
{
	struct bootparams_args a = args("");

	cr_assert_eq(bootparams_build(&gm, &a), 0, "%s", err_msg());
	cr_assert_eq(zp()->hdr.cmd_line_ptr, CMDLINE, "0 would mean a pre-2.02 loader");
	cr_assert_eq(gm.hva[CMDLINE], 0);
}

Test(bootparams, cmdline_at_cmdline_size_is_accepted)
{
	char *s = malloc(0x800);
	struct bootparams_args a;

	memset(s, 'a', 0x7ff);
	s[0x7ff] = 0;
	a = args(s);
	cr_assert_eq(bootparams_build(&gm, &a), 0, "%s", err_msg());
	free(s);
}

Test(bootparams, rejects_cmdline_longer_than_cmdline_size)
{
	char *s = malloc(0x801);
	struct bootparams_args a;

	memset(s, 'a', 0x800);
	s[0x800] = 0;
	a = args(s);
	cr_assert_eq(bootparams_build(&gm, &a), -EINVAL);
	cr_assert_not_null(strstr(err_msg(), "cmdline_size 2047"), "%s", err_msg());
	cr_assert_eq(gm.hva[CMDLINE], 0, "nothing written");
	free(s);
}

Test(bootparams, rejects_cmdline_longer_than_vmm_area)
{
	struct bootparams_args a = args("console=ttyS0");

	a.cmdline_max = 8;
	cr_assert_eq(bootparams_build(&gm, &a), -EINVAL);
	cr_assert_not_null(strstr(err_msg(), "command-line area"), "%s", err_msg());
}

Test(bootparams, e820_matches_ram)
{
	struct bootparams_args a = args("");
	struct boot_params *p = zp();

	cr_assert_eq(bootparams_build(&gm, &a), 0, "%s", err_msg());
	cr_assert_eq(p->e820_entries, 3);
	cr_assert_eq(p->e820_table[0].addr, 0);
	cr_assert_eq(p->e820_table[0].size, MEMMAP_EBDA_START);
	cr_assert_eq(p->e820_table[0].type, MEMMAP_RAM);
	cr_assert_eq(p->e820_table[1].type, MEMMAP_RESERVED);
	cr_assert_eq(p->e820_table[2].addr, MiB(1));
	cr_assert_eq(p->e820_table[2].size, MiB(63));
	cr_assert_eq(p->e820_table[2].type, MEMMAP_RAM);
}

Test(bootparams, rejects_zero_page_outside_ram)
{
	struct bootparams_args a = args("");

	a.zero_page = MiB(64) - 0x800;
	cr_assert_eq(bootparams_build(&gm, &a), -E2BIG);
}

Test(bootparams, synthesized_header_for_plain_elf)
{
	uint8_t hdr[BOOTPARAMS_SYNTH_LEN];
	struct bootparams_args a = { .zero_page = ZP, .cmdline = CMDLINE,
				     .cmdline_max = 0x10000, .cmdline_str = "x" };

	bootparams_synth_header(&a, hdr, 0x1000000);
	cr_assert_eq(bootparams_build(&gm, &a), 0, "%s", err_msg());
	cr_assert_eq(zp()->hdr.boot_flag, 0xaa55);
	cr_assert_eq(zp()->hdr.header, 0x53726448);
	cr_assert_eq(zp()->hdr.version, 0x020f);
	cr_assert_eq(zp()->hdr.type_of_loader, 0xff);
	cr_assert_eq(zp()->hdr.code32_start, 0x1000000);
	cr_assert_eq(zp()->hdr.cmdline_size, 2047);
	cr_assert_eq(zp()->hdr.cmd_line_ptr, CMDLINE);
	cr_assert_eq(zp()->e820_entries, 3);
}

Test(bootparams, rejects_oversized_header)
{
	struct bootparams_args a = args("");

	a.setup_header_len = 0x290 - 0x1f1 + 1;
	cr_assert_eq(bootparams_build(&gm, &a), -EINVAL);
}
