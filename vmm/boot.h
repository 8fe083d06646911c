/* boot.h: the entry state (CPU registers, GDT, page tables) as plain data, and its construction. */
#ifndef VMM_BOOT_H
#define VMM_BOOT_H

#include <stdbool.h>
#include <stdint.h>

#include "mmu/gdt.h"
#include "mmu/guest_mem.h"
#include "mmu/pagetable.h"

struct dtable {
	uint64_t base;
	uint16_t limit;
};

/* Everything vcpu_load_state() gives KVM; nothing else sets vCPU state. */
struct boot_cpu {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip, rflags;
	uint64_t cr0, cr3, cr4, efer;
	struct segment cs, ds, es, fs, gs, ss, tr, ldt;
	struct dtable gdt, idt;
};

/* Control-register and EFER bits (Intel SDM Vol. 3A §2.5, §2.2.1). */
#define X86_CR0_PE (1ULL << 0)
#define X86_CR0_ET (1ULL << 4)
#define X86_CR0_PG (1ULL << 31)
#define X86_CR4_PSE (1ULL << 4)
#define X86_CR4_PAE (1ULL << 5)
#define X86_EFER_LME (1ULL << 8)
#define X86_EFER_LMA (1ULL << 10)
#define X86_RFLAGS_RESERVED (1ULL << 1) /* bit 1 always reads as 1 */
#define X86_RFLAGS_IF (1ULL << 9)

/* Which kernel entry point the vCPU starts at (boot.rst §"32-bit"/"64-bit boot protocol"). */
enum boot_proto { BOOT_LINUX32, BOOT_LINUX64 };
#define BOOT_LINUX64_OFFSET 0x200 /* 64-bit entry = load address + 0x200 */

/* GDT entries the VMM writes: enough for any selector below the zero page. */
#define ENTRY_GDT_MAX 3328

/* The complete entry state: registers, GDT contents, page-table description. */
struct entry_state {
	enum boot_proto proto;
	struct boot_cpu cpu;
	uint64_t gdt[ENTRY_GDT_MAX]; /* written at cpu.gdt.base */
	unsigned gdt_n;
	struct pt_spec paging;
};

struct entry_options {
	enum boot_proto proto;
	enum paging_mode paging;
	bool proto_auto, paging_auto; /* resolved by entry_resolve() */
	bool large_pages;  /* NONPAE: 4 MiB pages */
	uint16_t cs, ds;   /* boot selectors; 0 = __BOOT_CS / __BOOT_DS */
};

/*
 * Resolve "auto": the 64-bit entry when the kernel has one (`kernel64`) and
 * paging is auto or long, else the 32-bit entry; paging long for the 64-bit
 * entry, off for the 32-bit one.
 */
void entry_resolve(struct entry_options *o, bool kernel64);

/*
 * Build the entry state for `o`: the boot GDT (code at o->cs, data at o->ds,
 * a busy TSS after them), segment registers decoded from those entries,
 * CR0/CR3/CR4/EFER for the paging mode, 1:1 tables at `tables` (up to
 * `tables_limit` bytes) mapping [0, map_end), RIP = entry32 (+0x200 for the
 * 64-bit entry), RSI = zero page, RSP = stack, interrupts off.
 * -EINVAL for selectors that are null, not GDT-aligned or too large.
 */
int entry_build(struct entry_state *st, const struct entry_options *o,
		gpa_t entry32, gpa_t zero_page, gpa_t stack, gpa_t gdt_base,
		gpa_t tables, uint64_t tables_limit, uint64_t map_end);

/* CR0, CR4 and EFER for a paging mode, as entry_build() sets them. */
void entry_paging_regs(struct boot_cpu *c, const struct pt_spec *p);

/*
 * Write the GDT entries and build the page tables of `st` in guest memory.
 * The GDT must lie in [gdt_lo, gdt_hi). -E2BIG if something does not fit.
 */
int entry_write(struct guest_mem *gm, const struct entry_state *st,
		gpa_t gdt_lo, gpa_t gdt_hi, struct pt_result *pt);

#endif
