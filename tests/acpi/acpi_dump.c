/* acpi_dump.c: writes the ACPI tables acpi_build() makes for N vCPUs to DIR/<signature>.dat, for iasl -d. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/acpi.h"
#include "mmu/err.h"

/* Where and what: the tables in the BIOS area as vmm puts them (vmm/layout.h),
 * for the fixed hardware QEMU's PCs have. */
#define DUMP_RAM 0x100000u
#define DUMP_BASE 0xe0000u
#define DUMP_LIMIT 0x100000u

static const struct acpi_hw dump_hw = {
	.lapic_addr = 0xfee00000,
	.ioapic_addr = 0xfec00000,
	.ioapic_id = 0,
	.pm1a_evt_port = 0x600,
	.pm1a_cnt_port = 0x604,
	.sci_irq = 9,
	.reset_port = 0xcf9,
	.reset_value = 0x06,
	.s5_slp_typ = 5,
};

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* Write the table at guest address `gpa` to DIR/NAME.dat: `name` is its
 * signature in lower case, its length the header's (offset 4), or the RSDP's
 * Length field (offset 20, ACPI 6.5 Table 5.3). */
static int dump(const struct guest_mem *gm, const char *dir, uint64_t gpa, int rsdp)
{
	const uint8_t *t = gm->hva + gpa;
	uint32_t len = rsdp ? le32(t + 20) : le32(t + 4);
	char path[4096], name[5] = "rsdp";
	FILE *f;

	if (!rsdp)
		for (int i = 0; i < 4; i++)
			name[i] = (char)tolower(t[i]);
	snprintf(path, sizeof(path), "%s/%s.dat", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(t, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "acpi-dump: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct acpi_hw hw = dump_hw;
	struct acpi_tables t;
	struct guest_mem gm = { .size = DUMP_RAM };
	int r = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: acpi-dump DIR NCPUS\n");
		return 2;
	}
	hw.ncpus = (unsigned)strtoul(argv[2], NULL, 0);
	gm.hva = calloc(1, DUMP_RAM);
	if (!gm.hva)
		return 1;
	if (acpi_build(&gm, DUMP_BASE, DUMP_LIMIT, &hw, &t) < 0) {
		fprintf(stderr, "acpi-dump: %s\n", err_msg());
		free(gm.hva);
		return 1;
	}
	const uint64_t tables[] = { t.xsdt, t.fadt, t.facs, t.dsdt, t.madt };

	r |= dump(&gm, argv[1], t.rsdp, 1);
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		r |= dump(&gm, argv[1], tables[i], 0);
	free(gm.hva);
	return r ? 1 : 0;
}
