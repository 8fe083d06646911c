/* test_hot_pages.c: --hot-pages keeps a page writable once the guest wrote it in HOT_AFTER runs, and write-protects it again after COOL_AFTER runs that left it unchanged. */
#include <criterion/criterion.h>

#include "vmm/fuzz/hot_pages.h"

static struct hot_pages h;
static uint64_t out[8];

static void setup(void)
{
	const uint64_t size[HOT_PAGES_SLOTS] = { 16, 4 };

	cr_assert_eq(hot_pages_init(&h, size), 0);
	cr_assert(h.changed && h.again, "room for the larger slot's pages");
}

static void teardown(void)
{
	hot_pages_free(&h);
}

TestSuite(hot_pages, .init = setup, .fini = teardown);

/* One run that wrote (or, hot, left) pages p[0..n) of slot 0, changed as `c`. */
static uint64_t after(const uint64_t *p, const bool *c, uint64_t n)
{
	return hot_pages_after_run(&h, 0, p, c, n, out);
}

Test(hot_pages, a_page_written_in_two_runs_stays_writable)
{
	const uint64_t p[] = { 3, 5 };
	const bool c[] = { true, true };

	cr_assert_eq(after(p, c, 2), 2, "first run: both protected again");
	cr_assert(out[0] == 3 && out[1] == 5);
	cr_assert_eq(after(p, c, 1), 0, "page 3 written again: kept writable");
	cr_assert_eq(h.hot, 1);
	cr_assert_eq(after(&p[1], c, 1), 0, "page 5 too, on its second run");
	cr_assert_eq(h.hot, 2);
}

Test(hot_pages, a_hot_page_left_unchanged_cools_down)
{
	const uint64_t p[] = { 7 };
	const bool written[] = { true }, same[] = { false };

	after(p, written, 1);
	after(p, written, 1);
	cr_assert_eq(h.hot, 1);
	for (unsigned i = 1; i < COOL_AFTER; i++)
		cr_assert_eq(after(p, same, 1), 0, "run %u unchanged: still writable", i);
	cr_assert_eq(after(p, written, 1), 0, "changed: its count starts again");
	for (unsigned i = 1; i < COOL_AFTER; i++)
		cr_assert_eq(after(p, same, 1), 0);
	cr_assert_eq(after(p, same, 1), 1, "the COOL_AFTER-th unchanged run protects it again");
	cr_assert_eq(out[0], 7);
	cr_assert_eq(h.hot, 0);
	cr_assert_eq(after(p, written, 1), 1, "cold again: it needs HOT_AFTER runs anew");
}

Test(hot_pages, slots_are_apart_and_pages_past_a_slot_are_ignored)
{
	const uint64_t p[] = { 2, 99 };
	const bool c[] = { true, true };

	cr_assert_eq(hot_pages_after_run(&h, 1, p, c, 2, out), 1, "page 99 is past slot 1's 4");
	cr_assert_eq(hot_pages_after_run(&h, 0, p, c, 1, out), 1, "slot 0's page 2 is another page");
	cr_assert_eq(hot_pages_after_run(&h, 1, p, c, 1, out), 0, "slot 1's page 2: its second run");
	cr_assert_eq(hot_pages_after_run(&h, 2, p, c, 1, out), 0, "no slot 2");
}
