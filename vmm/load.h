/* load.h: places a kernel, initrd, command line and GDT in guest RAM and derives the entry state. */
#ifndef VMM_LOAD_H
#define VMM_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "loader/bzimage.h"
#include "vmm/boot.h"

struct load_request {
	const uint8_t *kernel;
	size_t kernel_len;
	const uint8_t *initrd; /* NULL: no initrd */
	size_t initrd_len;
	const char *cmdline;
};

/* What went where, for --verbose and tests. */
struct load_result {
	struct kernel_place kernel;
	uint16_t protocol;
	gpa_t initrd;
};

/*
 * Validate and load a bzImage for the 32-bit boot protocol. Nothing is
 * written to guest RAM until every check has passed. Returns 0 or a
 * negative errno with err_msg() set.
 */
int load_linux32(struct guest_mem *gm, const struct load_request *req,
		 struct boot_cpu *cpu, struct load_result *res);

#endif
