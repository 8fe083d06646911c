/* acpi.c: places the ACPI tables in guest RAM and writes the RSDP, the XSDT and the common table header. */
#include "loader/acpi.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "loader/acpi_impl.h"
#include "mmu/bits.h"
#include "mmu/err.h"

/* Header identification (ACPI 6.5 Table 5.4): OEM ID 6 chars, OEM table ID
 * 8 chars, creator ID 4 chars, space-padded; the same in every table. */
#define ACPI_OEM_ID "VMM   "
#define ACPI_OEM_TABLE_ID "VMMACPI "
#define ACPI_OEM_REVISION 1
#define ACPI_CREATOR_ID "VMM "
#define ACPI_CREATOR_REVISION 1

/* RSDP (ACPI 6.5 §5.2.5.3, Table 5.3): revision 2 is the ACPI 2.0+ form with
 * the XSDT address; the first checksum covers the ACPI 1.0 part (20 bytes),
 * the extended one all 36 bytes. */
#define RSDP_SIG "RSD PTR "
#define RSDP_CHECKSUM 8
#define RSDP_OEM_ID 9
#define RSDP_REVISION 15
#define RSDP_REVISION_ACPI2 2
#define RSDP_RSDT 16
#define RSDP_V1_LEN 20
#define RSDP_LENGTH 20
#define RSDP_XSDT 24
#define RSDP_EXT_CHECKSUM 32
/* XSDT revision 1 (§5.2.8); its 64-bit entries follow the header. */
#define XSDT_REVISION 1

/* The RSDP must sit on a 16-byte boundary (§5.2.5.1, also where Linux scans
 * for it); we align every table the same way, and the FACS to 64 bytes
 * (§5.2.10: "64-byte aligned"). Tables above 4 GiB would not fit the FADT's
 * 32-bit DSDT and FIRMWARE_CTRL fields. */
#define ACPI_ALIGN 16
#define ACPI_FACS_ALIGN 64
#define ACPI_TABLES_END_MAX GiB(4)
/* SLP_TYP is a 3-bit field of PM1 control (§4.8.3.2.1, Table 4.13). */
#define ACPI_SLP_TYP_MAX 7
/* The SCI is an ISA IRQ (its MADT override names an 8259 input, 0-15) other
 * than 0 and 2, which the PIT's override (acpi_madt.c) uses. */
#define ACPI_ISA_IRQS 16

void acpi_put_gas(uint8_t *p, uint8_t space, uint8_t bits, uint8_t access,
		  uint64_t addr)
{
	/* §5.2.3.2 Table 5.1: space ID, bit width, bit offset (0), access size, address. */
	p[0] = space;
	p[1] = bits;
	p[3] = access;
	acpi_put(p + 4, addr, 8);
}

void acpi_header(uint8_t *t, const char sig[4], uint32_t len, uint8_t rev)
{
	/* Table 5.4: signature, length, revision, checksum (9), OEM ID (10),
	 * OEM table ID (16), OEM revision (24), creator ID (28) and revision (32). */
	memcpy(t, sig, 4);
	acpi_put(t + 4, len, 4);
	t[8] = rev;
	memcpy(t + 10, ACPI_OEM_ID, 6);
	memcpy(t + 16, ACPI_OEM_TABLE_ID, 8);
	acpi_put(t + 24, ACPI_OEM_REVISION, 4);
	memcpy(t + 28, ACPI_CREATOR_ID, 4);
	acpi_put(t + 32, ACPI_CREATOR_REVISION, 4);
}

void acpi_checksum(uint8_t *t, size_t len, size_t at)
{
	uint8_t sum = 0;

	t[at] = 0;
	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + t[i]);
	t[at] = (uint8_t)-sum;
}

static void rsdp_write(uint8_t *t, uint64_t xsdt)
{
	memcpy(t, RSDP_SIG, 8);
	memcpy(t + RSDP_OEM_ID, ACPI_OEM_ID, 6);
	t[RSDP_REVISION] = RSDP_REVISION_ACPI2;
	/* RsdtAddress stays 0: an ACPI 2.0+ OS uses the XSDT (§5.2.5.3). */
	acpi_put(t + RSDP_LENGTH, ACPI_RSDP_LEN, 4);
	acpi_put(t + RSDP_XSDT, xsdt, 8);
	acpi_checksum(t, RSDP_V1_LEN, RSDP_CHECKSUM);
	acpi_checksum(t, ACPI_RSDP_LEN, RSDP_EXT_CHECKSUM);
}

