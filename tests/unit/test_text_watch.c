/* test_text_watch.c: the marker matcher finds texts across feeds, with overlaps and repeated prefixes. */
#include <criterion/criterion.h>
#include <string.h>

#include "vmm/console/text_watch.h"

static unsigned count(const char *text, const char *stream)
{
	struct text_watch w;
	unsigned n = 0;

	text_watch_init(&w, text);
	for (size_t i = 0; i < strlen(stream); i++)
		n += text_watch_feed(&w, (uint8_t)stream[i]);
	return n;
}

Test(text_watch, finds_every_occurrence)
{
	cr_assert_eq(count("booted", "xx booted yy booted"), 2);
	cr_assert_eq(count("aab", "aaab"), 1, "a mismatch after a repeated prefix");
	cr_assert_eq(count("abab", "ababab"), 2, "overlapping occurrences");
	cr_assert_eq(count("abcabd", "abcabcabd"), 1);
	cr_assert_eq(count("x", "no"), 0);
	cr_assert_eq(count("", "anything"), 0, "an empty text never matches");
}
