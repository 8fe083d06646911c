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

/* Whether a read() of stdin would not wait (input, an end or an error). */
static bool input_ready(void)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };

	return poll(&p, 1, 0) > 0;
}

/* What the input thread holds: typed bytes the guest has not taken yet, escapes filtered. */
struct backlog {
	uint8_t buf[CONSOLE_BACKLOG];
	size_t len;
	bool escaped, tty, ended; /* ended: stdin gave EOF or an error */
};

/* Read what stdin has into the backlog's free room (waiting for input only while the backlog
 * is empty) and filter the escape out of it. */
static void read_more(struct backlog *b)
{
	ssize_t n = read(STDIN_FILENO, b->buf + b->len, sizeof(b->buf) - b->len);

	if (n < 0 && errno == EAGAIN && !b->len)
		wait_for_input();
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		b->ended = true; /* EOF or error: the guest just gets no more input */
		return;
	}
	if (b->tty)
		n = (ssize_t)filter_escape(b->buf + b->len, (size_t)n, &b->escaped);
	b->len += (size_t)n;
}

/* The guest's FIFO may stay full (it reads nothing: not set up yet, halted, in loopback): then
 * the thread goes on reading stdin into the backlog between short waits for room, so that
 * Ctrl-A x still ends the run; nothing typed is dropped. */
static void *input_thread(void *arg)
{
	static struct backlog b;

	(void)arg;
	b.tty = tio_saved;
	for (;;) {
		if (!b.ended && b.len < sizeof(b.buf) && (!b.len || input_ready()))
			read_more(&b);
		if (sink.quitting(sink.ctx))
			return NULL;
		if (b.len) {
			size_t took = sink.input(sink.ctx, b.buf, b.len, CONSOLE_WAIT_MS);

			b.len -= took;
			memmove(b.buf, b.buf + took, b.len);
		} else if (b.ended) {
			return NULL;
		}
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
