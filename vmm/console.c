/* console.c: stdin -> UART thread, terminal raw mode and its restoration. */
#include "vmm/console.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "mmu/err.h"
#include "vmm/machine/stop.h"

static struct termios saved_tio;
static volatile sig_atomic_t tio_saved;

void console_restore(void)
{
	if (tio_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
}

static void enter_raw_mode(void)
{
	struct termios raw;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_tio) < 0)
		return;
	tio_saved = 1;
	/* SIGTERM/SIGHUP/SIGINT end the run through vmm/machine/stop.c; main restores. */
	atexit(console_restore);
	raw = saved_tio;
	cfmakeraw(&raw);
	tcsetattr(STDIN_FILENO, TCSANOW, &raw);
}

/* Filter the escape sequence; returns the bytes left in buf. */
static size_t filter_escape(struct machine *m, uint8_t *buf, size_t n,
			    bool *escaped)
{
	size_t out = 0;

	for (size_t i = 0; i < n; i++) {
		if (*escaped) {
			*escaped = false;
			if (buf[i] == 'x') {
				machine_request_quit(m);
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

static void *input_thread(void *arg)
{
	struct machine *m = arg;
	bool escaped = false, tty = tio_saved;
	uint8_t buf[64];
	ssize_t n;

	for (;;) {
		n = read(STDIN_FILENO, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return NULL; /* EOF or error: the guest just gets no more input */
		if (tty)
			n = (ssize_t)filter_escape(m, buf, (size_t)n, &escaped);
		machine_console_input(m, buf, (size_t)n);
		if (m->quit_requested)
			return NULL;
	}
}

int console_start(struct machine *m)
{
	pthread_t t;
	sigset_t old;
	int r;

	enter_raw_mode();
	/* Stop signals go to the vCPU thread only: the new thread inherits the block. */
	pthread_sigmask(SIG_BLOCK, NULL, &old);
	stop_block_in_this_thread();
	r = pthread_create(&t, NULL, input_thread, m);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r != 0)
		return errf(-r, "pthread_create: %s", strerror(r));
	pthread_detach(t);
	return 0;
}
