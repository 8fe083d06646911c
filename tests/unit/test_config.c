/* test_config.c: option parsing, sizes and one-line errors. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mmu/err.h"
#include "vmm/config.h"

/* getopt wants mutable strings: copy the literals into static storage. */
static int parse(struct config *cfg, const char *const args[])
{
	static char store[32][256];
	static char *argv[33];
	int argc;

	for (argc = 0; args[argc]; argc++) {
		snprintf(store[argc], sizeof(store[argc]), "%s", args[argc]);
		argv[argc] = store[argc];
	}
	argv[argc] = NULL;
	return config_parse(argc, argv, cfg);
}

#define PARSE(cfg, ...) parse(cfg, (const char *const[]){ "vmm", __VA_ARGS__, NULL })

Test(config, defaults)
{
	struct config c;

	cr_assert_eq(PARSE(&c, "--kernel", "bz"), 0, "%s", err_msg());
	cr_assert_str_eq(c.kernel, "bz");
	cr_assert_null(c.initrd);
	cr_assert_eq(c.mem, 256ULL << 20);
	cr_assert_str_eq(c.append, CONFIG_DEFAULT_APPEND);
	cr_assert_eq(c.action, CONFIG_RUN);
}

Test(config, all_options)
{
	struct config c;

	cr_assert_eq(PARSE(&c, "-k", "bz", "--initrd", "rd", "--append", "a b",
			   "--mem", "1G", "-v"), 0, "%s", err_msg());
	cr_assert_str_eq(c.initrd, "rd");
	cr_assert_str_eq(c.append, "a b");
	cr_assert_eq(c.mem, 1ULL << 30);
	cr_assert(c.verbose);
}

Test(config, help_and_version_need_no_kernel)
{
	struct config c;

	cr_assert_eq(PARSE(&c, "--help"), 0);
	cr_assert_eq(c.action, CONFIG_HELP);
	cr_assert_eq(PARSE(&c, "--version"), 0);
	cr_assert_eq(c.action, CONFIG_VERSION);
}

Test(config, sizes)
{
	uint64_t v;

	cr_assert_eq(config_parse_size("256M", &v), 0);
	cr_assert_eq(v, 256ULL << 20);
	cr_assert_eq(config_parse_size("512", &v), 0, "a bare number is MiB");
	cr_assert_eq(v, 512ULL << 20);
	cr_assert_eq(config_parse_size("65536k", &v), 0);
	cr_assert_eq(v, 64ULL << 20);
	cr_assert_eq(config_parse_size("2g", &v), 0);
	cr_assert_eq(v, 2ULL << 30);
	cr_assert_eq(config_parse_size("1T", &v), 0);
	cr_assert_eq(v, 1ULL << 40);
}

Test(config, bad_sizes)
{
	uint64_t v;

	cr_assert_eq(config_parse_size("", &v), -EINVAL);
	cr_assert_eq(config_parse_size("M", &v), -EINVAL);
	cr_assert_eq(config_parse_size("-1M", &v), -EINVAL);
	cr_assert_eq(config_parse_size("12X", &v), -EINVAL);
	cr_assert_not_null(strstr(err_msg(), "unknown unit"), "%s", err_msg());
	cr_assert_eq(config_parse_size("1MB", &v), -EINVAL);
	cr_assert_eq(config_parse_size("1 ", &v), -EINVAL);
	cr_assert_eq(config_parse_size("99999999999999999999", &v), -EINVAL);
	cr_assert_eq(config_parse_size("17179869184T", &v), -EINVAL, "wraps");
}

Test(config, mem_out_of_range)
{
	struct config c;

	cr_assert_eq(PARSE(&c, "-k", "bz", "--mem", "8M"), -EINVAL);
	cr_assert_not_null(strstr(err_msg(), "--mem: '8M' is outside"), "%s", err_msg());
	cr_assert_eq(PARSE(&c, "-k", "bz", "--mem", "2T"), -EINVAL);
	cr_assert_eq(PARSE(&c, "-k", "bz", "--mem", "16385K"), -EINVAL);
	cr_assert_not_null(strstr(err_msg(), "4 KiB"), "%s", err_msg());
}

