/* uart8250.c: 16550A register model (NS PC16550D datasheet); no host I/O. */
#include "devices/uart8250.h"

#include <linux/serial_reg.h>
#include <string.h>

/*
 * Quirks chosen on purpose:
 * - Transmission is instant: THR and the transmitter are always empty, so
 *   LSR.THRE|TEMT stay set and no TX FIFO exists (FCR's CLEAR_XMIT is a no-op).
 * - RDI is pending whenever data is available, i.e. the RX trigger level is
 *   stored but behaves as 1 byte; this makes the character-timeout interrupt
 *   (IIR 0x0C) unnecessary. Linux drains RBR while LSR.DR, so this only
 *   costs extra interrupts.
 * - The interrupt output is not gated by MCR.OUT2 (QEMU does not gate it
 *   either); Linux only sets IER bits after it has requested the IRQ.
 * - The divisor latch is undefined after a datasheet master reset; we pick 12
 *   (115200 / 12 = 9600 baud) so a host that reports the baud rate never sees
 *   a zero divisor. The model itself never divides.
 */

/* IIR bits 7:6: both set while FCR0 (FIFO enable) is set (16550A). */
#define UART8250_IIR_FIFO_BITS 0xc0
/* IER bits 7:4 and MCR bits 7:5 are hard-wired to 0 on the 16550A. */
#define UART8250_IER_MASK \
	(UART_IER_MSI | UART_IER_RLSI | UART_IER_THRI | UART_IER_RDI)
#define UART8250_MCR_MASK                                            \
	(UART_MCR_LOOP | UART_MCR_OUT2 | UART_MCR_OUT1 | UART_MCR_RTS | \
	 UART_MCR_DTR)
/* FCR bits that persist; CLEAR_RCVR/CLEAR_XMIT are self-clearing. */
#define UART8250_FCR_KEEP \
	(UART_FCR_TRIGGER_MASK | UART_FCR_DMA_SELECT | UART_FCR_ENABLE_FIFO)
/* Modem lines as seen with loopback off: nothing to wait for on the host. */
#define UART8250_MSR_IDLE (UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS)
#define UART8250_MSR_LINES \
	(UART_MSR_DCD | UART_MSR_RI | UART_MSR_DSR | UART_MSR_CTS)
/* 115200 / 12 = 9600 baud, see above. */
#define UART8250_RESET_DIVISOR 12

/* --- receive FIFO ------------------------------------------------------ */

/* 16450 mode (FCR0 clear) has a single receiver holding register. */
static unsigned rx_depth(const struct uart8250 *u)
{
	return (u->fcr & UART_FCR_ENABLE_FIFO) ? UART8250_FIFO_SIZE : 1;
}

static bool rx_push(struct uart8250 *u, uint8_t c)
{
	if (u->rx_count >= rx_depth(u))
		return false;
	u->rx[(u->rx_head + u->rx_count) % UART8250_FIFO_SIZE] = c;
	u->rx_count++;
	return true;
}

static uint8_t rx_pop(struct uart8250 *u)
{
	uint8_t c;

	if (u->rx_count == 0)
		return 0;
	c = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % UART8250_FIFO_SIZE;
	u->rx_count--;
	return c;
}

static void rx_clear(struct uart8250 *u)
{
	u->rx_head = 0;
	u->rx_count = 0;
}

/* --- derived registers and the interrupt line -------------------------- */

static uint8_t uart_lsr(const struct uart8250 *u)
{
	uint8_t lsr = UART_LSR_THRE | UART_LSR_TEMT | u->lsr_err;

	if (u->rx_count)
		lsr |= UART_LSR_DR;
	return lsr;
}

/* Interrupt ID in 16550A priority order (datasheet table "IIR"). */
static uint8_t uart_iir_id(const struct uart8250 *u)
{
	if ((u->ier & UART_IER_RLSI) && (u->lsr_err & UART_LSR_BRK_ERROR_BITS))
		return UART_IIR_RLSI;
	if ((u->ier & UART_IER_RDI) && u->rx_count)
		return UART_IIR_RDI;
	if ((u->ier & UART_IER_THRI) && u->thre_pending)
		return UART_IIR_THRI;
	if ((u->ier & UART_IER_MSI) && (u->msr & UART_MSR_ANY_DELTA))
		return UART_IIR_MSI;
	return UART_IIR_NO_INT;
}

