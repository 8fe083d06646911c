/* main.c: vmm's entry point: options -> machine -> run -> exit status; the only place that exits. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/std_fds.h"
#include "loader/payload.h"

#include "mmu/err.h"
#include "vmm/config.h"
#include "vmm/console/input.h"
#include "vmm/exitcode.h"
#include "vmm/host_quirk.h"
#include "vmm/file.h"
#include "vmm/fuzz/fuzz.h"
#include "vmm/machine/phases.h"
#include "vmm/machine/machine.h"
#include "vmm/machine/stop.h"
#include "vmm/sandbox.h"
#include "vmm/state.h"
#include "vmm/timing.h"

#ifndef VMM_VERSION
#define VMM_VERSION "unknown"
#endif

static void print_layout(const struct machine *m, const struct config *cfg)
{
	const struct kernel_place *k = &m->load.kernel;

	fprintf(stderr,
		"vmm: boot path %s (header protocol %u.%02u), entry at 0x%" PRIx64
		", kernel 0x%" PRIx64 "-0x%" PRIx64 ", RAM %" PRIu64 " MiB, paging %s, %u vCPU%s\n",
		boot_proto_name(m->entry.proto),
		m->load.protocol >> 8, m->load.protocol & 0xff,
		m->entry.cpu.rip, k->runtime_start, k->end, cfg->mem >> 20,
		paging_mode_name(m->entry.paging.mode), m->ncpus, m->ncpus > 1 ? "s" : "");
	if (m->acpi)
		fprintf(stderr, "vmm: ACPI tables at 0x%" PRIx64 "-0x%" PRIx64 ", RSDP at 0x%" PRIx64 "\n",
			m->acpi_tables.start, m->acpi_tables.end, m->acpi_tables.rsdp);
	else
		fprintf(stderr, "vmm: no ACPI tables (--no-acpi)\n");
	if (cfg->initrd)
		fprintf(stderr, "vmm: initrd at 0x%" PRIx64 "\n", m->load.initrd);
	if (m->load.payload == PAYLOAD_CACHED)
		fprintf(stderr, "vmm: payload from the payload cache (not decompressed)\n");
	else if (m->load.payload == PAYLOAD_DECOMPRESSED)
		fprintf(stderr, "vmm: payload decompressed%s%s\n",
			m->load.payload_store_error ? "; not cached: " : "",
			m->load.payload_store_error ? strerror(-m->load.payload_store_error) : "");
}

static void dump_state(const struct machine *m)
{
	if (m->ncpus > 1)
		printf("# vcpus %u: this is vCPU 0's entry state; vCPUs 1-%u wait for INIT/SIPI\n",
		       m->ncpus, m->ncpus - 1);
	else
		printf("# vcpus 1\n");
	state_print(stdout, &m->entry);
	for (unsigned i = 0; i < m->nviolations; i++)
		printf("# violation %s\n", m->violations[i]);
}

/* Violations stop the run unless --no-validate; with it, --verbose lists them. */
static int check_violations(const struct machine *m, const struct config *cfg)
{
	if (m->nviolations == 0 || (cfg->no_validate && !cfg->verbose))
		return 0;
	for (unsigned i = 0; i < m->nviolations; i++)
		fprintf(stderr, "vmm: entry-state violation %s\n", m->violations[i]);
	if (cfg->no_validate)
		return 0;
	fprintf(stderr, "vmm: %u entry-state violation(s); --no-validate runs anyway\n",
		m->nviolations);
	return -EINVAL;
}

/* The console's input thread, with the stop signals blocked: they go to the vCPU thread. */
static int start_console(struct machine *m)
{
	struct console_sink sink = machine_console_sink(m);
	sigset_t old;
	int r;

	pthread_sigmask(SIG_BLOCK, NULL, &old);
	stop_block_in_this_thread();
	r = console_start(&sink);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return r;
}

static int start(struct machine *m, const struct config *cfg)
{
	const struct host_quirks host = host_quirks_detect();
	const char *unsafe = host_quirks_refuse(&host, &m->entry.cpu);
	int r;

	if (unsafe) { /* before any thread starts: nothing to stop */
		fprintf(stderr, "vmm: entry state: %s\n", unsafe);
		return VMM_EXIT_USAGE;
	}
	r = machine_start(m);
	if (r == 0)
		r = start_console(m);
	if (r < 0) {
		fprintf(stderr, "vmm: %s\n", err_msg());
		return VMM_EXIT_HOST;
	}
	if (machine_load_state(m) < 0) {
		fprintf(stderr, "vmm: KVM refused the entry state: %s\n", err_msg());
		return VMM_EXIT_KVM_REFUSED;
	}
	if (phases_start(m->phases, m->vcpus, m->ncpus, m->threads, &m->aps_started) < 0) {
		fprintf(stderr, "vmm: --phases: %s\n", err_msg());
		return VMM_EXIT_HOST;
	}
	/* Without the ring every THR write exits, as with --no-serial-coalescing: slower, same.
	 * Before the other vCPUs start: their exits read the ring, which is set up once here. */
	if (!cfg->no_serial_coalescing && machine_coalesce_serial(m) < 0 && m->verbose)
		fprintf(stderr, "vmm: serial writes exit one by one: %s\n", err_msg());
	if (machine_start_aps(m) < 0) {
		fprintf(stderr, "vmm: %s\n", err_msg());
		return VMM_EXIT_HOST;
	}
	return VMM_EXIT_OK;
}

