/* test_fuzz_mutate.c: the fuzz mutator is deterministic, weighted, bounded, and edits memory only through pokes. */
#include <asm/bootparam.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "loader/memmap.h"
#include "loader/pvh.h"
#include "mmu/bits.h"
#include "mmu/err.h"
#include "tests/unit/fixtures.h"
#include "vmm/fuzz/mutate.h"
#include "vmm/validate.h"

#define SEED 0x5eedULL
#define ZP 0x7000ULL	 /* fixture_entry()'s zero page */
#define PVH_SI 0x6000ULL /* fixture_entry()'s hvm_start_info */
#define PVH_MAP 0x7000ULL

static struct guest_mem gm;
static struct entry_state base, st;
static struct fuzz_target tg;
static struct fuzz_mutation mut;

static void setup(void)
{
	gm = fixture_ram(MiB(64));
}

static void teardown(void)
{
	fixture_ram_free(&gm);
}

TestSuite(fuzz_mutate, .init = setup, .fini = teardown);

static void write_zero_page(void)
{
	struct boot_params *bp = gm_ptr(&gm, ZP, sizeof(*bp));

	memset(bp, 0, sizeof(*bp));
	bp->hdr.loadflags = LOADED_HIGH;
	bp->hdr.cmd_line_ptr = 0x20000;
	bp->e820_entries = 3;
	bp->e820_table[0] = (struct boot_e820_entry){ 0, 0x9fc00, MEMMAP_RAM };
	bp->e820_table[1] = (struct boot_e820_entry){ 0x9fc00, 0x60400, MEMMAP_RESERVED };
	bp->e820_table[2] = (struct boot_e820_entry){ 0x100000, MiB(63), MEMMAP_RAM };
}

static void write_start_info(void)
{
	struct hvm_start_info *si = gm_ptr(&gm, PVH_SI, sizeof(*si));
	struct hvm_memmap_table_entry *map = gm_ptr(&gm, PVH_MAP, 3 * sizeof(*map));

	*si = (struct hvm_start_info){ .magic = HVM_START_MAGIC, .version = HVM_START_VERSION,
				       .cmdline_paddr = 0x20000, .memmap_paddr = PVH_MAP,
				       .memmap_entries = 3 };
	map[0] = (struct hvm_memmap_table_entry){ 0, 0x9fc00, MEMMAP_RAM, 0 };
	map[1] = (struct hvm_memmap_table_entry){ 0x9fc00, 0x60400, MEMMAP_RESERVED, 0 };
	map[2] = (struct hvm_memmap_table_entry){ 0x100000, MiB(63), MEMMAP_RAM, 0 };
}

/* A valid state in `base`, its GDT, tables and boot info in `gm`, and the target. */
static void build(enum boot_proto proto, enum paging_mode mode, bool large)
{
	struct entry_options o = { .proto = proto, .paging = mode, .large_pages = large };
	struct pt_result pt;

	cr_assert_eq(fixture_entry(&base, &o, MiB(64)), 0, "%s", err_msg());
	cr_assert_eq(entry_write(&gm, &base, 0x500, 0x6000, &pt), 0, "%s", err_msg());
	if (proto == BOOT_PVH)
		write_start_info();
	else
		write_zero_page();
	tg = (struct fuzz_target){ .mem = &gm, .info = proto == BOOT_PVH ? PVH_SI : ZP,
				   .table_bytes = pt.bytes };
}

static void run(uint64_t index, enum fuzz_mode mode)
{
	st = base;
	fuzz_mutate(&st, &tg, SEED, index, mode, &mut);
}

Test(fuzz_mutate, weights_and_names)
{
	const char *names[] = { "paging", "gdt", "segment", "regs", "pte", "bootinfo" };
	unsigned sum = 0;

	for (unsigned c = 0; c < FUZZ_CLASSES; c++) {
		sum += fuzz_class_weight[c];
		cr_assert_str_eq(fuzz_class_name((enum fuzz_class)c), names[c]);
	}
	cr_assert_eq(sum, FUZZ_WEIGHT_TOTAL);
	cr_assert_str_eq(fuzz_class_name(FUZZ_SPLICE), "splice");
	cr_assert_null(fuzz_class_name(FUZZ_SPLICE + 1));
}

static unsigned calls;
static unsigned always_five(void *ctx, const struct entry_state *s)
{
	(void)ctx;
	(void)s;
	calls++;
	return 5;
}

