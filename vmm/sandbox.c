/* sandbox.c: seccomp allow-lists (libseccomp) for run mode, fuzz workers and the --jobs parent; each allowed call says why. */
#define _GNU_SOURCE
#include "vmm/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kcov.h>
#include <seccomp.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <ucontext.h>
#include <unistd.h>

#include "mmu/err.h"
#include "vmm/sandbox_rules.h"

/* The only flags a fuzz worker opens files with: a new file, never an existing one. */
#define SANDBOX_CREATE_FLAGS (O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC)
#define SANDBOX_FILE_MODE 0644

/* Calls every vmm process may make after setup, with any arguments. */
static const struct {
	int nr;
	const char *why;
} plain[] = {
	{ SCMP_SYS(futex), "mutex/condition variable between the vCPU and console threads" },
	{ SCMP_SYS(rt_sigreturn), "return from the kick, alarm, flush and stop handlers" },
	{ SCMP_SYS(rt_sigprocmask), "glibc masks signals around pthread_kill() and thread exit" },
	{ SCMP_SYS(restart_syscall), "resume a sleep interrupted by a signal" },
	{ SCMP_SYS(clock_nanosleep), "output to an O_NONBLOCK stdout backs off on EAGAIN" },
	{ SCMP_SYS(nanosleep), "the same on older glibc" },
	{ SCMP_SYS(clock_gettime), "time, when the vDSO falls back to the system call" },
	{ SCMP_SYS(getpid), "pthread_kill() addresses our own process" },
	{ SCMP_SYS(gettid), "pthread_kill() of the calling thread" },
	{ SCMP_SYS(brk), "malloc() in stdio and open_memstream()" },
	{ SCMP_SYS(sysinfo), "glibc's qsort() sizes its buffer by the RAM (fuzz mode's percentiles)" },
	{ SCMP_SYS(exit), "a thread ends" },
	{ SCMP_SYS(exit_group), "the process ends" },
};

static void (*volatile before_death)(void);

/* Signals to itself only (A0 == our tgid), and only the two vmm sends: SIGUSR1
 * (stop, Ctrl-A x) and SIGUSR2 (kick a vCPU out of KVM_RUN). */
static int allow_own_signals(scmp_filter_ctx ctx)
{
	int r = 0;

	for (int sig = SIGUSR1; r == 0 && sig <= SIGUSR2; sig += SIGUSR2 - SIGUSR1)
		r = sandbox_allow_own_signal(ctx, sig);
	return r;
}

/* Allow `nr` (with `also`, unless NULL) where A0 is not guest RAM (anywhere without RAM). */
static int allow_outside_ram(scmp_filter_ctx ctx, const struct sandbox_policy *p, int nr,
			     const struct scmp_arg_cmp *also)
{
	if (!p->ram)
		return sandbox_allow(ctx, nr, also ? 1 : 0, also);
	return sandbox_allow_a0_outside(ctx, nr, (uintptr_t)p->ram, p->ram_size, also);
}

/* malloc() of large blocks: anonymous private read-write memory only (no file,
 * no PROT_EXEC); free() and thread exit give memory back: madvise(MADV_DONTNEED)
 * on thread stacks, munmap() of large blocks, never of guest RAM (a start inside it);
 * realloc() of a large block: mremap() in place or to where the kernel chooses (glibc's
 * mremap_chunk(): MREMAP_MAYMOVE; never MREMAP_FIXED or MREMAP_DONTUNMAP, which would
 * map over or keep another mapping), never of guest RAM. */
static int allow_memory(scmp_filter_ctx ctx, const struct sandbox_policy *p)
{
	struct scmp_arg_cmp anon[] = {
		SCMP_A2(SCMP_CMP_MASKED_EQ, SANDBOX_LOW32, PROT_READ | PROT_WRITE),
		SCMP_A3(SCMP_CMP_MASKED_EQ, SANDBOX_LOW32, MAP_PRIVATE | MAP_ANONYMOUS) };
	struct scmp_arg_cmp dontneed = SCMP_A2(SCMP_CMP_MASKED_EQ, SANDBOX_LOW32, MADV_DONTNEED);
	struct scmp_arg_cmp may_move = SCMP_A3(SCMP_CMP_MASKED_EQ, MREMAP_FIXED | MREMAP_DONTUNMAP, 0);
	int r = sandbox_allow(ctx, SCMP_SYS(mmap), 2, anon);

	if (r == 0)
		r = sandbox_allow(ctx, SCMP_SYS(madvise), 1, &dontneed);
	if (r == 0)
		r = allow_outside_ram(ctx, p, SCMP_SYS(mremap), &may_move);
	return r == 0 ? allow_outside_ram(ctx, p, SCMP_SYS(munmap), NULL) : r;
}

