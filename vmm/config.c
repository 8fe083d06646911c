/* config.c: getopt_long-based parsing of vmm's options, with one-line errors. */
#include "vmm/config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/err.h"

enum long_only {
	OPT_BOOT = 0x100, OPT_PAGING, OPT_LARGE_PAGES, OPT_BOOT_CS, OPT_BOOT_DS,
	OPT_KEEP_SEGMENTS, OPT_SUBARCH, OPT_DUMP, OPT_ENTRY_STATE, OPT_NO_VALIDATE,
	OPT_EXTRACT, OPT_PAYLOAD_CACHE, OPT_NO_PAYLOAD_CACHE, OPT_TIMEOUT, OPT_NO_SECCOMP, OPT_NO_SERIAL_COALESCING, OPT_TIMING, OPT_TIMING_MARKER,
	OPT_NO_ACPI, OPT_SYMBOLS, OPT_PROFILE, OPT_PROFILE_OUT, OPT_TRACE, OPT_PHASES, OPT_PHASE,
	/* fuzz mode only: */
	OPT_SEED = 0x200, OPT_RUNS, OPT_FUZZ_MODE, OPT_JOBS, OPT_OUT, OPT_RUN_MS, OPT_RUN_EXITS,
	OPT_CHECK_RESET, OPT_HOT_PAGES, OPT_SAVE_STATES, OPT_RUN_UNTIL, OPT_STABILITY, OPT_GUIDED, OPT_BLIND,
	OPT_CORPUS, OPT_TRACE_STEPS, OPT_MINIMIZE, OPT_MINIMIZE_REPROS, OPT_AFL, OPT_KCOV, OPT_MUTATOR_IMAGE,
};

static const struct option options[] = {
	{ "kernel", required_argument, NULL, 'k' },
	{ "initrd", required_argument, NULL, 'i' },
	{ "append", required_argument, NULL, 'a' },
	{ "mem", required_argument, NULL, 'm' },
	{ "cpus", required_argument, NULL, 'c' },
	{ "no-acpi", no_argument, NULL, OPT_NO_ACPI },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "boot", required_argument, NULL, OPT_BOOT },
	{ "paging", required_argument, NULL, OPT_PAGING },
	{ "large-pages", no_argument, NULL, OPT_LARGE_PAGES },
	{ "boot-cs", required_argument, NULL, OPT_BOOT_CS },
	{ "boot-ds", required_argument, NULL, OPT_BOOT_DS },
	{ "keep-segments", no_argument, NULL, OPT_KEEP_SEGMENTS },
	{ "hardware-subarch", required_argument, NULL, OPT_SUBARCH },
	{ "dump-entry-state", no_argument, NULL, OPT_DUMP },
	{ "entry-state", required_argument, NULL, OPT_ENTRY_STATE },
	{ "no-validate", no_argument, NULL, OPT_NO_VALIDATE },
	{ "extract-vmlinux", required_argument, NULL, OPT_EXTRACT },
	{ "payload-cache", required_argument, NULL, OPT_PAYLOAD_CACHE },
	{ "no-payload-cache", no_argument, NULL, OPT_NO_PAYLOAD_CACHE },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "no-seccomp", no_argument, NULL, OPT_NO_SECCOMP },
	{ "no-serial-coalescing", no_argument, NULL, OPT_NO_SERIAL_COALESCING },
	{ "timing", optional_argument, NULL, OPT_TIMING },
	{ "timing-marker", required_argument, NULL, OPT_TIMING_MARKER },
	{ "symbols", required_argument, NULL, OPT_SYMBOLS },
	{ "profile", optional_argument, NULL, OPT_PROFILE },
	{ "profile-out", required_argument, NULL, OPT_PROFILE_OUT },
	{ "trace", required_argument, NULL, OPT_TRACE },
	{ "phases", no_argument, NULL, OPT_PHASES },
	{ "phase", required_argument, NULL, OPT_PHASE },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "runs", required_argument, NULL, OPT_RUNS },
	{ "fuzz-mode", required_argument, NULL, OPT_FUZZ_MODE },
	{ "jobs", required_argument, NULL, OPT_JOBS },
	{ "out", required_argument, NULL, OPT_OUT },
	{ "run-ms", required_argument, NULL, OPT_RUN_MS },
	{ "run-exits", required_argument, NULL, OPT_RUN_EXITS },
	{ "check-reset", no_argument, NULL, OPT_CHECK_RESET },
	{ "hot-pages", no_argument, NULL, OPT_HOT_PAGES },
	{ "save-states", no_argument, NULL, OPT_SAVE_STATES },
	{ "run-until", required_argument, NULL, OPT_RUN_UNTIL },
	{ "stability", required_argument, NULL, OPT_STABILITY },
	{ "guided", no_argument, NULL, OPT_GUIDED },
	{ "blind", no_argument, NULL, OPT_BLIND },
	{ "corpus", required_argument, NULL, OPT_CORPUS },
	{ "trace-steps", required_argument, NULL, OPT_TRACE_STEPS },
	{ "minimize", required_argument, NULL, OPT_MINIMIZE },
	{ "minimize-repros", no_argument, NULL, OPT_MINIMIZE_REPROS },
	{ "afl", optional_argument, NULL, OPT_AFL },
	{ "kcov", no_argument, NULL, OPT_KCOV },
	{ "mutator-image", required_argument, NULL, OPT_MUTATOR_IMAGE },
	{ NULL, 0, NULL, 0 },
};