Test(fuzz_mutate, index_zero_is_the_baseline)
{
	build(BOOT_LINUX64, PAGING_LONG, false);
	for (int m = FUZZ_NEAR; m <= FUZZ_WILD; m++) {
		memset(&mut, 0xa5, sizeof(mut));
		run(0, (enum fuzz_mode)m);
		cr_assert_eq(mut.n, 0);
		cr_assert_eq(memcmp(&st, &base, sizeof(st)), 0);
	}
	tg.violations = always_five;
	calls = 0;
	run(0, FUZZ_NEAR);
	cr_assert_eq(calls, 0, "the baseline is not validated");
	cr_assert_eq(memcmp(&st, &base, sizeof(st)), 0);
}

static void check_deterministic(enum fuzz_mode mode)
{
	static struct entry_state first;
	struct fuzz_mutation m1;

	for (uint64_t i = 1; i <= 200; i++) {
		run(i, mode);
		first = st;
		m1 = mut;
		run(i, mode);
		cr_assert_eq(memcmp(&first, &st, sizeof(st)), 0, "index %llu", (unsigned long long)i);
		cr_assert_eq(memcmp(&m1, &mut, sizeof(mut)), 0, "index %llu", (unsigned long long)i);
	}
}

Test(fuzz_mutate, same_seed_and_index_give_identical_results)
{
	build(BOOT_LINUX64, PAGING_LONG, false);
	check_deterministic(FUZZ_NEAR);
	check_deterministic(FUZZ_WILD);
	build(BOOT_PVH, PAGING_OFF, false);
	check_deterministic(FUZZ_NEAR);
	check_deterministic(FUZZ_WILD);
}

Test(fuzz_mutate, every_index_changes_the_state_and_neighbours_differ)
{
	static struct entry_state prev;
	unsigned differ = 0;

	build(BOOT_LINUX64, PAGING_LONG, false);
	for (uint64_t i = 1; i <= 200; i++) {
		run(i, FUZZ_NEAR);
		cr_assert_neq(memcmp(&st, &base, sizeof(st)), 0, "index %llu: %s unchanged",
			      (unsigned long long)i, mut.field[0]);
		differ += i > 1 && memcmp(&st, &prev, sizeof(st)) != 0;
		prev = st;
	}
	cr_assert_geq(differ, 190, "only %u of 199 neighbours differ", differ);
}

Test(fuzz_mutate, other_seeds_give_other_states)
{
	static struct entry_state a;
	unsigned differ = 0;

	build(BOOT_LINUX64, PAGING_LONG, false);
	for (uint64_t i = 1; i <= 200; i++) {
		run(i, FUZZ_NEAR);
		a = st;
		st = base;
		fuzz_mutate(&st, &tg, SEED + 1, i, FUZZ_NEAR, &mut);
		differ += memcmp(&a, &st, sizeof(st)) != 0;
	}
	cr_assert_geq(differ, 190);
}

static bool prefixed(const char *s, const char *const *prefixes)
{
	for (; *prefixes; prefixes++)
		if (!strncmp(s, *prefixes, strlen(*prefixes)))
			return true;
	return false;
}

/* Field names start with what their class touches. */
static void check_name(enum fuzz_class c, const char *name)
{
	static const char *const p[FUZZ_CLASSES][10] = {
		[FUZZ_PAGING] = { "cr0.", "cr3", "cr4.", "efer.", "paging.mode", "paging.large" },
		[FUZZ_GDT] = { "gdt." },
		[FUZZ_SEGMENT] = { "cs.", "ds.", "es.", "fs.", "gs.", "ss.", "tr.", "ldt." },
		[FUZZ_REGS] = { "rip", "rsp", "rsi", "rbx", "rflags." },
		[FUZZ_PTE] = { "pte.0x" },
		[FUZZ_BOOTINFO] = { "bootparams.", "hvm_start_info." },
	};

	cr_assert(prefixed(name, p[c]), "%s: '%s'", fuzz_class_name(c), name);
}

Test(fuzz_mutate, classes_follow_their_weights)
{
	unsigned count[FUZZ_CLASSES] = { 0 };

	build(BOOT_LINUX64, PAGING_LONG, false);
	for (uint64_t i = 1; i <= 2000; i++) {
		run(i, FUZZ_NEAR);
		cr_assert_eq(mut.n, 1);
		check_name(mut.cls[0], mut.field[0]);
		count[mut.cls[0]]++;
	}
	for (unsigned c = 0; c < FUZZ_CLASSES; c++) {
		unsigned want = fuzz_class_weight[c] * 20; /* 2000 draws */

		cr_assert(count[c] > want * 7 / 10 && count[c] < want * 13 / 10,
			  "%s: %u, want about %u", fuzz_class_name((enum fuzz_class)c), count[c], want);
	}
}

