/* test_file.c: input files are read whole, and a file that changes size while it is read is an error, never a signal. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mmu/err.h"
#include "vmm/file.h"

static char dir[64], path[128];
static uint8_t bytes[300000];

static void setup(void)
{
	strcpy(dir, "/tmp/vmm-file-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/input", dir);
	for (size_t i = 0; i < sizeof(bytes); i++)
		bytes[i] = (uint8_t)(i * 2654435761u >> 11);
	cr_assert_eq(file_write(path, bytes, sizeof(bytes)), 0);
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
}

TestSuite(file, .init = setup, .fini = teardown);

Test(file, reads_whole_file)
{
	struct file_map f;

	cr_assert_eq(file_map(path, "kernel", &f), 0);
	cr_expect_eq(f.len, sizeof(bytes));
	cr_expect_arr_eq(f.data, bytes, sizeof(bytes));
	file_unmap(&f);
	cr_expect_null(f.data);
	cr_expect_null(f.map);
}

Test(file, empty_missing_and_not_regular)
{
	struct file_map f;
	char empty[160];

	snprintf(empty, sizeof(empty), "%s/empty", dir);
	cr_assert_eq(file_write(empty, "", 0), 0);
	cr_expect_eq(file_map(empty, "initrd", &f), -EINVAL);
	cr_expect(strstr(err_msg(), "initrd '") && strstr(err_msg(), "file is empty"), "%s", err_msg());
	cr_expect_eq(file_map(dir, "kernel", &f), -EINVAL);
	cr_expect(strstr(err_msg(), "not a regular file"), "%s", err_msg());
	strcat(empty, "-nope");
	cr_expect_eq(file_map(empty, "kernel", &f), -ENOENT);
	cr_expect_null(f.data);
}

/* What fstat() said against what the file holds when it is read: the reader
 * gets the size as a parameter, so a size change is one call. */
Test(file, read_fd_exact)
{
	int fd = open(path, O_RDONLY);
	uint8_t *buf;
	size_t got;

	cr_assert_geq(fd, 0);
	cr_assert_eq(file_read_fd(fd, sizeof(bytes), &buf, &got), 0);
	cr_expect_eq(got, sizeof(bytes));
	cr_expect_arr_eq(buf, bytes, sizeof(bytes));
	file_buf_free(buf, sizeof(bytes));
	close(fd);
}

/* From 2 MiB on the buffer is 2 MiB-aligned anonymous memory (huge pages where THP allows),
 * byte for byte the file, the last byte included, and freed by length. */
Test(file, large_file_in_aligned_buffer)
{
	size_t len = (5UL << 20) + 123;
	uint8_t *big = malloc(len);
	struct file_map f;
	char large[160];

	cr_assert_not_null(big);
	for (size_t i = 0; i < len; i++)
		big[i] = (uint8_t)(i * 2654435761u >> 13);
	snprintf(large, sizeof(large), "%s/large", dir);
	cr_assert_eq(file_write(large, big, len), 0);
	cr_assert_eq(file_map(large, "kernel", &f), 0);
	cr_expect_eq(f.len, len);
	cr_expect_eq((uintptr_t)f.data % (2UL << 20), 0, "buffer at %#lx", (unsigned long)(uintptr_t)f.data);
	cr_expect_arr_eq(f.data, big, len);
	file_unmap(&f);
	cr_expect_null(f.map);
	free(big);
}

/* Below 2 MiB, and at 0 bytes, a heap buffer that file_buf_free() takes back. */
Test(file, small_and_empty_buffers)
{
	void *a = file_buf_alloc(0), *b = file_buf_alloc((2UL << 20) - 1);

	cr_expect_not_null(a);
	cr_expect_not_null(b);
	file_buf_free(a, 0);
	file_buf_free(b, (2UL << 20) - 1);
	file_buf_free(NULL, 3UL << 20);
}

Test(file, read_fd_file_shrank)
{
	int fd = open(path, O_RDONLY);
	uint8_t *buf = (uint8_t *)1;
	size_t got;

	cr_assert_geq(fd, 0);
	cr_expect_eq(file_read_fd(fd, sizeof(bytes) + 1, &buf, &got), -ENODATA);
	cr_expect_eq(got, sizeof(bytes));
	cr_expect_null(buf);
	cr_assert_eq(ftruncate(open(path, O_WRONLY), 0), 0);
	cr_expect_eq(file_read_fd(fd, sizeof(bytes), &buf, &got), -ENODATA);
	cr_expect_eq(got, 0);
	close(fd);
}

Test(file, read_fd_file_grew)
{
	int fd = open(path, O_RDONLY);
	uint8_t *buf = (uint8_t *)1;
	size_t got;

	cr_assert_geq(fd, 0);
	cr_expect_eq(file_read_fd(fd, sizeof(bytes) - 1, &buf, &got), -EFBIG);
	cr_expect_null(buf);
	close(fd);
}

/* The whole path: the child stops between fstat() and the read (the
 * VMM_TEST_STOP_BEFORE_READ hook), the parent truncates or extends the file,
 * and the child must get one error naming the file, not SIGBUS. */
static void change_while_read(off_t new_size, const char *want)
{
	pid_t pid = fork();
	int st;

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		struct file_map f;
		int r;

		setenv("VMM_TEST_STOP_BEFORE_READ", "kernel", 1);
		r = file_map(path, "kernel", &f);
		_exit(r == -EIO && strstr(err_msg(), "kernel '") && strstr(err_msg(), want) &&
		      !strchr(err_msg(), '\n') ? 0 : 1);
	}
	cr_assert_eq(waitpid(pid, &st, WUNTRACED), pid);
	cr_assert(WIFSTOPPED(st), "the hook stops the reader");
	cr_assert_eq(truncate(path, new_size), 0);
	cr_assert_eq(kill(pid, SIGCONT), 0);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_expect(WIFEXITED(st), "the reader died by signal %d", WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "no '%s' error", want);
}

Test(file, truncated_to_zero_while_read) { change_while_read(0, "shrank while vmm read it (300000 bytes at open, 0 now)"); }
Test(file, truncated_halfway_while_read) { change_while_read(150001, "(300000 bytes at open, 150001 now)"); }
Test(file, extended_while_read) { change_while_read(1 << 20, "grew while vmm read it"); }

Test(file, hook_names_one_input)
{
	pid_t pid = fork();
	int st;

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		struct file_map f;

		setenv("VMM_TEST_STOP_BEFORE_READ", "initrd", 1);
		_exit(file_map(path, "kernel", &f) == 0 ? 0 : 1);
	}
	cr_assert_eq(waitpid(pid, &st, WUNTRACED), pid);
	if (WIFSTOPPED(st))
		kill(pid, SIGCONT), waitpid(pid, &st, 0);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the kernel read does not stop for 'initrd'");
}

/* 4 GiB or more can never load: refused by its size, not read (the file is sparse). */
Test(file, four_gib_refused_unread)
{
	char big[160];
	struct file_map f;
	int fd;

	snprintf(big, sizeof(big), "%s/big", dir);
	fd = open(big, O_WRONLY | O_CREAT, 0600);
	cr_assert_geq(fd, 0);
	cr_assert_eq(ftruncate(fd, (off_t)FILE_MAX), 0);
	close(fd);
	cr_expect_eq(file_map(big, "initrd", &f), -EFBIG);
	cr_expect(strstr(err_msg(), "initrd '") && strstr(err_msg(), "4294967296 bytes; no boot path"),
		  "%s", err_msg());
	cr_expect_null(f.data);
	cr_expect_eq(FILE_MAX, 4ULL << 30);
}
