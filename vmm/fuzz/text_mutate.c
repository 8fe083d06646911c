/* text_mutate.c: a state file mutated as text that stays a state file, for an outside engine's custom mutator (AFL++'s AFL_CUSTOM_MUTATOR_LIBRARY). */
#include "vmm/fuzz/text_mutate.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/fuzz/mutate.h"
#include "vmm/state.h"

#define MAX_NUMBERS 1024 /* numbered lines looked at, at most (a valid dump has about 120) */
#define KEY_MAX 64

/* Where a line's key and number are in the text. */
struct number {
	size_t key, key_len, val, val_len;
	uint64_t value;
};

/* Edge values of the fields' widths (1, 8, 16, 32, 64 bits) and the signed edges. */
static const uint64_t edges[] = { 0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff,
				  0x80000000, 0xffffffff, 0x7fffffffffffffffULL,
				  0x8000000000000000ULL, 0xffffffffffffffffULL };

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* The token at *p (up to `end`): its start and length; *p moves past it. */
static size_t token(const char *t, size_t *p, size_t end, size_t *start)
{
	while (*p < end && is_space(t[*p]))
		(*p)++;
	*start = *p;
	while (*p < end && !is_space(t[*p]) && t[*p] != '#')
		(*p)++;
	return *p - *start;
}

/* The line [b, e) as KEY NUMBER, or false (a word, a comment, anything else). */
static bool parse_number_line(const char *t, size_t b, size_t e, struct number *n)
{
	size_t p = b, rest;
	char buf[24], *end;

	n->key_len = token(t, &p, e, &n->key);
	n->val_len = token(t, &p, e, &n->val);
	if (!n->key_len || !n->val_len || n->key_len >= KEY_MAX || n->val_len >= sizeof(buf) ||
	    token(t, &p, e, &rest))
		return false;
	memcpy(buf, t + n->val, n->val_len);
	buf[n->val_len] = '\0';
	if (buf[0] < '0' || buf[0] > '9')
		return false;
	n->value = strtoull(buf, &end, 0);
	return *end == '\0';
}

/* Every numbered line of the text, up to `cap`. */
static unsigned find_numbers(const char *t, size_t len, struct number *out, unsigned cap)
{
	unsigned k = 0;

	for (size_t b = 0; b < len && k < cap;) {
		const char *nl = memchr(t + b, '\n', len - b);
		size_t e = nl ? (size_t)(nl - t) : len;

		if (parse_number_line(t, b, e, &out[k]))
			k++;
		b = e + 1;
	}
	return k;
}

/* The second test case and its numbered lines, found once per call. */
struct other_text {
	const char *text;
	const struct number *nums;
	unsigned n;
};

/* `key`'s number in the other text, if it has the key with a number. */
static bool value_in(const char *key, size_t key_len, const struct other_text *o, uint64_t *v)
{
	for (unsigned i = 0; i < o->n; i++)
		if (o->nums[i].key_len == key_len && !memcmp(o->text + o->nums[i].key, key, key_len)) {
			*v = o->nums[i].value;
			return true;
		}
	return false;
}

static uint64_t new_value(const char *in, const struct number *n, const struct other_text *o,
			  uint64_t *rng)
{
	uint64_t r = fuzz_splitmix64(rng), v;

	switch (r % 4) {
	case 0:
		return n->value ^ (1ULL << ((r >> 8) % 64));
	case 1:
		return (r >> 8) & 1 ? n->value + 1 + (r >> 9) % 16 : n->value - 1 - (r >> 9) % 16;
	case 2:
		return edges[(r >> 8) % (sizeof(edges) / sizeof(edges[0]))];
	default:
		return value_in(in + n->key, n->key_len, o, &v) ? v : ~n->value;
	}
}

/* One draw: the text with up to TEXT_MUTATE_MAX_EDITS numbers replaced; its length, or 0 if
 * it does not fit. */
static size_t draw(const char *in, size_t len, const struct number *nums, unsigned n,
		   const struct other_text *o, uint64_t *rng, char *out, size_t max)
{
	unsigned edits = 1 + (unsigned)(fuzz_splitmix64(rng) % TEXT_MUTATE_MAX_EDITS);
	unsigned which[TEXT_MUTATE_MAX_EDITS];
	uint64_t value[TEXT_MUTATE_MAX_EDITS];
	size_t from = 0, used = 0;

	for (unsigned i = 0; i < edits; i++) {
		which[i] = (unsigned)(fuzz_splitmix64(rng) % n);
		value[i] = new_value(in, &nums[which[i]], o, rng);
	}
	for (unsigned k = 0; k < n; k++) { /* in text order; a line drawn twice: the last draw */
		char num[24];
		int w = -1;

		for (unsigned i = 0; i < edits; i++)
			if (which[i] == k)
				w = snprintf(num, sizeof(num), "0x%llx", (unsigned long long)value[i]);
		if (w < 0)
			continue;
		if (used + (nums[k].val - from) + (size_t)w > max)
			return 0;
		memcpy(out + used, in + from, nums[k].val - from);
		used += nums[k].val - from;
		memcpy(out + used, num, (size_t)w);
		used += (size_t)w;
		from = nums[k].val + nums[k].val_len;
	}
	if (used + (len - from) > max)
		return 0;
	memcpy(out + used, in + from, len - from);
	return used + (len - from);
}

size_t text_mutate(const char *in, size_t len, const char *other, size_t olen, uint64_t *rng,
		   struct entry_state *scratch, char *out, size_t max)
{
	static struct number nums[MAX_NUMBERS], theirs[MAX_NUMBERS];
	unsigned n = find_numbers(in, len, nums, MAX_NUMBERS);
	struct other_text o = { other, theirs, other ? find_numbers(other, olen, theirs, MAX_NUMBERS) : 0 };

	for (unsigned t = 0; n && t < TEXT_MUTATE_TRIES; t++) {
		size_t got = draw(in, len, nums, n, &o, rng, out, max);

		memset(scratch, 0, sizeof(*scratch));
		if (got && state_parse(out, got, scratch) == 0)
			return got;
	}
	if (len > max)
		return 0;
	memcpy(out, in, len);
	return len;
}
