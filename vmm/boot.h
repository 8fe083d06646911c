/* boot.h: the vCPU state at kernel entry as plain data, and its construction for each protocol. */
#ifndef VMM_BOOT_H
#define VMM_BOOT_H

#include <stdint.h>

#include "mmu/gdt.h"
#include "mmu/guest_mem.h"

struct dtable {
	uint64_t base;
	uint16_t limit;
};

/* Everything vcpu_load_state() gives KVM; nothing else sets vCPU state. */
struct boot_cpu {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp, rip, rflags;
	uint64_t cr0, cr3, cr4, efer;
	struct segment cs, ds, es, fs, gs, ss, tr, ldt;
	struct dtable gdt, idt;
};

/* Control-register bits (Intel SDM Vol. 3A §2.5). */
#define X86_CR0_PE (1ULL << 0)
#define X86_CR0_ET (1ULL << 4)
#define X86_RFLAGS_RESERVED (1ULL << 1) /* bit 1 always reads as 1 */

/*
 * The 32-bit boot protocol state (boot.rst "32-bit boot protocol"):
 * protected mode, paging off, CS = __BOOT_CS, DS/ES/SS = __BOOT_DS from the
 * GDT `table` (n entries) that lives at `gdt_gpa`, interrupts off,
 * ESI = zero page, EBP = EDI = EBX = 0, EIP = `entry`. Segment registers are
 * decoded from `table` itself, so they always match the GDT in memory.
 * Returns -EINVAL if a boot selector lies outside the table.
 */
int boot_cpu_linux32(struct boot_cpu *c, const uint64_t *table, unsigned n,
		     gpa_t gdt_gpa, gpa_t entry, gpa_t zero_page);

/* Copy the GDT `table` (n entries) to `gpa`. -E2BIG if not RAM. */
int boot_gdt_write(struct guest_mem *gm, gpa_t gpa, const uint64_t *table,
		   unsigned n);

#endif