/* Output level = "an interrupt is pending"; tell the host on change only. */
static void uart_update_irq(struct uart8250 *u)
{
	bool level = uart_iir_id(u) != UART_IIR_NO_INT;

	if (level == u->irq_level)
		return;
	u->irq_level = level;
	if (u->host.set_irq)
		u->host.set_irq(u->host.ctx, level);
}

/*
 * Modem inputs: in loopback the datasheet wires CTS<-RTS, DSR<-DTR,
 * RI<-OUT1, DCD<-OUT2; otherwise the host lines are always "ready".
 */
static uint8_t msr_lines(const struct uart8250 *u)
{
	uint8_t m = 0;

	if (!(u->mcr & UART_MCR_LOOP))
		return UART8250_MSR_IDLE;
	if (u->mcr & UART_MCR_RTS)
		m |= UART_MSR_CTS;
	if (u->mcr & UART_MCR_DTR)
		m |= UART_MSR_DSR;
	if (u->mcr & UART_MCR_OUT1)
		m |= UART_MSR_RI;
	if (u->mcr & UART_MCR_OUT2)
		m |= UART_MSR_DCD;
	return m;
}

/* Latch delta bits for changed lines; TERI only on RI's trailing edge. */
static void msr_update(struct uart8250 *u)
{
	uint8_t old = u->msr & UART8250_MSR_LINES;
	uint8_t now = msr_lines(u);
	uint8_t diff = old ^ now;
	uint8_t delta = u->msr & UART_MSR_ANY_DELTA;

	if (diff & UART_MSR_CTS)
		delta |= UART_MSR_DCTS;
	if (diff & UART_MSR_DSR)
		delta |= UART_MSR_DDSR;
	if (diff & UART_MSR_DCD)
		delta |= UART_MSR_DDCD;
	if ((old & UART_MSR_RI) && !(now & UART_MSR_RI))
		delta |= UART_MSR_TERI;
	u->msr = now | delta;
}

/* --- public API -------------------------------------------------------- */

void uart8250_init(struct uart8250 *u, const struct uart8250_host *host)
{
	memset(u, 0, sizeof(*u));
	if (host)
		u->host = *host;
	u->msr = UART8250_MSR_IDLE;
	u->dll = UART8250_RESET_DIVISOR;
}

bool uart8250_can_receive(const struct uart8250 *u)
{
	/* Loopback disconnects the serial input from the receiver. */
	return !(u->mcr & UART_MCR_LOOP) && u->rx_count < rx_depth(u);
}

bool uart8250_receive(struct uart8250 *u, uint8_t c)
{
	if (!uart8250_can_receive(u))
		return false;
	rx_push(u, c);
	uart_update_irq(u);
	return true;
}

/* --- register reads ---------------------------------------------------- */

static uint8_t uart_read_iir(struct uart8250 *u)
{
	uint8_t id = uart_iir_id(u);

	/* Reading IIR while it reports THRE clears that source. */
	if (id == UART_IIR_THRI)
		u->thre_pending = false;
	if (u->fcr & UART_FCR_ENABLE_FIFO)
		id |= UART8250_IIR_FIFO_BITS;
	return id;
}

static uint8_t uart_read_lsr(struct uart8250 *u)
{
	uint8_t lsr = uart_lsr(u);

	u->lsr_err = 0;
	return lsr;
}

static uint8_t uart_read_msr(struct uart8250 *u)
{
	uint8_t msr = u->msr;

	u->msr &= (uint8_t)~UART_MSR_ANY_DELTA;
	return msr;
}

