/* acpi_impl.h: internals shared by the ACPI table writers: sizes, the little-endian writer, the common header. */
#ifndef VMM_ACPI_IMPL_H
#define VMM_ACPI_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "loader/acpi.h"

/* ACPI 6.5 §5.2.6, Table 5.4: every system description table starts with
 * this 36-byte header; the checksum byte is at offset 9. */
#define ACPI_HDR_LEN 36
#define ACPI_HDR_CHECKSUM 9

/* Fixed sizes: RSDP (§5.2.5.3, revision 2 form), XSDT with two 8-byte
 * entries (§5.2.8: FADT and MADT), FADT revision 6 (§5.2.9, Table 5.9),
 * FACS (§5.2.10, Table 5.14). */
#define ACPI_RSDP_LEN 36
#define ACPI_XSDT_ENTRIES 2
#define ACPI_XSDT_LEN (ACPI_HDR_LEN + 8 * ACPI_XSDT_ENTRIES)
#define ACPI_FADT_LEN 276
#define ACPI_FACS_LEN 64

/* Generic Address Structure (§5.2.3.2, Table 5.1): address space IDs and
 * access sizes (1 byte, 2 bytes) used in the FADT. */
#define ACPI_GAS_LEN 12
#define ACPI_GAS_SYSTEM_IO 1
#define ACPI_GAS_ACCESS_BYTE 1
#define ACPI_GAS_ACCESS_WORD 2

/* Store the `n` low bytes of `v` at `p`, little-endian (ACPI is little-endian,
 * §5.2); byte stores, so `p` needs no alignment. */
static inline void acpi_put(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A Generic Address Structure at `p`: register of `bits` bits at `addr`. */
void acpi_put_gas(uint8_t *p, uint8_t space, uint8_t bits, uint8_t access,
		  uint64_t addr);

/* The common header at `t` (checksum left 0; acpi_checksum() sets it). */
void acpi_header(uint8_t *t, const char sig[4], uint32_t len, uint8_t rev);

/* Set the byte at `t + at` so that the `len` bytes at `t` sum to 0 mod 256. */
void acpi_checksum(uint8_t *t, size_t len, size_t at);

/* Table writers; `t` points at zeroed guest memory of the table's length. */
void acpi_fadt_write(uint8_t *t, const struct acpi_hw *hw, uint64_t facs,
		     uint64_t dsdt);
void acpi_facs_write(uint8_t *t);
size_t acpi_dsdt_len(const struct acpi_hw *hw);
void acpi_dsdt_write(uint8_t *t, const struct acpi_hw *hw);
size_t acpi_madt_len(const struct acpi_hw *hw);
void acpi_madt_write(uint8_t *t, const struct acpi_hw *hw);

#endif
