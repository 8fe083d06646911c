/* huge_map.c: anonymous memory on a 2 MiB boundary that asks for transparent huge pages. */
#include "lib/huge_map.h"

#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>

void *huge_map(size_t len, int noreserve)
{
	size_t span = len + HUGE_MAP_ALIGN; /* room to move the start to a boundary */
	uint8_t *p, *start, *end;

	if (span < len || len > SIZE_MAX - HUGE_MAP_PAGE) {
		errno = ENOMEM;
		return NULL;
	}
	p = mmap(NULL, span, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | (noreserve ? MAP_NORESERVE : 0), -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	start = (uint8_t *)(((uintptr_t)p + HUGE_MAP_ALIGN - 1) & ~(uintptr_t)(HUGE_MAP_ALIGN - 1));
	if (start > p)
		munmap(p, (size_t)(start - p));
	end = start + ((len + HUGE_MAP_PAGE - 1) & ~(HUGE_MAP_PAGE - 1)); /* munmap() takes pages */
	if (p + span > end)
		munmap(end, (size_t)(p + span - end));
	(void)madvise(start, len, MADV_HUGEPAGE);
	return start;
}
