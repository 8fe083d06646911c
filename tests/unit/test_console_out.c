/* test_console_out.c: the last flush after a stop is bounded even where stdout is a terminal that takes a little and stalls. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "vmm/machine/machine.h"
#include "vmm/machine/stop.h"

enum { RETURNED = 10, STILL_BLOCKED, SETUP_FAILED };

#define QUEUED 8000

static struct machine m;
static uint8_t out_buf[CONSOLE_OUT_CAPACITY(1)];

static void blocked(int sig)
{
	(void)sig;
	_exit(STILL_BLOCKED);
}

/* A pty's slave as stdout, filled, whose reader takes 1,500 bytes and stalls: poll() then says
 * stdout takes a write, and a blocking write() of 4 KiB waits for ever for the rest. */
static int stalled_terminal_on_stdout(void)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY), slave, fill;
	char junk[1500];
	struct termios t;

	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0)
		return -1;
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	fill = open(ptsname(master), O_RDWR | O_NOCTTY | O_NONBLOCK);
	if (slave < 0 || fill < 0 || tcgetattr(slave, &t) < 0)
		return -1;
	cfmakeraw(&t);
	tcsetattr(slave, TCSANOW, &t);
	memset(junk, 'j', sizeof(junk));
	while (write(fill, junk, 512) > 0)
		;
	usleep(100000);
	if (read(master, junk, sizeof(junk)) <= 0)
		return -1;
	usleep(100000);
	return dup2(slave, STDOUT_FILENO) < 0 ? -1 : master;
}

static int flush_after_stop_child(void)
{
	if (stalled_terminal_on_stdout() < 0)
		return SETUP_FAILED;
	signal(SIGPIPE, SIG_IGN);
	pthread_mutex_init(&m.out_lock, NULL);
	pthread_cond_init(&m.out_room, NULL);
	console_out_init(&m.out, out_buf, sizeof(out_buf));
	for (int i = 0; i < QUEUED; i++)
		console_out_put(&m.out, 'x', 0);
	stop_init();
	/* As vmm's boot CPU thread has it; without a vCPU its signal only interrupts. */
	if (flush_timer_init(&m.flush, NULL) < 0)
		return SETUP_FAILED;
	raise(SIGTERM);
	signal(SIGALRM, blocked);
	alarm(5);
	machine_flush_output(&m);
	return RETURNED;
}

/* Before, the last flush's write() blocked for good (a review found it: ssh over a dead link,
 * a paused terminal emulator); now the flush timer cuts it off and the rest is counted. */
Test(console_out, last_flush_after_a_stop_is_bounded_on_a_stalled_terminal)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(flush_after_stop_child());
	cr_assert_gt(pid, 0);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status), "the child died by signal %d", WTERMSIG(status));
	cr_expect_eq(WEXITSTATUS(status), RETURNED, "status %d (%d: still blocked 5 s after the stop)",
		     WEXITSTATUS(status), STILL_BLOCKED);
}