Test(config, unknown_option)
{
	struct config c;

	cr_assert_eq(PARSE(&c, "-k", "bz", "--frobnicate"), -EINVAL);
	cr_assert_str_eq(err_msg(), "unknown option '--frobnicate'");
}

Test(config, short_options_are_named_inside_a_cluster)
{
	struct config c;

	cr_assert_eq(PARSE(&c, "-vz", "-k", "bz"), -EINVAL);
	cr_assert_str_eq(err_msg(), "unknown option '-z'");
	cr_assert_eq(PARSE(&c, "-k", "bz", "-vm"), -EINVAL);
	cr_assert_str_eq(err_msg(), "option '-m' needs a value");
}

/* A parse that stopped inside a cluster (-vvz...) must not leave getopt's
 * place in that argv for the next call (found by tests/fuzz/fuzz_cli.c: the
 * next parse read "-m64" out of the freed first argv). */
Test(config, a_second_parse_starts_afresh)
{
	struct config c;
	static char a0[] = "vmm", a1[] = "-vvvzm64";
	static char b0[] = "vmm", b1[] = "-k", b2[] = "bz";
	char *first[] = { a0, a1, NULL }, *second[] = { b0, b1, b2, NULL };

	cr_assert_eq(config_parse(2, first, &c), -EINVAL);
	cr_assert_str_eq(err_msg(), "unknown option '-z'");
	memset(a1, 'x', sizeof(a1) - 1); /* as if the first argv were freed and reused */
	cr_assert_eq(config_parse(3, second, &c), 0, "%s", err_msg());
	cr_assert_str_eq(c.kernel, "bz");
	cr_assert_eq(c.mem, CONFIG_DEFAULT_MEM, "nothing of the first argv was parsed");
}

Test(config, missing_value)
{
	struct config c;

	cr_assert_eq(PARSE(&c, "--kernel"), -EINVAL);
	cr_assert_str_eq(err_msg(), "option '--kernel' needs a value");
}

Test(config, missing_kernel)
{
	struct config c;

	cr_assert_eq(PARSE(&c, "--mem", "1G"), -EINVAL);
	cr_assert_str_eq(err_msg(), "missing --kernel PATH");
}

Test(config, stray_argument)
{
	struct config c;

	cr_assert_eq(PARSE(&c, "-k", "bz", "extra"), -EINVAL);
	cr_assert_str_eq(err_msg(), "unexpected argument 'extra'");
}

Test(config, timeout_and_seccomp)
{
	struct config c;

	cr_assert_eq(PARSE(&c, "-k", "bz", "--timeout", "30", "--no-seccomp"), 0, "%s", err_msg());
	cr_assert_eq(c.timeout_ms, 30000);
	cr_assert(c.no_seccomp);
	cr_assert_eq(PARSE(&c, "-k", "bz"), 0);
	cr_assert_eq(c.timeout_ms, 0, "no timeout by default");
	cr_assert_not(c.no_seccomp, "seccomp on by default");
	cr_assert_eq(PARSE(&c, "-k", "bz", "--timeout", "1e3"), -EINVAL);
	cr_assert_not_null(strstr(err_msg(), "--timeout: '1e3'"), "%s", err_msg());
	cr_assert_eq(PARSE(&c, "-k", "bz", "--timeout", "90000"), -EINVAL);
	cr_assert_eq(PARSE(&c, "-k", "bz", "--timeout", "0.25"), 0, "%s", err_msg());
	cr_assert_eq(c.timeout_ms, 250);
	cr_assert_eq(PARSE(&c, "-k", "bz", "--timeout", "2.5"), 0);
	cr_assert_eq(c.timeout_ms, 2500);
	cr_assert_eq(PARSE(&c, "-k", "bz", "--timeout", "86400"), 0);
	cr_assert_eq(c.timeout_ms, 86400000);
	cr_assert_eq(PARSE(&c, "-k", "bz", "--timeout", "86400.001"), -EINVAL);
	cr_assert_eq(PARSE(&c, "-k", "bz", "--timeout", "0.1234"), -EINVAL);
	cr_assert_not_null(strstr(err_msg(), "at most 3 decimals"), "%s", err_msg());
	cr_assert_eq(PARSE(&c, "-k", "bz", "--timeout", "1."), -EINVAL);
	cr_assert_eq(PARSE(&c, "-k", "bz", "--timeout", ".5"), -EINVAL);
	cr_assert_eq(PARSE(&c, "-k", "bz", "--timeout", "1.-5"), -EINVAL);
}

