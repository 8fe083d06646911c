/* test_fuzz_outcome.c: the fuzz-run classifier on synthetic exits, signatures, JSON lines and the summary. */
#include <criterion/criterion.h>
#include <signal.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/machine/dispatch.h"
#include "vmm/exitcode.h"
#include "vmm/fuzz/outcome.h"
#include "vmm/timing.h"

static struct vm_exit e;
static struct fuzz_outcome o;

static struct fuzz_step step(enum exit_kind kind, uint32_t reason)
{
	e = (struct vm_exit){ .kind = kind, .reason = reason };
	return (struct fuzz_step){ .exit = &e, .status = DISPATCH_CONTINUE, .boot_signal = -1 };
}

static void reset(void)
{
	memset(&o, 0, sizeof(o));
}

TestSuite(fuzz_outcome, .init = reset);

Test(fuzz_outcome, kvm_verdicts_end_the_run)
{
	struct fuzz_step s = step(EXIT_SHUTDOWN, 8);

	cr_assert(fuzz_classify(&s, &o));
	cr_assert_eq(o.cls, OUT_TRIPLE_FAULT);
	cr_assert_eq(fuzz_outcome_replay_status(&o), VMM_EXIT_TRIPLE_FAULT);
	reset();
	s = step(EXIT_FAIL_ENTRY, 9);
	e.detail = 0x80000021;
	cr_assert(fuzz_classify(&s, &o));
	cr_assert_eq(o.cls, OUT_ENTRY_FAILURE);
	cr_assert_str_eq(o.detail, "0x80000021");
	reset();
	s = step(EXIT_INTERNAL, 17);
	e.detail = 1;
	cr_assert(fuzz_classify(&s, &o));
	cr_assert_eq(o.cls, OUT_INTERNAL_ERROR);
	cr_assert_eq(fuzz_outcome_replay_status(&o), VMM_EXIT_INTERNAL);
}

Test(fuzz_outcome, device_statuses)
{
	struct fuzz_step s = step(EXIT_IO, 2);

	s.status = VMM_EXIT_DEBUG_BASE + 5;
	cr_assert(fuzz_classify(&s, &o));
	cr_assert_eq(o.cls, OUT_DEBUG_EXIT);
	cr_assert_eq(fuzz_outcome_replay_status(&o), VMM_EXIT_DEBUG_BASE + 5);
	reset();
	s.status = VMM_EXIT_PANIC;
	cr_assert(fuzz_classify(&s, &o));
	cr_assert_eq(o.cls, OUT_PANIC);
	reset();
	s.status = VMM_EXIT_OK;
	cr_assert(fuzz_classify(&s, &o));
	cr_assert_eq(o.cls, OUT_RESET);
	cr_assert_eq(fuzz_outcome_replay_status(&o), VMM_EXIT_OK);
}

/* Every class's replay status as the README's outcome table gives it. */
Test(fuzz_outcome, replay_status_of_every_class)
{
	static const struct { enum fuzz_outcome_class cls; const char *detail; int want; } t[] = {
		{ OUT_BOOT_DONE, "boot-timer-port-0x3f0", VMM_EXIT_TIMEOUT },
		{ OUT_MARKER, "", VMM_EXIT_TIMEOUT },
		{ OUT_REACHED, "kernel", VMM_EXIT_TIMEOUT },
		{ OUT_DEBUG_EXIT, "0x45", VMM_EXIT_DEBUG_BASE + 5 },
		{ OUT_RESET, "", VMM_EXIT_OK },
		{ OUT_PANIC, "", VMM_EXIT_PANIC },
		{ OUT_PANIC, "no reset", VMM_EXIT_TIMEOUT },
		{ OUT_HLT_IRQS_OFF, "halted", VMM_EXIT_TIMEOUT },
		{ OUT_TRIPLE_FAULT, "", VMM_EXIT_TRIPLE_FAULT },
		{ OUT_KVM_REFUSED, "KVM_SET_SREGS: Invalid argument (EINVAL)", VMM_EXIT_KVM_REFUSED },
		{ OUT_VMM_REFUSED, "a poke outside RAM", VMM_EXIT_USAGE },
		{ OUT_ENTRY_FAILURE, "0x80000021", VMM_EXIT_ENTRY_FAIL },
		{ OUT_INTERNAL_ERROR, "0x1", VMM_EXIT_INTERNAL },
		{ OUT_KVM_ERROR, "KVM_RUN: Bad address", VMM_EXIT_INTERNAL },
		{ OUT_EXIT_LIMIT, "", VMM_EXIT_TIMEOUT },
		{ OUT_TIME_LIMIT, "running", VMM_EXIT_TIMEOUT },
	};
	bool seen[OUT_CLASSES] = { false };

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		o.cls = t[i].cls;
		snprintf(o.detail, sizeof(o.detail), "%s", t[i].detail);
		cr_assert_eq(fuzz_outcome_replay_status(&o), t[i].want, "%s %s: %d, want %d",
			     fuzz_outcome_name(t[i].cls), t[i].detail, fuzz_outcome_replay_status(&o),
			     t[i].want);
		seen[t[i].cls] = true;
	}
	for (unsigned c = 0; c < OUT_CLASSES; c++)
		cr_assert(seen[c], "class %s has no case", fuzz_outcome_name(c));
}

