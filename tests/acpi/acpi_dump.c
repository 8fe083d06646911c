/* acpi_dump.c: writes the ACPI tables vmm builds for N vCPUs to DIR/<signature>.dat, for iasl -d. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/acpi.h"
#include "mmu/err.h"
#include "vmm/acpi_place.h"
#include "vmm/layout.h"

/* The tables exactly as vmm builds them (vmm/acpi_place.c: its hardware, at
 * LAYOUT_ACPI in the reserved BIOS area), in 1 MiB of RAM. */
#define DUMP_RAM LAYOUT_ACPI_END

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
	struct acpi_hw hw;
	struct acpi_tables t;
	struct guest_mem gm = { .size = DUMP_RAM };
	int r = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: acpi-dump DIR NCPUS\n");
		return 2;
	}
	acpi_place_hw(&hw, (unsigned)strtoul(argv[2], NULL, 0));
	gm.hva = calloc(1, DUMP_RAM);
	if (!gm.hva)
		return 1;
	if (acpi_build(&gm, LAYOUT_ACPI, LAYOUT_ACPI_END, &hw, &t) < 0) {
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
