/* test_thread_start.c: thread_start() returns with glibc's thread start-up done, so a seccomp filter loaded right after never meets its calls. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/thread_start.h"

#define TRIES 50

static void *echo(void *arg)
{
	return arg;
}

Test(thread_start, runs_the_function_with_its_argument)
{
	int x;
	pthread_t t;
	void *res;

	cr_assert_eq(thread_start(&t, echo, &x), 0);
	cr_assert_eq(pthread_join(t, &res), 0);
	cr_expect_eq(res, &x);
}

/* Blocks until the pipe's write end closes. */
static void *wait_for_eof(void *arg)
{
	char c;

	while (read(*(int *)arg, &c, 1) > 0)
		;
	return NULL;
}

/* In a child: start a thread, then at once load (TSYNC: every thread) a filter that kills the
 * process by SIGSYS at glibc's thread start-up calls, as vmm's allow-list does by omission;
 * then let the thread end. Exit status 0, or death by SIGSYS. */
static void start_then_filter(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	pthread_t t;
	int p[2];

	if (!ctx || pipe(p) < 0 || seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1) < 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(rseq), 0) < 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(set_robust_list), 0) < 0)
		_exit(3);
	if (thread_start(&t, wait_for_eof, &p[0]) != 0)
		_exit(4);
	if (seccomp_load(ctx) < 0)
		_exit(5);
	close(p[1]);
	_exit(pthread_join(t, NULL) == 0 ? 0 : 6);
}

Test(thread_start, a_filter_loaded_right_after_never_meets_the_start_up_calls)
{
	for (int i = 0; i < TRIES; i++) {
		pid_t pid = fork();
		int st;

		cr_assert_geq(pid, 0);
		if (pid == 0)
			start_then_filter();
		cr_assert_eq(waitpid(pid, &st, 0), pid);
		cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0,
			  "try %d: status %#x (signal %d)", i, st, WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	}
}