static int allow_common(scmp_filter_ctx ctx, const struct sandbox_policy *p)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < sizeof(plain) / sizeof(plain[0]); i++)
		r = sandbox_allow(ctx, plain[i].nr, 0, NULL);
	if (r == 0)
		r = allow_own_signals(ctx);
	if (r == 0)
		r = allow_memory(ctx, p);
	if (r == 0) /* messages, register dumps, the summary */
		r = sandbox_allow_fds(ctx, SCMP_SYS(write), STDERR_FILENO, STDERR_FILENO, SANDBOX_ANY_A1);
	for (unsigned i = 0; r == 0 && i < p->nwrite_fds; i++) /* serial output, JSON lines */
		r = sandbox_allow_fds(ctx, SCMP_SYS(write), p->write_fds[i], p->write_fds[i], SANDBOX_ANY_A1);
	return r;
}

/* Run mode's console: input from stdin, the terminal restored at the end, output paced. */
static int allow_console(scmp_filter_ctx ctx)
{
	int r = sandbox_allow_fds(ctx, SCMP_SYS(read), STDIN_FILENO, STDIN_FILENO, SANDBOX_ANY_A1);

	if (r == 0) /* tcsetattr(): restore the terminal */
		r = sandbox_allow_fds(ctx, SCMP_SYS(ioctl), STDIN_FILENO, STDIN_FILENO, TCSETS);
	if (r == 0) /* glibc's tcsetattr() reads the settings back to check them */
		r = sandbox_allow_fds(ctx, SCMP_SYS(ioctl), STDIN_FILENO, STDIN_FILENO, TCGETS);
	if (r == 0) /* tcgetpgrp(): is vmm in the foreground (vmm/console/input.c)? */
		r = sandbox_allow_fds(ctx, SCMP_SYS(ioctl), STDIN_FILENO, STDIN_FILENO, TIOCGPGRP);
	if (r == 0)
		r = sandbox_allow(ctx, SCMP_SYS(getpgrp), 0, NULL);
	/* Console output waits until stdout takes a write (vmm/machine/console_out.c), and
	 * input until an O_NONBLOCK stdin has bytes (vmm/console/input.c): a struct pollfd in
	 * memory, so the descriptor cannot be checked here. */
	if (r == 0)
		r = sandbox_allow(ctx, SCMP_SYS(poll), 0, NULL);
	if (r == 0) /* where glibc's poll() is ppoll() */
		r = sandbox_allow(ctx, SCMP_SYS(ppoll), 0, NULL);
	return r;
}

/* The flush and run-deadline timers (by kernel id) and --timing's figures at the end. */
static int allow_timers_and_timing(scmp_filter_ctx ctx, const struct sandbox_policy *p)
{
	struct scmp_arg_cmp self = SCMP_A0(SCMP_CMP_EQ, RUSAGE_SELF, 0);
	struct scmp_arg_cmp vec = SCMP_A2(SCMP_CMP_EQ, (uintptr_t)p->mincore_vec, 0);
	int r = 0;

	for (unsigned i = 0; r == 0 && i < p->ntimers; i++) {
		struct scmp_arg_cmp id = SCMP_A0(SCMP_CMP_MASKED_EQ, SANDBOX_LOW32, (uint64_t)p->timers[i]);

		r = sandbox_allow(ctx, SCMP_SYS(timer_settime), 1, &id);
	}
	if (r == 0 && p->stats_lo >= 0) /* KVM's counters */
		r = sandbox_allow_fds(ctx, SCMP_SYS(pread64), p->stats_lo, p->stats_hi, SANDBOX_ANY_A1);
	if (r == 0 && p->rusage) /* vmm's CPU time and peak RSS */
		r = sandbox_allow(ctx, SCMP_SYS(getrusage), 1, &self);
	if (r == 0 && p->mincore_vec) /* guest RAM still resident, left out of vmm's RSS */
		r = sandbox_allow(ctx, SCMP_SYS(mincore), 1, &vec);
	return r;
}

