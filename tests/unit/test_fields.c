/* test_fields.c: a state's changed fields against the valid state, re-applied by subsets, printed in one line, and spliced. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/bits.h"
#include "mmu/err.h"
#include "tests/unit/fixtures.h"
#include "vmm/fuzz/fields.h"
#include "vmm/fuzz/mutate.h"

static struct entry_state valid, st, out;
static struct field_list l;

static void setup(void)
{
	struct entry_options o = { .proto = BOOT_LINUX64, .paging = PAGING_LONG };

	cr_assert_eq(fixture_entry(&valid, &o, MiB(64)), 0, "%s", err_msg());
	st = valid;
}

TestSuite(fields, .init = setup);

Test(fields, diff_lists_changed_keys_in_dump_order)
{
	st.cpu.cr4 ^= 0x20;
	st.gdt[2] ^= 1ULL << 53;
	st.pokes[st.npokes++] = (struct entry_poke){ .gpa = 0x7000, .value = 5 };
	cr_assert_eq(fields_diff(&valid, &st, &l), 0, "%s", err_msg());
	cr_assert_eq(l.n, 3);
	cr_assert_str_eq(l.c[0].key, "cr4.pae", "a flag register: one change per bit");
	cr_assert_str_eq(l.c[0].from, "1");
	cr_assert_str_eq(l.c[1].key, "gdt.2");
	cr_assert_str_eq(l.c[2].key, "poke.0x7000");
	cr_assert_str_eq(l.c[2].from, "-");
	cr_assert_str_eq(l.c[2].to, "0x5");
	cr_assert_eq(fields_diff(&valid, &valid, &l), 0);
	cr_assert_eq(l.n, 0);
}

Test(fields, apply_subsets)
{
	bool keep[3] = { false, true, false };

	st.cpu.cr4 ^= 0x20;
	st.gdt[2] ^= 1ULL << 53;
	st.cpu.rip = 0x1234;
	cr_assert_eq(fields_diff(&valid, &st, &l), 0);
	cr_assert_eq(fields_apply(&valid, &l, NULL, &out), 0, "%s", err_msg());
	cr_assert(!memcmp(&out.cpu, &st.cpu, sizeof(st.cpu)) && out.gdt[2] == st.gdt[2]);
	cr_assert_eq(fields_apply(&valid, &l, keep, &out), 0);
	cr_assert_eq(out.cpu.rip, valid.cpu.rip);
	cr_assert_eq(out.cpu.cr4, st.cpu.cr4, "cr4 is after rip in the dump: index 1");
	cr_assert_eq(out.gdt[2], valid.gdt[2]);
}

Test(fields, print_one_line)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	st.cpu.cr4 &= ~0x20ULL;
	st.cpu.rflags |= 1ULL << 17;
	cr_assert_eq(fields_diff(&valid, &st, &l), 0);
	fields_print(f, &l, NULL);
	fclose(f);
	cr_assert_str_eq(text, "2 fields: rflags.vm 0->1, cr4.pae 1->0");
	free(text);
}

Test(fields, splice_takes_fields_of_the_other)
{
	struct entry_state other = valid;
	struct fuzz_mutation mut = { 0 };
	uint64_t rng = 3;

	other.cpu.cr0 ^= 1;
	other.cpu.rip = 0x42;
	st.cpu.rsp = 0x99;
	cr_assert_gt(fuzz_splice(&st, &valid, &other, &rng, &mut), 0);
	cr_assert_eq(st.cpu.rsp, 0x99, "its own change stays");
	cr_assert(st.cpu.cr0 == other.cpu.cr0 || st.cpu.rip == 0x42);
	cr_assert_eq(mut.cls[0], FUZZ_SPLICE);
	cr_assert(!strncmp(mut.field[0], "splice.", 7), "%s", mut.field[0]);
	cr_assert_eq(fuzz_splice(&st, &valid, &valid, &rng, &mut), 0, "nothing to take");
}

Test(fields, register_bits_apply_one_by_one)
{
	bool keep[2] = { false, true };

	st.cpu.cr0 ^= 0x80000001ULL; /* pg and pe */
	cr_assert_eq(fields_diff(&valid, &st, &l), 0);
	cr_assert_eq(l.n, 2);
	cr_assert_str_eq(l.c[0].key, "cr0.pe");
	cr_assert_str_eq(l.c[1].key, "cr0.pg");
	cr_assert_eq(fields_apply(&valid, &l, keep, &out), 0);
	cr_assert_eq(out.cpu.cr0, valid.cpu.cr0 ^ 0x80000000ULL);
	cr_assert_eq(fields_apply(&valid, &l, NULL, &out), 0);
	cr_assert_eq(out.cpu.cr0, st.cpu.cr0);
}

/* A list is reused (the minimizer's and the splice's are static): a slot that held a flag bit
 * ("cr0.pg") and now holds a whole key ("cr3") must be applied as that key. Before, the slot
 * kept its register and mask, so "cr3 0x2f000" cleared CR0.PG and left CR3 alone: in a
 * campaign, --minimize-repros found most repros "do not give their signature again". */
Test(fields, a_reused_list_applies_a_key_where_a_flag_bit_was)
{
	struct entry_state first = valid;

	first.cpu.cr0 &= ~(1ULL << 31);
	cr_assert_eq(fields_diff(&valid, &first, &l), 0, "%s", err_msg());
	cr_assert_str_eq(l.c[0].key, "cr0.pg");
	st.cpu.cr3 = 0x2f000;
	cr_assert_eq(fields_diff(&valid, &st, &l), 0, "%s", err_msg());
	cr_assert_eq(l.n, 1);
	cr_assert_str_eq(l.c[0].key, "cr3");
	cr_assert_eq(fields_apply(&valid, &l, NULL, &out), 0, "%s", err_msg());
	cr_assert_eq(out.cpu.cr3, 0x2f000, "cr3 0x%llx", (unsigned long long)out.cpu.cr3);
	cr_assert_eq(out.cpu.cr0, valid.cpu.cr0, "cr0 0x%llx", (unsigned long long)out.cpu.cr0);
	cr_assert_eq(memcmp(&out, &st, sizeof(out)), 0, "the state itself again");
}
