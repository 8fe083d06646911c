/* test_acpi_place.c: the machine's ACPI tables: where they go, the e820 reservation, the RSDP pointers. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "devices/acpi_pm.h"
#include "devices/rtc_cmos.h"
#include "fixtures.h"
#include "loader/memmap.h"
#include "loader/pvh.h"
#include "mmu/err.h"
#include "vmm/acpi_place.h"
#include "vmm/layout.h"

static struct entry_state entry(enum boot_proto proto)
{
	struct entry_state st;

	memset(&st, 0, sizeof(st));
	st.proto = proto;
	return st;
}

static uint64_t zero_page_rsdp(const struct guest_mem *gm)
{
	const struct boot_params *bp = gm_ptr(gm, LAYOUT_ZERO_PAGE, sizeof(*bp));

	return bp->acpi_rsdp_addr;
}

Test(acpi_place, hardware_matches_the_layout_and_devices)
{
	struct acpi_hw hw;

	acpi_place_hw(&hw, 3);
	cr_assert_eq(hw.ncpus, 3);
	cr_assert_eq(hw.pm1a_evt_port, LAYOUT_PM1A_EVT_PORT);
	cr_assert_eq(hw.pm1a_cnt_port, LAYOUT_PM1A_CNT_PORT);
	cr_assert_eq(hw.sci_irq, LAYOUT_SCI_IRQ);
	cr_assert_eq(hw.reset_port, LAYOUT_RESET_PORT);
	cr_assert_eq(hw.reset_value, ACPI_RESET_VALUE);
	cr_assert_eq(hw.reset_value & ACPI_RST_CNT_RST_CPU, ACPI_RST_CNT_RST_CPU,
		     "the FADT's reset value resets");
	cr_assert_eq(hw.s5_slp_typ, LAYOUT_ACPI_S5_SLP_TYP);
	cr_assert_eq(hw.century, RTC_CENTURY, "the RTC model's century byte");
	cr_assert_eq(hw.lapic_addr, 0xfee00000ULL);
	cr_assert_eq(hw.ioapic_addr, 0xfec00000ULL);
}

/* Tables inside the reserved BIOS area of every map vmm builds (any RAM size). */
Test(acpi_place, tables_sit_in_reserved_e820_memory)
{
	const uint64_t sizes[] = { 16ULL << 20, 256ULL << 20, 5ULL << 30 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct guest_mem gm = fixture_ram(sizes[i]);
		struct entry_state st = entry(BOOT_LINUX64);
		struct memmap_entry map[MEMMAP_MAX];
		struct acpi_tables t;
		unsigned n = memmap_build(&gm, map);
		bool reserved = false;

		cr_assert_eq(acpi_place(&gm, &st, 0x020f, 4, &t), 0, "%s", err_msg());
		cr_assert_eq(t.rsdp, LAYOUT_ACPI, "RSDP first, on the search's 16-byte boundary");
		cr_assert_geq(t.start, LAYOUT_ACPI);
		cr_assert_leq(t.end, LAYOUT_ACPI_END);
		cr_assert_lt(t.start, t.end);
		for (unsigned k = 0; k < n; k++)
			reserved |= map[k].type == MEMMAP_RESERVED && map[k].addr <= t.start &&
				    t.end <= map[k].addr + map[k].size;
		cr_assert(reserved, "tables 0x%llx-0x%llx not inside a reserved entry",
			  (unsigned long long)t.start, (unsigned long long)t.end);
		cr_assert_not(memmap_ram_holds(map, n, t.start, t.end - t.start));
		cr_assert_eq(memcmp(gm_ptr(&gm, t.rsdp, 8), "RSD PTR ", 8), 0);
		fixture_ram_free(&gm);
	}
}

Test(acpi_place, boot_params_pointer_from_protocol_2_14)
{
	struct guest_mem gm = fixture_ram(64ULL << 20);
	struct entry_state st = entry(BOOT_LINUX64);
	struct acpi_tables t;

	cr_assert_eq(acpi_place(&gm, &st, 0x020e, 1, &t), 0, "%s", err_msg());
	cr_assert_eq(zero_page_rsdp(&gm), t.rsdp);
	fixture_ram_free(&gm);
}

Test(acpi_place, older_protocols_rely_on_the_rsdp_search)
{
	struct guest_mem gm = fixture_ram(64ULL << 20);
	struct entry_state st = entry(BOOT_LINUX32);
	struct acpi_tables t;

	cr_assert_eq(acpi_place(&gm, &st, 0x020d, 2, &t), 0, "%s", err_msg());
	cr_assert_eq(zero_page_rsdp(&gm), 0, "2.13 has no acpi_rsdp_addr field");
	cr_assert_eq(t.rsdp % 16, 0);
	cr_assert_geq(t.rsdp, 0xe0000);
	cr_assert_lt(t.rsdp, 0x100000);
	fixture_ram_free(&gm);
}

Test(acpi_place, pvh_start_info_pointer)
{
	struct guest_mem gm = fixture_ram(64ULL << 20);
	struct entry_state st = entry(BOOT_PVH);
	struct acpi_tables t;
	const struct hvm_start_info *si;

	cr_assert_eq(acpi_place(&gm, &st, 0, 4, &t), 0, "%s", err_msg());
	si = gm_ptr(&gm, LAYOUT_PVH_START_INFO, sizeof(*si));
	cr_assert_eq(si->rsdp_paddr, t.rsdp);
	cr_assert_eq(zero_page_rsdp(&gm), 0, "PVH has no zero page");
	fixture_ram_free(&gm);
}

Test(acpi_place, bad_cpu_count_is_an_error)
{
	struct guest_mem gm = fixture_ram(64ULL << 20);
	struct entry_state st = entry(BOOT_LINUX64);
	struct acpi_tables t;

	cr_assert_eq(acpi_place(&gm, &st, 0x020f, 0, &t), -EINVAL);
	cr_assert_eq(acpi_place(&gm, &st, 0x020f, ACPI_MAX_CPUS + 1, &t), -EINVAL);
	fixture_ram_free(&gm);
}