Test(config, boot_and_paging_names)
{
	struct config c;

	cr_assert_eq(PARSE(&c, "-k", "bz", "--boot=pvh", "--paging", "off"), 0, "%s", err_msg());
	cr_assert_eq(c.entry.proto, BOOT_PVH);
	cr_assert_not(c.entry.proto_auto);
	cr_assert_eq(c.entry.paging, PAGING_OFF);
	cr_assert_eq(PARSE(&c, "-k", "bz", "--boot=efi"), -EINVAL);
	cr_assert_eq(PARSE(&c, "-k", "bz", "--paging=huge"), -EINVAL);
	cr_assert_eq(PARSE(&c, "-k", "bz", "--boot-cs", "0x28", "--boot-ds", "40"), 0);
	cr_assert_eq(c.entry.cs, 0x28);
	cr_assert_eq(c.entry.ds, 40);
	cr_assert_eq(PARSE(&c, "-k", "bz", "--boot-cs", "0x10000"), -EINVAL);
}

Test(config, fuzz_subcommand_and_its_options)
{
	struct config c;

	cr_assert_eq(PARSE(&c, "fuzz", "--kernel", "bz", "--seed", "0x2a", "--runs", "50",
			   "--fuzz-mode", "wild", "--jobs", "3", "--out", "d", "--run-ms", "1500",
			   "--run-exits", "77", "--check-reset", "--save-states"), 0, "%s", err_msg());
	cr_assert_eq(c.action, CONFIG_FUZZ);
	cr_assert_eq(c.fuzz.seed, 42);
	cr_assert_eq(c.fuzz.runs, 50);
	cr_assert(c.fuzz.wild);
	cr_assert_eq(c.fuzz.jobs, 3);
	cr_assert_str_eq(c.fuzz.out_dir, "d");
	cr_assert_eq(c.fuzz.run_ms, 1500);
	cr_assert_eq(c.fuzz.run_exits, 77);
	cr_assert(c.fuzz.check_reset && c.fuzz.save_states);
	cr_assert_eq(PARSE(&c, "fuzz", "--kernel", "bz"), 0);
	cr_assert_eq(c.fuzz.seed, 1);
	cr_assert_eq(c.fuzz.runs, CONFIG_DEFAULT_FUZZ_RUNS);
	cr_assert_eq(c.fuzz.jobs, 1);
	cr_assert_not(c.fuzz.wild);
	cr_assert_str_eq(c.fuzz.out_dir, CONFIG_DEFAULT_FUZZ_OUT);
}

