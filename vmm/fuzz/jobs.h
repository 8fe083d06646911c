/* jobs.h: `vmm fuzz --jobs N` in the parent: N worker processes, their JSON lines passed on whole and counted. */
#ifndef VMM_FUZZ_JOBS_H
#define VMM_FUZZ_JOBS_H

#include <stdio.h>
#include <sys/types.h>

#include "vmm/fuzz/outcome.h"

struct jobs_worker {
	/* Runs in worker `id`'s own process, its JSON lines going to `out`;
	 * returns the worker's exit status. */
	int (*run)(void *ctx, unsigned id, FILE *out);
	/* In the parent: 0, or the number of the stop signal it received. */
	int (*stop_signal)(void);
	/* After forwarding a stop signal, how long a worker may take to end
	 * before it is killed (SIGKILL); 0: JOBS_KILL_AFTER_MS. */
	unsigned kill_after_ms;
	/* In the parent once every worker started (NULL: none): lock the parent
	 * down to reading pipes [pipe_lo, pipe_hi], reaping and signalling
	 * pids[0..n); a failure ends the workers and jobs_run() returns
	 * VMM_EXIT_HOST. */
	int (*sandbox)(void *ctx, const pid_t *pids, unsigned n, int pipe_lo, int pipe_hi);
	void *ctx;
};

/* Fork `n` (at most CONFIG_MAX_JOBS) workers, write their lines to `out` as
 * they come, each whole, and count them in `sum`. A stop signal the parent
 * receives is passed on to every worker; one still there kill_after_ms later
 * is killed. Returns once every worker has been reaped (status[i]: worker i's
 * exit status, VMM_EXIT_HOST if it died of a signal or never started), with
 * the exit status for vmm: 128 + the stop signal, else the first failing
 * worker's status, or VMM_EXIT_HOST if a fork or pipe failed. */
int jobs_run(const struct jobs_worker *w, unsigned n, FILE *out, struct fuzz_summary *sum,
	     int *status);

#endif
