/* decompress.c: format detection, the declared-size contract, and the zlib/bzip2/liblzma/zstd decoders. */
#define ZLIB_CONST
#include "loader/decompress.h"

#include <bzlib.h>
#include <errno.h>
#include <limits.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "loader/decompress_impl.h"
#include "mmu/err.h"

/* An lzma -9 dictionary is 64 MiB; refuse headers asking for far more. */
#define LZMA_MEMLIMIT (256ULL << 20)
#define SIZE_TRAILER 4

static const struct {
	const char *name;
	const char *magic;
	size_t len;
} formats[] = {
	[COMPRESS_UNKNOWN] = { "unknown", "", 0 },
	[COMPRESS_GZIP] = { "gzip", "\x1f\x8b", 2 },
	[COMPRESS_BZIP2] = { "bzip2", "BZh", 3 },
	[COMPRESS_LZMA] = { "lzma", "\x5d\x00\x00", 3 },
	[COMPRESS_XZ] = { "xz", "\xfd" "7zXZ\x00", 6 },
	[COMPRESS_LZO] = { "lzo", "\x89LZO\x00\x0d\x0a\x1a\x0a", 9 },
	[COMPRESS_LZ4] = { "lz4", "\x02\x21\x4c\x18", 4 },
	[COMPRESS_ZSTD] = { "zstd", "\x28\xb5\x2f\xfd", 4 },
};

#define NFORMATS (sizeof(formats) / sizeof(formats[0]))

enum compression compress_detect(const void *p, size_t len)
{
	for (unsigned c = COMPRESS_GZIP; c < NFORMATS; c++)
		if (len >= formats[c].len &&
		    memcmp(p, formats[c].magic, formats[c].len) == 0)
			return (enum compression)c;
	return COMPRESS_UNKNOWN;
}

const char *compress_name(enum compression c)
{
	return (unsigned)c < NFORMATS ? formats[c].name : "unknown";
}

int dec_too_big(const struct dec *d)
{
	return errf(-EINVAL,
		    "%s: the stream decompresses to more than its declared size of %zu bytes",
		    d->name, d->want);
}

int dec_truncated(const struct dec *d, const char *what)
{
	return errf(-EINVAL,
		    "%s: stream truncated (%s) after %zu of %zu declared bytes",
		    d->name, what, d->got, d->want);
}

int dec_stuck(const struct dec *d)
{
	return d->got == d->cap ? dec_too_big(d) :
				  dec_truncated(d, "no end of stream");
}

int dec_end(const struct dec *d, size_t consumed)
{
	if (consumed != d->in_len)
		return errf(-EINVAL,
			    "%s: %zu trailing bytes after the end of the stream",
			    d->name, d->in_len - consumed);
	return 0;
}

static unsigned clamp_uint(size_t n)
{
	return n > UINT_MAX ? UINT_MAX : (unsigned)n;
}

/* RFC 1952 through zlib: it checks the CRC-32 and the ISIZE trailer. */
static int dec_gzip(struct dec *d)
{
	z_stream zs = { 0 };
	size_t in_done = 0;
	int zr;

	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		return errf(-ENOMEM, "gzip: inflateInit2 failed");
	zs.next_in = d->in;
	zs.next_out = d->out;
	do {
		zs.avail_in = clamp_uint(d->in_len - in_done);
		zs.avail_out = clamp_uint(d->cap - d->got);
		zr = inflate(&zs, Z_NO_FLUSH);
		in_done = (size_t)(zs.next_in - d->in);
		d->got = (size_t)(zs.next_out - d->out);
	} while (zr == Z_OK);
	inflateEnd(&zs);
	if (zr == Z_STREAM_END)
		return dec_end(d, in_done);
	if (zr == Z_BUF_ERROR)
		return dec_stuck(d);
	if (zr == Z_MEM_ERROR)
		return errf(-ENOMEM, "gzip: out of memory");
	return errf(-EINVAL, "gzip: corrupt stream near input byte %zu: %s",
		    in_done, zs.msg ? zs.msg : "bad data");
}

static int dec_bzip2(struct dec *d)
{
	bz_stream bs = { 0 };
	size_t in_done = 0, prev_in, prev_out;
	int br;

	if (BZ2_bzDecompressInit(&bs, 0, 0) != BZ_OK)
		return errf(-ENOMEM, "bzip2: BZ2_bzDecompressInit failed");
	bs.next_in = (char *)(uintptr_t)d->in;
	bs.next_out = (char *)d->out;
	do {
		prev_in = in_done;
		prev_out = d->got;
		bs.avail_in = clamp_uint(d->in_len - in_done);
		bs.avail_out = clamp_uint(d->cap - d->got);
		br = BZ2_bzDecompress(&bs);
		in_done = (size_t)((const uint8_t *)bs.next_in - d->in);
		d->got = (size_t)((uint8_t *)bs.next_out - d->out);
	} while (br == BZ_OK && (in_done != prev_in || d->got != prev_out));
	BZ2_bzDecompressEnd(&bs);
	if (br == BZ_STREAM_END)
		return dec_end(d, in_done);
	if (br == BZ_OK)
		return dec_stuck(d);
	if (br == BZ_MEM_ERROR)
		return errf(-ENOMEM, "bzip2: out of memory");
	return errf(-EINVAL, "bzip2: corrupt stream near input byte %zu (BZ error %d)",
		    in_done, br);
}