static int parse_timing(const char *arg, struct config *cfg)
{
	if (!arg || !strcmp(arg, "text"))
		cfg->timing = TIMING_TEXT;
	else if (!strcmp(arg, "json"))
		cfg->timing = TIMING_JSON;
	else
		return errf(-EINVAL, "--timing: '%s' is not text or json", arg);
	return 0;
}

static int parse_marker(const char *arg, struct config *cfg)
{
	size_t len = strlen(arg);

	if (len == 0 || len > CONFIG_MAX_MARKER)
		return errf(-EINVAL, "--timing-marker: %zu bytes (1..%d allowed)", len,
			    CONFIG_MAX_MARKER);
	cfg->timing_marker = arg;
	if (cfg->timing == TIMING_OFF)
		cfg->timing = TIMING_TEXT;
	return 0;
}

static int unit_shift(const char *suffix, unsigned *shift)
{
	static const char units[] = "KMGT";
	const char *p;

	if (*suffix == '\0') {
		*shift = 20; /* a bare number is MiB, as in QEMU's -m */
		return 0;
	}
	/* strchr() would match the terminator for a NUL (or ' ' & ~0x20). */
	p = (suffix[0] & ~0x20) ? strchr(units, suffix[0] & ~0x20) : NULL;
	if (!p || suffix[1] != '\0')
		return -EINVAL;
	*shift = 10 * (unsigned)(p - units + 1);
	return 0;
}

int config_parse_size(const char *s, uint64_t *out)
{
	uint64_t n = 0;
	unsigned shift;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return errf(-EINVAL, "--mem: '%s' is not a size (e.g. 256M, 1G)", s);
	for (; *p >= '0' && *p <= '9'; p++) {
		if (__builtin_mul_overflow(n, 10, &n) ||
		    __builtin_add_overflow(n, (uint64_t)(*p - '0'), &n))
			return errf(-EINVAL, "--mem: '%s' is too large", s);
	}
	if (unit_shift(p, &shift) < 0)
		return errf(-EINVAL, "--mem: '%s' has an unknown unit (use K, M, G or T)", s);
	if (n > (UINT64_MAX >> shift))
		return errf(-EINVAL, "--mem: '%s' is too large", s);
	*out = n << shift;
	return 0;
}

