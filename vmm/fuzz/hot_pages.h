/* hot_pages.h: --hot-pages: which guest pages the dirty log leaves writable (pages the guest wrote in HOT_AFTER runs, compared at every reset) and which it write-protects again. Pure. */
#ifndef VMM_FUZZ_HOT_PAGES_H
#define VMM_FUZZ_HOT_PAGES_H

#include <stdbool.h>
#include <stdint.h>

#define HOT_PAGES_SLOTS 2
#define HOT_AFTER 2	/* a page the guest wrote in this many runs stays writable */
#define COOL_AFTER 32	/* a writable page found unchanged after this many runs in a row is
			   write-protected again */

struct hot_pages {
	/* Per page of each slot: bit 7 set while it is kept writable (hot), bits 0-6 how many
	 * runs wrote it (cold) or how many runs in a row left it unchanged (hot). */
	uint8_t *page[HOT_PAGES_SLOTS];
	uint64_t size[HOT_PAGES_SLOTS];
	uint64_t hot; /* pages kept writable now */
	/* Room for one slot's pages, for the caller: which of them changed (its restore fills
	 * it) and those hot_pages_after_run() returns to write-protect. */
	bool *changed;
	uint64_t *again;
};

/* Counts for slots of size[s] pages, all cold, and the room above. */
int hot_pages_init(struct hot_pages *h, const uint64_t size[HOT_PAGES_SLOTS]);
void hot_pages_free(struct hot_pages *h);
/*
 * After a reset that followed a run: `pages` of `slot` are those the dirty log named (every
 * hot page among them, as KVM leaves their bits set), changed[i] whether pages[i] differed
 * from the snapshot. Updates each page's count and writes to `out` (room for n) the pages to
 * write-protect again: the cold ones, and hot ones that have cooled. Returns how many.
 */
uint64_t hot_pages_after_run(struct hot_pages *h, unsigned slot, const uint64_t *pages,
			     const bool *changed, uint64_t n, uint64_t *out);

#endif