/* Last setup step: from here on only the run loop's system calls work. */
static int sandbox(struct machine *m, const struct config *cfg)
{
	const char *selftest = getenv("VMM_SECCOMP_SELFTEST");

	if (cfg->no_seccomp)
		return VMM_EXIT_OK;
	if (machine_sandbox(m, selftest) < 0) {
		fprintf(stderr, "vmm: %s\n", err_msg());
		return VMM_EXIT_HOST;
	}
	return VMM_EXIT_OK;
}

/* --extract-vmlinux: the bzImage's payload, decompressed, byte for byte. */
static int extract(const struct config *cfg)
{
	struct file_map f;
	struct bzimage bz;
	uint8_t *elf = NULL;
	size_t len = 0;
	int r = file_map(cfg->kernel, "kernel", &f);

	if (r == 0) {
		r = bzimage_parse(f.data, f.len, &bz);
		if (r == 0)
			r = payload_extract(&bz, PAYLOAD_EXTRACT_MAX, &elf, &len);
		if (r == 0)
			r = file_write(cfg->extract_vmlinux, elf, len);
		free(elf);
		file_unmap(&f);
	}
	if (r < 0) {
		fprintf(stderr, "vmm: --extract-vmlinux: %s\n", err_msg());
		return VMM_EXIT_USAGE;
	}
	return VMM_EXIT_OK;
}

static struct timing timeline; /* --timing: from the start of main() */

/* --profile, --trace: symbols loaded and files open before the machine starts. */
static int prepare_sampler(struct machine *m, const struct config *cfg)
{
	static struct sampler prof;
	int r;

	if (!cfg->profile_hz && !cfg->trace)
		return 0;
	r = sampler_init(&prof, cfg, m->ncpus, &m->mem, m->entry.proto, &timeline);
	m->prof = r == 0 ? &prof : NULL;
	return r;
}

/* --phases: its points from the sampler's symbols, or its own. */
static int prepare_phases(struct machine *m, const struct config *cfg)
{
	static struct phases ph;
	int r;

	if (!cfg->phases)
		return 0;
	r = phases_init(&ph, cfg, m->prof && m->prof->have_syms ? &m->prof->syms : NULL, &m->entry,
			m->load.kernel_entry, &m->mem, &timeline);
	m->phases = r == 0 ? &ph : NULL;
	return r;
}

static int run(const struct config *cfg)
{
	static struct machine m;
	int r = machine_prepare(&m, cfg, &timeline);

	if (r == 0 && !cfg->dump_entry_state)
		r = prepare_sampler(&m, cfg);
	if (r == 0 && !cfg->dump_entry_state)
		r = prepare_phases(&m, cfg);
	if (r < 0) {
		fprintf(stderr, "vmm: %s\n", err_msg());
		return r == -ENOMEM ? VMM_EXIT_HOST : VMM_EXIT_USAGE;
	}
	if (cfg->dump_entry_state) {
		dump_state(&m);
		return VMM_EXIT_OK;
	}
	if (cfg->verbose)
		print_layout(&m, cfg);
	if (check_violations(&m, cfg) < 0)
		return VMM_EXIT_USAGE;
	r = start(&m, cfg);
	if (r == VMM_EXIT_OK)
		r = sandbox(&m, cfg);
	if (r == VMM_EXIT_OK)
		r = machine_run(&m);
	console_restore();
	return r;
}

/* stdout's buffer, given before any output: stdio would allocate its own on first
 * use after an fstat(), which no sandbox allows. */
static char stdout_buf[BUFSIZ];

int main(int argc, char **argv)
{
	struct config cfg;
	int r = std_fds_open();

	if (r < 0) {
		fprintf(stderr, "vmm: /dev/null for a closed descriptor 0-2: %s\n", strerror(-r));
		return VMM_EXIT_HOST;
	}
	setvbuf(stdout, stdout_buf, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF, sizeof(stdout_buf));

	timing_start(&timeline, timing_now());
	signal(SIGPIPE, SIG_IGN); /* a closed stdout must not kill the VMM */
	/* Nor a stdout file at its size limit (ulimit -f): write() says EFBIG, counted and said
	 * at the end as any other refused write (before, SIGXFSZ killed vmm, terminal raw). */
	signal(SIGXFSZ, SIG_IGN);
	r = config_parse(argc, argv, &cfg);
	timing_mark(&timeline, TIMING_PARSED, timing_now());
	if (r < 0) {
		fprintf(stderr, "vmm: %s (try 'vmm --help')\n", err_msg());
		return VMM_EXIT_USAGE;
	}
	if (cfg.action == CONFIG_HELP) {
		fputs(config_usage, stdout);
		return VMM_EXIT_OK;
	}
	if (cfg.action == CONFIG_VERSION) {
		printf("vmm %s\n", VMM_VERSION);
		return VMM_EXIT_OK;
	}
	if (cfg.extract_vmlinux)
		return extract(&cfg);
	if (cfg.action == CONFIG_FUZZ)
		return fuzz_main(&cfg, &timeline);
	return run(&cfg);
}
