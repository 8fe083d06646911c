/* config.h: the command line of vmm, parsed into a plain struct (no I/O). */
#ifndef VMM_CONFIG_H
#define VMM_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/boot.h"

#define CONFIG_DEFAULT_MEM (256ULL << 20)
#define CONFIG_MIN_MEM (16ULL << 20)
#define CONFIG_MAX_MEM (1ULL << 40)
#define CONFIG_MAX_TIMEOUT 86400 /* --timeout: at most a day */
/* --cpus: xAPIC IDs 0..254 (0xff is the broadcast ID); ACPI_MAX_CPUS agrees. */
#define CONFIG_MAX_CPUS 255
#define CONFIG_MAX_CPUS_STR "255"
/* --phase SYMBOL: at most this many points of the user's own. */
#define CONFIG_MAX_PHASES 16
#define CONFIG_MAX_MARKER 256 /* --timing-marker: bytes */
#define CONFIG_DEFAULT_PROFILE_HZ 1000
#define CONFIG_MAX_PROFILE_HZ 10000
#define CONFIG_DEFAULT_PROFILE_OUT "vmm-profile.folded"
#define CONFIG_DEFAULT_APPEND "console=ttyS0 reboot=k panic=-1"

enum config_action { CONFIG_RUN, CONFIG_HELP, CONFIG_VERSION, CONFIG_FUZZ };

#define CONFIG_MAX_JOBS 64
#define CONFIG_DEFAULT_FUZZ_RUNS 1000
#define CONFIG_DEFAULT_RUN_MS 2000
#define CONFIG_DEFAULT_RUN_EXITS 1000000
#define CONFIG_DEFAULT_FUZZ_OUT "vmm-fuzz-out"

/* `vmm fuzz ...` (README "Fuzzing entry states"). */
struct config_fuzz {
	uint64_t seed, runs;
	bool wild;		/* --fuzz-mode wild (else near) */
	uint32_t jobs;
	const char *out_dir;	/* repro files (and --save-states) */
	uint32_t run_ms;	/* per-run time limit */
	uint64_t run_exits;	/* per-run exit limit */
	bool check_reset;	/* compare every block and page after each reset */
	bool hot_pages;		/* --hot-pages: pages written in 2 runs stay writable */
	bool save_states;	/* write every run's state file */
	const char *run_until;	/* --run-until POINT: NULL, kernel, start_kernel, marker,
				   userspace or a symbol (README "Progress points") */
	uint32_t stability;	/* --stability K: each state run K times in all (0, 1: once) */
	bool guided;		/* --guided: states from the corpus (else --blind, the default) */
	const char *corpus;	/* --corpus DIR: seeds read, new-coverage states written */
	uint32_t trace_steps;	/* --trace-steps N: single-step the first N instructions */
	const char *minimize;	/* --minimize STATE: reduce it and exit */
	bool minimize_repros;	/* --minimize-repros: every new signature's repro */
	bool kcov;		/* --kcov: the host's KVM code into the map, where KCOV is */
	bool afl;		/* --afl[=FILE]: a target for afl-fuzz (README "AFL++") */
	const char *afl_input;	/* its test case: FILE (afl-fuzz's @@), or NULL: stdin */
	const char *mutator_image; /* --mutator-image FILE: write it for vmm-afl-mutator.so, exit */
};
#define CONFIG_MAX_TRACE_STEPS 100000
#define CONFIG_MAX_STABILITY 100

struct config {
	enum config_action action;
	const char *kernel;
	const char *initrd; /* NULL: none */
	const char *append;
	uint64_t mem;
	uint32_t cpus;	/* --cpus: 1..CONFIG_MAX_CPUS */
	bool no_acpi;	/* --no-acpi: no tables, today's uniprocessor PC */
	bool verbose;
	/* Entry state (README "Entry states"). */
	struct entry_options entry; /* proto, paging (or auto), pages, selectors */
	bool keep_segments;
	uint32_t hardware_subarch;
	bool dump_entry_state;
	const char *entry_state_file; /* NULL: none */
	bool no_validate;
	const char *extract_vmlinux; /* --extract-vmlinux OUT: write the payload, exit */
	const char *payload_cache;   /* --payload-cache DIR; NULL: the default place */
	bool no_payload_cache;	     /* --no-payload-cache */
	uint32_t timeout_ms;	     /* --timeout: 0 = none */
	bool no_seccomp;
	bool no_serial_coalescing; /* --no-serial-coalescing: every THR write exits */
	enum config_timing { TIMING_OFF, TIMING_TEXT, TIMING_JSON } timing; /* --timing[=json] */
	const char *timing_marker; /* --timing-marker: serial text that means "booted" */
	const char *symbols;	   /* --symbols FILE: System.map or an ELF vmlinux with .symtab */
	uint32_t profile_hz;	   /* --profile[=HZ]: samples per second per vCPU; 0: off */
	const char *profile_out;   /* --profile-out FILE: the folded stacks */
	const char *trace;	   /* --trace FILE: Chrome trace-event JSON; NULL: none */
	bool phases;		   /* --phases: the kernel's boot points and initcalls by breakpoints */
	const char *phase[CONFIG_MAX_PHASES]; /* --phase SYMBOL...: these points instead, in order */
	unsigned nphase;
	struct config_fuzz fuzz;
};

/*
 * Parse argv. Returns 0 or -EINVAL with err_msg() naming the option.
 * Strings point into argv.
 */
int config_parse(int argc, char **argv, struct config *cfg);

/* Parse a size like "256M", "1G", "65536K" or "512" (MiB). */
int config_parse_size(const char *s, uint64_t *out);

/* The --help text. */
extern const char config_usage[];

#endif
