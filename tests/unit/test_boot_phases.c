/* test_boot_phases.c: --phases without KVM: the points found by symbol, their times, each initcall timed from entry to return, the report. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/err.h"
#include "vmm/profile/boot_phases.h"

#define KERNEL_ENTRY 0x1000000ull
#define INITCALL 0xffffffff81002460ull
#define RET 0xffffffff8307a700ull
#define FN_A 0xffffffff83100000ull /* an initcall, 3 ms */
#define FN_B 0xffffffff83100100ull /* an initcall, 7 ms */
#define MS 1000000ull

static const char map[] =
	"ffffffff81002460 T do_one_initcall\n"
	"ffffffff81a49040 T rest_init\n"
	"ffffffff81a49110 T kernel_init\n"
	"ffffffff81a4a150 T free_initmem\n"
	"ffffffff819fa60e T run_init_process\n"
	"ffffffff83079e46 T start_kernel\n"
	"ffffffff8307a555 t console_on_rootfs\n"
	"ffffffff83100000 t init_a\n"
	"ffffffff83100100 t init_b\n";

static struct symtab st;
static struct boot_phases b;
static struct initcall_time calls[16];

static void load(const char *text)
{
	cr_assert_eq(symtab_load(&st, (const uint8_t *)text, strlen(text)), 0, "%s", err_msg());
}

static void setup(void)
{
	err_clear();
	load(map);
}

static void teardown(void)
{
	symtab_free(&st);
}

TestSuite(boot_phases, .init = setup, .fini = teardown);

static uint64_t addr_of(const char *name)
{
	uint64_t a = 0;

	cr_assert_eq(symtab_lookup_name(&st, name, &a), 0, "%s", name);
	return a;
}

static bool is_armed(uint64_t a)
{
	return bp_schedule_armed(&b.sched, a);
}

static int hit(uint64_t rip, uint64_t at, uint64_t fn)
{
	bool want_ret;
	int k = boot_phases_hit(&b, rip, at, fn, &want_ret);

	cr_assert_eq(want_ret, rip == INITCALL && k == BOOT_PHASES_INITCALL, "return wanted at %#lx",
		     (unsigned long)rip);
	return k;
}

static char *report(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	boot_phases_report(&b, &st, 10, f);
	fclose(f);
	return text;
}

Test(boot_phases, a_bzimage_gets_the_kernel_point_first_then_init_main_c_order)
{
	static const char *const want[] = { "kernel", "start_kernel", "rest_init", "kernel_init",
					    "console_on_rootfs", "free_initmem", "run_init_process" };
	struct bp_set set;

	cr_assert_eq(boot_phases_plan(&b, &st, true, KERNEL_ENTRY, NULL, 0, calls, 16), 0, "%s", err_msg());
	cr_assert_eq(b.n, 7);
	for (unsigned i = 0; i < 7; i++)
		cr_assert_str_eq(b.p[i].name, want[i]);
	cr_assert_eq(b.p[0].addr, KERNEL_ENTRY);
	cr_assert(b.initcalls);
	boot_phases_arm(&b, &set);
	cr_assert_eq(set.n, 4);
	cr_assert_eq(set.addr[0], KERNEL_ENTRY);
	cr_assert_eq(set.addr[3], addr_of("kernel_init"));
}

Test(boot_phases, an_elf_entry_has_no_kernel_point)
{
	cr_assert_eq(boot_phases_plan(&b, &st, false, KERNEL_ENTRY, NULL, 0, calls, 16), 0, "%s", err_msg());
	cr_assert_str_eq(b.p[0].name, "start_kernel");
	cr_assert_eq(b.n, 6);
}

Test(boot_phases, without_start_kernel_it_is_refused)
{
	symtab_free(&st);
	load("ffffffff81a49040 T rest_init\n");
	cr_assert_eq(boot_phases_plan(&b, &st, false, 0, NULL, 0, calls, 16), -ENOENT);
	cr_assert(strstr(err_msg(), "start_kernel"), "%s", err_msg());
}

Test(boot_phases, points_missing_from_the_symbols_are_left_out_and_initcalls_need_their_window)
{
	char *text;

	symtab_free(&st);
	load("ffffffff83079e46 T start_kernel\nffffffff81002460 T do_one_initcall\n"
	     "ffffffff81a49110 T kernel_init\n");
	cr_assert_eq(boot_phases_plan(&b, &st, false, 0, NULL, 0, calls, 16), 0, "%s", err_msg());
	cr_assert_eq(b.n, 2);
	cr_assert_not(b.initcalls, "no console_on_rootfs: no end to the window");
	text = report();
	cr_assert_null(strstr(text, "initcalls"), "%s", text);
	free(text);
}

