/* mem_snapshot.h: a copy of guest RAM and putting back only the pages a run changed. */
#ifndef VMM_MEM_SNAPSHOT_H
#define VMM_MEM_SNAPSHOT_H

#include <stdbool.h>
#include <stdint.h>

#include "mmu/guest_mem.h"
#include "mmu/page_words.h"

#define SNAP_PAGE ((uint64_t)PAGE_WORDS_BYTES) /* the dirty log's granule */

/* The copy lives in anonymous memory of the RAM's size; only the pages that
 * are not all zeroes in RAM are written, the rest stay the kernel's zero page. */
struct mem_snapshot {
	uint8_t *copy;
	uint64_t size;
	uint64_t *zero; /* a bit per page: all zero at take time (checked against zero, reading
			   one page instead of two, and put back with memset) */
	uint64_t pages_copied; /* non-zero pages at take time */
	uint64_t pages_rewritten; /* pages the restores found changed and wrote back, ever */
};

int mem_snapshot_take(struct mem_snapshot *s, const struct guest_mem *gm);
void mem_snapshot_free(struct mem_snapshot *s);
/* The restores compare each page they cover with the copy and write back only those that
 * differ (counted in pages_rewritten): a page vmm or the guest rewrote with the image's own
 * bytes costs a read, not a write. */

/* Put back pages pages[0..n) (page i = the i-th page of the slot that starts at host offset
 * `hva_off`, `bytes` long; one past its end is skipped); returns how many it covered.
 * changed[i] (unless `changed` is NULL) says whether pages[i] differed and was written. */
uint64_t mem_snapshot_restore_pages(struct mem_snapshot *s, struct guest_mem *gm,
				    uint64_t hva_off, uint64_t bytes, const uint64_t *pages,
				    uint64_t n, bool *changed);
/* Put back the bytes [gpa, gpa + len) that are RAM (writes vmm made itself, which the dirty
 * log does not see): only those, so a GDT, a poke or a breakpoint costs its bytes, not its
 * page; returns how many pages it covered (pages_rewritten counts those that differed). */
uint64_t mem_snapshot_restore_range(struct mem_snapshot *s, struct guest_mem *gm,
				    gpa_t gpa, uint64_t len);
/* Pages of RAM that differ from the copy (0: bit-exact); *first (if not NULL) gets the host
 * offset of the first of them (the copy's size if none). */
uint64_t mem_snapshot_diff(const struct mem_snapshot *s, const struct guest_mem *gm,
			   uint64_t *first);

#endif
