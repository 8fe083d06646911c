/* test_decompress.c: every payload format round-trips through the real compressor; truncation, corruption and lying sizes fail. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loader/decompress.h"
#include "mmu/bits.h"
#include "mmu/err.h"
#include "tests/unit/fixtures.h"

#define DATA_LEN (300 * 1024)
#define CAP MiB(64)

/* The commands the kernel's Makefile.lib uses, with cheaper presets. */
#define CMD_GZIP "gzip -9 -n -c"
#define CMD_BZIP2 "bzip2 -9 -c"
#define CMD_LZMA "lzma -6 -c"
#define CMD_XZ "xz --check=crc32 --x86 --lzma2=dict=1MiB -c"
#define CMD_LZO "lzop -9 -c"
#define CMD_LZ4 "lz4 -l -9 -c"
#define CMD_ZSTD "zstd -19 -q -c"

static uint8_t *data, *z, *out;
static size_t zlen, out_len;
static bool is_gzip;

/* Compressible but not trivial: words from a small table and random bytes. */
static uint8_t *gen_data(size_t len)
{
	static const char *words[] = { "kernel ", "vmlinux ", "payload ",
				       "\177ELF", "startup_64 ", "\0\0\0\0" };
	uint8_t *p = malloc(len);
	uint32_t x = 12345;
	size_t i = 0;

	while (i < len) {
		x = x * 1103515245 + 12345;
		if ((x >> 16) % 4 == 0) {
			p[i++] = (uint8_t)(x >> 8);
			continue;
		}
		for (const char *w = words[(x >> 20) % 6]; *w && i < len; w++)
			p[i++] = (uint8_t)*w;
	}
	return p;
}

static void setup(void)
{
	data = gen_data(DATA_LEN);
	z = out = NULL;
	err_clear();
}

static void teardown(void)
{
	free(data);
	free(z);
	free(out);
}

TestSuite(decompress, .init = setup, .fini = teardown);

/* gzip carries its own ISIZE trailer; the kernel appends a size to the rest. */
static void compress_with(const char *cmd, size_t len)
{
	is_gzip = strncmp(cmd, "gzip", 4) == 0;
	z = fixture_compress(cmd, data, len, !is_gzip, &zlen);
	cr_assert_not_null(z, "'%s' failed (is it installed? scripts/setup-deps)",
			   cmd);
}

static void set_declared(uint32_t size)
{
	memcpy(z + zlen - 4, &size, sizeof(size));
}

static void round_trip(const char *cmd, enum compression c)
{
	compress_with(cmd, DATA_LEN);
	cr_assert_eq(compress_detect(z, zlen), c);
	cr_assert_eq(decompress(z, zlen, CAP, &out, &out_len), 0, "%s",
		     err_msg());
	cr_assert_eq(out_len, DATA_LEN);
	cr_assert_eq(memcmp(out, data, DATA_LEN), 0);
}

static void expect_fail(int code, const char *name, const char *what)
{
	cr_assert_eq(decompress(z, zlen, CAP, &out, &out_len), code, "%s",
		     err_msg());
	cr_assert_null(out);
	cr_assert_eq(out_len, 0);
	cr_assert_not_null(strstr(err_msg(), name), "message '%s' lacks '%s'",
			   err_msg(), name);
	if (what)
		cr_assert_not_null(strstr(err_msg(), what),
				   "message '%s' lacks '%s'", err_msg(), what);
}

/* Cut the stream in half but keep a plausible size trailer. */
static void truncate_stream(void)
{
	uint8_t trailer[4];

	memcpy(trailer, z + zlen - 4, 4);
	zlen /= 2;
	memcpy(z + zlen - 4, trailer, 4);
}

static void corrupt_middle(void)
{
	z[zlen / 2] ^= 0x55;
	z[zlen / 2 + 1] ^= 0xaa;
}

/* The whole stream, then `n` garbage bytes, then the size trailer again. */
static void add_trailing_garbage(size_t n)
{
	size_t stream = is_gzip ? zlen : zlen - 4;
	uint8_t trailer[4];

	memcpy(trailer, z + zlen - 4, 4);
	z = realloc(z, stream + n + 4);
	memset(z + stream, 0x5a, n);
	memcpy(z + stream + n, trailer, 4);
	zlen = stream + n + 4;
}

/*
 * One set per format. gzip's declared size is its ISIZE, checked by zlib
 * itself ("incorrect length check"), so its lying-size tests only expect
 * a gzip error.
 */