/* Only the value's low 6 bits reach the status: 64..127, apart from vmm's own codes. */
Test(fuzz_outcome, debug_exit_status_keeps_the_low_6_bits)
{
	cr_assert_eq(vmm_exit_debug(0), 64);
	cr_assert_eq(vmm_exit_debug(63), 127);
	cr_assert_eq(vmm_exit_debug(64), 64);
	cr_assert_eq(vmm_exit_debug(0x12345678), 64 + 0x38);
	cr_assert_eq(vmm_exit_debug(UINT64_MAX), 127);
}

Test(fuzz_outcome, io_goes_on_until_a_signal_a_limit_or_the_time)
{
	struct fuzz_step s = step(EXIT_IO, 2);

	cr_assert_not(fuzz_classify(&s, &o));
	s.boot_signal = TIMING_SIG_PORT;
	cr_assert(fuzz_classify(&s, &o));
	cr_assert_eq(o.cls, OUT_BOOT_DONE);
	cr_assert_str_eq(o.detail, timing_signal_name(TIMING_SIG_PORT));
	reset();
	s.boot_signal = TIMING_SIG_MARKER;
	cr_assert(fuzz_classify(&s, &o));
	cr_assert_eq(o.cls, OUT_MARKER);
	reset();
	s = step(EXIT_IO, 2);
	s.max_exits = 3;
	cr_assert_not(fuzz_classify(&s, &o));
	cr_assert_not(fuzz_classify(&s, &o));
	cr_assert(fuzz_classify(&s, &o));
	cr_assert_eq(o.cls, OUT_EXIT_LIMIT);
	cr_assert_eq(o.exits, 3);
}

Test(fuzz_outcome, time_limit_variants)
{
	struct fuzz_step s = step(EXIT_INTR, 10);

	s.time_up = true;
	s.halted = true;
	s.irqs_off = true;
	cr_assert(fuzz_classify(&s, &o));
	cr_assert_eq(o.cls, OUT_HLT_IRQS_OFF);
	reset();
	s.irqs_off = false;
	cr_assert(fuzz_classify(&s, &o));
	cr_assert_eq(o.cls, OUT_TIME_LIMIT);
	cr_assert_str_eq(o.detail, "halted");
	cr_assert_eq(fuzz_outcome_replay_status(&o), VMM_EXIT_TIMEOUT);
	reset();
	s.panic_seen = true;
	cr_assert(fuzz_classify(&s, &o));
	cr_assert_eq(o.cls, OUT_PANIC);
}

