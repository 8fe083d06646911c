/* mem_snapshot.c: a copy of guest RAM and putting back only the pages a run changed. */
#include "mmu/mem_snapshot.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "mmu/err.h"

#define ZERO_BITS 64 /* pages per word of the zero map */

static bool snap_page_zero(const struct mem_snapshot *s, uint64_t off)
{
	uint64_t page = off / SNAP_PAGE;

	return s->zero[page / ZERO_BITS] >> (page % ZERO_BITS) & 1;
}

/* RAM's page at host offset `off` holds what the snapshot has there. */
static bool page_unchanged(const struct mem_snapshot *s, const struct guest_mem *gm, uint64_t off)
{
	return snap_page_zero(s, off) ? page_words_zero(gm->hva + off)
				      : page_words_same(gm->hva + off, s->copy + off);
}

int mem_snapshot_take(struct mem_snapshot *s, const struct guest_mem *gm)
{
	void *p = mmap(NULL, gm->size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uint64_t pages = gm->size / SNAP_PAGE;

	if (p == MAP_FAILED)
		return errf(-ENOMEM, "snapshot of %llu MiB of guest RAM: %s",
			    (unsigned long long)(gm->size >> 20), strerror(errno));
	s->copy = p;
	s->size = gm->size;
	s->pages_copied = 0;
	s->pages_rewritten = 0;
	s->zero = calloc(pages / ZERO_BITS + 1, sizeof(*s->zero));
	if (!s->zero) {
		mem_snapshot_free(s);
		return errf(-ENOMEM, "snapshot of %llu MiB of guest RAM: out of memory",
			    (unsigned long long)(gm->size >> 20));
	}
	for (uint64_t off = 0; off + SNAP_PAGE <= gm->size; off += SNAP_PAGE) {
		uint64_t page = off / SNAP_PAGE;

		if (page_words_zero(gm->hva + off)) {
			s->zero[page / ZERO_BITS] |= 1ULL << (page % ZERO_BITS);
			continue;
		}
		memcpy(s->copy + off, gm->hva + off, SNAP_PAGE);
		s->pages_copied++;
	}
	return 0;
}

void mem_snapshot_free(struct mem_snapshot *s)
{
	if (s->copy)
		munmap(s->copy, s->size);
	s->copy = NULL;
	free(s->zero);
	s->zero = NULL;
}

/* Reading first: measured nested (QEMU TCG), comparing a page cost about a third of writing
 * it back, and most pages a reset covers (vmm's GDT, boot_params, tables) come back unchanged. */
static bool restore_page(struct mem_snapshot *s, struct guest_mem *gm, uint64_t off)
{
	if (page_unchanged(s, gm, off))
		return false;
	if (snap_page_zero(s, off))
		memset(gm->hva + off, 0, SNAP_PAGE);
	else
		memcpy(gm->hva + off, s->copy + off, SNAP_PAGE);
	s->pages_rewritten++;
	return true;
}

uint64_t mem_snapshot_restore_pages(struct mem_snapshot *s, struct guest_mem *gm,
				    uint64_t hva_off, uint64_t bytes, const uint64_t *pages,
				    uint64_t n, bool *changed)
{
	uint64_t in_slot = bytes / SNAP_PAGE, covered = 0;

	if (changed)
		memset(changed, 0, n * sizeof(*changed));
	if (hva_off > s->size || bytes > s->size - hva_off)
		return 0;
	for (uint64_t i = 0; i < n; i++) {
		bool c;

		if (pages[i] >= in_slot)
			continue;
		c = restore_page(s, gm, hva_off + pages[i] * SNAP_PAGE);
		if (changed)
			changed[i] = c;
		covered++;
	}
	return covered;
}

/* Put back [off, off + len) of one page: read first, as restore_page() does. */
static void restore_bytes(struct mem_snapshot *s, uint8_t *h, uint64_t off, uint64_t len)
{
	if (!memcmp(h, s->copy + off, len))
		return;
	memcpy(h, s->copy + off, len);
	s->pages_rewritten++;
}

uint64_t mem_snapshot_restore_range(struct mem_snapshot *s, struct guest_mem *gm,
				    gpa_t gpa, uint64_t len)
{
	uint64_t n = 0;
	gpa_t end, next;

	if (__builtin_add_overflow(gpa, len, &end))
		end = UINT64_MAX;
	for (gpa_t p = gpa; p < end; p = next) {
		uint8_t *h;

		next = (p | (SNAP_PAGE - 1)) + 1; /* the next page, or 0 past the top */
		if (next == 0 || next > end)
			next = end;
		h = gm_ptr(gm, p, next - p);
		if (!h)
			continue; /* not RAM: nothing was written there */
		if (next - p == SNAP_PAGE) /* a whole page (vmm's tables): the page checks */
			restore_page(s, gm, (uint64_t)(h - gm->hva));
		else
			restore_bytes(s, h, (uint64_t)(h - gm->hva), next - p);
		n++;
	}
	return n;
}

uint64_t mem_snapshot_diff(const struct mem_snapshot *s, const struct guest_mem *gm,
			   uint64_t *first)
{
	uint64_t n = 0;

	if (first)
		*first = s->size;
	for (uint64_t off = 0; off + SNAP_PAGE <= s->size && off < gm->size; off += SNAP_PAGE) {
		if (page_unchanged(s, gm, off))
			continue;
		if (first && !n)
			*first = off;
		n++;
	}
	return n;
}
