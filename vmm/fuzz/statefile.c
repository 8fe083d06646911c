/* statefile.c: a fuzz run's state file (header, dump) and its replay command, and the state's hash. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/sha256.h"
#include "vmm/fuzz/repro.h"
#include "vmm/fuzz/worker.h"
#include "vmm/state.h"

void fuzz_state_hash(const struct entry_state *st, char hex[17])
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct sha256 h;
	uint8_t d[SHA256_LEN];

	if (f) {
		state_print(f, st);
		fclose(f);
	}
	sha256_init(&h);
	sha256_update(&h, text ? text : "", len);
	sha256_final(&h, d);
	for (unsigned i = 0; i < 8; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	free(text);
}

/* `s` in single quotes for sh (a ' inside becomes '\'\''). */
static void print_quoted(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++)
		fputs(*s == '\'' ? "'\\''" : (char[]){ *s, 0 }, f);
	fputc('\'', f);
}

static void print_opt(FILE *f, const char *opt, const char *value)
{
	if (!value)
		return;
	fprintf(f, " %s ", opt);
	print_quoted(f, value);
}

/* PATH.replay: the command that replays the state in a fresh vmm process: the same boot
 * options, the state file, no validation, a --timeout just past the run's time limit. */
static int write_replay(const struct config *cfg, const char *state_path)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	FILE *f;
	int r;

	if (snprintf(path, sizeof(path), "%.*s.replay", (int)(strlen(state_path) - 6), state_path) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	r = repro_open(path, tmp, sizeof(tmp), &f);
	if (r < 0)
		return r;
	fputs("vmm", f);
	print_opt(f, "--kernel", cfg->kernel);
	print_opt(f, "--initrd", cfg->initrd);
	print_opt(f, "--append", cfg->append);
	fprintf(f, " --cpus 1%s --mem %" PRIu64 "K --timeout %u.%03u", cfg->no_acpi ? " --no-acpi" : "",
		cfg->mem >> 10,
		(cfg->fuzz.run_ms + REPLAY_SLACK_MS) / 1000, (cfg->fuzz.run_ms + REPLAY_SLACK_MS) % 1000);
	print_opt(f, "--timing-marker", cfg->timing_marker);
	if (!cfg->entry.proto_auto)
		fprintf(f, " --boot=%s", boot_proto_name(cfg->entry.proto));
	print_opt(f, "--entry-state", state_path);
	fputs(" --no-validate\n", f);
	return repro_publish(f, tmp, path, false);
}

/* The state file (PATH ends in ".state"): a header saying where it comes from and how
 * its replay ends (the lines stay within the format's 255 bytes), then the state, then its
 * replay command. first_wins: -EEXIST, and no replay written, if PATH is there already. */
int fuzz_write_state_file(const struct config *cfg, const char *path, const struct entry_state *st,
			  uint64_t index, const struct fuzz_outcome *o, bool first_wins)
{
	char tmp[PATH_MAX];
	const char *base;
	FILE *f;
	int r = repro_open(path, tmp, sizeof(tmp), &f);

	if (r < 0)
		return r;
	fprintf(f, "# vmm fuzz: seed %" PRIu64 " index %" PRIu64 " (%s) outcome %s %.64s\n",
		cfg->fuzz.seed, index, cfg->fuzz.wild ? "wild" : "near",
		fuzz_outcome_name(o->cls), o->detail);
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	fprintf(f, "# replay: sh %.*s.replay (exit status %d)\n", (int)strlen(base) - 6, base,
		fuzz_outcome_replay_status(o));
	state_print(f, st);
	r = repro_publish(f, tmp, path, first_wins);
	return r < 0 ? r : write_replay(cfg, path);
}
