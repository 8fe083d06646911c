/* test_acpi.c: ACPI tables: checksums, headers, FADT fields, the DSDT's \_S5, MADT entries, rejected inputs. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "fixtures.h"
#include "loader/acpi.h"
#include "mmu/bits.h"
#include "mmu/err.h"

/* The BIOS area where vmm puts the tables, in 1 MiB of guest RAM. */
#define RAM MiB(1)
#define BASE 0xe0000ULL
#define LIMIT 0x100000ULL
/* Guest RAM outside the tables keeps this byte (acpi_build zeroes only its area). */
#define FILL 0xaa

static struct guest_mem gm;

static const struct acpi_hw pc = {
	.ncpus = 4,
	.lapic_addr = 0xfee00000,
	.ioapic_addr = 0xfec00000,
	.ioapic_id = 0,
	.pm1a_evt_port = 0x600,
	.pm1a_cnt_port = 0x604,
	.sci_irq = 9,
	.reset_port = 0xcf9,
	.reset_value = 0x06,
	.s5_slp_typ = 5,
	.century = 0x32,
};

static void setup(void)
{
	gm = fixture_ram(RAM);
	cr_assert_not_null(gm.hva);
	memset(gm.hva, FILL, RAM);
}

static void teardown(void)
{
	fixture_ram_free(&gm);
}

TestSuite(acpi, .init = setup, .fini = teardown);

static struct acpi_tables build(const struct acpi_hw *hw)
{
	struct acpi_tables t;
	int r = acpi_build(&gm, BASE, LIMIT, hw, &t);

	cr_assert_eq(r, 0, "acpi_build: %d %s", r, err_msg());
	return t;
}

static const uint8_t *at(uint64_t gpa)
{
	return gm.hva + gpa;
}

static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

/* The common header (ACPI 6.5 Table 5.4): signature, length (4), revision
 * (8), OEM ID (10), OEM table ID (16), OEM revision (24), creator (28, 32);
 * every byte of the table sums to 0. Returns the length. */
static uint32_t check_header(uint64_t gpa, const char *sig, uint8_t rev)
{
	const uint8_t *t = at(gpa);
	uint32_t len = (uint32_t)le(t + 4, 4);

	cr_assert(!memcmp(t, sig, 4), "signature of %s", sig);
	cr_assert_eq(t[8], rev, "%s revision %u", sig, t[8]);
	cr_assert_eq(sum(t, len), 0, "%s checksum", sig);
	cr_assert(!memcmp(t + 10, "VMM   ", 6));
	cr_assert(!memcmp(t + 16, "VMMACPI ", 8));
	cr_assert_eq(le(t + 24, 4), 1);
	cr_assert(!memcmp(t + 28, "VMM ", 4));
	cr_assert_eq(le(t + 32, 4), 1);
	return len;
}

Test(acpi, rsdp_revision_2_with_both_checksums)
{
	struct acpi_tables t = build(&pc);
	const uint8_t *r = at(t.rsdp);

	/* ACPI 6.5 Table 5.3 */
	cr_assert_eq(t.rsdp, BASE);
	cr_assert(!memcmp(r, "RSD PTR ", 8));
	cr_assert_eq(sum(r, 20), 0, "ACPI 1.0 checksum");
	cr_assert_eq(sum(r, 36), 0, "extended checksum");
	cr_assert(!memcmp(r + 9, "VMM   ", 6));
	cr_assert_eq(r[15], 2);
	cr_assert_eq(le(r + 16, 4), 0, "no RSDT");
	cr_assert_eq(le(r + 20, 4), 36);
	cr_assert_eq(le(r + 24, 8), t.xsdt);
}

Test(acpi, headers_lengths_and_checksums)
{
	struct acpi_tables t = build(&pc);

	cr_assert_eq(check_header(t.xsdt, "XSDT", 1), 36 + 2 * 8);
	cr_assert_eq(check_header(t.fadt, "FACP", 6), 276);
	cr_assert_eq(check_header(t.dsdt, "DSDT", 2), 36 + 14);
	cr_assert_eq(check_header(t.madt, "APIC", 6), 44 + 4 * 8 + 12 + 2 * 10 + 6);
}

