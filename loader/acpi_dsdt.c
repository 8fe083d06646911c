/* acpi_dsdt.c: the DSDT, a definition block whose AML is just Name (_S5, Package (4) {typ, typ, 0, 0}). */
#include <string.h>

#include "loader/acpi_impl.h"

/* DSDT revision 2: integers in its AML are 64-bit (ACPI 6.5 §5.2.11.1). */
#define DSDT_REVISION 2

/* AML opcodes and prefixes (ACPI 6.5 §20.2.3, §20.2.5.1, §20.2.5.4). */
#define AML_ZERO_OP 0x00
#define AML_ONE_OP 0x01
#define AML_NAME_OP 0x08
#define AML_BYTE_PREFIX 0x0a
#define AML_PACKAGE_OP 0x12

/* PkgLength (§20.2.4): one byte holds up to 63 (bits 0-5); a longer value
 * puts the count of following bytes in bits 6-7 of the lead byte, its low
 * nibble in bits 0-3, and the rest 8 bits a byte after; at most 2^28 - 1. */
#define AML_PKGLEN_1BYTE_MAX 63
#define AML_PKGLEN_MAX_BYTES 4

/* \_S5 (§7.4.2.5): SLP_TYPa, SLP_TYPb, then two reserved entries. */
#define S5_NAME "_S5_"
#define S5_ELEMENTS 4

/*
 * Each encoder writes its bytes at `p` and returns how many it wrote; with
 * p == NULL it only counts them, so one piece of code gives both the DSDT's
 * length (for the layout) and its content.
 */
static size_t emit(uint8_t *p, size_t at, const void *bytes, size_t n)
{
	if (p)
		memcpy(p + at, bytes, n);
	return at + n;
}

/* ComputationalData for a byte-sized integer: ZeroOp, OneOp or BytePrefix. */
static size_t aml_byte_int(uint8_t *p, size_t at, uint8_t v)
{
	const uint8_t op[] = { v == 0 ? AML_ZERO_OP : AML_ONE_OP };
	const uint8_t prefixed[] = { AML_BYTE_PREFIX, v };

	if (v <= 1)
		return emit(p, at, op, sizeof(op));
	return emit(p, at, prefixed, sizeof(prefixed));
}

/* PkgLength for `body` bytes that follow it; the value it encodes counts
 * its own bytes too. With n > 1 bytes it holds values below 2^(4 + 8(n-1)). */
static size_t aml_pkglength(uint8_t *p, size_t at, size_t body)
{
	uint8_t b[AML_PKGLEN_MAX_BYTES];
	size_t n = 2, len = body + 1;

	if (len <= AML_PKGLEN_1BYTE_MAX) {
		b[0] = (uint8_t)len;
		return emit(p, at, b, 1);
	}
	while (n < AML_PKGLEN_MAX_BYTES && (body + n) >> (4 + 8 * (n - 1)))
		n++;
	len = body + n;
	b[0] = (uint8_t)(((n - 1) << 6) | (len & 0xf));
	for (size_t i = 1; i < n; i++)
		b[i] = (uint8_t)(len >> (4 + 8 * (i - 1)));
	return emit(p, at, b, n);
}

/* The _S5 package's NumElements and elements: typ, typ, 0, 0. */
static size_t s5_elements(uint8_t *p, size_t at, uint8_t slp_typ)
{
	const uint8_t count = S5_ELEMENTS;

	at = emit(p, at, &count, 1);
	at = aml_byte_int(p, at, slp_typ);
	at = aml_byte_int(p, at, slp_typ);
	at = aml_byte_int(p, at, 0);
	return aml_byte_int(p, at, 0);
}

/* Name (_S5, Package (4) { typ, typ, 0, 0 }) at `at`, in the root scope
 * (a DSDT's names are relative to \, §5.2.11.1). */
static size_t aml_s5(uint8_t *p, size_t at, uint8_t slp_typ)
{
	const uint8_t name_op = AML_NAME_OP, pkg_op = AML_PACKAGE_OP;

	at = emit(p, at, &name_op, 1);
	at = emit(p, at, S5_NAME, 4);
	at = emit(p, at, &pkg_op, 1);
	at = aml_pkglength(p, at, s5_elements(NULL, 0, slp_typ));
	return s5_elements(p, at, slp_typ);
}

size_t acpi_dsdt_len(const struct acpi_hw *hw)
{
	return aml_s5(NULL, ACPI_HDR_LEN, hw->s5_slp_typ);
}

void acpi_dsdt_write(uint8_t *t, const struct acpi_hw *hw)
{
	size_t len = acpi_dsdt_len(hw);

	acpi_header(t, "DSDT", (uint32_t)len, DSDT_REVISION);
	aml_s5(t, ACPI_HDR_LEN, hw->s5_slp_typ);
	acpi_checksum(t, len, ACPI_HDR_CHECKSUM);
}
