/* main.c: vmm's entry point: options -> machine -> run -> exit status; the only place that exits. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>

#include "mmu/err.h"
#include "vmm/config.h"
#include "vmm/console.h"
#include "vmm/exitcode.h"
#include "vmm/machine.h"

#ifndef VMM_VERSION
#define VMM_VERSION "unknown"
#endif

static void print_layout(const struct machine *m, const struct config *cfg)
{
	const struct kernel_place *k = &m->load.kernel;

	fprintf(stderr,
		"vmm: boot protocol %u.%02u, 32-bit entry at 0x%" PRIx64
		", runtime 0x%" PRIx64 "-0x%" PRIx64 ", RAM %" PRIu64 " MiB\n",
		m->load.protocol >> 8, m->load.protocol & 0xff, k->load,
		k->runtime_start, k->end, cfg->mem >> 20);
	if (cfg->initrd)
		fprintf(stderr, "vmm: initrd at 0x%" PRIx64 "\n", m->load.initrd);
}

static int run(const struct config *cfg)
{
	static struct machine m;
	int r = machine_prepare(&m, cfg);

	if (r < 0) {
		fprintf(stderr, "vmm: %s\n", err_msg());
		return r == -ENOMEM ? VMM_EXIT_HOST : VMM_EXIT_USAGE;
	}
	if (cfg->verbose)
		print_layout(&m, cfg);
	r = machine_start(&m);
	if (r == 0)
		r = console_start(&m);
	if (r < 0) {
		fprintf(stderr, "vmm: %s\n", err_msg());
		return VMM_EXIT_HOST;
	}
	r = machine_run(&m);
	console_restore();
	return r;
}

int main(int argc, char **argv)
{
	struct config cfg;

	signal(SIGPIPE, SIG_IGN); /* a closed stdout must not kill the VMM */
	if (config_parse(argc, argv, &cfg) < 0) {
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
	return run(&cfg);
}
