/* test_err.c: errf() records a message and returns its code, and a message may quote the one before it. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "mmu/err.h"

Test(err, records_the_message_and_returns_the_code)
{
	cr_assert_eq(errf(-EINVAL, "field %s: %d", "rip", 7), -EINVAL);
	cr_assert_str_eq(err_msg(), "field rip: 7");
	err_clear();
	cr_assert_str_eq(err_msg(), "");
}

Test(err, a_message_may_quote_the_one_before_it)
{
	errf(-EINVAL, "mutator image: mem_size 0x20000000, here 0x10000000");
	errf(-EINVAL, "VMM_MUTATOR_IMAGE=x was not made with these options: %s", err_msg());
	cr_assert_str_eq(err_msg(), "VMM_MUTATOR_IMAGE=x was not made with these options: "
			 "mutator image: mem_size 0x20000000, here 0x10000000");
}

Test(err, a_long_message_is_cut_at_its_room)
{
	char big[2048];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	errf(-E2BIG, "%s", big);
	errf(-E2BIG, "x%s", err_msg());
	cr_assert_eq(err_msg()[0], 'x');
	cr_assert_lt(strlen(err_msg()), sizeof(big) - 1);
	cr_assert_eq(err_msg()[strlen(err_msg()) - 1], 'a');
}
