/* input.c: stdin -> guest thread, terminal raw mode and its restoration. */
#include "vmm/console/input.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "lib/thread_start.h"
#include "mmu/err.h"

static struct termios saved_tio, raw_tio;
static struct console_sink sink;
static volatile sig_atomic_t tio_saved;

/* Is vmm's process group the terminal's foreground one? A background process that sets the
 * terminal is stopped by SIGTTOU (and would take the shell's terminal from it). A terminal
 * that is not vmm's controlling one (tcgetpgrp() fails) has no job control: foreground. */
static bool in_foreground(void)
{
	pid_t fg = tcgetpgrp(STDIN_FILENO);

	return fg < 0 || fg == getpgrp();
}

void console_restore(void)
{
	if (tio_saved && in_foreground())
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
}

/* SIGCONT after a stop (SIGTSTP, SIGSTOP, SIGTTIN): the shell put its own settings back when
 * vmm stopped, and `fg` does not restore vmm's, so vmm puts the terminal raw again (as QEMU's
 * stdio does); in the background it leaves the terminal to the shell. */
static void on_continue(int sig)
{
	int saved_errno = errno;

	(void)sig;
	if (tio_saved && in_foreground())
		tcsetattr(STDIN_FILENO, TCSANOW, &raw_tio);
	errno = saved_errno;
}

static void enter_raw_mode(void)
{
	struct sigaction sa = { .sa_handler = on_continue, .sa_flags = SA_RESTART };

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_tio) < 0)
		return;
	tio_saved = 1;
	/* SIGTERM/SIGHUP/SIGINT end the run (vmm/machine/stop.c); main restores. */
	atexit(console_restore);
	raw_tio = saved_tio;
	cfmakeraw(&raw_tio);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCONT, &sa, NULL);
	if (in_foreground())
		tcsetattr(STDIN_FILENO, TCSANOW, &raw_tio);
}

/* Filter the escape sequence; returns the bytes left in buf. */
static size_t filter_escape(uint8_t *buf, size_t n, bool *escaped)
{
	size_t out = 0;

	for (size_t i = 0; i < n; i++) {
		if (*escaped) {
			*escaped = false;
			if (buf[i] == 'x') {
				sink.quit(sink.ctx);
				return out;
			}
			if (buf[i] != CONSOLE_ESCAPE)
				continue;
		} else if (buf[i] == CONSOLE_ESCAPE) {
			*escaped = true;
			continue;
		}
		buf[out++] = buf[i];
	}
	return out;
}

/* Until stdin has input (or an end): read() of an O_NONBLOCK stdin, which vmm inherits from a
 * parent that set it on a shared pipe or terminal, says EAGAIN instead of waiting. */
static void wait_for_input(void)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };

	poll(&p, 1, -1);
}

static void *input_thread(void *arg)
{
	(void)arg;
	bool escaped = false, tty = tio_saved;
	uint8_t buf[64];
	ssize_t n;

	for (;;) {
		n = read(STDIN_FILENO, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			wait_for_input();
			continue;
		}
		if (n <= 0)
			return NULL; /* EOF or error: the guest just gets no more input */
		if (tty)
			n = (ssize_t)filter_escape(buf, (size_t)n, &escaped);
		sink.input(sink.ctx, buf, (size_t)n);
		if (sink.quitting(sink.ctx))
			return NULL;
	}
}

int console_start(const struct console_sink *s)
{
	pthread_t t;
	int r;

	sink = *s;
	enter_raw_mode();
	r = thread_start(&t, input_thread, NULL);
	if (r != 0)
		return errf(-r, "pthread_create: %s", strerror(r));
	pthread_detach(t);
	return 0;
}
