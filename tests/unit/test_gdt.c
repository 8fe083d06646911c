/* test_gdt.c: descriptor golden values and the segment state decoded from them. */
#include <criterion/criterion.h>

#include "mmu/gdt.h"

Test(gdt, golden_boot_descriptors)
{
	/* Values from boot-protocol.md §3.5 (Linux's own boot GDT, accessed bit set). */
	cr_assert_eq(gdt_entry(GDT_FLAGS_CODE32, 0, 0xfffff), 0x00cf9b000000ffffULL);
	cr_assert_eq(gdt_entry(GDT_FLAGS_DATA32, 0, 0xfffff), 0x00cf93000000ffffULL);
	cr_assert_eq(gdt_entry(GDT_FLAGS_CODE64, 0, 0xfffff), 0x00af9b000000ffffULL);
	cr_assert_eq(gdt_entry(GDT_FLAGS_TSS32, 0, 0x67), 0x00008b0000000067ULL);
}

Test(gdt, base_and_limit_bits_are_split_correctly)
{
	uint64_t e = gdt_entry(0x0093, 0x12345678, 0xabcde);

	cr_assert_eq(e, 0x120a93345678bcdeULL);
	struct segment s = gdt_segment(e, 0x28);
	cr_assert_eq(s.base, 0x12345678);
	cr_assert_eq(s.limit, 0xabcde, "G=0: limit is bytes");
	cr_assert_eq(s.g, 0);
}

Test(gdt, code32_segment_state)
{
	struct segment s = gdt_segment(0x00cf9b000000ffffULL, 0x10);

	cr_assert_eq(s.selector, 0x10);
	cr_assert_eq(s.base, 0);
	cr_assert_eq(s.limit, 0xffffffffu, "G=1 scales the limit to bytes");
	cr_assert_eq(s.type, 0xb);
	cr_assert_eq(s.s, 1);
	cr_assert_eq(s.dpl, 0);
	cr_assert_eq(s.present, 1);
	cr_assert_eq(s.db, 1);
	cr_assert_eq(s.l, 0);
	cr_assert_eq(s.g, 1);
	cr_assert_eq(s.unusable, 0);
}

Test(gdt, data_and_tss_segment_state)
{
	struct segment d = gdt_segment(0x00cf93000000ffffULL, 0x18);
	struct segment t = gdt_segment(0x00008b0000000067ULL, 0x20);

	cr_assert_eq(d.type, 0x3);
	cr_assert_eq(d.db, 1);
	cr_assert_eq(d.limit, 0xffffffffu);
	cr_assert_eq(t.type, 0xb);
	cr_assert_eq(t.s, 0);
	cr_assert_eq(t.limit, 0x67);
	cr_assert_eq(t.g, 0);
	cr_assert_eq(t.present, 1);
}

Test(gdt, code64_has_l_and_not_db)
{
	struct segment s = gdt_segment(gdt_entry(GDT_FLAGS_CODE64, 0, 0xfffff), 0x10);

	cr_assert_eq(s.l, 1);
	cr_assert_eq(s.db, 0);
}

Test(gdt, null_descriptor_is_unusable)
{
	struct segment s = gdt_segment(0, 0);

	cr_assert_eq(s.present, 0);
	cr_assert_eq(s.unusable, 1);
}
