/* sandbox.c: seccomp allow-list (libseccomp) for the run loop; each allowed call says why. */
#define _GNU_SOURCE
#include "vmm/sandbox.h"

#include <errno.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "mmu/err.h"

/* Calls allowed with any arguments. */
static const struct {
	int nr;
	const char *why;
} plain[] = {
	{ SCMP_SYS(futex), "mutex/condition variable between the vCPU and console threads" },
	{ SCMP_SYS(rt_sigreturn), "return from the kick, alarm, flush and SIGSYS handlers" },
	{ SCMP_SYS(rt_sigprocmask), "glibc masks signals around raise() and thread exit" },
	{ SCMP_SYS(restart_syscall), "resume a sleep interrupted by a signal" },
	{ SCMP_SYS(poll), "console output waits until stdout takes a write (a struct pollfd; args not checkable)" },
	{ SCMP_SYS(ppoll), "the same where glibc's poll() uses ppoll" },
	{ SCMP_SYS(clock_nanosleep), "output to an O_NONBLOCK stdout backs off on EAGAIN" },
	{ SCMP_SYS(nanosleep), "the same on older glibc" },
	{ SCMP_SYS(clock_gettime), "time, when the vDSO falls back to the system call" },
	{ SCMP_SYS(getpid), "pthread_kill()/raise() address our own process" },
	{ SCMP_SYS(gettid), "raise() addresses our own thread" },
	{ SCMP_SYS(tgkill), "Ctrl-A x: pthread_kill() kicks the vCPU thread out of KVM_RUN" },
	{ SCMP_SYS(munmap), "free() of large blocks and unmapping at exit" },
	{ SCMP_SYS(madvise), "free() returns memory" },
	{ SCMP_SYS(brk), "malloc() in stdio" },
	{ SCMP_SYS(newfstatat), "stdio checks its stream on first use" },
	{ SCMP_SYS(fstat), "the same on older glibc" },
	{ SCMP_SYS(timer_settime), "console output: arm and disarm the flush deadline" },
	{ SCMP_SYS(getrusage), "--timing: vmm's CPU time and peak RSS at the end" },
	{ SCMP_SYS(mincore), "--timing: guest RAM still resident, left out of vmm's RSS" },
	{ SCMP_SYS(sysinfo), "--profile's report: glibc's qsort() asks for the RAM size once" },
	{ SCMP_SYS(exit), "a thread ends" },
	{ SCMP_SYS(exit_group), "the process ends" },
};

static int allow(scmp_filter_ctx ctx, int nr, unsigned n, const struct scmp_arg_cmp *args)
{
	int r = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, n, args);

	return r < 0 ? errf(r, "seccomp: rule for system call %d: %s", nr, strerror(-r)) : 0;
}

/* I/O only on the descriptors vmm owns at run time. */
static int allow_io(scmp_filter_ctx ctx)
{
	struct scmp_arg_cmp in = SCMP_A0(SCMP_CMP_EQ, STDIN_FILENO);
	struct scmp_arg_cmp out = SCMP_A0(SCMP_CMP_EQ, STDOUT_FILENO);
	struct scmp_arg_cmp err = SCMP_A0(SCMP_CMP_EQ, STDERR_FILENO);
	struct scmp_arg_cmp set[] = { SCMP_A0(SCMP_CMP_EQ, STDIN_FILENO),
				      SCMP_A1(SCMP_CMP_EQ, TCSETS) };
	struct scmp_arg_cmp get[] = { SCMP_A0(SCMP_CMP_EQ, STDIN_FILENO),
				      SCMP_A1(SCMP_CMP_EQ, TCGETS) };
	int r = allow(ctx, SCMP_SYS(read), 1, &in);   /* console input thread */

	if (r == 0)
		r = allow(ctx, SCMP_SYS(write), 1, &out); /* guest serial output */
	if (r == 0)
		r = allow(ctx, SCMP_SYS(write), 1, &err); /* messages, register dumps */
	if (r == 0)
		r = allow(ctx, SCMP_SYS(ioctl), 2, set);  /* tcsetattr(): restore the terminal */
	if (r == 0) /* glibc's tcsetattr() reads the settings back to check them */
		r = allow(ctx, SCMP_SYS(ioctl), 2, get);
	return r;
}

