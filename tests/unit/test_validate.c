/* test_validate.c: each boot-protocol violation is found and named; the default state has none. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "mmu/bits.h"
#include "mmu/err.h"
#include "tests/unit/fixtures.h"
#include "vmm/validate.h"

static struct guest_mem gm;
static struct entry_state st;
static char names[1024], last_detail[256];

static void setup(void)
{
	gm = fixture_ram(MiB(64));
	names[0] = 0;
}

static void teardown(void)
{
	fixture_ram_free(&gm);
}

TestSuite(validate, .init = setup, .fini = teardown);

static void collect(void *ctx, const char *name, const char *detail)
{
	(void)ctx;
	snprintf(last_detail, sizeof(last_detail), "%s", detail);
	strncat(names, name, sizeof(names) - strlen(names) - 2);
	strcat(names, " ");
}

static void build(enum boot_proto proto, enum paging_mode mode, bool large)
{
	struct entry_options o = { .proto = proto, .paging = mode, .large_pages = large };
	struct pt_result pt;

	cr_assert_eq(fixture_entry(&st, &o, MiB(64)), 0, "%s", err_msg());
	cr_assert_eq(entry_write(&gm, &st, 0x500, 0x7000, &pt), 0, "%s", err_msg());
}

static unsigned check(void)
{
	struct region r[] = {
		{ "kernel", 0x1000000, MiB(16) }, { "zero-page", 0x7000, 4096 },
		{ "initrd", MiB(63), MiB(1) }, { "gdt", st.cpu.gdt.base, st.cpu.gdt.limit + 1u },
	};

	names[0] = 0;
	return entry_validate(&gm, &st, r, 4, collect, NULL);
}

Test(validate, default_states_are_clean)
{
	enum paging_mode modes[] = { PAGING_OFF, PAGING_NONPAE, PAGING_PAE };

	for (size_t i = 0; i < 3; i++) {
		build(BOOT_LINUX32, modes[i], false);
		cr_assert_eq(check(), 0, "mode %zu: %s", i, names);
	}
	build(BOOT_LINUX32, PAGING_NONPAE, true);
	cr_assert_eq(check(), 0, "%s", names);
	build(BOOT_LINUX64, PAGING_LONG, false);
	cr_assert_eq(check(), 0, "%s", names);
}

static void expect(const char *name)
{
	cr_assert_geq(check(), 1);
	cr_assert_not_null(strstr(names, name), "'%s' not in '%s'", name, names);
}

Test(validate, selector_outside_gdt)
{
	build(BOOT_LINUX32, PAGING_OFF, false);
	st.cpu.ds.selector = 0x40;
	expect("selector-outside-gdt:ds");
}

Test(validate, segment_differs_from_gdt)
{
	build(BOOT_LINUX32, PAGING_OFF, false);
	st.cpu.ss.dpl = 3;
	expect("segment-differs-from-gdt:ss");
}

Test(validate, interrupts_on)
{
	build(BOOT_LINUX32, PAGING_OFF, false);
	st.cpu.rflags |= X86_RFLAGS_IF;
	expect("interrupts-enabled");
}

Test(validate, pg_without_pe)
{
	build(BOOT_LINUX32, PAGING_NONPAE, false);
	st.cpu.cr0 &= ~X86_CR0_PE;
	expect("pg-without-pe");
}

Test(validate, paging_registers_must_match_mode)
{
	build(BOOT_LINUX32, PAGING_PAE, false);
	st.cpu.cr4 = 0;
	expect("paging-mode-mismatch");
}

Test(validate, linux64_needs_long_mode)
{
	build(BOOT_LINUX64, PAGING_PAE, false);
	expect("linux64-needs-long-mode");
}

Test(validate, linux32_in_long_mode)
{
	build(BOOT_LINUX32, PAGING_LONG, false);
	expect("linux32-in-long-mode");
}

Test(validate, long_mode_needs_pae)
{
	build(BOOT_LINUX64, PAGING_LONG, false);
	st.cpu.cr4 = 0;
	expect("long-mode-needs-pae-and-lma");
}

Test(validate, region_not_mapped)
{
	build(BOOT_LINUX32, PAGING_PAE, false);
	st.paging.map_end = MiB(32);
	struct pt_result pt;
	cr_assert_eq(entry_write(&gm, &st, 0x500, 0x7000, &pt), 0);
	expect("region-not-mapped:initrd");
}

Test(validate, region_not_writable)
{
	build(BOOT_LINUX64, PAGING_LONG, false);
	uint64_t e;
	/* PD (after PML4 and PDPT) entry for the kernel at 16 MiB: clear RW. */
	memcpy(&e, gm.hva + 0x32000 + 8 * 8, 8);
	e &= ~PTE_RW;
	memcpy(gm.hva + 0x32000 + 8 * 8, &e, 8);
	expect("region-not-mapped:kernel");
}

