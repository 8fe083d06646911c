/* test_console_input.c: the terminal goes raw, again after a stop, and never from the background. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "vmm/console/input.h"

/* What a child reports by its exit status. */
enum verdict { RAW_AGAIN = 10, LEFT_ALONE, NOT_RAW, CHANGED, SETUP_FAILED, GOT_IT, LOST_IT };

static size_t sink_input(void *ctx, const uint8_t *buf, size_t n, unsigned wait_ms)
{
	(void)ctx, (void)buf, (void)wait_ms;
	return n;
}

static void sink_quit(void *ctx)
{
	(void)ctx;
}

static bool sink_quitting(void *ctx)
{
	(void)ctx;
	return false;
}

static const struct console_sink sink = { sink_input, sink_quit, sink_quitting, NULL };

static volatile uint8_t got;

static size_t record_input(void *ctx, const uint8_t *buf, size_t n, unsigned wait_ms)
{
	(void)ctx, (void)wait_ms;
	if (n)
		got = buf[n - 1];
	return n;
}

static const struct console_sink recorder = { record_input, sink_quit, sink_quitting, NULL };

static bool is_raw(void)
{
	struct termios t;

	return tcgetattr(STDIN_FILENO, &t) == 0 && !(t.c_lflag & (ICANON | ECHO | ISIG));
}

/* A new session with a fresh pty's slave on stdin: its controlling terminal, or with O_NOCTTY
 * a terminal without job control. Returns the master (kept open: the slave hangs up without
 * it) or -1. */
static int open_terminal_in_new_session(int slave_flags)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY), slave;

	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0 || setsid() < 0)
		return -1;
	slave = open(ptsname(master), O_RDWR | slave_flags); /* a session leader's first tty: its own */
	if (slave < 0 || dup2(slave, STDIN_FILENO) < 0)
		return -1;
	return master;
}

static int open_terminal(void)
{
	return open_terminal_in_new_session(0);
}

/* A pty that is not the session's controlling terminal (opened with O_NOCTTY after setsid()):
 * no job control there, so vmm's terminal is raw as on any other. */
static int no_ctty_child(void)
{
	if (open_terminal_in_new_session(O_NOCTTY) < 0 || console_start(&sink) != 0)
		return SETUP_FAILED;
	return is_raw() ? RAW_AGAIN : NOT_RAW;
}

/* SIGCONT to the process; the handler has run once the terminal is raw (or never will). */
static bool continued_to_raw(void)
{
	kill(getpid(), SIGCONT);
	for (int i = 0; i < 1000 && !is_raw(); i++)
		usleep(1000);
	return is_raw();
}

/* The foreground job: raw at start; the shell's settings back (as after a stop), then SIGCONT. */
static int foreground_child(void)
{
	struct termios cooked;

	if (open_terminal() < 0 || tcgetattr(STDIN_FILENO, &cooked) < 0)
		return SETUP_FAILED;
	if (console_start(&sink) != 0 || !is_raw())
		return NOT_RAW;
	tcsetattr(STDIN_FILENO, TCSANOW, &cooked);
	if (is_raw())
		return SETUP_FAILED;
	return continued_to_raw() ? RAW_AGAIN : NOT_RAW;
}

/* A background job of the same terminal: console_start(), SIGCONT and the restore at exit
 * must leave the terminal alone (a tcsetattr() there would stop it with SIGTTOU). */
static int background_grandchild(void)
{
	struct termios before, after;

	/* Its input thread's read() would stop it (SIGTTIN): ignored, the read fails instead. */
	signal(SIGTTIN, SIG_IGN);
	if (setpgid(0, 0) < 0 || tcgetattr(STDIN_FILENO, &before) < 0)
		return SETUP_FAILED;
	if (console_start(&sink) != 0)
		return SETUP_FAILED;
	kill(getpid(), SIGCONT);
	usleep(10000);
	console_restore();
	if (tcgetattr(STDIN_FILENO, &after) < 0)
		return SETUP_FAILED;
	return before.c_lflag == after.c_lflag && before.c_iflag == after.c_iflag ? LEFT_ALONE :
										     CHANGED;
}

