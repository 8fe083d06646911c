/* afl.c: `vmm fuzz --afl`: a persistent AFL++ target: one VM made once, each test case an entry state run in it, the run's map in AFL's shared memory, its outcome as a wait status. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mmu/err.h"
#include "vmm/exitcode.h"
#include "vmm/file.h"
#include "vmm/fuzz/afl_protocol.h"
#include "vmm/fuzz/mutator_image.h"
#include "vmm/fuzz/worker.h"
#include "vmm/machine/stop.h"
#include "vmm/sandbox.h"
#include "vmm/timing.h"

/*
 * afl-fuzz kills the child pid the fork server names when a run takes longer than -t. vmm
 * runs every test case itself, so it names a keeper: a process that only waits, sharing
 * vmm's memory (clone(CLONE_VM): no copy of guest RAM, unlike fork()), ended with vmm.
 * A keeper afl-fuzz killed is reaped and a new one named for the next run; the last one dies
 * with vmm (PR_SET_PDEATHSIG), so the sandbox needs no kill() and no blocking wait.
 */
#define KEEPER_STACK (64 * 1024)
#define STOP_CHECK_MS 100 /* next_request(): how soon a stop signal missed by ppoll() counts */
static char keeper_stack[KEEPER_STACK] __attribute__((aligned(64)));

/* The keeper runs on vmm's thread-local storage: raw system calls only (no errno writes). */
static int keeper_main(void *arg)
{
	uint64_t all = ~0ULL;

	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, NULL, sizeof(all)); /* no handler of vmm runs here */
	syscall(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (syscall(SYS_getppid) != (long)(intptr_t)arg) /* vmm ended before the line above */
		syscall(SYS_exit, 0);
	for (;;)
		syscall(SYS_pause);
	return 0;
}

static pid_t keeper_start(void)
{
	pid_t pid = clone(keeper_main, keeper_stack + KEEPER_STACK, CLONE_VM | SIGCHLD,
			  (void *)(intptr_t)getpid());

	return pid < 0 ? errf(-errno, "afl: the child pid for afl-fuzz: clone: %s", strerror(errno)) : pid;
}

/* The map AFL's __AFL_SHM_ID names (afl-fuzz, afl-showmap), or NULL where none is given. */
static int attach_map(struct feedback *fb)
{
	const char *id = getenv(AFL_SHM_ENV);
	struct shmid_ds ds;
	char *end;
	long v;
	void *p;

	if (!id)
		return 0;
	errno = 0;
	v = strtol(id, &end, 10);
	if (errno || end == id || *end || v < 0 || v > INT_MAX)
		return errf(-EINVAL, "afl: %s='%s' is not a shared-memory id", AFL_SHM_ENV, id);
	if (shmctl((int)v, IPC_STAT, &ds) < 0 || (p = shmat((int)v, NULL, 0)) == (void *)-1)
		return errf(-errno, "afl: %s=%s: %s", AFL_SHM_ENV, id, strerror(errno));
	fb->export = p;
	fb->export_len = ds.shm_segsz < COVMAP_SIZE ? ds.shm_segsz : COVMAP_SIZE;
	return 0;
}

/* One test case: read (afl-fuzz rewrites it before each request) and run. */
static bool run_test_case(struct worker *w, char *buf, struct fuzz_outcome *o)
{
	size_t len = 0;
	int r = afl_read_input(w->cfg->fuzz.afl_input, STDIN_FILENO, buf, AFL_MAX_INPUT, &len);

	if (r < 0) { /* unreadable or too long */
		fuzz_refuse_test_case(w, o);
		return true;
	}
	return fuzz_run_test_case(w, buf, len, o);
}

/* The next request: 1, 0 at the end, or a negative errno (-EINTR: a stop signal came). A stop
 * signal (vmm/machine/stop.h) ends the wait, as afl-fuzz with AFL_KILL_SIGNAL set sends one at
 * its end and then waits for vmm: one that comes during the wait interrupts it, and one that
 * came between the check and the wait is seen within STOP_CHECK_MS. */