Test(fuzz_outcome, signature_keeps_the_last_exits_and_the_rip_page)
{
	struct fuzz_step s = step(EXIT_IO, 2);
	uint64_t a, b;

	for (uint32_t r = 1; r <= 6; r++) {
		s = step(EXIT_IO, r);
		fuzz_classify(&s, &o);
	}
	cr_assert_eq(o.nlast, FUZZ_LAST_EXITS);
	cr_assert_eq(o.last[0], 3, "oldest of the last four");
	cr_assert_eq(o.last[3], 6);
	o.rip = 0x1000234;
	a = fuzz_signature(&o);
	o.rip = 0x1000fff;
	cr_assert_eq(fuzz_signature(&o), a, "the same page");
	o.rip = 0x1001000;
	b = fuzz_signature(&o);
	cr_assert_neq(a, b);
	o.cls = OUT_TIME_LIMIT;
	cr_assert_neq(fuzz_signature(&o), b);
}

Test(fuzz_outcome, triple_fault_is_placed_by_the_last_rip_seen)
{
	uint64_t none, a;

	o.cls = OUT_TRIPLE_FAULT;
	o.rip = 0xfff0; /* KVM's reset state after a shutdown on AMD */
	none = fuzz_signature(&o);
	o.rip = 0x1234000;
	cr_assert_eq(fuzz_signature(&o), none, "the RIP after the shutdown is not the place");
	o.seen = true;
	o.seen_rip = 0x1000209;
	a = fuzz_signature(&o);
	cr_assert_neq(a, none, "seen somewhere is not nothing seen");
	o.seen_rip = 0x1000ffe;
	cr_assert_eq(fuzz_signature(&o), a, "the same page");
	o.seen_rip = 0x1001000;
	cr_assert_neq(fuzz_signature(&o), a, "another page");
	o.cls = OUT_HLT_IRQS_OFF; /* a run that ended anywhere else is placed by its RIP */
	a = fuzz_signature(&o);
	o.seen_rip = 0x5000000;
	cr_assert_eq(fuzz_signature(&o), a);
}

/* The place the signature uses, which --minimize prints: the RIP, a triple fault's last seen. */
Test(fuzz_outcome, where_a_run_ended)
{
	uint64_t at = 7;

	o.cls = OUT_TRIPLE_FAULT;
	o.rip = 0xfff0;
	cr_assert_not(fuzz_outcome_where(&o, &at), "a triple fault seen nowhere has no place");
	cr_assert_eq(at, 7, "left alone");
	o.seen = true;
	o.seen_rip = 0x1000209;
	cr_assert(fuzz_outcome_where(&o, &at));
	cr_assert_eq(at, 0x1000209);
	o.cls = OUT_HLT_IRQS_OFF;
	o.rip = 0xffffffff81a592fa;
	cr_assert(fuzz_outcome_where(&o, &at));
	cr_assert_eq(at, 0xffffffff81a592fa, "anything else: its RIP");
}

