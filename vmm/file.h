/* file.h: whole input files (kernel, initrd, state file, cache entries) read into memory, with one-line errors. */
#ifndef VMM_FILE_H
#define VMM_FILE_H

#include <stddef.h>
#include <stdint.h>

/*
 * A file's bytes in a private buffer. Inputs are read, never mapped: a file
 * mapped with mmap() that someone truncates while vmm parses it kills vmm with
 * SIGBUS; a read of a file that changes size gives an error instead.
 * (The name is historical: the buffer is a copy, not a mapping.)
 */
struct file_map {
	const uint8_t *data; /* read-only view of `map` */
	size_t len;
	void *map;	     /* the buffer (file_buf_alloc()) */
};

/* Every boot path places the kernel and the initrd below 4 GiB (bzImage:
 * initrd_addr_max and the 3 GiB window; ELF and PVH: 3 GiB), so no input of
 * this size or more can load: it is refused by its size, before it is read. */
#define FILE_MAX (4ULL << 30)

/* Read regular file `path` whole; `what` names it in errors ("kernel").
 * A file that is empty, not regular, or that changes size while it is read
 * gives a negative errno (-EIO for a size change, -EFBIG for FILE_MAX or
 * more) with err_msg() naming it. */
int file_map(const char *path, const char *what, struct file_map *out);
/* The same for a kind of file that is never near FILE_MAX (a state file): one of `max` bytes
 * or more is refused by its size, before anything is allocated or read. */
int file_map_max(const char *path, const char *what, uint64_t max, struct file_map *out);
void file_unmap(struct file_map *f);

/*
 * Read exactly `len` bytes (the size fstat() gave) from offset 0 of `fd` into
 * a new buffer *out (file_buf_alloc(len): free it with file_buf_free(*out, len)),
 * retrying short reads and EINTR, and make sure
 * the file then ends: 0; -ENODATA if it ended early (it shrank), -EFBIG if it
 * holds more (it grew); -ENOMEM; or -errno from pread(). *got is how many of
 * the `len` bytes were there. Sets no error message.
 */
int file_read_fd(int fd, size_t len, uint8_t **out, size_t *got);

/* A buffer for `len` bytes of a file: from 2 MiB on, 2 MiB-aligned anonymous memory
 * the kernel may back with huge pages (madvise(MADV_HUGEPAGE): call it before the sandbox,
 * which allows no advice but MADV_DONTNEED), else the heap. NULL if out of memory. */
void *file_buf_alloc(size_t len);
void file_buf_free(void *buf, size_t len);

/* Test hook: with VMM_TEST_STOP_BEFORE_READ=WHAT in the environment, vmm
 * stops itself (SIGSTOP) after fstat() and before it reads the input named
 * WHAT ("kernel", "initrd", "entry state", "payload cache entry"), so that a
 * test can change the file there and send SIGCONT. */
void file_test_stop(const char *what);

/* Write all `len` bytes to `fd` (retrying short writes and EINTR): 0 or -errno. */
int file_write_fd(int fd, const void *data, size_t len);
/* Create or truncate `path` and write `len` bytes of `data` to it. */
int file_write(const char *path, const void *data, size_t len);

#endif
