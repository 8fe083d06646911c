/* kcov.c: the host kernel's KCOV for one thread (kernel Documentation/dev-tools/kcov.rst): KVM's ioctls run in the calling thread, so its trace is the host KVM code a run executed. */
#define _GNU_SOURCE
#include "vmm/fuzz/kcov.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kcov.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mmu/err.h"

#define DEBUGFS_DIR "/sys/kernel/debug"
#define KCOV_PATH DEBUGFS_DIR "/kcov"
#define KCOV_TRACE_PC 0 /* kcov.rst: the mode KCOV_ENABLE takes for PC tracing */

/* Whether debugfs is mounted where KCOV lives: a mount point's device differs from its
 * parent's (kcov.rst: "mount -t debugfs none /sys/kernel/debug"). */
static bool debugfs_mounted(void)
{
	struct stat dir, parent;

	return stat(DEBUGFS_DIR, &dir) == 0 && stat(DEBUGFS_DIR "/..", &parent) == 0 &&
	       dir.st_dev != parent.st_dev;
}

int kcov_open(struct kcov *k)
{
	size_t bytes = KCOV_WORDS * sizeof(uint64_t);

	k->area = NULL;
	k->fd = open(KCOV_PATH, O_RDWR | O_CLOEXEC);
	if (k->fd < 0 && errno == ENOENT && !debugfs_mounted())
		return errf(-ENOENT, "%s: %s; debugfs is not mounted there: if the kernel has "
			    "KCOV, mount -t debugfs none %s", KCOV_PATH, strerror(ENOENT),
			    DEBUGFS_DIR);
	if (k->fd < 0)
		return errf(-errno, "%s: %s", KCOV_PATH, strerror(errno));
	if (ioctl(k->fd, KCOV_INIT_TRACE, (unsigned long)KCOV_WORDS) < 0)
		goto fail;
	k->area = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, k->fd, 0);
	if (k->area == MAP_FAILED) {
		k->area = NULL;
		goto fail;
	}
	if (ioctl(k->fd, KCOV_ENABLE, KCOV_TRACE_PC) < 0)
		goto fail;
	return 0;
fail:;
	int r = errf(-errno, "%s: %s", KCOV_PATH, strerror(errno));

	kcov_close(k);
	return r;
}

void kcov_start(struct kcov *k)
{
	__atomic_store_n(&k->area[0], 0, __ATOMIC_RELAXED);
}

const uint64_t *kcov_stop(struct kcov *k, uint64_t *n)
{
	uint64_t got = __atomic_load_n(&k->area[0], __ATOMIC_RELAXED);

	*n = got < KCOV_WORDS - 1 ? got : KCOV_WORDS - 1; /* the kernel stops at the end */
	return k->area + 1;
}

void kcov_close(struct kcov *k)
{
	if (k->area) {
		ioctl(k->fd, KCOV_DISABLE, 0);
		munmap(k->area, KCOV_WORDS * sizeof(uint64_t));
	}
	if (k->fd >= 0)
		close(k->fd);
	k->area = NULL;
	k->fd = -1;
}
