/* gdt.c: segment descriptor encode/decode (Intel SDM Vol. 3A §3.4.5). */
#include "mmu/gdt.h"

uint64_t gdt_entry(uint16_t flags, uint32_t base, uint32_t limit)
{
	return ((uint64_t)(base & 0xff000000u) << 32) |
	       ((uint64_t)(flags & 0xf0ffu) << 40) |
	       ((uint64_t)(limit & 0x000f0000u) << 32) |
	       ((uint64_t)(base & 0x00ffffffu) << 16) |
	       (uint64_t)(limit & 0x0000ffffu);
}

static uint32_t entry_limit(uint64_t e, uint8_t g)
{
	uint32_t raw = (uint32_t)(e & 0xffff) | (uint32_t)((e >> 32) & 0xf0000);

	/* G=1: the limit counts 4 KiB units and the low 12 bits read as ones. */
	return g ? (raw << 12) | 0xfff : raw;
}

struct segment gdt_segment(uint64_t e, uint16_t selector)
{
	uint8_t access = (uint8_t)(e >> 40);
	uint8_t flags = (uint8_t)(e >> 52) & 0xf;
	struct segment s = {
		.base = ((e >> 16) & 0xffffff) | ((e >> 32) & 0xff000000),
		.selector = selector,
		.type = access & 0xf,
		.s = (access >> 4) & 1,
		.dpl = (access >> 5) & 3,
		.present = access >> 7,
		.avl = flags & 1,
		.l = (flags >> 1) & 1,
		.db = (flags >> 2) & 1,
		.g = (flags >> 3) & 1,
	};

	s.limit = entry_limit(e, s.g);
	s.unusable = !s.present;
	return s;
}
