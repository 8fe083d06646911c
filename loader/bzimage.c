/* bzimage.c: setup-header validation and protected-mode kernel placement (boot.rst). */
#include "loader/bzimage.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mmu/bits.h"
#include "mmu/err.h"

#define PAGE_SIZE 4096

static int check_magic(const struct setup_header *h)
{
	if (h->boot_flag != BZ_BOOT_FLAG)
		return errf(-EINVAL,
			    "bzimage: boot_flag 0x%04x is not 0xaa55: not a Linux kernel image",
			    h->boot_flag);
	if (h->header != BZ_HDRS_MAGIC)
		return errf(-EINVAL,
			    "bzimage: header magic 0x%08x is not \"HdrS\": not a bzImage (boot protocol 2.00+)",
			    h->header);
	if (h->version < BZ_MIN_VERSION)
		return errf(-EINVAL,
			    "bzimage: boot protocol version %u.%02u is too old: need 2.10 or later",
			    h->version >> 8, h->version & 0xff);
	if (!(h->loadflags & LOADED_HIGH))
		return errf(-EINVAL,
			    "bzimage: loadflags 0x%02x lack LOADED_HIGH: low-loaded zImage kernels are not supported",
			    h->loadflags);
	return 0;
}

/*
 * boot.rst: syssize is "the size of the protected-mode code in units of
 * 16-byte paragraphs", so it rounds the code up to a paragraph. Linux's
 * build pads the file to match; other images do not (memtest86+ 6.10 ends
 * 8 bytes short of its last paragraph, and GRUB and QEMU load the file as it
 * is). A file that ends inside the last paragraph is whole: pm_size is then
 * what the file holds. One paragraph or more missing is a truncated file.
 */
static int check_syssize(struct bzimage *bz)
{
	const struct setup_header *h = &bz->hdr;
	uint64_t declared = (uint64_t)h->syssize * BZ_PARAGRAPH;
	size_t in_file = bz->len - bz->pm_offset;

	if (declared == 0 || declared >= in_file + BZ_PARAGRAPH)
		return errf(-EINVAL,
			    "bzimage: syssize 0x%x (%llu bytes) does not match the %zu bytes of protected-mode code in the file (truncated?)",
			    h->syssize, (unsigned long long)declared, in_file);
	bz->pm_size = declared < in_file ? declared : in_file;
	return 0;
}

static int check_layout(struct bzimage *bz)
{
	const struct setup_header *h = &bz->hdr;
	unsigned sects = h->setup_sects ? h->setup_sects : BZ_DEFAULT_SETUP_SECTS;

	bz->hdr_end = BZ_JUMP_OFFSET + 2 + bz->img[BZ_JUMP_OFFSET + 1];
	if (bz->hdr_end < BZ_HDR_MIN_END)
		return errf(-EINVAL,
			    "bzimage: jump 0x%04x puts the header end at 0x%zx, before init_size (protocol 2.10 needs 0x%x)",
			    h->jump, bz->hdr_end, BZ_HDR_MIN_END);
	if (bz->hdr_end > BZ_HDR_LIMIT)
		return errf(-EINVAL,
			    "bzimage: jump 0x%04x puts the header end at 0x%zx, beyond boot_params' limit 0x%x",
			    h->jump, bz->hdr_end, BZ_HDR_LIMIT);
	bz->pm_offset = (size_t)(sects + 1) * BZ_SECTOR;
	if (bz->pm_offset >= bz->len)
		return errf(-EINVAL,
			    "bzimage: setup_sects %u puts the protected-mode code at 0x%zx, past the end of the %zu-byte file",
			    h->setup_sects, bz->pm_offset, bz->len);
	return check_syssize(bz);
}

static int check_sizes(const struct bzimage *bz)
{
	const struct setup_header *h = &bz->hdr;

	if (h->relocatable_kernel && !is_pow2(h->kernel_alignment))
		return errf(-EINVAL,
			    "bzimage: kernel_alignment 0x%x is not a power of two",
			    h->kernel_alignment);
	if (h->init_size < bz->pm_size)
		return errf(-EINVAL,
			    "bzimage: init_size 0x%x is smaller than the protected-mode code (0x%llx bytes)",
			    h->init_size, (unsigned long long)bz->pm_size);
	if (h->pref_address < BZ_LOW_LOAD || h->pref_address >= GM_LOW_LIMIT)
		return errf(-EINVAL,
			    "bzimage: pref_address 0x%llx is outside [1 MiB, 3 GiB)",
			    (unsigned long long)h->pref_address);
	return 0;
}

