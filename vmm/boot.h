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
#define X86_CR0_WP (1ULL << 16)
#define X86_CR0_NW (1ULL << 29)
#define X86_CR0_CD (1ULL << 30)
#define X86_CR4_PGE (1ULL << 7)
#define X86_CR4_LA57 (1ULL << 12)
#define X86_CR4_VMXE (1ULL << 13)
#define X86_CR4_OSXSAVE (1ULL << 18)
#define X86_CR4_SMEP (1ULL << 20)
#define X86_CR4_SMAP (1ULL << 21)
#define X86_CR4_PKE (1ULL << 22)
#define X86_EFER_SCE (1ULL << 0)
#define X86_EFER_NXE (1ULL << 11)
/* RFLAGS system and control flags (SDM Vol. 3A §2.3, Vol. 1 §3.4.3). */
#define X86_RFLAGS_TF (1ULL << 8)
#define X86_RFLAGS_DF (1ULL << 10)
#define X86_RFLAGS_IOPL (3ULL << 12)
#define X86_RFLAGS_NT (1ULL << 14)
#define X86_RFLAGS_RF (1ULL << 16) /* resume: no instruction breakpoint for one instruction (SDM Vol. 3B §18.3.1.1) */
#define X86_RFLAGS_VM (1ULL << 17)
#define X86_RFLAGS_AC (1ULL << 18)


/*
 * Which kernel entry point the vCPU starts at: the bzImage's 32-bit or
 * 64-bit boot protocol entry (boot.rst), an ELF vmlinux's e_entry in long
 * mode with a zero page, or the PVH entry (Xen's pvh ABI) with EBX =
 * hvm_start_info.
 */
/* BOOT_ELF32: an ELF32 (i386) vmlinux at e_entry by the 32-bit protocol; `elf` of such a file. */
enum boot_proto { BOOT_LINUX32, BOOT_LINUX64, BOOT_ELF, BOOT_PVH, BOOT_ELF32 };
#define BOOT_LINUX64_OFFSET 0x200 /* 64-bit entry = load address + 0x200 */

/* "linux32", "linux64", "elf", "pvh", "elf32"; NULL if out of range. */
const char *boot_proto_name(enum boot_proto p);
/* The protocol named `s`; -EINVAL if none. */
int boot_proto_parse(const char *s, enum boot_proto *p);
/* True if the protocol enters in 64-bit long mode. */
bool boot_proto_is64(enum boot_proto p);
/* True if vmm loads an ELF image for it (elf, elf32, pvh): no decompressor runs in the guest. */
bool boot_proto_loads_elf(enum boot_proto p);

/* GDT entries the VMM writes: enough for any selector below hvm_start_info. */
#define ENTRY_GDT_MAX 2912

/* Pokes: 8-byte little-endian writes into guest RAM made after everything
 * else is written (zero page, GDT, page tables), so a state file can carry
 * an edited page-table entry or boot_params field (the fuzz mode's repro files). */
#define ENTRY_POKES_MAX 16
struct entry_poke {
	uint64_t gpa;
	uint64_t value;
};

/* The complete entry state: registers, GDT contents, page-table description, pokes. */
struct entry_state {
	enum boot_proto proto;
	struct boot_cpu cpu;
	uint64_t gdt[ENTRY_GDT_MAX]; /* written at cpu.gdt.base */
	unsigned gdt_n;
	struct pt_spec paging;
	struct entry_poke pokes[ENTRY_POKES_MAX];
	unsigned npokes;
};

struct entry_options {
	enum boot_proto proto;
	enum paging_mode paging;
	bool proto_auto, paging_auto; /* resolved by entry_resolve() */
	bool large_pages;  /* NONPAE: 4 MiB pages */
	uint16_t cs, ds;   /* boot selectors; 0 = __BOOT_CS / __BOOT_DS */
};

/* Resolve paging "auto": long for the 64-bit entries, off otherwise. */
void entry_resolve_paging(struct entry_options *o);

/* Addresses entry_build() needs; all chosen by the caller. */
struct entry_addrs {
	gpa_t rip;	 /* the kernel entry point */
	gpa_t info;	 /* zero page (RSI) or hvm_start_info (EBX, PVH) */
	gpa_t stack;	 /* RSP */
	gpa_t gdt;	 /* GDTR base */
	gpa_t tables;	 /* page tables */
	uint64_t tables_limit; /* bytes available there */
	uint64_t map_end;      /* map [0, map_end) 1:1 */
};

/*
 * Build the entry state for `o`: the boot GDT (code at o->cs, data at o->ds,
 * a busy TSS after them; 64-bit code for the 64-bit entries), segment
 * registers decoded from those entries, CR0/CR3/CR4/EFER for the paging
 * mode, RIP, RSI or EBX = info, RSP, interrupts off.
 * -EINVAL for selectors that are null, not GDT-aligned or too large.
 */
int entry_build(struct entry_state *st, const struct entry_options *o,
		const struct entry_addrs *a);

/* CR0, CR4 and EFER for a paging mode, as entry_build() sets them. */
void entry_paging_regs(struct boot_cpu *c, const struct pt_spec *p);

/*
 * Write the GDT entries and build the page tables of `st` in guest memory.
 * The GDT must lie in [gdt_lo, gdt_hi). -E2BIG if something does not fit.
 */
int entry_write(struct guest_mem *gm, const struct entry_state *st,
		gpa_t gdt_lo, gpa_t gdt_hi, struct pt_result *pt);

/* Make the pokes of `st` (last of all writes). -EINVAL naming the first
 * poke that is not 8 bytes of RAM. */
int entry_poke(struct guest_mem *gm, const struct entry_state *st);

#endif