Test(fuzz_mutate, classes_that_cannot_apply_are_redrawn)
{
	unsigned count[FUZZ_CLASSES] = { 0 };

	build(BOOT_LINUX32, PAGING_OFF, false); /* no tables: no PTE mutations */
	for (uint64_t i = 1; i <= 1000; i++) {
		run(i, FUZZ_NEAR);
		cr_assert_eq(mut.n, 1);
		count[mut.cls[0]]++;
	}
	cr_assert_eq(count[FUZZ_PTE], 0);
	for (unsigned c = 0; c < FUZZ_CLASSES; c++)
		cr_assert(c == FUZZ_PTE || count[c] > 50, "%s: %u",
			  fuzz_class_name((enum fuzz_class)c), count[c]);
}

Test(fuzz_mutate, wild_makes_one_to_eight_mutations)
{
	unsigned seen[FUZZ_MAX_MUTATIONS + 1] = { 0 };

	build(BOOT_LINUX64, PAGING_LONG, false);
	for (uint64_t i = 1; i <= 1000; i++) {
		run(i, FUZZ_WILD);
		cr_assert(mut.n >= 1 && mut.n <= FUZZ_MAX_MUTATIONS, "n = %u", mut.n);
		seen[mut.n]++;
		for (unsigned k = 0; k < mut.n; k++)
			check_name(mut.cls[k], mut.field[k]);
	}
	for (unsigned n = 1; n <= FUZZ_MAX_MUTATIONS; n++)
		cr_assert_gt(seen[n], 50, "%u mutations: %u times", n, seen[n]);
}

/* A fake validator: RFLAGS.IF counts twice, CR0.PE clear once. */
static unsigned if_is_fatal(void *ctx, const struct entry_state *s)
{
	(void)ctx;
	calls++;
	return 2 * !!(s->cpu.rflags & X86_RFLAGS_IF) + !(s->cpu.cr0 & X86_CR0_PE);
}

Test(fuzz_mutate, near_keeps_to_one_violation)
{
	unsigned pe_clear = 0;

	build(BOOT_LINUX64, PAGING_LONG, false);
	tg.violations = if_is_fatal;
	calls = 0;
	for (uint64_t i = 1; i <= 2000; i++) {
		run(i, FUZZ_NEAR);
		cr_assert_eq(mut.n, 1);
		cr_assert_eq(st.cpu.rflags & X86_RFLAGS_IF, 0, "index %llu", (unsigned long long)i);
		cr_assert_str_neq(mut.field[0], "rflags.if");
		pe_clear += !(st.cpu.cr0 & X86_CR0_PE);
	}
	cr_assert_gt(calls, 2000, "redraws happened");
	cr_assert_gt(pe_clear, 0, "one violation is allowed");
}

Test(fuzz_mutate, near_keeps_the_last_candidate_after_all_tries)
{
	build(BOOT_LINUX64, PAGING_LONG, false);
	tg.violations = always_five;
	for (uint64_t i = 1; i <= 50; i++) {
		calls = 0;
		run(i, FUZZ_NEAR);
		cr_assert_eq(calls, FUZZ_NEAR_TRIES);
		cr_assert_eq(mut.n, 1);
		cr_assert_neq(memcmp(&st, &base, sizeof(st)), 0);
	}
}

static void ignore(void *ctx, const char *name, const char *detail)
{
	(void)ctx;
	(void)name;
	(void)detail;
}

static unsigned real_validate(void *ctx, const struct entry_state *s)
{
	(void)ctx;
	return entry_validate(&gm, s, NULL, 0, ignore, NULL);
}

Test(fuzz_mutate, near_with_entry_validate_stays_near)
{
	unsigned near = 0;

	build(BOOT_LINUX64, PAGING_LONG, false);
	cr_assert_eq(real_validate(NULL, &base), 0);
	tg.violations = real_validate;
	for (uint64_t i = 1; i <= 300; i++) {
		run(i, FUZZ_NEAR);
		near += real_validate(NULL, &st) <= 1;
	}
	cr_assert_geq(near, 295, "%u of 300", near);
}

