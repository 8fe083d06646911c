/* worker.h: one fuzz worker (its VM, snapshots, map and corpus), shared by the runtime files of vmm/fuzz/ (fuzz, feedback, guided, minimize, statefile). */
#ifndef VMM_FUZZ_WORKER_H
#define VMM_FUZZ_WORKER_H

#include <stdio.h>

#include "mmu/mem_snapshot.h"
#include "vmm/config.h"
#include "vmm/host_quirk.h"
#include "vmm/fuzz/corpus.h"
#include "vmm/fuzz/covmap.h"
#include "vmm/fuzz/kcov.h"
#include "vmm/fuzz/outcome.h"
#include "vmm/fuzz/points.h"
#include "vmm/machine/machine.h"

/* Coverage of the current run and of the campaign (README "Feedback"). */
struct feedback {
	struct covmap map;		/* this run's */
	/* this run's VM exits, added to the map unless a limit stopped the run (feedback_end()) */
	struct covmap exits;
	bool exits_used;		/* any: exits needs a reset before the next run */
	uint8_t virgin[COVMAP_SIZE];	/* the campaign's: 0xff where nothing was seen */
	unsigned steps_left;		/* --trace-steps: single steps this run still takes */
	bool can_step;			/* the probe saw a single step exit */
	uint64_t own_tf;		/* runs not stepped: their state has RFLAGS.TF */
	unsigned edges, seen;		/* the last run's edges; the campaign's so far */
	int news;			/* the last run's covmap_new_bits() */
	uint64_t seen_rip;		/* this run's last RIP from a single step or an exit */
	bool rip_seen;			/* any (fuzz_outcome.seen_rip) */
	struct kcov kcov;		/* --kcov: the host's KCOV for this thread */
	bool kcov_ok, tracing;		/* it opened; a run's trace is under way */
	uint8_t *export;		/* --afl: AFL's map, given each run's counts; NULL: none */
	size_t export_len;
};

/* --guided: the corpus, its directory and the seeds loaded from it. */
struct guided {
	struct corpus corpus;
	struct entry_state *seeds;	/* the files of --corpus DIR at the start */
	unsigned nseeds;
	uint64_t splices, admitted, explored; /* explored: runs drawn as blind mode would */
	unsigned full_said;		/* the corpus filled up (said once) */
	char dir[4096];			/* --corpus DIR, or OUT/corpus */
	int dir_fd;			/* it, open until exit (the sandbox lets the worker write there) */
	struct fuzz_origin origin;	/* the current run's */
};

/* One worker: one VM, its snapshots, and what the last run wrote itself. */
struct worker {
	const struct config *cfg;
	struct machine *m;
	struct mem_snapshot mem;
	struct vm_snapshot *cpu;
	struct flush_timer deadline;
	struct entry_state last;	/* the state the last run wrote (its tables, pokes) */
	uint64_t last_table_bytes;
	struct fuzz_summary sum;
	FILE *out;
	struct fuzz_points pts;		/* progress points */
	uint64_t *reset_ns, *reset_pages;  /* per run, for the p50/p99 line */
	uint64_t nresets;
	struct feedback *fb;		/* always (blind runs count map bits too) */
	struct guided *g;		/* --guided; NULL: blind */
	const struct entry_state *forced; /* minimization: run this state, not a mutated one */
	struct host_quirks host;	/* states this host cannot survive are refused (host_quirk.h) */
	uint32_t run_ms;		/* a run's time limit: --run-ms, more for --minimize (minimize.c) */
	/* Test hooks VMM_TEST_RESET_SKIP (skip: a block's name as in struct reset_hooks, or
	 * "pages") and VMM_TEST_RESET_STALL_MS (stall_ms), read once. */
	struct reset_hooks reset_test;
	struct hot_pages *hot;		/* --hot-pages; NULL: every written page is protected again */
};

/* fuzz.c: make worker `id`'s VM, snapshots and map (and corpus, --guided), its JSON lines to
 * `out`; 0 or a negative errno, said on stderr. */
int fuzz_worker_open(const struct config *cfg, struct timing *timeline, unsigned id, FILE *out,
		     struct worker *w);
