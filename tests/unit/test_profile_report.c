/* test_profile_report.c: --profile's report (folded lines, tables, phases, KASLR) and --trace's timeline (parsed back). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "mmu/err.h"
#include "vmm/profile/report.h"
#include "vmm/profile/timeline.h"

static const char map[] = "ffffffff81000000 T _text\n"
			  "ffffffff81001000 T start_kernel\n"
			  "ffffffff81002000 T hot\n"
			  "ffffffff81003000 T cold\n";
static struct symtab syms;
static struct timing tm;

static void setup(void)
{
	err_clear();
	cr_assert_eq(symtab_load(&syms, (const uint8_t *)map, sizeof(map) - 1), 0, "%s", err_msg());
	memset(&tm, 0, sizeof(tm));
	tm.at[TIMING_FIRST_RUN] = 100;
	tm.at[TIMING_FIRST_SERIAL] = 1000;
	tm.at[TIMING_EXIT] = 5000;
}

static void teardown(void)
{
	symtab_free(&syms);
}

TestSuite(profile_report, .init = setup, .fini = teardown);

static struct prof_sample sample(uint64_t t, enum prof_class c, uint64_t leaf, uint64_t caller)
{
	struct prof_sample s = { .t_ns = t, .cls = (uint8_t)c, .depth = caller ? 2 : 1 };

	s.pc[0] = leaf;
	s.pc[1] = caller;
	return s;
}

/* `needle` somewhere in `text`, or the test fails showing both. */
static void expect_in(const char *text, const char *needle)
{
	cr_assert_not_null(strstr(text, needle), "no '%s' in:\n%s", needle, text);
}

/* prof_report() into two strings (caller frees). */
static void report(const struct prof_input *in, char **folded, char **text)
{
	size_t fl = 0, tl = 0;
	FILE *f = open_memstream(folded, &fl), *t = open_memstream(text, &tl);

	cr_assert_eq(prof_report(in, f, t), 0, "%s", err_msg());
	fclose(f);
	fclose(t);
}

Test(profile_report, folded_lines_tables_and_phases)
{
	struct prof_sample s[] = {
		sample(200, PROF_EARLY, 0x100000, 0),
		sample(1200, PROF_KERNEL, 0xffffffff81002010, 0xffffffff81001020),
		sample(1300, PROF_KERNEL, 0xffffffff81002020, 0xffffffff81001020),
		sample(1400, PROF_KERNEL, 0xffffffff81003000, 0),
		sample(1500, PROF_USER, 0x400000, 0),
	};
	struct prof_input in = { .s = s, .n = 5, .hz = 1000, .ncpus = 1, .syms = &syms,
				 .decompressor = true, .timing = &tm };
	char *folded, *text;

	report(&in, &folded, &text);
	cr_assert_str_eq(folded, "decompressor;0x100000 1\n"
				 "kernel;cold 1\n"
				 "kernel;start_kernel;hot 2\n"
				 "userspace;[userspace] 1\n");
	expect_in(text, "5 samples at 1000 Hz on 1 vCPU");
	expect_in(text, "decompressor 1 (20.0%) kernel 3 (60.0%) userspace 1 (20.0%)");
	expect_in(text, "first_kvm_run             1  decompressor 1");
	expect_in(text, "first_serial_byte         4");
	expect_in(text, " 40.00%        2  hot\n");
	expect_in(text, "2 of 3 samples with a frame-pointer chain");
	free(folded);
	free(text);
}

Test(profile_report, kaslr_slide_and_unknown_slide)
{
	struct prof_sample s[] = { sample(200, PROF_KERNEL, 0xffffffff81402010, 0) };
	struct prof_input in = { .s = s, .n = 1, .hz = 100, .ncpus = 2, .syms = &syms,
				 .slide = 0x400000, .timing = &tm };
	char *folded, *text;

	report(&in, &folded, &text);
	cr_assert_str_eq(folded, "kernel;hot 1\n");
	free(folded);
	free(text);
	in.slide_note = "boot it with nokaslr";
	report(&in, &folded, &text);
	cr_assert_str_eq(folded, "kernel;0xffffffff81402010 1\n");
	expect_in(text, "kernel addresses in hex: boot it with nokaslr");
	free(folded);
	free(text);
}

