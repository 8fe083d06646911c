/* decompress.h: the kernel's payload compressors (lib/decompress.c formats), with the appended 32-bit size. */
#ifndef VMM_DECOMPRESS_H
#define VMM_DECOMPRESS_H

#include <stddef.h>
#include <stdint.h>

enum compression {
	COMPRESS_UNKNOWN,
	COMPRESS_GZIP,	/* 1f 8b */
	COMPRESS_BZIP2, /* "BZh" */
	COMPRESS_LZMA,	/* 5d 00 00: LZMA "alone" header */
	COMPRESS_XZ,	/* fd "7zXZ" 00 */
	COMPRESS_LZO,	/* 89 "LZO" 00 0d 0a 1a 0a: the lzop file format */
	COMPRESS_LZ4,	/* 02 21 4c 18: the legacy frame of `lz4 -l` */
	COMPRESS_ZSTD,	/* 28 b5 2f fd */
};

/* Longest chunk of the lz4 legacy frame (LZ4 "legacy format", 8 MiB). */
#define LZ4_LEGACY_CHUNK (8u << 20)

/* The format whose magic starts `p` (`len` bytes), or COMPRESS_UNKNOWN. */
enum compression compress_detect(const void *p, size_t len);

/* "gzip", "bzip2", ...; "unknown" for COMPRESS_UNKNOWN or a bad value. */
const char *compress_name(enum compression c);

/* The uncompressed size a payload of `len` bytes declares in its last 4 bytes (the trailer
 * decompress() describes); 0 if it is shorter than that. */
size_t decompress_declared_size(const uint8_t *in, size_t len);

/*
 * Decompress a kernel payload: `in` (`len` bytes) is a stream in one of the
 * formats above followed by the uncompressed size as a little-endian u32
 * (arch/x86/boot/compressed/Makefile, "*_with_size"; for gzip these are the
 * stream's own ISIZE trailer). That declared size must be 1..max_out; the
 * stream must produce exactly that many bytes and end exactly at the size
 * (no trailing bytes). On success *out is a malloc'd buffer of *out_len
 * (= the declared size) bytes that the caller frees. Returns -EINVAL for
 * an unknown format, a declared size of 0, or a truncated, corrupt or
 * oversized stream (err_msg() names the format and the problem); -E2BIG if
 * the declared size exceeds max_out; -ENOMEM. *out is NULL on failure.
 */
int decompress(const void *in, size_t len, uint64_t max_out, uint8_t **out,
	       size_t *out_len);

#endif