/* fuzz.c: a worker's allow-list (none with --no-seccomp, --guided, --minimize-repros): the
 * ioctls of a run and its reset on its own VM and vCPU, its two timers, its output, and new
 * files in the --out directories, or with `afl` (--afl) what vmm/sandbox_afl.c adds instead. */
struct sandbox_afl;
int fuzz_worker_sandbox(struct worker *w, FILE *out, const struct sandbox_afl *afl);
/* fuzz.c: reset, make the state for `index` (forced, guided or blind), write and run it;
 * false if a stop signal interrupted it. */
bool fuzz_attempt(struct worker *w, uint64_t index, struct entry_state *st,
		  struct fuzz_mutation *mut, struct fuzz_outcome *o, struct fuzz_record *rec,
		  char *diff, size_t len);

/* fuzz.c: vmm's exit status for the stop signal that ended the runs (0 if none). */
int fuzz_stop_status(void);

/* statefile.c: the first 8 bytes of the SHA-256 of st's dump, in hex. */
void fuzz_state_hash(const struct entry_state *st, char hex[17]);

/* feedback.c */
int feedback_setup(struct worker *w);	/* the map; the single-step probe (--trace-steps) */
void feedback_free(struct worker *w);
void feedback_start(struct worker *w);	/* a run starts: empty map, stepping armed */
/* The run's state is in the vCPU: one that starts with RFLAGS.TF is not single-stepped. */
void feedback_state(struct worker *w, const struct entry_state *st);
/* --kcov: the state is about to be written: the host's trace starts here (after the reset). */
void feedback_host_start(struct worker *w);
/* An exit of the run: into the map; true if it was a single step of ours (the run goes
 * on, nothing else looks at it). */
bool feedback_exit(struct worker *w, const struct vm_exit *e);
/* The run ended: progress points and outcome into the map; classified; news counted. */
void feedback_end(struct worker *w, const struct fuzz_outcome *o);

/* guided.c */
int guided_setup(struct worker *w);	/* --guided: corpus, --corpus DIR's seeds */
void guided_free(struct worker *w);
/* The state of run `index` (> 0): a seed, or a corpus entry mutated or spliced. */
void guided_make(struct worker *w, uint64_t index, struct entry_state *st,
		 const struct fuzz_target *t, struct fuzz_mutation *mut);
/* After the run: admitted if it set new map bits (written to the corpus directory). */
void guided_after(struct worker *w, uint64_t index, const struct entry_state *st,
		  const struct fuzz_outcome *o, uint64_t sig);

/* minimize.c: --minimize-repros: the repro NAME (SIGNATURE.state in --out DIR) of a new
 * signature, minimized now into SIGNATURE.min.state beside it. */
void minimize_repro(struct worker *w, const char *name, const struct entry_state *st,
		    uint64_t sig);
/* --minimize STATE: the whole command (one worker, no runs of its own). */
int minimize_main(struct worker *w);

/* testcase.c: run `st` as it is (no mutation) after the usual reset; false if a stop signal
 * ended the run. Minimization and the outside engines' test cases go through it. */
bool fuzz_run_forced(struct worker *w, const struct entry_state *st, struct fuzz_outcome *o);
/* testcase.c: a test case of an outside engine (afl-fuzz, libFuzzer): the state file `text`
 * parsed over the valid state and run; false if a stop signal ended the run. A file that does
 * not parse runs nothing: vmm-refused, one map edge for every such file. */
bool fuzz_run_test_case(struct worker *w, const char *text, size_t len, struct fuzz_outcome *o);
/* A test case that cannot be run (err_msg() says why): vmm-refused, that one edge. */
void fuzz_refuse_test_case(struct worker *w, struct fuzz_outcome *o);
/* Its line: "OUTCOME DETAIL, signature S, N edges[ (a crash)]". */
void fuzz_print_test_case(FILE *f, const struct worker *w, const struct fuzz_outcome *o);

/* afl.c: --afl: the whole command (a fork server for afl-fuzz, or one test case). */
int afl_main(struct worker *w);

#endif
