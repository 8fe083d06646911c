/* test_afl_protocol.c: the fork-server messages over pipes, as afl-fuzz sends and reads them, and test cases read from files, seekable stdin and pipes. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "vmm/fuzz/afl_protocol.h"

static uint32_t read_u32(int fd)
{
	uint32_t v = 0xdeadbeef;

	cr_assert_eq(read(fd, &v, 4), 4);
	return v;
}

Test(afl_protocol, hello_then_requests_and_answers)
{
	int ctl[2], st[2];
	uint32_t prev = 7, one = 1, zero = 0;

	cr_assert_eq(pipe(ctl), 0);
	cr_assert_eq(pipe(st), 0);
	cr_expect(afl_forkserver_present(st[1]));
	cr_assert_eq(afl_hello(st[1], 65536), 0);
	/* AFL++'s FS_OPT_ENABLED | FS_OPT_MAPSIZE | FS_OPT_SET_MAPSIZE(65536), and back */
	uint32_t hello = read_u32(st[0]);
	cr_expect_eq(hello, 0xc001fffe | 0x80000001);
	cr_expect_eq(((hello & 0x00fffffe) >> 1) + 1, 65536, "FS_OPT_GET_MAPSIZE");
	cr_assert_eq(write(ctl[1], &zero, 4), 4);
	cr_assert_eq(write(ctl[1], &one, 4), 4);
	cr_expect_eq(afl_next_request(ctl[0], &prev), 1);
	cr_expect_eq(prev, 0);
	cr_expect_eq(afl_next_request(ctl[0], &prev), 1);
	cr_expect_eq(prev, 1, "the last run timed out");
	cr_assert_eq(afl_send_u32(st[1], 4242), 0);
	cr_assert_eq(afl_send_u32(st[1], 6 /* SIGABRT */), 0);
	cr_expect_eq(read_u32(st[0]), 4242);
	cr_expect_eq(read_u32(st[0]), 6);
	close(ctl[1]);
	cr_expect_eq(afl_next_request(ctl[0], &prev), 0, "the fuzzer closed the pipe: the end");
	close(ctl[0]);
	close(st[0]);
	close(st[1]);
}

Test(afl_protocol, short_request_is_an_error_and_closed_fds_are_absent)
{
	int ctl[2];
	uint32_t prev;

	cr_assert_eq(pipe(ctl), 0);
	cr_assert_eq(write(ctl[1], "ab", 2), 2);
	close(ctl[1]);
	cr_expect_eq(afl_next_request(ctl[0], &prev), -EPIPE);
	close(ctl[0]);
	cr_expect_not(afl_forkserver_present(1000));
	cr_expect_eq(afl_send_u32(1000, 0), -EBADF);
}

/* A temporary file holding `s`, its descriptor open for reading at offset `at`. */
static int temp_with(const char *s, off_t at, char path[64])
{
	strcpy(path, "/tmp/afl-input-XXXXXX");
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, s, strlen(s)), (ssize_t)strlen(s));
	cr_assert_eq(lseek(fd, at, SEEK_SET), at);
	return fd;
}

Test(afl_protocol, input_from_offset_zero_whatever_the_file_position)
{
	char path[64], buf[64];
	size_t len;
	int fd = temp_with("rip 0x1000\n", 5, path);

	cr_assert_eq(afl_read_input(NULL, fd, buf, sizeof(buf), &len), 0);
	cr_expect_eq(len, 11);
	cr_expect_eq(memcmp(buf, "rip 0x1000\n", 11), 0);
	cr_assert_eq(afl_read_input(path, -1, buf, sizeof(buf), &len), 0, "by name");
	cr_expect_eq(len, 11);
	close(fd);
	unlink(path);
}

Test(afl_protocol, input_limits)
{
	char path[64], buf[8];
	size_t len;
	int fd = temp_with("12345678", 0, path);

	cr_expect_eq(afl_read_input(NULL, fd, buf, 8, &len), 0, "exactly the limit");
	cr_expect_eq(len, 8);
	cr_expect_eq(afl_read_input(NULL, fd, buf, 7, &len), -EFBIG, "one byte over");
	close(fd);
	unlink(path);
	fd = temp_with("", 0, path);
	cr_expect_eq(afl_read_input(NULL, fd, buf, 8, &len), 0, "empty");
	cr_expect_eq(len, 0);
	close(fd);
	unlink(path);
	cr_expect_eq(afl_read_input("/nonexistent/afl-input", -1, buf, 8, &len), -ENOENT);
}

Test(afl_protocol, input_from_a_pipe_once)
{
	int p[2];
	char buf[64];
	size_t len;

	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(write(p[1], "boot pvh\n", 9), 9);
	close(p[1]);
	cr_assert_eq(afl_read_input(NULL, p[0], buf, sizeof(buf), &len), 0);
	cr_expect_eq(len, 9);
	cr_expect_eq(memcmp(buf, "boot pvh\n", 9), 0);
	close(p[0]);
}

/* The signal's handler sends a request, as afl-fuzz could right after it: a read that went on
 * after the signal would take it (and not hang the test where the change is undone). */
static int alarm_ctl_fd = -1;

static void on_alarm(int sig)
{
	uint32_t one = 1;

	(void)sig;
	if (write(alarm_ctl_fd, &one, 4) != 4)
		abort();
}

Test(afl_protocol, a_signal_before_a_request_returns_eintr_for_the_caller_to_decide)
{
	struct sigaction sa = { .sa_handler = on_alarm }; /* no SA_RESTART, as vmm's stop handler */
	struct itimerval t = { .it_value = { .tv_usec = 20000 } };
	int ctl[2];
	uint32_t prev = 7, zero = 0;

	cr_assert_eq(pipe(ctl), 0);
	alarm_ctl_fd = ctl[1];
	cr_assert_eq(sigaction(SIGALRM, &sa, NULL), 0);
	cr_assert_eq(setitimer(ITIMER_REAL, &t, NULL), 0);
	/* Nothing has come when the signal does: the read stops there and says so. */
	cr_expect_eq(afl_next_request(ctl[0], &prev), -EINTR);
	cr_expect_eq(prev, 7, "no request read");
	/* The pipe is as it was: the request the handler sent is read whole (and a later one is
	 * there, so that a read that took the first one above does not wait for ever here). */
	cr_assert_eq(write(ctl[1], &zero, 4), 4);
	cr_expect_eq(afl_next_request(ctl[0], &prev), 1);
	cr_expect_eq(prev, 1);
	close(ctl[0]);
	close(ctl[1]);
}