static int check_mem(const char *arg, uint64_t mem)
{
	if (mem < CONFIG_MIN_MEM || mem > CONFIG_MAX_MEM)
		return errf(-EINVAL, "--mem: '%s' is outside 16M..1T", arg);
	if (mem & 0xfff)
		return errf(-EINVAL, "--mem: '%s' is not a multiple of 4 KiB", arg);
	return 0;
}

static int parse_u32(const char *opt, const char *s, uint32_t max, uint32_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-' || v > max)
		return errf(-EINVAL, "%s: '%s' is not a number in 0..0x%x", opt, s, max);
	*out = (uint32_t)v;
	return 0;
}

/* SECONDS as "N" or "N.F" with up to 3 decimals (0.25 = 250 ms), at most `max_s`; in ms. */
static int parse_seconds(const char *opt, const char *s, uint32_t max_s, uint32_t *out_ms)
{
	uint32_t whole, frac = 0, scale = 100;
	const char *dot = strchr(s, '.');
	char buf[16];
	size_t n = dot ? (size_t)(dot - s) : strlen(s);

	if (n == 0 || n >= sizeof(buf))
		return errf(-EINVAL, "%s: '%s' is not a number of seconds in 0..%u", opt, s, max_s);
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (parse_u32(opt, buf, max_s, &whole) < 0)
		return errf(-EINVAL, "%s: '%s' is not a number of seconds in 0..%u", opt, s, max_s);
	for (const char *p = dot ? dot + 1 : ""; *p; p++, scale /= 10) {
		if (*p < '0' || *p > '9' || scale == 0)
			return errf(-EINVAL, "%s: '%s' is not a number of seconds in 0..%u (at most 3 decimals)",
				    opt, s, max_s);
		frac += (uint32_t)(*p - '0') * scale;
	}
	if (dot && !dot[1])
		return errf(-EINVAL, "%s: '%s' is not a number of seconds in 0..%u", opt, s, max_s);
	if (whole == max_s && frac)
		return errf(-EINVAL, "%s: '%s' is more than %u seconds", opt, s, max_s);
	*out_ms = whole * 1000 + frac;
	return 0;
}

static int parse_cpus(const char *s, struct config *cfg)
{
	int r = parse_u32("--cpus", s, CONFIG_MAX_CPUS, &cfg->cpus);

	if (r == 0 && cfg->cpus == 0)
		return errf(-EINVAL, "--cpus: 0 vCPUs (at least 1)");
	return r;
}

static int parse_selector(const char *opt, const char *s, uint16_t *out)
{
	uint32_t v;
	int r = parse_u32(opt, s, 0xffff, &v);

	if (r == 0 && v == 0)
		return errf(-EINVAL, "%s: 0 is the null selector", opt);
	*out = (uint16_t)v;
	return r;
}

static int parse_boot(const char *s, struct config *cfg)
{
	cfg->entry.proto_auto = !strcmp(s, "auto");
	if (cfg->entry.proto_auto || boot_proto_parse(s, &cfg->entry.proto) == 0)
		return 0;
	return errf(-EINVAL, "--boot: '%s' is not auto, linux32, linux64, elf, pvh or elf32", s);
}

static int parse_paging(const char *s, struct config *cfg)
{
	cfg->entry.paging_auto = !strcmp(s, "auto");
	if (cfg->entry.paging_auto)
		return 0;
	for (enum paging_mode m = PAGING_OFF; m <= PAGING_LONG; m++) {
		if (!strcmp(s, paging_mode_name(m))) {
			cfg->entry.paging = m;
			return 0;
		}
	}
	return errf(-EINVAL, "--paging: '%s' is not auto, off, nonpae, pae or long", s);
}

