/* libfuzzer.c: vmm-libfuzzer, a libFuzzer target over the run of `vmm fuzz --afl`: each input is a state file run in one VM, the run's map as libFuzzer's extra counters; vmm's options are the arguments that start with "--" (libFuzzer ignores those). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/err.h"
#include "vmm/config.h"
#include "vmm/exitcode.h"
#include "vmm/fuzz/worker.h"
#include "vmm/timing.h"

/* compiler-rt lib/fuzzer/FuzzerExtraCounters.cpp: bytes in this section count as coverage,
 * cleared by libFuzzer before each input. */
__attribute__((section("__libfuzzer_extra_counters"))) static uint8_t extra_counters[COVMAP_SIZE];

#define MAX_ARGS 128

/* libFuzzer's entry points (compiler-rt lib/fuzzer/FuzzerInterface.h). */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct config cfg;
static struct timing timeline;
static struct worker w;

/* "vmm fuzz" and every "--name=value" argument, as vmm's parser takes them. */
static int vmm_arguments(int argc, char **argv, char **out)
{
	static char fuzz_action[] = "fuzz";
	int n = 0;

	out[n++] = argv[0];
	out[n++] = fuzz_action;
	for (int i = 1; i < argc && n < MAX_ARGS - 1; i++)
		if (!strncmp(argv[i], "--", 2))
			out[n++] = argv[i];
	out[n] = NULL;
	return n;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *args[MAX_ARGS];
	int n = vmm_arguments(*argc, *argv, args);

	timing_start(&timeline, timing_now());
	signal(SIGPIPE, SIG_IGN);
	if (config_parse(n, args, &cfg) < 0 || cfg.action != CONFIG_FUZZ) {
		fprintf(stderr, "vmm-libfuzzer: %s (give vmm's options as --name=value)\n", err_msg());
		exit(VMM_EXIT_USAGE); /* this is the target's main: libFuzzer has no error return */
	}
	if (cfg.fuzz.afl || cfg.fuzz.jobs > 1 || cfg.fuzz.guided || cfg.fuzz.minimize) {
		fprintf(stderr, "vmm-libfuzzer: libFuzzer chooses the inputs: drop --afl, --jobs, --guided and --minimize\n");
		exit(VMM_EXIT_USAGE);
	}
	if (fuzz_worker_open(&cfg, &timeline, 0, stdout, &w) < 0)
		exit(VMM_EXIT_USAGE);
	w.fb->export = extra_counters;
	w.fb->export_len = sizeof(extra_counters);
	return 0;
}

/* A crash class aborts, as libFuzzer expects of a target (run it with -fork=N
 * -ignore_crashes=1 to go on past them); every other outcome is a plain return. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_outcome o;

	if (!fuzz_run_test_case(&w, (const char *)data, size, &o))
		return 0;
	if (fuzz_outcome_is_crash(o.cls)) {
		fuzz_print_test_case(stderr, &w, &o);
		abort();
	}
	return 0;
}
