/* std_fds.c: descriptors 0, 1 and 2 kept open, so that no file vmm opens becomes stdin, stdout or stderr. */
#include "lib/std_fds.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

int std_fds_open(void)
{
	for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++) {
		int null;

		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* The lowest free number: `fd` itself, since every lower one is open. */
		null = open("/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY);
		if (null < 0)
			return -errno;
		if (null != fd) {
			close(null);
			return -EBADF;
		}
	}
	return 0;
}