Test(acpi, layout_is_aligned_ordered_and_zeroed)
{
	struct acpi_tables t = build(&pc);
	const uint64_t seq[] = { t.rsdp, t.xsdt, t.fadt, t.facs, t.dsdt, t.madt };
	const uint64_t len[] = { 36, 52, 276, 64, 50, 114 };

	cr_assert_eq(t.start, BASE);
	for (unsigned i = 0; i < 6; i++) {
		cr_assert_eq(seq[i] % 16, 0, "table %u at %#llx", i, (unsigned long long)seq[i]);
		if (i)
			cr_assert_geq(seq[i], seq[i - 1] + len[i - 1], "table %u overlaps", i);
	}
	cr_assert_eq(t.facs % 64, 0);
	cr_assert_eq(t.end, t.madt + len[5]);
	cr_assert_leq(t.end, LIMIT);
	/* The padding between tables was zeroed; RAM outside [start, end) untouched. */
	for (uint64_t a = t.xsdt + len[1]; a < t.fadt; a++)
		cr_assert_eq(*at(a), 0);
	cr_assert_eq(*at(t.start - 1), FILL);
	cr_assert_eq(*at(t.end), FILL);
}

Test(acpi, xsdt_lists_fadt_and_madt)
{
	struct acpi_tables t = build(&pc);
	const uint8_t *x = at(t.xsdt);

	cr_assert_eq(le(x + 36, 8), t.fadt);
	cr_assert_eq(le(x + 44, 8), t.madt);
}

/* A Generic Address Structure (Table 5.1) in system I/O space. */
static void check_gas(const uint8_t *g, unsigned bits, uint64_t port)
{
	cr_assert_eq(g[0], 1, "system I/O");
	cr_assert_eq(g[1], bits);
	cr_assert_eq(g[2], 0, "bit offset");
	cr_assert_eq(le(g + 4, 8), port);
}

Test(acpi, fadt_fields)
{
	struct acpi_tables t = build(&pc);
	const uint8_t *f = at(t.fadt);
	uint32_t flags = (uint32_t)le(f + 112, 4);

	/* ACPI 6.5 Table 5.9 offsets */
	cr_assert_eq(le(f + 36, 4), t.facs, "FIRMWARE_CTRL");
	cr_assert_eq(le(f + 40, 4), t.dsdt, "DSDT");
	cr_assert_eq(le(f + 132, 8), t.facs, "X_FIRMWARE_CTRL");
	cr_assert_eq(le(f + 140, 8), t.dsdt, "X_DSDT");
	cr_assert_leq(f[45], 1, "Preferred_PM_Profile");
	cr_assert_eq(le(f + 46, 2), 9, "SCI_INT");
	cr_assert_eq(le(f + 48, 4), 0, "SMI_CMD: always in ACPI mode");
	cr_assert_eq(le(f + 56, 4), 0x600, "PM1a_EVT_BLK");
	cr_assert_eq(le(f + 64, 4), 0x604, "PM1a_CNT_BLK");
	cr_assert_eq(le(f + 76, 4), 0, "no PM_TMR_BLK");
	cr_assert_eq(le(f + 80, 8), 0, "no GPE blocks");
	cr_assert_eq(f[88], 4, "PM1_EVT_LEN");
	cr_assert_eq(f[89], 2, "PM1_CNT_LEN");
	cr_assert_eq(f[91], 0, "PM_TMR_LEN");
	cr_assert_eq(f[92] | f[93], 0, "GPE lengths");
	check_gas(f + 148, 32, 0x600);
	check_gas(f + 172, 16, 0x604);
	cr_assert_eq(le(f + 208 + 4, 8), 0, "no X_PM_TMR_BLK");
	check_gas(f + 116, 8, 0xcf9);
	cr_assert_eq(f[128], 0x06, "RESET_VALUE");
	cr_assert_eq(f[131], 5, "minor version");
	cr_assert_eq(f[108], 0x32, "CENTURY: the CMOS century byte");
	/* IAPC_BOOT_ARCH (Table 5.11): LEGACY_DEVICES | 8042 | VGA Not Present. */
	cr_assert_eq(le(f + 109, 2), 0x7);
	/* Flags (Table 5.10): WBINVD, PWR_BUTTON, SLP_BUTTON, RESET_REG_SUP;
	 * not HW_REDUCED_ACPI (bit 20). */
	cr_assert_eq(flags & 1, 1);
	cr_assert_eq(flags & (3 << 4), 3 << 4);
	cr_assert_eq(flags & (1 << 10), 1 << 10);
	cr_assert_eq(flags & (1 << 20), 0);
}

