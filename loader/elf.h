/* elf.h: vmlinux (ET_EXEC, ELF64 x86-64 or ELF32 i386) parsing, RAM fit check and PT_LOAD loading at p_paddr. */
#ifndef VMM_ELF_H
#define VMM_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmu/guest_mem.h"

#define ELF_MAX_PHDR 64 /* e_phnum cap; a vmlinux has about 5 */
#define ELF_MAX_LOAD 16 /* PT_LOAD segments kept; more is rejected */

/* One validated PT_LOAD: file bytes [offset, +filesz) go to [paddr, +memsz). */
struct elf_load_seg {
	uint64_t offset, filesz, memsz, paddr;
	uint32_t flags; /* PF_X, PF_W, PF_R */
};

/* A validated vmlinux; the image bytes stay owned by the caller. */
struct elf_kernel {
	const uint8_t *img;
	size_t len;
	uint64_t entry; /* e_entry: physical (phys_startup_64, or startup_32's for i386) */
	bool is32;	/* ELFCLASS32 (EM_386): a 32-bit kernel, entered in protected mode */
	unsigned nload; /* PT_LOADs with memsz > 0, sorted by paddr */
	struct elf_load_seg load[ELF_MAX_LOAD];
	uint64_t lo, hi;    /* lowest paddr, highest paddr + memsz */
	bool has_pvh;	    /* a XEN_ELFNOTE_PHYS32_ENTRY note was found */
	uint32_t pvh_entry; /* its 32-bit entry, inside an executable segment */
};

/* True if `img` starts with the ELF magic and says ELFCLASS32 (nothing else checked). */
bool elf_is_class32(const void *img, size_t len);

/*
 * Validate `img` (`len` bytes) as an ET_EXEC ELF64 x86-64 or ELF32 i386 image through libelf and
 * by our own checks: header fields, program headers inside the file, every
 * PT_LOAD inside the file with p_filesz <= p_memsz, no wrap, no overlap, and
 * e_entry (and the PVH entry, if any) inside an executable segment's file
 * bytes. PT_NOTEs are scanned for the PVH note (pvh_note_scan()).
 * Returns 0; -ENOEXEC if `img` lacks the ELF magic; -EINVAL if it is
 * malformed or unsupported, with err_msg() naming the field and value.
 */
int elf_parse(const void *img, size_t len, struct elf_kernel *out);

/*
 * Check that every segment of `k` is guest RAM (one region) and lies at or
 * above `reserved_below` (the VMM's own low area). -E2BIG if a segment is
 * not RAM (err_msg() says which --mem is needed when more RAM would help),
 * -EINVAL if it reaches into the reserved area.
 */
int elf_check_fit(const struct elf_kernel *k, const struct guest_mem *gm,
		  uint64_t reserved_below);

/*
 * Copy each segment's file bytes to its p_paddr and zero [filesz, memsz).
 * Checks every segment (as elf_check_fit() with no reserved area) before
 * writing anything; -E2BIG if one is not RAM.
 */
int elf_load(const struct elf_kernel *k, struct guest_mem *gm);

#endif