Test(validate, pdpte_reserved_bits)
{
	build(BOOT_LINUX32, PAGING_PAE, false);
	gm.hva[0x30000] |= 0x2;
	expect("region-not-mapped:zero-page");
}

Test(validate, region_not_ram)
{
	build(BOOT_LINUX32, PAGING_OFF, false);
	st.cpu.gdt.base = MiB(64) - 8;
	expect("region-not-ram:gdt");
}

Test(validate, cs_not_code)
{
	build(BOOT_LINUX32, PAGING_OFF, false);
	st.gdt[2] = 0x00cf93000000ffffULL;
	st.cpu.cs.type = 3;
	expect("cs-not-code");
}

Test(validate, tables_overlapping_a_region)
{
	struct pt_result pt;

	build(BOOT_LINUX32, PAGING_NONPAE, false);
	st.paging.base = 0x6000; /* 17 pages reach over the zero page at 0x7000 */
	st.cpu.cr3 = 0x6000;
	cr_assert_eq(entry_write(&gm, &st, 0x500, 0x6000, &pt), 0, "%s", err_msg());
	expect("tables-overlap:zero-page");
}

Test(validate, tables_in_the_legacy_hole)
{
	struct pt_result pt;

	build(BOOT_LINUX32, PAGING_PAE, false);
	st.paging.base = 0x9f000; /* PDPT + 1 PD: across the EBDA at 0x9fc00 */
	st.cpu.cr3 = 0x9f000;
	cr_assert_eq(entry_write(&gm, &st, 0x500, 0x6000, &pt), 0, "%s", err_msg());
	expect("tables-not-ram");
}

Test(validate, tables_over_the_decompressor_trampoline)
{
	struct pt_result pt;
	struct region r = { "trampoline", 0x9d000, 0x2000 };

	build(BOOT_LINUX64, PAGING_LONG, false);
	st.paging.base = 0x9c000;
	st.cpu.cr3 = 0x9c000;
	cr_assert_eq(entry_write(&gm, &st, 0x500, 0x6000, &pt), 0, "%s", err_msg());
	names[0] = 0;
	cr_assert_geq(entry_validate(&gm, &st, &r, 1, collect, NULL), 1);
	cr_assert_not_null(strstr(names, "tables-overlap:trampoline"), "%s", names);
}

/* The walk goes on after a large page found 1:1 and writable, never past a page that is not:
 * the first bad page is named, whether 2 MiB or 4 KiB pages map the region. */
Test(validate, the_first_bad_page_is_named_with_large_and_small_pages)
{
	uint64_t e;
	uint32_t pde, pte;

	build(BOOT_LINUX64, PAGING_LONG, false);
	/* PD entry 9 (18-20 MiB; the PD follows the PML4 and the PDPT): 2 MiB further on. */
	memcpy(&e, gm.hva + 0x32000 + 9 * 8, 8);
	e += MiB(2);
	memcpy(gm.hva + 0x32000 + 9 * 8, &e, 8);
	expect("region-not-mapped:kernel");
	cr_assert_str_eq(last_detail, "kernel page 0x1200000 is not identity-mapped");

	build(BOOT_LINUX32, PAGING_NONPAE, false);
	memcpy(&pde, gm.hva + (st.cpu.cr3 & ~0xfffULL) + (0x1003000 >> 22) * 4, 4);
	memcpy(&pte, gm.hva + (pde & ~0xfffU) + ((0x1003000 >> 12) & 0x3ff) * 4, 4);
	pte &= ~(uint32_t)PTE_RW;
	memcpy(gm.hva + (pde & ~0xfffU) + ((0x1003000 >> 12) & 0x3ff) * 4, &pte, 4);
	expect("region-not-mapped:kernel");
	cr_assert_str_eq(last_detail, "kernel page 0x1003000 is read-only");
}
