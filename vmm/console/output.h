/* output.h: guest serial output batched across exits: a bounded buffer and its writer's claim. */
#ifndef VMM_CONSOLE_OUTPUT_H
#define VMM_CONSOLE_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The guest writes its console a byte at a time (8250 THR: an exit each, or
 * queued by KVM and taken at the next exit, vmm/machine/serial_ring.c).
 * Writing each byte to stdout at once costs a write() per byte; instead bytes collect
 * here and go out when the oldest has waited CONSOLE_OUT_DELAY_NS, when
 * CONSOLE_OUT_HIGH bytes are waiting, or when the run ends. The run loop
 * arms a one-shot timer at the deadline (vmm/machine/flush_timer.c), so KVM_RUN
 * returns then even while the guest idles in HLT, and an interactive echo
 * shows within CONSOLE_OUT_DELAY_NS.
 *
 * Every vCPU adds bytes (under the caller's lock, never waiting); one writer
 * at a time claims the waiting bytes (console_out_take), writes them with no
 * lock held, and drops what it wrote (console_out_done). A vCPU enters
 * KVM_RUN only while console_out_room() holds; since one exit adds at most
 * CONSOLE_OUT_EXIT_MAX bytes, a buffer of CONSOLE_OUT_CAPACITY(ncpus) never
 * overflows: a byte the UART accepted is never dropped.
 */
#define CONSOLE_OUT_DELAY_NS 1000000ULL /* 1 ms: ~11 characters at 115200 baud,
					   far below what a typist can see */
#define CONSOLE_OUT_SIZE 8192 /* a vCPU runs while at most this much waits */
#define CONSOLE_OUT_HIGH (CONSOLE_OUT_SIZE / 2) /* due at once from here */
/* One exit adds at most two pages: its own access (string I/O goes through kvm_run's data
 * page) and the THR writes KVM queued before it (its coalesced-write ring is one page of
 * entries, each at least a byte: vmm/kvm/coalesced.h). */
#define CONSOLE_OUT_EXIT_MAX (2 * 4096)
/* Each of `ncpus` vCPUs may add one exit's worth after its last room check. */
#define CONSOLE_OUT_CAPACITY(ncpus) (CONSOLE_OUT_SIZE + (size_t)(ncpus) * CONSOLE_OUT_EXIT_MAX)

struct console_out {
	uint8_t *buf;		/* cap bytes, the caller's */
	size_t cap;
	size_t len;		/* bytes waiting, oldest first at buf[0] */
	size_t taken;		/* buf[0..taken) is claimed by the writer */
	uint64_t deadline_ns;	/* when the oldest unclaimed byte is due; valid while len > taken */
	uint64_t bytes, writes;	/* totals, for --timing */
	uint64_t lost;		/* bytes put into a full buffer (0 while the room rule is kept) */
};

/* An empty buffer over `buf` (`cap` bytes, at least CONSOLE_OUT_CAPACITY(1)). */
void console_out_init(struct console_out *o, uint8_t *buf, size_t cap);
/* Queue one byte at `now_ns`; true when it starts a batch (arm the deadline
 * timer for o->deadline_ns). Never writes, never waits. */
bool console_out_put(struct console_out *o, uint8_t c, uint64_t now_ns);
/* Is unclaimed output due at `now_ns`? */
bool console_out_due(const struct console_out *o, uint64_t now_ns);
/* May a vCPU enter KVM_RUN (its next exit is sure to fit)? */
bool console_out_room(const struct console_out *o);
/* The writer claims every waiting byte: write o->buf[0..returned) with no lock held. */
size_t console_out_take(struct console_out *o);
/* `n` claimed bytes were written by one write() call (or discarded): drop them. */
void console_out_done(struct console_out *o, size_t n);
/* The writer stops: claimed bytes it did not write wait again, due at `now_ns`. */
void console_out_release(struct console_out *o, uint64_t now_ns);

#endif
