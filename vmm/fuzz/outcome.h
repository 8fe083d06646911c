/* outcome.h: how a fuzz run ended (class, detail, signature), its JSON line and the summary. */
#ifndef VMM_FUZZ_OUTCOME_H
#define VMM_FUZZ_OUTCOME_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "vmm/fuzz/mutate.h"
#include "vmm/kvm/kvm.h"

enum fuzz_outcome_class {
	OUT_BOOT_DONE,	    /* Firecracker's boot timer (port 0x3f0, MMIO 0xc0000000 or 0xd0000000) */
	OUT_MARKER,	    /* the serial marker (--timing-marker) */
	OUT_REACHED,	    /* the --run-until point's breakpoint; detail: its name */
	OUT_DEBUG_EXIT,	    /* the debug-exit port; detail: the code */
	OUT_RESET,	    /* the guest reset (i8042, or a system event) */
	OUT_PANIC,	    /* "Kernel panic" on the console */
	OUT_HLT_IRQS_OFF,   /* halted with RFLAGS.IF clear at the time limit */
	OUT_TRIPLE_FAULT,   /* KVM_EXIT_SHUTDOWN */
	OUT_KVM_REFUSED,    /* KVM refused the state; detail: ioctl and errno */
	OUT_VMM_REFUSED,    /* vmm could not write it (tables or a poke not in RAM) */
	OUT_ENTRY_FAILURE,  /* KVM_EXIT_FAIL_ENTRY; detail: hardware_entry_failure_reason */
	OUT_INTERNAL_ERROR, /* KVM_EXIT_INTERNAL_ERROR; detail: suberror */
	OUT_KVM_ERROR,	    /* KVM_RUN itself failed; detail: errno */
	OUT_EXIT_LIMIT,	    /* --fuzz-exits exits without an end */
	OUT_TIME_LIMIT,	    /* --fuzz-ms passed without an end */
	OUT_CLASSES,
};

#define FUZZ_LAST_EXITS 4
struct fuzz_outcome {
	enum fuzz_outcome_class cls;
	char detail[64];
	uint64_t rip;			   /* at the end */
	/* The last guest RIP vmm saw before the end: a --trace-steps single step's or an exit's
	 * (not the exit that ended the run). A triple fault is placed by it: after
	 * KVM_EXIT_SHUTDOWN on AMD, KVM has re-initialised the VMCB and RIP reads 0xfff0. */
	uint64_t seen_rip;
	bool seen;			   /* false: nothing before the end (seen_rip 0) */
	uint32_t last[FUZZ_LAST_EXITS];	   /* KVM exit reasons, oldest first */
	unsigned nlast;
	uint64_t exits;			   /* exits to vmm */
	uint32_t passed;		   /* progress points passed (bit i: point i) */
	char progress[160];		   /* their names, comma-separated, in order */
	/* A test case (afl-fuzz's, libFuzzer's) that did not parse: its detail (the parser's
	 * message) stays out of the signature, so all of them share one, as they share one map
	 * edge; else each syntax error would count as a finding and fill the summary's table. */
	bool unparsed;
};

/* What the run loop knows after one exit. */
struct fuzz_step {
	const struct vm_exit *exit;
	int status;		/* dispatch_exit(): DISPATCH_CONTINUE or a VMM_EXIT_* */
	int boot_signal;	/* -1, or the enum timing_signal that arrived */
	bool panic_seen;
	uint64_t max_exits;
	bool time_up;
	bool halted, irqs_off;	/* read when time_up */
	const char *reached;	/* the --run-until point, just hit; NULL: not */
};

const char *fuzz_outcome_name(enum fuzz_outcome_class c);
/* Stopped by a limit (--run-ms, --run-exits), not ended by itself. */
bool fuzz_outcome_ended_by_limit(enum fuzz_outcome_class c);
/* Judged when a limit came: stopped by one, or halted with RFLAGS.IF clear, which vmm sees only
 * when the time runs out (with an in-kernel LAPIC, HLT makes no exit to vmm). */
bool fuzz_outcome_judged_at_limit(enum fuzz_outcome_class c);
/* The class a run's end bit in the coverage map names: its own, but one for every class judged
 * at the limit (OUT_TIME_LIMIT), since which of those a state gets can depend on where the
 * limit fell: a state that halts near its time limit is halted in one run and still running
 * in the next. */
enum fuzz_outcome_class fuzz_outcome_map_class(enum fuzz_outcome_class c);
/* A state file's first line as findings.c writes it: FUZZ_STATE_HEADER "seed S index I (MODE)"
 * FUZZ_STATE_HEADER_OUTCOME "NAME DETAIL". */
#define FUZZ_STATE_HEADER "# vmm fuzz: "
#define FUZZ_STATE_HEADER_OUTCOME " outcome "
/* The outcome class that header names, in the comment lines at the top of a state file's
 * `len` bytes; false where there is none or the name is no class. */
