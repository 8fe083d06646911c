/* jobs.c: `vmm fuzz --jobs N` in the parent: N worker processes, their JSON lines passed on whole and counted. */
#define _GNU_SOURCE /* ppoll() */
#include "vmm/fuzz/jobs.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmm/config.h"
#include "vmm/exitcode.h"
#include "vmm/timing.h"

/* A worker ends its current run within a reset and a run limit; one that has not
 * ended this long after the stop signal is killed. */
#define JOBS_KILL_AFTER_MS 10000
/* While a stop is under way, how often the parent looks at the workers. */
#define JOBS_TICK_MS 20

struct job {
	pid_t pid;	/* 0 once reaped */
	int fd;		/* -1 once the worker closed it */
	int status;	/* its exit status for vmm, once reaped */
	char buf[8192];
	size_t len;
};

/* The parent's state while it collects: the stop it passed on, if any. */
struct collect {
	struct job *jobs;
	unsigned n;
	sigset_t wait_mask;	/* the mask before jobs_run(): stop signals let through */
	int stop_signal;	/* 0, or the signal forwarded to the workers */
	uint64_t kill_at_ns;	/* then: when the workers left are killed */
};

/* Pass on the whole lines in j->buf, counting them in the summary. */
static void take_lines(struct job *j, FILE *out, struct fuzz_summary *sum)
{
	char *start = j->buf, *nl;

	while ((nl = memchr(start, '\n', j->len - (size_t)(start - j->buf)))) {
		struct fuzz_outcome o = { 0 };
		uint64_t sig, index;

		*nl = '\0';
		fprintf(out, "%s\n", start);
		if (fuzz_parse_line(start, &o, &sig, &index))
			fuzz_summary_add(sum, &o, sig, index);
		start = nl + 1;
	}
	j->len -= (size_t)(start - j->buf);
	memmove(j->buf, start, j->len);
	if (j->len == sizeof(j->buf)) /* a line longer than the buffer: not ours */
		j->len = 0;
}

