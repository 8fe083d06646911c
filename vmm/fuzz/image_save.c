/* image_save.c: vmm fuzz --mutator-image FILE: the image loaded as every run starts from it, and what the mutator reads of it written for vmm-afl-mutator.so (VMM_MUTATOR_IMAGE). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "mmu/err.h"
#include "vmm/exitcode.h"
#include "vmm/file.h"
#include "vmm/fuzz/fuzz.h"
#include "vmm/fuzz/mutator_image.h"
#include "vmm/machine/machine.h"

int fuzz_save_mutator_image(const struct config *cfg, struct timing *timeline)
{
	static struct machine m;
	struct mutator_image ti;
	uint8_t *buf = NULL;
	size_t len = 0;
	int r = machine_prepare(&m, cfg, timeline);

	if (r == 0)
		r = mutator_image_make(&ti, &m.mem, &m.entry, m.pt.bytes, cfg->fuzz.wild);
	if (r == 0 && mutator_image_encode(&ti, &buf, &len) < 0)
		r = errf(-ENOMEM, "no memory for the image's bytes");
	if (r == 0)
		r = file_write(cfg->fuzz.mutator_image, buf, len);
	free(buf);
	if (r < 0) {
		fprintf(stderr, "vmm fuzz: --mutator-image: %s\n", err_msg());
		return r == -ENOMEM ? VMM_EXIT_HOST : VMM_EXIT_USAGE;
	}
	fprintf(stderr, "vmm fuzz: mutator image %s: %s entry, %s paging, %u regions, %zu bytes, "
		"%s mode\n", cfg->fuzz.mutator_image, boot_proto_name(m.entry.proto),
		paging_mode_name(m.entry.paging.mode), ti.nregions, len, cfg->fuzz.wild ? "wild" : "near");
	return VMM_EXIT_OK;
}
