/* afl_protocol.c: AFL++'s fork-server messages from the target's side (AFL++ src/afl-forkserver.c, afl_fsrv_start/afl_fsrv_run_target), and one test case read. */
#include "vmm/fuzz/afl_protocol.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "mmu/err.h"

int afl_forkserver_present(int st_fd)
{
	return fcntl(st_fd, F_GETFD) >= 0;
}

int afl_send_u32(int st_fd, uint32_t v)
{
	ssize_t n;

	do
		n = write(st_fd, &v, sizeof(v));
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof(v))
		return 0;
	return errf(n < 0 ? -errno : -EPIPE, "afl: fork-server status pipe: %s",
		    n < 0 ? strerror(errno) : "short write");
}

int afl_hello(int st_fd, uint32_t map_size)
{
	return afl_send_u32(st_fd, AFL_OPT_ENABLED | AFL_OPT_MAPSIZE | AFL_OPT_SET_MAPSIZE(map_size));
}

int afl_next_request(int ctl_fd, uint32_t *prev_timed_out)
{
	uint8_t *p = (uint8_t *)prev_timed_out;
	size_t got = 0;

	while (got < sizeof(*prev_timed_out)) {
		ssize_t n = read(ctl_fd, p + got, sizeof(*prev_timed_out) - got);

		if (n < 0 && errno == EINTR && got == 0)
			return -EINTR; /* nothing of a request read yet: the caller's choice */
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errf(-errno, "afl: fork-server control pipe: %s", strerror(errno));
		if (n == 0 && got == 0)
			return 0;
		if (n == 0)
			return errf(-EPIPE, "afl: fork-server control pipe: %zu of 4 bytes, then the end", got);
		got += (size_t)n;
	}
	return 1;
}

static ssize_t read_at(int fd, off_t off, void *p, size_t n)
{
	ssize_t r;

	do
		r = off >= 0 ? pread(fd, p, n, off) : read(fd, p, n);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

/* Read `fd` to its end, from offset 0 (seek) or from where it is; more than max bytes: -EFBIG. */
static int read_all(int fd, bool seek, char *buf, size_t max, size_t *len)
{
	char extra; /* one byte past max tells "too long" from "exactly max" */

	*len = 0;
	for (;;) {
		bool full = *len == max;
		ssize_t n = read_at(fd, seek ? (off_t)*len : -1, full ? &extra : buf + *len,
				    full ? 1 : max - *len);

		if (n <= 0)
			return (int)n;
		if (full)
			return errf(-EFBIG, "afl: test case longer than %zu bytes", max);
		*len += (size_t)n;
	}
}

int afl_read_input(const char *path, int fd, char *buf, size_t max, size_t *len)
{
	int r;

	if (path) {
		int f = open(path, O_RDONLY | O_CLOEXEC);

		if (f < 0)
			return errf(-errno, "afl: test case %s: %s", path, strerror(errno));
		r = read_all(f, true, buf, max, len);
		close(f);
	} else {
		r = read_all(fd, true, buf, max, len);
		if (r == -ESPIPE) /* a pipe: what it holds, once */
			r = read_all(fd, false, buf, max, len);
	}
	if (r < 0 && r != -EFBIG)
		return errf(r, "afl: test case %s: %s", path ? path : "on stdin", strerror(-r));
	return r;
}
