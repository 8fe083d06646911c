/* test_page_words.c: the word-at-a-time page checks agree with memcmp for a difference at every byte and bit. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/page_words.h"

static uint8_t a[PAGE_WORDS_BYTES], b[PAGE_WORDS_BYTES];
static const uint8_t zero[PAGE_WORDS_BYTES];

static void fill(uint8_t *p, uint32_t seed)
{
	for (unsigned i = 0; i < PAGE_WORDS_BYTES; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
}

Test(page_words, a_zero_page_is_zero_and_one_set_bit_anywhere_is_not)
{
	memset(a, 0, sizeof(a));
	cr_assert(page_words_zero(a));
	for (unsigned i = 0; i < PAGE_WORDS_BYTES; i++)
		for (unsigned bit = 0; bit < 8; bit++) {
			a[i] = (uint8_t)(1u << bit);
			cr_assert_not(page_words_zero(a), "byte %u bit %u", i, bit);
			cr_assert_eq(page_words_zero(a), !memcmp(a, zero, sizeof(a)));
			a[i] = 0;
		}
}

Test(page_words, equal_pages_are_same_and_one_changed_bit_anywhere_is_not)
{
	fill(a, 7);
	memcpy(b, a, sizeof(a));
	cr_assert(page_words_same(a, b));
	for (unsigned i = 0; i < PAGE_WORDS_BYTES; i++)
		for (unsigned bit = 0; bit < 8; bit++) {
			b[i] ^= (uint8_t)(1u << bit);
			cr_assert_not(page_words_same(a, b), "byte %u bit %u", i, bit);
			cr_assert_not(page_words_same(b, a), "byte %u bit %u, swapped", i, bit);
			b[i] = a[i];
		}
	cr_assert(page_words_same(a, b));
}

Test(page_words, unaligned_pages_agree_with_memcmp)
{
	uint8_t *buf = malloc(3 * PAGE_WORDS_BYTES);

	cr_assert_not_null(buf);
	fill(buf, 11);
	for (unsigned shift = 0; shift < 9; shift++) {
		uint8_t *p = buf + shift, *q = buf + PAGE_WORDS_BYTES + 2 * shift;

		memcpy(q, p, PAGE_WORDS_BYTES);
		cr_assert(page_words_same(p, q), "offset %u", shift);
		q[PAGE_WORDS_BYTES - 1] ^= 0x80;
		cr_assert_eq(page_words_same(p, q), !memcmp(p, q, PAGE_WORDS_BYTES));
		memset(q, 0, PAGE_WORDS_BYTES);
		cr_assert(page_words_zero(q), "offset %u", shift);
	}
	free(buf);
}
