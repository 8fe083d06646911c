/* test_pagetable.c: a walker translates through the built tables for every mode. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "mmu/bits.h"
#include "mmu/err.h"
#include "mmu/pagetable.h"
#include "tests/unit/fixtures.h"

#define BASE 0x9000
#define LIMIT 0x94000

static struct guest_mem gm;

static void setup(void)
{
	gm = fixture_ram(MiB(64));
}

static void teardown(void)
{
	fixture_ram_free(&gm);
}

TestSuite(pagetable, .init = setup, .fini = teardown);

static struct pt_result build(enum paging_mode m, bool large, uint64_t map_end)
{
	struct pt_spec s = { .mode = m, .large = large, .base = BASE,
			     .limit = LIMIT, .map_end = map_end };
	struct pt_result r;

	cr_assert_eq(pt_build(&gm, &s, &r), 0, "%s", err_msg());
	cr_assert_eq(r.cr3, BASE);
	return r;
}

static void expect_identity(enum paging_mode m, bool pse, uint64_t cr3,
			    uint64_t va, uint64_t page)
{
	struct pt_walk w;

	cr_assert_eq(pt_translate(&gm, m, pse, cr3, va, &w), 0,
		     "va 0x%llx: %s", (unsigned long long)va, err_msg());
	cr_assert_eq(w.pa, va, "va 0x%llx -> 0x%llx", (unsigned long long)va,
		     (unsigned long long)w.pa);
	cr_assert_eq(w.page_size, page);
	cr_assert(w.writable);
	cr_assert(w.executable);
}

static void expect_unmapped(enum paging_mode m, bool pse, uint64_t cr3, uint64_t va)
{
	struct pt_walk w;

	cr_assert_eq(pt_translate(&gm, m, pse, cr3, va, &w), -EFAULT,
		     "va 0x%llx should be unmapped", (unsigned long long)va);
}

/* First byte, end of the first 4 KiB, page boundaries, last mapped byte, first unmapped. */
static void check_mode(enum paging_mode m, bool large, bool pse, uint64_t end,
		       uint64_t page)
{
	struct pt_result r = build(m, large, end);
	uint64_t probes[] = { 0, 0xfff, 0x1000, page - 1, page, MiB(2), MiB(2) + 1,
			      MiB(4) - 1, MiB(4), end - page, end - 1 };

	cr_assert_eq(r.mapped, end);
	cr_assert_eq(r.page_size, page);
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		expect_identity(m, pse, r.cr3, probes[i], page);
	expect_unmapped(m, pse, r.cr3, end);
	expect_unmapped(m, pse, r.cr3, end + page);
}

Test(pagetable, nonpae_4k)
{
	check_mode(PAGING_NONPAE, false, false, MiB(24), KiB(4));
}

Test(pagetable, nonpae_4k_with_pse_enabled_is_the_same)
{
	check_mode(PAGING_NONPAE, false, true, MiB(24), KiB(4));
}

Test(pagetable, nonpae_4m_pse)
{
	check_mode(PAGING_NONPAE, true, true, MiB(24), MiB(4));
}

Test(pagetable, nonpae_4m_without_cr4_pse_is_misread)
{
	/* The reason 4 KiB is the default: with CR4.PSE clear, a 4 MiB PDE is
	 * read as a page-table pointer (to physical 0) and 1:1 is lost. */
	struct pt_result r = build(PAGING_NONPAE, true, MiB(24));
	struct pt_walk w;

	int rc = pt_translate(&gm, PAGING_NONPAE, false, r.cr3, MiB(5), &w);

	cr_assert(rc != 0 || w.pa != MiB(5), "4 MiB page survived CR4.PSE=0");
}

Test(pagetable, pae_2m)
{
	check_mode(PAGING_PAE, false, false, MiB(48), MiB(2));
}

Test(pagetable, long_2m)
{
	check_mode(PAGING_LONG, false, false, MiB(48), MiB(2));
}

