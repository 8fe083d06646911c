/* fuzz_cli.c: libFuzzer target: NUL-separated arguments through config_parse() (twice: same answer) and config_parse_size(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/err.h"
#include "tests/fuzz/fuzz_util.h"
#include "vmm/config.h"

#define MAX_ARGS 64 /* after argv[0] */

struct args {
	int argc;
	char *argv[MAX_ARGS + 2]; /* "vmm", the arguments, NULL */
};

/* What one config_parse() call gave: its status, message and configuration as text. */
struct parsed {
	int r;
	char msg[512];
	char cfg[8192]; /* describe(); long arguments are cut, the same way both times */
};

/* Each argument in its own allocation, so that ASan sees a read past its NUL. */
static char *dup_arg(const uint8_t *p, size_t n)
{
	char *s = malloc(n + 1);

	if (!s)
		fuzz_fail("malloc");
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

static void split(struct args *a, const uint8_t *data, size_t size)
{
	size_t pos = 0;

	a->argc = 0;
	a->argv[a->argc++] = dup_arg((const uint8_t *)"vmm", 3);
	while (pos < size && a->argc <= MAX_ARGS) {
		const uint8_t *nul = memchr(data + pos, '\0', size - pos);
		size_t n = nul ? (size_t)(nul - (data + pos)) : size - pos;

		a->argv[a->argc++] = dup_arg(data + pos, n);
		pos += n + 1;
	}
	a->argv[a->argc] = NULL;
}

static void free_args(struct args *a)
{
	for (int i = 0; i < a->argc; i++)
		free(a->argv[i]);
}

/* A parsed configuration keeps config.h's promises. */
static void check(const struct config *c)
{
	if (c->action == CONFIG_RUN && !c->kernel)
		fuzz_fail("config_parse: accepted a run without --kernel");
	if (c->mem < CONFIG_MIN_MEM || c->mem > CONFIG_MAX_MEM || (c->mem & 0xfff))
		fuzz_fail("config_parse: accepted a --mem outside 16M..1T or not 4 KiB-aligned");
	if (c->timeout_ms > CONFIG_MAX_TIMEOUT * 1000U)
		fuzz_fail("config_parse: accepted a --timeout above a day");
}

static const char *str(const char *s)
{
	return s ? s : "(null)";
}

/* Every field of `c`, strings by their text: they point into each call's own argv. */
static void describe(char *buf, size_t len, const struct config *c)
{
	const struct entry_options *e = &c->entry;

	snprintf(buf, len,
		 "action %d mem %llu v %d kernel %s initrd %s append %s boot %d/%d paging %d/%d "
		 "large %d cs %u ds %u keep %d subarch %u dump %d state %s novalidate %d extract %s "
		 "cache %s nocache %d timeout %u noseccomp %d timing %d marker %s",
		 (int)c->action, (unsigned long long)c->mem, c->verbose, str(c->kernel),
		 str(c->initrd), str(c->append), (int)e->proto, e->proto_auto, (int)e->paging,
		 e->paging_auto, e->large_pages, e->cs, e->ds, c->keep_segments,
		 c->hardware_subarch, c->dump_entry_state, str(c->entry_state_file),
		 c->no_validate, str(c->extract_vmlinux), str(c->payload_cache),
		 c->no_payload_cache, c->timeout_ms, c->no_seccomp, (int)c->timing,
		 str(c->timing_marker));
}

/* Parse a fresh copy of the input's arguments, then free that copy. */
static void parse(struct parsed *p, const uint8_t *data, size_t size)
{
	static struct args a;
	struct config cfg;

	split(&a, data, size);
	err_clear();
	p->r = config_parse(a.argc, a.argv, &cfg);
	snprintf(p->msg, sizeof(p->msg), "%s", err_msg());
	p->cfg[0] = '\0';
	if (p->r == 0) {
		check(&cfg);
		describe(p->cfg, sizeof(p->cfg), &cfg);
	}
	free_args(&a);
}

/*
 * config_parse() is a pure function of argv ("no I/O"): the same arguments,
 * parsed again from another copy after the first was freed, give the same
 * status, message and configuration, and nothing of the first call is used.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct parsed first, second;
	struct args a;
	uint64_t bytes;

	parse(&first, data, size);
	parse(&second, data, size);
	if (first.r != second.r || strcmp(first.msg, second.msg) || strcmp(first.cfg, second.cfg))
		fuzz_fail("config_parse: a second parse of the same arguments differs");
	split(&a, data, size);
	for (int i = 1; i < a.argc; i++)
		(void)config_parse_size(a.argv[i], &bytes);
	free_args(&a);
	return 0;
}