Test(boot_phases, without_console_on_rootfs_initcalls_end_at_free_initmem)
{
	/* Kernels from before console_on_rootfs() (2020) opened the console inline. */
	symtab_free(&st);
	load("ffffffff83079e46 T start_kernel\nffffffff81002460 T do_one_initcall\n"
	     "ffffffff81a49110 T kernel_init\nffffffff81a4a150 T free_initmem\n");
	cr_assert_eq(boot_phases_plan(&b, &st, false, 0, NULL, 0, calls, 16), 0, "%s", err_msg());
	cr_assert(b.initcalls);
	cr_assert_str_eq(b.p[b.from].name, "kernel_init");
	cr_assert_str_eq(b.p[b.to].name, "free_initmem");
}

Test(boot_phases, a_boot_times_its_points_and_each_initcall)
{
	char *text;

	cr_assert_eq(boot_phases_plan(&b, &st, true, KERNEL_ENTRY, NULL, 0, calls, 16), 0, "%s", err_msg());
	cr_assert_eq(hit(KERNEL_ENTRY, 100 * MS, 0), 0);
	cr_assert_eq(hit(addr_of("start_kernel"), 200 * MS, 0), 1);
	cr_assert_eq(hit(addr_of("rest_init"), 300 * MS, 0), 2);
	cr_assert_not(is_armed(INITCALL), "not before kernel_init");
	cr_assert_eq(hit(addr_of("kernel_init"), 400 * MS, 0), 3);
	cr_assert(is_armed(INITCALL));
	cr_assert_eq(hit(INITCALL, 500 * MS, FN_A), BOOT_PHASES_INITCALL);
	boot_phases_enter(&b, RET);
	cr_assert(is_armed(RET) && is_armed(INITCALL));
	cr_assert_eq(hit(RET, 503 * MS, 0), BOOT_PHASES_INITCALL);
	cr_assert_not(is_armed(RET));
	cr_assert_eq(hit(INITCALL, 600 * MS, FN_B), BOOT_PHASES_INITCALL);
	boot_phases_enter(&b, RET);
	cr_assert_eq(hit(RET, 607 * MS, 0), BOOT_PHASES_INITCALL);
	cr_assert_eq(hit(0x1234, 650 * MS, 0), -ENOENT, "not armed: not ours");
	cr_assert_eq(hit(addr_of("console_on_rootfs"), 700 * MS, 0), 4);
	cr_assert_not(is_armed(INITCALL), "the window is closed");
	cr_assert_eq(hit(addr_of("run_init_process"), 900 * MS, 0), 6, "free_initmem passed unseen");
	cr_assert_eq(b.ncalls, 2);
	cr_assert_eq(calls[0].fn, FN_A);
	cr_assert_eq(calls[0].ns, 3 * MS);
	cr_assert_eq(calls[1].ns, 7 * MS);
	text = report();
	cr_assert(strstr(text, "kernel 100.0 start_kernel 200.0 rest_init 300.0 kernel_init 400.0 "
			       "console_on_rootfs 700.0 free_initmem - run_init_process 900.0\n"), "%s", text);
	cr_assert(strstr(text, "2 initcalls timed from kernel_init to console_on_rootfs, 10.0 ms in all "
			       "of the 300.0 ms between them (3.3%)"), "%s", text);
	cr_assert(strstr(text, "the 2 slowest initcalls:\n       7.000 ms  init_b\n       3.000 ms  init_a\n"),
		  "%s", text);
	cr_assert(strstr(text, "vmm: phases:   2 returning to console_on_rootfs+0x1ab: 10.0 ms of the "
			       "107.0 ms from the first one's entry to the last one's return (9.3%)\n"),
		  "%s", text);
	free(text);
}

Test(boot_phases, initcalls_beyond_the_room_are_counted_not_kept)
{
	char *text;

	cr_assert_eq(boot_phases_plan(&b, &st, false, 0, NULL, 0, calls, 1), 0, "%s", err_msg());
	hit(addr_of("kernel_init"), 400 * MS, 0);
	for (uint64_t i = 0; i < 3; i++) {
		hit(INITCALL, (500 + 10 * i) * MS, FN_A);
		boot_phases_enter(&b, RET);
		hit(RET, (501 + 10 * i) * MS, 0);
	}
	cr_assert_eq(b.ncalls, 3);
	cr_assert_eq(b.kept, 1);
	text = report();
	cr_assert(strstr(text, "3 initcalls timed") && strstr(text, "only the first ones kept"), "%s", text);
	free(text);
}

/* --phase NAME...: the user's points instead, in the order given; initcalls still timed where
 * the list holds their window. */
