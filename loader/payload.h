/* payload.h: the compressed vmlinux inside a bzImage (boot.rst payload_offset/payload_length, protocol 2.08+). */
#ifndef VMM_PAYLOAD_H
#define VMM_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "loader/bzimage.h"

#define PAYLOAD_MIN_VERSION 0x0208 /* payload_offset/payload_length exist */
#define PAYLOAD_EXTRACT_MAX (1ULL << 30) /* vmm refuses payloads that claim more than 1 GiB */

/*
 * Point *p at the payload of a parsed bzImage: `payload_length` bytes at
 * pm_offset + payload_offset, which must lie inside both the file and the
 * protected-mode code (syssize). Returns 0, or -EINVAL naming the field.
 */
int payload_locate(const struct bzimage *bz, const uint8_t **p, size_t *len);

/*
 * Locate and decompress (decompress()) the payload of `bz`, refusing a
 * declared size above `max_out`, and check that the result is an ELF image
 * (it is vmlinux.bin: an ELF file plus appended relocations). On success
 * *out is a malloc'd buffer of *out_len bytes the caller frees.
 * Returns -EINVAL, -E2BIG or -ENOMEM as decompress(); -ENOEXEC if the
 * decompressed bytes are not ELF. *out is NULL on failure.
 */
int payload_extract(const struct bzimage *bz, uint64_t max_out, uint8_t **out,
		    size_t *out_len);

#endif
