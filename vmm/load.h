/* load.h: places a bzImage, initrd and command line in guest RAM and derives the default entry state. */
#ifndef VMM_LOAD_H
#define VMM_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "loader/bzimage.h"
#include "vmm/boot.h"
#include "vmm/validate.h"

/* Where a bzImage's decompressed payload can be kept between runs (vmm/payload_cache.c);
 * get() returns 0 with the vmlinux bytes (valid until release()) or <0 for a miss. */
struct payload_store {
	int (*get)(const struct payload_store *s, const uint8_t *payload, size_t len,
		   const uint8_t **elf, size_t *elf_len);
	void (*release)(const struct payload_store *s);
	int (*put)(const struct payload_store *s, const uint8_t *payload, size_t len,
		   const uint8_t *elf, size_t elf_len);
	void *ctx;
};

struct load_request {
	const uint8_t *kernel;
	size_t kernel_len;
	const uint8_t *initrd; /* NULL: no initrd */
	size_t initrd_len;
	const char *cmdline;
	struct entry_options entry;
	bool keep_segments;	   /* set loadflags.KEEP_SEGMENTS */
	uint32_t hardware_subarch; /* boot_params.hdr.hardware_subarch */
	const struct payload_store *payloads; /* NULL: decompress every time */
};

enum payload_source {
	PAYLOAD_UNUSED,	      /* no payload path (bzImage entry or an ELF file) */
	PAYLOAD_DECOMPRESSED, /* decompressed here (and stored if there is a store) */
	PAYLOAD_CACHED,	      /* taken from the store: no decompression */
};

/* What went where: for --verbose, validation and tests. */
struct load_result {
	struct kernel_place kernel;
	uint16_t protocol;
	gpa_t initrd;
	uint64_t initrd_size;
	uint64_t cmdline_len; /* bytes with the NUL */
	/* The kernel proper's entry (startup_32/startup_64), physical: the ELF's e_entry, or
	 * for a bzImage where its decompressor puts it with KASLR off (runtime_start). */
	gpa_t kernel_entry;
	enum payload_source payload;
	int payload_store_error; /* put()'s result after a decompression (0: stored) */
};

/*
 * Validate and load a kernel (a bzImage or an ELF vmlinux) with its boot
 * information (zero page or hvm_start_info), command line and initrd, and
 * build the default entry state for req->entry: bzImage through its 32- or
 * 64-bit entry, or the ELF (a file, or the bzImage's payload decompressed
 * here) through e_entry or its PVH note. "auto" picks the 64-bit entry the
 * image has (whatever req->payloads holds: the path never depends on it). Nothing is written to guest RAM until every input check has
 * passed; the GDT and page tables are written later by entry_write(), after
 * any --entry-state file has been applied.
 * Returns 0 or a negative errno with err_msg() set.
 */
int load_linux(struct guest_mem *gm, const struct load_request *req,
	       struct entry_state *st, struct load_result *res);

/* The regions the kernel needs at entry, for entry_validate(); returns the count. */
#define LOAD_MAX_REGIONS 7
unsigned load_regions(const struct load_result *res, const struct entry_state *st,
		      struct region out[LOAD_MAX_REGIONS]);

/* Bytes of low RAM from `base` up (0 if `base` is not below the low top):
 * what page tables placed there may use; validation checks what they hit. */
uint64_t load_table_room(const struct guest_mem *gm, gpa_t base);

/*
 * Rewrite the guest's memory map (the zero page's e820 table, or the PVH
 * memmap) with the page tables [st->paging.base, + table_bytes) reserved,
 * so that the kernel never reuses them while they are live. Call after
 * entry_write(); tables outside one RAM range are left unreserved (entry
 * validation reports them as tables-not-ram).
 */
int load_write_memmap(struct guest_mem *gm, const struct entry_state *st,
		      uint64_t table_bytes);

#endif
