/* fuzz_util.c: guest RAM mapped once and reset with MADV_DONTNEED; the input cursor of the fuzz targets. */
#include "tests/fuzz/fuzz_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

static uint8_t *ram;
static uint64_t ram_size;

struct guest_mem fuzz_ram(uint64_t size)
{
	void *p;

	if (ram) {
		if (size > ram_size)
			fuzz_fail("fuzz_ram: a larger RAM than the first call's");
		return (struct guest_mem){ .hva = ram, .size = size };
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		fuzz_fail("fuzz_ram: mmap");
	/* 4 KiB pages: a reset then drops only what an input touched. */
	(void)madvise(p, size, MADV_NOHUGEPAGE);
	ram = p;
	ram_size = size;
	return (struct guest_mem){ .hva = ram, .size = size };
}

/* On a private anonymous mapping, MADV_DONTNEED turns every page back into
 * the zero page; its cost is the number of pages that were populated. */
void fuzz_ram_reset(void)
{
	if (ram && madvise(ram, ram_size, MADV_DONTNEED) != 0)
		fuzz_fail("fuzz_ram_reset: madvise");
}

uint64_t fuzz_take(struct fuzz_in *in, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes && i < 8; i++) {
		if (in->n) {
			v |= (uint64_t)in->p[0] << (8 * i);
			in->p++;
			in->n--;
		}
	}
	return v;
}

bool fuzz_bool(struct fuzz_in *in)
{
	return fuzz_take(in, 1) & 1;
}

bool fuzz_more(const struct fuzz_in *in)
{
	return in->n != 0;
}

void fuzz_fail(const char *what)
{
	fprintf(stderr, "fuzz: invariant failed: %s\n", what);
	abort();
}