Test(boot_phases, named_points_replace_the_default_ones)
{
	static const char *const names[] = { "kernel", "init_a", "kernel_init", "console_on_rootfs" };
	struct bp_set set;

	cr_assert_eq(boot_phases_plan(&b, &st, true, KERNEL_ENTRY, names, 4, calls, 16), 0, "%s", err_msg());
	cr_assert_eq(b.n, 4);
	cr_assert_str_eq(b.p[1].name, "init_a");
	cr_assert_eq(b.p[1].addr, FN_A);
	cr_assert(b.initcalls);
	boot_phases_arm(&b, &set);
	cr_assert_eq(set.n, 4);
	cr_assert_eq(set.addr[1], FN_A);
	cr_assert_eq(boot_phases_plan(&b, &st, true, KERNEL_ENTRY, names + 1, 1, calls, 16), 0, "%s", err_msg());
	cr_assert_not(b.initcalls, "no window");
}

Test(boot_phases, named_points_that_cannot_be_are_refused)
{
	static const char *const missing[] = { "start_kernel", "no_such_function" };
	static const char *const twice[] = { "rest_init", "rest_init" };
	static const char *const kernel[] = { "kernel" };

	cr_assert_eq(boot_phases_plan(&b, &st, true, KERNEL_ENTRY, missing, 2, calls, 16), -ENOENT);
	cr_assert(strstr(err_msg(), "--phase no_such_function: not in --symbols"), "%s", err_msg());
	cr_assert_eq(boot_phases_plan(&b, &st, true, KERNEL_ENTRY, twice, 2, calls, 16), -EINVAL);
	cr_assert(strstr(err_msg(), "--phase rest_init: given twice"), "%s", err_msg());
	cr_assert_eq(boot_phases_plan(&b, &st, false, KERNEL_ENTRY, kernel, 1, calls, 16), -EINVAL);
	cr_assert(strstr(err_msg(), "--phase kernel: only a bzImage"), "%s", err_msg());
}

/* Initcalls grouped by where they return (one loop per caller), the first PHASES_CALL_SITES
 * callers by name; the others counted. */
Test(boot_phases, initcalls_grouped_by_their_caller)
{
	char *text;

	cr_assert_eq(boot_phases_plan(&b, &st, false, 0, NULL, 0, calls, 16), 0, "%s", err_msg());
	hit(addr_of("kernel_init"), 400 * MS, 0);
	for (uint64_t i = 0; i < PHASES_CALL_SITES + 2; i++) {
		hit(INITCALL, (500 + 10 * i) * MS, FN_A);
		boot_phases_enter(&b, RET + 16 * (i % (PHASES_CALL_SITES + 1)));
		hit(RET + 16 * (i % (PHASES_CALL_SITES + 1)), (502 + 10 * i) * MS, 0);
	}
	cr_assert_eq(b.nsites, PHASES_CALL_SITES);
	cr_assert_eq(b.site[0].n, 2, "the first caller had the 1st and the 6th");
	cr_assert_eq(b.site[0].last_at - b.site[0].first_at, 52 * MS);
	text = report();
	cr_assert(strstr(text, "vmm: phases:   2 returning to console_on_rootfs+0x1ab: 4.0 ms of the 52.0 ms"),
		  "%s", text);
	cr_assert(strstr(text, "vmm: phases:   1 returning elsewhere\n"), "%s", text);
	free(text);
}

/* An initcall entered while another was under way, or still under way when a point came, or
 * whose return address could not be read, is counted and said, never timed. */
Test(boot_phases, initcalls_not_seen_returning_are_counted)
{
	char *text;

	cr_assert_eq(boot_phases_plan(&b, &st, false, 0, NULL, 0, calls, 16), 0, "%s", err_msg());
	hit(addr_of("kernel_init"), 400 * MS, 0);
	hit(INITCALL, 500 * MS, FN_A);
	boot_phases_enter(&b, RET);
	hit(INITCALL, 510 * MS, FN_B); /* another entry before the return */
	boot_phases_enter(&b, RET);
	hit(INITCALL, 520 * MS, FN_A);
	boot_phases_unread(&b);
	hit(INITCALL, 530 * MS, FN_B);
	boot_phases_enter(&b, RET);
	hit(addr_of("console_on_rootfs"), 600 * MS, 0); /* the last one never returned */
	cr_assert_eq(b.ncalls, 0);
	cr_assert_eq(b.dropped, 3, "two followed by another entry, one by the point");
	cr_assert_eq(b.unread, 1);
	text = report();
	cr_assert(strstr(text, "not timed: 3 entered but not seen returning, 1 whose return address "
			       "could not be read"), "%s", text);
	free(text);
}