/* Fuzz workers' repro files: created new in a directory opened before the
 * filter, written through one known descriptor, then linked or renamed there. */
static int allow_dir(scmp_filter_ctx ctx, int dir)
{
	struct scmp_arg_cmp create[] = { SCMP_A0(SCMP_CMP_EQ, (uint64_t)dir, 0),
					 SCMP_A2(SCMP_CMP_MASKED_EQ, SANDBOX_LOW32, SANDBOX_CREATE_FLAGS) };
	struct scmp_arg_cmp link[] = { SCMP_A0(SCMP_CMP_EQ, (uint64_t)dir, 0),
				       SCMP_A2(SCMP_CMP_EQ, (uint64_t)dir, 0),
				       SCMP_A4(SCMP_CMP_MASKED_EQ, SANDBOX_LOW32, 0) };
	struct scmp_arg_cmp unlink[] = { SCMP_A0(SCMP_CMP_EQ, (uint64_t)dir, 0),
					 SCMP_A2(SCMP_CMP_MASKED_EQ, SANDBOX_LOW32, 0) };
	int r = sandbox_allow(ctx, SCMP_SYS(openat), 2, create);

	if (r == 0) /* first writer of a signature wins */
		r = sandbox_allow(ctx, SCMP_SYS(linkat), 3, link);
	if (r == 0) /* states/N.state: the last one stays */
		r = sandbox_allow(ctx, SCMP_SYS(renameat), 2, link);
	return r == 0 ? sandbox_allow(ctx, SCMP_SYS(unlinkat), 2, unlink) : r;
}

static int allow_files(scmp_filter_ctx ctx, const struct sandbox_policy *p)
{
	struct scmp_arg_cmp mode[] = { SCMP_A0(SCMP_CMP_EQ, (uint64_t)p->file_fd, 0),
				       SCMP_A1(SCMP_CMP_MASKED_EQ, SANDBOX_LOW32, SANDBOX_FILE_MODE) };
	int r = 0;

	for (unsigned i = 0; r == 0 && i < p->ndirs; i++)
		r = allow_dir(ctx, p->dirs[i]);
	if (r == 0 && p->file_fd >= 0)
		r = sandbox_allow_fds(ctx, SCMP_SYS(write), p->file_fd, p->file_fd, SANDBOX_ANY_A1);
	if (r == 0 && p->file_fd >= 0) /* readable by whoever replays it, whatever the umask */
		r = sandbox_allow(ctx, SCMP_SYS(fchmod), 2, mode);
	if (r == 0 && p->file_fd >= 0)
		r = sandbox_allow_fds(ctx, SCMP_SYS(close), p->file_fd, p->file_fd, SANDBOX_ANY_A1);
	return r;
}

/* The --jobs parent: its workers' lines, their ends, stop signals passed on. */
static int allow_parent(scmp_filter_ctx ctx, const struct sandbox_policy *p)
{
	struct scmp_arg_cmp nohang = SCMP_A2(SCMP_CMP_MASKED_EQ, SANDBOX_LOW32, WNOHANG);
	struct scmp_arg_cmp nonblock = SCMP_A2(SCMP_CMP_MASKED_EQ, SANDBOX_LOW32, GRND_NONBLOCK);
	int r = sandbox_allow_fds(ctx, SCMP_SYS(read), p->pipe_lo, p->pipe_hi, SANDBOX_ANY_A1);

	if (r == 0)
		r = sandbox_allow_fds(ctx, SCMP_SYS(close), p->pipe_lo, p->pipe_hi, SANDBOX_ANY_A1);
	if (r == 0) /* wait for lines or a stop signal */
		r = sandbox_allow(ctx, SCMP_SYS(ppoll), 0, NULL);
	if (r == 0) /* reap the workers that ended */
		r = sandbox_allow(ctx, SCMP_SYS(wait4), 1, &nohang);
	if (r == 0) /* malloc()'s first use in this process seeds its tcache key */
		r = sandbox_allow(ctx, SCMP_SYS(getrandom), 1, &nonblock);
	for (unsigned i = 0; r == 0 && i < p->nworkers; i++) {
		struct scmp_arg_cmp pid = SCMP_A0(SCMP_CMP_EQ, (uint64_t)p->workers[i], 0);

		r = sandbox_allow(ctx, SCMP_SYS(kill), 1, &pid);
	}
	return r;
}