/* 5-level paging: a PML5 page right below vmm's 4-level tables, its entry 0 leading to them. */
Test(pagetable, la57_walks_a_pml5_above_the_4_level_tables)
{
	struct pt_result r = build(PAGING_LONG, false, MiB(48));
	uint64_t pml5 = BASE - 0x1000, *e = (uint64_t *)(gm.hva + pml5);
	struct pt_walk w;

	*e = r.cr3 | PTE_P | PTE_RW;
	cr_assert_eq(pt_translate_la57(&gm, pml5, MiB(5) + 0x123, &w), 0, "%s", err_msg());
	cr_assert_eq(w.pa, MiB(5) + 0x123);
	cr_assert_eq(w.page_size, MiB(2));
	cr_assert(w.writable);
	/* Bit 48 picks PML5 entry 1 (absent); 4-level paging calls the address non-canonical. */
	cr_assert_eq(pt_translate_la57(&gm, pml5, 1ULL << 48, &w), -EFAULT);
	cr_assert_eq(pt_translate_la57(&gm, pml5, 1ULL << 56, &w), -EFAULT, "not canonical for 57 bits");
	*e &= ~PTE_RW;
	cr_assert_eq(pt_translate_la57(&gm, pml5, MiB(5), &w), 0);
	cr_assert_not(w.writable, "a read-only PML5 entry makes the page read-only");
	*e = 0;
	cr_assert_eq(pt_translate_la57(&gm, pml5, MiB(5), &w), -EFAULT);
}

Test(pagetable, unaligned_end_rounds_up_to_page)
{
	struct pt_result r = build(PAGING_LONG, false, MiB(3) + 1);

	cr_assert_eq(r.mapped, MiB(4));
	expect_identity(PAGING_LONG, false, r.cr3, MiB(4) - 1, MiB(2));
	expect_unmapped(PAGING_LONG, false, r.cr3, MiB(4));
}

Test(pagetable, pae_pdptes_have_no_reserved_bits)
{
	struct pt_result r = build(PAGING_PAE, false, GiB(3));
	uint64_t e;

	for (int k = 0; k < 3; k++) {
		memcpy(&e, gm.hva + r.cr3 + k * 8, 8);
		cr_assert_eq(e & PTE_P, PTE_P);
		cr_assert_eq(e & PDPTE_RESERVED, 0, "PDPTE %d = 0x%llx", k,
			     (unsigned long long)e);
		cr_assert_eq(e & ~(PTE_ADDR_MASK | PTE_P), 0);
	}
	memcpy(&e, gm.hva + r.cr3 + 24, 8);
	cr_assert_eq(e, 0, "4th GiB not mapped");
}

Test(pagetable, walker_rejects_pdpte_reserved_bits)
{
	struct pt_result r = build(PAGING_PAE, false, MiB(8));
	struct pt_walk w;

	gm.hva[r.cr3] |= PTE_RW; /* bit 1 is reserved in a PDPTE */
	cr_assert_eq(pt_translate(&gm, PAGING_PAE, false, r.cr3, 0, &w), -EINVAL);
}

Test(pagetable, pae_and_long_span_gigabytes)
{
	/* Table memory lives in the 64 MiB buffer; the mapping may cover more. */
	struct pt_result r = build(PAGING_LONG, false, GiB(3));

	cr_assert_eq(r.bytes, 5 * 4096);
	expect_identity(PAGING_LONG, false, r.cr3, GiB(3) - 1, MiB(2));
	expect_identity(PAGING_LONG, false, r.cr3, GiB(1), MiB(2));
	expect_unmapped(PAGING_LONG, false, r.cr3, GiB(3));
	r = build(PAGING_PAE, false, GiB(4));
	expect_identity(PAGING_PAE, false, r.cr3, GiB(4) - 1, MiB(2));
}

