/* acpi_madt.c: the MADT: one local APIC per vCPU, the I/O APIC, a PC's interrupt source overrides, LINT1 NMI. */
#include "loader/acpi_impl.h"

/* MADT revision 6 (ACPI 6.5 §5.2.12, Table 5.19): the local interrupt
 * controller address at 36, flags at 40, interrupt controller structures
 * from 44. PCAT_COMPAT: the machine also has dual 8259s (KVM's irqchip). */
#define MADT_REVISION 6
#define MADT_LAPIC_ADDR 36
#define MADT_FLAGS 40
#define MADT_ENTRIES 44
#define MADT_PCAT_COMPAT (1u << 0)

/* Structure types and lengths: processor local APIC (§5.2.12.2), I/O APIC
 * (§5.2.12.3), interrupt source override (§5.2.12.5), local APIC NMI (§5.2.12.7). */
#define MADT_LAPIC 0
#define MADT_LAPIC_LEN 8
#define MADT_IOAPIC 1
#define MADT_IOAPIC_LEN 12
#define MADT_ISO 2
#define MADT_ISO_LEN 10
#define MADT_LAPIC_NMI 4
#define MADT_LAPIC_NMI_LEN 6

/* Local APIC flags (§5.2.12.2): Enabled; Online Capable stays 0. */
#define MADT_LAPIC_ENABLED (1u << 0)
/* Interrupt source overrides: bus 0 is ISA (§5.2.12.5); MPS INTI flags
 * (§5.2.12.5): polarity bits 1:0, trigger mode bits 3:2; 0 is "conforms
 * to the bus" (ISA: edge, active high), 0xd active high (01), level (11). */
#define MADT_ISO_BUS_ISA 0
#define MADT_INTI_CONFORMS 0x0000
#define MADT_INTI_LEVEL_HIGH 0x000d
/*
 * Which overrides: QEMU's PCs (hw/i386/acpi-common.c) list IRQ 0 -> GSI 2,
 * because the PIT's output reaches I/O APIC pin 2 (pin 0 is the 8259's
 * ExtINT; vmm's GSI routing does the same), and every PCI-routed ISA IRQ
 * (5, 9, 10, 11) as level, active high. We have no PCI, so of the latter
 * only the SCI remains. The SCI is level-triggered (§5.2.9, SCI_INT; without
 * an override Linux also assumes active low); as in QEMU, the override says
 * it reaches the I/O APIC active high, as KVM_IRQ_LINE raises it.
 */
#define MADT_ISO_COUNT 2
/* Local APIC NMI (§5.2.12.7): UID 0xff means every processor; a PC wires
 * NMI to LINT1 (LINT0 is ExtINT), flags conforming. */
#define MADT_ALL_PROCESSORS 0xff
#define MADT_NMI_LINT1 1

/* Each structure: type (0), length (1), then its fields at the offsets its
 * section gives; the writers return the end of what they wrote. */
static uint8_t *put_lapic(uint8_t *e, uint8_t uid, uint8_t apic_id)
{
	e[0] = MADT_LAPIC;
	e[1] = MADT_LAPIC_LEN;
	e[2] = uid;
	e[3] = apic_id;
	acpi_put(e + 4, MADT_LAPIC_ENABLED, 4);
	return e + MADT_LAPIC_LEN;
}

static uint8_t *put_ioapic(uint8_t *e, const struct acpi_hw *hw)
{
	e[0] = MADT_IOAPIC;
	e[1] = MADT_IOAPIC_LEN;
	e[2] = hw->ioapic_id;
	acpi_put(e + 4, hw->ioapic_addr, 4);
	/* GSI base 0 at offset 8: the one I/O APIC's pins are GSIs 0-23. */
	return e + MADT_IOAPIC_LEN;
}

static uint8_t *put_iso(uint8_t *e, uint8_t irq, uint32_t gsi, uint16_t flags)
{
	e[0] = MADT_ISO;
	e[1] = MADT_ISO_LEN;
	e[2] = MADT_ISO_BUS_ISA;
	e[3] = irq;
	acpi_put(e + 4, gsi, 4);
	acpi_put(e + 8, flags, 2);
	return e + MADT_ISO_LEN;
}

static uint8_t *put_lapic_nmi(uint8_t *e)
{
	e[0] = MADT_LAPIC_NMI;
	e[1] = MADT_LAPIC_NMI_LEN;
	e[2] = MADT_ALL_PROCESSORS;
	acpi_put(e + 3, MADT_INTI_CONFORMS, 2);
	e[5] = MADT_NMI_LINT1;
	return e + MADT_LAPIC_NMI_LEN;
}

size_t acpi_madt_len(const struct acpi_hw *hw)
{
	return MADT_ENTRIES + (size_t)hw->ncpus * MADT_LAPIC_LEN + MADT_IOAPIC_LEN +
	       MADT_ISO_COUNT * MADT_ISO_LEN + MADT_LAPIC_NMI_LEN;
}

void acpi_madt_write(uint8_t *t, const struct acpi_hw *hw)
{
	size_t len = acpi_madt_len(hw);
	uint8_t *e = t + MADT_ENTRIES;

	acpi_header(t, "APIC", (uint32_t)len, MADT_REVISION);
	acpi_put(t + MADT_LAPIC_ADDR, hw->lapic_addr, 4);
	acpi_put(t + MADT_FLAGS, MADT_PCAT_COMPAT, 4);
	/* ACPI processor UID i and local APIC ID i (acpi_build checked ncpus
	 * <= ACPI_MAX_CPUS, so neither reaches 0xff). */
	for (unsigned i = 0; i < hw->ncpus; i++)
		e = put_lapic(e, (uint8_t)i, (uint8_t)i);
	e = put_ioapic(e, hw);
	e = put_iso(e, ACPI_PC_PIT_IRQ, ACPI_PC_PIT_GSI, MADT_INTI_CONFORMS);
	e = put_iso(e, (uint8_t)hw->sci_irq, hw->sci_irq, MADT_INTI_LEVEL_HIGH);
	put_lapic_nmi(e);
	acpi_checksum(t, len, ACPI_HDR_CHECKSUM);
}