static int build(scmp_filter_ctx ctx, const struct sandbox_policy *p)
{
	int r = allow_common(ctx, p);

	if (r == 0 && p->console)
		r = allow_console(ctx);
	/* KVM_RUN, KVM_IRQ_LINE, register reads for dumps, fuzz mode's state blocks:
	 * on vmm's own fds only. */
	for (unsigned i = 0; r == 0 && i < p->nioctls; i++)
		r = sandbox_allow_fds(ctx, SCMP_SYS(ioctl), p->ioctls[i].fd_lo, p->ioctls[i].fd_hi,
			      p->ioctls[i].request);
	if (r == 0)
		r = allow_timers_and_timing(ctx, p);
	if (r == 0)
		r = allow_files(ctx, p);
	if (r == 0 && p->nworkers)
		r = allow_parent(ctx, p);
	if (r == 0 && p->afl)
		r = sandbox_allow_afl(ctx, p->afl);
	if (r == 0) /* --kcov's thread trace, turned off and closed as the worker ends */
		r = sandbox_allow_fds(ctx, SCMP_SYS(ioctl), p->kcov_fd, p->kcov_fd, KCOV_DISABLE);
	if (r == 0)
		r = sandbox_allow_fds(ctx, SCMP_SYS(close), p->kcov_fd, p->kcov_fd, SANDBOX_ANY_A1);
	return r;
}

/* "NAME" as decimal into buf; returns its length. Async-signal-safe. */
static size_t put_uint(char *buf, unsigned long v)
{
	char tmp[24];
	size_t n = 0, len = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) && n < sizeof(tmp));
	while (n)
		buf[len++] = tmp[--n];
	return len;
}

/* SIGSYS from the filter: say which call, restore the terminal, then make the
 * same call again with the same arguments. SIGSYS is blocked inside its own
 * handler, so the kernel delivers the new trap with the default action and
 * the process dies by SIGSYS (status 159): it never carries on. */
static void on_sigsys(int sig, siginfo_t *info, void *ctx)
{
	static const char head[] = "\nvmm: seccomp: forbidden system call ";
	static const char tail[] = ", stopping\n";
	const greg_t *g = ((ucontext_t *)ctx)->uc_mcontext.gregs;
	char msg[96];
	size_t len = sizeof(head) - 1;

	memcpy(msg, head, len);
	len += put_uint(msg + len, (unsigned long)info->si_syscall);
	memcpy(msg + len, tail, sizeof(tail) - 1);
	len += sizeof(tail) - 1;
	if (write(STDERR_FILENO, msg, len) < 0)
		len = 0;
	if (before_death)
		before_death();
	syscall(info->si_syscall, g[REG_RDI], g[REG_RSI], g[REG_RDX], g[REG_R10], g[REG_R8],
		g[REG_R9]);
	syscall(SYS_exit_group, 128 + sig); /* not reached: the same status all the same */
}

struct sandbox_policy sandbox_policy_none(void)
{
	return (struct sandbox_policy){ .stats_lo = -1, .stats_hi = -1, .file_fd = -1,
					.pipe_lo = -1, .pipe_hi = -1, .kcov_fd = -1 };
}

void sandbox_on_death(void (*fn)(void))
{
	before_death = fn;
}

int sandbox_install(const struct sandbox_policy *p)
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
		r = build(ctx, p);
	if (r == 0) {
		r = seccomp_load(ctx);
		if (r < 0)
			r = errf(r, "seccomp: loading the filter: %s", strerror(-r));
	}
	seccomp_release(ctx);
	return r;
}

int sandbox_next_fd(void)
{
	int fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 0);

	if (fd >= 0)
		close(fd);
	return fd;
}
