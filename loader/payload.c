/* payload.c: locate a bzImage's compressed vmlinux and turn it back into ELF bytes. */
#include "loader/payload.h"

#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loader/decompress.h"
#include "mmu/err.h"

int payload_locate(const struct bzimage *bz, const uint8_t **p, size_t *len)
{
	const struct setup_header *h = &bz->hdr;
	uint64_t off = h->payload_offset, end;

	*p = NULL;
	*len = 0;
	if (h->version < PAYLOAD_MIN_VERSION)
		return errf(-EINVAL,
			    "payload: boot protocol %u.%02u has no payload_offset (need 2.08)",
			    h->version >> 8, h->version & 0xff);
	if (h->payload_length == 0)
		return errf(-EINVAL,
			    "payload: payload_length 0x0: the image carries no ELF payload (not a Linux kernel?); boot it by --boot=linux64 or linux32");
	/* Both operands are 32-bit: the 64-bit sum cannot wrap. */
	end = off + h->payload_length;
	if (end > bz->pm_size)
		return errf(-EINVAL,
			    "payload: payload_offset 0x%x + payload_length 0x%x is outside the 0x%llx bytes of protected-mode code",
			    h->payload_offset, h->payload_length,
			    (unsigned long long)bz->pm_size);
	if (bz->pm_offset > bz->len || end > bz->len - bz->pm_offset)
		return errf(-EINVAL,
			    "payload: payload_offset 0x%x + payload_length 0x%x runs past the %zu-byte file",
			    h->payload_offset, h->payload_length, bz->len);
	*p = bz->img + bz->pm_offset + off;
	*len = h->payload_length;
	return 0;
}

int payload_extract(const struct bzimage *bz, uint64_t max_out, uint8_t **out,
		    size_t *out_len)
{
	const uint8_t *p;
	size_t len;
	int r = payload_locate(bz, &p, &len);

	*out = NULL;
	*out_len = 0;
	if (r == 0)
		r = decompress(p, len, max_out, out, out_len);
	if (r < 0)
		return r;
	if (*out_len < SELFMAG || memcmp(*out, ELFMAG, SELFMAG) != 0) {
		free(*out);
		*out = NULL;
		*out_len = 0;
		return errf(-ENOEXEC,
			    "payload: the decompressed kernel does not start with the ELF magic");
	}
	return 0;
}
