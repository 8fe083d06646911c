/* decompress_lz.c: the lzop container (lzop's own format, LZO1X blocks) and the lz4 legacy frame, parsed by hand. */
#include <errno.h>
#include <lz4.h>
#include <lzo/lzo1x.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "loader/decompress.h"
#include "loader/decompress_impl.h"
#include "mmu/err.h"

/* lzop's header flags (lzop src/conf.h); unknown bits are ignored as lzop does. */
#define LZOP_ADLER32_D 0x0001
#define LZOP_ADLER32_C 0x0002
#define LZOP_H_EXTRA_FIELD 0x0040
#define LZOP_CRC32_D 0x0100
#define LZOP_CRC32_C 0x0200
#define LZOP_MULTIPART 0x0400
#define LZOP_H_FILTER 0x0800
#define LZOP_H_CRC32 0x1000
#define LZOP_MAGIC_LEN 9
#define LZOP_V0940 0x0940	       /* adds version_needed, level, mtime_high */
#define LZOP_MAX_NEEDED 0x1040	       /* the newest format we parse (lzop 1.04) */
#define LZOP_MAX_BLOCK (64u << 20)     /* lzop's MAX_BLOCK_SIZE */
#define LZ4_LEGACY_MAGIC 0x184c2102u

/* A bounds-checked cursor over the stream. */
struct rd {
	const uint8_t *p;
	size_t len, pos;
};

static bool rd_take(struct rd *r, size_t n, const uint8_t **out)
{
	if (r->len - r->pos < n)
		return false;
	*out = r->p + r->pos;
	r->pos += n;
	return true;
}

/* Read an `n`-byte big-endian value (lzop is big endian). */
static bool rd_be(struct rd *r, unsigned n, uint32_t *v)
{
	const uint8_t *b;

	if (!rd_take(r, n, &b))
		return false;
	*v = 0;
	for (unsigned i = 0; i < n; i++)
		*v = *v << 8 | b[i];
	return true;
}

static uint32_t lzop_sum(bool crc, const uint8_t *p, size_t n)
{
	return crc ? (uint32_t)crc32(0, p, (uInt)n) :
		     (uint32_t)adler32(1, p, (uInt)n);
}

/* Fields in the order lzop 1.04 writes them (lzop src/lzop.c, p_header). */
static int lzop_fields(const struct dec *d, struct rd *r, uint32_t *flags)
{
	uint32_t version, lib, need = 0, method, level, mode, mtime, mtime_hi;
	uint32_t filter, namelen;
	const uint8_t *name;
	bool ok;

	ok = rd_be(r, 2, &version) && rd_be(r, 2, &lib) &&
	     (version < LZOP_V0940 || rd_be(r, 2, &need)) &&
	     rd_be(r, 1, &method) &&
	     (version < LZOP_V0940 || rd_be(r, 1, &level)) &&
	     rd_be(r, 4, flags) &&
	     (!(*flags & LZOP_H_FILTER) || rd_be(r, 4, &filter)) &&
	     rd_be(r, 4, &mode) && rd_be(r, 4, &mtime) &&
	     (version < LZOP_V0940 || rd_be(r, 4, &mtime_hi)) &&
	     rd_be(r, 1, &namelen) && rd_take(r, namelen, &name);
	if (!ok)
		return dec_truncated(d, "lzop header");
	if (version < 0x0900 || need > LZOP_MAX_NEEDED)
		return errf(-EINVAL,
			    "lzo: lzop header version 0x%x (needs 0x%x) is not supported",
			    version, need);
	if (method < 1 || method > 3)
		return errf(-EINVAL, "lzo: method %u is not LZO1X", method);
	if (*flags & (LZOP_H_FILTER | LZOP_MULTIPART | LZOP_H_EXTRA_FIELD))
		return errf(-EINVAL,
			    "lzo: lzop flags 0x%x ask for a filter, multipart or extra field",
			    *flags);
	return 0;
}

/* The header checksum covers everything from the version to the name. */
static int lzop_header(const struct dec *d, struct rd *r, uint32_t *flags)
{
	uint32_t sum;
	int ret;

	r->pos = LZOP_MAGIC_LEN;
	ret = lzop_fields(d, r, flags);
	if (ret < 0)
		return ret;
	if (!rd_be(r, 4, &sum))
		return dec_truncated(d, "lzop header checksum");
	if (sum != lzop_sum(*flags & LZOP_H_CRC32, r->p + LZOP_MAGIC_LEN,
			    r->pos - 4 - LZOP_MAGIC_LEN))
		return errf(-EINVAL, "lzo: lzop header checksum 0x%08x is wrong",
			    sum);
	return 0;
}

/* Checksums in a block header: adler32 then crc32, each if its flag is set. */
struct lzop_sums {
	uint32_t adler, crc;
};

static bool lzop_read_sums(struct rd *r, uint32_t flags, uint32_t fa,
			   uint32_t fc, struct lzop_sums *s)
{
	return (!(flags & fa) || rd_be(r, 4, &s->adler)) &&
	       (!(flags & fc) || rd_be(r, 4, &s->crc));
}

static int lzop_check_sums(uint32_t flags, uint32_t fa,
			   uint32_t fc, const struct lzop_sums *s,
			   const uint8_t *p, size_t n, unsigned blk)
{
	if (((flags & fa) && s->adler != lzop_sum(false, p, n)) ||
	    ((flags & fc) && s->crc != lzop_sum(true, p, n)))
		return errf(-EINVAL, "lzo: block %u: %s checksum mismatch", blk,
			    fa == LZOP_ADLER32_C ? "compressed" : "uncompressed");
	return 0;
}

