/* libfuzzer.c: vmm-libfuzzer, a libFuzzer target over the run of `vmm fuzz --afl`: each input is a state file run in one VM, the run's map as libFuzzer's extra counters, new inputs from vmm's own mutator; vmm's options are the arguments that start with "--" (libFuzzer ignores those). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/err.h"
#include "vmm/config.h"
#include "vmm/exitcode.h"
#include "vmm/fuzz/afl_mutate.h"
#include "vmm/fuzz/worker.h"
#include "vmm/timing.h"

/* compiler-rt lib/fuzzer/FuzzerExtraCounters.cpp: bytes in this section count as coverage,
 * cleared by libFuzzer before each input. */
__attribute__((section("__libfuzzer_extra_counters"))) static uint8_t extra_counters[COVMAP_SIZE];

#define MAX_ARGS 128

/* libFuzzer's entry points (compiler-rt lib/fuzzer/FuzzerInterface.h). */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2,
				 size_t size2, uint8_t *out, size_t max_out_size, unsigned int seed);

static struct config cfg;
static struct timing timeline;
static struct worker w;

/* vmm's mutator (afl_mutate(), as in vmm-afl-mutator.so with VMM_MUTATOR_IMAGE) over a copy
 * of what it reads of the image, taken before the first run dirties guest RAM. */
static struct mutator_image image;
static struct guest_mem image_mem;
static struct afl_mutate mutator;
static char mutated[1 << 16];

static int mutator_setup(void)
{
	int r = mutator_image_make(&image, &w.m->mem, &w.m->entry, w.m->pt.bytes, cfg.fuzz.wild);

	if (r == 0)
		r = mutator_image_map(&image, &image_mem);
	if (r == 0)
		mutator = (struct afl_mutate){ .ti = &image, .mem = &image_mem };
	return r;
}

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
	if (mutator_setup() < 0) {
		fprintf(stderr, "vmm-libfuzzer: %s\n", err_msg());
		exit(VMM_EXIT_HOST);
	}
	fprintf(stderr, "vmm-libfuzzer: new inputs from vmm's mutator (%s mode: its field classes "
		"3 times in 4, text edits 1 in 4), not libFuzzer's byte mutations\n",
		cfg.fuzz.wild ? "wild" : "near");
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

/* libFuzzer's byte mutations break the state-file format almost every time (as AFL++'s
 * havoc does), so every new input is vmm's mutator's; a state file in, a state file out. */
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	uint64_t rng = seed;
	size_t n = afl_mutate(&mutator, (const char *)data, size, NULL, 0, &rng, mutated,
			      max_size < sizeof(mutated) ? max_size : sizeof(mutated));

	if (n == 0)
		return size; /* nothing fits in max_size: the input as it is */
	memcpy(data, mutated, n);
	return n;
}

/* A second input: afl_mutate() splices its fields in one draw in 4, takes values from it in
 * text edits. */
size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2,
				 size_t size2, uint8_t *out, size_t max_out_size, unsigned int seed)
{
	uint64_t rng = seed;

	return afl_mutate(&mutator, (const char *)data1, size1, (const char *)data2, size2, &rng,
			  (char *)out, max_out_size);
}
