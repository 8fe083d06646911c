/* test_folded.c: folded-stack lines (sorted, merged, sanitised) and the self-sample top-N. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/err.h"
#include "vmm/profile/folded.h"

static struct folded f;

static void setup(void)
{
	err_clear();
	folded_init(&f);
}

static void teardown(void)
{
	folded_free(&f);
}

TestSuite(folded, .init = setup, .fini = teardown);

#define ADD(count, ...)                                                          \
	cr_assert_eq(folded_add(&f, (const char *const[]){ __VA_ARGS__ },          \
				sizeof((const char *[]){ __VA_ARGS__ }) / sizeof(char *), \
				count), 0, "%s", err_msg())

/* folded_write() into a string (caller frees). */
static char *write_text(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);

	cr_assert_not_null(m);
	cr_assert_eq(folded_write(&f, m), 0, "%s", err_msg());
	fclose(m);
	return text;
}

Test(folded, lines_merged_and_sorted)
{
	char *text;

	ADD(1, "start_kernel", "rest_init", "kernel_init", "do_one_initcall", "crc32_init");
	ADD(2, "start_kernel", "mm_init");
	ADD(1, "start_kernel", "rest_init", "kernel_init", "do_one_initcall", "crc32_init");
	ADD(5, "default_idle");
	ADD(1, "start_kernel");
	text = write_text();
	cr_assert_str_eq(text,
			 "default_idle 5\n"
			 "start_kernel 1\n"
			 "start_kernel;mm_init 2\n"
			 "start_kernel;rest_init;kernel_init;do_one_initcall;crc32_init 2\n");
	cr_assert_eq(f.total, 10);
	free(text);
}

Test(folded, same_text_in_any_order)
{
	char *a, *b;

	ADD(1, "x", "y");
	ADD(3, "b");
	ADD(2, "a");
	a = write_text();
	folded_free(&f);
	ADD(2, "a");
	ADD(3, "b");
	ADD(1, "x", "y");
	b = write_text();
	cr_assert_str_eq(a, b);
	free(a);
	free(b);
}

Test(folded, names_sanitised)
{
	char *text;

	ADD(1, "outer", NULL, "has;semi", "has space\n");
	text = write_text();
	cr_assert_str_eq(text, "outer;[unknown];has:semi;has_space_ 1\n");
	free(text);
}

Test(folded, empty_writes_nothing)
{
	char *text = write_text();

	cr_assert_str_eq(text, "");
	free(text);
	cr_assert_eq(folded_add(&f, NULL, 0, 1), -EINVAL);
	cr_assert_not_null(strstr(err_msg(), "no frames"));
}

Test(folded, top_by_self_samples)
{
	struct folded_top top[3];
	size_t n = 99;

	ADD(4, "a", "leaf1");
	ADD(3, "b", "leaf1");
	ADD(5, "a", "leaf2");
	ADD(5, "c", "a"); /* "a" runs itself here, and is an outer frame above */
	ADD(1, "zz");
	cr_assert_eq(folded_top(&f, top, 3, &n), 0);
	cr_assert_eq(n, 3);
	cr_assert_str_eq(top[0].name, "leaf1");
	cr_assert_eq(top[0].count, 7);
	cr_assert_str_eq(top[1].name, "a", "ties by name");
	cr_assert_eq(top[1].count, 5);
	cr_assert_str_eq(top[2].name, "leaf2");
	cr_assert_eq(folded_top(&f, top, 0, &n), 0);
	cr_assert_eq(n, 0);
}

Test(folded, many_stacks_grow_the_table)
{
	char name[32], *text;
	struct folded_top top[1];
	size_t n, lines = 0;

	for (unsigned i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "fn%05u", i % 2500);
		ADD(1, "root", name);
	}
	cr_assert_eq(f.stacks.n, 2500);
	cr_assert_eq(f.total, 5000);
	text = write_text();
	for (char *p = text; *p; p++)
		lines += *p == '\n';
	cr_assert_eq(lines, 2500);
	cr_assert_eq(strncmp(text, "root;fn00000 2\nroot;fn00001 2\n", 30), 0);
	free(text);
	cr_assert_eq(folded_top(&f, top, 1, &n), 0);
	cr_assert_str_eq(top[0].name, "fn00000");
	cr_assert_eq(top[0].count, 2);
}