Test(pagetable, sizes)
{
	struct pt_spec s = { .mode = PAGING_NONPAE, .map_end = MiB(256) };
	uint64_t b;

	cr_assert(pt_size(&s, &b));
	cr_assert_eq(b, 4096 * 65);
	s.large = true;
	cr_assert(pt_size(&s, &b));
	cr_assert_eq(b, 4096);
	s.mode = PAGING_OFF;
	cr_assert(pt_size(&s, &b));
	cr_assert_eq(b, 0);
	s.mode = PAGING_PAE;
	s.map_end = GiB(4) + 1;
	cr_assert_not(pt_size(&s, &b), "PAE cannot map past 4 GiB");
}

Test(pagetable, rejects_tables_bigger_than_area)
{
	struct pt_spec s = { .mode = PAGING_NONPAE, .base = BASE, .limit = 8192,
			     .map_end = MiB(8) + 1 };
	struct pt_result r;

	cr_assert_eq(pt_build(&gm, &s, &r), -E2BIG);
	cr_assert_not_null(strstr(err_msg(), "need 16 KiB"), "%s", err_msg());
}

Test(pagetable, rejects_tables_outside_ram)
{
	struct pt_spec s = { .mode = PAGING_LONG, .base = MiB(64) - 4096,
			     .limit = MiB(1), .map_end = MiB(8) };
	struct pt_result r;

	cr_assert_eq(pt_build(&gm, &s, &r), -E2BIG);
}

Test(pagetable, rejects_unmappable_end_and_unaligned_base)
{
	struct pt_spec s = { .mode = PAGING_NONPAE, .base = BASE, .limit = LIMIT,
			     .map_end = GiB(5) };
	struct pt_result r;

	cr_assert_eq(pt_build(&gm, &s, &r), -E2BIG);
	s.map_end = MiB(8);
	s.base = BASE + 8;
	cr_assert_eq(pt_build(&gm, &s, &r), -EINVAL);
}

Test(pagetable, paging_off_builds_nothing)
{
	struct pt_spec s = { .mode = PAGING_OFF, .base = BASE, .limit = LIMIT,
			     .map_end = MiB(8) };
	struct pt_result r;
	struct pt_walk w;

	cr_assert_eq(pt_build(&gm, &s, &r), 0);
	cr_assert_eq(r.bytes, 0);
	cr_assert_eq(gm.hva[BASE], 0);
	cr_assert_eq(pt_translate(&gm, PAGING_OFF, false, 0, 0x123456, &w), 0);
	cr_assert_eq(w.pa, 0x123456);
	cr_assert_str_eq(paging_mode_name(PAGING_PAE), "pae");
}

/* 32-bit CR3 and 32-bit non-PAE entries: nonpae and PAE tables must lie below
 * 4 GiB (found by tests/fuzz/fuzz_pagetable.c: tables at 4 GiB were built with
 * truncated addresses). Long mode has no such limit. */
Test(pagetable, nonpae_and_pae_tables_must_lie_below_4g)
{
	struct pt_spec s = { .mode = PAGING_NONPAE, .base = GiB(4), .limit = MiB(1),
			     .map_end = MiB(16) };
	struct pt_result r;

	cr_assert_eq(pt_build(&gm, &s, &r), -E2BIG);
	cr_assert_not_null(strstr(err_msg(), "must lie below 4 GiB"), "%s", err_msg());
	s.mode = PAGING_PAE;
	s.base = GiB(4) - 4096; /* the PDPT fits, the directories behind it do not */
	cr_assert_eq(pt_build(&gm, &s, &r), -E2BIG);
	cr_assert_not_null(strstr(err_msg(), "must lie below 4 GiB"), "%s", err_msg());
	s.mode = PAGING_LONG;
	s.base = GiB(4);
	cr_assert_eq(pt_build(&gm, &s, &r), -E2BIG, "not RAM in this 64 MiB fixture");
	cr_assert_null(strstr(err_msg(), "below 4 GiB"), "%s", err_msg());
}
