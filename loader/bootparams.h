/* bootparams.h: builds the zero page (struct boot_params, Documentation/arch/x86/zero-page.rst). */
#ifndef VMM_BOOTPARAMS_H
#define VMM_BOOTPARAMS_H

#include "loader/bzimage.h"

struct bootparams_args {
	gpa_t zero_page;	 /* 4 KiB, page-aligned RAM for boot_params */
	gpa_t cmdline;		 /* where the command line is written */
	uint64_t cmdline_max;	 /* bytes available there, NUL included */
	const char *cmdline_str; /* the command line ("" for none) */
	gpa_t initrd;		 /* 0: no initrd */
	uint64_t initrd_size;
	uint8_t loadflags_set;	 /* OR'ed into loadflags (e.g. KEEP_SEGMENTS) */
	uint32_t hardware_subarch; /* 0 = normal PC */
};

/*
 * Write boot_params at a->zero_page: zeroed, the image's setup header copied
 * from 0x1f1 (never the sentinel at 0x1ef), then the loader's fields
 * (type_of_loader, code32_start, cmd_line_ptr, ramdisk, e820 table).
 * -EINVAL if the command line is longer than the kernel's cmdline_size or
 * our buffer; -E2BIG if a region is not RAM.
 */
int bootparams_build(struct guest_mem *gm, const struct bzimage *bz,
		     const struct kernel_place *kp,
		     const struct bootparams_args *a);

#endif
