/* file.h: read-only mapping of an input file (kernel, initrd) with one-line errors. */
#ifndef VMM_FILE_H
#define VMM_FILE_H

#include <stddef.h>
#include <stdint.h>

struct file_map {
	const uint8_t *data; /* read-only view of `map` */
	size_t len;
	void *map;
};

/* Map regular file `path` read-only; `what` names it in errors ("kernel"). */
int file_map(const char *path, const char *what, struct file_map *out);
void file_unmap(struct file_map *f);
/* Write all `len` bytes to `fd` (retrying short writes and EINTR): 0 or -errno. */
int file_write_fd(int fd, const void *data, size_t len);
/* Create or truncate `path` and write `len` bytes of `data` to it. */
int file_write(const char *path, const void *data, size_t len);

#endif