static void check_ptes(void)
{
	uint64_t lo = base.paging.base, hi = lo + tg.table_bytes;
	unsigned seen = 0;

	cr_assert_gt(tg.table_bytes, 0);
	for (uint64_t i = 1; i <= 1000; i++) {
		unsigned long long entry;
		uint32_t w = base.paging.mode == PAGING_NONPAE ? 4 : 8;
		uint64_t e = 0;

		run(i, FUZZ_NEAR);
		if (mut.cls[0] != FUZZ_PTE)
			continue;
		seen++;
		cr_assert_eq(st.npokes, 1, "%s", mut.field[0]);
		cr_assert_eq(st.pokes[0].gpa % 8, 0);
		cr_assert(st.pokes[0].gpa >= lo && st.pokes[0].gpa + 8 <= hi, "%s", mut.field[0]);
		cr_assert_eq(sscanf(mut.field[0], "pte.0x%llx.", &entry), 1);
		cr_assert_eq(entry & ~7ULL, st.pokes[0].gpa);
		memcpy(&e, gm_ptr(&gm, entry, w), w);
		cr_assert(e & PTE_P, "%s: entry was not present", mut.field[0]);
		cr_assert_neq(st.pokes[0].value, *(uint64_t *)gm_ptr(&gm, st.pokes[0].gpa, 8));
	}
	cr_assert_gt(seen, 50);
}

Test(fuzz_mutate, pte_pokes_lie_in_the_tables)
{
	build(BOOT_LINUX64, PAGING_LONG, false);
	check_ptes();
	build(BOOT_LINUX32, PAGING_PAE, false);
	check_ptes();
	build(BOOT_LINUX32, PAGING_NONPAE, false);
	check_ptes();
	build(BOOT_LINUX32, PAGING_NONPAE, true);
	check_ptes();
}

/* Near-mode bootinfo pokes stay in [lo, hi) or [lo2, hi2). */
static void check_bootinfo(uint64_t lo, uint64_t hi, uint64_t lo2, uint64_t hi2)
{
	unsigned seen = 0;

	for (uint64_t i = 1; i <= 1000; i++) {
		run(i, FUZZ_NEAR);
		if (mut.cls[0] != FUZZ_BOOTINFO)
			continue;
		seen++;
		cr_assert(st.npokes == 1 || st.npokes == 2, "%s", mut.field[0]);
		for (unsigned p = 0; p < st.npokes; p++) {
			uint64_t g = st.pokes[p].gpa;

			cr_assert_eq(g % 8, 0);
			cr_assert((g >= lo && g + 8 <= hi) || (g >= lo2 && g + 8 <= hi2),
				  "%s: poke 0x%llx", mut.field[0], (unsigned long long)g);
		}
	}
	cr_assert_gt(seen, 50);
}

Test(fuzz_mutate, bootinfo_pokes_lie_in_the_boot_info)
{
	build(BOOT_LINUX64, PAGING_LONG, false);
	check_bootinfo(ZP, ZP + sizeof(struct boot_params), 0, 0);
	build(BOOT_PVH, PAGING_OFF, false);
	check_bootinfo(PVH_SI, PVH_SI + sizeof(struct hvm_start_info), PVH_MAP,
		       PVH_MAP + MEMMAP_MAX * sizeof(struct hvm_memmap_table_entry));
}

/* type, s, dpl, present, db, l, g, avl, base and the raw 20-bit limit of a descriptor. */
static void gdt_fields(uint64_t e, uint64_t v[10])
{
	struct segment s = gdt_segment(e, 0);
	const uint64_t f[10] = { s.type, s.s, s.dpl, s.present, s.db, s.l, s.g, s.avl, s.base,
				 (e & 0xffff) | ((e >> 32) & 0xf0000) };

	memcpy(v, f, sizeof(f));
}

Test(fuzz_mutate, gdt_mutations_change_one_descriptor_field)
{
	static const char *const names[10] = { "type", "s", "dpl", "present", "db", "l", "g",
					       "avl", "base", "limit" };

	build(BOOT_LINUX64, PAGING_LONG, false);
	for (uint64_t i = 1; i <= 1000; i++) {
		uint64_t a[10], b[10];
		unsigned idx, changed = 0, which = 0;
		char name[16];

		run(i, FUZZ_NEAR);
		if (mut.cls[0] != FUZZ_GDT)
			continue;
		cr_assert_eq(sscanf(mut.field[0], "gdt.%u.%15s", &idx, name), 2);
		cr_assert_lt(idx, base.gdt_n);
		cr_assert_eq(memcmp(&st.cpu, &base.cpu, sizeof(st.cpu)), 0, "registers untouched");
		for (unsigned j = 0; j < base.gdt_n; j++)
			cr_assert(j == idx || st.gdt[j] == base.gdt[j]);
		gdt_fields(base.gdt[idx], a);
		gdt_fields(st.gdt[idx], b);
		for (unsigned k = 0; k < 10; k++)
			if (a[k] != b[k])
				changed++, which = k;
		cr_assert_eq(changed, 1, "%s", mut.field[0]);
		cr_assert_str_eq(name, names[which]);
	}
}