static uint8_t uart_read_reg(struct uart8250 *u, unsigned off)
{
	bool dlab = u->lcr & UART_LCR_DLAB;

	switch (off) {
	case UART_RX:
		return dlab ? u->dll : rx_pop(u);
	case UART_IER:
		return dlab ? u->dlm : u->ier;
	case UART_IIR:
		return uart_read_iir(u);
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		return uart_read_lsr(u);
	case UART_MSR:
		return uart_read_msr(u);
	case UART_SCR:
		return u->scr;
	default:
		return 0xff;
	}
}

uint8_t uart8250_read(struct uart8250 *u, unsigned off)
{
	uint8_t val = uart_read_reg(u, off);

	uart_update_irq(u);
	return val;
}

/* --- register writes --------------------------------------------------- */

static void uart_write_thr(struct uart8250 *u, uint8_t c)
{
	if (u->mcr & UART_MCR_LOOP) {
		/* The guest overran its own receiver: the byte is lost. */
		if (!rx_push(u, c))
			u->lsr_err |= UART_LSR_OE;
	} else if (u->host.tx) {
		u->host.tx(u->host.ctx, c);
	}
	/* Sent already: THR is empty again, so THRE re-arms at once. */
	u->thre_pending = u->ier & UART_IER_THRI;
}

static void uart_write_ier(struct uart8250 *u, uint8_t val)
{
	uint8_t changed = (u->ier ^ val) & UART_IER_THRI;

	u->ier = val & UART8250_IER_MASK;
	/* Enabling THRI with THR empty raises THRE; disabling drops it. */
	if (changed)
		u->thre_pending = u->ier & UART_IER_THRI;
}

static void uart_write_fcr(struct uart8250 *u, uint8_t val)
{
	/* Switching between 16450 and FIFO mode empties the FIFOs. */
	if ((u->fcr ^ val) & UART_FCR_ENABLE_FIFO)
		rx_clear(u);
	/* The other FCR bits are only written while FCR0 is 1. */
	if (!(val & UART_FCR_ENABLE_FIFO)) {
		u->fcr &= (uint8_t)~UART_FCR_ENABLE_FIFO;
		return;
	}
	if (val & UART_FCR_CLEAR_RCVR)
		rx_clear(u);
	u->fcr = val & UART8250_FCR_KEEP;
}

static void uart_write_mcr(struct uart8250 *u, uint8_t val)
{
	u->mcr = val & UART8250_MCR_MASK;
	msr_update(u);
}

static void uart_write_reg(struct uart8250 *u, unsigned off, uint8_t val)
{
	bool dlab = u->lcr & UART_LCR_DLAB;

	switch (off) {
	case UART_TX:
		if (dlab)
			u->dll = val;
		else
			uart_write_thr(u, val);
		break;
	case UART_IER:
		if (dlab)
			u->dlm = val;
		else
			uart_write_ier(u, val);
		break;
	case UART_FCR:
		uart_write_fcr(u, val);
		break;
	case UART_LCR:
		u->lcr = val;
		break;
	case UART_MCR:
		uart_write_mcr(u, val);
		break;
	case UART_SCR:
		u->scr = val;
		break;
	default:
		/* LSR and MSR writes are factory-test only: dropped. */
		break;
	}
}

void uart8250_write(struct uart8250 *u, unsigned off, uint8_t val)
{
	uart_write_reg(u, off, val);
	uart_update_irq(u);
}

/* --- bus adapter ------------------------------------------------------- */

static void uart8250_bus_read(void *dev, uint64_t off, void *data,
			      unsigned len)
{
	uint8_t *p = data;

	if (len != 1 || off >= UART8250_NR_REGS) {
		memset(data, 0xff, len);
		return;
	}
	*p = uart8250_read(dev, (unsigned)off);
}

static void uart8250_bus_write(void *dev, uint64_t off, const void *data,
			       unsigned len)
{
	const uint8_t *p = data;

	if (len != 1 || off >= UART8250_NR_REGS)
		return;
	uart8250_write(dev, (unsigned)off, *p);
}

const struct bus_ops uart8250_ops = {
	.read = uart8250_bus_read,
	.write = uart8250_bus_write,
};
