/* gdt.h: x86 segment descriptors: encoding, decoding to segment-register state, the boot GDT. */
#ifndef VMM_GDT_H
#define VMM_GDT_H

#include <stdint.h>

/*
 * A segment register as the CPU caches it (our KVM-free mirror of
 * struct kvm_segment). `limit` is byte granular: with G=1 it is already
 * scaled ((limit20 << 12) | 0xfff), as KVM expects.
 */
struct segment {
	uint64_t base;
	uint32_t limit;
	uint16_t selector;
	uint8_t type, present, dpl, db, s, l, g, avl, unusable;
};

/*
 * Descriptor flags for gdt_entry(): bits 0-7 are the access byte
 * (descriptor bits 40-47: type, S, DPL, P), bits 12-15 the flags nibble
 * (descriptor bits 52-55: AVL, L, D/B, G). Intel SDM Vol. 3A §3.4.5.
 */
#define GDT_FLAGS_CODE32 0xc09b /* G, D=1, P, S, type 0xb: exec/read, accessed */
#define GDT_FLAGS_CODE64 0xa09b /* G, L=1, P, S, type 0xb */
#define GDT_FLAGS_DATA32 0xc093 /* G, B=1, P, S, type 0x3: read/write, accessed */
#define GDT_FLAGS_TSS32 0x008b	/* P, S=0, type 0xb: busy 32-bit TSS */

/* Selectors of the boot GDT: __BOOT_CS/__BOOT_DS from boot.rst §"32-bit boot protocol". */
#define GDT_BOOT_CS 0x10
#define GDT_BOOT_DS 0x18
#define GDT_TSS_LIMIT 0x67 /* minimal 32-bit TSS (104 bytes), SDM Vol. 3A §8.2.1 */

/* Encode one 8-byte descriptor (limit is the raw 20-bit field). */
uint64_t gdt_entry(uint16_t flags, uint32_t base, uint32_t limit);
/* Decode descriptor `entry` as loaded through `selector`; a non-present
 * descriptor yields an unusable segment. */
struct segment gdt_segment(uint64_t entry, uint16_t selector);

#endif
