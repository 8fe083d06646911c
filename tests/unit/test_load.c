/* test_load.c: the whole 32-bit load: every region lands where the state says, bad input writes nothing. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/bits.h"
#include "mmu/err.h"
#include "tests/unit/fixtures.h"
#include "vmm/layout.h"
#include "vmm/load.h"

static uint8_t *img;
static struct guest_mem gm;
static uint8_t initrd[5000];

static void setup(void)
{
	img = fixture_bzimage();
	gm = fixture_ram(MiB(64));
	memset(initrd, 0x5a, sizeof(initrd));
}

static void teardown(void)
{
	free(img);
	fixture_ram_free(&gm);
}

TestSuite(load, .init = setup, .fini = teardown);

static struct load_request request(const char *cmdline)
{
	return (struct load_request){ .kernel = img, .kernel_len = FIX_IMAGE_LEN,
				      .initrd = initrd, .initrd_len = sizeof(initrd),
				      .cmdline = cmdline };
}

Test(load, everything_in_place)
{
	struct load_request req = request("console=ttyS0");
	struct boot_cpu cpu;
	struct load_result res;
	struct boot_params *bp = (void *)(gm.hva + LAYOUT_ZERO_PAGE);

	cr_assert_eq(load_linux32(&gm, &req, &cpu, &res), 0, "%s", err_msg());
	cr_assert_eq(cpu.rip, FIX_PREF_ADDRESS);
	cr_assert_eq(cpu.rsi, LAYOUT_ZERO_PAGE);
	cr_assert_eq(memcmp(gm.hva + FIX_PREF_ADDRESS, img + FIX_PM_OFFSET, FIX_PM_SIZE), 0);
	cr_assert_eq(bp->hdr.ramdisk_image, res.initrd);
	cr_assert_eq(bp->hdr.ramdisk_size, sizeof(initrd));
	cr_assert_eq(memcmp(gm.hva + res.initrd, initrd, sizeof(initrd)), 0);
	cr_assert_eq(res.initrd % 4096, 0);
	cr_assert_geq(res.initrd, FIX_PREF_ADDRESS + FIX_INIT_SIZE);
	cr_assert_str_eq((char *)gm.hva + bp->hdr.cmd_line_ptr, "console=ttyS0");
	cr_assert_eq(cpu.gdt.base, LAYOUT_GDT);
	uint64_t cs;
	memcpy(&cs, gm.hva + LAYOUT_GDT + cpu.cs.selector, 8);
	cr_assert_eq(cs, 0x00cf9b000000ffffULL, "CS descriptor in guest memory");
	cr_assert_eq(res.protocol, 0x020f);
}

static bool ram_is_zero(void)
{
	for (uint64_t i = 0; i < gm.size; i += 512)
		if (gm.hva[i] != 0)
			return false;
	return true;
}

Test(load, initrd_too_big_writes_nothing)
{
	struct load_request req = request("");
	struct boot_cpu cpu;
	struct load_result res;

	req.initrd_len = MiB(40); /* only the length matters before the check */
	cr_assert_eq(load_linux32(&gm, &req, &cpu, &res), -E2BIG);
	cr_assert(ram_is_zero());
}

Test(load, bad_kernel_writes_nothing)
{
	struct load_request req = request("");
	struct boot_cpu cpu;
	struct load_result res;

	fixture_hdr(img)->header = 0;
	cr_assert_eq(load_linux32(&gm, &req, &cpu, &res), -EINVAL);
	cr_assert(ram_is_zero());
}

Test(load, cmdline_too_long_writes_nothing)
{
	char *s = calloc(1, 0x900);
	struct load_request req;
	struct boot_cpu cpu;
	struct load_result res;

	memset(s, 'x', 0x8ff);
	req = request(s);
	cr_assert_eq(load_linux32(&gm, &req, &cpu, &res), -EINVAL);
	cr_assert(ram_is_zero());
	free(s);
}
