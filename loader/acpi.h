/* acpi.h: the ACPI tables (RSDP, XSDT, FADT, FACS, DSDT, MADT) that describe a PC-like machine; pure, no KVM. */
#ifndef VMM_ACPI_H
#define VMM_ACPI_H

#include <stdint.h>

#include "mmu/guest_mem.h"

#define ACPI_MAX_CPUS 255 /* xAPIC IDs 0..254; 0xff is the broadcast ID */
/* The PC's wiring the MADT announces (and vmm/kvm/vm.c routes): the PIT's ISA
 * IRQ 0 reaches I/O APIC input 2 (GSI 2), pin 0 being the 8259's ExtINT. */
#define ACPI_PC_PIT_IRQ 0
#define ACPI_PC_PIT_GSI 2

/* The machine the tables describe; vmm fills it from its layout. */
struct acpi_hw {
	unsigned ncpus;		/* 1..ACPI_MAX_CPUS: local APIC IDs and ACPI processor UIDs 0..ncpus-1 */
	uint64_t lapic_addr;	/* MADT local APIC address (32-bit field): 0xfee00000 */
	uint64_t ioapic_addr;	/* MADT I/O APIC address (32-bit field): 0xfec00000 */
	uint8_t ioapic_id;	/* I/O APIC ID, written to the MADT as given */
	uint16_t pm1a_evt_port; /* PM1a event block, 4 bytes: PM1 status (2), PM1 enable (2) */
	uint16_t pm1a_cnt_port; /* PM1a control block, 2 bytes */
	uint16_t sci_irq;	/* SCI, an ISA IRQ (1..15 but 2; level, active high): 9 */
	uint16_t reset_port;	/* FADT RESET_REG, system I/O, 8 bit: 0xcf9 */
	uint8_t reset_value;	/* FADT RESET_VALUE: 0x06 */
	uint8_t s5_slp_typ;	/* SLP_TYP (3 bits) that the DSDT's \_S5 package gives for S5 */
	uint8_t century;	/* FADT CENTURY: the RTC CMOS index of the century byte (0: none) */
};

/* Where acpi_build() put things (guest-physical addresses). */
struct acpi_tables {
	uint64_t rsdp;	     /* GPA of the RSDP */
	uint64_t start, end; /* [start, end): every byte written */
	/* GPA of each table, for tests and messages */
	uint64_t xsdt, fadt, facs, dsdt, madt;
};

/*
 * Write RSDP, XSDT, FADT, FACS, DSDT and MADT into guest RAM in [base, limit):
 * the RSDP at `base`, then each table 16-byte aligned (the FACS 64-byte
 * aligned) in that order; the whole area used is zeroed first. `base` must be
 * 16-byte aligned (ACPI 6.5 §5.2.5.1) and the tables must end below 4 GiB
 * (the FADT's 32-bit DSDT and FIRMWARE_CTRL fields are set too).
 * Returns 0 and fills `out`, or -EINVAL with an err_msg() naming the field
 * and value: ncpus outside 1..ACPI_MAX_CPUS, a zero PM1a port, an APIC
 * address above 4 GiB, sci_irq 0, 2 or above 15, s5_slp_typ above 7, a base
 * not 16-aligned, tables that do not fit below `limit` or end above 4 GiB,
 * or a range that is not RAM. `out` is untouched on error.
 */
int acpi_build(const struct guest_mem *gm, uint64_t base, uint64_t limit,
	       const struct acpi_hw *hw, struct acpi_tables *out);

#endif
