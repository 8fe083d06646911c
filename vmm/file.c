/* file.c: maps input files read-only so loaders can parse them in place. */
#include "vmm/file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mmu/err.h"

static int map_fd(int fd, const char *path, const char *what,
		  struct file_map *out)
{
	struct stat st;
	void *p;

	if (fstat(fd, &st) < 0)
		return errf(-errno, "%s '%s': %s", what, path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return errf(-EINVAL, "%s '%s': not a regular file", what, path);
	if (st.st_size == 0)
		return errf(-EINVAL, "%s '%s': file is empty", what, path);
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return errf(-errno, "%s '%s': mmap: %s", what, path,
			    strerror(errno));
	out->map = p;
	out->data = p;
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
	r = map_fd(fd, path, what, out);
	close(fd);
	return r;
}

void file_unmap(struct file_map *f)
{
	if (f->map)
		munmap(f->map, f->len);
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