Test(config, fuzz_options_are_refused_outside_fuzz_and_checked)
{
	struct config c;

	cr_assert_eq(PARSE(&c, "--kernel", "bz", "--seed", "1"), -EINVAL);
	cr_assert_str_eq(err_msg(), "option '--seed' is only for 'vmm fuzz'");
	cr_assert_eq(PARSE(&c, "fuzz", "--kernel", "bz", "--jobs", "0"), -EINVAL);
	cr_assert_eq(PARSE(&c, "fuzz", "--kernel", "bz", "--jobs", "65"), -EINVAL);
	cr_assert_eq(PARSE(&c, "fuzz", "--kernel", "bz", "--runs", "0"), -EINVAL);
	cr_assert_eq(PARSE(&c, "fuzz", "--kernel", "bz", "--run-ms", "0"), -EINVAL);
	cr_assert_eq(PARSE(&c, "fuzz", "--kernel", "bz", "--fuzz-mode", "calm"), -EINVAL);
	cr_assert_str_eq(err_msg(), "--fuzz-mode: 'calm' is not near or wild");
	cr_assert_eq(PARSE(&c, "fuzz"), -EINVAL, "fuzz needs a kernel too");
}

Test(config, cpus_and_no_acpi)
{
	struct config c;

	cr_assert_eq(PARSE(&c, "--kernel", "bz"), 0, "%s", err_msg());
	cr_assert_eq(c.cpus, 1, "one vCPU by default");
	cr_assert_not(c.no_acpi, "ACPI by default");
	cr_assert_eq(PARSE(&c, "--kernel", "bz", "--cpus", "4"), 0, "%s", err_msg());
	cr_assert_eq(c.cpus, 4);
	cr_assert_eq(PARSE(&c, "-k", "bz", "-c", "255"), 0, "%s", err_msg());
	cr_assert_eq(c.cpus, CONFIG_MAX_CPUS);
	cr_assert_eq(PARSE(&c, "--kernel", "bz", "--no-acpi"), 0, "%s", err_msg());
	cr_assert(c.no_acpi);
	cr_assert_eq(c.cpus, 1);
}

Test(config, bad_cpus)
{
	struct config c;

	cr_assert_eq(PARSE(&c, "--kernel", "bz", "--cpus", "0"), -EINVAL);
	cr_assert(strstr(err_msg(), "--cpus"), "%s", err_msg());
	cr_assert_eq(PARSE(&c, "--kernel", "bz", "--cpus", "256"), -EINVAL);
	cr_assert(strstr(err_msg(), "'256'"), "%s", err_msg());
	cr_assert_eq(PARSE(&c, "--kernel", "bz", "--cpus", "two"), -EINVAL);
	cr_assert_eq(PARSE(&c, "--kernel", "bz", "--cpus", "-1"), -EINVAL);
	cr_assert_eq(PARSE(&c, "--kernel", "bz", "--cpus", "2", "--no-acpi"), -EINVAL);
	cr_assert(strstr(err_msg(), "--no-acpi"), "%s", err_msg());
	cr_assert_eq(parse(&c, (const char *const[]){ "vmm", "fuzz", "--kernel", "bz", "--cpus", "2", NULL }),
		     -EINVAL);
	cr_assert(strstr(err_msg(), "fuzz mode runs one vCPU"), "%s", err_msg());
	cr_assert_eq(parse(&c, (const char *const[]){ "vmm", "fuzz", "--kernel", "bz", "--cpus", "1", NULL }),
		     0, "%s", err_msg());
}

#define FUZZ(c, ...) parse(c, (const char *const[]){ "vmm", "fuzz", "--kernel", "bz", __VA_ARGS__, NULL })