static int parse_entry_option(int opt, struct config *cfg)
{
	switch (opt) {
	case OPT_BOOT: return parse_boot(optarg, cfg);
	case OPT_PAGING: return parse_paging(optarg, cfg);
	case OPT_LARGE_PAGES: cfg->entry.large_pages = true; return 0;
	case OPT_BOOT_CS: return parse_selector("--boot-cs", optarg, &cfg->entry.cs);
	case OPT_BOOT_DS: return parse_selector("--boot-ds", optarg, &cfg->entry.ds);
	case OPT_KEEP_SEGMENTS: cfg->keep_segments = true; return 0;
	case OPT_SUBARCH:
		return parse_u32("--hardware-subarch", optarg, UINT32_MAX,
				 &cfg->hardware_subarch);
	case OPT_DUMP: cfg->dump_entry_state = true; return 0;
	case OPT_ENTRY_STATE: cfg->entry_state_file = optarg; return 0;
	case OPT_NO_VALIDATE: cfg->no_validate = true; return 0;
	case OPT_EXTRACT: cfg->extract_vmlinux = optarg; return 0;
	case OPT_PAYLOAD_CACHE:
		if (!*optarg)
			return errf(-EINVAL, "--payload-cache: empty directory name");
		cfg->payload_cache = optarg;
		return 0;
	case OPT_NO_PAYLOAD_CACHE: cfg->no_payload_cache = true; return 0;
	case OPT_TIMEOUT:
		return parse_seconds("--timeout", optarg, CONFIG_MAX_TIMEOUT, &cfg->timeout_ms);
	case OPT_NO_SECCOMP: cfg->no_seccomp = true; return 0;
	case OPT_NO_SERIAL_COALESCING: cfg->no_serial_coalescing = true; return 0;
	case OPT_TIMING: return parse_timing(optarg, cfg);
	case OPT_TIMING_MARKER: return parse_marker(optarg, cfg);
	case OPT_NO_ACPI: cfg->no_acpi = true; return 0;
	case OPT_SYMBOLS:
		if (!*optarg)
			return errf(-EINVAL, "--symbols: empty file name");
		cfg->symbols = optarg;
		return 0;
	default: return -EINVAL;
	}
}

static int parse_u64(const char *opt, const char *s, uint64_t min, uint64_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-' || v < min)
		return errf(-EINVAL, "%s: '%s' is not a number of at least %llu", opt, s,
			    (unsigned long long)min);
	*out = v;
	return 0;
}

static const char *option_name(int val)
{
	for (const struct option *o = options; o->name; o++)
		if (o->val == val)
			return o->name;
	return "?";
}

static int parse_fuzz_mode(const char *s, struct config_fuzz *f)
{
	if (strcmp(s, "near") && strcmp(s, "wild"))
		return errf(-EINVAL, "--fuzz-mode: '%s' is not near or wild", s);
	f->wild = !strcmp(s, "wild");
	return 0;
}

/* A point's name: a symbol (C identifier characters and '.'), or vmm's own name for one. */
static bool point_name(const char *s)
{
	if (!*s || strlen(s) > 127)
		return false;
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.')
			return false;
	return true;
}

/* --phase SYMBOL: one more point of the user's list (and --phases on). */
static int parse_phase(const char *s, struct config *cfg)
{
	if (!point_name(s))
		return errf(-EINVAL, "--phase: '%s' is not a symbol name", s);
	if (cfg->nphase == CONFIG_MAX_PHASES)
		return errf(-EINVAL, "--phase %s: at most %d points", s, CONFIG_MAX_PHASES);
	cfg->phase[cfg->nphase++] = s;
	cfg->phases = true;
	return 0;
}

/* --profile[=HZ], --profile-out FILE, --trace FILE, --phases, --phase SYMBOL. */
static int parse_profile_option(int opt, const char *arg, struct config *cfg)
{
	int r;

	switch (opt) {
	case OPT_PROFILE:
		cfg->profile_hz = CONFIG_DEFAULT_PROFILE_HZ;
		if (!arg)
			return 0;
		r = parse_u32("--profile", arg, CONFIG_MAX_PROFILE_HZ, &cfg->profile_hz);
		return r == 0 && cfg->profile_hz == 0 ? errf(-EINVAL, "--profile=0: no samples") : r;
	case OPT_PHASES:
		cfg->phases = true;
		return 0;
	case OPT_PHASE:
		return parse_phase(arg, cfg);
	case OPT_PROFILE_OUT:
	case OPT_TRACE:
		if (!*arg)
			return errf(-EINVAL, "--%s: empty file name", option_name(opt));
		*(opt == OPT_TRACE ? &cfg->trace : &cfg->profile_out) = arg;
		return 0;
	default:
		return -EINVAL;
	}
}