int bzimage_parse(const void *img, size_t len, struct bzimage *out)
{
	int r;

	memset(out, 0, sizeof(*out));
	out->img = img;
	out->len = len;
	if (len < BZ_HDR_OFFSET + sizeof(struct setup_header))
		return errf(-EINVAL,
			    "bzimage: file is %zu bytes, too short to hold a setup header (need 0x%zx)",
			    len, BZ_HDR_OFFSET + sizeof(struct setup_header));
	memcpy(&out->hdr, out->img + BZ_HDR_OFFSET, sizeof(out->hdr));
	r = check_magic(&out->hdr);
	if (r == 0)
		r = check_layout(out);
	if (r == 0)
		r = check_sizes(out);
	return r;
}

int bzimage_place(const struct bzimage *bz, const struct guest_mem *gm,
		  struct kernel_place *kp)
{
	const struct setup_header *h = &bz->hdr;
	uint64_t top = gm_low_size(gm), end;

	/*
	 * boot.rst: a relocatable kernel may be loaded at any kernel_alignment
	 * boundary; loading it at pref_address (LOAD_PHYSICAL_ADDR) means the
	 * decompressor runs in place. A non-relocatable one is loaded at 1 MiB
	 * and moves itself to pref_address (head_64.S, startup_32).
	 */
	kp->load = h->relocatable_kernel ? h->pref_address : BZ_LOW_LOAD;
	kp->runtime_start = h->pref_address;
	if (h->relocatable_kernel &&
	    !align_up(kp->load, h->kernel_alignment, &kp->runtime_start))
		return errf(-EINVAL, "bzimage: pref_address overflows");
	end = kp->runtime_start + h->init_size;
	if (kp->load + bz->pm_size > end)
		end = kp->load + bz->pm_size;
	kp->end = end;
	if (end > GM_LOW_LIMIT)
		return errf(-E2BIG,
			    "bzimage: the kernel window 0x%llx-0x%llx (pref_address + init_size 0x%x) crosses the 3 GiB limit of low RAM: no --mem can hold it",
			    (unsigned long long)kp->runtime_start,
			    (unsigned long long)end, h->init_size);
	if (end > top)
		return errf(-E2BIG,
			    "bzimage: the kernel needs RAM up to 0x%llx (runtime start 0x%llx + init_size 0x%x) but guest RAM ends at 0x%llx: use --mem %lluM or more",
			    (unsigned long long)end,
			    (unsigned long long)kp->runtime_start, h->init_size,
			    (unsigned long long)top,
			    (unsigned long long)((end + MiB(1) - 1) >> 20));
	return 0;
}

int bzimage_load(const struct bzimage *bz, struct guest_mem *gm,
		 const struct kernel_place *kp)
{
	void *dst = gm_ptr(gm, kp->load, bz->pm_size);

	if (!dst)
		return errf(-E2BIG, "bzimage: load range 0x%llx+0x%llx is not RAM",
			    (unsigned long long)kp->load,
			    (unsigned long long)bz->pm_size);
	memcpy(dst, bz->img + bz->pm_offset, bz->pm_size);
	return 0;
}

int initrd_place(const struct guest_mem *gm, uint64_t floor, uint64_t limit_end,
		 const char *limit_what, uint64_t size, gpa_t *addr)
{
	uint64_t top = gm_low_size(gm);

	if (limit_end < top)
		top = limit_end;
	if (!align_up(floor, PAGE_SIZE, &floor))
		return errf(-EINVAL, "initrd: kernel end overflows");
	if (size > UINT32_MAX || floor > top || size > top - floor)
		return errf(-E2BIG,
			    "initrd: %llu bytes do not fit between the kernel's end 0x%llx and min(%s, RAM top) = 0x%llx",
			    (unsigned long long)size, (unsigned long long)floor,
			    limit_what, (unsigned long long)top);
	*addr = align_down(top - size, PAGE_SIZE);
	if (*addr < floor)
		return errf(-E2BIG,
			    "initrd: %llu bytes do not fit page-aligned below 0x%llx",
			    (unsigned long long)size, (unsigned long long)top);
	return 0;
}

int bzimage_place_initrd(const struct bzimage *bz, const struct guest_mem *gm,
			 const struct kernel_place *kp, uint64_t size,
			 gpa_t *addr)
{
	char what[48];

	/* initrd_addr_max is the highest address the initrd may occupy. */
	snprintf(what, sizeof(what), "initrd_addr_max 0x%x + 1",
		 bz->hdr.initrd_addr_max);
	return initrd_place(gm, kp->end, (uint64_t)bz->hdr.initrd_addr_max + 1,
			    what, size, addr);
}
