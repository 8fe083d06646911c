/* test_state.c: the entry-state format: print/parse round trip and rejection of malformed files. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/bits.h"
#include "mmu/err.h"
#include "tests/unit/fixtures.h"
#include "vmm/state.h"

static struct entry_state st;

static void setup(void)
{
	struct entry_options o = { .proto = BOOT_LINUX64, .paging = PAGING_LONG };

	cr_assert_eq(fixture_entry(&st, &o, MiB(256)), 0);
}

TestSuite(state, .init = setup);

static char *print(const struct entry_state *s, size_t *len)
{
	char *buf = state_text(s, len);

	cr_assert_not_null(buf);
	cr_assert_eq(strlen(buf), *len, "state_text()'s length is its text's");
	return buf;
}

static int parse(const char *text)
{
	return state_parse(text, strlen(text), &st);
}

Test(state, dump_load_dump_is_identical)
{
	size_t n1, n2;
	char *a = print(&st, &n1);
	struct entry_state copy;

	memset(&copy, 0xa5, sizeof(copy)); /* every field must come from the text */
	copy.gdt_n = 0;
	copy.npokes = 0;
	memset(copy.gdt, 0, sizeof(copy.gdt));
	cr_assert_eq(state_parse(a, n1, &copy), 0, "%s", err_msg());
	char *b = print(&copy, &n2);
	cr_assert_str_eq(a, b);
	free(a);
	free(b);
}

Test(state, dump_contains_documented_keys)
{
	size_t n;
	char *a = print(&st, &n);

	cr_assert_not_null(strstr(a, "\nboot linux64\n"));
	cr_assert_not_null(strstr(a, "\nrip 0x1000200\n"));
	cr_assert_not_null(strstr(a, "\ncr0 0x80000011\n"));
	cr_assert_not_null(strstr(a, "\ncs.selector 0x10\n"));
	cr_assert_not_null(strstr(a, "\ncs.l 0x1\n"));
	cr_assert_not_null(strstr(a, "\ngdt.2 0xaf9b000000ffff  # code64 base=0x0 limit=0xffffffff"));
	cr_assert_not_null(strstr(a, "\npaging.mode long\n"));
	cr_assert_not_null(strstr(a, "\npaging.page_size 0x200000\n"));
	free(a);
}

Test(state, edit_applies_only_given_keys)
{
	cr_assert_eq(parse("# comment\n\nds.selector 0x20   # moved\nrax 42\n"), 0, "%s", err_msg());
	cr_assert_eq(st.cpu.ds.selector, 0x20);
	cr_assert_eq(st.cpu.rax, 42, "decimal accepted");
	cr_assert_eq(st.cpu.cs.selector, 0x10, "untouched");
}

Test(state, gdt_entries_and_paging)
{
	cr_assert_eq(parse("gdt.7 0x00cf93000000ffff\npaging.mode nonpae\npaging.page_size 0x400000\n"),
		     0, "%s", err_msg());
	cr_assert_eq(st.gdt[7], 0x00cf93000000ffffULL);
	cr_assert_eq(st.gdt_n, 8);
	cr_assert_eq(st.paging.mode, PAGING_NONPAE);
	cr_assert(st.paging.large);
}

static void expect_reject(const char *text, const char *msg)
{
	cr_assert_eq(parse(text), -EINVAL, "accepted: %s", text);
	cr_assert_not_null(strstr(err_msg(), msg), "'%s' lacks '%s'", err_msg(), msg);
}

Test(state, rejects_unknown_field)
{
	expect_reject("rip 0x1\nfoo 1\n", "line 2: unknown field 'foo'");
}

Test(state, rejects_bad_number)
{
	expect_reject("rip 0x12zz\n", "line 1: rip: bad number '0x12zz'");
	expect_reject("rip -1\n", "bad number");
	/* strtoull() would skip \v and \f and take a sign: "\v-1" was 2^64 - 1 (a review). */
	expect_reject("rip \v-1\n", "bad number");
	expect_reject("rip \f0x10\n", "bad number");
	expect_reject("rip +1\n", "bad number");
	expect_reject("poke.\v-8 0x1\n", "bad");
	expect_reject("rip 0x10000000000000000\n", "bad number");
}

Test(state, rejects_out_of_range_values)
{
	expect_reject("cs.dpl 4\n", "cs.dpl: 0x4 is out of range (max 0x3)");
	expect_reject("ss.selector 0x10000\n", "max 0xffff");
	expect_reject("cs.type 16\n", "cs.type");
	expect_reject("gdt.limit 0x10000\n", "gdt.limit");
	expect_reject("gdt.3328 0\n", "gdt.3328");
	expect_reject("cs.l 2\n", "cs.l");
}

Test(state, rejects_bad_enums)
{
	expect_reject("paging.mode huge\n", "paging.mode: 'huge'");
	expect_reject("boot linux16\n", "boot: 'linux16'");
	expect_reject("paging.mode pae\npaging.page_size 0x1000\n", "not possible for pae");
}

Test(state, rejects_malformed_lines)
{
	expect_reject("rip\n", "expected 'KEY VALUE'");
	expect_reject("rip 1 2\n", "expected 'KEY VALUE'");
	char long_line[400];
	memset(long_line, 'a', sizeof(long_line) - 1);
	long_line[sizeof(long_line) - 1] = 0;
	expect_reject(long_line, "longer than");
	const char nul[] = "rip 1\0x\n";
	cr_assert_eq(state_parse(nul, sizeof(nul) - 1, &st), -EINVAL);
}

Test(state, pokes_round_trip_and_replace)
{
	size_t n;
	char *a;

	cr_assert_eq(parse("poke.0x30000 0x23\npoke.0x90211 0x1\npoke.0x30000 0x8000000000000063\n"), 0,
		     "%s", err_msg());
	cr_assert_eq(st.npokes, 2, "a second poke of one GPA replaces the first");
	cr_assert_eq(st.pokes[0].gpa, 0x30000);
	cr_assert_eq(st.pokes[0].value, 0x8000000000000063ULL);
	a = print(&st, &n);
	cr_assert_not_null(strstr(a, "\npoke.0x30000 0x8000000000000063\npoke.0x90211 0x1\n"), "%s", a);
	free(a);
}

Test(state, rejects_too_many_and_bad_pokes)
{
	char text[64];

	for (unsigned i = 0; i < ENTRY_POKES_MAX; i++) {
		snprintf(text, sizeof(text), "poke.0x%x 0x1\n", 0x1000 + 8 * i);
		cr_assert_eq(parse(text), 0);
	}
	cr_assert_eq(parse("poke.0x9000 0x1\n"), -EINVAL);
	cr_assert_not_null(strstr(err_msg(), "more than 16 pokes"), "%s", err_msg());
	cr_assert_eq(parse("poke.zz 0x1\n"), -EINVAL);
	cr_assert_not_null(strstr(err_msg(), "poke.zz"), "%s", err_msg());
}