Test(config, profile_and_trace)
{
	struct config c;

	cr_assert_eq(PARSE(&c, "--kernel", "bz"), 0, "%s", err_msg());
	cr_assert_eq(c.profile_hz, 0);
	cr_assert_null(c.trace);
	cr_assert_eq(PARSE(&c, "--kernel", "bz", "--profile"), 0, "%s", err_msg());
	cr_assert_eq(c.profile_hz, CONFIG_DEFAULT_PROFILE_HZ);
	cr_assert_str_eq(c.profile_out, CONFIG_DEFAULT_PROFILE_OUT);
	cr_assert_eq(PARSE(&c, "--kernel", "bz", "--profile=250", "--profile-out", "f",
			   "--trace", "t.json", "--symbols", "m"), 0, "%s", err_msg());
	cr_assert_eq(c.profile_hz, 250);
	cr_assert_str_eq(c.profile_out, "f");
	cr_assert_str_eq(c.trace, "t.json");
	cr_assert_str_eq(c.symbols, "m");
	cr_assert_eq(PARSE(&c, "--kernel", "bz", "--trace", "t", "--symbols", "m"), 0, "%s", err_msg());
	cr_assert_eq(PARSE(&c, "--kernel", "bz", "--profile=0"), -EINVAL);
	cr_assert_eq(PARSE(&c, "--kernel", "bz", "--profile=10001"), -EINVAL);
	cr_assert_eq(PARSE(&c, "--kernel", "bz", "--profile=x"), -EINVAL);
	cr_assert_eq(PARSE(&c, "--kernel", "bz", "--trace", ""), -EINVAL);
	cr_assert_eq(FUZZ(&c, "--profile"), -EINVAL, "not in fuzz mode");
	cr_assert(strstr(err_msg(), "--profile"), "%s", err_msg());
}

Test(config, symbols_run_until_and_stability)
{
	struct config c;

	cr_assert_eq(FUZZ(&c, "--symbols", "System.map"), 0, "%s", err_msg());
	cr_assert_str_eq(c.symbols, "System.map");
	cr_assert_eq(FUZZ(&c, "--symbols", ""), -EINVAL);
	cr_assert_eq(PARSE(&c, "--kernel", "bz", "--symbols", "m"), -EINVAL, "only --profile uses them there");
	cr_assert_eq(PARSE(&c, "--kernel", "bz", "--symbols", "m", "--phases"), 0, "%s", err_msg());
	cr_assert(c.phases);
	cr_assert_eq(PARSE(&c, "--kernel", "bz", "--phases"), -EINVAL, "--phases finds its points by name");
	cr_assert(strstr(err_msg(), "--symbols"), "%s", err_msg());
	cr_assert_eq(FUZZ(&c, "--phases", "--symbols", "m"), -EINVAL, "a plain run's");
	cr_assert_eq(PARSE(&c, "--kernel", "bz", "--symbols", "m", "--phase", "kernel", "--phase", "start_kernel"),
		     0, "%s", err_msg());
	cr_assert(c.phases, "--phase implies --phases");
	cr_assert_eq(c.nphase, 2);
	cr_assert_str_eq(c.phase[1], "start_kernel");
	cr_assert_eq(PARSE(&c, "--kernel", "bz", "--phase", "start_kernel"), -EINVAL);
	cr_assert(strstr(err_msg(), "--phase: the points are found by name"), "%s", err_msg());
	cr_assert_eq(PARSE(&c, "--kernel", "bz", "--symbols", "m", "--phase", "a b"), -EINVAL);
	cr_assert(strstr(err_msg(), "'a b' is not a symbol name"), "%s", err_msg());
	_Static_assert(CONFIG_MAX_PHASES == 16, "17 points below");
	cr_assert_eq(PARSE(&c, "--kernel", "bz", "--symbols=m", "--phase=p", "--phase=p", "--phase=p", "--phase=p",
			   "--phase=p", "--phase=p", "--phase=p", "--phase=p", "--phase=p", "--phase=p", "--phase=p",
			   "--phase=p", "--phase=p", "--phase=p", "--phase=p", "--phase=p", "--phase=p"), -EINVAL);
	cr_assert(strstr(err_msg(), "at most 16 points"), "%s", err_msg());
	cr_assert_eq(FUZZ(&c, "--run-until", "kernel"), 0, "%s", err_msg());
	cr_assert_str_eq(c.fuzz.run_until, "kernel");
	cr_assert_eq(FUZZ(&c, "--run-until", "start_kernel", "--symbols", "m"), 0, "%s", err_msg());
	cr_assert_eq(FUZZ(&c, "--run-until", "start_kernel"), -EINVAL, "a symbol needs --symbols");
	cr_assert(strstr(err_msg(), "--symbols"), "%s", err_msg());
	cr_assert_eq(FUZZ(&c, "--run-until", "marker"), -EINVAL, "the marker needs its text");
	cr_assert(strstr(err_msg(), "--timing-marker"), "%s", err_msg());
	cr_assert_eq(FUZZ(&c, "--run-until", "marker", "--timing-marker", "x"), 0, "%s", err_msg());
	cr_assert_eq(FUZZ(&c, "--run-until", "a;b"), -EINVAL);
	cr_assert_eq(PARSE(&c, "--kernel", "bz", "--run-until", "kernel"), -EINVAL, "fuzz mode only");
	cr_assert_eq(FUZZ(&c, "--stability", "3"), 0, "%s", err_msg());
	cr_assert_eq(c.fuzz.stability, 3);
	cr_assert_eq(FUZZ(&c, "--stability", "0"), -EINVAL);
	cr_assert_eq(FUZZ(&c, "--stability", "101"), -EINVAL);
	cr_assert_eq(FUZZ(&c, "--stability", "2", "--jobs", "2"), -EINVAL, "repeats in one process");
}