/* Run mode uses --symbols only for --profile and --phases (which needs them); fuzz mode
 * does not profile. */
static int check_profile(const struct config *cfg)
{
	if (cfg->action == CONFIG_FUZZ && (cfg->profile_hz || cfg->trace || cfg->phases))
		return errf(-EINVAL, "--profile, --trace and --phases are for a plain run, not 'vmm fuzz'");
	if (cfg->action == CONFIG_RUN && cfg->phases && !cfg->symbols)
		return errf(-EINVAL, "--phase%s: the points are found by name: give --symbols",
			    cfg->nphase ? "" : "s");
	if (cfg->action == CONFIG_RUN && cfg->symbols && !cfg->profile_hz && !cfg->trace &&
	    !cfg->phases)
		return errf(-EINVAL, "--symbols: a plain run uses the symbols only with --profile or --phases");
	return 0;
}

/* A point's name: a built-in one or a symbol (C identifier characters and '.'). */
static int parse_run_until(const char *s, struct config_fuzz *f)
{
	if (!point_name(s))
		return errf(-EINVAL, "--run-until: '%s' is not a point name (kernel, "
			    "start_kernel, marker, userspace or a symbol)", s);
	f->run_until = s;
	return 0;
}

/* What a --run-until point needs that other options give. */
static int check_run_until(const struct config *cfg)
{
	const char *p = cfg->fuzz.run_until;

	if (!p || !strcmp(p, "kernel"))
		return 0;
	if (!strcmp(p, "marker"))
		return cfg->timing_marker ? 0 :
		       errf(-EINVAL, "--run-until marker: give the marker with --timing-marker");
	return cfg->symbols ? 0 :
	       errf(-EINVAL, "--run-until %s: give the kernel's symbols with --symbols System.map", p);
}

/* The options of guided fuzzing and minimization (README "Feedback, corpus, minimization"). */
static int parse_guided_option(int opt, struct config_fuzz *f)
{
	switch (opt) {
	case OPT_GUIDED: f->guided = true; return 0;
	case OPT_BLIND: f->guided = false; return 0;
	case OPT_MINIMIZE_REPROS: f->minimize_repros = true; return 0;
	case OPT_KCOV: f->kcov = true; return 0;
	case OPT_AFL:
		if (optarg && !*optarg)
			return errf(-EINVAL, "--afl=: empty test-case file name");
		f->afl = true;
		f->afl_input = optarg;
		return 0;
	case OPT_TRACE_STEPS:
		return parse_u32("--trace-steps", optarg, CONFIG_MAX_TRACE_STEPS, &f->trace_steps);
	case OPT_CORPUS:
	case OPT_MINIMIZE:
	case OPT_MUTATOR_IMAGE:
		if (!*optarg)
			return errf(-EINVAL, "--%s: empty name", option_name(opt));
		*(opt == OPT_CORPUS ? &f->corpus : opt == OPT_MINIMIZE ? &f->minimize : &f->mutator_image) = optarg;
		return 0;
	default: return -EINVAL;
	}
}

