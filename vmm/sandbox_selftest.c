/* sandbox_selftest.c: VMM_SECCOMP_SELFTEST=NAME: one call per rule that the filter must forbid (or, allowed-NAME, must allow), made after it is installed. */
#define _GNU_SOURCE
#include "vmm/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "mmu/err.h"

static unsigned char page[4096] __attribute__((aligned(4096)));

/* MREMAP_FIXED of a scratch page over another scratch page: harmless if let through. */
static long mremap_fixed(void)
{
	void *a = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *b = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (a == MAP_FAILED || b == MAP_FAILED)
		return -1;
	return syscall(SYS_mremap, a, 4096, 4096, MREMAP_MAYMOVE | MREMAP_FIXED, b);
}

/* Each call is harmless where a filter lets it through (a probe, length 0,
 * advice), so a filter that allows it shows as vmm carrying on. */
static long forbidden(const char *name, const struct sandbox_policy *p)
{
	struct itimerspec off = { 0 };
	struct stat st;
	unsigned char vec[1];

	if (!strcmp(name, "1") || !strcmp(name, "socket"))	/* on no list */
		return syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0);
	if (!strcmp(name, "tgkill"))		/* another process (init), signal 0: a probe */
		return syscall(SYS_tgkill, 1, 1, 0);
	if (!strcmp(name, "tgkill-signal"))	/* ourselves, but a signal vmm never sends */
		return syscall(SYS_tgkill, getpid(), gettid(), SIGWINCH);
	if (!strcmp(name, "newfstatat"))		/* a path: on no list */
		return syscall(SYS_newfstatat, AT_FDCWD, "/", &st, 0);
	if (!strcmp(name, "read"))		/* a descriptor other than stdin, 0 bytes */
		return syscall(SYS_read, 3, page, 0);
	if (!strcmp(name, "munmap"))		/* a page of guest RAM */
		return syscall(SYS_munmap, p->ram ? p->ram : page, 4096);
	if (!strcmp(name, "mmap-exec"))		/* executable memory */
		return syscall(SYS_mmap, NULL, sizeof(page), PROT_READ | PROT_EXEC,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!strcmp(name, "madvise"))		/* advice other than MADV_DONTNEED */
		return syscall(SYS_madvise, page, sizeof(page), MADV_NORMAL);
	if (!strcmp(name, "timer"))		/* a timer vmm did not create */
		return syscall(SYS_timer_settime, 4242, 0, &off, NULL);
	if (!strcmp(name, "mincore"))		/* into a buffer other than the report's */
		return syscall(SYS_mincore, page, sizeof(page), vec);
	if (!strcmp(name, "openat"))		/* a path, not a directory vmm opened */
		return syscall(SYS_openat, AT_FDCWD, "/etc/passwd", O_RDONLY | O_CLOEXEC);
	if (!strcmp(name, "openat-read"))	/* the --out directory, but to read */
		return syscall(SYS_openat, p->ndirs ? p->dirs[0] : AT_FDCWD, ".",
			       O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (!strcmp(name, "kill"))		/* another process (init), signal 0: a probe */
		return syscall(SYS_kill, 1, 0);
	if (!strcmp(name, "mremap"))		/* a page of guest RAM, to the same size */
		return syscall(SYS_mremap, p->ram ? p->ram : page, 4096, 4096, 0);
	if (!strcmp(name, "mremap-fixed"))	/* moved over another mapping */
		return mremap_fixed();
	errno = ENOENT;
	return -2;
}

/* Calls the filter must let through: glibc's realloc() of a block too large for the heap
 * (above its largest mmap threshold, 32 MiB on 64-bit: mmap(), then mremap()). */
static long allowed(const char *name)
{
	if (!strcmp(name, "allowed-realloc")) {
		char *a = malloc(64u << 20), *b = a ? realloc(a, 96u << 20) : NULL;

		if (!b)
			free(a);
		free(b);
		return b ? 0 : -1;
	}
	errno = ENOENT;
	return -2;
}

int sandbox_selftest(const char *name, const struct sandbox_policy *p)
{
	if (!strncmp(name, "allowed-", 8)) {
		long r = allowed(name);

		if (r == -2 && errno == ENOENT)
			return errf(-ENOENT, "VMM_SECCOMP_SELFTEST=%s: no such test", name);
		return r < 0 ? errf(-ENOMEM, "VMM_SECCOMP_SELFTEST=%s: failed", name) : 0;
	}
	if (forbidden(name, p) == -2 && errno == ENOENT)
		return errf(-ENOENT, "VMM_SECCOMP_SELFTEST=%s: no such test", name);
	return 0;
}
