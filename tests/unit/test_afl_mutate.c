/* test_afl_mutate.c: the custom mutator's draw: with an image, vmm fuzz's field classes (pokes into the image's tables and boot info included) as state files that parse; without one, text_mutate()'s. */
#define _GNU_SOURCE
#include <asm/bootparam.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/bits.h"
#include "mmu/err.h"
#include "tests/unit/fixtures.h"
#include "vmm/fuzz/afl_mutate.h"
#include "vmm/fuzz/text_mutate.h"
#include "vmm/state.h"

#define ZP 0x7000ULL

static struct guest_mem gm;
static struct entry_state base, got;
static struct mutator_image ti;
static struct afl_mutate m;
static char *valid, out[1 << 16], again[1 << 16];
static size_t valid_len;

static void setup(void)
{
	struct entry_options o = { .proto = BOOT_LINUX64, .paging = PAGING_LONG };
	struct pt_result pt;
	struct boot_params *bp;

	gm = fixture_ram(MiB(64));
	cr_assert_eq(fixture_entry(&base, &o, MiB(64)), 0, "%s", err_msg());
	cr_assert_eq(entry_write(&gm, &base, 0x500, 0x6000, &pt), 0, "%s", err_msg());
	bp = gm_ptr(&gm, ZP, sizeof(*bp));
	bp->e820_entries = 1;
	bp->e820_table[0] = (struct boot_e820_entry){ 0x100000, MiB(63), 1 };
	base.paging.limit = 0x6d000;
	cr_assert_eq(mutator_image_make(&ti, &gm, &base, pt.bytes, true), 0, "%s", err_msg());
	m = (struct afl_mutate){ .ti = &ti, .mem = &gm };
	valid = state_text(&base, &valid_len);
	cr_assert_not_null(valid);
}

static void teardown(void)
{
	free(valid);
	fixture_ram_free(&gm);
}

TestSuite(afl_mutate, .init = setup, .fini = teardown);

static bool in_region(uint64_t gpa)
{
	for (unsigned i = 0; i < ti.nregions; i++)
		if (gpa >= ti.region[i].gpa && gpa + 8 <= ti.region[i].gpa + ti.region[i].len)
			return true;
	return false;
}

Test(afl_mutate, with_an_image_every_draw_parses_and_pokes_land_in_its_tables_and_boot_info)
{
	unsigned poked = 0, changed = 0;

	for (uint64_t seed = 1; seed <= 500; seed++) {
		uint64_t rng = seed;
		size_t n = afl_mutate(&m, valid, valid_len, NULL, 0, &rng, out, sizeof(out));

		cr_assert_gt(n, 0);
		got = base;
		cr_assert_eq(state_parse(out, n, &got), 0, "seed %llu: %s", (unsigned long long)seed, err_msg());
		changed += n != valid_len || memcmp(out, valid, n);
		poked += got.npokes > 0;
		for (unsigned i = 0; i < got.npokes; i++)
			cr_assert(in_region(got.pokes[i].gpa), "seed %llu: a poke at 0x%llx, outside the image",
				  (unsigned long long)seed, (unsigned long long)got.pokes[i].gpa);
	}
	cr_assert_gt(changed, 450, "%u of 500 draws changed the state", changed);
	/* pte and bootinfo are 30 of the 100 class weights, drawn 1-8 times in 3 draws of 4. */
	cr_assert_gt(poked, 100, "only %u of 500 draws poked the tables or the boot info", poked);
}

Test(afl_mutate, the_same_rng_gives_the_same_text)
{
	for (uint64_t seed = 1; seed <= 50; seed++) {
		uint64_t a = seed, b = seed;
		size_t n1 = afl_mutate(&m, valid, valid_len, NULL, 0, &a, out, sizeof(out));
		size_t n2 = afl_mutate(&m, valid, valid_len, NULL, 0, &b, again, sizeof(again));

		cr_assert_eq(n1, n2);
		cr_assert_eq(memcmp(out, again, n1), 0, "seed %llu", (unsigned long long)seed);
		cr_assert_eq(a, b);
	}
}

Test(afl_mutate, without_an_image_or_a_state_it_is_text_mutate)
{
	struct afl_mutate bare = { 0 };
	struct entry_state scratch;
	const char *junk = "rip 0x1000000\nnot a key 5\n";

	for (uint64_t seed = 1; seed <= 50; seed++) {
		uint64_t a = seed, b = seed;
		size_t n1 = afl_mutate(&bare, valid, valid_len, NULL, 0, &a, out, sizeof(out));
		size_t n2 = text_mutate(valid, valid_len, NULL, 0, &b, &scratch, again, sizeof(again));

		cr_assert(n1 == n2 && !memcmp(out, again, n1), "no image, seed %llu", (unsigned long long)seed);
		a = b = seed;
		n1 = afl_mutate(&m, junk, strlen(junk), NULL, 0, &a, out, sizeof(out));
		n2 = text_mutate(junk, strlen(junk), NULL, 0, &b, &scratch, again, sizeof(again));
		cr_assert(n1 == n2 && !memcmp(out, again, n1), "no state, seed %llu", (unsigned long long)seed);
	}
}

Test(afl_mutate, a_test_case_applies_to_the_valid_state_and_a_second_one_is_spliced_in)
{
	const char *mine = "rip 0x1000200\n", *other = "rsp 0x123450\n";
	bool spliced = false;

	for (uint64_t seed = 1; seed <= 400 && !spliced; seed++) {
		uint64_t rng = seed;
		size_t n = afl_mutate(&m, mine, strlen(mine), other, strlen(other), &rng, out, sizeof(out));

		got = base;
		cr_assert_eq(state_parse(out, n, &got), 0);
		spliced = memmem(out, n, "\nrsp 0x123450\n", 14) != NULL && memmem(out, n, "\nboot linux64", 13);
	}
	cr_assert(spliced, "no draw in 400 took rsp from the second test case into a whole state");
}

Test(afl_mutate, nothing_longer_than_the_room_given)
{
	for (uint64_t seed = 1; seed <= 100; seed++) {
		uint64_t rng = seed;
		size_t n = afl_mutate(&m, valid, valid_len, NULL, 0, &rng, out, valid_len);

		cr_assert(n > 0 && n <= valid_len, "seed %llu: %zu bytes", (unsigned long long)seed, n);
		got = base;
		cr_assert_eq(state_parse(out, n, &got), 0);
	}
}