static int lzop_unpack(struct dec *d, const uint8_t *src, uint32_t clen,
		       uint32_t dlen, unsigned blk)
{
	lzo_uint n = dlen;

	if (clen == dlen) { /* stored: lzop keeps incompressible blocks raw */
		memcpy(d->out + d->got, src, dlen);
		return 0;
	}
	if (lzo1x_decompress_safe((lzo_bytep)(uintptr_t)src, clen,
				  d->out + d->got, &n, NULL) != LZO_E_OK ||
	    n != dlen)
		return errf(-EINVAL,
			    "lzo: block %u: corrupt LZO1X data (%u -> %u bytes)",
			    blk, clen, dlen);
	return 0;
}

/* One block; *end is set by the zero-length terminator. */
static int lzop_block(struct dec *d, struct rd *r, uint32_t flags,
		      unsigned blk, bool *end)
{
	struct lzop_sums ds = { 0 }, cs = { 0 };
	uint32_t dlen, clen;
	const uint8_t *src;
	int ret;

	if (!rd_be(r, 4, &dlen))
		return dec_truncated(d, "lzop block header");
	*end = dlen == 0;
	if (*end)
		return 0;
	if (!rd_be(r, 4, &clen) ||
	    !lzop_read_sums(r, flags, LZOP_ADLER32_D, LZOP_CRC32_D, &ds) ||
	    (clen < dlen &&
	     !lzop_read_sums(r, flags, LZOP_ADLER32_C, LZOP_CRC32_C, &cs)) ||
	    !rd_take(r, clen, &src))
		return dec_truncated(d, "lzop block");
	if (dlen > LZOP_MAX_BLOCK || clen > dlen)
		return errf(-EINVAL,
			    "lzo: block %u: sizes %u -> %u are invalid (max %u)",
			    blk, clen, dlen, LZOP_MAX_BLOCK);
	if (dlen > d->want - d->got)
		return dec_too_big(d);
	ret = clen < dlen ? lzop_check_sums(flags, LZOP_ADLER32_C,
					    LZOP_CRC32_C, &cs, src, clen, blk) :
			    0;
	if (ret == 0)
		ret = lzop_unpack(d, src, clen, dlen, blk);
	if (ret == 0)
		ret = lzop_check_sums(flags, LZOP_ADLER32_D, LZOP_CRC32_D,
				      &ds, d->out + d->got, dlen, blk);
	if (ret == 0)
		d->got += dlen;
	return ret;
}

int dec_lzo(struct dec *d)
{
	struct rd r = { d->in, d->in_len, 0 };
	uint32_t flags = 0;
	bool end = false;
	int ret;

	if (lzo_init() != LZO_E_OK)
		return errf(-EINVAL, "lzo: lzo_init failed");
	ret = lzop_header(d, &r, &flags);
	/* Every block consumes at least 8 bytes, so this loop is bounded. */
	for (unsigned blk = 0; ret == 0 && !end; blk++)
		ret = lzop_block(d, &r, flags, blk, &end);
	return ret < 0 ? ret : dec_end(d, r.pos);
}

/*
 * A chunk that fails to decode into the room left may still be valid
 * and merely too long: decode it into a full-size scratch buffer to tell.
 */
static int lz4_failed(const struct dec *d, const uint8_t *src, uint32_t clen,
		      unsigned chunk)
{
	char *scratch = malloc(LZ4_LEGACY_CHUNK);
	int n;

	if (!scratch)
		return errf(-ENOMEM, "lz4: cannot allocate a chunk buffer");
	n = LZ4_decompress_safe((const char *)src, scratch, (int)clen,
				LZ4_LEGACY_CHUNK);
	free(scratch);
	if (n >= 0)
		return dec_too_big(d);
	return errf(-EINVAL, "lz4: chunk %u: corrupt LZ4 block (%u bytes)",
		    chunk, clen);
}

static int lz4_chunk(struct dec *d, const uint8_t *src, uint32_t clen,
		     unsigned chunk)
{
	size_t room = d->cap - d->got;
	int n;

	if (room > LZ4_LEGACY_CHUNK)
		room = LZ4_LEGACY_CHUNK;
	n = LZ4_decompress_safe((const char *)src, (char *)d->out + d->got,
				(int)clen, (int)room);
	if (n < 0)
		return lz4_failed(d, src, clen, chunk);
	d->got += (size_t)n;
	return d->got > d->want ? dec_too_big(d) : 0;
}

/* Legacy frame: magic, then [u32 LE compressed size][LZ4 block]... to the end. */
int dec_lz4(struct dec *d)
{
	struct rd r = { d->in, d->in_len, 4 };
	uint32_t clen;
	const uint8_t *b;
	unsigned chunk;
	int ret = 0;

	for (chunk = 0; ret == 0 && r.pos < r.len; chunk++) {
		if (!rd_take(&r, 4, &b))
			return dec_truncated(d, "lz4 chunk header");
		clen = (uint32_t)b[0] | (uint32_t)b[1] << 8 |
		       (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
		if (clen == LZ4_LEGACY_MAGIC) /* concatenated legacy frames */
			continue;
		if (clen == 0 || clen > LZ4_COMPRESSBOUND(LZ4_LEGACY_CHUNK))
			return errf(-EINVAL,
				    "lz4: chunk %u: compressed size %u is out of range",
				    chunk, clen);
		if (!rd_take(&r, clen, &b))
			return dec_truncated(d, "lz4 chunk");
		ret = lz4_chunk(d, b, clen, chunk);
	}
	return ret;
}