static int next_request(uint32_t *timed_out)
{
	struct pollfd p = { .fd = AFL_CTL_FD, .events = POLLIN };
	const struct timespec wait = { .tv_nsec = STOP_CHECK_MS * 1000000L };
	int r = -EINTR;

	while (r == -EINTR && stop_pending(NULL) == STOP_NONE) {
		int n = ppoll(&p, 1, &wait, NULL);

		if (n < 0 && errno != EINTR)
			return errf(-errno, "afl: waiting for afl-fuzz: %s", strerror(errno));
		if (n > 0) /* a request, or the end (the pipe closed) */
			r = afl_next_request(AFL_CTL_FD, timed_out);
	}
	return r;
}

/* Where a campaign's time went: vmm's runs, or waiting for afl-fuzz's next request (its
 * mutation, map analysis, test case file and the pipe), from the first request on. */
static void print_time_split(uint64_t cases, uint64_t first_ns, uint64_t busy_ns)
{
	double all = cases ? (double)(timing_now() - first_ns) / 1e9 : 0, busy = (double)busy_ns / 1e9;

	if (cases)
		fprintf(stderr, "vmm fuzz --afl: %" PRIu64 " test cases in %.1f s: vmm's runs %.1f s "
			"(%.2f ms each), waiting for afl-fuzz %.1f s (%.2f ms each)\n", cases, all, busy,
			busy * 1e3 / (double)cases, all - busy, (all - busy) * 1e3 / (double)cases);
}

/* With VMM_AFL_LOG set, each test case's outcome line, numbered, on stderr (afl-fuzz shows a
 * target's stderr with AFL_DEBUG_CHILD=1): what a test case afl-fuzz calls unstable did in
 * each of its runs. */
static void log_test_case(const struct worker *w, uint64_t n, const struct fuzz_outcome *o)
{
	fprintf(stderr, "vmm fuzz --afl: test case %" PRIu64 ": ", n);
	fuzz_print_test_case(stderr, w, o);
}

/* Serve afl-fuzz's requests until it closes the pipe or a stop signal comes. */
static int serve(struct worker *w, char *buf)
{
	const bool log_each = getenv(AFL_LOG_ENV) != NULL;
	uint32_t timed_out, status;
	pid_t keeper = keeper_start();
	struct fuzz_outcome o;
	uint64_t cases = 0, first_ns = 0, busy_ns = 0, t;
	int r = keeper < 0 ? keeper : afl_hello(AFL_ST_FD, COVMAP_SIZE);

	while (r == 0 && (r = next_request(&timed_out)) == 1) {
		int st;

		t = timing_now();
		first_ns = cases++ ? first_ns : t;

		if (waitpid(keeper, &st, WNOHANG) == keeper) /* afl-fuzz killed it (-t) */
			keeper = keeper_start();
		r = keeper < 0 ? keeper : afl_send_u32(AFL_ST_FD, (uint32_t)keeper);
		if (r < 0 || !run_test_case(w, buf, &o))
			break;
		status = (uint32_t)fuzz_outcome_wait_status(&o);
		if (waitpid(keeper, &st, WNOHANG) == keeper) { /* killed during the run: say so */
			status = (uint32_t)st;
			keeper = -1;
		}
		fuzz_summary_add(&w->sum, &o, fuzz_signature(&o), w->sum.runs);
		if (log_each)
			log_test_case(w, cases, &o);
		r = afl_send_u32(AFL_ST_FD, status);
		if (r == 0 && keeper < 0)
			keeper = keeper_start();
		busy_ns += timing_now() - t;
	}
	print_time_split(cases, first_ns, busy_ns);
	if (r < 0 && stop_pending(NULL) == STOP_NONE)
		fprintf(stderr, "vmm fuzz --afl: %s\n", err_msg());
	return r < 0 && stop_pending(NULL) == STOP_NONE ? VMM_EXIT_HOST : VMM_EXIT_OK;
}

