/* output.h: guest serial output batched across exits: the buffer and when it is due. */
#ifndef VMM_CONSOLE_OUTPUT_H
#define VMM_CONSOLE_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The guest writes its console one byte per exit (8250 THR). Writing each
 * byte to stdout at once costs one write() per exit; instead bytes collect
 * here and go out when the oldest has waited CONSOLE_OUT_DELAY_NS, when
 * CONSOLE_OUT_HIGH bytes are waiting, or when the run ends. The run loop
 * arms a one-shot timer at the deadline (vmm/machine/flush_timer.c), so KVM_RUN
 * returns then even while the guest idles in HLT, and an interactive echo
 * shows within CONSOLE_OUT_DELAY_NS.
 */
#define CONSOLE_OUT_DELAY_NS 1000000ULL /* 1 ms: ~11 characters at 115200 baud,
					   far below what a typist can see */
#define CONSOLE_OUT_SIZE 8192
/* One exit adds at most a page (string I/O is at most 4 KiB, kvm_run's
 * data page), so flushing at half the buffer before each KVM_RUN means
 * an exit never finds it full. */
#define CONSOLE_OUT_HIGH (CONSOLE_OUT_SIZE / 2)

struct console_out {
	uint8_t buf[CONSOLE_OUT_SIZE];
	size_t len;
	uint64_t deadline_ns;	/* when the oldest waiting byte is due; valid while len > 0 */
	uint64_t bytes, writes;	/* totals, for --timing */
};

/* Writes all of buf (retrying short writes); returns the write() calls it made. */
typedef uint64_t console_sink(const uint8_t *buf, size_t len);

/* Queue one byte at `now_ns`; true when it starts a batch (arm the deadline
 * timer for o->deadline_ns). A full buffer is written out first. */
bool console_out_put(struct console_out *o, uint8_t c, uint64_t now_ns, console_sink *sink);
/* Is the waiting output due at `now_ns`? */
bool console_out_due(const struct console_out *o, uint64_t now_ns);
/* Write what waits, through `sink`. */
void console_out_flush(struct console_out *o, console_sink *sink);

#endif
