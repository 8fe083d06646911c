/* sandbox.h: the seccomp allow-lists vmm installs once setup is over (run mode, fuzz workers, the --jobs parent). */
#ifndef VMM_SANDBOX_H
#define VMM_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* One ioctl the run loops still need: request `request` on a descriptor in
 * [fd_lo, fd_hi] (the vCPUs' descriptors are created one after another). */
struct sandbox_ioctl {
	int fd_lo, fd_hi;
	unsigned long request;
};

#define SANDBOX_MAX_FDS 4

/* `vmm fuzz --afl` (vmm/fuzz/afl.c): the fork-server pipes, each test case read from stdin or
 * opened read-only by name (its descriptor in [case_lo, case_hi]), the keeper process afl-fuzz
 * may kill (made with clone(CLONE_VM), reaped without blocking), a crash as SIGABRT. */
struct sandbox_afl {
	int ctl_fd, st_fd;	/* -1: no fork server (one test case) */
	bool by_name;		/* --afl=FILE: open() by name each run */
	int case_lo, case_hi;
};

/*
 * What one process may do after setup, beyond what every vmm process needs
 * (futexes, its own signals, sleeping, the time, brk(), munmap() outside
 * guest RAM, madvise(MADV_DONTNEED), write on stderr, exit). Unset fields
 * (0, NULL, -1 where said) allow nothing.
 */
struct sandbox_policy {
	const struct sandbox_ioctl *ioctls;
	unsigned nioctls;
	int write_fds[SANDBOX_MAX_FDS];	/* write() besides stderr */
	unsigned nwrite_fds;
	bool console;			/* read() on stdin, TCGETS/TCSETS on stdin */
	int timers[2];			/* kernel timer ids for timer_settime() */
	unsigned ntimers;
	int stats_lo, stats_hi;		/* --timing: pread64() of KVM's statistics; -1: none */
	bool rusage;			/* --timing: getrusage(RUSAGE_SELF) */
	const void *mincore_vec;	/* --timing: mincore() into this buffer only */
	const void *ram;		/* guest RAM: never munmap()ed */
	uint64_t ram_size;
	/* Fuzz workers: files are created only in these directories (openat with
	 * O_CREAT|O_EXCL, linkat, renameat, unlinkat relative to them) and get
	 * descriptor file_fd (write, fchmod 0644, close); -1: none. --out DIR, its
	 * states/ and --guided's corpus. */
	int dirs[3];
	unsigned ndirs;
	int file_fd;
	/* The --jobs parent: read() and close() on its pipes [pipe_lo, pipe_hi],
	 * ppoll(), wait4(WNOHANG), kill() of its workers. */
	int pipe_lo, pipe_hi;
	const pid_t *workers;
	unsigned nworkers;
	const struct sandbox_afl *afl;	/* NULL: not --afl */
	int kcov_fd; /* vmm fuzz --kcov: KCOV_DISABLE and close() on it at the end; -1: none */
};

/* A policy that allows only the common part (every descriptor field -1). */
struct sandbox_policy sandbox_policy_none(void);

/*
 * Install the filter on every thread of the process (TSYNC). Anything it
 * does not allow raises SIGSYS: vmm prints the system-call number, restores
 * the terminal and dies by SIGSYS (status 159), never carrying on.
 * Returns 0 or a negative errno with err_msg() set.
 */
int sandbox_install(const struct sandbox_policy *p);

/* Called by the SIGSYS handler before vmm dies (async-signal-safe: the
 * terminal's restore). */
void sandbox_on_death(void (*fn)(void));

/* The lowest free descriptor now: the one the next file opened gets. */
int sandbox_next_fd(void);

/* Test hook (VMM_SECCOMP_SELFTEST=NAME, right after sandbox_install() with
 * policy `p`, never reachable from the guest): make the call NAME, which the
 * filter forbids (vmm/sandbox_selftest.c lists them: "1" is socket()).
 * Returns 0 if the call came back (the filter allowed it), -ENOENT with
 * err_msg() set for an unknown NAME. */
int sandbox_selftest(const char *name, const struct sandbox_policy *p);

#endif
