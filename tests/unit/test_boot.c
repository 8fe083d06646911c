/* test_boot.c: the 32-bit entry state is derived from the GDT and follows boot.rst. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "mmu/bits.h"
#include "tests/unit/fixtures.h"
#include "vmm/boot.h"

static struct boot_cpu cpu;
static uint64_t gdt[GDT_BOOT_ENTRIES];

static void setup(void)
{
	gdt_boot_table(gdt);
	cr_assert_eq(boot_cpu_linux32(&cpu, gdt, GDT_BOOT_ENTRIES, 0x500,
				      0x1000000, 0x7000), 0);
}

TestSuite(boot, .init = setup);

/* Field by field: struct padding makes memcmp() meaningless. */
static void expect_segment(const struct segment *a, const struct segment *b)
{
	cr_assert_eq(a->base, b->base);
	cr_assert_eq(a->limit, b->limit);
	cr_assert_eq(a->selector, b->selector);
	cr_assert_eq(a->type, b->type);
	cr_assert_eq(a->present, b->present);
	cr_assert_eq(a->dpl, b->dpl);
	cr_assert_eq(a->db, b->db);
	cr_assert_eq(a->s, b->s);
	cr_assert_eq(a->l, b->l);
	cr_assert_eq(a->g, b->g);
	cr_assert_eq(a->avl, b->avl);
	cr_assert_eq(a->unusable, b->unusable);
}

Test(boot, registers)
{
	cr_assert_eq(cpu.rip, 0x1000000);
	cr_assert_eq(cpu.rsi, 0x7000, "ESI = boot_params");
	cr_assert_eq(cpu.rbx, 0);
	cr_assert_eq(cpu.rbp, 0);
	cr_assert_eq(cpu.rdi, 0);
	cr_assert_eq(cpu.rflags & (1 << 9), 0, "IF must be clear");
	cr_assert_eq(cpu.rflags, 0x2);
}

Test(boot, protected_mode_paging_off)
{
	cr_assert_eq(cpu.cr0 & 1, 1, "PE");
	cr_assert_eq(cpu.cr0 & (1u << 31), 0, "PG off");
	cr_assert_eq(cpu.cr4, 0);
	cr_assert_eq(cpu.efer, 0);
	cr_assert_eq(cpu.cr3, 0);
}

Test(boot, segments_match_gdt)
{
	struct segment cs = gdt_segment(gdt[2], 0x10);
	struct segment ds = gdt_segment(gdt[3], 0x18);

	expect_segment(&cpu.cs, &cs);
	cr_assert_eq(cpu.cs.selector, 0x10);
	cr_assert_eq(cpu.ds.selector, 0x18);
	expect_segment(&cpu.ds, &ds);
	expect_segment(&cpu.es, &ds);
	expect_segment(&cpu.ss, &ds);
	expect_segment(&cpu.fs, &ds);
	expect_segment(&cpu.gs, &ds);
	cr_assert_eq(cpu.tr.selector, 0x20);
	cr_assert_eq(cpu.tr.type, 0xb);
	cr_assert_eq(cpu.ldt.unusable, 1);
}

Test(boot, gdtr_covers_table)
{
	cr_assert_eq(cpu.gdt.base, 0x500);
	cr_assert_eq(cpu.gdt.limit, GDT_BOOT_ENTRIES * 8 - 1);
}

Test(boot, rejects_selector_outside_gdt)
{
	struct boot_cpu c;

	cr_assert_eq(boot_cpu_linux32(&c, gdt, 3, 0x500, 0, 0), -EINVAL);
}

Test(boot, gdt_written_to_memory)
{
	struct guest_mem gm = fixture_ram(KiB(8));

	cr_assert_eq(boot_gdt_write(&gm, 0x500, gdt, GDT_BOOT_ENTRIES), 0);
	cr_assert_eq(memcmp(gm.hva + 0x500, gdt, sizeof(gdt)), 0);
	cr_assert_eq(boot_gdt_write(&gm, KiB(8) - 8, gdt, GDT_BOOT_ENTRIES), -E2BIG);
	fixture_ram_free(&gm);
}
