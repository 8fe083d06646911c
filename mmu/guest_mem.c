/* guest_mem.c: bounds-checked translation of guest-physical ranges to host pointers. */
#include "mmu/guest_mem.h"

#include <stddef.h>

uint64_t gm_low_size(const struct guest_mem *gm)
{
	return gm->size < GM_LOW_LIMIT ? gm->size : GM_LOW_LIMIT;
}

uint64_t gm_high_size(const struct guest_mem *gm)
{
	return gm->size - gm_low_size(gm);
}

void *gm_ptr(const struct guest_mem *gm, gpa_t gpa, uint64_t len)
{
	uint64_t end;

	if (__builtin_add_overflow(gpa, len, &end))
		return NULL;
	if (end <= gm_low_size(gm))
		return gm->hva + gpa;
	if (gpa >= GM_HIGH_BASE && end - GM_HIGH_BASE <= gm_high_size(gm))
		return gm->hva + gm_low_size(gm) + (gpa - GM_HIGH_BASE);
	return NULL;
}