static unsigned segment_diffs(const struct segment *a, const struct segment *b)
{
	return (a->selector != b->selector) + (a->base != b->base) + (a->limit != b->limit) +
	       (a->type != b->type) + (a->s != b->s) + (a->dpl != b->dpl) +
	       (a->present != b->present) + (a->db != b->db) + (a->l != b->l) +
	       (a->g != b->g) + (a->avl != b->avl) + (a->unusable != b->unusable);
}

Test(fuzz_mutate, segment_mutations_change_one_field_in_range)
{
	build(BOOT_LINUX64, PAGING_LONG, false);
	for (uint64_t i = 1; i <= 1000; i++) {
		const struct segment *a = &base.cpu.cs, *b = &st.cpu.cs;
		unsigned diffs = 0;

		run(i, FUZZ_NEAR);
		if (mut.cls[0] != FUZZ_SEGMENT)
			continue;
		cr_assert_eq(memcmp(base.gdt, st.gdt, sizeof(st.gdt)), 0);
		for (unsigned r = 0; r < 8; r++) { /* cs ds es fs gs ss tr ldt, in order */
			diffs += segment_diffs(&a[r], &b[r]);
			cr_assert(b[r].type <= 15 && b[r].dpl <= 3 && b[r].s <= 1 && b[r].present <= 1 &&
				  b[r].db <= 1 && b[r].l <= 1 && b[r].g <= 1 && b[r].avl <= 1 &&
				  b[r].unusable <= 1, "%s", mut.field[0]);
		}
		cr_assert_eq(diffs, 1, "%s", mut.field[0]);
	}
}

Test(fuzz_mutate, guest_memory_is_never_written)
{
	uint8_t *copy = malloc(gm.size);

	build(BOOT_LINUX64, PAGING_LONG, false);
	memcpy(copy, gm.hva, gm.size);
	/* A write would fault (and crash the test); the memcmp checks the rest. */
	cr_assert_eq(mprotect(gm.hva, gm.size, PROT_READ), 0);
	for (uint64_t i = 0; i <= 2000; i++)
		run(i, i % 2 ? FUZZ_WILD : FUZZ_NEAR);
	cr_assert_eq(mprotect(gm.hva, gm.size, PROT_READ | PROT_WRITE), 0);
	cr_assert_eq(memcmp(copy, gm.hva, gm.size), 0);
	free(copy);
}

Test(fuzz_mutate, pokes_stay_within_the_limit)
{
	build(BOOT_LINUX64, PAGING_LONG, false);
	base.npokes = ENTRY_POKES_MAX - 1; /* room for one more: a straddling field needs two */
	for (unsigned p = 0; p < base.npokes; p++)
		base.pokes[p] = (struct entry_poke){ .gpa = MiB(2) + 8 * p, .value = p };
	for (uint64_t i = 1; i <= 2000; i++) {
		run(i, FUZZ_WILD);
		cr_assert_leq(st.npokes, ENTRY_POKES_MAX);
		cr_assert_geq(mut.n, 1);
	}
}

/* Many runs per configuration, for the sanitizer build: no out-of-bounds, no overflow. */
Test(fuzz_mutate, stress_100k_runs, .timeout = 120)
{
	const struct { enum boot_proto proto; enum paging_mode mode; bool large; } cfg[] = {
		{ BOOT_LINUX64, PAGING_LONG, false }, { BOOT_LINUX32, PAGING_PAE, false },
		{ BOOT_LINUX32, PAGING_NONPAE, true }, { BOOT_PVH, PAGING_OFF, false },
	};

	for (unsigned c = 0; c < 4; c++) {
		build(cfg[c].proto, cfg[c].mode, cfg[c].large);
		for (uint64_t i = 1; i <= 25000; i++) {
			run(i, i % 4 ? FUZZ_WILD : FUZZ_NEAR);
			cr_assert_leq(st.npokes, ENTRY_POKES_MAX);
			cr_assert(mut.n >= 1 && mut.n <= FUZZ_MAX_MUTATIONS);
		}
	}
}
