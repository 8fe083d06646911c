/* mutator_image.h: what vmm fuzz's mutator reads of a loaded image (the valid state, its boot info and page tables) as one file, for a mutator that runs outside vmm (AFL++'s custom mutator). */
#ifndef VMM_FUZZ_MUTATOR_IMAGE_H
#define VMM_FUZZ_MUTATOR_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmu/guest_mem.h"
#include "vmm/boot.h"

#define MUTATOR_IMAGE_MAGIC "vmm mutator img\n" /* 16 bytes, the file's first */
#define MUTATOR_IMAGE_ENV "VMM_MUTATOR_IMAGE" /* names the file, for the mutator and vmm fuzz --afl */
#define MUTATOR_IMAGE_VERSION 1
#define MUTATOR_IMAGE_REGIONS 3	/* boot info, PVH memory map, page tables */
#define MUTATOR_IMAGE_STATE_MAX (64u << 10) /* a valid dump is about 3 KiB */

struct mutator_region {
	gpa_t gpa;
	uint64_t len;
	const uint8_t *bytes; /* in guest memory (made) or in the file's buffer (parsed) */
};

/* Everything fuzz_mutate_from() reads: struct fuzz_target's numbers and the bytes at them. */
struct mutator_image {
	uint64_t mem_size;
	gpa_t info;		/* zero page or hvm_start_info */
	uint64_t table_bytes;	/* page-table bytes at valid.paging.base */
	bool wild;		/* the --fuzz-mode it was made for */
	unsigned nregions;
	struct mutator_region region[MUTATOR_IMAGE_REGIONS];
	struct entry_state valid;
};

/*
 * Describe the image in `mem` (a valid state `valid`, loaded): its boot info
 * (fuzz_boot_info(): the zero page, or hvm_start_info and the memory map it names) and
 * `table_bytes` of page tables. The regions point into `mem`. 0, or -EINVAL (err_msg() names
 * the region) if one is not RAM.
 */
int mutator_image_make(struct mutator_image *ti, const struct guest_mem *mem,
		       const struct entry_state *valid, uint64_t table_bytes, bool wild);

/* The file's bytes in a new buffer *out (free() it), *len long: 0 or -ENOMEM. */
int mutator_image_encode(const struct mutator_image *ti, uint8_t **out, size_t *len);

/*
 * Read a file's bytes (hostile): 0, or -EINVAL with err_msg() naming the field. The
 * regions point into `buf`, which must outlive `ti`.
 */
int mutator_image_parse(const uint8_t *buf, size_t len, struct mutator_image *ti);

/*
 * Whether `file` (parsed) describes the image `mine` describes, for the mutator: the same RAM
 * size, boot info address, page-table size and limit, regions and bytes, and valid state; the
 * mode is left out (the mutator takes it from the file). 0, or -EINVAL with err_msg() naming
 * the first difference, the file's value first.
 */
int mutator_image_compare(const struct mutator_image *file, const struct mutator_image *mine);

/*
 * Guest memory as the mutator sees it: `ti->mem_size` bytes of zeros (anonymous, never
 * touched but for the regions) with the regions copied in. 0 or -ENOMEM / -EINVAL;
 * mutator_image_unmap() frees it.
 */
int mutator_image_map(const struct mutator_image *ti, struct guest_mem *mem);
void mutator_image_unmap(struct guest_mem *mem);

#endif
