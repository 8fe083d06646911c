/* test_uart8250.c: unit tests for the 16550A model in devices/uart8250.c. */
#include <criterion/criterion.h>
#include <linux/serial_reg.h>
#include <stdint.h>
#include <string.h>

#include "devices/uart8250.h"

/* What the host saw: transmitted bytes and every set_irq call. */
struct host_log {
	uint8_t tx[64];
	unsigned ntx;
	unsigned irq_calls;
	bool level;
};

static void log_tx(void *ctx, uint8_t c)
{
	struct host_log *h = ctx;

	if (h->ntx < sizeof(h->tx))
		h->tx[h->ntx] = c;
	h->ntx++;
}

static void log_irq(void *ctx, bool level)
{
	struct host_log *h = ctx;

	/* The model must report changes only. */
	cr_expect_neq(level, h->level, "set_irq(%d) without a change", level);
	h->irq_calls++;
	h->level = level;
}

static struct host_log hl;
static struct uart8250 u;

static void setup(void)
{
	const struct uart8250_host host = { log_tx, log_irq, &hl };

	memset(&hl, 0, sizeof(hl));
	uart8250_init(&u, &host);
}

TestSuite(uart8250, .init = setup);

static uint8_t rd(unsigned off)
{
	return uart8250_read(&u, off);
}

static void wr(unsigned off, uint8_t val)
{
	uart8250_write(&u, off, val);
}

static void fifo_on(void)
{
	wr(UART_FCR, UART_FCR_ENABLE_FIFO);
}

