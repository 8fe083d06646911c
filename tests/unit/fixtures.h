/* fixtures.h: synthetic inputs for unit tests (bzImages, guest RAM). */
#ifndef VMM_TEST_FIXTURES_H
#define VMM_TEST_FIXTURES_H

#include <asm/bootparam.h>
#include <elf.h>
#include <stddef.h>
#include <stdint.h>

#include "mmu/guest_mem.h"

#define FIX_SETUP_SECTS 4
#define FIX_PM_OFFSET ((FIX_SETUP_SECTS + 1) * 512)
#define FIX_PM_SIZE 0x10000
#define FIX_PREF_ADDRESS 0x1000000u
#define FIX_INIT_SIZE 0x2000000u
#define FIX_IMAGE_LEN (FIX_PM_OFFSET + FIX_PM_SIZE)

/* A valid protocol-2.15 relocatable bzImage, FIX_IMAGE_LEN bytes, with a
 * 0xff sentinel at 0x1ef and a byte pattern in the protected-mode part. */
uint8_t *fixture_bzimage(void);
/* The setup header inside a fixture image, for editing. */
struct setup_header *fixture_hdr(uint8_t *img);
/* Guest RAM of `size` bytes (calloc'd). */
struct guest_mem fixture_ram(uint64_t size);
void fixture_ram_free(struct guest_mem *gm);

/*
 * A valid x86-64 ET_EXEC ELF, FIX_ELF_LEN bytes, shaped like vmlinux:
 * phdr[0] PT_LOAD R+X, FIX_ELF_TEXT_SIZE bytes at FIX_ELF_TEXT_PADDR (p_vaddr
 * in the kernel map); phdr[1] PT_LOAD RW, FIX_ELF_DATA_FILESZ file bytes in a
 * FIX_ELF_DATA_MEMSZ segment at FIX_ELF_DATA_PADDR (p_vaddr 0, like
 * .data..percpu); phdr[2] PT_NOTE with a GNU note, a Xen GUEST_OS note and
 * the Xen PHYS32_ENTRY note (8-byte desc FIX_ELF_PVH_ENTRY, the last one at
 * FIX_ELF_PVH_NOTE). Text bytes are i*5+1, data bytes i*3+2.
 */
#define FIX_ELF_LEN 0x400
#define FIX_ELF_PHOFF 0x40
#define FIX_ELF_NOTE_OFF 0x100
#define FIX_ELF_PVH_NOTE (FIX_ELF_NOTE_OFF + 36 + 24)
#define FIX_ELF_NOTE_LEN (36 + 24 + 24)
#define FIX_ELF_TEXT_OFF 0x200
#define FIX_ELF_TEXT_SIZE 0x100
#define FIX_ELF_TEXT_PADDR 0x100000u
#define FIX_ELF_DATA_OFF 0x300
#define FIX_ELF_DATA_FILESZ 0x80
#define FIX_ELF_DATA_MEMSZ 0x1000
#define FIX_ELF_DATA_PADDR 0x200000u
#define FIX_ELF_ENTRY FIX_ELF_TEXT_PADDR
#define FIX_ELF_PVH_ENTRY (FIX_ELF_TEXT_PADDR + 0x40)

uint8_t *fixture_elf(void);
/* The same image as an i386 ELF32 vmlinux (Elf32 header and program headers at
 * FIX_ELF_PHOFF, the same segments and notes; text p_vaddr at 0xc0000000 + paddr). */
uint8_t *fixture_elf32(void);
Elf64_Ehdr *fixture_ehdr(uint8_t *img);
Elf64_Phdr *fixture_phdr(uint8_t *img, unsigned i);
/* Write one ELF note (name NUL included, name and desc padded to 4) at p;
 * returns its length. */
size_t fixture_note(uint8_t *p, const char *name, uint32_t type,
		    const void *desc, uint32_t descsz);
/*
 * Run the shell command `cmd` (a filter such as "gzip -9 -n") over `len`
 * bytes of `data` through files in a temporary directory; returns the
 * malloc'd output (and its length), with the input length appended as a
 * little-endian u32 if `append_size` (as the kernel's *_with_size rules
 * do), or NULL if the command failed.
 */
uint8_t *fixture_compress(const char *cmd, const void *data, size_t len,
			  int append_size, size_t *out_len);

/* entry_build() with the VMM's default addresses: kernel at 16 MiB (64-bit
 * entries at +0x200), zero page 0x7000, stack 0x8ff0, GDT 0x500, tables
 * 0x30000 (0x6d000 bytes) mapping [0, map_end). */
struct entry_state;
struct entry_options;
int fixture_entry(struct entry_state *st, const struct entry_options *o,
		  uint64_t map_end);

#endif
