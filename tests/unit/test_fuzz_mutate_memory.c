/* test_fuzz_mutate_memory.c: the mutator reads guest memory as the guest will see it (RAM under the state's pokes, last poke winning) and writes it only as pokes. */
#include <criterion/criterion.h>
#include <string.h>

#include "mmu/bits.h"
#include "tests/unit/fixtures.h"
#include "vmm/fuzz/mutate_private.h"

static struct guest_mem gm;
static struct entry_state st;
static struct fuzz_target tg;
static struct fz f;

static void setup(void)
{
	static const uint8_t ram[16] = { 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
					 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f };

	gm = fixture_ram(MiB(1));
	memcpy(gm_ptr(&gm, 0x1000, sizeof(ram)), ram, sizeof(ram));
	memset(&st, 0, sizeof(st));
	tg = (struct fuzz_target){ .mem = &gm };
	f = (struct fz){ .st = &st, .t = &tg };
}

static void teardown(void)
{
	fixture_ram_free(&gm);
}

TestSuite(fuzz_mutate_memory, .init = setup, .fini = teardown);

Test(fuzz_mutate_memory, reads_little_endian_within_and_across_words)
{
	uint64_t v;

	cr_assert(fz_mem_read(&f, 0x1000, 8, &v));
	cr_assert_eq(v, 0x1716151413121110ULL, "an aligned word: %#llx", (unsigned long long)v);
	cr_assert(fz_mem_read(&f, 0x1000, 4, &v));
	cr_assert_eq(v, 0x13121110ULL, "a non-PAE entry");
	cr_assert(fz_mem_read(&f, 0x1003, 1, &v));
	cr_assert_eq(v, 0x13);
	cr_assert(fz_mem_read(&f, 0x1004, 4, &v));
	cr_assert_eq(v, 0x17161514ULL, "the high half of a word");
	cr_assert(fz_mem_read(&f, 0x1006, 4, &v));
	cr_assert_eq(v, 0x19181716ULL, "across two words");
	cr_assert(fz_mem_read(&f, 0x1001, 8, &v));
	cr_assert_eq(v, 0x1817161514131211ULL);
	cr_assert_not(fz_mem_read(&f, MiB(1) - 4, 8, &v), "past the end of RAM");
}

Test(fuzz_mutate_memory, pokes_overlay_ram_and_the_last_one_wins)
{
	uint64_t v;

	st.pokes[0] = (struct entry_poke){ .gpa = 0x1000, .value = 0xaaaaaaaaaaaaaaaaULL };
	st.pokes[1] = (struct entry_poke){ .gpa = 0x1000, .value = 0x00000000000000bbULL };
	st.npokes = 2;
	cr_assert(fz_mem_read(&f, 0x1000, 2, &v));
	cr_assert_eq(v, 0x00bb, "entry_poke() writes in order");
	cr_assert(fz_mem_read(&f, 0x1006, 4, &v));
	cr_assert_eq(v, 0x19180000ULL, "a poked word, then RAM");
}

Test(fuzz_mutate_memory, writes_become_pokes_and_ram_is_untouched)
{
	uint64_t v;

	cr_assert(fz_mem_write(&f, 0x1006, 4, 0xdeadbeef));
	cr_assert_eq(st.npokes, 2, "two words straddled");
	cr_assert(fz_mem_read(&f, 0x1000, 8, &v));
	cr_assert_eq(v, 0xbeef151413121110ULL);
	cr_assert(fz_mem_read(&f, 0x1008, 8, &v));
	cr_assert_eq(v, 0x1f1e1d1c1b1adeadULL);
	cr_assert_eq(*(uint8_t *)gm_ptr(&gm, 0x1006, 1), 0x16, "RAM is not written");
	st.npokes = ENTRY_POKES_MAX - 1;
	cr_assert_not(fz_mem_write(&f, 0x2006, 4, 1), "no room for two more pokes");
}
