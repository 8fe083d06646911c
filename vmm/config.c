/* config.c: getopt_long-based parsing of vmm's options, with one-line errors. */
#include "vmm/config.h"

#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "mmu/err.h"

const char config_usage[] =
	"Usage: vmm --kernel PATH [--initrd PATH] [--append STRING] [--mem SIZE]\n"
	"Boot a Linux bzImage in a KVM virtual machine with a serial console.\n"
	"\n"
	"  -k, --kernel PATH    bzImage to boot (32-bit boot protocol)\n"
	"  -i, --initrd PATH    initial ramdisk\n"
	"  -a, --append STRING  kernel command line (default: \"" CONFIG_DEFAULT_APPEND "\")\n"
	"  -m, --mem SIZE       guest RAM: a number with K, M, G or T (binary units);\n"
	"                       no suffix means MiB (default 256M, 16M..1T)\n"
	"  -v, --verbose        print the chosen layout on stderr\n"
	"  -h, --help           show this help and exit\n"
	"  -V, --version        show the version and exit\n"
	"\n"
	"Exit status: 0 guest rebooted or powered off, 1 usage or input error,\n"
	"2 host/KVM error, 3 triple fault, 4 KVM entry failure, 5 KVM internal error.\n";

static const struct option options[] = {
	{ "kernel", required_argument, NULL, 'k' },
	{ "initrd", required_argument, NULL, 'i' },
	{ "append", required_argument, NULL, 'a' },
	{ "mem", required_argument, NULL, 'm' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

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

static int parse_one(int opt, struct config *cfg)
{
	int r;

	switch (opt) {
	case 'k': cfg->kernel = optarg; return 0;
	case 'i': cfg->initrd = optarg; return 0;
	case 'a': cfg->append = optarg; return 0;
	case 'v': cfg->verbose = true; return 0;
	case 'h': cfg->action = CONFIG_HELP; return 0;
	case 'V': cfg->action = CONFIG_VERSION; return 0;
	case 'm':
		r = config_parse_size(optarg, &cfg->mem);
		return r < 0 ? r : check_mem(optarg, cfg->mem);
	default:
		return -EINVAL;
	}
}

int config_parse(int argc, char **argv, struct config *cfg)
{
	int opt, r;

	*cfg = (struct config){ .action = CONFIG_RUN, .append = CONFIG_DEFAULT_APPEND,
				.mem = CONFIG_DEFAULT_MEM };
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":k:i:a:m:vhV", options, NULL)) != -1) {
		if (opt == '?')
			return errf(-EINVAL, "unknown option '%s'", argv[optind - 1]);
		if (opt == ':')
			return errf(-EINVAL, "option '%s' needs a value", argv[optind - 1]);
		r = parse_one(opt, cfg);
		if (r < 0)
			return r;
	}
	if (optind < argc)
		return errf(-EINVAL, "unexpected argument '%s'", argv[optind]);
	if (cfg->action == CONFIG_RUN && !cfg->kernel)
		return errf(-EINVAL, "missing --kernel PATH");
	return 0;
}
