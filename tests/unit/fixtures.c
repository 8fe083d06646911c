/* fixtures.c: builds synthetic bzImages and guest RAM buffers for the unit tests. */
#include "tests/unit/fixtures.h"

#include <stdlib.h>
#include <string.h>

struct setup_header *fixture_hdr(uint8_t *img)
{
	return (struct setup_header *)(img + 0x1f1);
}

uint8_t *fixture_bzimage(void)
{
	uint8_t *img = calloc(1, FIX_IMAGE_LEN);
	struct setup_header *h = fixture_hdr(img);

	img[0x1ef] = 0xff; /* sentinel, as in real images */
	h->setup_sects = FIX_SETUP_SECTS;
	h->syssize = FIX_PM_SIZE / 16;
	h->boot_flag = 0xaa55;
	h->jump = 0x6aeb; /* header ends at 0x202 + 0x6a = 0x26c */
	h->header = 0x53726448;
	h->version = 0x020f;
	h->loadflags = LOADED_HIGH;
	h->code32_start = 0x100000;
	h->initrd_addr_max = 0x7fffffff;
	h->kernel_alignment = 0x200000;
	h->relocatable_kernel = 1;
	h->min_alignment = 21;
	h->xloadflags = XLF_KERNEL_64;
	h->cmdline_size = 0x7ff;
	h->pref_address = FIX_PREF_ADDRESS;
	h->init_size = FIX_INIT_SIZE;
	for (size_t i = 0; i < FIX_PM_SIZE; i++)
		img[FIX_PM_OFFSET + i] = (uint8_t)(i * 7 + 3);
	return img;
}

struct guest_mem fixture_ram(uint64_t size)
{
	return (struct guest_mem){ .hva = calloc(1, size), .size = size };
}

void fixture_ram_free(struct guest_mem *gm)
{
	free(gm->hva);
	gm->hva = NULL;
}
