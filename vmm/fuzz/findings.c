/* findings.c: the --out directory and what goes there: the state files and the replay commands of new signatures, --save-states' states. */
#define _GNU_SOURCE
#include "vmm/fuzz/findings.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "mmu/err.h"
#include "vmm/fuzz/repro.h"

/* The directories, opened before any sandbox (-1: none). */
static int out_dir = -1, states_dir = -1;

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

/* NAME.replay beside NAME.state in `dir` (DIRPATH): the command that replays the state in a
 * fresh vmm process: the same boot options, the state file, no validation, a --timeout just
 * past the run's time limit. */
static int write_replay(const struct config *cfg, int dir, const char *dirpath, const char *name)
{
	char replay[NAME_MAX + 1], state_path[PATH_MAX];
	int base = (int)strlen(name) - 6; /* without ".state" */
	struct repro rp;
	FILE *f;
	int r;

	if (snprintf(replay, sizeof(replay), "%.*s.replay", base, name) >= (int)sizeof(replay) ||
	    snprintf(state_path, sizeof(state_path), "%s/%s", dirpath, name) >= (int)sizeof(state_path))
		return -ENAMETOOLONG;
	r = repro_open(&rp);
	if (r < 0)
		return r;
	f = rp.f;
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
	return repro_publish(&rp, dir, replay, false);
}

/* The header's lines stay within the state format's 255 bytes. */
int findings_write_at(const struct config *cfg, int dir, const char *dirpath, const char *name,
		      const struct entry_state *st, uint64_t index, const struct fuzz_outcome *o,
		      bool first_wins)
{
	struct repro rp;
	int r = repro_open(&rp);

	if (r < 0)
		return r;
	fprintf(rp.f, FUZZ_STATE_HEADER "seed %" PRIu64 " index %" PRIu64 " (%s)" FUZZ_STATE_HEADER_OUTCOME
		"%s %.64s\n",
		cfg->fuzz.seed, index, cfg->fuzz.wild ? "wild" : "near",
		fuzz_outcome_name(o->cls), o->detail);
	fprintf(rp.f, "# replay: sh %.*s.replay (exit status %d)\n", (int)strlen(name) - 6, name,
		fuzz_outcome_replay_status(o));
	state_print(rp.f, st);
	r = repro_publish(&rp, dir, name, first_wins);
	return r < 0 ? r : write_replay(cfg, dir, dirpath, name);
}

/* --out DIR (and DIR/states): made if missing, and opened: the sandbox lets the workers
 * create files only in them. */
int findings_open_dirs(const struct config *cfg)
{
	char states[PATH_MAX];
	int r;

	if (mkdir(cfg->fuzz.out_dir, 0777) < 0 && errno != EEXIST)
		return errf(-errno, "--out %s: %s", cfg->fuzz.out_dir, strerror(errno));
	if ((r = repro_dir_open(cfg->fuzz.out_dir, &out_dir)) < 0)
		return errf(r, "--out %s: %s", cfg->fuzz.out_dir, strerror(-r));
	snprintf(states, sizeof(states), "%s/states", cfg->fuzz.out_dir);
	if (!cfg->fuzz.save_states)
		return 0;
	if (mkdir(states, 0777) < 0 && errno != EEXIST)
		return errf(-errno, "%s: %s", states, strerror(errno));
	if ((r = repro_dir_open(states, &states_dir)) < 0)
		return errf(r, "%s: %s", states, strerror(-r));
	return 0;
}

void findings_init_worker(void)
{
	repro_init();
}

int findings_dir(bool states)
{
	return states ? states_dir : out_dir;
}

int findings_write(const struct config *cfg, bool states, const char *name,
		   const struct entry_state *st, uint64_t index, const struct fuzz_outcome *o)
{
	char dirpath[PATH_MAX];

	if (snprintf(dirpath, sizeof(dirpath), "%s%s", cfg->fuzz.out_dir, states ? "/states" : "") >=
	    (int)sizeof(dirpath))
		return -ENAMETOOLONG;
	return findings_write_at(cfg, states ? states_dir : out_dir, dirpath, name, st, index, o,
				!states);
}

int findings_write_path(const struct config *cfg, const char *path, const struct entry_state *st,
			uint64_t index, const struct fuzz_outcome *o, bool first_wins)
{
	char dirpath[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int dir, r;

	if (snprintf(dirpath, sizeof(dirpath), "%.*s", slash ? (int)(slash - path) : 1,
		     slash ? path : ".") >= (int)sizeof(dirpath))
		return -ENAMETOOLONG;
	r = repro_dir_open(dirpath, &dir);
	if (r < 0)
		return r;
	r = findings_write_at(cfg, dir, dirpath, slash ? slash + 1 : path, st, index, o, first_wins);
	close(dir);
	return r;
}
