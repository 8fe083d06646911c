/* test_panic_watch.c: the panic banner is found in a byte stream, whatever surrounds it. */
#include <criterion/criterion.h>
#include <string.h>

#include "vmm/console/panic_watch.h"

static bool feed(const char *s)
{
	struct panic_watch w = { 0 };

	for (size_t i = 0; i < strlen(s); i++)
		panic_watch_feed(&w, (uint8_t)s[i]);
	return w.seen;
}

Test(panic_watch, finds_the_banner)
{
	cr_assert(feed("[    1.0] Kernel panic - not syncing: VFS: Unable to mount root fs\r\n"));
}

Test(panic_watch, restarts_after_a_partial_match)
{
	cr_assert(feed("Kernel pKernel panic - not syncing"));
	cr_assert(feed("KKernel panic - not syncing"));
}

Test(panic_watch, ignores_other_text)
{
	cr_assert_not(feed("Kernel panic - not synced"));
	cr_assert_not(feed("kernel panic - not syncing"));
	cr_assert_not(feed("reboot: Restarting system\n"));
}
