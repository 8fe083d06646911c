/* hot_pages.c: --hot-pages: a page the guest wrote in HOT_AFTER runs stays writable (its first write in a run would fault again, 23-42 us nested) and is compared at every reset instead; one left unchanged for COOL_AFTER runs is write-protected again. */
#include "vmm/fuzz/hot_pages.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/err.h"

#define HOT 0x80u
#define COUNT 0x7fu
_Static_assert(HOT_AFTER >= 1 && HOT_AFTER <= COUNT && COOL_AFTER >= 1 && COOL_AFTER <= COUNT,
	       "the counts fit in bits 0-6");

int hot_pages_init(struct hot_pages *h, const uint64_t size[HOT_PAGES_SLOTS])
{
	uint64_t most = 1;
	bool ok = true;

	memset(h, 0, sizeof(*h));
	for (unsigned s = 0; s < HOT_PAGES_SLOTS; s++) {
		h->size[s] = size[s];
		h->page[s] = calloc(size[s] ? size[s] : 1, 1);
		ok = ok && h->page[s];
		most = size[s] > most ? size[s] : most;
	}
	h->changed = calloc(most, sizeof(*h->changed));
	h->again = calloc(most, sizeof(*h->again));
	if (ok && h->changed && h->again)
		return 0;
	hot_pages_free(h);
	return errf(-ENOMEM, "out of memory");
}

void hot_pages_free(struct hot_pages *h)
{
	for (unsigned s = 0; s < HOT_PAGES_SLOTS; s++)
		free(h->page[s]);
	free(h->changed);
	free(h->again);
	memset(h, 0, sizeof(*h));
}

/* One page's count after a run; true if it is to be write-protected (again). */
static bool page_after_run(struct hot_pages *h, uint8_t *p, bool changed)
{
	if (!(*p & HOT)) { /* the log named it: the guest wrote it */
		if ((*p & COUNT) + 1u < HOT_AFTER) {
			(*p)++;
			return true;
		}
		*p = HOT;
		h->hot++;
		return false;
	}
	if (changed) {
		*p = HOT;
		return false;
	}
	if ((*p & COUNT) + 1u < COOL_AFTER) {
		(*p)++;
		return false;
	}
	*p = 0;
	h->hot--;
	return true;
}

uint64_t hot_pages_after_run(struct hot_pages *h, unsigned slot, const uint64_t *pages,
			     const bool *changed, uint64_t n, uint64_t *out)
{
	uint64_t k = 0;

	if (slot >= HOT_PAGES_SLOTS)
		return 0;
	for (uint64_t i = 0; i < n; i++)
		if (pages[i] < h->size[slot] && page_after_run(h, &h->page[slot][pages[i]], changed[i]))
			out[k++] = pages[i];
	return k;
}