/* xz (.xz container, CRC checked) or lzma "alone" (13-byte header). */
static int dec_lzma(struct dec *d, int xz)
{
	lzma_stream ls = LZMA_STREAM_INIT;
	lzma_ret lr = xz ? lzma_stream_decoder(&ls, LZMA_MEMLIMIT, 0) :
			   lzma_alone_decoder(&ls, LZMA_MEMLIMIT);

	if (lr != LZMA_OK)
		return errf(-ENOMEM, "%s: decoder setup failed (%d)", d->name, lr);
	ls.next_in = d->in;
	ls.avail_in = d->in_len;
	ls.next_out = d->out;
	ls.avail_out = d->cap;
	do
		lr = lzma_code(&ls, LZMA_FINISH);
	while (lr == LZMA_OK);
	d->got = (size_t)ls.total_out;
	lzma_end(&ls);
	if (lr == LZMA_STREAM_END)
		return dec_end(d, (size_t)ls.total_in);
	if (lr == LZMA_BUF_ERROR)
		return dec_stuck(d);
	if (lr == LZMA_MEMLIMIT_ERROR)
		return errf(-EINVAL, "%s: the stream needs more than %llu MiB of decoder memory",
			    d->name, LZMA_MEMLIMIT >> 20);
	if (lr == LZMA_MEM_ERROR)
		return errf(-ENOMEM, "%s: out of memory", d->name);
	return errf(-EINVAL, "%s: corrupt stream near input byte %llu (lzma_ret %d)",
		    d->name, (unsigned long long)ls.total_in, lr);
}

/* One or more zstd frames; anything after the last frame is rejected by libzstd. */
static int dec_zstd(struct dec *d)
{
	ZSTD_DCtx *z = ZSTD_createDCtx();
	ZSTD_inBuffer ib = { d->in, d->in_len, 0 };
	ZSTD_outBuffer ob = { d->out, d->cap, 0 };
	size_t zr, prev_in, prev_out;

	if (!z)
		return errf(-ENOMEM, "zstd: ZSTD_createDCtx failed");
	do {
		prev_in = ib.pos;
		prev_out = ob.pos;
		zr = ZSTD_decompressStream(z, &ob, &ib);
	} while (!ZSTD_isError(zr) && !(zr == 0 && ib.pos == ib.size) &&
		 (ib.pos != prev_in || ob.pos != prev_out));
	ZSTD_freeDCtx(z);
	d->got = ob.pos;
	if (ZSTD_isError(zr))
		return errf(-EINVAL, "zstd: corrupt stream near input byte %zu: %s",
			    ib.pos, ZSTD_getErrorName(zr));
	if (zr == 0)
		return dec_end(d, ib.pos);
	return dec_stuck(d);
}

size_t decompress_declared_size(const uint8_t *in, size_t len)
{
	if (len < SIZE_TRAILER)
		return 0;
	return (size_t)in[len - 4] | (size_t)in[len - 3] << 8 | (size_t)in[len - 2] << 16 |
	       (size_t)in[len - 1] << 24;
}

static int dec_run(struct dec *d, enum compression c)
{
	switch (c) {
	case COMPRESS_GZIP:
		return dec_gzip(d);
	case COMPRESS_BZIP2:
		return dec_bzip2(d);
	case COMPRESS_LZMA:
	case COMPRESS_XZ:
		return dec_lzma(d, c == COMPRESS_XZ);
	case COMPRESS_LZO:
		return dec_lzo(d);
	case COMPRESS_LZ4:
		return dec_lz4(d);
	case COMPRESS_ZSTD:
		return dec_zstd(d);
	default:
		return errf(-EINVAL, "payload: unknown compression");
	}
}

/* Format, trailer and declared size, before any allocation. */
static int dec_prepare(const uint8_t *p, size_t len, uint64_t max_out,
		       enum compression *c, struct dec *d)
{
	*c = compress_detect(p, len);
	if (*c == COMPRESS_UNKNOWN)
		return errf(-EINVAL,
			    "payload: unknown compression format (first bytes %02x %02x %02x %02x)",
			    len > 0 ? p[0] : 0, len > 1 ? p[1] : 0,
			    len > 2 ? p[2] : 0, len > 3 ? p[3] : 0);
	d->name = formats[*c].name;
	if (len < formats[*c].len + SIZE_TRAILER)
		return errf(-EINVAL, "%s: payload of %zu bytes is too short",
			    d->name, len);
	d->in = p;
	d->in_len = *c == COMPRESS_GZIP ? len : len - SIZE_TRAILER;
	d->want = decompress_declared_size(p, len);
	d->cap = d->want + 1;
	if (d->want == 0)
		return errf(-EINVAL, "%s: declared uncompressed size is 0", d->name);
	if (d->want > max_out)
		return errf(-E2BIG,
			    "%s: declared uncompressed size %zu exceeds the limit of %llu bytes",
			    d->name, d->want, (unsigned long long)max_out);
	return 0;
}

int decompress(const void *in, size_t len, uint64_t max_out, uint8_t **out,
	       size_t *out_len)
{
	struct dec d = { 0 };
	enum compression c;
	int r;

	*out = NULL;
	*out_len = 0;
	r = dec_prepare(in, len, max_out, &c, &d);
	if (r < 0)
		return r;
	d.out = malloc(d.cap);
	if (!d.out)
		return errf(-ENOMEM, "%s: cannot allocate %zu bytes", d.name,
			    d.cap);
	r = dec_run(&d, c);
	if (r == 0 && d.got > d.want)
		r = dec_too_big(&d);
	else if (r == 0 && d.got < d.want)
		r = errf(-EINVAL,
			 "%s: the stream ends after %zu bytes but declares %zu",
			 d.name, d.got, d.want);
	if (r < 0) {
		free(d.out);
		return r;
	}
	*out = d.out;
	*out_len = d.want;
	return 0;
}