Test(acpi, facs)
{
	struct acpi_tables t = build(&pc);
	const uint8_t *f = at(t.facs);

	/* ACPI 6.5 Table 5.14 */
	cr_assert(!memcmp(f, "FACS", 4));
	cr_assert_eq(le(f + 4, 4), 64);
	cr_assert_eq(f[32], 2, "version");
}

/* The DSDT's AML must be exactly Name (_S5, Package (4) {...}). */
static void check_s5(uint8_t typ, const uint8_t *aml, size_t n)
{
	struct acpi_hw hw = pc;
	struct acpi_tables t;
	const uint8_t *d;

	hw.s5_slp_typ = typ;
	t = build(&hw);
	d = at(t.dsdt);
	cr_assert_eq(le(d + 4, 4), 36 + n, "DSDT length for SLP_TYP %u", typ);
	cr_assert(!memcmp(d + 36, aml, n), "AML for SLP_TYP %u", typ);
	cr_assert_eq(sum(d, 36 + n), 0);
}

Test(acpi, dsdt_names_s5)
{
	/* NameOp '_S5_' PackageOp PkgLength NumElements(4) elements (§20.2). */
	const uint8_t s5_5[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04,
				 0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00 };
	const uint8_t s5_0[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04,
				 0x00, 0x00, 0x00, 0x00 };
	const uint8_t s5_1[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04,
				 0x01, 0x01, 0x00, 0x00 };
	const uint8_t s5_7[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04,
				 0x0a, 0x07, 0x0a, 0x07, 0x00, 0x00 };

	check_s5(5, s5_5, sizeof(s5_5));
	check_s5(0, s5_0, sizeof(s5_0));
	check_s5(1, s5_1, sizeof(s5_1));
	check_s5(7, s5_7, sizeof(s5_7));
}

/* Walk the MADT's structures (ACPI 6.5 §5.2.12) and check each for `n` CPUs. */
static void check_madt(unsigned n)
{
	struct acpi_hw hw = pc;
	struct acpi_tables t;
	const uint8_t *m, *e, *end;
	unsigned lapics = 0, ioapics = 0, isos = 0, nmis = 0;

	hw.ncpus = n;
	t = build(&hw);
	m = at(t.madt);
	end = m + check_header(t.madt, "APIC", 6);
	cr_assert_eq(le(m + 36, 4), 0xfee00000);
	cr_assert_eq(le(m + 40, 4), 1, "PCAT_COMPAT");
	for (e = m + 44; e < end; e += e[1]) {
		cr_assert_geq(e[1], 2);
		switch (e[0]) {
		case 0:
			cr_assert_eq(e[1], 8);
			cr_assert_eq(e[2], lapics, "UID");
			cr_assert_eq(e[3], lapics, "APIC ID");
			cr_assert_eq(le(e + 4, 4), 1, "enabled");
			lapics++;
			break;
		case 1:
			cr_assert_eq(e[1], 12);
			cr_assert_eq(e[2], 0);
			cr_assert_eq(le(e + 4, 4), 0xfec00000);
			cr_assert_eq(le(e + 8, 4), 0, "GSI base");
			ioapics++;
			break;
		case 2:
			cr_assert_eq(e[1], 10);
			cr_assert_eq(e[2], 0, "ISA bus");
			if (isos++ == 0) {
				cr_assert_eq(e[3], 0);
				cr_assert_eq(le(e + 4, 4), 2);
				cr_assert_eq(le(e + 8, 2), 0);
			} else {
				cr_assert_eq(e[3], 9);
				cr_assert_eq(le(e + 4, 4), 9);
				cr_assert_eq(le(e + 8, 2), 0xd, "level, active high");
			}
			break;
		case 4:
			cr_assert_eq(e[1], 6);
			cr_assert_eq(e[2], 0xff, "all processors");
			cr_assert_eq(le(e + 3, 2), 0);
			cr_assert_eq(e[5], 1, "LINT1");
			nmis++;
			break;
		default:
			cr_assert_fail("unexpected MADT type %u", e[0]);
		}
	}
	cr_assert_eq(e, end, "structures fill the table exactly");
	cr_assert_eq(lapics, n);
	cr_assert_eq(ioapics, 1);
	cr_assert_eq(isos, 2);
	cr_assert_eq(nmis, 1);
}