Test(config, guided_corpus_trace_steps_minimize)
{
	struct config c;

	cr_assert_eq(FUZZ(&c, "--runs", "5"), 0, "%s", err_msg());
	cr_assert(!c.fuzz.guided, "blind by default");
	cr_assert_eq(FUZZ(&c, "--guided", "--corpus", "d", "--trace-steps", "100"), 0, "%s", err_msg());
	cr_assert(c.fuzz.guided);
	cr_assert_str_eq(c.fuzz.corpus, "d");
	cr_assert_eq(c.fuzz.trace_steps, 100);
	cr_assert_eq(FUZZ(&c, "--guided", "--blind"), 0);
	cr_assert(!c.fuzz.guided, "the last one wins");
	cr_assert_eq(FUZZ(&c, "--corpus", "d"), -EINVAL, "a corpus only with --guided");
	cr_assert_eq(FUZZ(&c, "--guided", "--jobs", "2"), -EINVAL, "one corpus per process");
	cr_assert_eq(FUZZ(&c, "--guided", "--stability", "2"), -EINVAL);
	cr_assert_eq(FUZZ(&c, "--trace-steps", "100001"), -EINVAL);
	cr_assert_eq(FUZZ(&c, "--minimize", "s.state", "--minimize-repros"), 0, "%s", err_msg());
	cr_assert_str_eq(c.fuzz.minimize, "s.state");
	cr_assert(c.fuzz.minimize_repros);
	cr_assert_eq(FUZZ(&c, "--minimize", ""), -EINVAL);
	cr_assert_eq(FUZZ(&c, "--minimize", "s", "--jobs", "2"), -EINVAL);
	cr_assert_eq(PARSE(&c, "--kernel", "bz", "--guided"), -EINVAL, "fuzz mode only");
}

Test(config, mutator_image_is_a_step_of_its_own)
{
	struct config c;

	cr_assert_eq(FUZZ(&c, "--fuzz-mode", "wild", "--mutator-image", "v.image"), 0, "%s", err_msg());
	cr_assert_str_eq(c.fuzz.mutator_image, "v.image");
	cr_assert_eq(FUZZ(&c, "--mutator-image", ""), -EINVAL);
	cr_assert_eq(FUZZ(&c, "--mutator-image", "v.image", "--afl"), -EINVAL, "it exits: no --afl with it");
	cr_assert_not_null(strstr(err_msg(), "--mutator-image"), "%s", err_msg());
	cr_assert_eq(FUZZ(&c, "--mutator-image", "v.image", "--minimize", "s"), -EINVAL);
	cr_assert_eq(PARSE(&c, "--kernel", "bz", "--mutator-image", "v"), -EINVAL, "fuzz mode only");
}
