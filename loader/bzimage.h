/* bzimage.h: the Linux bzImage format (Documentation/arch/x86/boot.rst): header, placement, loading. */
#ifndef VMM_BZIMAGE_H
#define VMM_BZIMAGE_H

#include <asm/bootparam.h>
#include <stddef.h>
#include <stdint.h>

#include "mmu/guest_mem.h"

/* Offsets in the image and in boot_params (boot.rst "The real-mode kernel header"). */
#define BZ_HDR_OFFSET 0x1f1	/* setup_sects: first byte of the setup header */
#define BZ_JUMP_OFFSET 0x200	/* 2-byte jump; header ends at 0x202 + byte[0x201] */
#define BZ_HDR_LIMIT 0x290	/* boot_params.hdr may not reach edd_mbr_sig_buffer */
#define BZ_HDR_MIN_END 0x264	/* a 2.10 header ends after init_size (0x260, 4 bytes) */
#define BZ_BOOT_FLAG 0xaa55
#define BZ_HDRS_MAGIC 0x53726448 /* "HdrS" */
#define BZ_MIN_VERSION 0x020a	/* 2.10: init_size and pref_address exist */
#define BZ_SECTOR 512
#define BZ_PARAGRAPH 16	/* syssize counts 16-byte paragraphs */
#define BZ_DEFAULT_SETUP_SECTS 4 /* setup_sects == 0 means 4 */
#define BZ_LOW_LOAD 0x100000ULL	/* where a non-relocatable bzImage is loaded */
#define BZ_LOADER_UNDEFINED 0xff /* type_of_loader: "undefined" boot loader ID */

/* A validated bzImage: the image bytes stay owned by the caller. */
struct bzimage {
	const uint8_t *img;
	size_t len;
	struct setup_header hdr; /* copy of the image's header */
	size_t hdr_end;		 /* end of the header: 0x202 + jump offset */
	size_t pm_offset;	 /* file offset of the protected-mode code */
	uint64_t pm_size;	 /* bytes of protected-mode code: syssize * 16, or the file's end inside the last paragraph */
};

/* Where the kernel goes in guest RAM (boot.rst, init_size and pref_address). */
struct kernel_place {
	gpa_t load;	     /* protected-mode code copied here; 32-bit entry */
	gpa_t runtime_start; /* where the decompressor really runs */
	gpa_t end;	     /* first byte above everything the kernel needs */
};

/*
 * Validate the setup header of `img` (length `len`). Returns 0, or
 * -EINVAL with err_msg() naming the field and its value.
 */
int bzimage_parse(const void *img, size_t len, struct bzimage *out);

/*
 * Choose the load address (pref_address when relocatable, else 1 MiB) and
 * check that it plus init_size fits in the low RAM of `gm`.
 * -E2BIG (with the --mem needed in err_msg()) if it does not.
 */
int bzimage_place(const struct bzimage *bz, const struct guest_mem *gm,
		  struct kernel_place *out);

/* Copy the protected-mode code to kp->load. */
int bzimage_load(const struct bzimage *bz, struct guest_mem *gm,
		 const struct kernel_place *kp);

/*
 * Choose a page-aligned GPA for an initrd of `size` bytes, as high as
 * possible: it ends at or below both `limit_end` and the top of low RAM,
 * and starts at or above `floor` (rounded up to a page). `limit_what`
 * names the limit in errors. -E2BIG if there is no room.
 */
int initrd_place(const struct guest_mem *gm, uint64_t floor, uint64_t limit_end,
		 const char *limit_what, uint64_t size, gpa_t *addr);

/*
 * initrd_place() for a bzImage: below initrd_addr_max, above the kernel's
 * init_size window.
 */
int bzimage_place_initrd(const struct bzimage *bz, const struct guest_mem *gm,
			 const struct kernel_place *kp, uint64_t size,
			 gpa_t *addr);

#endif
