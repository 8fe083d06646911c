/* uart8250.h: pure 16550A UART model; IRQ and TX via host callbacks. */
#ifndef VMM_DEVICES_UART8250_H
#define VMM_DEVICES_UART8250_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/bus.h"

/*
 * Host side of the UART. Any callback may be NULL (then it is skipped).
 * Callbacks run synchronously inside uart8250_read/write/receive; they must
 * not re-enter the model.
 */
struct uart8250_host {
	/* The guest transmitted byte c (never called in loopback mode). */
	void (*tx)(void *ctx, uint8_t c);
	/* The interrupt output changed to `level`; only called on a change. */
	void (*set_irq)(void *ctx, bool level);
	void *ctx;
};

/* Register window size: offsets 0..7 (UART_RX .. UART_SCR). */
#define UART8250_NR_REGS 8
/* 16550A receive FIFO depth. */
#define UART8250_FIFO_SIZE 16

/*
 * Model state; callers treat it as opaque. LSR.DR/THRE/TEMT and the IIR are
 * derived from this state on every access rather than stored.
 */
struct uart8250 {
	struct uart8250_host host;
	uint8_t ier;		/* UART_IER_* bits 3:0 only */
	uint8_t lcr;		/* full byte, read back as written */
	uint8_t mcr;		/* bits 4:0 (16550A has no bits 7:5) */
	uint8_t lsr_err;	/* sticky UART_LSR_OE; LSR read clears */
	uint8_t msr;		/* line states 7:4, UART_MSR_ANY_DELTA 3:0 */
	uint8_t scr;
	uint8_t dll, dlm;	/* divisor latch, stored, never used */
	uint8_t fcr;		/* FIFO enable, DMA mode, RX trigger level */
	bool thre_pending;	/* THRE interrupt latched */
	bool irq_level;		/* last level given to host.set_irq */
	uint8_t rx[UART8250_FIFO_SIZE];
	unsigned rx_head, rx_count;
};

/*
 * Reset `u` to the 16550A master-reset state and bind `host` (copied; may be
 * NULL for no callbacks). The interrupt line is assumed low: init never calls
 * host callbacks. Reset values: IER 0, IIR 0x01 (no interrupt), LCR 0,
 * MCR 0, LSR THRE|TEMT, MSR DCD|DSR|CTS, SCR 0, FIFO off, divisor 12.
 */
void uart8250_init(struct uart8250 *u, const struct uart8250_host *host);

/*
 * Host -> guest: queue byte c for the guest to read from RBR. Returns false,
 * and leaves the byte with the caller to retry later, when there is no room
 * (16 bytes with the FIFO enabled, 1 byte in 16450 mode with FCR0 clear) or
 * while MCR loopback disconnects the receiver from the line. Data is never
 * dropped, so LSR.OE is never set by this path. May call host.set_irq.
 */
bool uart8250_receive(struct uart8250 *u, uint8_t c);

/* True iff uart8250_receive() would accept a byte now. No side effects. */
bool uart8250_can_receive(const struct uart8250 *u);

/*
 * Guest register read at offset `off` (UART_RX .. UART_SCR), with the
 * 16550A's side effects (RBR pops, IIR clears THRE, LSR clears errors, MSR
 * clears deltas). Offsets >= UART8250_NR_REGS read 0xff. May call set_irq.
 */
uint8_t uart8250_read(struct uart8250 *u, unsigned off);

/*
 * Guest register write of any `val` at offset `off`; offsets >= 8 and
 * read-only registers (LSR, MSR) are dropped. May call host.tx and
 * host.set_irq.
 */
void uart8250_write(struct uart8250 *u, unsigned off, uint8_t val);

/*
 * Bus adapter; register with dev = the struct uart8250 and len 8. Byte
 * accesses reach uart8250_read/write; other widths read all-ones and their
 * writes are dropped (the 8250 has an 8-bit data bus).
 */
extern const struct bus_ops uart8250_ops;

#endif