/* Allow `nr` on a descriptor in [lo, hi], with A1 == `a1` unless a1 is NO_A1.
 * libseccomp takes one comparison per argument and rule, so the range goes
 * as aligned power-of-two blocks, one masked comparison each (at most two
 * per bit of hi: 16 rules for 255 vCPUs), matching exactly [lo, hi]. */
#define NO_A1 (~0UL)
static int allow_fds(scmp_filter_ctx ctx, int nr, int lo, int hi, unsigned long a1)
{
	int r = 0;

	for (uint64_t x = (uint64_t)lo, size; r == 0 && x <= (uint64_t)hi; x += size) {
		for (size = 1; x % (size * 2) == 0 && x + size * 2 - 1 <= (uint64_t)hi; size *= 2)
			;
		struct scmp_arg_cmp a[2] = { SCMP_A0(SCMP_CMP_MASKED_EQ, ~(size - 1), x),
					     SCMP_A1(SCMP_CMP_EQ, a1) };

		r = allow(ctx, nr, a1 == NO_A1 ? 1 : 2, a);
	}
	return r;
}

static int build(scmp_filter_ctx ctx, const struct sandbox_ioctl *ioctls, unsigned n)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < sizeof(plain) / sizeof(plain[0]); i++)
		r = allow(ctx, plain[i].nr, 0, NULL);
	if (r == 0)
		r = allow_io(ctx);
	/* KVM_RUN, KVM_IRQ_LINE, register reads for dumps: on vmm's own fds only. */
	for (unsigned i = 0; r == 0 && i < n; i++) {
		r = allow_fds(ctx, SCMP_SYS(ioctl), ioctls[i].fd_lo, ioctls[i].fd_hi,
			      ioctls[i].request);
	}
	return r;
}

/* SIGSYS from the filter: say which call, then repeat it. The signal is
 * blocked inside its own handler, so the kernel now delivers it with the
 * default action and the process dies by SIGSYS. */
static void on_sigsys(int sig, siginfo_t *info, void *uc)
{
	char msg[96];
	int len;

	(void)sig;
	(void)uc;
	len = snprintf(msg, sizeof(msg),
		       "\nvmm: seccomp: forbidden system call %d, stopping\n",
		       info->si_syscall);
	if (write(STDERR_FILENO, msg, (size_t)len) < 0)
		len = 0;
	syscall(info->si_syscall, 0, 0, 0, 0, 0, 0);
}

int sandbox_install(const struct sandbox_ioctl *ioctls, unsigned n, int stats_lo, int stats_hi,
		    const int *out_fds, unsigned nout)
{
	struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO };
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_TRAP);
	int r;

	if (!ctx)
		return errf(-ENOMEM, "seccomp: seccomp_init failed");
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSYS, &sa, NULL);
	r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1); /* the console thread too */
	if (r == 0)
		r = build(ctx, ioctls, n);
	if (r == 0 && stats_lo >= 0) /* --timing: KVM's counters at the end */
		r = allow_fds(ctx, SCMP_SYS(pread64), stats_lo, stats_hi, NO_A1);
	for (unsigned i = 0; r == 0 && i < nout; i++) /* --profile-out, --trace */
		r = allow_fds(ctx, SCMP_SYS(write), out_fds[i], out_fds[i], NO_A1);
	if (r == 0) {
		r = seccomp_load(ctx);
		if (r < 0)
			r = errf(r, "seccomp: loading the filter: %s", strerror(-r));
	}
	seccomp_release(ctx);
	return r;
}

void sandbox_selftest(void)
{
	syscall(SYS_socket, 1, 1, 0); /* not on the allow-list */
}
