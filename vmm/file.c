/* file.c: reads input files whole into private buffers so loaders can parse them in place. */
#include "vmm/file.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mmu/err.h"

void file_test_stop(const char *what)
{
	const char *want = getenv("VMM_TEST_STOP_BEFORE_READ");

	if (want && !strcmp(want, what))
		raise(SIGSTOP);
}

int file_read_fd(int fd, size_t len, uint8_t **out, size_t *got)
{
	uint8_t *buf = malloc(len ? len : 1), extra;
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

		free(buf);
		return r;
	}
	/* One byte past the size fstat() gave: the file must end there. */
	do
		n = pread(fd, &extra, 1, (off_t)len);
	while (n < 0 && errno == EINTR);
	if (n != 0) {
		int r = n < 0 ? -errno : -EFBIG;

		free(buf);
		return r;
	}
	*out = buf;
	return 0;
}

static int read_whole(int fd, const char *path, const char *what, struct file_map *out)
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
	if ((uint64_t)st.st_size >= FILE_MAX)
		return errf(-EFBIG, "%s '%s': %lld bytes; no boot path loads a file of 4 GiB or more",
			    what, path, (long long)st.st_size);
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
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int r;

	*out = (struct file_map){ 0 };
	if (fd < 0)
		return errf(-errno, "%s '%s': %s", what, path, strerror(errno));
	r = read_whole(fd, path, what, out);
	close(fd);
	return r;
}

void file_unmap(struct file_map *f)
{
	free(f->map);
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