Test(fuzz_outcome, json_line_names_the_last_rip_seen)
{
	struct fuzz_mutation mut = { 0 };
	struct fuzz_record r = { .state_hash = "00", .mut = &mut, .out = &o, .violations = -1 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	o.cls = OUT_TRIPLE_FAULT;
	o.rip = 0xfff0;
	fuzz_print_record(f, &r);
	o.seen = true;
	o.seen_rip = 0x1000209;
	fuzz_print_record(f, &r);
	fclose(f);
	cr_assert_not_null(strstr(buf, "\"rip\":\"0xfff0\",\"progress\""), "none seen: no key; %s", buf);
	cr_assert_not_null(strstr(buf, "\"rip\":\"0xfff0\",\"last_rip_seen\":\"0x1000209\",\"progress\""), "%s", buf);
	free(buf);
}

Test(fuzz_outcome, json_line_and_summary)
{
	static struct fuzz_summary sum;
	struct fuzz_mutation mut = { .n = 1, .cls = { FUZZ_REGS } };
	struct fuzz_record r = { .seed = 7, .index = 3, .state_hash = "00ff", .mut = &mut, .out = &o,
				 .signature = 0xabc, .us = 12, .repro = "d/x.state", .reset_diff = 0,
				 .reset_mem_ns = 2500, .reset_cpu_ns = 40000, .pages_restored = 9,
				 .pages_dirty = 4, .pages_rewritten = 3, .violations = -1, .edges = 17, .map_seen = 40, .map_news = 2 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	strcpy(mut.field[0], "rflags.if");
	o.cls = OUT_TRIPLE_FAULT;
	o.rip = 0x1234;
	fuzz_print_record(f, &r);
	fclose(f);
	cr_assert_not_null(strstr(buf, "{\"seed\":7,\"index\":3,\"state\":\"00ff\",\"mutated\":[\"rflags.if\"],\"classes\":[\"regs\"],\"outcome\":\"triple-fault\""), "%s", buf);
	cr_assert_not_null(strstr(buf, "\"signature\":\"0000000000000abc\""), "%s", buf);
	cr_assert_not_null(strstr(buf, "\"replay_exit\":3,\"reset_us\":{\"mem\":2.5,\"cpu\":40.0,\"pages\":9,\"dirty\":4,\"rewritten\":3},\"run_us\":0,\"edges\":17,\"map\":40,\"new_bits\":2,\"reset_diff\":0,\"reset_diff_blocks\":\"\",\"repro\":\"d/x.state\"}\n"), "%s", buf);
	free(buf);
	cr_assert(fuzz_summary_add(&sum, &o, 0xabc, 3));
	cr_assert_not(fuzz_summary_add(&sum, &o, 0xabc, 4));
	cr_assert_eq(sum.runs, 2);
	cr_assert_eq(sum.nsig, 1);
	cr_assert_eq(sum.sigs[0].count, 2);
	cr_assert_eq(sum.by_class[OUT_TRIPLE_FAULT], 2);
}

/* fuzz_print_record()'s line for a guided run of `origin` (the caller frees). */
static char *line_from(const struct fuzz_origin *origin)
{
	static struct fuzz_mutation mut = { .n = 0 };
	struct fuzz_record r = { .state_hash = "00", .mut = &mut, .out = &o, .reset_diff = -1,
				 .violations = -1, .edges = 3, .map_seen = 5, .origin = origin };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	o.cls = OUT_TRIPLE_FAULT;
	fuzz_print_record(f, &r);
	fclose(f);
	return buf;
}

Test(fuzz_outcome, guided_lines_name_where_the_state_came_from)
{
	struct fuzz_origin valid = { .kind = ORIGIN_VALID }, blind = { .kind = ORIGIN_BLIND };
	struct fuzz_origin seed = { .kind = ORIGIN_SEED };
	struct fuzz_origin child = { .kind = ORIGIN_CORPUS, .parent = 17 };
	struct fuzz_origin spliced = { .kind = ORIGIN_CORPUS, .parent = 17, .spliced = true,
				       .splice = 4 };
	char *l[5] = { line_from(&valid), line_from(&blind), line_from(&seed), line_from(&child),
		       line_from(&spliced) };
	char *none = line_from(NULL);

	cr_assert_not_null(strstr(l[0], "\"new_bits\":0,\"from\":\"valid\"}"), "%s", l[0]);
	cr_assert_not_null(strstr(l[1], ",\"from\":\"blind\"}"), "%s", l[1]);
	cr_assert_not_null(strstr(l[2], ",\"from\":\"seed\"}"), "%s", l[2]);
	cr_assert_not_null(strstr(l[3], ",\"from\":\"corpus\",\"parent\":17}"), "%s", l[3]);
	cr_assert_not_null(strstr(l[4], ",\"from\":\"corpus\",\"parent\":17,\"splice\":4}"),
			   "%s", l[4]);
	cr_assert_null(strstr(none, "\"from\""), "blind mode: no origin; %s", none);
	for (int i = 0; i < 5; i++)
		free(l[i]);
	free(none);
}

/* fuzz_print_record()'s line with `detail` and `repro` set (the caller frees). */
static char *line_with(const char *detail, const char *repro)
{
	static struct fuzz_mutation mut = { .n = 0 };
	struct fuzz_record r = { .seed = 1, .index = 42, .state_hash = "00", .mut = &mut, .out = &o,
				 .signature = 0xfeed, .repro = repro, .reset_diff = -1,
				 .violations = -1, .edges = -1 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	o.cls = OUT_KVM_REFUSED;
	snprintf(o.detail, sizeof(o.detail), "%s", detail);
	fuzz_print_record(f, &r);
	fclose(f);
	return buf;
}

Test(fuzz_outcome, json_strings_are_escaped)
{
	char *line = line_with("a \"b\" c:\\d\n", "out \"x\"/\\1.state");

	cr_assert_not_null(strstr(line, "\"detail\":\"a \\\"b\\\" c:\\\\d\\u000a\""), "%s", line);
	cr_assert_not_null(strstr(line, "\"repro\":\"out \\\"x\\\"/\\\\1.state\"}"), "%s", line);
	free(line);
}

Test(fuzz_outcome, the_parent_reads_escaped_lines_back)
{
	const char *detail = "x\",\"signature\":\"0000000000000bad\\";
	char *line = line_with(detail, NULL);
	struct fuzz_outcome back = { 0 };
	uint64_t sig = 0, index = 0;

	cr_assert(fuzz_parse_line(line, &back, &sig, &index), "%s", line);
	cr_assert_eq(back.cls, OUT_KVM_REFUSED);
	cr_assert_str_eq(back.detail, detail);
	cr_assert_eq(sig, 0xfeed, "%s", line);
	cr_assert_eq(index, 42);
	free(line);
	cr_assert_not(fuzz_parse_line("{\"index\":1,\"outcome\":\"no-such\",\"detail\":\"\","
				      "\"signature\":\"1\"}", &back, &sig, &index));
	cr_assert_not(fuzz_parse_line("not json", &back, &sig, &index));
}

Test(fuzz_outcome, limit_runs_signed_by_how_far_they_got)
{
	uint64_t a, b;

	o.cls = OUT_TIME_LIMIT;
	snprintf(o.detail, sizeof(o.detail), "running");
	o.rip = 0x1234000;
	o.last[0] = 2;
	o.nlast = 1;
	a = fuzz_signature(&o);
	o.rip = 0x5678000; /* wherever the guest happened to be */
	o.last[0] = 18;
	snprintf(o.detail, sizeof(o.detail), "halted");
	cr_assert_eq(fuzz_signature(&o), a, "RIP page, last exits and detail are timing");
	o.passed = 1; /* it got further */
	b = fuzz_signature(&o);
	cr_assert_neq(b, a);
	o.cls = OUT_EXIT_LIMIT;
	cr_assert_neq(fuzz_signature(&o), b, "the class still counts");
	o.cls = OUT_TRIPLE_FAULT;
	a = fuzz_signature(&o);
	o.passed = 0;
	cr_assert_neq(fuzz_signature(&o), a, "points passed are part of every signature");
}

Test(fuzz_outcome, reached_point_ends_the_run)
{
	struct fuzz_step s = step(EXIT_DEBUG, 4);

	cr_assert_not(fuzz_classify(&s, &o), "a breakpoint on the way");
	s.reached = "start_kernel";
	cr_assert(fuzz_classify(&s, &o));
	cr_assert_eq(o.cls, OUT_REACHED);
	cr_assert_str_eq(o.detail, "start_kernel");
	cr_assert_str_eq(fuzz_outcome_name(o.cls), "reached");
}

Test(fuzz_outcome, debug_exits_are_vmms_and_not_counted_as_the_runs)
{
	struct fuzz_step s = step(EXIT_DEBUG, 4);

	s.max_exits = 1;
	/* A point passed, or the guest's own #DB handed back: no exit of the run's. */
	cr_assert_not(fuzz_classify(&s, &o), "a debug exit is not the run's first exit");
	cr_assert_eq(o.exits, 0);
	cr_assert_eq(o.nlast, 0);
	s = step(EXIT_MMIO, 6);
	s.max_exits = 1;
	cr_assert(fuzz_classify(&s, &o), "the guest's first exit of its own ends it");
	cr_assert_eq(o.cls, OUT_EXIT_LIMIT);
	cr_assert_eq(o.exits, 1);
	cr_assert_eq(o.nlast, 1);
	cr_assert_eq(o.last[0], 6);
}

Test(fuzz_outcome, crashes_for_afl_are_the_cpu_or_kvm_giving_up_and_panics)
{
	const enum fuzz_outcome_class crash[] = { OUT_TRIPLE_FAULT, OUT_ENTRY_FAILURE,
						  OUT_INTERNAL_ERROR, OUT_KVM_ERROR, OUT_PANIC };
	unsigned n = 0;

	for (unsigned i = 0; i < sizeof(crash) / sizeof(crash[0]); i++)
		cr_expect(fuzz_outcome_is_crash(crash[i]), "%s", fuzz_outcome_name(crash[i]));
	for (enum fuzz_outcome_class c = 0; c < OUT_CLASSES; c++)
		n += fuzz_outcome_is_crash(c);
	cr_expect_eq(n, 5, "only those: refusals, limits and ends are no crash");
	cr_expect_not(fuzz_outcome_is_crash(OUT_KVM_REFUSED));
	cr_expect_not(fuzz_outcome_is_crash(OUT_TIME_LIMIT));
}

Test(fuzz_outcome, wait_statuses_for_a_fork_server)
{
	struct fuzz_outcome crash = { .cls = OUT_TRIPLE_FAULT }, refused = { .cls = OUT_KVM_REFUSED };
	struct fuzz_outcome limit = { .cls = OUT_TIME_LIMIT };
	int st = fuzz_outcome_wait_status(&crash);

	cr_expect(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT, "a crash dies by SIGABRT: %#x", st);
	st = fuzz_outcome_wait_status(&refused);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == VMM_EXIT_KVM_REFUSED, "%#x", st);
	st = fuzz_outcome_wait_status(&limit);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == VMM_EXIT_TIMEOUT, "%#x", st);
}

static bool header_says(const char *text, enum fuzz_outcome_class *cls)
{
	*cls = OUT_CLASSES;
	return fuzz_state_header_outcome(text, strlen(text), cls);
}

Test(fuzz_outcome, state_header_names_the_outcome)
{
	enum fuzz_outcome_class cls;

	cr_assert(header_says("# vmm fuzz: seed 21 index 2915 (wild) outcome triple-fault \n"
			      "# replay: sh x.replay (exit status 3)\nrip 0x1\n", &cls));
	cr_expect_eq(cls, OUT_TRIPLE_FAULT);
	cr_assert(header_says("# replay: sh x.replay (exit status 8)\n"
			      "# vmm fuzz: seed 1 index 0 (near) outcome time-limit running", &cls),
		  "any comment line at the top, the last one unterminated");
	cr_expect_eq(cls, OUT_TIME_LIMIT);
	cr_expect(fuzz_outcome_ended_by_limit(cls));
	cr_expect_not(fuzz_outcome_ended_by_limit(OUT_TRIPLE_FAULT));
	cr_expect_not(fuzz_outcome_ended_by_limit(OUT_HLT_IRQS_OFF));
	cr_expect_not(header_says("rip 0x1\n# vmm fuzz: seed 1 index 0 (near) outcome marker \n", &cls),
		      "only the comment lines at the top");
	cr_expect_not(header_says("# vmm fuzz: seed 1 index 0 (near) outcome triple \n", &cls),
		      "a word that is no class's name");
	cr_expect_not(header_says("# vmm fuzz: seed 1 index 0 (near) outcome", &cls), "cut short");
	cr_expect_not(header_says("# vmm fuzz", &cls));
	cr_expect_not(header_says("", &cls));
	cr_expect_not(fuzz_state_header_outcome("# vmm fuzz: x outcome marker", 26, &cls),
		      "len bounds the text: 'mark' is no class");
}

Test(fuzz_outcome, test_cases_that_did_not_parse_share_one_signature)
{
	struct fuzz_outcome a = { .cls = OUT_VMM_REFUSED, .unparsed = true };
	struct fuzz_outcome b = a, refused = { .cls = OUT_VMM_REFUSED };

	snprintf(a.detail, sizeof(a.detail), "entry-state: line 1: rip: bad number '0xzz'");
	snprintf(b.detail, sizeof(b.detail), "entry-state: line 22: unknown field 'cs.presCnt'");
	cr_assert_eq(fuzz_signature(&a), fuzz_signature(&b), "syntax errors are one finding");
	/* A state that parsed and that vmm refused is told apart by its detail, as before. */
	snprintf(refused.detail, sizeof(refused.detail), "%s", a.detail);
	cr_assert_neq(fuzz_signature(&refused), fuzz_signature(&a));
	snprintf(b.detail, sizeof(b.detail), "EFER.LME with CR0.PG clear");
	refused = b;
	refused.unparsed = false;
	cr_assert_neq(fuzz_signature(&refused), fuzz_signature(&a));
}

Test(fuzz_outcome, vmm_refusals_are_signed_by_their_rule_not_their_numbers)
{
	struct fuzz_outcome a = { .cls = OUT_VMM_REFUSED }, b = a, other = a, fail = { .cls = OUT_ENTRY_FAILURE };
	uint64_t f;

	snprintf(a.detail, sizeof(a.detail), "pagetable: base 0x30001 is not page-aligned");
	snprintf(b.detail, sizeof(b.detail), "pagetable: base 0x2fff1 is not page-aligned");
	cr_assert_eq(fuzz_signature(&a), fuzz_signature(&b), "one rule, two states");
	snprintf(b.detail, sizeof(b.detail), "pagetable: tables at 0x4000000000030000+0x3000 are not RAM");
	snprintf(other.detail, sizeof(other.detail), "pagetable: tables at 0x30000+0x1000 are not RAM");
	cr_assert_eq(fuzz_signature(&b), fuzz_signature(&other));
	cr_assert_neq(fuzz_signature(&a), fuzz_signature(&b), "two rules");
	/* An entry failure's detail is the hardware's reason: every number counts. */
	snprintf(fail.detail, sizeof(fail.detail), "0xffffffff");
	f = fuzz_signature(&fail);
	snprintf(fail.detail, sizeof(fail.detail), "0x80000021");
	cr_assert_neq(fuzz_signature(&fail), f);
}

/* The detail as the classifier leaves it: cut to its room. */
static void set_detail(struct fuzz_outcome *out, const char *s)
{
	size_t n = strlen(s) < sizeof(out->detail) ? strlen(s) : sizeof(out->detail) - 1;

	memcpy(out->detail, s, n);
	out->detail[n] = '\0';
}

Test(fuzz_outcome, a_refusal_cut_at_its_room_keeps_its_rule)
{
	struct fuzz_outcome a = { .cls = OUT_VMM_REFUSED }, b = a;

	/* As a summary showed them: one rule, the details cut at 63 characters in other places. */
	set_detail(&a, "entry-state: 5 GDT entries at gdt.base 0x1000000500 leave the GDT area [0x500, 0x1000)");
	set_detail(&b, "entry-state: 5 GDT entries at gdt.base 0xff leave the GDT area [0x500, 0x1000)");
	cr_assert_neq(strcmp(a.detail + 50, b.detail + 50), 0, "cut in other places");
	cr_assert_eq(fuzz_signature(&a), fuzz_signature(&b));
}

/* Which of the classes judged at the limit a state gets can depend on where the limit fell, so
 * they share one end bit in the map; every other class has its own. */
Test(fuzz_outcome, classes_judged_at_the_limit_share_one_map_class)
{
	enum fuzz_outcome_class at_limit[] = { OUT_TIME_LIMIT, OUT_EXIT_LIMIT, OUT_HLT_IRQS_OFF };

	for (unsigned i = 0; i < sizeof(at_limit) / sizeof(at_limit[0]); i++) {
		cr_expect(fuzz_outcome_judged_at_limit(at_limit[i]), "%s",
			  fuzz_outcome_name(at_limit[i]));
		cr_expect_eq(fuzz_outcome_map_class(at_limit[i]), OUT_TIME_LIMIT, "%s",
			     fuzz_outcome_name(at_limit[i]));
	}
	for (enum fuzz_outcome_class c = 0; c < OUT_CLASSES; c++) {
		bool limit = c == OUT_TIME_LIMIT || c == OUT_EXIT_LIMIT || c == OUT_HLT_IRQS_OFF;

		cr_expect_eq(fuzz_outcome_judged_at_limit(c), limit, "%s", fuzz_outcome_name(c));
		if (!limit)
			cr_expect_eq(fuzz_outcome_map_class(c), c, "%s keeps its own", fuzz_outcome_name(c));
	}
}
