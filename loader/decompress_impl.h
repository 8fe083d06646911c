/* decompress_impl.h: state shared by the decoders in decompress.c and decompress_lz.c; not a public interface. */
#ifndef VMM_DECOMPRESS_IMPL_H
#define VMM_DECOMPRESS_IMPL_H

#include <stddef.h>
#include <stdint.h>

/*
 * One decompression: `in` is the stream alone (the appended size removed,
 * except for gzip whose ISIZE trailer belongs to the stream). `out` holds
 * `want` + 1 bytes: a stream that fills the spare byte is longer than it
 * declared, which no decoder has to special-case.
 */
struct dec {
	const char *name; /* format, for messages */
	const uint8_t *in;
	size_t in_len;
	uint8_t *out;
	size_t want; /* declared uncompressed size */
	size_t cap;  /* want + 1 */
	size_t got;  /* bytes produced so far */
};

/* Each decoder returns 0 once its stream ended exactly at in_len. */
int dec_lzo(struct dec *d);
int dec_lz4(struct dec *d);

/* Messages shared by the decoders; each returns -EINVAL. */
int dec_too_big(const struct dec *d);
int dec_truncated(const struct dec *d, const char *what);
/* The decoder made no progress: the output is full, or the input ran out. */
int dec_stuck(const struct dec *d);
/* The stream ended after `consumed` input bytes: anything left is garbage. */
int dec_end(const struct dec *d, size_t consumed);

#endif
