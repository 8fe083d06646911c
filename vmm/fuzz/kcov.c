/* kcov.c: the host kernel's KCOV for one thread (kernel Documentation/dev-tools/kcov.rst): KVM's ioctls run in the calling thread, so its trace is the host KVM code a run executed. */
#define _GNU_SOURCE
#include "vmm/fuzz/kcov.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kcov.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mmu/err.h"

#define KCOV_PATH "/sys/kernel/debug/kcov"
#define KCOV_TRACE_PC 0 /* kcov.rst: the mode KCOV_ENABLE takes for PC tracing */

int kcov_open(struct kcov *k)
{
	size_t bytes = KCOV_WORDS * sizeof(uint64_t);

	k->area = NULL;
	k->fd = open(KCOV_PATH, O_RDWR | O_CLOEXEC);
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
