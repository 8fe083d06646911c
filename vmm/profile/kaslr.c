/* kaslr.c: pure KASLR slide arithmetic from observed addresses and page-directory entries; the nokaslr word match. */
#include "vmm/profile/kaslr.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "mmu/err.h"

/* PMD entry bits (Intel SDM Vol. 3A §4.5, 2 MiB page): P, PS, address. */
#define PMD_PRESENT (1ull << 0)
#define PMD_LARGE (1ull << 7)
#define PMD_ADDR_2M 0x000fffffffe00000ull

static bool kaslr_in_image(uint64_t va)
{
	return va >= KASLR_START_KERNEL_MAP &&
	       va - KASLR_START_KERNEL_MAP < KASLR_IMAGE_SIZE;
}

int kaslr_link_phys(uint64_t link_va, uint64_t *pa)
{
	if (!kaslr_in_image(link_va))
		return errf(-EINVAL, "kaslr: link-time address %#" PRIx64 " is outside the kernel image mapping at %#llx",
			    link_va, KASLR_START_KERNEL_MAP);
	*pa = link_va - KASLR_START_KERNEL_MAP;
	return 0;
}

int kaslr_phys_slide(uint64_t link_va, uint64_t seen_pa, int64_t *slide)
{
	uint64_t pa, d;
	int r = kaslr_link_phys(link_va, &pa);

	if (r < 0)
		return r;
	d = seen_pa - pa; /* modulo 2^64: a move down reads as negative */
	if (d % KASLR_ALIGN)
		return errf(-EINVAL, "kaslr: physical %#" PRIx64 " for link-time %#" PRIx64 " is a move of %#" PRIx64 ", not a multiple of %#" PRIx64,
			    seen_pa, pa, d, KASLR_ALIGN);
	*slide = (int64_t)d;
	return 0;
}

int kaslr_virt_slide(uint64_t link_va, uint64_t seen_va, int64_t *slide)
{
	if (!kaslr_in_image(link_va) || !kaslr_in_image(seen_va))
		return errf(-EINVAL, "kaslr: virtual %#" PRIx64 " (link-time %#" PRIx64 ") is outside the kernel image mapping",
			    seen_va, link_va);
	if (seen_va < link_va || (seen_va - link_va) % KASLR_ALIGN)
		return errf(-EINVAL, "kaslr: virtual %#" PRIx64 " for link-time %#" PRIx64 " is not a move up by a multiple of %#" PRIx64,
			    seen_va, link_va, KASLR_ALIGN);
	*slide = (int64_t)(seen_va - link_va);
	return 0;
}

int kaslr_virt_from_pmd(const uint64_t pmd[KASLR_PMD_ENTRIES], uint64_t link_va,
			int64_t phys_slide, int64_t *slide)
{
	uint64_t pa;
	int r = kaslr_link_phys(link_va, &pa);

	if (r < 0)
		return r;
	pa = kaslr_to_run(pa, phys_slide);
	for (unsigned i = 0; i < KASLR_PMD_ENTRIES; i++) {
		uint64_t e = pmd[i], va;

		if ((e & (PMD_PRESENT | PMD_LARGE)) != (PMD_PRESENT | PMD_LARGE) ||
		    (e & PMD_ADDR_2M) != align_down(pa, MiB(2)))
			continue;
		va = KASLR_START_KERNEL_MAP + (uint64_t)i * MiB(2) + pa % MiB(2);
		return kaslr_virt_slide(link_va, va, slide);
	}
	return errf(-ENOENT, "kaslr: no 2 MiB page of the kernel image maps physical %#" PRIx64, pa);
}

uint64_t kaslr_to_link(uint64_t addr, int64_t slide)
{
	return addr - (uint64_t)slide;
}

uint64_t kaslr_to_run(uint64_t addr, int64_t slide)
{
	return addr + (uint64_t)slide;
}

/* arch/x86/boot/cmdline.c's myisspace(). */
static bool kaslr_space(char c)
{
	return (unsigned char)c <= ' ';
}

bool kaslr_disabled(const char *cmdline)
{
	static const char word[] = "nokaslr";
	const char *p = cmdline ? cmdline : "";

	while (*p) {
		const char *start;

		while (*p && kaslr_space(*p))
			p++;
		for (start = p; *p && !kaslr_space(*p); p++)
			;
		if ((size_t)(p - start) == sizeof(word) - 1 &&
		    !memcmp(start, word, sizeof(word) - 1))
			return true;
	}
	return false;
}

int kaslr_refuse(const char *why)
{
	return errf(-EOPNOTSUPP, "%s; the kernel randomises its addresses (KASLR), so its symbols cannot be placed: boot it with nokaslr on its command line (--append \"... nokaslr\")",
		    why);
}