Test(acpi, madt_1_cpu) { check_madt(1); }
Test(acpi, madt_2_cpus) { check_madt(2); }
Test(acpi, madt_4_cpus) { check_madt(4); }
Test(acpi, madt_64_cpus) { check_madt(64); }
Test(acpi, madt_255_cpus) { check_madt(ACPI_MAX_CPUS); }

/* acpi_build must fail with -EINVAL, a message containing `word`, and leave `out` alone. */
static void expect_einval(const struct acpi_hw *hw, uint64_t base, uint64_t limit,
			  const char *word)
{
	struct acpi_tables t = { .rsdp = 0x1234 };

	err_clear();
	cr_assert_eq(acpi_build(&gm, base, limit, hw, &t), -EINVAL, "%s", word);
	cr_assert(strstr(err_msg(), word), "message '%s' lacks '%s'", err_msg(), word);
	cr_assert_eq(t.rsdp, 0x1234);
}

Test(acpi, rejects_bad_ncpus)
{
	struct acpi_hw hw = pc;

	hw.ncpus = 0;
	expect_einval(&hw, BASE, LIMIT, "ncpus 0");
	hw.ncpus = ACPI_MAX_CPUS + 1;
	expect_einval(&hw, BASE, LIMIT, "ncpus 256");
}

Test(acpi, rejects_bad_hardware_fields)
{
	struct acpi_hw hw = pc;

	hw.s5_slp_typ = 8;
	expect_einval(&hw, BASE, LIMIT, "s5_slp_typ 8");
	hw = pc;
	hw.sci_irq = 16;
	expect_einval(&hw, BASE, LIMIT, "sci_irq 16");
	hw.sci_irq = 2;
	expect_einval(&hw, BASE, LIMIT, "sci_irq 2");
	hw = pc;
	hw.lapic_addr = GiB(4);
	expect_einval(&hw, BASE, LIMIT, "lapic_addr 0x100000000");
	hw = pc;
	hw.pm1a_cnt_port = 0;
	expect_einval(&hw, BASE, LIMIT, "pm1a_cnt_port 0");
}

Test(acpi, rejects_unaligned_base)
{
	expect_einval(&pc, BASE + 8, LIMIT, "base 0xe0008");
}

Test(acpi, rejects_a_limit_too_small)
{
	struct acpi_tables t = build(&pc);
	uint64_t need = t.end;

	expect_einval(&pc, BASE, need - 1, "do not fit");
	expect_einval(&pc, BASE, BASE, "do not fit");
	expect_einval(&pc, BASE, 0, "do not fit");
	expect_einval(&pc, UINT64_MAX & ~15ULL, UINT64_MAX, "do not fit");
	cr_assert_eq(acpi_build(&gm, BASE, need, &pc, &t), 0, "an exact fit");
}

Test(acpi, rejects_tables_outside_ram)
{
	expect_einval(&pc, RAM, RAM + MiB(1), "not in guest RAM");
	expect_einval(&pc, RAM - 0x100, RAM + MiB(1), "not in guest RAM");
	expect_einval(&pc, GiB(5), GiB(6), "above 4 GiB");
}

Test(acpi, sizes_for_1_and_255_cpus)
{
	struct acpi_hw hw = pc;
	struct acpi_tables t;

	hw.ncpus = 1;
	t = build(&hw);
	cr_assert_eq(le(at(t.madt) + 4, 4), 90);
	cr_assert_eq(t.end - t.start, t.madt + 90 - BASE);
	hw.ncpus = ACPI_MAX_CPUS;
	t = build(&hw);
	cr_assert_eq(le(at(t.madt) + 4, 4), 44 + 255 * 8 + 12 + 20 + 6);
}
