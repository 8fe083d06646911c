/* test_huge_map.c: huge_map() gives writable memory of the length asked, on a 2 MiB boundary, and refuses a length that wraps. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "lib/huge_map.h"

Test(huge_map, aligned_and_writable_to_the_last_byte)
{
	size_t len = 3 * HUGE_MAP_ALIGN + 4096 + 17;

	for (int noreserve = 0; noreserve <= 1; noreserve++) {
		uint8_t *p = huge_map(len, noreserve);

		cr_assert_not_null(p);
		cr_expect_eq((uintptr_t)p % HUGE_MAP_ALIGN, 0);
		memset(p, 0xa5, len);
		cr_expect_eq(p[0], 0xa5);
		cr_expect_eq(p[len - 1], 0xa5);
		cr_expect_eq(munmap(p, len), 0);
	}
}

/* The room beyond the last page is given back: before, munmap() of an address inside a page
 * failed (EINVAL), and up to 2 MiB stayed mapped after every file of a length not a whole
 * number of pages (a review, seen in /proc/self/maps). */
Test(huge_map, nothing_left_mapped_past_the_last_page)
{
	size_t len = HUGE_MAP_ALIGN + 17;
	uint8_t *p = huge_map(len, 1), vec;
	uint8_t *past = p + ((len + HUGE_MAP_PAGE - 1) & ~(HUGE_MAP_PAGE - 1));

	cr_assert_not_null(p);
	errno = 0;
	cr_expect_eq(mincore(past, HUGE_MAP_PAGE, &vec), -1, "the page after the mapping is mapped");
	cr_expect_eq(errno, ENOMEM);
	cr_expect_eq(munmap(p, len), 0);
}

Test(huge_map, length_that_wraps_is_refused)
{
	errno = 0;
	cr_expect_null(huge_map(SIZE_MAX - 10, 0));
	cr_expect_eq(errno, ENOMEM);
}
