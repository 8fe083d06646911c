/* test_sha256.c: SHA-256 against the FIPS 180-4 / NIST example vectors, whole and in pieces. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "lib/sha256.h"

static void hex(const uint8_t d[SHA256_LEN], char out[65])
{
	for (int i = 0; i < SHA256_LEN; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void expect(const char *msg, size_t len, const char *want)
{
	uint8_t d[SHA256_LEN];
	char h[65];

	sha256(msg, len, d);
	hex(d, h);
	cr_expect_str_eq(h, want, "length %zu", len);
}

Test(sha256, nist_vectors)
{
	expect("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	expect("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	expect("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
	       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	expect("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
	       112, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

Test(sha256, million_a_in_odd_pieces)
{
	static char a[1000000];
	struct sha256 s;
	uint8_t d[SHA256_LEN];
	char h[65];
	size_t off = 0, step = 1;

	memset(a, 'a', sizeof(a));
	sha256_init(&s);
	while (off < sizeof(a)) {
		size_t n = step < sizeof(a) - off ? step : sizeof(a) - off;

		sha256_update(&s, a + off, n);
		off += n;
		step = step * 7 % 251 + 1; /* 1..251 bytes: every fill level of the buffer */
	}
	sha256_final(&s, d);
	hex(d, h);
	cr_expect_str_eq(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

Test(sha256, padding_boundaries_match_one_shot)
{
	static uint8_t buf[200];
	uint8_t one[SHA256_LEN], split[SHA256_LEN];

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 31 + 7);
	for (size_t len = 50; len <= 130; len++) {
		struct sha256 s;

		sha256(buf, len, one);
		sha256_init(&s);
		sha256_update(&s, buf, len / 3);
		sha256_update(&s, buf + len / 3, len - len / 3);
		sha256_final(&s, split);
		cr_expect_arr_eq(one, split, SHA256_LEN, "length %zu", len);
	}
}