bool fuzz_state_header_outcome(const char *text, size_t len, enum fuzz_outcome_class *cls);
/* The exit status `vmm --entry-state REPRO --no-validate --timeout S` gives
 * for a run that ended so (README "Fuzzing entry states"). */
int fuzz_outcome_replay_status(const struct fuzz_outcome *o);
/* A crash for afl-fuzz (`vmm fuzz --afl`): the CPU or KVM gave up on the state (triple fault,
 * entry failure, internal error, KVM_RUN failed) or the guest kernel panicked. */
bool fuzz_outcome_is_crash(enum fuzz_outcome_class c);
/* The wait status a fork server reports for the run (README "AFL++"): a crash class as death
 * by SIGABRT, any other outcome as an exit with the status a replay of it gives. */
int fuzz_outcome_wait_status(const struct fuzz_outcome *o);
/* Record the exit in o (count, last reasons); true, with o->cls and
 * o->detail set, when the run ends here. */
bool fuzz_classify(const struct fuzz_step *s, struct fuzz_outcome *o);
/* Where a run ended, as its signature places it: the vCPU's RIP, but for a triple fault (KVM's
 * reset state on AMD) where vmm last saw the guest; false for a triple fault seen nowhere. */
bool fuzz_outcome_where(const struct fuzz_outcome *o, uint64_t *at);
/* Hashed (FNV-1a): the class, the progress points passed, and for a run that ended by
 * itself its detail, RIP's 4 KiB page (fuzz_outcome_where(), or none) and
 * the last exit reasons. A run stopped by a
 * limit (time, exits) counts only by how far it got: where its RIP happened to be, and
 * what the last exits were, is timing. */
uint64_t fuzz_signature(const struct fuzz_outcome *o);

/* Where a --guided run's state came from (AFL++ names a queue entry's source the same way). */
enum fuzz_origin_kind {
	ORIGIN_VALID,	/* run 0: the valid state itself */
	ORIGIN_SEED,	/* a state file of --corpus DIR, unchanged */
	ORIGIN_BLIND,	/* drawn from the valid state as --blind draws it at this index */
	ORIGIN_CORPUS,	/* a corpus entry mutated, and spliced if `spliced` */
};
struct fuzz_origin {
	enum fuzz_origin_kind kind;
	uint64_t parent;		/* ORIGIN_CORPUS: the run index that added the entry */
	bool spliced;
	uint64_t splice;		/* the second entry's run index, where spliced */
};

struct fuzz_record {
	uint64_t seed, index;
	const char *state_hash;		/* hex */
	const struct fuzz_mutation *mut;
	const struct fuzz_outcome *out;
	uint64_t signature;
	uint64_t us;
	const char *repro;		/* the repro file written for a new signature, or NULL */
	int reset_diff;			/* --check-reset: blocks + pages that differ; -1: not checked */
	uint64_t reset_mem_ns, reset_cpu_ns; /* the reset before the run: RAM, then vCPU/VM/devices */
	uint64_t pages_restored;	/* by the reset before the run: all the pages it covered */
	uint64_t pages_dirty;		/* of those, the ones KVM's dirty log named */
	uint64_t pages_rewritten;	/* of those, the ones that differed and were written back */
	const char *reset_what;		/* --check-reset: the blocks that differ ("" if none) */
	uint64_t run_ns;		/* writing the state and running it */
	int violations;			/* near mode: the validator's findings for the state as
					   written (its own tables and pokes); -1: wild mode */
	int edges;			/* map edges this run set; -1: no map */
	unsigned map_seen;		/* edges the campaign has seen after it */
	int map_news;			/* 2 new edge, 1 new hit-count bucket, 0 none */
	const struct fuzz_origin *origin; /* --guided; NULL: blind mode */
};
/* One JSON object on one line. */
void fuzz_print_record(FILE *f, const struct fuzz_record *r);
/* Read back what the summary needs from a line fuzz_print_record() wrote
 * (a --jobs worker's, in the parent): false if it is not such a line. */
bool fuzz_parse_line(const char *line, struct fuzz_outcome *o, uint64_t *sig, uint64_t *index);

#define FUZZ_MAX_SIGNATURES 4096
struct fuzz_summary {
	uint64_t runs, by_class[OUT_CLASSES];
	unsigned nsig;
	struct {
		uint64_t sig, count, first_index;
		enum fuzz_outcome_class cls;
		char detail[64];
	} sigs[FUZZ_MAX_SIGNATURES];
};
/* Count a run; true when its signature is new. */
bool fuzz_summary_add(struct fuzz_summary *s, const struct fuzz_outcome *o, uint64_t sig,
		      uint64_t index);
void fuzz_summary_print(FILE *f, const struct fuzz_summary *s, double seconds);

#endif