#define FORMAT_TESTS(fmt, cmd, c, small_msg, large_msg, trunc_msg,             \
		     trailing_msg)                                              \
	Test(decompress, fmt##_round_trip)                                     \
	{                                                                      \
		round_trip(cmd, c);                                            \
	}                                                                      \
	Test(decompress, fmt##_rejects_truncated_stream)                       \
	{                                                                      \
		compress_with(cmd, DATA_LEN);                                  \
		truncate_stream();                                             \
		expect_fail(-EINVAL, #fmt, trunc_msg);                         \
	}                                                                      \
	Test(decompress, fmt##_rejects_declared_size_too_small)                \
	{                                                                      \
		compress_with(cmd, DATA_LEN);                                  \
		set_declared(DATA_LEN - 1);                                    \
		expect_fail(-EINVAL, #fmt, small_msg);                         \
	}                                                                      \
	Test(decompress, fmt##_rejects_declared_size_too_large)                \
	{                                                                      \
		compress_with(cmd, DATA_LEN);                                  \
		set_declared(DATA_LEN + 1);                                    \
		expect_fail(-EINVAL, #fmt, large_msg);                         \
	}                                                                      \
	Test(decompress, fmt##_rejects_size_over_cap)                          \
	{                                                                      \
		compress_with(cmd, DATA_LEN);                                  \
		cr_assert_eq(decompress(z, zlen, DATA_LEN - 1, &out, &out_len), \
			     -E2BIG, "%s", err_msg());                         \
		cr_assert_null(out);                                           \
		cr_assert_not_null(strstr(err_msg(), "exceeds the limit"),     \
				   "%s", err_msg());                           \
	}                                                                      \
	Test(decompress, fmt##_rejects_trailing_garbage)                       \
	{                                                                      \
		compress_with(cmd, DATA_LEN);                                  \
		add_trailing_garbage(16);                                      \
		expect_fail(-EINVAL, #fmt, trailing_msg);                      \
	}

#define TOO_BIG "more than its declared size"
#define TOO_SHORT "ends after 307200 bytes but declares 307201"
#define TRAILING "trailing bytes after the end"

FORMAT_TESTS(gzip, CMD_GZIP, COMPRESS_GZIP, "length check", "length check",
	     NULL, TRAILING)
FORMAT_TESTS(bzip2, CMD_BZIP2, COMPRESS_BZIP2, TOO_BIG, TOO_SHORT,
	     "truncated", TRAILING)
FORMAT_TESTS(lzma, CMD_LZMA, COMPRESS_LZMA, TOO_BIG, TOO_SHORT, "truncated",
	     TRAILING)
FORMAT_TESTS(xz, CMD_XZ, COMPRESS_XZ, TOO_BIG, TOO_SHORT, "truncated",
	     TRAILING)
FORMAT_TESTS(lzo, CMD_LZO, COMPRESS_LZO, TOO_BIG, TOO_SHORT, "truncated",
	     TRAILING)
FORMAT_TESTS(lz4, CMD_LZ4, COMPRESS_LZ4, TOO_BIG, TOO_SHORT, "truncated",
	     NULL)
FORMAT_TESTS(zstd, CMD_ZSTD, COMPRESS_ZSTD, TOO_BIG, TOO_SHORT, "truncated",
	     NULL)

/*
 * A damaged byte mid-stream, for the formats that checksum their data
 * (gzip CRC-32, bzip2 block CRC, xz CRC-32, lzop adler32, zstd XXH64).
 * lzma "alone" and the lz4 legacy frame have no checksum: their tests
 * below damage a structural field instead.
 */
#define CORRUPT_TEST(fmt, cmd, msg)                                             \
	Test(decompress, fmt##_rejects_corrupted_byte)                         \
	{                                                                      \
		compress_with(cmd, DATA_LEN);                                  \
		corrupt_middle();                                              \
		expect_fail(-EINVAL, #fmt, msg);                               \
	}

CORRUPT_TEST(gzip, CMD_GZIP, NULL)
CORRUPT_TEST(bzip2, CMD_BZIP2, "corrupt")
CORRUPT_TEST(xz, CMD_XZ, "corrupt")
CORRUPT_TEST(lzo, CMD_LZO, NULL)
CORRUPT_TEST(zstd, CMD_ZSTD, "corrupt")

/* lzma "alone" has no checksum: damage its header's size field instead. */
Test(decompress, lzma_rejects_wrong_header_size)
{
	uint64_t small = 100;

	compress_with(CMD_LZMA, DATA_LEN);
	memcpy(z + 5, &small, sizeof(small));
	expect_fail(-EINVAL, "lzma", "corrupt");
}

/* lz4's legacy frame has no checksum: damage a chunk length instead. */
Test(decompress, lz4_rejects_bad_chunk_length)
{
	uint32_t bad = 0x7fffffff;

	compress_with(CMD_LZ4, DATA_LEN);
	memcpy(z + 4, &bad, sizeof(bad));
	expect_fail(-EINVAL, "lz4", "compressed size 2147483647 is out of range");
}

Test(decompress, lz4_rejects_shortened_chunk)
{
	uint32_t clen;

	compress_with(CMD_LZ4, DATA_LEN);
	memcpy(&clen, z + 4, 4);
	clen -= 1;
	memcpy(z + 4, &clen, 4);
	expect_fail(-EINVAL, "lz4", NULL);
}

/* More than one 8 MiB chunk, each decoded on its own. */
Test(decompress, lz4_round_trip_many_chunks)
{
	size_t len = LZ4_LEGACY_CHUNK + 12345;

	free(data);
	data = gen_data(len);
	compress_with(CMD_LZ4, len);
	cr_assert_eq(decompress(z, zlen, CAP, &out, &out_len), 0, "%s",
		     err_msg());
	cr_assert_eq(out_len, len);
	cr_assert_eq(memcmp(out, data, len), 0);
}

/* lzop records an adler32 of each block's output; a damaged one is caught. */
Test(decompress, lzo_rejects_bad_block_checksum)
{
	/* magic 9, header 25 + name 0 + checksum 4 (lzop 1.04), dlen, clen */
	compress_with(CMD_LZO, DATA_LEN);
	z[9 + 25 + 4 + 8] ^= 1;
	expect_fail(-EINVAL, "lzo", "checksum mismatch");
}

Test(decompress, lzo_rejects_bad_header_checksum)
{
	compress_with(CMD_LZO, DATA_LEN);
	z[9 + 25 + 2] ^= 1;
	expect_fail(-EINVAL, "lzo", "header checksum");
}

/* A bomb: 32 MiB of zeros declared as 4 KiB stops at 4 KiB + 1. */
Test(decompress, zstd_bomb_stops_at_declared_size)
{
	free(data);
	data = calloc(1, MiB(32));
	compress_with(CMD_ZSTD, MiB(32));
	set_declared(4096);
	expect_fail(-EINVAL, "zstd", TOO_BIG);
}

Test(decompress, gzip_bomb_with_lying_isize)
{
	free(data);
	data = calloc(1, MiB(32));
	compress_with(CMD_GZIP, MiB(32));
	set_declared(4096);
	expect_fail(-EINVAL, "gzip", NULL);
}

Test(decompress, rejects_zero_declared_size)
{
	compress_with(CMD_XZ, DATA_LEN);
	set_declared(0);
	expect_fail(-EINVAL, "xz", "declared uncompressed size is 0");
}

Test(decompress, rejects_unknown_format)
{
	z = calloc(1, 64);
	zlen = 64;
	memcpy(z, "\x7f" "ELF", 4);
	expect_fail(-EINVAL, "payload", "unknown compression format (first bytes 7f 45 4c 46)");
}

Test(decompress, rejects_payload_shorter_than_magic_and_size)
{
	z = malloc(8);
	memcpy(z, "\xfd" "7zXZ\0\1\0", 8);
	zlen = 8;
	expect_fail(-EINVAL, "xz", "too short");
}

Test(decompress, detects_every_magic)
{
	cr_assert_eq(compress_detect("\x1f\x8b\x08", 3), COMPRESS_GZIP);
	cr_assert_eq(compress_detect("BZh9", 4), COMPRESS_BZIP2);
	cr_assert_eq(compress_detect("\x5d\0\0\x80", 4), COMPRESS_LZMA);
	cr_assert_eq(compress_detect("\xfd" "7zXZ\0", 6), COMPRESS_XZ);
	cr_assert_eq(compress_detect("\x89LZO\0\r\n\x1a\n", 9), COMPRESS_LZO);
	cr_assert_eq(compress_detect("\x02\x21\x4c\x18", 4), COMPRESS_LZ4);
	cr_assert_eq(compress_detect("\x28\xb5\x2f\xfd", 4), COMPRESS_ZSTD);
	cr_assert_eq(compress_detect("\x7f" "ELF", 4), COMPRESS_UNKNOWN);
	cr_assert_eq(compress_detect("\xfd" "7zXZ", 5), COMPRESS_UNKNOWN);
	cr_assert_eq(compress_detect("", 0), COMPRESS_UNKNOWN);
}

Test(decompress, names_every_format)
{
	cr_assert_str_eq(compress_name(COMPRESS_GZIP), "gzip");
	cr_assert_str_eq(compress_name(COMPRESS_BZIP2), "bzip2");
	cr_assert_str_eq(compress_name(COMPRESS_LZMA), "lzma");
	cr_assert_str_eq(compress_name(COMPRESS_XZ), "xz");
	cr_assert_str_eq(compress_name(COMPRESS_LZO), "lzo");
	cr_assert_str_eq(compress_name(COMPRESS_LZ4), "lz4");
	cr_assert_str_eq(compress_name(COMPRESS_ZSTD), "zstd");
	cr_assert_str_eq(compress_name(COMPRESS_UNKNOWN), "unknown");
	cr_assert_str_eq(compress_name((enum compression)99), "unknown");
}