/* Without afl-fuzz: one test case, its outcome on stdout, the status its replay gives. */
static int run_once(struct worker *w, char *buf)
{
	struct fuzz_outcome o;

	if (!run_test_case(w, buf, &o))
		return VMM_EXIT_OK;
	fuzz_summary_add(&w->sum, &o, fuzz_signature(&o), 0);
	fuzz_print_test_case(stdout, w, &o);
	fflush(stdout);
	/* An AFL++ tool that runs its target without a fork server (afl-showmap on one file,
	 * AFL_NO_FORKSRV=1) sees a crash only as death by a signal: the one exception to
	 * "only main exits" (README "AFL++"). SIGABRT's default action was set before the
	 * filter (afl_sandbox()): rt_sigaction() is on no allow-list. */
	if (w->fb->export && fuzz_outcome_is_crash(o.cls))
		raise(SIGABRT);
	return fuzz_outcome_replay_status(&o);
}

/* afl-fuzz hands its environment to the target, so a VMM_MUTATOR_IMAGE set for the mutator
 * is seen here too: an image made with other options (kernel, --boot, --mem, --append,
 * --initrd, paging) would make every mutation poke the wrong bytes, so it is refused. */
static int check_mutator_image(struct worker *w)
{
	const char *path = getenv(MUTATOR_IMAGE_ENV);
	struct mutator_image file, mine;
	struct file_map f;
	int r;

	if (!path)
		return 0;
	r = file_map(path, MUTATOR_IMAGE_ENV, &f);
	if (r < 0)
		return r;
	r = mutator_image_parse(f.data, f.len, &file);
	if (r == 0)
		r = mutator_image_make(&mine, &w->m->mem, &w->m->entry, w->m->pt.bytes, file.wild);
	if (r == 0)
		r = mutator_image_compare(&file, &mine);
	file_unmap(&f);
	if (r < 0)
		return errf(r, "%s=%s was not made with this command's options (make it again with them "
			    "and --mutator-image): %s", MUTATOR_IMAGE_ENV, path, err_msg());
	return 0;
}

/* The worker's allow-list plus --afl's (vmm/sandbox_afl.c): the pipes where there is a fork
 * server, the test case's descriptor (the lowest free one: each is closed before the next). */
static int afl_sandbox(struct worker *w, bool forkserver)
{
	int next = sandbox_next_fd();
	struct sandbox_afl a = { .ctl_fd = forkserver ? AFL_CTL_FD : -1,
				 .st_fd = forkserver ? AFL_ST_FD : -1,
				 .by_name = w->cfg->fuzz.afl_input != NULL,
				 .case_lo = next, .case_hi = next };

	signal(SIGABRT, SIG_DFL); /* run_once()'s crash under an AFL++ tool: set before the filter */
	return fuzz_worker_sandbox(w, stdout, &a);
}

int afl_main(struct worker *w)
{
	bool forkserver = afl_forkserver_present(AFL_ST_FD);
	char *buf = malloc(AFL_MAX_INPUT);
	int r = buf ? attach_map(w->fb) : errf(-ENOMEM, "out of memory");

	if (r == 0)
		r = check_mutator_image(w);
	if (r == 0)
		r = afl_sandbox(w, forkserver);
	if (r < 0) {
		fprintf(stderr, "vmm fuzz --afl: %s\n", err_msg());
		free(buf);
		return VMM_EXIT_USAGE;
	}
	fprintf(stderr, "vmm fuzz --afl: %s, map %s, test cases from %s\n",
		forkserver ? "fork server for afl-fuzz" : "one test case (no fork server)",
		w->fb->export ? "in AFL's shared memory" : "not exported (no " AFL_SHM_ENV ")",
		w->cfg->fuzz.afl_input ? w->cfg->fuzz.afl_input : "stdin");
	r = forkserver ? serve(w, buf) : run_once(w, buf);
	w->fb->export = NULL; /* AFL's map stays attached until vmm exits */
	free(buf);
	return r == VMM_EXIT_OK ? fuzz_stop_status() : r;
}
