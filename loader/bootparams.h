/* bootparams.h: builds the zero page (struct boot_params, Documentation/arch/x86/zero-page.rst). */
#ifndef VMM_BOOTPARAMS_H
#define VMM_BOOTPARAMS_H

#include "loader/bzimage.h"

struct bootparams_args {
	/* The kernel's setup header, bytes [0x1f1, end) of its image. */
	const uint8_t *setup_header;
	size_t setup_header_len;
	uint32_t cmdline_size;	 /* the kernel's limit, NUL excluded */
	gpa_t code32_start;	 /* where the protected-mode code went */
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
 * Write boot_params at a->zero_page: zeroed, the setup header copied to
 * 0x1f1 (never the sentinel at 0x1ef), then the loader's fields
 * (type_of_loader, code32_start, cmd_line_ptr, ramdisk, e820 table).
 * -EINVAL if the command line is longer than cmdline_size or our buffer,
 * or the header does not fit boot_params; -E2BIG if a region is not RAM.
 */
int bootparams_build(struct guest_mem *gm, const struct bootparams_args *a);

/* Replace the zero page's e820 table with `map` (at most MEMMAP_MAX entries). */
struct memmap_entry;
int bootparams_set_memmap(struct guest_mem *gm, gpa_t zero_page,
			  const struct memmap_entry *map, unsigned n);

/* boot_params.acpi_rsdp_addr (0x070) = `rsdp`, the RSDP's GPA: read by kernels
 * of boot protocol 2.14 and later (boot.rst), older ones scan for the RSDP. */
int bootparams_set_rsdp(struct guest_mem *gm, gpa_t zero_page, gpa_t rsdp);

/* Setup-header arguments for a validated bzImage loaded at kp->load. */
void bootparams_from_bzimage(struct bootparams_args *a, const struct bzimage *bz,
			     const struct kernel_place *kp);

/*
 * A setup header for a kernel that brings none (a plain ELF vmlinux), as
 * Firecracker's and linux-loader's ELF paths do: boot_flag, "HdrS",
 * protocol 2.15, LOADED_HIGH, kernel_alignment 2 MiB, cmdline_size 2047
 * (x86 COMMAND_LINE_SIZE - 1), initrd_addr_max BOOTPARAMS_SYNTH_INITRD_MAX. `buf` holds BOOTPARAMS_SYNTH_LEN bytes.
 */
#define BOOTPARAMS_SYNTH_LEN (0x26c - 0x1f1)
#define BOOTPARAMS_SYNTH_CMDLINE_SIZE 2047
/* Its initrd_addr_max (the x86 kernels' own header value): vmm places a plain ELF's initrd
 * below it too, as it says. */
#define BOOTPARAMS_SYNTH_INITRD_MAX 0x7fffffffu
void bootparams_synth_header(struct bootparams_args *a,
			     uint8_t buf[BOOTPARAMS_SYNTH_LEN], gpa_t load);

#endif