static void xsdt_write(uint8_t *t, const struct acpi_tables *at)
{
	const uint64_t entry[ACPI_XSDT_ENTRIES] = { at->fadt, at->madt };

	acpi_header(t, "XSDT", ACPI_XSDT_LEN, XSDT_REVISION);
	for (unsigned i = 0; i < ACPI_XSDT_ENTRIES; i++)
		acpi_put(t + ACPI_HDR_LEN + 8 * i, entry[i], 8);
	acpi_checksum(t, ACPI_XSDT_LEN, ACPI_HDR_CHECKSUM);
}

static int check_hw(const struct acpi_hw *hw)
{
	if (hw->ncpus < 1 || hw->ncpus > ACPI_MAX_CPUS)
		return errf(-EINVAL, "acpi: ncpus %u is not in 1..%u", hw->ncpus,
			    ACPI_MAX_CPUS);
	if (hw->lapic_addr > UINT32_MAX || hw->ioapic_addr > UINT32_MAX)
		return errf(-EINVAL,
			    "acpi: lapic_addr %#" PRIx64 " / ioapic_addr %#" PRIx64
			    " above 4 GiB (32-bit MADT fields)",
			    hw->lapic_addr, hw->ioapic_addr);
	/* A full (not hardware-reduced) FADT needs both PM1a blocks (§4.8.1). */
	if (!hw->pm1a_evt_port || !hw->pm1a_cnt_port)
		return errf(-EINVAL, "acpi: pm1a_evt_port %#x / pm1a_cnt_port %#x must not be 0",
			    hw->pm1a_evt_port, hw->pm1a_cnt_port);
	if (hw->sci_irq >= ACPI_ISA_IRQS || hw->sci_irq == 0 || hw->sci_irq == 2)
		return errf(-EINVAL, "acpi: sci_irq %u is not an ISA IRQ other than 0 and 2",
			    hw->sci_irq);
	if (hw->s5_slp_typ > ACPI_SLP_TYP_MAX)
		return errf(-EINVAL, "acpi: s5_slp_typ %u is not a 3-bit SLP_TYP",
			    hw->s5_slp_typ);
	return 0;
}

/* Put `len` bytes at the first `align`-aligned address from *cur; false on wrap. */
static bool place(uint64_t *cur, uint64_t align, uint64_t len, uint64_t *at)
{
	return align_up(*cur, align, at) && !__builtin_add_overflow(*at, len, cur);
}

static int layout(uint64_t base, uint64_t limit, const struct acpi_hw *hw,
		  struct acpi_tables *t)
{
	uint64_t cur = base;
	bool ok;

	if (base % ACPI_ALIGN)
		return errf(-EINVAL, "acpi: base %#" PRIx64 " is not %u-byte aligned (RSDP)",
			    base, ACPI_ALIGN);
	ok = place(&cur, ACPI_ALIGN, ACPI_RSDP_LEN, &t->rsdp) &&
	     place(&cur, ACPI_ALIGN, ACPI_XSDT_LEN, &t->xsdt) &&
	     place(&cur, ACPI_ALIGN, ACPI_FADT_LEN, &t->fadt) &&
	     place(&cur, ACPI_FACS_ALIGN, ACPI_FACS_LEN, &t->facs) &&
	     place(&cur, ACPI_ALIGN, acpi_dsdt_len(hw), &t->dsdt) &&
	     place(&cur, ACPI_ALIGN, acpi_madt_len(hw), &t->madt);
	if (!ok || cur > limit)
		return errf(-EINVAL, "acpi: tables for %u cpus from base %#" PRIx64
			    " do not fit below limit %#" PRIx64, hw->ncpus, base, limit);
	if (cur > ACPI_TABLES_END_MAX)
		return errf(-EINVAL, "acpi: tables end %#" PRIx64 " above 4 GiB (32-bit FADT pointers)",
			    cur);
	t->start = base;
	t->end = cur;
	return 0;
}

int acpi_build(const struct guest_mem *gm, uint64_t base, uint64_t limit,
	       const struct acpi_hw *hw, struct acpi_tables *out)
{
	struct acpi_tables t;
	uint8_t *h;
	int r;

	r = check_hw(hw);
	if (r == 0)
		r = layout(base, limit, hw, &t);
	if (r < 0)
		return r;
	h = gm_ptr(gm, t.start, t.end - t.start);
	if (!h)
		return errf(-EINVAL, "acpi: tables [%#" PRIx64 ", %#" PRIx64 ") are not in guest RAM",
			    t.start, t.end);
	memset(h, 0, t.end - t.start);
	rsdp_write(h + (t.rsdp - t.start), t.xsdt);
	xsdt_write(h + (t.xsdt - t.start), &t);
	acpi_fadt_write(h + (t.fadt - t.start), hw, t.facs, t.dsdt);
	acpi_facs_write(h + (t.facs - t.start));
	acpi_dsdt_write(h + (t.dsdt - t.start), hw);
	acpi_madt_write(h + (t.madt - t.start), hw);
	*out = t;
	return 0;
}
