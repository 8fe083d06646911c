/* guest_mem.h: guest RAM as one host buffer mapped at GPA 0, split around the 32-bit MMIO hole. */
#ifndef VMM_GUEST_MEM_H
#define VMM_GUEST_MEM_H

#include <stdint.h>

typedef uint64_t gpa_t;

/*
 * RAM below GM_LOW_LIMIT sits at GPA 0; anything beyond moves to GM_HIGH_BASE
 * so that [3 GiB, 4 GiB) stays free for the LAPIC/IOAPIC and KVM's TSS
 * (the usual PC layout, as in Firecracker and cloud-hypervisor).
 */
#define GM_LOW_LIMIT 0xc0000000ULL
#define GM_HIGH_BASE 0x100000000ULL

struct guest_mem {
	uint8_t *hva;  /* host address of guest byte 0 */
	uint64_t size; /* total RAM bytes */
};

/* Bytes of RAM below the hole (they start at GPA 0). */
uint64_t gm_low_size(const struct guest_mem *gm);
/* Bytes of RAM above 4 GiB (they start at GM_HIGH_BASE); 0 if none. */
uint64_t gm_high_size(const struct guest_mem *gm);
/*
 * The only GPA -> host translation: a host pointer to [gpa, gpa+len) or NULL
 * unless the whole range is RAM inside one region (overflow-safe).
 */
void *gm_ptr(const struct guest_mem *gm, gpa_t gpa, uint64_t len);

#endif