Test(uart8250, reset_state)
{
	cr_assert_eq(rd(UART_IER), 0);
	cr_assert_eq(rd(UART_IIR), UART_IIR_NO_INT);
	cr_assert_eq(rd(UART_LCR), 0);
	cr_assert_eq(rd(UART_MCR), 0);
	cr_assert_eq(rd(UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	cr_assert_eq(rd(UART_MSR), UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS);
	cr_assert_eq(rd(UART_SCR), 0);
	wr(UART_LCR, UART_LCR_DLAB);
	cr_assert_eq(rd(UART_DLL), 12);
	cr_assert_eq(rd(UART_DLM), 0);
	cr_assert_eq(hl.irq_calls, 0);
	cr_assert_eq(hl.ntx, 0);
	cr_assert(uart8250_can_receive(&u));
}

Test(uart8250, dlab_round_trip)
{
	wr(UART_IER, UART_IER_RDI);
	wr(UART_LCR, UART_LCR_DLAB | UART_LCR_WLEN8);
	wr(UART_DLL, 0x01);
	wr(UART_DLM, 0xab);
	cr_assert_eq(rd(UART_DLL), 0x01);
	cr_assert_eq(rd(UART_DLM), 0xab);
	cr_assert_eq(hl.ntx, 0, "DLL write must not transmit");

	wr(UART_LCR, UART_LCR_WLEN8);
	cr_assert_eq(rd(UART_IER), UART_IER_RDI, "IER clobbered by DLM");
	wr(UART_TX, 'x');
	cr_assert_eq(hl.ntx, 1);
	cr_assert(uart8250_receive(&u, 'y'));
	cr_assert_eq(rd(UART_RX), 'y');

	/* Divisor 0 is legal to store and harmless. */
	wr(UART_LCR, UART_LCR_DLAB);
	wr(UART_DLL, 0);
	wr(UART_DLM, 0);
	cr_assert_eq(rd(UART_DLL), 0);
	cr_assert_eq(rd(UART_DLM), 0);
}

Test(uart8250, lcr_reads_back_full_byte)
{
	unsigned v;

	for (v = 0; v < 256; v++) {
		wr(UART_LCR, (uint8_t)v);
		cr_assert_eq(rd(UART_LCR), v);
	}
}

Test(uart8250, scratch_round_trip)
{
	wr(UART_SCR, 0x55);
	cr_assert_eq(rd(UART_SCR), 0x55);
	wr(UART_SCR, 0xaa);
	cr_assert_eq(rd(UART_SCR), 0xaa);
}

Test(uart8250, thr_write_calls_tx)
{
	wr(UART_TX, 'h');
	wr(UART_TX, 'i');
	cr_assert_eq(hl.ntx, 2);
	cr_assert_eq(hl.tx[0], 'h');
	cr_assert_eq(hl.tx[1], 'i');
	cr_assert_eq(rd(UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	cr_assert_eq(hl.irq_calls, 0, "THRI disabled: no interrupt");
}

Test(uart8250, thre_raise_clear_reraise)
{
	wr(UART_IER, UART_IER_THRI);
	cr_assert(hl.level);
	cr_assert_eq(hl.irq_calls, 1);

	cr_assert_eq(rd(UART_IIR), UART_IIR_THRI);
	cr_assert_not(hl.level);
	cr_assert_eq(hl.irq_calls, 2);
	cr_assert_eq(rd(UART_IIR), UART_IIR_NO_INT);

	wr(UART_TX, 'a');
	cr_assert(hl.level, "THR write re-raises THRE");
	cr_assert_eq(hl.irq_calls, 3);
	/* Still pending: another write keeps the level, no extra call. */
	wr(UART_TX, 'b');
	cr_assert_eq(hl.irq_calls, 3);
	cr_assert_eq(hl.ntx, 2);

	wr(UART_IER, 0);
	cr_assert_not(hl.level, "clearing IER.THRI drops THRE");
	cr_assert_eq(hl.irq_calls, 4);
	cr_assert_eq(rd(UART_IIR), UART_IIR_NO_INT);
}

Test(uart8250, thre_iir_with_fifo_bits)
{
	fifo_on();
	cr_assert_eq(rd(UART_IIR), 0xc0 | UART_IIR_NO_INT);
	wr(UART_IER, UART_IER_THRI);
	cr_assert_eq(rd(UART_IIR), 0xc0 | UART_IIR_THRI);
	cr_assert_not(hl.level);
	cr_assert_eq(rd(UART_IIR), 0xc0 | UART_IIR_NO_INT);
}

/* Linux serial8250_do_startup()'s THRE re-assert test (UART_BUG_THRE). */
Test(uart8250, thre_reasserts_on_ier_toggle)
{
	uint8_t iir1, iir2;

	wr(UART_IER, UART_IER_THRI);
	iir1 = rd(UART_IIR);
	wr(UART_IER, 0);
	wr(UART_IER, UART_IER_THRI);
	iir2 = rd(UART_IIR);
	wr(UART_IER, 0);
	cr_assert_eq(iir1 & UART_IIR_NO_INT, 0);
	cr_assert_eq(iir2 & UART_IIR_NO_INT, 0);
	cr_assert_not(hl.level);
}

Test(uart8250, receive_sets_dr_and_rdi)
{
	fifo_on();
	wr(UART_IER, UART_IER_RDI);
	cr_assert_eq(hl.irq_calls, 0);

	cr_assert(uart8250_receive(&u, 'A'));
	cr_assert(uart8250_receive(&u, 'B'));
	cr_assert(hl.level);
	cr_assert_eq(hl.irq_calls, 1);
	cr_assert(rd(UART_LSR) & UART_LSR_DR);
	cr_assert_eq(rd(UART_IIR), 0xc0 | UART_IIR_RDI);
	cr_assert(hl.level, "IIR read must not clear RDI");

	cr_assert_eq(rd(UART_RX), 'A');
	cr_assert(hl.level);
	cr_assert(rd(UART_LSR) & UART_LSR_DR);
	cr_assert_eq(rd(UART_RX), 'B');
	cr_assert_eq(rd(UART_LSR) & UART_LSR_DR, 0);
	cr_assert_not(hl.level);
	cr_assert_eq(hl.irq_calls, 2);
	cr_assert_eq(rd(UART_IIR), 0xc0 | UART_IIR_NO_INT);
}

Test(uart8250, rdi_outranks_thre)
{
	fifo_on();
	wr(UART_IER, UART_IER_RDI | UART_IER_THRI);
	cr_assert(uart8250_receive(&u, 'z'));
	cr_assert_eq(rd(UART_IIR) & UART_IIR_ID, UART_IIR_RDI);
	cr_assert_eq(rd(UART_RX), 'z');
	cr_assert_eq(rd(UART_IIR) & UART_IIR_ID, UART_IIR_THRI);
	cr_assert_eq(rd(UART_IIR), 0xc0 | UART_IIR_NO_INT);
	cr_assert_not(hl.level);
}

Test(uart8250, fifo_full_refuses)
{
	unsigned i;

	fifo_on();
	for (i = 0; i < UART8250_FIFO_SIZE; i++)
		cr_assert(uart8250_receive(&u, (uint8_t)('a' + i)));
	cr_assert_not(uart8250_can_receive(&u));
	cr_assert_not(uart8250_receive(&u, '!'));
	cr_assert_eq(rd(UART_LSR) & UART_LSR_OE, 0, "refused, not overrun");

	for (i = 0; i < UART8250_FIFO_SIZE; i++)
		cr_assert_eq(rd(UART_RX), 'a' + i);
	cr_assert_eq(rd(UART_LSR) & UART_LSR_DR, 0, "17th byte was stored");
	cr_assert(uart8250_can_receive(&u));
}

Test(uart8250, fifo_wraps_around)
{
	unsigned i;

	fifo_on();
	for (i = 0; i < 40; i++) {
		cr_assert(uart8250_receive(&u, (uint8_t)i));
		cr_assert(uart8250_receive(&u, (uint8_t)(i + 100)));
		cr_assert_eq(rd(UART_RX), i);
		cr_assert_eq(rd(UART_RX), i + 100);
	}
}

/* Choice: FCR0 clear is 16450 mode with a one-byte holding register. */
Test(uart8250, fifo_disabled_holds_one_byte)
{
	cr_assert(uart8250_receive(&u, '1'));
	cr_assert_not(uart8250_can_receive(&u));
	cr_assert_not(uart8250_receive(&u, '2'));
	cr_assert_eq(rd(UART_RX), '1');
	cr_assert_eq(rd(UART_LSR) & UART_LSR_DR, 0);
	cr_assert(uart8250_receive(&u, '3'));
	cr_assert_eq(rd(UART_RX), '3');
}

Test(uart8250, fifo_mode_change_empties_fifo)
{
	fifo_on();
	cr_assert(uart8250_receive(&u, '1'));
	cr_assert(uart8250_receive(&u, '2'));
	wr(UART_FCR, 0);
	cr_assert_eq(rd(UART_LSR) & UART_LSR_DR, 0);
	cr_assert_eq(rd(UART_IIR), UART_IIR_NO_INT, "no FIFO bits");
	cr_assert(uart8250_receive(&u, '3'));
	cr_assert_not(uart8250_receive(&u, '4'));
}

Test(uart8250, fcr_clear_rcvr)
{
	fifo_on();
	wr(UART_IER, UART_IER_RDI);
	cr_assert(uart8250_receive(&u, '1'));
	cr_assert(uart8250_receive(&u, '2'));
	cr_assert(hl.level);
	wr(UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_CLEAR_RCVR |
			     UART_FCR_CLEAR_XMIT | UART_FCR_TRIGGER_14);
	cr_assert_eq(rd(UART_LSR) & UART_LSR_DR, 0);
	cr_assert_not(hl.level);
	cr_assert_eq(rd(UART_IIR), 0xc0 | UART_IIR_NO_INT);
	/* FIFO is still enabled after the clear. */
	cr_assert(uart8250_receive(&u, '3'));
	cr_assert(uart8250_receive(&u, '4'));
	cr_assert_eq(rd(UART_RX), '3');
}

/* Linux autoconfig(): MCR = LOOP | OUT2 | RTS must give MSR 7:4 == 0x90. */
Test(uart8250, loopback_msr)
{
	wr(UART_MCR, UART_MCR_LOOP | 0x0a);
	cr_assert_eq(rd(UART_MCR), 0x1a);
	cr_assert_eq(rd(UART_MSR) & 0xf0, 0x90);

	wr(UART_MCR, UART_MCR_LOOP | UART_MCR_DTR | UART_MCR_OUT1);
	cr_assert_eq(rd(UART_MSR), UART_MSR_DSR | UART_MSR_RI |
					   UART_MSR_DCTS | UART_MSR_DDSR |
					   UART_MSR_DDCD);
	cr_assert_eq(rd(UART_MSR) & UART_MSR_ANY_DELTA, 0, "deltas cleared");
	wr(UART_MCR, UART_MCR_LOOP);
	cr_assert_eq(rd(UART_MSR), UART_MSR_DDSR | UART_MSR_TERI);

	wr(UART_MCR, 0);
	cr_assert_eq(rd(UART_MSR) & 0xf0, 0xb0, "lines restored");
}

Test(uart8250, loopback_thr_to_rx)
{
	fifo_on();
	wr(UART_MCR, UART_MCR_LOOP);
	cr_assert_not(uart8250_can_receive(&u), "input disconnected");
	cr_assert_not(uart8250_receive(&u, 'h'));
	wr(UART_TX, 'L');
	cr_assert_eq(hl.ntx, 0, "loopback must not reach the host");
	cr_assert(rd(UART_LSR) & UART_LSR_DR);
	cr_assert_eq(rd(UART_RX), 'L');
	wr(UART_MCR, 0);
	cr_assert(uart8250_receive(&u, 'h'));
}

Test(uart8250, loopback_overrun_sets_oe_and_rlsi)
{
	unsigned i;

	wr(UART_MCR, UART_MCR_LOOP);
	wr(UART_IER, UART_IER_RLSI | UART_IER_RDI);
	wr(UART_TX, 'a');
	wr(UART_TX, 'b');	/* 16450 mode: one-byte holding register */
	cr_assert_eq(rd(UART_IIR), UART_IIR_RLSI);
	cr_assert(hl.level);
	cr_assert_eq(rd(UART_LSR), UART_LSR_THRE | UART_LSR_TEMT |
					   UART_LSR_OE | UART_LSR_DR);
	cr_assert_eq(rd(UART_LSR) & UART_LSR_OE, 0, "LSR read clears OE");
	cr_assert_eq(rd(UART_IIR), UART_IIR_RDI);
	cr_assert_eq(rd(UART_RX), 'a');
	cr_assert_not(hl.level);
	for (i = 0; i < 4; i++)
		cr_assert_eq(rd(UART_IIR), UART_IIR_NO_INT);
}

Test(uart8250, modem_status_interrupt)
{
	wr(UART_IER, UART_IER_MSI);
	cr_assert_not(hl.level);
	wr(UART_MCR, UART_MCR_LOOP | UART_MCR_RTS);
	cr_assert(hl.level);
	cr_assert_eq(rd(UART_IIR), UART_IIR_MSI);
	cr_assert(hl.level, "IIR read leaves MSI");
	rd(UART_MSR);
	cr_assert_not(hl.level, "MSR read clears MSI");
}

/* Linux autoconfig()'s IER probe: 0 then 0x0F must read back exactly. */
Test(uart8250, ier_scratch_test)
{
	wr(UART_IER, 0);
	cr_assert_eq(rd(UART_IER) & 0x0f, 0);
	wr(UART_IER, 0x0f);
	cr_assert_eq(rd(UART_IER) & 0x0f, 0x0f);
	/* Bits 7:4 are not implemented on a 16550A (XScale UUE probe). */
	wr(UART_IER, 0xff);
	cr_assert_eq(rd(UART_IER), 0x0f);
}

/* Linux autoconfig(): EFR write at LCR=0xBF, then the FCR probe: 16550A. */
Test(uart8250, autoconfig_detects_16550a)
{
	wr(UART_LCR, UART_LCR_CONF_MODE_B);
	wr(UART_FCR, 0);	/* UART_EFR */
	wr(UART_LCR, 0);
	wr(UART_FCR, UART_FCR_ENABLE_FIFO);
	cr_assert_eq(rd(UART_IIR) >> 6, 3);
	/* EFRv1 probe reads offset 2 under DLAB: must not read 0. */
	wr(UART_LCR, UART_LCR_CONF_MODE_A);
	cr_assert_neq(rd(UART_IIR), 0);
	/* No 64-byte FIFO (16750): IIR bit 5 stays clear. */
	wr(UART_FCR, UART_FCR_ENABLE_FIFO | 0x20);
	cr_assert_eq(rd(UART_IIR) & 0xe0, 0xc0);
}

Test(uart8250, irq_calls_only_on_change)
{
	unsigned i;

	fifo_on();
	wr(UART_IER, UART_IER_RDI | UART_IER_THRI);
	cr_assert_eq(hl.irq_calls, 1);
	for (i = 0; i < 8; i++) {
		cr_assert(uart8250_receive(&u, (uint8_t)i));
		wr(UART_TX, (uint8_t)i);
		rd(UART_LSR);
	}
	cr_assert_eq(hl.irq_calls, 1, "level never changed");
	for (i = 0; i < 8; i++)
		rd(UART_RX);
	cr_assert_eq(rd(UART_IIR) & UART_IIR_ID, UART_IIR_THRI);
	cr_assert_eq(hl.irq_calls, 2);
	cr_assert_not(hl.level);
}

Test(uart8250, bus_adapter)
{
	uint8_t v = 'q';
	uint32_t w = 0;

	uart8250_ops.write(&u, UART_TX, &v, 1);
	cr_assert_eq(hl.ntx, 1);
	cr_assert_eq(hl.tx[0], 'q');
	uart8250_ops.write(&u, UART_TX, &w, 2);
	cr_assert_eq(hl.ntx, 1, "wide write dropped");
	uart8250_ops.read(&u, UART_LSR, &v, 1);
	cr_assert_eq(v, UART_LSR_THRE | UART_LSR_TEMT);
	uart8250_ops.read(&u, UART_LSR, &w, 4);
	cr_assert_eq(w, 0xffffffffu);
	uart8250_ops.read(&u, 8, &v, 1);
	cr_assert_eq(v, 0xff);
}

Test(uart8250, out_of_range_offsets)
{
	cr_assert_eq(rd(8), 0xff);
	cr_assert_eq(rd(~0u), 0xff);
	wr(8, 0x12);
	wr(~0u, 0x34);
	cr_assert_eq(rd(UART_SCR), 0);
	cr_assert_eq(hl.ntx, 0);
}

/* Every value at every offset, DLAB clear and set; run under ASan/UBSan. */
Test(uart8250, hostile_writes)
{
	unsigned dlab, off, v, r;

	for (dlab = 0; dlab < 2; dlab++) {
		for (off = 0; off < UART8250_NR_REGS; off++) {
			for (v = 0; v < 256; v++) {
				wr(UART_LCR, dlab ? UART_LCR_DLAB : 0);
				wr(off, (uint8_t)v);
				for (r = 0; r < UART8250_NR_REGS; r++)
					rd(r);
				uart8250_receive(&u, (uint8_t)v);
				cr_assert_leq(u.rx_count, UART8250_FIFO_SIZE);
				cr_assert_eq(hl.level, u.irq_level);
			}
		}
	}
	/* The model is still sane afterwards. */
	wr(UART_LCR, 0);
	wr(UART_MCR, 0);
	wr(UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_CLEAR_RCVR);
	cr_assert(uart8250_receive(&u, 'k'));
	cr_assert_eq(rd(UART_RX), 'k');
}
