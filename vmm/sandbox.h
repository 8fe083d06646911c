/* sandbox.h: the seccomp allow-list vmm installs once setup is over. */
#ifndef VMM_SANDBOX_H
#define VMM_SANDBOX_H

#include <stdint.h>

/* One ioctl the run loops still need: request `request` on a descriptor in
 * [fd_lo, fd_hi] (the vCPUs' descriptors are created one after another). */
struct sandbox_ioctl {
	int fd_lo, fd_hi;
	unsigned long request;
};

/*
 * Install a seccomp filter on every thread of the process (TSYNC) that
 * allows only what the run loop needs: the listed ioctls, read on stdin,
 * write on stdout/stderr, terminal restore on stdin, futexes, signals to
 * itself, sleeping, memory release and exit, and for --timing pread() of
 * a descriptor in [stats_lo, stats_hi] (KVM's statistics; -1: none), getrusage() and mincore(),
 * and write on out_fds[0..nout) (--profile-out, --trace: written at the end).
 * Anything else raises SIGSYS;
 * vmm prints the system-call number and dies by that signal.
 * Returns 0 or a negative errno with err_msg() set.
 */
int sandbox_install(const struct sandbox_ioctl *ioctls, unsigned n, int stats_lo, int stats_hi,
		    const int *out_fds, unsigned nout);

/* Test hook: with VMM_SECCOMP_SELFTEST=1 in the environment, main() makes a
 * forbidden system call right after sandbox_install() (never reachable from
 * the guest). */
void sandbox_selftest(void);

#endif
