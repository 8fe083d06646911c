/* pvh.h: Xen PVH boot (Xen's pvh.pandoc, include/xen/interface/hvm/start_info.h): ELF note scan and hvm_start_info. */
#ifndef VMM_PVH_H
#define VMM_PVH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmu/guest_mem.h"

/* include/xen/interface/elfnote.h: the 32-bit PVH entry point note. */
#define PVH_NOTE_OWNER "Xen"	  /* namesz 4, NUL included */
#define PVH_NOTE_PHYS32_ENTRY 18 /* XEN_ELFNOTE_PHYS32_ENTRY */
#define PVH_NOTE_MAX 1024	  /* hard bound on notes walked per segment */

#define HVM_START_MAGIC 0x336ec578 /* "xEn3" with the 0x80 bit of 'E' set */
#define HVM_START_VERSION 1	   /* 1 adds the memory map; Linux BUG()s on 0 */

/*
 * The three structures of start_info.h, little endian and packed by
 * construction (every field naturally aligned); sizes are checked in pvh.c.
 */
struct hvm_start_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;		/* SIF_*: 0 for an unprivileged guest */
	uint32_t nr_modules;
	uint64_t modlist_paddr;	/* hvm_modlist_entry[nr_modules]; 0 = none */
	uint64_t cmdline_paddr;	/* NUL-terminated; 0 = none */
	uint64_t rsdp_paddr;	/* 0: the kernel scans the legacy areas */
	uint64_t memmap_paddr;	/* hvm_memmap_table_entry[memmap_entries] */
	uint32_t memmap_entries;
	uint32_t reserved;
};

struct hvm_modlist_entry {
	uint64_t paddr;
	uint64_t size;
	uint64_t cmdline_paddr;
	uint64_t reserved;
};

struct hvm_memmap_table_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type; /* e820 values: MEMMAP_RAM, MEMMAP_RESERVED */
	uint32_t reserved;
};

/* Where pvh_build() puts things; every GPA is chosen by the caller (vmm/layout.h). */
struct pvh_args {
	gpa_t start_info;	 /* struct hvm_start_info (EBX at entry) */
	gpa_t modlist;		 /* one hvm_modlist_entry, used only with an initrd */
	gpa_t memmap;		 /* MEMMAP_MAX hvm_memmap_table_entry slots */
	gpa_t cmdline;		 /* where the command line is written */
	uint64_t cmdline_max;	 /* bytes available there, NUL included */
	const char *cmdline_str; /* the command line ("" for none) */
	gpa_t initrd;		 /* 0: no initrd (no module) */
	uint64_t initrd_size;
};

/*
 * Walk the ELF notes in `notes` (`len` bytes: one PT_NOTE segment's file
 * contents) for owner "Xen" type 18. Sets *found, and *entry to the entry
 * point (desc of 4 or 8 bytes; an 8-byte value must fit in 32 bits).
 * Returns 0 (found or not), or -EINVAL for a truncated or misaligned note,
 * sizes that overflow or run past `len`, a bad desc size, a duplicate note
 * or more than PVH_NOTE_MAX notes, with err_msg() naming the note.
 */
int pvh_note_scan(const void *notes, size_t len, bool *found,
		  uint32_t *entry);

/*
 * Write the command line, the memory map (from memmap_build()), the module
 * list (module 0 = the initrd, if a->initrd) and hvm_start_info at the GPAs
 * in `a`. Every check happens before the first write: -EINVAL if the command
 * line does not fit a->cmdline_max, a region overlaps another or a pointer
 * the 32-bit entry needs lies above 4 GiB; -E2BIG if a region is not RAM.
 */
int pvh_build(struct guest_mem *gm, const struct pvh_args *a);

/* Replace the memory map pvh_build() wrote at `memmap` (and start_info's
 * memmap_entries) with `map`; at most MEMMAP_MAX entries. */
struct memmap_entry;
int pvh_set_memmap(struct guest_mem *gm, gpa_t start_info, gpa_t memmap,
		   const struct memmap_entry *map, unsigned n);

/* hvm_start_info.rsdp_paddr = `rsdp` (0 would make the kernel scan for it). */
int pvh_set_rsdp(struct guest_mem *gm, gpa_t start_info, gpa_t rsdp);

#endif
