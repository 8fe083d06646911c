/* huge_map.h: anonymous memory on a 2 MiB boundary that asks for transparent huge pages. */
#ifndef LIB_HUGE_MAP_H
#define LIB_HUGE_MAP_H

#include <stddef.h>

#define HUGE_MAP_ALIGN (2UL << 20) /* an x86 large page (SDM Vol. 3A §4.5) */
#define HUGE_MAP_PAGE 4096UL	    /* an x86 page, munmap()'s unit */

/* `len` bytes of private anonymous memory (read-write; `noreserve`: MAP_NORESERVE) starting on
 * a HUGE_MAP_ALIGN boundary, with madvise(MADV_HUGEPAGE) (advice only: without THP the memory
 * still works in 4 KiB pages). NULL with errno set if it cannot be had. Free with munmap(). */
void *huge_map(size_t len, int noreserve);

#endif