/* Combinations the guided mode does not take (yet). */
static int check_guided(const struct config_fuzz *f)
{
	if (f->guided && f->jobs > 1)
		return errf(-EINVAL, "--guided: one corpus per process: drop --jobs");
	if (f->guided && f->stability > 1)
		return errf(-EINVAL, "--guided: a state depends on the corpus so far, --stability cannot repeat it");
	if (f->corpus && !f->guided)
		return errf(-EINVAL, "--corpus %s: only with --guided", f->corpus);
	if (f->minimize && (f->jobs > 1 || f->stability > 1))
		return errf(-EINVAL, "--minimize: one process, no --jobs or --stability");
	if (f->afl && (f->jobs > 1 || f->stability > 1 || f->guided || f->minimize || f->minimize_repros ||
		       f->save_states))
		return errf(-EINVAL, "--afl: afl-fuzz chooses the states and keeps the findings: drop "
			    "--jobs, --stability, --guided, --minimize, --minimize-repros and --save-states");
	if (f->mutator_image && (f->afl || f->minimize))
		return errf(-EINVAL, "--mutator-image: writes the file and exits: run --afl or --minimize apart");
	return 0;
}

static int parse_fuzz_option(int opt, struct config *cfg)
{
	struct config_fuzz *f = &cfg->fuzz;
	int r;

	if (cfg->action != CONFIG_FUZZ)
		return errf(-EINVAL, "option '--%s' is only for 'vmm fuzz'", option_name(opt));
	switch (opt) {
	case OPT_SEED: return parse_u64("--seed", optarg, 0, &f->seed);
	case OPT_RUNS: return parse_u64("--runs", optarg, 1, &f->runs);
	case OPT_FUZZ_MODE: return parse_fuzz_mode(optarg, f);
	case OPT_JOBS:
		r = parse_u32("--jobs", optarg, CONFIG_MAX_JOBS, &f->jobs);
		return r == 0 && f->jobs == 0 ? errf(-EINVAL, "--jobs: 0 workers") : r;
	case OPT_OUT:
		if (!*optarg)
			return errf(-EINVAL, "--out: empty directory name");
		f->out_dir = optarg;
		return 0;
	case OPT_RUN_MS:
		r = parse_u32("--run-ms", optarg, CONFIG_MAX_TIMEOUT * 1000U, &f->run_ms);
		return r == 0 && f->run_ms == 0 ? errf(-EINVAL, "--run-ms: 0 ms") : r;
	case OPT_RUN_EXITS: return parse_u64("--run-exits", optarg, 1, &f->run_exits);
	case OPT_CHECK_RESET: f->check_reset = true; return 0;
	case OPT_HOT_PAGES: f->hot_pages = true; return 0;
	case OPT_SAVE_STATES: f->save_states = true; return 0;
	case OPT_RUN_UNTIL: return parse_run_until(optarg, f);
	case OPT_STABILITY:
		r = parse_u32("--stability", optarg, CONFIG_MAX_STABILITY, &f->stability);
		return r == 0 && f->stability == 0 ? errf(-EINVAL, "--stability: 0 runs") : r;
	default: return parse_guided_option(opt, f);
	}
}

static int parse_one(int opt, struct config *cfg)
{
	int r;

	if (opt >= OPT_SEED)
		return parse_fuzz_option(opt, cfg);
	if (opt == OPT_PROFILE || opt == OPT_PROFILE_OUT || opt == OPT_TRACE || opt == OPT_PHASES ||
	    opt == OPT_PHASE)
		return parse_profile_option(opt, optarg, cfg);
	if (opt >= OPT_BOOT)
		return parse_entry_option(opt, cfg);
	switch (opt) {
	case 'k': cfg->kernel = optarg; return 0;
	case 'i': cfg->initrd = optarg; return 0;
	case 'a': cfg->append = optarg; return 0;
	case 'v': cfg->verbose = true; return 0;
	case 'c': return parse_cpus(optarg, cfg);
	case 'h': cfg->action = CONFIG_HELP; return 0;
	case 'V': cfg->action = CONFIG_VERSION; return 0;
	case 'm':
		r = config_parse_size(optarg, &cfg->mem);
		return r < 0 ? r : check_mem(optarg, cfg->mem);
	default:
		return -EINVAL;
	}
}