/* Read what worker j wrote; at end of file (or a read error) close its end. */
static void read_job(struct job *j, FILE *out, struct fuzz_summary *sum)
{
	ssize_t got = read(j->fd, j->buf + j->len, sizeof(j->buf) - j->len);

	/* Only a failed read sets errno: after read() returns 0 it may still
	 * hold the EINTR of an earlier ppoll(), which is no reason to retry. */
	if (got < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (got <= 0) {
		close(j->fd);
		j->fd = -1;
		return;
	}
	j->len += (size_t)got;
	take_lines(j, out, sum);
}

/* Wait for output (or a stop signal, or timeout_ms when >= 0) and take it; false
 * when every worker has closed its end. */
static bool read_some(struct collect *c, int timeout_ms, FILE *out, struct fuzz_summary *sum)
{
	struct pollfd p[CONFIG_MAX_JOBS];
	struct timespec t = { .tv_sec = timeout_ms / 1000, .tv_nsec = timeout_ms % 1000 * 1000000L };
	unsigned open = 0;

	for (unsigned i = 0; i < c->n; i++) {
		p[i] = (struct pollfd){ .fd = c->jobs[i].fd, .events = POLLIN };
		open += c->jobs[i].fd >= 0;
	}
	if (!open)
		return false;
	/* The stop signals are blocked except inside ppoll(): one that comes
	 * before it is pending and interrupts it at once, never lost. */
	if (ppoll(p, c->n, timeout_ms < 0 ? NULL : &t, &c->wait_mask) < 0)
		return true; /* EINTR: the caller looks at the stop signal */
	for (unsigned i = 0; i < c->n; i++)
		if (c->jobs[i].fd >= 0 && (p[i].revents & (POLLIN | POLLHUP | POLLERR)))
			read_job(&c->jobs[i], out, sum);
	return true;
}

/* Reap the workers that have ended; true while any is left. */
static bool reap_some(struct collect *c)
{
	bool left = false;

	for (unsigned i = 0; i < c->n; i++) {
		struct job *j = &c->jobs[i];
		int st;

		if (j->pid && waitpid(j->pid, &st, WNOHANG) == j->pid) {
			j->status = WIFEXITED(st) ? WEXITSTATUS(st) : VMM_EXIT_HOST;
			j->pid = 0;
		}
		left |= j->pid != 0;
	}
	return left;
}

static void signal_all(struct collect *c, int sig)
{
	for (unsigned i = 0; i < c->n; i++)
		if (c->jobs[i].pid)
			kill(c->jobs[i].pid, sig);
}

/* A stop signal the parent received goes to every worker (a Ctrl-C reaches the
 * whole process group, a kill(1) only the parent); those left after the grace
 * time are killed. */
static void pass_on_stop(struct collect *c, const struct jobs_worker *w)
{
	int sig = c->stop_signal ? 0 : w->stop_signal();

	if (sig) {
		c->stop_signal = sig;
		c->kill_at_ns = timing_now() +
				(uint64_t)(w->kill_after_ms ? w->kill_after_ms : JOBS_KILL_AFTER_MS) * 1000000;
		signal_all(c, sig);
	} else if (c->stop_signal && timing_now() >= c->kill_at_ns) {
		signal_all(c, SIGKILL);
	}
}

/* Whether any worker's pipe is still open: it may hold lines its worker wrote before it ended. */
static bool any_open(const struct collect *c)
{
	for (unsigned i = 0; i < c->n; i++)
		if (c->jobs[i].fd >= 0)
			return true;
	return false;
}

/* Take lines until every worker has closed its end and been reaped: a worker reaped
 * while its pipe still holds lines (a slow stdout, every worker ending at once) is
 * read to the end of its pipe before the parent stops. */
static void collect(struct collect *c, const struct jobs_worker *w, FILE *out,
		    struct fuzz_summary *sum)
{
	bool left = true;

	while (left || any_open(c)) {
		/* After a stop, wake every tick to reap and, in time, to kill. */
		int tick = c->stop_signal ? JOBS_TICK_MS : -1;

		if (!read_some(c, tick, out, sum)) /* all closed: the ends are near */
			ppoll(NULL, 0, &(struct timespec){ .tv_nsec = JOBS_TICK_MS * 1000000L },
			      &c->wait_mask);
		left = reap_some(c);
		pass_on_stop(c, w);
	}
}

/* Start worker i; false if the pipe or the fork failed. */
static bool start(struct collect *c, const struct jobs_worker *w, unsigned i)
{
	struct job *j = &c->jobs[i];
	int fd[2];

	pid_t parent = getpid();

	if (pipe(fd) < 0)
		return false;
	j->pid = fork();
	if (j->pid == 0) {
		/* The stream's buffer, given: stdio's own comes after an fstat(),
		 * which the worker's sandbox does not allow. */
		static char buf[8192];
		FILE *f = fdopen(fd[1], "w");

		/* A parent that dies (a forbidden call under its sandbox, SIGKILL)
		 * takes its workers with it. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
			_exit(VMM_EXIT_HOST);
		if (f)
			setvbuf(f, buf, _IOFBF, sizeof(buf));
		sigprocmask(SIG_SETMASK, &c->wait_mask, NULL);
		close(fd[0]);
		_exit(f ? w->run(w->ctx, i, f) : VMM_EXIT_HOST);
	}
	close(fd[1]);
	j->len = 0;
	j->status = VMM_EXIT_OK;
	j->fd = fd[0];
	if (j->pid > 0)
		return true;
	close(fd[0]);
	j->fd = -1;
	j->pid = 0;
	j->status = VMM_EXIT_HOST;
	return false;
}

/* The parent's sandbox, once every worker has started. */
static int lock_down(const struct collect *c, const struct jobs_worker *w)
{
	pid_t pids[CONFIG_MAX_JOBS];
	int lo = -1, hi = -1;

	for (unsigned i = 0; i < c->n; i++) {
		pids[i] = c->jobs[i].pid;
		lo = lo < 0 || c->jobs[i].fd < lo ? c->jobs[i].fd : lo;
		hi = c->jobs[i].fd > hi ? c->jobs[i].fd : hi;
	}
	return w->sandbox(w->ctx, pids, c->n, lo, hi);
}

int jobs_run(const struct jobs_worker *w, unsigned n, FILE *out, struct fuzz_summary *sum,
	     int *status)
{
	static struct job jobs[CONFIG_MAX_JOBS];
	struct collect c = { .jobs = jobs, .n = 0 };
	sigset_t stops;
	int r = VMM_EXIT_OK;
	bool failed = false;

	sigemptyset(&stops);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGTERM);
	sigaddset(&stops, SIGHUP);
	sigprocmask(SIG_BLOCK, &stops, &c.wait_mask);
	fflush(NULL);
	while (c.n < n && !failed)
		failed = !start(&c, w, c.n++);
	if (!failed && w->sandbox)
		failed = lock_down(&c, w) < 0;
	if (failed) /* end those that started */
		signal_all(&c, SIGTERM);
	collect(&c, w, out, sum);
	sigprocmask(SIG_SETMASK, &c.wait_mask, NULL);
	for (unsigned i = 0; i < n; i++) {
		status[i] = i < c.n ? jobs[i].status : VMM_EXIT_HOST;
		r = r == VMM_EXIT_OK ? status[i] : r;
	}
	if (c.stop_signal)
		return VMM_EXIT_SIGNAL_BASE + c.stop_signal;
	return failed ? VMM_EXIT_HOST : r;
}