static int background_child(void)
{
	int status;
	pid_t pid;

	if (open_terminal() < 0)
		return SETUP_FAILED;
	pid = fork();
	if (pid == 0)
		_exit(background_grandchild());
	if (pid < 0 || waitpid(pid, &status, WUNTRACED) != pid)
		return SETUP_FAILED;
	if (WIFSTOPPED(status)) { /* by SIGTTOU: it set the terminal */
		int sig = WSTOPSIG(status);

		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		return sig == SIGTTOU ? CHANGED : SETUP_FAILED;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : SETUP_FAILED;
}

static int run_child(int (*body)(void))
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(body());
	cr_assert_gt(pid, 0);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status), "the child died by signal %d", WTERMSIG(status));
	return WEXITSTATUS(status);
}

Test(console_input, raw_again_when_continued_in_the_foreground)
{
	cr_expect_eq(run_child(foreground_child), RAW_AGAIN);
}

Test(console_input, a_terminal_without_job_control_goes_raw)
{
	cr_expect_eq(run_child(no_ctty_child), RAW_AGAIN);
}

Test(console_input, a_background_job_leaves_the_terminal_alone)
{
	cr_expect_eq(run_child(background_child), LEFT_ALONE);
}

/* stdin an O_NONBLOCK pipe with nothing in it yet: read() says EAGAIN; a byte written later
 * must still reach the sink (before, the input thread ended at the EAGAIN). */
static int nonblocking_child(void)
{
	int p[2];

	if (pipe(p) < 0 || dup2(p[0], STDIN_FILENO) < 0 ||
	    fcntl(STDIN_FILENO, F_SETFL, fcntl(STDIN_FILENO, F_GETFL) | O_NONBLOCK) < 0)
		return SETUP_FAILED;
	if (console_start(&recorder) != 0)
		return SETUP_FAILED;
	usleep(50000); /* the thread has met the empty pipe */
	if (write(p[1], "q", 1) != 1)
		return SETUP_FAILED;
	for (int i = 0; i < 5000 && got != 'q'; i++)
		usleep(1000);
	return got == 'q' ? GOT_IT : LOST_IT;
}

Test(console_input, a_nonblocking_stdin_still_reaches_the_guest)
{
	cr_expect_eq(run_child(nonblocking_child), GOT_IT);
}

/* A guest that takes nothing (its receive FIFO full, or it never reads): the sink takes no
 * byte; Ctrl-A x typed behind 100 other bytes must still end the run (before, the input thread
 * waited for room inside the sink and never read the escape). */
static volatile bool quit_seen;

static size_t full_fifo(void *ctx, const uint8_t *buf, size_t n, unsigned wait_ms)
{
	(void)ctx, (void)buf, (void)n;
	usleep(wait_ms * 1000u);
	return 0;
}

static void record_quit(void *ctx)
{
	(void)ctx;
	quit_seen = true;
}

static bool quitting_once_seen(void *ctx)
{
	(void)ctx;
	return quit_seen;
}

static int escape_behind_a_full_fifo_child(void)
{
	static const struct console_sink full = { full_fifo, record_quit, quitting_once_seen, NULL };
	char typed[102];
	int master = open_terminal();

	if (master < 0 || console_start(&full) != 0)
		return SETUP_FAILED;
	memset(typed, 'a', 100);
	typed[100] = CONSOLE_ESCAPE;
	typed[101] = 'x';
	if (write(master, typed, sizeof(typed)) != (ssize_t)sizeof(typed))
		return SETUP_FAILED;
	for (int i = 0; i < 5000 && !quit_seen; i++)
		usleep(1000);
	return quit_seen ? GOT_IT : LOST_IT;
}

Test(console_input, the_escape_is_seen_while_the_guest_takes_nothing)
{
	cr_expect_eq(run_child(escape_behind_a_full_fifo_child), GOT_IT);
}