Test(profile_report, vmm_phase_of_a_time)
{
	cr_assert_eq(prof_vmm_phase(&tm, 50), TIMING_PHASES);
	cr_assert_eq(prof_vmm_phase(&tm, 100), TIMING_FIRST_RUN);
	cr_assert_eq(prof_vmm_phase(&tm, 4999), TIMING_FIRST_SERIAL);
	cr_assert_eq(prof_vmm_phase(&tm, 6000), TIMING_EXIT);
}

Test(profile_report, timeline_has_every_kind_of_event)
{
	struct prof_sample s[] = {
		sample(200, PROF_EARLY, 0x100000, 0), sample(300, PROF_KERNEL, 0xffffffff81002010, 0),
		sample(400, PROF_KERNEL, 0xffffffff81002010, 0),
	};
	static const char *const kinds[] = { "io", "mmio" };
	const uint32_t exits[] = { 5, 0, 7, 1 };
	struct timeline_line lines[] = { { .t_ns = 1500, .text = "Linux \"version\"\x01" } };
	struct timeline_input in = { .timing = &tm, .ncpus = 1, .s = s, .n = 3, .period_ns = 100,
				     .decompressor = true, .exits = exits, .nbuckets = 2, .nkinds = 2,
				     .kind_names = kinds, .lines = lines, .nlines = 1 };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	tm.events[tm.nevents++].sig = TIMING_SIG_MARKER;
	tm.codes[tm.ncodes].code = 0x61;
	tm.codes[tm.ncodes++].at = 1700;
	tm.guest[tm.nguest].name = "start_kernel"; /* --phases */
	tm.guest[tm.nguest++].at = 1800;
	cr_assert_eq(timeline_write(&in, f), 0, "%s", err_msg());
	fclose(f);
	expect_in(text, "\"name\":\"decompressor\"");
	expect_in(text, "\"name\":\"kernel\",\"ph\":\"X\"");
	expect_in(text, "\"name\":\"first_serial_byte\"");
	expect_in(text, "serial-marker");
	expect_in(text, "\"name\":\"debug port 0x61 (userspace)\",\"ph\":\"i\"");
	expect_in(text, "\"cat\":\"debug-port\",\"ts\":1.700");
	expect_in(text, "\"name\":\"start_kernel\",\"ph\":\"i\"");
	expect_in(text, "\"cat\":\"kernel-point\",\"ts\":1.800");
	expect_in(text, "\"io\":7");
	expect_in(text, "Linux \\\"version\\\"\\u0001");
	free(text);
}

/* A 32-bit kernel's samples (below the 64-bit kernel half) are placed by the slide too, which the
 * report says it read from the IDT; its early samples are not moved. */
Test(profile_report, kaslr_slide_of_a_32bit_kernel)
{
	static const char map32[] = "c1000000 T _text\nc1001000 T start_kernel\nc1002000 T hot\n"
				    "c1003000 T cold\n01000000 T early_fn\n01001000 T early_end\n";
	struct symtab s32;
	struct prof_sample s[] = { sample(200, PROF_KERNEL, 0xc9002010, 0),
				   sample(300, PROF_EARLY, 0x1000010, 0) };
	struct prof_input in = { .s = s, .n = 2, .hz = 100, .ncpus = 1, .syms = &s32,
				 .slide = 0x8000000, .slide_from_idt = true, .timing = &tm };
	char *folded, *text;

	cr_assert_eq(symtab_load(&s32, (const uint8_t *)map32, sizeof(map32) - 1), 0, "%s", err_msg());
	report(&in, &folded, &text);
	cr_assert_str_eq(folded, "early;early_fn 1\nkernel;hot 1\n");
	expect_in(text, "KASLR slide 0x8000000 (from the guest's IDT)");
	free(folded);
	free(text);
	s[0].pc[0] = 0xc1002010; /* where `hot` was linked: with the slide unknown, not named */
	in.slide_note = "boot it with nokaslr";
	report(&in, &folded, &text);
	cr_assert_str_eq(folded, "early;early_fn 1\nkernel;0xc1002010 1\n",
			 "with the slide unknown a 32-bit kernel's addresses stay in hex");
	free(folded);
	free(text);
	symtab_free(&s32);
}
