/* test_progress.c: unit tests for vmm/fuzz/progress.c: which points a run watches, KASLR refusals, hits and skips. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "mmu/err.h"
#include "vmm/fuzz/progress.h"

static const char map[] =
	"ffffffff81000000 T _text\n"
	"ffffffff819fa60e t run_init_process\n"
	"ffffffff81a49040 T rest_init\n"
	"ffffffff83079e46 T start_kernel\n";

static struct symtab syms;
static struct progress_plan pl;

static void load(void)
{
	cr_assert_eq(symtab_load(&syms, (const uint8_t *)map, sizeof(map) - 1), 0);
}

static void unload(void)
{
	symtab_free(&syms);
}

TestSuite(progress, .init = load, .fini = unload);

Test(progress, defaults_in_boot_order)
{
	struct progress_in in = { .link_addresses = true, .kernel_entry = 0x1000000,
				  .syms = &syms };

	cr_assert_eq(progress_plan(&pl, &in), 0);
	cr_assert_eq(pl.n, 3);
	cr_assert_str_eq(pl.p[0].name, "kernel");
	cr_assert_eq(pl.p[0].addr, 0x1000000);
	cr_assert_str_eq(pl.p[1].name, "start_kernel");
	cr_assert_eq(pl.p[1].addr, 0xffffffff83079e46);
	cr_assert_str_eq(pl.p[2].name, "userspace");
	cr_assert_eq(pl.until, -1);
	cr_assert_not(pl.p[1].soft, "a bzImage's kernel is written by its decompressor");
}

Test(progress, loaded_image_gets_int3_at_link_physical)
{
	struct progress_in in = { .link_addresses = true, .kernel_entry = 0x1000000,
				  .image_loaded = true, .syms = &syms, .until = "rest_init" };

	cr_assert_eq(progress_plan(&pl, &in), 0);
	cr_assert_eq(pl.n, 4);
	cr_assert_eq(pl.until, 3);
	cr_assert(pl.p[3].soft);
	cr_assert_eq(pl.p[3].phys, 0x1a49040, "vaddr - __START_KERNEL_map");
}

Test(progress, kaslr_refusals_name_nokaslr)
{
	struct progress_in in = { .kernel_entry = 0x1000000, .syms = &syms, .until = "kernel" };

	cr_assert_eq(progress_plan(&pl, &in), -EOPNOTSUPP);
	cr_assert_not_null(strstr(err_msg(), "nokaslr"), "%s", err_msg());
	in.until = "start_kernel";
	cr_assert_eq(progress_plan(&pl, &in), -EOPNOTSUPP);
	in.until = NULL;
	cr_assert_eq(progress_plan(&pl, &in), 0, "without --run-until: no points, said why");
	cr_assert_eq(pl.n, 0);
	cr_assert_not_null(strstr(pl.missing, "nokaslr"), "%s", pl.missing);
}

Test(progress, unknown_symbol_and_missing_symbols)
{
	struct progress_in in = { .link_addresses = true, .kernel_entry = 0x1000000,
				  .syms = &syms, .until = "no_such_function" };

	cr_assert_eq(progress_plan(&pl, &in), -ENOENT);
	in.syms = NULL;
	in.until = "start_kernel";
	cr_assert_eq(progress_plan(&pl, &in), -EINVAL);
	cr_assert_not_null(strstr(err_msg(), "--symbols"), "%s", err_msg());
	in.until = "marker";
	cr_assert_eq(progress_plan(&pl, &in), 0, "the marker is the console's, no breakpoint");
	cr_assert_eq(pl.until, -1);
}

Test(progress, hits_mark_points_and_shrink_what_is_armed)
{
	struct progress_in in = { .link_addresses = true, .kernel_entry = 0x1000000,
				  .syms = &syms };
	struct progress_run r;
	uint64_t addr[PROGRESS_MAX];

	cr_assert_eq(progress_plan(&pl, &in), 0);
	progress_start(&pl, &r, 0x1000200, true);
	cr_assert_eq(progress_pending(&pl, &r, addr), 3);
	cr_assert_eq(progress_furthest(&pl, &r), -1);
	cr_assert_eq(progress_hit(&pl, &r, 0xffffffff83079e46), 1);
	cr_assert_eq(progress_hit(&pl, &r, 0xffffffff83079e46), -1, "passed once");
	cr_assert_eq(progress_hit(&pl, &r, 0x1234), -1, "not ours");
	cr_assert_eq(progress_pending(&pl, &r, addr), 2);
	cr_assert_eq(addr[0], 0x1000000);
	cr_assert_eq(progress_furthest(&pl, &r), 1);
}

Test(progress, decompressor_start_is_skipped_elf_start_is_passed)
{
	struct progress_in in = { .link_addresses = true, .kernel_entry = 0x1000000 };
	struct progress_run r;

	cr_assert_eq(progress_plan(&pl, &in), 0);
	progress_start(&pl, &r, 0x1000000, true); /* 32-bit entry: compressed startup_32 there */
	cr_assert_eq(progress_hit(&pl, &r, 0x1000000), PROGRESS_SKIPPED);
	cr_assert_eq(progress_hit(&pl, &r, 0x1000000), 0, "the second time it is the kernel");
	progress_start(&pl, &r, 0x1000000, false); /* ELF: vmm enters the kernel itself */
	cr_assert_eq(r.passed, 1u);
}

Test(progress, until_point_where_the_run_starts_is_refused)
{
	struct progress_in in = { .link_addresses = true, .kernel_entry = 0x1000000,
				  .image_loaded = true, .syms = &syms, .until = "kernel",
				  .start_rip = 0x1000000, .start_in_kernel = true };

	cr_assert_eq(progress_plan(&pl, &in), -EINVAL, "ELF: a run would end before it began");
	cr_assert_not_null(strstr(err_msg(), "start_kernel"), "%s", err_msg());
	in.until = "start_kernel";
	cr_assert_eq(progress_plan(&pl, &in), 0, "a later point is fine");
	in.until = "kernel";
	in.start_in_kernel = false; /* the 32-bit entry: the decompressor starts there */
	cr_assert_eq(progress_plan(&pl, &in), 0);
	in.start_in_kernel = true;
	in.start_rip = 0x1000200; /* PVH: pvh_start_xen, before the kernel's entry */
	cr_assert_eq(progress_plan(&pl, &in), 0);
}
