/* fuzz_uart_bus.c: libFuzzer target: guest port/MMIO accesses through the bus to vmm's devices (vmm/machine/board.c, the machine's own wiring), and host input to the UART. */
#include <errno.h>
#include <string.h>

#include "tests/fuzz/fuzz_util.h"
#include "vmm/layout.h"
#include "vmm/machine/board.h"

/* 2026-01-01 00:00:00 UTC: the fake host clock's start, so runs repeat. */
#define CLOCK_START 1767225600LL
#define NS_PER_SEC 1000000000LL

struct machine {
	struct bus pio, mmio;
	struct board board;
	bool irq;	    /* the UART's interrupt line as last reported */
	struct timespec now; /* the host clock the RTC reads */
};

static void uart_tx(void *ctx, uint8_t c)
{
	(void)ctx;
	(void)c;
}

/* uart8250.h: set_irq is "only called on a change". */
static void uart_irq(void *ctx, bool level)
{
	struct machine *m = ctx;

	if (level == m->irq)
		fuzz_fail("uart8250: set_irq without a change of level");
	m->irq = level;
}

static void i8042_reset(void *ctx)
{
	(void)ctx;
}

/* Counter 2's output: high, low, or unreadable, by the fake clock's second. */
static int timer2_out(void *ctx)
{
	const struct machine *m = ctx;

	return (int)(m->now.tv_sec % 3) - 1;
}

static void debug_exit(void *ctx, uint32_t value)
{
	(void)ctx;
	(void)value;
}

/* acpi_pm.h: SLP_TYP is 3 bits. */
static void acpi_sleep(void *ctx, unsigned slp_typ)
{
	(void)ctx;
	if (slp_typ > 7)
		fuzz_fail("acpi_pm: sleep type beyond SLP_TYP's 3 bits");
}

static void acpi_reset(void *ctx)
{
	(void)ctx;
}

static void boot_timer_fired(void *ctx, bool mmio)
{
	(void)ctx;
	(void)mmio;
}

static void fake_clock(void *ctx, struct timespec *ts)
{
	const struct machine *m = ctx;

	*ts = m->now;
}

/* vmm's devices wired as the machine wires them (with ACPI), with a fake clock. */
static void machine_init(struct machine *m)
{
	const struct board_host h = {
		.uart = { .tx = uart_tx, .set_irq = uart_irq, .ctx = m },
		.i8042 = { .reset = i8042_reset, .ctx = m },
		.nmi_sc = { .timer2_out = timer2_out, .ctx = m },
		.debug_exit = { .exit = debug_exit, .ctx = m },
		.rtc = { .now = fake_clock, .ctx = m },
		.boot_timer = { .booted = boot_timer_fired, .ctx = m },
		.pm = { .sleep = acpi_sleep, .reset = acpi_reset, .ctx = m },
	};

	memset(m, 0, sizeof(*m));
	m->now.tv_sec = CLOCK_START;
	board_reset(&m->board, &h);
	if (board_wire(&m->board, &m->pio, &m->mmio, true) != 0)
		fuzz_fail("board_wire: vmm's device layout was refused");
}

/* PM1 control always reads SCI_EN set and SLP_EN clear (write-only); RST_CPU reads 0. */
static void check_acpi_pm(struct machine *m)
{
	uint16_t cnt = 0;
	uint8_t rst = 0;

	bus_access(&m->pio, LAYOUT_PM1A_CNT_PORT, &cnt, 2, false);
	bus_access(&m->pio, LAYOUT_RESET_PORT, &rst, 1, false);
	if (!(cnt & ACPI_PM1_CNT_SCI_EN) || (cnt & ACPI_PM1_CNT_SLP_EN))
		fuzz_fail("acpi_pm: PM1 control lost SCI_EN or kept SLP_EN");
	if (rst & ACPI_RST_CNT_RST_CPU)
		fuzz_fail("acpi_pm: RST_CPU reads back");
}

/* Port 0x61 never reports an NMI source (bits 6-7) and gives bit 5 only when counter 2 is high. */
static void check_nmi_sc(struct machine *m)
{
	uint8_t v = 0;

	bus_access(&m->pio, LAYOUT_NMI_SC_PORT, &v, 1, false);
	if (v & 0xc0)
		fuzz_fail("nmi_sc: an NMI status bit reads set");
	if ((v & NMI_SC_TMR2_OUT_STS) && timer2_out(m) <= 0)
		fuzz_fail("nmi_sc: bit 5 set while counter 2 is low or unreadable");
}

/* Access widths: KVM gives 1, 2 or 4 for port I/O and up to 8 for MMIO;
 * 0 and 9 are the VMM bugs bus_access() must refuse (-EINVAL). */
static const unsigned widths[8] = { 1, 1, 1, 2, 4, 8, 0, 9 };

/* One access: a 16-bit port, or an MMIO address near the boot timer. */
static void bus_op(struct machine *m, uint8_t op, struct fuzz_in *in)
{
	bool mmio = op & 0x20, write = op & 0x40;
	unsigned len = widths[(op >> 2) & 7];
	uint64_t addr = mmio ? LAYOUT_BOOT_TIMER_MMIO - 8 + fuzz_take(in, 1) : fuzz_take(in, 2);
	uint8_t data[16];
	uint64_t v = write ? fuzz_take(in, 8) : 0;
	int r;

	memset(data, 0xa5, sizeof(data));
	memcpy(data, &v, sizeof(v));
	r = bus_access(mmio ? &m->mmio : &m->pio, addr, data, len, write);
	if ((len == 0 || len > 8) != (r == -EINVAL))
		fuzz_fail("bus_access: -EINVAL iff the width is not 1..8");
	if (data[8] != 0xa5)
		fuzz_fail("bus_access: wrote past the access width");
}

/* Host -> guest: can_receive() says exactly what receive() will do. */
static void receive(struct machine *m, struct fuzz_in *in)
{
	uint8_t c = (uint8_t)fuzz_take(in, 1);
	bool can = uart8250_can_receive(&m->board.uart);

	if (uart8250_receive(&m->board.uart, c) != can)
		fuzz_fail("uart8250: receive() disagrees with can_receive()");
}

/* Let the host clock run: up to 65535 ms, or whole seconds up to a day. */
static void advance_clock(struct machine *m, uint8_t op, struct fuzz_in *in)
{
	uint64_t v = fuzz_take(in, 2);
	int64_t ns = m->now.tv_nsec + (op & 0x80 ? 0 : (int64_t)v * 1000000);

	m->now.tv_sec += (op & 0x80 ? (int64_t)(v % 86400) : 0) + ns / NS_PER_SEC;
	m->now.tv_nsec = ns % NS_PER_SEC;
}

/*
 * Records: an op byte, then its operands. Op bits 0-1: 0-1 a bus access
 * (bit 5 MMIO, bit 6 write, bits 2-4 the width), 2 a byte from the host
 * to the UART, 3 the clock moves on.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct machine m;
	struct fuzz_in in = { data, size };

	machine_init(&m);
	while (fuzz_more(&in)) {
		uint8_t op = (uint8_t)fuzz_take(&in, 1);

		switch (op & 3) {
		case 0:
		case 1:
			bus_op(&m, op, &in);
			break;
		case 2:
			receive(&m, &in);
			break;
		default:
			advance_clock(&m, op, &in);
			break;
		}
		check_acpi_pm(&m);
		check_nmi_sc(&m);
	}
	return 0;
}
