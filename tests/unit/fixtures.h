/* fixtures.h: synthetic inputs for unit tests (bzImages, guest RAM). */
#ifndef VMM_TEST_FIXTURES_H
#define VMM_TEST_FIXTURES_H

#include <asm/bootparam.h>
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

#endif
