/* mutate_private.h: what the mutator's files share (vmm/fuzz/mutate*.c only): the run's state, its PRNG, boundary values, guest memory through pokes, one applier per field class. */
#ifndef VMM_FUZZ_MUTATE_PRIVATE_H
#define VMM_FUZZ_MUTATE_PRIVATE_H

#include <stddef.h>

#include "vmm/fuzz/mutate.h"

/* Reserved paging-structure bits (SDM Vol. 3A §4.3 Table 4-4, §4.5 Tables 4-15 to 4-19):
 * physical-address bit 51 lies above MAXPHYADDR on every CPU with M < 52;
 * bits 20:13 of a 2 MiB PDE and bit 21 of a 4 MiB (PSE) PDE are reserved. */
#define PA_BIT_51 (1ULL << 51) /* also reserved in CR3 (SDM Vol. 3A §4.5.2) */
#define PDE_2M_RSVD (1ULL << 13)
#define PDE_4M_RSVD (1ULL << 21)
#define NONCANONICAL (1ULL << 47) /* flips bit 47 away from bits 63:48 (SDM Vol. 1 §3.3.7.1) */
#define CR3_UNALIGNED 0x20ULL	  /* a PAE PDPT is 32-byte aligned (SDM Vol. 3A §4.4.1) */
#define PAGING_MODES (PAGING_LONG + 1)
#define N(a) (sizeof(a) / sizeof((a)[0]))


struct fz {
	struct entry_state *st;
	const struct fuzz_target *t;
	struct fuzz_mutation *out;
	enum paging_mode mode0; /* the mode the tables in t->mem were built for */
	gpa_t base0;
	uint64_t rng;
};

/* A register bit (FUZZ_PAGING, FUZZ_REGS) and a register field (FUZZ_GDT, FUZZ_SEGMENT, FUZZ_REGS). */
struct bit_op {
	const char *name;
	size_t off; /* in struct boot_cpu */
	uint64_t bit;
};
#define CPU_BIT(reg, n, b) { #reg "." n, offsetof(struct boot_cpu, reg), b }
struct cpu_field {
	const char *name;
	size_t off; /* in struct boot_cpu */
};
#define CPU_FIELD(r) { #r, offsetof(struct boot_cpu, r) }

/* mutate.c: a number in [0, n), n > 0, from the run's stream. */
unsigned fz_pick(struct fz *f, unsigned n);
/* Note mutation `field` (printf format) of class c; always true. */
__attribute__((format(printf, 3, 4)))
bool fz_record(struct fz *f, enum fuzz_class c, const char *fmt, ...);
/* The low `size` bytes at p (little-endian), and their store. */
uint64_t fz_load(const void *p, unsigned size);
void fz_store(void *p, unsigned size, uint64_t v);
uint64_t fz_size_mask(unsigned size);
/* A value of `mask`'s width that differs from cur: 0, all ones, +/-1, one bit flipped or `special`. */
uint64_t fz_boundary(struct fz *f, uint64_t cur, uint64_t mask, uint64_t special);
/* A value in [0, max] other than cur (cur <= max). */
uint64_t fz_other_small(struct fz *f, uint64_t cur, uint64_t max);

/* mutate_memory.c: `len` (1-8) little-endian bytes at gpa as the guest will see them (RAM
 * overlaid with the pokes), and their read-modify-write as pokes; false if out of RAM or pokes. */
bool fz_mem_read(const struct fz *f, uint64_t gpa, unsigned len, uint64_t *v);
bool fz_mem_write(struct fz *f, uint64_t gpa, unsigned len, uint64_t v);

/* One mutation of each class; false if the class cannot apply to this state. */
bool fz_apply_paging(struct fz *f);	/* mutate_cpu.c */
bool fz_apply_regs(struct fz *f);	/* mutate_cpu.c: always applies */
bool fz_apply_gdt(struct fz *f);	/* mutate_segments.c */
bool fz_apply_segment(struct fz *f);	/* mutate_segments.c */
bool fz_apply_pte(struct fz *f);	/* mutate_pte.c */
bool fz_apply_bootinfo(struct fz *f);	/* mutate_bootinfo.c */

#endif
