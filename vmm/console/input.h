/* input.h: the host terminal side of the serial console (raw mode, input thread, escape key). */
#ifndef VMM_CONSOLE_INPUT_H
#define VMM_CONSOLE_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Escape: Ctrl-A then 'x' quits; Ctrl-A Ctrl-A sends one Ctrl-A (as kvmtool/QEMU). */
#define CONSOLE_ESCAPE 0x01
/* Typed bytes read ahead while the guest takes none (its FIFO full, or it reads nothing): the
 * escape is seen behind up to this many (QEMU's mux holds 32). Beyond it, reading waits. */
#define CONSOLE_BACKLOG 4096
/* While bytes wait for the guest, how long one hand-over waits for room before stdin is
 * looked at again for the escape. */
#define CONSOLE_WAIT_MS 20

/* Where typed bytes go: the console knows nothing of the machine above it. */
struct console_sink {
	/* Hand over what of buf[0..n) the guest has room for: waits up to wait_ms for room when
	 * there is none; returns how many bytes were taken (0: none fit in time, or quitting). */
	size_t (*input)(void *ctx, const uint8_t *buf, size_t n, unsigned wait_ms);
	/* Ctrl-A x: end the run (returns at once). */
	void (*quit)(void *ctx);
	/* True once the run is ending: the input thread stops reading. */
	bool (*quitting)(void *ctx);
	void *ctx;
};

/*
 * Put stdin in raw mode when it is a terminal (restored at exit and on
 * SIGTERM/SIGHUP/SIGINT) and start a thread that feeds stdin to `sink`
 * (copied). The thread inherits the caller's signal mask. Returns 0 or a
 * negative errno.
 */
int console_start(const struct console_sink *sink);
/* Restore the terminal now (idempotent, async-signal-safe). */
void console_restore(void);

#endif
