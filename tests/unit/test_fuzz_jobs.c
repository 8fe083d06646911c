/* test_fuzz_jobs.c: the --jobs parent with stand-in workers: lines passed on and counted, a stop signal forwarded, every worker reaped. */
#define _GNU_SOURCE /* fopencookie() */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vmm/exitcode.h"
#include "vmm/fuzz/jobs.h"

static volatile sig_atomic_t got_signal;
static struct fuzz_summary sum;
static int status[3];

static void on_signal(int sig)
{
	got_signal = sig;
}

static int stop_signal(void)
{
	return got_signal;
}

/* As stop_init() does: no SA_RESTART. */
static void setup(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	memset(&sum, 0, sizeof(sum));
}

TestSuite(fuzz_jobs, .init = setup, .timeout = 20);

static void line(FILE *out, unsigned id, unsigned n)
{
	fprintf(out, "{\"index\":%u,\"outcome\":\"reset\",\"detail\":\"\",\"signature\":\"%x\"}\n",
		id + 100 * n, id);
	fflush(out);
}

/* A worker that runs until a stop signal, as vmm's do: 128 + the signal. */
static int until_stopped(void *ctx, unsigned id, FILE *out)
{
	(void)ctx;
	for (unsigned n = 0; !got_signal; n++) {
		line(out, id, n);
		usleep(20000);
	}
	return VMM_EXIT_SIGNAL_BASE + got_signal;
}

/* A worker that writes two lines and ends by itself after 300 ms, whatever comes. */
static int two_lines(void *ctx, unsigned id, FILE *out)
{
	(void)ctx;
	line(out, id, 0);
	line(out, id, 1);
	for (int i = 0; i < 30; i++)
		usleep(10000);
	return VMM_EXIT_OK;
}

/* A worker that does not end on a stop signal. */
static int deaf(void *ctx, unsigned id, FILE *out)
{
	(void)ctx;
	signal(SIGINT, SIG_IGN);
	alarm(30); /* never outlive a broken parent by long */
	line(out, id, 0);
	for (;;)
		pause();
	return 0;
}

/* Send `sig` to this process (the parent only, not its group) after `ms`; the killer's pid. */
static pid_t kill_me_after(int sig, unsigned ms)
{
	pid_t parent = getpid(), pid = fork();

	if (pid == 0) {
		usleep(ms * 1000);
		kill(parent, sig);
		_exit(0);
	}
	return pid;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* After jobs_run(): no child of this process is left, zombie or running. */
static void assert_all_reaped(pid_t killer)
{
	cr_assert_eq(waitpid(killer, NULL, 0), killer);
	cr_assert_eq(waitpid(-1, NULL, WNOHANG), -1, "a worker was not reaped");
	cr_assert_eq(errno, ECHILD);
}

static int run_jobs(int (*run)(void *, unsigned, FILE *), unsigned kill_after_ms)
{
	struct jobs_worker w = { .run = run, .stop_signal = stop_signal,
				 .kill_after_ms = kill_after_ms };
	FILE *out = fopen("/dev/null", "w");
	int r = jobs_run(&w, 2, out, &sum, status);

	fclose(out);
	return r;
}

Test(fuzz_jobs, workers_that_end_by_themselves)
{
	struct jobs_worker w = { .run = two_lines, .stop_signal = stop_signal };
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	cr_assert_eq(jobs_run(&w, 3, out, &sum, status), VMM_EXIT_OK);
	fclose(out);
	cr_assert_eq(sum.runs, 6);
	cr_assert_eq(sum.nsig, 3);
	cr_assert_not_null(strstr(buf, "{\"index\":102,\"outcome\":\"reset\""), "%s", buf);
	free(buf);
	cr_assert_eq(waitpid(-1, NULL, WNOHANG), -1);
}

#define BURST_LINES 80

/* A worker that writes BURST_LINES lines of about 700 bytes at once and ends: all of them
 * sit in its pipe (64 KiB) when it is reaped. */
static int burst(void *ctx, unsigned id, FILE *out)
{
	char pad[600];

	(void)ctx;
	memset(pad, 'a', sizeof(pad) - 1);
	pad[sizeof(pad) - 1] = '\0';
	for (unsigned n = 0; n < BURST_LINES; n++)
		fprintf(out, "{\"index\":%u,\"state\":\"%s\",\"outcome\":\"reset\",\"detail\":\"\",\"signature\":\"%x\"}\n",
			id + 100 * n, pad, id);
	fflush(out);
	return VMM_EXIT_OK;
}

/* A stdout that takes 1 ms a line (a pager, a slow disk): the workers end long before. */
static ssize_t slow_write(void *cookie, const char *buf, size_t len)
{
	unsigned *lines = cookie;

	for (size_t i = 0; i < len; i++)
		*lines += buf[i] == '\n';
	usleep(1000);
	return (ssize_t)len;
}

/* Every line a worker wrote reaches stdout and the summary, however slow stdout is (before:
 * the parent stopped once every worker was reaped, and 116-136 of 320 lines came through). */
Test(fuzz_jobs, every_line_reaches_a_slow_stdout)
{
	struct jobs_worker w = { .run = burst, .stop_signal = stop_signal };
	unsigned lines = 0;
	FILE *out = fopencookie(&lines, "w", (cookie_io_functions_t){ .write = slow_write });

	cr_assert_not_null(out);
	setvbuf(out, NULL, _IOLBF, 0);
	cr_assert_eq(jobs_run(&w, 3, out, &sum, status), VMM_EXIT_OK);
	fclose(out);
	cr_assert_eq(lines, 3 * BURST_LINES);
	cr_assert_eq(sum.runs, 3 * BURST_LINES);
}

Test(fuzz_jobs, a_signal_to_the_parent_alone_stops_every_worker)
{
	double t0 = now_s();
	pid_t killer = kill_me_after(SIGINT, 300);
	int r = run_jobs(until_stopped, 0);

	cr_assert_eq(r, VMM_EXIT_SIGNAL_BASE + SIGINT);
	cr_assert_lt(now_s() - t0, 3.0);
	cr_assert_geq(sum.runs, 4, "the lines written before the stop are counted");
	cr_assert_eq(status[0], VMM_EXIT_SIGNAL_BASE + SIGINT, "the signal reached worker 0");
	cr_assert_eq(status[1], VMM_EXIT_SIGNAL_BASE + SIGINT, "the signal reached worker 1");
	assert_all_reaped(killer);
}

/* The parent's poll() returns EINTR, then the workers close their pipes (read() returns 0,
 * errno untouched): the parent must not take the stale EINTR for a reason to read again. */
Test(fuzz_jobs, end_of_file_after_an_interrupted_poll)
{
	double t0 = now_s();
	pid_t killer = kill_me_after(SIGTERM, 100);
	int r = run_jobs(two_lines, 0);

	cr_assert_eq(r, VMM_EXIT_SIGNAL_BASE + SIGTERM);
	cr_assert_lt(now_s() - t0, 3.0);
	cr_assert_eq(sum.runs, 4);
	assert_all_reaped(killer);
}

Test(fuzz_jobs, a_worker_that_does_not_stop_is_killed)
{
	double t0 = now_s();
	pid_t killer = kill_me_after(SIGINT, 200);
	int r = run_jobs(deaf, 300);

	cr_assert_eq(r, VMM_EXIT_SIGNAL_BASE + SIGINT);
	cr_assert_eq(status[0], VMM_EXIT_HOST, "killed");
	cr_assert_lt(now_s() - t0, 3.0);
	assert_all_reaped(killer);
}
