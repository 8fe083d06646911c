/* file.c: reads input files whole into private buffers so loaders can parse them in place. */
#include "vmm/file.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/huge_map.h"
#include "mmu/err.h"

void file_test_stop(const char *what)
{
	const char *want = getenv("VMM_TEST_STOP_BEFORE_READ");

	if (want && !strcmp(want, what))
		raise(SIGSTOP);
}

/* Reading a file into 4 KiB pages takes a page fault per page: for Debian's 66 MB vmlinux
 * 210-260 ms on the 2-core dev machine, 15-23 ms into 2 MiB pages (MADV_HUGEPAGE, THP in
 * "madvise" mode as Debian ships it). Small files stay on the heap. */
static bool file_buf_is_mapped(size_t len)
{
	return len >= HUGE_MAP_ALIGN;
}

void *file_buf_alloc(size_t len)
{
	if (!file_buf_is_mapped(len))
		return malloc(len ? len : 1);
	return huge_map(len, 0);
}

void file_buf_free(void *buf, size_t len)
{
	if (!buf)
		return;
	if (file_buf_is_mapped(len))
		munmap(buf, len);
	else
		free(buf);
}

int file_read_fd(int fd, size_t len, uint8_t **out, size_t *got)
{
	uint8_t *buf = file_buf_alloc(len), extra;
	size_t done = 0;
	ssize_t n;

	*out = NULL;
	*got = 0;
	if (!buf)
		return -ENOMEM;
	while (done < len) {
		n = pread(fd, buf + done, len - done, (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	*got = done;
	if (done < len) {
		int r = n < 0 ? -errno : -ENODATA;

		file_buf_free(buf, len);
		return r;
	}
	/* One byte past the size fstat() gave: the file must end there. */
	do
		n = pread(fd, &extra, 1, (off_t)len);
	while (n < 0 && errno == EINTR);
	if (n != 0) {
		int r = n < 0 ? -errno : -EFBIG;

		file_buf_free(buf, len);
		return r;
	}
	*out = buf;
	return 0;
}

static int read_whole(int fd, const char *path, const char *what, uint64_t max,
		      struct file_map *out)
{
	struct stat st;
	uint8_t *buf;
	size_t got;
	int r;

	if (fstat(fd, &st) < 0)
		return errf(-errno, "%s '%s': %s", what, path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return errf(-EINVAL, "%s '%s': not a regular file", what, path);
	if (st.st_size == 0)
		return errf(-EINVAL, "%s '%s': file is empty", what, path);
	/* Checked before anything is read: a sparse 5 GiB file costs nothing to make. */
	if ((uint64_t)st.st_size >= max && max == FILE_MAX)
		return errf(-EFBIG, "%s '%s': %lld bytes; no boot path loads a file of 4 GiB or more",
			    what, path, (long long)st.st_size);
	if ((uint64_t)st.st_size >= max)
		return errf(-EFBIG, "%s '%s': %lld bytes; such a file is less than %llu",
			    what, path, (long long)st.st_size, (unsigned long long)max);
	file_test_stop(what);
	r = file_read_fd(fd, (size_t)st.st_size, &buf, &got);
	if (r == -ENODATA)
		return errf(-EIO, "%s '%s': the file shrank while vmm read it (%lld bytes at open, %zu now)",
			    what, path, (long long)st.st_size, got);
	if (r == -EFBIG)
		return errf(-EIO, "%s '%s': the file grew while vmm read it (%lld bytes at open)",
			    what, path, (long long)st.st_size);
	if (r == -ENOMEM)
		return errf(r, "%s '%s': no memory for %lld bytes", what, path,
			    (long long)st.st_size);
	if (r < 0)
		return errf(r, "%s '%s': read: %s", what, path, strerror(-r));
	out->map = buf;
	out->data = buf;
	out->len = (size_t)st.st_size;
	return 0;
}

int file_map(const char *path, const char *what, struct file_map *out)
{
	return file_map_max(path, what, FILE_MAX, out);
}

int file_map_max(const char *path, const char *what, uint64_t max, struct file_map *out)
{
	/* O_NONBLOCK: opening a FIFO (a corpus entry, `--initrd <(...)`) for reading would wait
	 * for a writer before read_whole() could refuse it; on a regular file it changes nothing. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	int r;

	*out = (struct file_map){ 0 };
	if (fd < 0)
		return errf(-errno, "%s '%s': %s", what, path, strerror(errno));
	r = read_whole(fd, path, what, max < FILE_MAX ? max : FILE_MAX, out);
	close(fd);
	return r;
}

void file_unmap(struct file_map *f)
{
	file_buf_free(f->map, f->len);
	*f = (struct file_map){ 0 };
}

int file_write_fd(int fd, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int file_write(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int r;

	if (fd < 0)
		return errf(-errno, "'%s': %s", path, strerror(errno));
	r = file_write_fd(fd, data, len);
	if (r < 0) {
		close(fd);
		return errf(r, "'%s': write: %s", path, strerror(-r));
	}
	if (close(fd) < 0)
		return errf(-errno, "'%s': close: %s", path, strerror(errno));
	return 0;
}
