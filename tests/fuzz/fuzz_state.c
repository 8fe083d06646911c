/* fuzz_state.c: libFuzzer target: an --entry-state file through state_parse(), the print/parse round trip, and entry_write()/validation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/bits.h"
#include "tests/fuzz/fuzz_util.h"
#include "vmm/layout.h"
#include "vmm/load.h"
#include "vmm/state.h"
#include "vmm/validate.h"

#define RAM_SIZE MiB(64)
/* Where vmm puts a bzImage with pref_address 16 MiB and init_size 32 MiB. */
#define KERNEL_LOAD MiB(16)
#define KERNEL_END MiB(48)

/* entry-state structs hold a 23 KiB GDT: static, not on the stack. */
static struct entry_state base, st, again;

/* vmm's default for a 64-bit bzImage: what a state file is applied to. */
static void make_base(void)
{
	struct entry_options o = { .proto = BOOT_LINUX64, .paging = PAGING_LONG };
	struct entry_addrs a = {
		.rip = KERNEL_LOAD + BOOT_LINUX64_OFFSET, .info = LAYOUT_ZERO_PAGE,
		.stack = LAYOUT_STACK_TOP, .gdt = LAYOUT_GDT, .tables = LAYOUT_PT_BASE,
		.tables_limit = LAYOUT_PT_END - LAYOUT_PT_BASE, .map_end = RAM_SIZE,
	};

	if (entry_build(&base, &o, &a) < 0)
		fuzz_fail("entry_build: the default state");
}

/*
 * state_print() then state_parse() must give the state back. paging.large
 * means something for nonpae paging only (pt_page_size()); the text keeps
 * it only there, so it is cleared for the other modes before comparing.
 */
static void round_trip(struct entry_state *s)
{
	size_t len = 0;
	char *text;

	if (s->paging.mode != PAGING_NONPAE)
		s->paging.large = false;
	text = state_text(s, &len);
	if (!text)
		fuzz_fail("state_text: out of memory");
	again = *s;
	if (state_parse(text, len, &again) < 0)
		fuzz_fail("state_parse: rejected state_print()'s output");
	if (memcmp(&again, s, sizeof(*s)))
		fuzz_fail("state_parse(state_print(st)) differs from st");
	free(text);
}

static void ignore_violation(void *ctx, const char *name, const char *detail)
{
	(void)ctx;
	(void)name;
	(void)detail;
}

/* What machine_prepare() does with the state after --entry-state. */
static void write_and_validate(struct entry_state *s)
{
	struct guest_mem gm = fuzz_ram(RAM_SIZE);
	struct load_result res = {
		.kernel = { .load = KERNEL_LOAD, .runtime_start = KERNEL_LOAD, .end = KERNEL_END },
		.cmdline_len = 32,
	};
	struct region regions[LOAD_MAX_REGIONS];
	struct pt_result pt;

	s->paging.limit = load_table_room(&gm, s->paging.base);
	if (entry_write(&gm, s, LAYOUT_GDT, LAYOUT_GDT_END, &pt) == 0 &&
	    load_write_memmap(&gm, s, pt.bytes) == 0)
		(void)entry_validate(&gm, s, regions, load_regions(&res, s, regions),
				     ignore_violation, NULL);
	fuzz_ram_reset();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!base.gdt_n)
		make_base();
	st = base;
	if (state_parse((const char *)data, size, &st) < 0)
		return 0;
	round_trip(&st);
	write_and_validate(&st);
	return 0;
}
