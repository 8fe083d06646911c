/* test_boot.c: the entry state: boot GDT golden values, segments derived from it, registers per mode. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "mmu/bits.h"
#include "mmu/err.h"
#include "tests/unit/fixtures.h"
#include "vmm/boot.h"

static struct entry_state st;

static int build(enum boot_proto proto, enum paging_mode paging, bool large,
		 uint16_t cs, uint16_t ds)
{
	struct entry_options o = { .proto = proto, .paging = paging,
				   .large_pages = large, .cs = cs, .ds = ds };

	return fixture_entry(&st, &o, MiB(256));
}

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

Test(boot, default_gdt_golden_values)
{
	cr_assert_eq(build(BOOT_LINUX32, PAGING_OFF, false, 0, 0), 0, "%s", err_msg());
	cr_assert_eq(st.gdt_n, 5);
	cr_assert_eq(st.gdt[0], 0);
	cr_assert_eq(st.gdt[1], 0);
	cr_assert_eq(st.gdt[2], 0x00cf9b000000ffffULL, "__BOOT_CS flat code32");
	cr_assert_eq(st.gdt[3], 0x00cf93000000ffffULL, "__BOOT_DS flat data");
	cr_assert_eq(st.gdt[4], 0x00008b0000000067ULL, "busy TSS");
	cr_assert_eq(st.cpu.gdt.base, 0x500);
	cr_assert_eq(st.cpu.gdt.limit, 0x27);
}

Test(boot, linux32_registers)
{
	cr_assert_eq(build(BOOT_LINUX32, PAGING_OFF, false, 0, 0), 0);
	cr_assert_eq(st.cpu.rip, 0x1000000);
	cr_assert_eq(st.cpu.rsi, 0x7000, "ESI = boot_params");
	cr_assert_eq(st.cpu.rbx | st.cpu.rbp | st.cpu.rdi, 0);
	cr_assert_eq(st.cpu.rflags, 0x2, "IF clear, bit 1 set");
	cr_assert_eq(st.cpu.cr0, 0x11, "PE|ET, paging off");
	cr_assert_eq(st.cpu.cr4 | st.cpu.efer | st.cpu.cr3, 0);
	cr_assert_eq(st.cpu.rsp, 0x8ff0);
}

Test(boot, segments_match_gdt)
{
	cr_assert_eq(build(BOOT_LINUX32, PAGING_OFF, false, 0, 0), 0);
	struct segment cs = gdt_segment(st.gdt[2], 0x10), ds = gdt_segment(st.gdt[3], 0x18);

	expect_segment(&st.cpu.cs, &cs);
	expect_segment(&st.cpu.ds, &ds);
	expect_segment(&st.cpu.es, &ds);
	expect_segment(&st.cpu.fs, &ds);
	expect_segment(&st.cpu.gs, &ds);
	expect_segment(&st.cpu.ss, &ds);
	cr_assert_eq(st.cpu.cs.limit, 0xffffffffu);
	cr_assert_eq(st.cpu.tr.selector, 0x20);
	cr_assert_eq(st.cpu.tr.type, 0xb);
	cr_assert_eq(st.cpu.ldt.unusable, 1);
}

Test(boot, linux64_long_mode)
{
	cr_assert_eq(build(BOOT_LINUX64, PAGING_LONG, false, 0, 0), 0);
	cr_assert_eq(st.cpu.rip, 0x1000200, "64-bit entry = load + 0x200");
	cr_assert_eq(st.cpu.rsi, 0x7000);
	cr_assert_eq(st.gdt[2], 0x00af9b000000ffffULL, "64-bit code");
	cr_assert_eq(st.cpu.cs.l, 1);
	cr_assert_eq(st.cpu.cs.db, 0);
	cr_assert_eq(st.cpu.cr0, 0x80000011ULL);
	cr_assert_eq(st.cpu.cr4, 0x20, "PAE");
	cr_assert_eq(st.cpu.efer, 0x500, "LME|LMA");
	cr_assert_eq(st.cpu.cr3, 0x30000);
}

Test(boot, paging_registers_per_mode)
{
	cr_assert_eq(build(BOOT_LINUX32, PAGING_NONPAE, false, 0, 0), 0);
	cr_assert_eq(st.cpu.cr0, 0x80000011ULL);
	cr_assert_eq(st.cpu.cr4, 0, "4 KiB pages need no PSE");
	cr_assert_eq(st.cpu.cr3, 0x30000);
	cr_assert_eq(build(BOOT_LINUX32, PAGING_NONPAE, true, 0, 0), 0);
	cr_assert_eq(st.cpu.cr4, 0x10, "PSE for 4 MiB pages");
	cr_assert_eq(build(BOOT_LINUX32, PAGING_PAE, false, 0, 0), 0);
	cr_assert_eq(st.cpu.cr4, 0x20);
	cr_assert_eq(st.cpu.efer, 0);
	cr_assert_eq(st.gdt[2], 0x00cf9b000000ffffULL, "still 32-bit code");
}

Test(boot, custom_selectors_move_descriptors)
{
	cr_assert_eq(build(BOOT_LINUX32, PAGING_OFF, false, 0x28, 0x08), 0, "%s", err_msg());
	cr_assert_eq(st.gdt[5], 0x00cf9b000000ffffULL);
	cr_assert_eq(st.gdt[1], 0x00cf93000000ffffULL);
	cr_assert_eq(st.gdt[6], 0x00008b0000000067ULL, "TSS after the highest");
	cr_assert_eq(st.cpu.cs.selector, 0x28);
	cr_assert_eq(st.cpu.ss.selector, 0x08);
	cr_assert_eq(st.cpu.gdt.limit, 7 * 8 - 1);
}

Test(boot, rejects_bad_selectors)
{
	cr_assert_eq(build(BOOT_LINUX32, PAGING_OFF, false, 0x13, 0), -EINVAL);
	cr_assert_not_null(strstr(err_msg(), "code selector 0x13"), "%s", err_msg());
	cr_assert_eq(build(BOOT_LINUX32, PAGING_OFF, false, 0x18, 0x18), -EINVAL);
	cr_assert_eq(build(BOOT_LINUX32, PAGING_OFF, false, 0, 0xfff8), -EINVAL);
}

Test(boot, resolve_paging_auto)
{
	struct entry_options o = { .proto = BOOT_LINUX64, .paging_auto = true };

	entry_resolve_paging(&o);
	cr_assert_eq(o.paging, PAGING_LONG);
	o = (struct entry_options){ .proto = BOOT_ELF, .paging_auto = true };
	entry_resolve_paging(&o);
	cr_assert_eq(o.paging, PAGING_LONG);
	o = (struct entry_options){ .proto = BOOT_PVH, .paging_auto = true };
	entry_resolve_paging(&o);
	cr_assert_eq(o.paging, PAGING_OFF);
	o = (struct entry_options){ .proto = BOOT_LINUX32, .paging = PAGING_PAE };
	entry_resolve_paging(&o);
	cr_assert_eq(o.paging, PAGING_PAE, "explicit modes stay");
}

Test(boot, pvh_state)
{
	cr_assert_eq(build(BOOT_PVH, PAGING_OFF, false, 0, 0), 0);
	cr_assert_eq(st.cpu.rbx, 0x6000, "EBX = hvm_start_info");
	cr_assert_eq(st.cpu.rsi, 0);
	cr_assert_eq(st.cpu.cr0, 0x11);
	cr_assert_eq(st.cpu.cr4, 0);
	cr_assert_eq(st.cpu.cs.db, 1);
	cr_assert_eq(st.cpu.tr.type, 0xb);
}

Test(boot, elf_state_is_64bit)
{
	cr_assert_eq(build(BOOT_ELF, PAGING_LONG, false, 0, 0), 0);
	cr_assert_eq(st.cpu.cs.l, 1);
	cr_assert_eq(st.cpu.rsi, 0x7000);
	cr_assert_eq(st.cpu.efer, 0x500);
}

Test(boot, proto_names)
{
	enum boot_proto p;

	cr_assert_str_eq(boot_proto_name(BOOT_PVH), "pvh");
	cr_assert_eq(boot_proto_parse("elf", &p), 0);
	cr_assert_eq(p, BOOT_ELF);
	cr_assert_eq(boot_proto_parse("linux16", &p), -EINVAL);
	cr_assert(boot_proto_is64(BOOT_LINUX64));
	cr_assert_not(boot_proto_is64(BOOT_PVH));
	cr_assert_str_eq(boot_proto_name(BOOT_ELF32), "elf32");
	cr_assert_eq(boot_proto_parse("elf32", &p), 0);
	cr_assert_eq(p, BOOT_ELF32);
	cr_assert_not(boot_proto_is64(BOOT_ELF32), "an i386 vmlinux enters in protected mode");
	cr_assert_null(boot_proto_name((enum boot_proto)(BOOT_ELF32 + 1)));
}

Test(boot, which_protocols_load_an_elf_image)
{
	cr_assert(boot_proto_loads_elf(BOOT_ELF));
	cr_assert(boot_proto_loads_elf(BOOT_ELF32));
	cr_assert(boot_proto_loads_elf(BOOT_PVH));
	cr_assert_not(boot_proto_loads_elf(BOOT_LINUX32));
	cr_assert_not(boot_proto_loads_elf(BOOT_LINUX64));
}

Test(boot, elf32_entry_is_32bit_with_paging_off_by_default)
{
	struct entry_options o = { .proto = BOOT_ELF32, .paging_auto = true };

	entry_resolve_paging(&o);
	cr_assert_eq(o.paging, PAGING_OFF);
}

Test(boot, write_puts_gdt_and_tables_in_memory)
{
	struct guest_mem gm = fixture_ram(MiB(256));
	struct pt_result pt;
	uint64_t e;

	cr_assert_eq(build(BOOT_LINUX64, PAGING_LONG, false, 0, 0), 0);
	cr_assert_eq(entry_write(&gm, &st, 0x500, 0x7000, &pt), 0, "%s", err_msg());
	memcpy(&e, gm.hva + 0x500 + 0x10, 8);
	cr_assert_eq(e, 0x00af9b000000ffffULL);
	cr_assert_eq(pt.cr3, 0x30000);
	cr_assert_eq(pt.mapped, MiB(256));
	st.cpu.gdt.base = 0x6ff0;
	st.cpu.gdt.base = 0x5ff0;
	cr_assert_eq(entry_write(&gm, &st, 0x500, 0x6000, &pt), -E2BIG, "GDT leaves its area");
	fixture_ram_free(&gm);
}

Test(boot, pokes_write_little_endian_and_refuse_non_ram)
{
	struct guest_mem gm = fixture_ram(MiB(4));
	uint8_t *p;

	cr_assert_eq(build(BOOT_LINUX64, PAGING_LONG, false, 0, 0), 0);
	st.npokes = 1;
	st.pokes[0] = (struct entry_poke){ .gpa = 0x2000, .value = 0x1122334455667788ULL };
	cr_assert_eq(entry_poke(&gm, &st), 0, "%s", err_msg());
	p = gm_ptr(&gm, 0x2000, 8);
	cr_assert_eq(p[0], 0x88);
	cr_assert_eq(p[7], 0x11);
	st.pokes[0].gpa = MiB(4) - 4;
	cr_assert_eq(entry_poke(&gm, &st), -EINVAL, "a poke that ends past RAM");
	cr_assert_not_null(strstr(err_msg(), "poke.0x3ffffc"), "%s", err_msg());
	fixture_ram_free(&gm);
}
