/* fuzz_decompress.c: libFuzzer target: decompress() on raw bytes; each format is reached through its magic (seeds in corpus/decompress). */
#include <stdlib.h>

#include "loader/decompress.h"
#include "mmu/bits.h"
#include "tests/fuzz/fuzz_util.h"

/* Declared sizes above this are refused (-E2BIG) before any allocation. */
#define MAX_OUT MiB(64)

/* The little-endian u32 at the end: the declared uncompressed size. */
static uint32_t trailer(const uint8_t *p, size_t len)
{
	return (uint32_t)p[len - 4] | (uint32_t)p[len - 3] << 8 |
	       (uint32_t)p[len - 2] << 16 | (uint32_t)p[len - 1] << 24;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *out = (uint8_t *)1; /* must become NULL on failure */
	size_t out_len = 1;
	int r;

	if (!compress_name(compress_detect(data, size)))
		fuzz_fail("compress_name: NULL");
	r = decompress(data, size, MAX_OUT, &out, &out_len);
	if (r < 0 && (out || out_len))
		fuzz_fail("decompress: failure left an output");
	if (r == 0 && (!out || size < 4 || out_len != trailer(data, size)))
		fuzz_fail("decompress: output length is not the declared size");
	free(out);
	return 0;
}
