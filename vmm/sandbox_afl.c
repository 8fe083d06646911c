/* sandbox_afl.c: the calls `vmm fuzz --afl` adds to a fuzz worker's allow-list: fork-server pipes (and a wait on them), test cases, the keeper pid, a crash as SIGABRT. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmm/sandbox.h"
#include "vmm/sandbox_rules.h"

#define KEEPER_CLONE_FLAGS (CLONE_VM | SIGCHLD) /* vmm/fuzz/afl.c keeper_start() */
#define CASE_OPEN_FLAGS (O_RDONLY | O_CLOEXEC)	/* vmm/fuzz/afl_protocol.c */

/* Each test case: stdin from offset 0 (afl-fuzz rewrites it), or a file opened by name. */
static int allow_test_cases(scmp_filter_ctx ctx, const struct sandbox_afl *a)
{
	struct scmp_arg_cmp rdonly = SCMP_A2(SCMP_CMP_MASKED_EQ, SANDBOX_LOW32, CASE_OPEN_FLAGS);
	int lo = a->by_name ? a->case_lo : STDIN_FILENO, hi = a->by_name ? a->case_hi : STDIN_FILENO;
	int r = sandbox_allow_fds(ctx, SCMP_SYS(pread64), lo, hi, SANDBOX_ANY_A1);

	if (r == 0) /* a pipe on stdin cannot pread: read to its end */
		r = sandbox_allow_fds(ctx, SCMP_SYS(read), lo, hi, SANDBOX_ANY_A1);
	if (r == 0 && a->by_name) /* any path afl-fuzz names, but read-only */
		r = sandbox_allow(ctx, SCMP_SYS(openat), 1, &rdonly);
	if (r == 0 && a->by_name)
		r = sandbox_allow_fds(ctx, SCMP_SYS(close), lo, hi, SANDBOX_ANY_A1);
	return r;
}

/* The keeper: made, reaped without blocking; in it, the death signal, a parent check, pause. */
static int allow_keeper(scmp_filter_ctx ctx)
{
	struct scmp_arg_cmp flags = SCMP_A0(SCMP_CMP_EQ, KEEPER_CLONE_FLAGS, 0);
	struct scmp_arg_cmp nohang = SCMP_A2(SCMP_CMP_MASKED_EQ, SANDBOX_LOW32, WNOHANG);
	struct scmp_arg_cmp deathsig = SCMP_A0(SCMP_CMP_MASKED_EQ, SANDBOX_LOW32, PR_SET_PDEATHSIG);
	int r = sandbox_allow(ctx, SCMP_SYS(clone), 1, &flags);

	if (r == 0)
		r = sandbox_allow(ctx, SCMP_SYS(wait4), 1, &nohang);
	if (r == 0)
		r = sandbox_allow(ctx, SCMP_SYS(prctl), 1, &deathsig);
	if (r == 0)
		r = sandbox_allow(ctx, SCMP_SYS(getppid), 0, NULL);
	return r == 0 ? sandbox_allow(ctx, SCMP_SYS(pause), 0, NULL) : r;
}

int sandbox_allow_afl(scmp_filter_ctx ctx, const struct sandbox_afl *a)
{
	int r = sandbox_allow_fds(ctx, SCMP_SYS(read), a->ctl_fd, a->ctl_fd, SANDBOX_ANY_A1);

	if (r == 0)
		r = sandbox_allow_fds(ctx, SCMP_SYS(write), a->st_fd, a->st_fd, SANDBOX_ANY_A1);
	if (r == 0)
		r = allow_test_cases(ctx, a);
	if (r == 0 && a->ctl_fd >= 0)
		r = allow_keeper(ctx);
	if (r == 0 && a->ctl_fd >= 0) /* wait for a request or a stop signal (afl.c next_request()) */
		r = sandbox_allow(ctx, SCMP_SYS(ppoll), 0, NULL);
	if (r == 0) /* raise(SIGABRT): a crash, where an AFL++ tool runs vmm without a fork server */
		r = sandbox_allow_own_signal(ctx, SIGABRT);
	return r;
}