/* Whether `arg` is the long form ("--name" or "--name=...") of option `val`. */
static bool is_long_form(const char *arg, int val)
{
	if (strncmp(arg, "--", 2))
		return false;
	for (const struct option *o = options; o->name; o++) {
		size_t n = strlen(o->name);

		if (o->val == val && !strncmp(arg + 2, o->name, n) &&
		    (arg[2 + n] == '\0' || arg[2 + n] == '='))
			return true;
	}
	return false;
}

/* getopt_long() returned '?' (unknown option) or ':' (missing value). An
 * unknown long option (optopt 0) or a long one without its value is the
 * argument getopt stopped at; a short one, also inside a cluster like -vz
 * where that argument is not the culprit, is named by optopt. */
static int option_error(int opt, char **argv)
{
	const char *what = opt == '?' ? "unknown option" : "option";
	const char *tail = opt == '?' ? "" : " needs a value";
	const char *arg = argv[optind - 1];

	if (optopt == 0 || is_long_form(arg, optopt) || !isgraph(optopt) || optopt >= 0x80)
		return errf(-EINVAL, "%s '%s'%s", what, arg, tail);
	return errf(-EINVAL, "%s '-%c'%s", what, optopt, tail);
}

int config_parse(int argc, char **argv, struct config *cfg)
{
	int opt, r;

	*cfg = (struct config){ .action = CONFIG_RUN, .append = CONFIG_DEFAULT_APPEND,
				.mem = CONFIG_DEFAULT_MEM, .cpus = 1,
				.profile_out = CONFIG_DEFAULT_PROFILE_OUT,
				.entry = { .proto_auto = true, .paging_auto = true },
				.fuzz = { .seed = 1, .runs = CONFIG_DEFAULT_FUZZ_RUNS, .jobs = 1,
					  .out_dir = CONFIG_DEFAULT_FUZZ_OUT,
					  .run_ms = CONFIG_DEFAULT_RUN_MS,
					  .run_exits = CONFIG_DEFAULT_RUN_EXITS } };
	/* `vmm fuzz OPTIONS`: the word is the subcommand; getopt starts after it. */
	if (argc > 1 && !strcmp(argv[1], "fuzz")) {
		cfg->action = CONFIG_FUZZ;
		argc--;
		argv++;
	}
	/* 0, not 1: glibc then also forgets its place inside a cluster of short
	 * options (-vz...) of an earlier argv (getopt(3), NOTES). */
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":k:i:a:m:c:vhV", options, NULL)) != -1) {
		if (opt == '?' || opt == ':')
			return option_error(opt, argv);
		r = parse_one(opt, cfg);
		if (r < 0)
			return r;
	}
	if (optind < argc)
		return errf(-EINVAL, "unexpected argument '%s'", argv[optind]);
	if ((cfg->action == CONFIG_RUN || cfg->action == CONFIG_FUZZ) && !cfg->kernel)
		return errf(-EINVAL, "missing --kernel PATH");
	/* Without a MADT the guest finds no other processor (no MP table either). */
	if (cfg->no_acpi && cfg->cpus > 1)
		return errf(-EINVAL, "--cpus %u needs ACPI (the MADT lists the vCPUs): drop --no-acpi",
			    cfg->cpus);
	if (cfg->action == CONFIG_FUZZ && (check_run_until(cfg) < 0 || check_guided(&cfg->fuzz) < 0))
		return -EINVAL;
	if (check_profile(cfg) < 0)
		return -EINVAL;
	if (cfg->fuzz.stability > 1 && cfg->fuzz.jobs > 1)
		return errf(-EINVAL, "--stability %u: the repeats run in one process: drop --jobs",
			    cfg->fuzz.stability);
	/* The fuzz mode's reset puts back one vCPU's state. */
	if (cfg->action == CONFIG_FUZZ && cfg->cpus > 1)
		return errf(-EINVAL, "--cpus %u: fuzz mode runs one vCPU (the entry state is the boot CPU's)",
			    cfg->cpus);
	return 0;
}
