/* test_text_mutate.c: a state file mutated as text stays a state file: numbers change, keys, words and comments do not, and every draw parses. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/bits.h"
#include "tests/unit/fixtures.h"
#include "vmm/fuzz/text_mutate.h"
#include "vmm/state.h"

static struct entry_state st, scratch;
static char *valid;
static size_t valid_len;
static char out[1 << 16];

static void setup(void)
{
	struct entry_options o = { .proto = BOOT_LINUX64, .paging = PAGING_LONG };

	cr_assert_eq(fixture_entry(&st, &o, MiB(256)), 0);
	valid = state_text(&st, &valid_len);
	cr_assert_not_null(valid);
}

static void teardown(void)
{
	free(valid);
}

TestSuite(text_mutate, .init = setup, .fini = teardown);

/* How many lines differ between two texts of the same number of lines (-1: not the same). */
static int lines_changed(const char *a, size_t alen, const char *b, size_t blen)
{
	int changed = 0;
	size_t i = 0, j = 0;

	while (i < alen && j < blen) {
		const char *ea = memchr(a + i, '\n', alen - i), *eb = memchr(b + j, '\n', blen - j);
		size_t la = ea ? (size_t)(ea - a) - i : alen - i, lb = eb ? (size_t)(eb - b) - j : blen - j;

		changed += la != lb || memcmp(a + i, b + j, la);
		/* The key (first token) never changes. */
		if (strcspn(a + i, " \n") != strcspn(b + j, " \n") || memcmp(a + i, b + j, strcspn(a + i, " \n")))
			return -1;
		i += la + 1;
		j += lb + 1;
	}
	return i >= alen && j >= blen ? changed : -1;
}

Test(text_mutate, every_draw_parses_and_changes_one_to_four_values_of_the_same_keys)
{
	unsigned changed_some = 0;

	for (uint64_t seed = 1; seed <= 500; seed++) {
		uint64_t rng = seed;
		size_t n = text_mutate(valid, valid_len, NULL, 0, &rng, &scratch, out, sizeof(out));
		int c;

		cr_assert_gt(n, 0);
		cr_assert_eq(state_parse(out, n, &scratch), 0, "seed %llu does not parse",
			     (unsigned long long)seed);
		c = lines_changed(valid, valid_len, out, n);
		cr_assert(c >= 0 && c <= TEXT_MUTATE_MAX_EDITS, "seed %llu: %d lines", (unsigned long long)seed, c);
		changed_some += c > 0;
	}
	/* A draw can land on the value a line has (a bit flip twice, an edge value it is). */
	cr_assert_gt(changed_some, 450, "%u of 500 draws changed nothing", 500 - changed_some);
}

Test(text_mutate, the_same_rng_gives_the_same_text)
{
	static char again[sizeof(out)];
	uint64_t a = 42, b = 42;
	size_t n1 = text_mutate(valid, valid_len, NULL, 0, &a, &scratch, out, sizeof(out));
	size_t n2 = text_mutate(valid, valid_len, NULL, 0, &b, &scratch, again, sizeof(again));

	cr_assert_eq(n1, n2);
	cr_assert_eq(memcmp(out, again, n1), 0);
	cr_assert_eq(a, b);
}

Test(text_mutate, a_value_comes_from_the_second_state_under_its_key)
{
	const char *mine = "rip 0x1000000\nrsp 0x8000\n", *other = "rsp 0x123456789\nrip 0x1000000\n";
	bool seen = false;

	for (uint64_t seed = 1; seed <= 200 && !seen; seed++) {
		uint64_t rng = seed;
		size_t n = text_mutate(mine, strlen(mine), other, strlen(other), &rng, &scratch, out,
				       sizeof(out));

		seen = n == strlen("rip 0x1000000\nrsp 0x123456789\n") &&
		       !memcmp(out, "rip 0x1000000\nrsp 0x123456789\n", n);
	}
	cr_assert(seen, "no draw in 200 took rsp from the second state");
}

Test(text_mutate, words_comments_and_text_without_numbers_stay)
{
	const char *words = "boot linux64\n# rip 0x5\npaging.mode long\n";
	const char *mixed = "boot linux64 # 0x1\nrip 0x1000000 # entry\n";
	uint64_t rng = 7;
	size_t n = text_mutate(words, strlen(words), NULL, 0, &rng, &scratch, out, sizeof(out));

	cr_assert_eq(n, strlen(words));
	cr_assert_eq(memcmp(out, words, n), 0, "no number: the input as it is");
	for (uint64_t seed = 1; seed <= 50; seed++) {
		rng = seed;
		n = text_mutate(mixed, strlen(mixed), NULL, 0, &rng, &scratch, out, sizeof(out));
		cr_assert_eq(memcmp(out, "boot linux64 # 0x1\nrip ", 23), 0);
		cr_assert_not_null(memmem(out, n, " # entry\n", 9), "the comment stays");
	}
}

Test(text_mutate, nothing_longer_than_the_room_given)
{
	uint64_t rng = 3;

	cr_assert_eq(text_mutate(valid, valid_len, NULL, 0, &rng, &scratch, out, valid_len - 1), 0,
		     "not even the input fits");
	for (uint64_t seed = 1; seed <= 100; seed++) {
		size_t n;

		rng = seed;
		n = text_mutate(valid, valid_len, NULL, 0, &rng, &scratch, out, valid_len);
		cr_assert(n <= valid_len && n > 0);
		cr_assert_eq(state_parse(out, n, &scratch), 0);
	}
}
