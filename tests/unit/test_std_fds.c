/* test_std_fds.c: a closed descriptor 0-2 gets /dev/null, and the next file opened is not one of them. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/std_fds.h"

/* Is `fd` open on /dev/null? */
static bool is_null(int fd)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat("/dev/null", &b) == 0 && S_ISCHR(a.st_mode) &&
	       a.st_rdev == b.st_rdev;
}

/* In a child (the test's own descriptors stay as they are): close `mask`'s descriptors, then
 * std_fds_open(); exit 0 when each of them is /dev/null and a new open() gets 3 or above. */
static int closed_then_opened(unsigned mask)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		int fd;

		for (int i = 0; i <= 2; i++)
			if (mask & (1u << i))
				close(i);
		if (std_fds_open() != 0)
			_exit(1);
		for (int i = 0; i <= 2; i++)
			if ((mask & (1u << i)) && !is_null(i))
				_exit(2);
		fd = open("/proc/self/stat", O_RDONLY);
		_exit(fd > 2 ? 0 : 3);
	}
	cr_assert_gt(pid, 0);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

Test(std_fds, each_closed_descriptor_gets_dev_null)
{
	for (unsigned mask = 1; mask < 8; mask++)
		cr_expect_eq(closed_then_opened(mask), 0, "descriptors closed: mask %u", mask);
}

Test(std_fds, open_descriptors_are_left_as_they_are)
{
	struct stat before, after;
	int pipefd[2];

	cr_assert_eq(pipe(pipefd), 0);
	cr_assert_geq(dup2(pipefd[1], STDOUT_FILENO), 0); /* stdout: a pipe, not /dev/null */
	cr_assert_eq(fstat(STDOUT_FILENO, &before), 0);
	cr_assert_eq(std_fds_open(), 0);
	cr_assert_eq(fstat(STDOUT_FILENO, &after), 0);
	cr_expect_eq(before.st_ino, after.st_ino);
	cr_expect(S_ISFIFO(after.st_mode));
}
